// `hotline bench routing`: measures routing decisions on the real engine with a synthetic center
// (CLI.md). Pure computation plus a clock for measuring; prints nothing itself.
#pragma once

#include <cstdint>

namespace hotline::cli {

struct RoutingBenchOptions {
  int agents = 10000;
  int skills = 100;
  int waiting = 1000;
  int64_t decisions = 1000000;
  uint64_t seed = 42;
};

struct RoutingBenchResult {
  int64_t decisions = 0;
  double wall_s = 0;                // the whole measured loop, answering offers included
  double decision_s = 0;            // time inside the decision commands only
  double decisions_per_s = 0;       // decisions / decision_s
  double loop_decisions_per_s = 0;  // decisions / wall_s (the engine answering offers too)
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
  double rss_mb = 0;
  double bytes_per_agent = 0;  // resident growth while building the center and engine, per agent
  int queues = 0;
  int waiting_at_end = 0;
};

// Builds the center, fills it to `waiting` interactions with every agent busy, then alternates
// the two decisions: an agent becomes free and takes the best eligible waiting interaction; an
// interaction arrives and takes the best eligible free agent (or waits).
RoutingBenchResult RunRoutingBench(const RoutingBenchOptions& options);

}  // namespace hotline::cli
