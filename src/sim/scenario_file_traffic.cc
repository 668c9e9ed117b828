// The traffic of a scenario: arrival streams (a rate or a rate profile, handle time, patience,
// priority, attributes), the distributions of durations they and the agent groups use, and
// attributes (of tasks and of agents).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/channel.h"
#include "sim/scenario_file_parser.h"

namespace hotline::sim::internal {

using config::internal::Choices;
using config::internal::Describe;
using config::internal::IsIdChar;
using config::internal::Join;
using config::internal::kMaxIdLength;
using config::internal::kMaxMagnitude;
using config::internal::Quote;
using core::Channel;
using core::Value;
using Kind = Distribution::Kind;

namespace {

const Names kArrivalKeys = {"queue",       "channel",  "rate_per_hour", "profile",
                            "handle_time", "patience", "priority",      "attributes"};
const Names kRateStepKeys = {"from", "rate_per_hour"};
const Names kDistributionKeys = {"dist", "mean", "value", "sd", "values"};

const Choices<Kind> kKinds = {{"exponential", Kind::kExponential},
                              {"constant", Kind::kConstant},
                              {"lognormal", Kind::kLognormal},
                              {"empirical", Kind::kEmpirical}};

// Attribute names the expression language already reads otherwise.
const Names kReservedAgentAttributes = {"id", "skill"};
const Names kReservedTaskAttributes = {"wait_s", "priority", "channel", "queue"};

Names ParametersOf(Kind kind) {
  switch (kind) {
    case Kind::kConstant:
      return {"value"};
    case Kind::kExponential:
      return {"mean"};
    case Kind::kLognormal:
      return {"mean", "sd"};
    case Kind::kEmpirical:
      return {"values"};
  }
  return {};
}

}  // namespace

const Choices<Channel>& ChannelChoices() {
  static const Choices<Channel> kChoices = [] {
    Choices<Channel> choices;
    for (Channel c : core::kAllChannels) choices.emplace_back(core::ChannelName(c), c);
    return choices;
  }();
  return kChoices;
}

// ---- distributions ------------------------------------------------------------------------------

std::optional<Distribution> ScenarioParser::ReadDistribution(const Spot& at) {
  if (!at.node.IsMap()) {
    Report(at,
           "expected a distribution such as {dist: exponential, mean: 180s}, {dist: constant, "
           "value: 3m}, {dist: lognormal, mean: 4m, sd: 2m} or {dist: empirical, values: [120, "
           "185]}, got " +
               Describe(at.node));
    return std::nullopt;
  }
  Fields f;
  if (!Map(at, kDistributionKeys, "a distribution", &f)) return std::nullopt;
  const Entry* dist = f.Find("dist");
  if (!dist) {
    Report(f.self.mark, f.self.path + ".dist",
           "missing required key 'dist' (one of: exponential, constant, lognormal, empirical)");
    return std::nullopt;
  }
  std::optional<Kind> kind = Enum(dist->value, kKinds, "distribution");
  if (!kind) return std::nullopt;
  Distribution d;
  d.kind = *kind;
  bool ok = true;
  Names parameters = ParametersOf(*kind);
  for (const Entry& e : f.entries) {
    if (e.name == "dist") continue;
    if (std::find(parameters.begin(), parameters.end(), e.name) == parameters.end()) {
      Report(e.key.Mark(), e.value.path,
             "'" + e.name + "' does not apply to dist " + dist->value.node.Scalar() +
                 " (it takes: " + Join(parameters) + ")");
      ok = false;
    }
  }
  for (std::string_view p : parameters) {
    if (!f.Find(p)) {
      Missing(f, p);
      ok = false;
    }
  }
  auto seconds = [&](std::string_view key, bool positive, double* out) {
    const Entry* e = f.Find(key);
    if (!e) return;
    std::optional<Duration> value = DurationValue(e->value, positive);
    if (value) {
      *out = ToSeconds(*value);
    } else {
      ok = false;
    }
  };
  switch (*kind) {
    case Kind::kConstant:
      seconds("value", false, &d.mean_s);
      break;
    case Kind::kExponential:
      seconds("mean", true, &d.mean_s);
      break;
    case Kind::kLognormal:
      seconds("mean", true, &d.mean_s);
      seconds("sd", false, &d.sd_s);
      break;
    case Kind::kEmpirical:
      if (const Entry* e = f.Find("values")) {
        std::vector<Spot> items;
        if (!List(e->value, "a list of durations (a plain number is seconds)", &items)) {
          ok = false;
        } else if (items.empty()) {
          Report(e->value, "an empirical distribution needs at least one value");
          ok = false;
        }
        for (const Spot& item : items) {
          std::optional<Duration> value = DurationValue(item, false);
          if (value) d.values_s.push_back(ToSeconds(*value));
          ok = ok && value.has_value();
        }
      }
      break;
  }
  if (!ok) return std::nullopt;
  return d;
}

// ---- attributes ---------------------------------------------------------------------------------

void ScenarioParser::ReadAttributes(const Spot& at, bool task, std::map<std::string, Value>* out) {
  Fields f;
  if (!Map(at, {}, "a map of attributes", &f, /*open=*/true)) return;
  const Names& reserved = task ? kReservedTaskAttributes : kReservedAgentAttributes;
  for (const Entry& e : f.entries) {
    bool valid = !e.name.empty() && e.name.size() <= kMaxIdLength;
    // Task attributes may be dotted (task.customer.tier reads "customer.tier").
    for (char c : e.name) valid = valid && (IsIdChar(c, /*strict=*/true) || (task && c == '.'));
    valid = valid && e.name.front() != '.' && e.name.back() != '.';
    if (!valid) {
      Report(e.key.Mark(), e.value.path,
             "attribute name " + Quote(e.name) + " may hold only letters, digits and '_'" +
                 (task ? " (and '.' between parts)" : "") + " (expressions read it as " +
                 (task ? "task." : "agent.") + "<name>)");
      continue;
    }
    if (std::find(reserved.begin(), reserved.end(), e.name) != reserved.end()) {
      std::string root = task ? "task." : "agent.";
      Report(
          e.key.Mark(), e.value.path,
          "attribute name " + Quote(e.name) + " is reserved (" + root + e.name + " is built in)");
      continue;
    }
    if (auto v = AttributeValue(e.value, true)) (*out)[e.name] = std::move(*v);
  }
}

// ---- arrivals -----------------------------------------------------------------------------------

std::optional<double> ScenarioParser::ReadRate(const Spot& at) {
  std::optional<double> rate = Number(at);
  if (!rate) return std::nullopt;
  if (*rate < 0) {
    Report(at, "a rate must not be negative (got " + Quote(at.node.Scalar()) + ")");
    return std::nullopt;
  }
  if (*rate > kMaxRatePerHour) {
    Report(at, "a rate must be at most 10000000 per hour (got " + Quote(at.node.Scalar()) + ")");
    return std::nullopt;
  }
  return rate;
}

void ScenarioParser::ReadRateProfile(const Spot& at, ArrivalStream* stream) {
  std::vector<Spot> items;
  if (!List(at, "a list of {from, rate_per_hour}", &items)) return;
  if (items.empty()) {
    Report(at, "a rate profile needs at least one step ({from: 0h, rate_per_hour: ...})");
    return;
  }
  std::optional<Duration> previous;
  for (size_t i = 0; i < items.size(); ++i) {
    Fields f;
    if (!Map(items[i], kRateStepKeys, "a rate step", &f)) continue;
    RateStep step;
    const Entry* from = f.Find("from");
    const Entry* rate = f.Find("rate_per_hour");
    if (!from) Missing(f, "from");
    if (!rate) Missing(f, "rate_per_hour");
    if (from) {
      std::optional<Duration> d = DurationValue(from->value, false);
      if (d) {
        step.from = *d;
        if (i == 0 && *d != Duration::zero()) {
          Report(from->value, "the first step must start at 0 (got " + FormatDuration(*d) + ")");
        } else if (previous && *d <= *previous) {
          Report(from->value, "steps must be sorted by 'from', each later than the one before (" +
                                  FormatDuration(*d) + " comes after " + FormatDuration(*previous) +
                                  ")");
        } else if (horizon_ && *d >= *horizon_) {
          Report(from->value, "this step starts at or after the horizon (" +
                                  FormatDuration(*horizon_) + "): it would never apply");
        }
        previous = *d;
      }
    }
    if (rate) {
      if (auto r = ReadRate(rate->value)) step.rate_per_hour = *r;
    }
    stream->profile.push_back(step);
  }
}

void ScenarioParser::ReadArrival(const Spot& at, ArrivalStream* stream) {
  const Choices<Channel>& channels = ChannelChoices();
  Fields f;
  if (!Map(at, kArrivalKeys, "an arrival stream", &f)) return;
  if (const Entry* e = f.Find("queue")) {
    if (auto q = QueueRef(e->value)) {
      stream->queue = *q;
      arrival_spots_.push_back({scenario_.arrivals.size() - 1, e->value});
    }
  } else {
    Missing(f, "queue");
  }
  if (const Entry* e = f.Find("channel")) {
    if (auto c = Enum(e->value, channels, "channel")) stream->channel = *c;
  }
  const Entry* rate = f.Find("rate_per_hour");
  const Entry* profile = f.Find("profile");
  if (rate && profile) {
    Report(profile->key.Mark(), profile->value.path,
           "give either 'rate_per_hour' (a constant rate) or 'profile' (rates over time), not "
           "both");
  } else if (rate) {
    if (auto r = ReadRate(rate->value)) stream->profile = {RateStep{Duration::zero(), *r}};
  } else if (profile) {
    ReadRateProfile(profile->value, stream);
  } else {
    Report(f.self.mark, f.self.path + ".rate_per_hour",
           "missing required key 'rate_per_hour' (or 'profile', rates over time)");
  }
  if (const Entry* e = f.Find("handle_time")) {
    if (auto d = ReadDistribution(e->value)) stream->handle_time = std::move(*d);
  } else {
    Missing(f, "handle_time");
  }
  if (const Entry* e = f.Find("patience")) stream->patience = ReadDistribution(e->value);
  if (const Entry* e = f.Find("priority")) {
    if (auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude)) {
      stream->priority = static_cast<int>(*n);
    }
  }
  if (const Entry* e = f.Find("attributes")) {
    ReadAttributes(e->value, /*task=*/true, &stream->attributes);
  }
}

void ScenarioParser::ReadArrivals(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of arrival streams", &items)) return;
  if (items.empty()) {
    Report(at, "at least one arrival stream is needed");
    return;
  }
  for (size_t i = 0; i < items.size() && !stopped(); ++i) {
    scenario_.arrivals.emplace_back();
    ReadArrival(items[i], &scenario_.arrivals.back());
  }
}

}  // namespace hotline::sim::internal
