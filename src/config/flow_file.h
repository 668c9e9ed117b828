// Loading the IVR part of `hotline.yaml`: the top-level `flows`, `numbers` and `hours` sections,
// into a flow::FlowBook (schema: docs/configuration.md, "Flows").
//
// The same file holds the center (center_file.h); the center parser skips these sections and this
// one reads only them, plus `center.utc_offset` (for hours) and the ids of `queues` (a flow naming
// an undefined queue is a problem). Problems follow center_file.h's conventions: file, line,
// column, key path ("flows[0].nodes.menu.options.1") and a sentence. Unknown keys, wrong types,
// references to undefined nodes / flows / hours / queues, unknown voices, bad digits, bad ranges
// and dates, and loops of nodes that never wait for the caller are all problems.
//
// Error contract: never throws, never crashes whatever the input; files larger than
// kMaxCenterFileBytes are refused. Thread-safety: free functions without shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/center_file.h"
#include "flow/flow.h"

namespace hotline::config {

// Every problem of the flow sections of `text`, in file order. When there are none and `out` is
// not null, *out receives the book (empty maps when the file has no flows); otherwise *out is left
// unchanged.
std::vector<ConfigProblem> CheckFlowsYaml(std::string_view text, std::string_view file,
                                          flow::FlowBook* out);

// Reads the file at `path` and checks it as CheckFlowsYaml does; an unreadable or oversized file
// is a single problem with line 0.
std::vector<ConfigProblem> CheckFlowsFile(const std::string& path, flow::FlowBook* out);

// The book in `text`, or the first problem as an InvalidArgument Error (message FormatProblem,
// field the key path).
[[nodiscard]] Result<flow::FlowBook> ParseFlowsYaml(std::string_view text, std::string_view file);

// Reads and parses the file at `path`: NotFound, Internal or InvalidArgument as LoadCenterFile.
[[nodiscard]] Result<flow::FlowBook> LoadFlowsFile(const std::string& path);

}  // namespace hotline::config
