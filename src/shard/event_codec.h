// Engine events as the log stores them: a type name and a JSON object of facts, with agents,
// queues and skills named by their ids ("a7", "billing") rather than engine indices, so the log
// reads on its own and survives any re-ordering of the center.
//
// Also JSON codecs for the values the API and the log share (attribute values), and a stable
// hash of engine events: a replayed command must produce the same events it produced live.
//
// Thread-safety: free functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"
#include "core/center.h"
#include "core/events.h"
#include "core/expression.h"

namespace hotline::shard {

// The facts of `event` (type-specific fields only; see docs/api.md "Events").
nlohmann::json EventData(const core::Event& event, const core::CenterDefinition& center);

// A 64-bit hash of every field of `event`, chained onto `seed`. Stable across builds.
uint64_t HashEvent(uint64_t seed, const core::Event& event);

// Attribute values: JSON null, booleans, numbers, strings and arrays of those.
nlohmann::json ValueToJson(const core::Value& value);
Result<core::Value> ValueFromJson(const nlohmann::json& json, const std::string& field);
Result<std::map<std::string, core::Value>> AttributesFromJson(const nlohmann::json& json,
                                                              const std::string& field);

}  // namespace hotline::shard
