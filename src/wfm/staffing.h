// Staffing: the fewest agents meeting every target of a queue (service level within a threshold,
// optionally a maximum ASA and a maximum occupancy), under Erlang C or Erlang A, then the agents
// to schedule once shrinkage (breaks, training, absence) is taken out. And the same for every
// interval of a day, from a CSV forecast.
//
// The search starts from square-root staffing (n = A + beta sqrt(A), beta from the Halfin-Whitt
// approximation of the target) and gallops then bisects over n, relying on every figure being
// monotone in n (service level rises, ASA and occupancy fall). A few queue evaluations suffice
// even at 4,000 Erlangs.
//
// Error contract: bad inputs return InvalidArgument naming the field ("target_sl",
// "threshold_s", "max_asa_s", "max_occupancy", "shrinkage", or a field of QueueInputs). Targets
// no staffing below kMaxAgents can meet return ResourceExhausted. A bad CSV row returns
// InvalidArgument whose message starts "line L, column C (name):".
//
// Thread-safety: pure functions, no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "wfm/erlang.h"

namespace hotline::wfm {

// The search gives up above this many agents on one queue.
inline constexpr int kMaxAgents = 10'000'000;

struct StaffingTargets {
  double service_level = 0.8;  // fraction answered within threshold_s over all arrivals; (0, 1)
  double threshold_s = 20;     // >= 0
  std::optional<double> max_asa_s;      // > 0: mean wait over all arrivals at most this
  std::optional<double> max_occupancy;  // (0, 1]
};

struct StaffingInputs {
  double arrivals_per_s = 0;         // >= 0
  double aht_s = 0;                  // > 0
  std::optional<double> patience_s;  // mean patience: Erlang A when set, Erlang C otherwise
  StaffingTargets targets;
  double shrinkage = 0;  // share of paid time not on the phones; [0, 1)
};

struct Requirement {
  int agents = 0;     // on the phones: the fewest meeting every target
  int scheduled = 0;  // ScheduledAgents(agents, shrinkage)
  // The figures with `agents` agents. With no arrivals: 0 agents, service level 1, everything
  // else 0.
  QueueMetrics metrics;
};

// The fewest agents meeting every target, and the agents to schedule.
[[nodiscard]] Result<Requirement> RequiredAgents(const StaffingInputs& in);

// Whether `metrics` meets every target (exposed for tests and what-if tables).
bool MeetsTargets(const QueueMetrics& metrics, const StaffingTargets& targets);

// ceil(agents / (1 - shrinkage)), immune to representation error: 7 agents at 30% shrinkage is
// 10 scheduled, not 11. shrinkage in [0, 1).
int ScheduledAgents(int agents, double shrinkage);

// The Halfin-Whitt beta for which the square-root-staffing approximation of Erlang C reaches
// the target service level at this load; the first guess of the search. 0 <= beta <= 10.
double HalfinWhittBeta(double load_erlangs, double aht_s, const StaffingTargets& targets);

// One row of a per-interval forecast.
//
// CSV format (RFC 4180 subset): a header line naming the columns, then one row per interval.
//   interval_start  required; any text (e.g. 08:00 or 2026-11-23T08:00:00Z), copied to the output
//   arrivals        required; contacts expected in the interval, a number >= 0
//   aht             optional; the interval's handle time (20s, 3m, 1.5h or seconds) overriding
//                   the command's AHT
// Columns may come in any order; fields may be double-quoted; blank lines, a UTF-8 byte order
// mark and CRLF line ends are accepted; other columns are an error (a typo is never ignored).
struct IntervalForecast {
  std::string interval_start;
  double arrivals = 0;
  std::optional<double> aht_s;
  int line = 0;  // 1-based line of the CSV, for messages
};

// Parses the CSV text. Errors name the line and column: "line 4, column 2 (arrivals): 'x' is not
// a number".
[[nodiscard]] Result<std::vector<IntervalForecast>> ParseIntervalCsv(std::string_view text);

struct IntervalRequirement {
  IntervalForecast forecast;
  double arrivals_per_s = 0;
  double aht_s = 0;
  Requirement requirement;
};

// Requirements for each interval of length interval_s (> 0): arrivals / interval_s per second,
// the row's AHT or base.aht_s, and base's patience, targets and shrinkage. Errors name the line.
[[nodiscard]] Result<std::vector<IntervalRequirement>> PlanIntervals(
    const std::vector<IntervalForecast>& rows, double interval_s, const StaffingInputs& base);

}  // namespace hotline::wfm
