// A simulation scenario (spec/SCENARIO.md): what traffic arrives and who is there to handle it,
// with the center either inline or from the same hotline.yaml the server runs. Plain data; the
// file format is parsed by scenario_file.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "core/center.h"

namespace hotline::sim {

// A distribution of durations (seconds).
struct Distribution {
  enum class Kind : uint8_t { kConstant, kExponential, kLognormal, kEmpirical };
  Kind kind = Kind::kConstant;
  double mean_s = 0;             // constant: the value; exponential, lognormal: the mean
  double sd_s = 0;               // lognormal: standard deviation
  std::vector<double> values_s;  // empirical: sampled uniformly
};

struct RateStep {
  Duration from{0};          // from this offset of the horizon on...
  double rate_per_hour = 0;  // ...arrivals come at this Poisson rate
};

struct ArrivalStream {
  core::QueueId queue;
  core::Channel channel = core::Channel::kVoice;
  std::vector<RateStep> profile;  // one step for a constant rate; sorted by `from`
  Distribution handle_time;
  std::optional<Distribution> patience;  // without it nobody abandons
  int priority = 0;
  std::map<std::string, core::Value> attributes;
};

struct AgentGroup {
  int count = 1;
  std::string id_prefix;  // agents are named <prefix>-1, <prefix>-2, ...
  // The agents' routing definition: skills, capacity, cross-channel rule, profile, attributes.
  // For `like: <agent id>` groups it is a copy of that agent of the center file, and
  // `like_agent` keeps its index there (static queue memberships are copied from it).
  core::AgentDefinition agent;
  std::optional<core::AgentId> like_agent;
  Duration shift_from{0};
  std::optional<Duration> shift_to;  // default: until every interaction is done
  Distribution wrapup;               // default: constant 0
};

struct Scenario {
  std::string name;
  std::string file;  // where it was read from, for messages
  uint64_t seed = 1;
  Duration horizon{0};  // arrivals are generated in [0, horizon)
  Duration warmup{0};
  int replications = 1;
  Duration interval = Seconds(15 * 60);
  // Service level settings override every queue's (SCENARIO.md `service_level`), when given.
  std::optional<Duration> sl_threshold;
  std::optional<Duration> short_abandon;
  // The center: queues, skills, profiles, dispositions and settings. Its agents are replaced by
  // the scenario's agent groups (see BuildCenter in simulator.h).
  core::CenterDefinition center;
  std::vector<ArrivalStream> arrivals;
  std::vector<AgentGroup> agents;
};

}  // namespace hotline::sim
