// A small binary container for the shard's snapshot: a magic line, then length-prefixed sections
// (little-endian u64 lengths). Sections are opaque here (JSON text, the engine's state, a KPI
// fold's state). Reading checks every length against what is left, so a truncated or damaged
// blob is an error, never an out-of-bounds read.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hotline::shard {

inline constexpr std::string_view kSnapshotMagic = "hotline-snapshot 1\n";

// Joins sections into one blob.
std::string PackSections(const std::vector<std::string>& sections);
// Splits a blob made by PackSections; kDataLoss when it is not one.
Result<std::vector<std::string_view>> UnpackSections(std::string_view blob);

}  // namespace hotline::shard
