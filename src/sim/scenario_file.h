// Loading simulation scenario files (spec/SCENARIO.md) into a Scenario (scenario.h).
//
// The file is untrusted input, read the way config/center_file.h reads hotline.yaml: every mistake
// becomes a config::ConfigProblem naming the file, line and column (1-based) and the key path
// ("arrivals[0].handle_time.mean"), and nothing is loaded. Unknown keys, missing required keys,
// wrong types, negative rates or durations, references to undefined queues / skills / agents /
// profiles, and a queue that receives arrivals but that no agent group can ever serve are all
// problems. The messages have the center loader's form (config::FormatProblem).
//
// The center comes from one of:
//   - `center: FILE` — a hotline.yaml, relative to the scenario's directory (`base_dir`). Its
//     problems are listed too, naming that file, after one problem at the scenario's `center` key.
//     Scenario::center keeps the file's agents as read (the index space of queue members and of
//     AgentGroup::like_agent); they do not take part in the simulation (BuildCenter replaces them).
//   - inline `queues` (and optional `skills`, by default every skill that the queues' requirements
//     and the agent groups name), read by the center loader itself, so every queue key of
//     hotline.yaml is accepted with the same checks and messages. An inline center has no agents,
//     profiles or dispositions.
// `service_level` is stored in Scenario::sl_threshold / short_abandon and also written into every
// queue of Scenario::center.
//
// Error contract: these functions never throw and never crash, whatever the input. Files larger
// than kMaxScenarioFileBytes are refused.
//
// Thread-safety: free functions without shared state; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/center_file.h"
#include "sim/scenario.h"

namespace hotline::sim {

inline constexpr size_t kMaxScenarioFileBytes = size_t{16} << 20;  // 16 MiB

// Bounds that keep a scenario far from overflow and from runs that would never end.
inline constexpr double kMaxRatePerHour = 1e7;
inline constexpr int kMaxGroupCount = 100'000;  // agents in one group
inline constexpr int kMaxReplications = 10'000;

// Parses the scenario in `text`; `file_name` names it in problems, `base_dir` is where a relative
// `center:` path is looked up (empty: the working directory). Returns every problem: this file's
// in file order (line, then column), then those of the center file. When the list is empty and
// `out` is not null, *out receives the scenario (with Scenario::file = file_name); otherwise *out
// is left unchanged.
std::vector<config::ConfigProblem> CheckScenarioYaml(std::string_view text,
                                                     std::string_view file_name,
                                                     std::string_view base_dir, Scenario* out);

// Reads the file at `path` and checks it as CheckScenarioYaml does, with base_dir = the file's
// directory. An unreadable or oversized file is a single problem with line 0.
std::vector<config::ConfigProblem> CheckScenarioFile(const std::string& path, Scenario* out);

// Reads and parses the file at `path`. A missing file is NotFound, a read failure Internal, an
// oversized file or any problem InvalidArgument whose message is config::FormatProblem of the
// first problem and whose field is its key path.
[[nodiscard]] Result<Scenario> LoadScenarioFile(const std::string& path);

}  // namespace hotline::sim
