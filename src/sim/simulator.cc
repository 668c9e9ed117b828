#include "sim/simulator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <queue>
#include <tuple>

#include "base/random.h"
#include "core/engine.h"
#include "sim/sampling.h"

namespace hotline::sim {
namespace {

// A seed for one random stream of a replication: (seed, purpose, index) mixed by splitmix64.
uint64_t StreamSeed(uint64_t seed, uint64_t purpose, uint64_t index) {
  uint64_t x = seed ^ (purpose * 0x9e3779b97f4a7c15ULL) ^ (index * 0xbf58476d1ce4e5b9ULL);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

enum class Kind : uint8_t { kArrival, kHandleEnd, kWrapupEnd, kAbandon, kShiftStart, kShiftEnd };

struct SimEvent {
  Instant at{};
  uint64_t seq = 0;  // ties: scheduling order
  Kind kind = Kind::kArrival;
  uint64_t id = 0;  // arrival stream, interaction or agent
};

struct Later {
  bool operator()(const SimEvent& a, const SimEvent& b) const {
    return std::tie(a.at, a.seq) > std::tie(b.at, b.seq);
  }
};

// One replication: the scenario's traffic against one engine.
class Replication {
 public:
  Replication(const Scenario& scenario, const core::CenterDefinition& center, uint64_t seed,
              const std::function<void(double)>& progress)
      : scenario_(scenario),
        engine_(center, StreamSeed(seed, 0, 0)),
        fold_(center,
              analytics::KpiSettings{scenario.interval, Instant{}, Instant{} + scenario.warmup}),
        progress_(progress),
        uses_wrapup_(center.settings.wrapup.mode != core::WrapupMode::kNone) {
    for (size_t i = 0; i < scenario.arrivals.size(); ++i) {
      arrival_random_.emplace_back(StreamSeed(seed, 1, i));
      handle_random_.emplace_back(StreamSeed(seed, 2, i));
      patience_random_.emplace_back(StreamSeed(seed, 3, i));
    }
    for (size_t g = 0; g < scenario.agents.size(); ++g) {
      wrapup_random_.emplace_back(StreamSeed(seed, 4, g));
      for (int k = 0; k < scenario.agents[g].count; ++k) group_of_.push_back(static_cast<int>(g));
    }
    off_shift_.assign(group_of_.size(), false);
    double expected = 0;
    for (const auto& stream : scenario.arrivals) {
      for (size_t k = 0; k < stream.profile.size(); ++k) {
        Duration end =
            k + 1 < stream.profile.size() ? stream.profile[k + 1].from : scenario.horizon;
        expected +=
            stream.profile[k].rate_per_hour * ToSeconds(end - stream.profile[k].from) / 3600;
      }
    }
    stream_of_.reserve(static_cast<size_t>(expected * 1.1) + 16);
    stream_of_.push_back(0);  // interaction ids start at 1
  }

  ReplicationResult Run(int64_t* contacts) {
    auto started = std::chrono::steady_clock::now();
    for (uint32_t a = 0; a < group_of_.size(); ++a) {
      const AgentGroup& group = scenario_.agents[group_of_[a]];
      Schedule(Instant{} + group.shift_from, Kind::kShiftStart, a);
      if (group.shift_to) Schedule(Instant{} + *group.shift_to, Kind::kShiftEnd, a);
    }
    for (size_t i = 0; i < scenario_.arrivals.size(); ++i) ScheduleArrival(i, Duration(0));
    Instant now{};
    Instant end{};  // the last instant something happened
    while (true) {
      Instant engine_next = engine_.NextDeadline();
      bool have_event = !events_.empty();
      if (!have_event && engine_next == Instant::max()) break;
      if (!have_event || engine_next < events_.top().at) {
        now = engine_next;
        engine_.AdvanceTo(now);
        // An outdated timer (an answered offer's timeout) fires with no effect: it must not
        // stretch the period the KPIs cover.
        if (!engine_.output().events.empty()) end = now;
        Drain(now);
        continue;
      }
      SimEvent e = events_.top();
      events_.pop();
      now = e.at;
      engine_.AdvanceTo(now);  // timers due before or at this instant fire first
      Handle(e, now);
      // Only what changed something counts for the period's end: a patience running out for a
      // caller answered long ago does nothing and must not add idle agent time.
      if (!engine_.output().events.empty() || e.kind == Kind::kArrival) end = now;
      Drain(now);
      if (progress_ && (++steps_ & 0xffff) == 0) {
        progress_(std::min(1.0, ToSeconds(now - Instant{}) / ToSeconds(scenario_.horizon)));
      }
    }
    fold_.Finish(end);
    ReplicationResult r;
    r.total = fold_.Total();
    for (uint32_t q = 0; q < scenario_.center.queues.size(); ++q) {
      r.queues.push_back(fold_.Queue(core::QueueId(q)));
    }
    r.intervals = fold_.Intervals();
    r.arrived = arrived_;
    r.events = folded_;
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    *contacts += static_cast<int64_t>(stream_of_.size()) - 1;
    return r;
  }

 private:
  void Schedule(Instant at, Kind kind, uint64_t id) { events_.push({at, ++seq_, kind, id}); }

  // The next arrival of stream `i` after `from`: exponential gaps at the rate of the current
  // step; crossing into the next step restarts the draw there (exact for Poisson processes).
  void ScheduleArrival(size_t i, Duration from) {
    const ArrivalStream& stream = scenario_.arrivals[i];
    Duration t = from;
    while (t < scenario_.horizon) {
      size_t k = 0;
      while (k + 1 < stream.profile.size() && stream.profile[k + 1].from <= t) ++k;
      Duration step_end =
          k + 1 < stream.profile.size() ? stream.profile[k + 1].from : scenario_.horizon;
      double rate = stream.profile[k].rate_per_hour / 3600.0;
      if (rate > 0) {
        Duration next = t + Seconds(SampleExponential(rate, arrival_random_[i]));
        if (next < step_end) {
          Schedule(Instant{} + next, Kind::kArrival, i);
          return;
        }
      }
      t = step_end;
    }
  }

  void Handle(const SimEvent& e, Instant now) {
    switch (e.kind) {
      case Kind::kArrival: {
        size_t i = static_cast<size_t>(e.id);
        const ArrivalStream& stream = scenario_.arrivals[i];
        core::InteractionSpec spec;
        spec.channel = stream.channel;
        spec.queue = stream.queue;
        spec.priority = stream.priority;
        spec.attributes = stream.attributes;
        auto id = engine_.CreateInteraction(spec, now);
        if (id.ok()) {
          HOTLINE_CHECK(id->value() == stream_of_.size(), "interaction ids must be dense");
          stream_of_.push_back(static_cast<uint16_t>(i));
          if (now - Instant{} >= scenario_.warmup) ++arrived_;
          if (stream.patience) {
            // Drawn for every caller (the stream stays aligned across what-if variants), but
            // only a caller who waits can run out of it.
            double patience = Sample(*stream.patience, patience_random_[i]);
            Drain(now);
            if (!connected_.empty() && connected_.back() == id->value()) {
              connected_.clear();
            } else {
              Schedule(now + Seconds(patience), Kind::kAbandon, id->value());
            }
          }
        }
        ScheduleArrival(i, now - Instant{});
        return;
      }
      case Kind::kHandleEnd:
        (void)engine_.EndInteraction(core::InteractionId(e.id), now);
        return;
      case Kind::kWrapupEnd:
        (void)engine_.CompleteWrapup(core::InteractionId(e.id), "", now);
        return;
      case Kind::kAbandon:
        // Fails harmlessly when the customer was already connected.
        (void)engine_.CancelInteraction(core::InteractionId(e.id), core::CancelReason::kAbandoned,
                                        now);
        return;
      case Kind::kShiftStart:
        (void)engine_.SetPresence(core::AgentId(static_cast<uint32_t>(e.id)),
                                  core::Presence::kReady, "", now);
        return;
      case Kind::kShiftEnd: {
        // The agent finishes what it holds, then logs out (see OnAgentIdle).
        core::AgentId agent(static_cast<uint32_t>(e.id));
        off_shift_[e.id] = true;
        if (!engine_.SetPresence(agent, core::Presence::kLoggedOut, "", now).ok()) {
          (void)engine_.SetPresence(agent, core::Presence::kNotReady, "shift_end", now);
        }
        return;
      }
    }
  }

  // Reacts to what the engine said, folding every event into the KPIs. The engine's output grows
  // while we answer it (an accepted offer emits more), so it is walked by index.
  void Drain(Instant now) {
    core::Output& out = engine_.output();
    size_t event_at = 0;
    size_t effect_at = 0;
    while (event_at < out.events.size() || effect_at < out.effects.size()) {
      while (effect_at < out.effects.size()) {
        const core::Effect effect = out.effects[effect_at++];
        if (effect.type == core::EffectType::kRingAgent) {
          (void)engine_.AcceptOffer(effect.offer, now);  // simulated agents answer at once
        } else if (effect.type == core::EffectType::kConnect) {
          uint64_t id = effect.interaction.value();
          connected_.assign(1, id);
          const ArrivalStream& stream = scenario_.arrivals[stream_of_[id]];
          Schedule(now + Seconds(Sample(stream.handle_time, handle_random_[stream_of_[id]])),
                   Kind::kHandleEnd, id);
        }
      }
      while (event_at < out.events.size()) {
        const core::Event& event = out.events[event_at++];
        fold_.Apply(event);
        ++folded_;
        if (event.type == core::EventType::kInteractionWrapupStarted && uses_wrapup_) {
          uint64_t id = event.interaction.value();
          int group = group_of_[event.agent.value()];
          double w = Sample(scenario_.agents[group].wrapup, wrapup_random_[group]);
          Schedule(now + Seconds(w), Kind::kWrapupEnd, id);
        } else if (event.type == core::EventType::kAgentRoutingStateChanged &&
                   event.routing_state == core::RoutingState::kIdle &&
                   off_shift_[event.agent.value()]) {
          core::AgentId agent = event.agent;
          (void)engine_.SetPresence(agent, core::Presence::kLoggedOut, "", now);
          break;  // `event` may dangle now: re-check the bounds
        }
      }
    }
    engine_.ClearOutput();
  }

  const Scenario& scenario_;
  core::Engine engine_;
  analytics::KpiFold fold_;
  const std::function<void(double)>& progress_;
  bool uses_wrapup_;
  std::priority_queue<SimEvent, std::vector<SimEvent>, Later> events_;
  uint64_t seq_ = 0;
  uint64_t steps_ = 0;
  std::vector<Random> arrival_random_, handle_random_, patience_random_, wrapup_random_;
  std::vector<int> group_of_;
  std::vector<bool> off_shift_;
  std::vector<uint16_t> stream_of_;  // by interaction id
  std::vector<uint64_t> connected_;  // the interaction the last Drain connected, if any
  int64_t arrived_ = 0;
  int64_t folded_ = 0;
};

// Two-sided 95% Student t quantile for `df` degrees of freedom.
double T975(int df) {
  static const double kTable[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                  2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                  2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                  2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df <= 30) return kTable[df];
  // Cornish-Fisher expansion around the normal quantile: accurate to 1e-3 beyond 30.
  double z = 1.959964;
  double n = df;
  return z + (z * z * z + z) / (4 * n) +
         (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

Estimate Estimate_(const std::vector<std::optional<double>>& values) {
  Estimate e;
  for (const auto& v : values) {
    if (!v) return e;  // undefined in some replication: no estimate
  }
  if (values.empty()) return e;
  double sum = 0;
  for (const auto& v : values) sum += *v;
  double mean = sum / static_cast<double>(values.size());
  e.mean = mean;
  if (values.size() >= 2) {
    double ss = 0;
    for (const auto& v : values) ss += (*v - mean) * (*v - mean);
    double sd = std::sqrt(ss / static_cast<double>(values.size() - 1));
    e.ci95 = T975(static_cast<int>(values.size()) - 1) * sd / std::sqrt(values.size());
  }
  return e;
}

Summary Summarize(const std::vector<const analytics::Figures*>& figures,
                  const std::vector<int64_t>& arrived) {
  auto collect = [&](auto f) {
    std::vector<std::optional<double>> values;
    for (size_t i = 0; i < figures.size(); ++i) values.push_back(f(*figures[i], i));
    return Estimate_(values);
  };
  Summary s;
  s.arrived = collect([&](const analytics::Figures&, size_t i) -> std::optional<double> {
    return static_cast<double>(arrived[i]);
  });
  s.answered = collect([](const analytics::Figures& f, size_t) -> std::optional<double> {
    return static_cast<double>(f.answered);
  });
  s.abandoned = collect([](const analytics::Figures& f, size_t) -> std::optional<double> {
    return static_cast<double>(f.abandoned);
  });
  s.service_level = collect([](const analytics::Figures& f, size_t) { return f.ServiceLevel(); });
  s.asa_s = collect([](const analytics::Figures& f, size_t) { return f.AsaS(); });
  s.abandon_rate = collect([](const analytics::Figures& f, size_t) { return f.AbandonRate(); });
  s.p_wait = collect([](const analytics::Figures& f, size_t) { return f.PWait(); });
  s.aht_s = collect([](const analytics::Figures& f, size_t) { return f.AhtS(); });
  s.occupancy = collect([](const analytics::Figures& f, size_t) { return f.Occupancy(); });
  return s;
}

}  // namespace

Result<core::CenterDefinition> BuildCenter(const Scenario& scenario) {
  core::CenterDefinition c = scenario.center;
  std::vector<core::AgentDefinition> file_agents = std::move(c.agents);
  c.agents.clear();
  c.dispositions.clear();
  // Clones of each file agent (for `like` groups), to copy its static memberships.
  std::vector<std::vector<core::AgentId>> clones(file_agents.size());
  for (size_t g = 0; g < scenario.agents.size(); ++g) {
    const AgentGroup& group = scenario.agents[g];
    std::string prefix = group.id_prefix.empty() ? "g" + std::to_string(g + 1) : group.id_prefix;
    for (int k = 1; k <= group.count; ++k) {
      core::AgentDefinition agent = group.agent;
      agent.id = prefix + "-" + std::to_string(k);
      agent.name = agent.id;
      if (group.like_agent && group.like_agent->value() < clones.size()) {
        clones[group.like_agent->value()].push_back(core::AgentId(c.agents.size()));
      }
      c.agents.push_back(std::move(agent));
    }
  }
  for (auto& queue : c.queues) {
    std::vector<core::QueueMember> members;
    for (const auto& m : queue.members) {
      if (m.agent.value() >= clones.size()) continue;
      for (core::AgentId clone : clones[m.agent.value()]) {
        members.push_back({clone, m.tier, m.position});
      }
    }
    queue.members = std::move(members);
    if (scenario.sl_threshold) queue.sl_threshold = *scenario.sl_threshold;
    if (scenario.short_abandon) queue.short_abandon = *scenario.short_abandon;
  }
  bool wrapup = false;
  for (const auto& group : scenario.agents) {
    wrapup |= !(group.wrapup.kind == Distribution::Kind::kConstant && group.wrapup.mean_s <= 0);
  }
  // The simulator ends wrap-up itself, at the drawn length: the engine must wait for it.
  c.settings.wrapup = wrapup ? core::WrapupPolicy{core::WrapupMode::kDiscretionary, Duration(0)}
                             : core::WrapupPolicy{core::WrapupMode::kNone, Duration(0)};
  for (auto& queue : c.queues) queue.wrapup.reset();
  // Simulated agents answer at once, so no offer ever times out; a short timeout keeps the
  // engine's (lazily deleted) offer timers few.
  c.settings.offer_timeout = Seconds(60);
  for (auto& queue : c.queues) queue.offer_timeout.reset();
  Status valid = core::ValidateCenter(c);
  if (!valid.ok()) return valid.error();
  return c;
}

ReplicationResult RunReplication(const Scenario& scenario, const core::CenterDefinition& center,
                                 uint64_t seed, int64_t* contacts,
                                 const std::function<void(double)>& progress) {
  Replication replication(scenario, center, seed, progress);
  return replication.Run(contacts);
}

Result<SimReport> RunScenario(const Scenario& scenario, const SimOptions& options) {
  auto center = BuildCenter(scenario);
  if (!center.ok()) return center.error();
  SimReport report;
  report.name = scenario.name;
  report.seed = options.seed.value_or(scenario.seed);
  report.replications = options.replications.value_or(scenario.replications);
  auto started = std::chrono::steady_clock::now();
  for (int r = 0; r < report.replications; ++r) {
    std::function<void(double)> progress;
    if (options.progress) {
      progress = [&, r](double within) { options.progress((r + within) / report.replications); };
    }
    report.runs.push_back(RunReplication(scenario, *center, StreamSeed(report.seed, 99, r),
                                         &report.contacts, progress));
    report.events += report.runs.back().events;
    if (options.progress) options.progress(static_cast<double>(r + 1) / report.replications);
  }
  report.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.contacts_per_s = report.wall_s > 0 ? report.contacts / report.wall_s : 0;

  std::vector<const analytics::Figures*> totals;
  std::vector<int64_t> arrived;
  for (const auto& run : report.runs) {
    totals.push_back(&run.total);
    arrived.push_back(run.arrived);
  }
  report.total = Summarize(totals, arrived);
  for (uint32_t q = 0; q < center->queues.size(); ++q) {
    std::vector<const analytics::Figures*> rows;
    std::vector<int64_t> queue_arrived;
    bool traffic = false;
    for (const auto& run : report.runs) {
      rows.push_back(&run.queues[q]);
      queue_arrived.push_back(run.queues[q].offered + run.queues[q].rejected);
      traffic |= run.queues[q].offered + run.queues[q].rejected > 0;
    }
    if (traffic) report.queues.emplace_back(center->queues[q].id, Summarize(rows, queue_arrived));
  }
  if (!report.runs.empty()) report.intervals = report.runs.front().intervals;
  return report;
}

}  // namespace hotline::sim
