// The discrete-event simulator (spec/SCENARIO.md): runs a scenario through the same routing engine
// the server uses, on simulated time, and reports the KPIs of spec/KPI.md as the server would.
//
// Model: Poisson arrivals per stream (piecewise-constant rates), agents answering every offer at
// once, handle times and patience drawn per interaction, wrap-up drawn per agent group; agents
// work their shift and finish what they hold at its end. Every random stream (arrivals, handle
// times, patience per arrival stream; wrap-up per agent group; the engine's own) has its own
// generator derived from the seed, so two scenarios that differ in one respect see the same
// customers (common random numbers): what-if comparisons are sharper.
//
// Thread-safety: RunScenario is re-entrant; nothing is shared between calls.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analytics/kpi.h"
#include "base/result.h"
#include "sim/scenario.h"

namespace hotline::sim {

// The engine's center for `scenario`: its queues and skills, and one agent per member of each
// agent group (named <prefix>-<n>; `like` groups copy their model's static memberships). Queues'
// wrap-up is left to the simulator (discretionary, or none when every group's wrap-up is 0), and
// dispositions are dropped.
Result<core::CenterDefinition> BuildCenter(const Scenario& scenario);

// What one replication measured.
struct ReplicationResult {
  analytics::Figures total;
  std::vector<analytics::Figures> queues;  // by QueueId
  std::vector<analytics::IntervalRow> intervals;
  int64_t arrived = 0;  // interactions created after the warm-up (offered + rejected)
  int64_t events = 0;   // engine events folded
  double wall_s = 0;
};

struct SimOptions {
  std::optional<uint64_t> seed;     // overrides the scenario's
  std::optional<int> replications;  // overrides the scenario's
  // Called now and then with the share of the work done, in [0, 1].
  std::function<void(double)> progress;
};

// A figure over replications: the mean, and the 95% confidence half-width (Student t; absent
// with one replication or when the figure is undefined in some replication).
struct Estimate {
  std::optional<double> mean;
  std::optional<double> ci95;
};

struct Summary {
  Estimate arrived, answered, abandoned, service_level, asa_s, abandon_rate, p_wait, aht_s,
      occupancy;
};

struct SimReport {
  std::string name;
  uint64_t seed = 0;
  int replications = 0;
  Summary total;
  std::vector<std::pair<std::string, Summary>> queues;  // queue id, figures (queues with traffic)
  std::vector<analytics::IntervalRow> intervals;        // of the first replication
  std::vector<ReplicationResult> runs;
  int64_t events = 0;
  int64_t contacts = 0;  // interactions created, all replications, warm-up included
  double wall_s = 0;
  double contacts_per_s = 0;
};

// Runs one replication with `seed` on `center` (from BuildCenter).
ReplicationResult RunReplication(const Scenario& scenario, const core::CenterDefinition& center,
                                 uint64_t seed, int64_t* contacts,
                                 const std::function<void(double)>& progress = {});

// Runs every replication and summarizes them.
Result<SimReport> RunScenario(const Scenario& scenario, const SimOptions& options = {});

}  // namespace hotline::sim
