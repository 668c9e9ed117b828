// Loading `hotline.yaml`, the center definition file (schema: docs/configuration.md).
//
// The file is untrusted input: every mistake becomes a ConfigProblem naming the file, the line and
// column (1-based, from the YAML parser) and the key path ("queues[0].plan[1].rings[2].after"),
// and nothing is loaded. Unknown keys, wrong types, negative durations, references to undefined
// agents / skills / queues / profiles, duplicate ids, bad expressions and YAML syntax errors are
// all problems. A file that passes is also checked with core::ValidateCenter.
//
// Error contract: these functions never throw and never crash, whatever the input (yaml-cpp
// exceptions are caught here). Files larger than kMaxCenterFileBytes are refused.
//
// Thread-safety: free functions without shared state; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "core/center.h"

namespace hotline::config {

inline constexpr size_t kMaxCenterFileBytes = size_t{16} << 20;  // 16 MiB

// One mistake in a center file.
struct ConfigProblem {
  std::string file;     // as given by the caller
  int line = 0;         // 1-based; 0 when the problem is about the whole file (unreadable, empty)
  int column = 0;       // 1-based; 0 when unknown
  std::string key;      // key path: "queues[0].agent_order"; empty for syntax and file problems
  std::string message;  // one sentence for a person
};

// "hotline.yaml:12:5: queues[0].agent_order: unknown preset 'fastest' (expected one of: ...)".
// Parts that are unknown (line 0, empty key) are left out.
std::string FormatProblem(const ConfigProblem& problem);

// Parses the center definition in `text`; `file_name` only names it in messages. Returns every
// problem found, in file order (line, then column), continuing after a bad key where that makes
// sense. When the list is empty and `out` is not null, *out receives the definition; otherwise
// *out is left unchanged.
std::vector<ConfigProblem> CheckCenterYaml(std::string_view text, std::string_view file_name,
                                           core::CenterDefinition* out);

// Reads the file at `path` and checks it as CheckCenterYaml does. An unreadable or oversized file
// is a single problem with line 0.
std::vector<ConfigProblem> CheckCenterFile(const std::string& path, core::CenterDefinition* out);

// The definition in `text`, or the first problem as an InvalidArgument Error whose message is
// FormatProblem(problem) and whose field is the key path.
[[nodiscard]] Result<core::CenterDefinition> ParseCenterYaml(std::string_view text,
                                                             std::string_view file_name);

// Reads and parses the file at `path`. A missing file is NotFound, a read failure Internal, an
// oversized file or any problem in it InvalidArgument.
[[nodiscard]] Result<core::CenterDefinition> LoadCenterFile(const std::string& path);

}  // namespace hotline::config
