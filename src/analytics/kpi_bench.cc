// Micro-benchmark of KpiFold::Apply on a synthetic day of a center: the simulator folds ~10
// events per contact and aims at 1,000,000 contacts/s, so the fold must stay well under 50 ns per
// event. The counter `ns_per_event` is the figure to watch.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "analytics/kpi.h"
#include "base/random.h"

namespace hotline::analytics {
namespace {

using core::AgentId;
using core::Event;
using core::EventType;
using core::InteractionId;
using core::OfferId;
using core::Presence;
using core::QueueId;
using core::RoutingState;

constexpr int kQueues = 4;
constexpr int kAgents = 50;

core::CenterDefinition BenchCenter() {
  core::CenterDefinition c;
  c.name = "bench";
  for (int i = 0; i < kAgents; ++i) {
    core::AgentDefinition a;
    a.id = "a" + std::to_string(i);
    c.agents.push_back(a);
  }
  for (int q = 0; q < kQueues; ++q) {
    core::Queue queue;
    queue.id = "q" + std::to_string(q);
    queue.plan = {core::Step{}};
    c.queues.push_back(queue);
  }
  return c;
}

struct Stamped {
  Event event;
  uint64_t seq;
};

// The events of `contacts` contacts over 50 agents (offered load ~90%): per answered contact
// created, queued, offered, routing offered, accepted, connected, routing busy, wrap-up started,
// routing wrap-up, completed, routing idle; 1 in 20 offers rings out first (RONA); callers whose
// patience runs out abandon. In time order, as the engine emits them.
std::vector<Event> SyntheticDay(int contacts) {
  Random rng(42);
  std::vector<Stamped> out;
  uint64_t seq = 0;
  auto push = [&](Event e) { out.push_back({std::move(e), seq++}); };
  auto at = [](double s) { return Instant{} + Seconds(s); };
  for (int a = 0; a < kAgents; ++a) {
    Event e;
    e.type = EventType::kAgentLoggedIn;
    e.agent = AgentId(a);
    push(e);
    e.type = EventType::kAgentPresenceChanged;
    e.presence = Presence::kReady;
    push(e);
  }
  std::vector<double> free_at(kAgents, 0.0);
  double t = 0;
  uint64_t offer = 1;
  for (int i = 0; i < contacts; ++i) {
    t += -std::log(1.0 - rng.Unit()) / 0.15;  // Poisson arrivals, 0.15/s
    const uint64_t id = static_cast<uint64_t>(i) + 1;
    const QueueId queue(static_cast<uint32_t>(rng.Below(kQueues)));
    auto ix = [&](EventType type, double when) {
      Event e;
      e.type = type;
      e.at = at(when);
      e.interaction = InteractionId(id);
      e.queue = queue;
      return e;
    };
    push(ix(EventType::kInteractionCreated, t));
    push(ix(EventType::kInteractionQueued, t));
    int agent =
        static_cast<int>(std::min_element(free_at.begin(), free_at.end()) - free_at.begin());
    double start = std::max(t, free_at[agent]);
    double patience = -std::log(1.0 - rng.Unit()) * 120;
    if (start - t > patience) {
      Event e = ix(EventType::kInteractionAbandoned, t + patience);
      e.wait = Seconds(patience);
      push(e);
      continue;
    }
    auto agent_event = [&](EventType type, double when) {
      Event e = ix(type, when);
      e.agent = AgentId(agent);
      return e;
    };
    auto routing = [&](RoutingState s, double when) {
      Event e;
      e.type = EventType::kAgentRoutingStateChanged;
      e.at = at(when);
      e.agent = AgentId(agent);
      e.routing_state = s;
      push(e);
    };
    Event offered = agent_event(EventType::kInteractionOffered, start);
    offered.offer = OfferId(offer++);
    push(offered);
    routing(RoutingState::kOffered, start);
    double ring = 2 + rng.Unit() * 6;
    if (rng.Below(20) == 0) {  // rings out, then the same agent gets it again after back-off
      Event timed_out = agent_event(EventType::kOfferTimedOut, start + 20);
      timed_out.offer = offered.offer;
      push(timed_out);
      routing(RoutingState::kBackoff, start + 20);
      routing(RoutingState::kIdle, start + 35);
      start += 35;
      Event again = agent_event(EventType::kInteractionOffered, start);
      again.offer = OfferId(offer++);
      push(again);
      routing(RoutingState::kOffered, start);
    }
    double connect = start + ring;
    push(agent_event(EventType::kOfferAccepted, connect));
    Event connected = agent_event(EventType::kInteractionConnected, connect);
    connected.wait = Seconds(connect - t);
    push(connected);
    routing(RoutingState::kBusy, connect);
    double wrap = connect + 60 + rng.Unit() * 400;
    push(agent_event(EventType::kInteractionWrapupStarted, wrap));
    routing(RoutingState::kWrapup, wrap);
    double done = wrap + 30;
    push(agent_event(EventType::kInteractionCompleted, done));
    routing(RoutingState::kIdle, done);
    free_at[agent] = done;
  }
  std::stable_sort(out.begin(), out.end(), [](const Stamped& a, const Stamped& b) {
    return a.event.at < b.event.at || (a.event.at == b.event.at && a.seq < b.seq);
  });
  std::vector<Event> events;
  events.reserve(out.size());
  for (Stamped& s : out) events.push_back(std::move(s.event));
  return events;
}

void FoldDay(benchmark::State& state, KpiSettings settings) {
  const core::CenterDefinition center = BenchCenter();
  const std::vector<Event> events = SyntheticDay(static_cast<int>(state.range(0)));
  const Instant end = events.back().at + Seconds(1);
  Figures total;
  for (auto _ : state) {
    KpiFold fold(center, settings);
    for (const Event& e : events) fold.Apply(e);
    fold.Finish(end);
    benchmark::DoNotOptimize(fold);
    total = fold.Total();
  }
  const double n = static_cast<double>(events.size()) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(n));
  // Seconds per event, shown with an SI prefix ("9.2n" = 9.2 ns).
  state.counters["ns_per_event"] =
      benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  // Plausibility of the stream: a center at ~90% occupancy with a modest service level.
  state.counters["service_level"] = total.ServiceLevel().value_or(-1);
  state.counters["occupancy"] = total.Occupancy().value_or(-1);
  state.counters["events_per_contact"] =
      static_cast<double>(events.size()) / static_cast<double>(state.range(0));
}

// 15-minute intervals over ~9 simulated hours.
void BM_KpiFoldDay(benchmark::State& state) { FoldDay(state, KpiSettings{}); }
BENCHMARK(BM_KpiFoldDay)->Arg(5000)->Arg(50000);

// With a one-hour warm-up: the first interactions are looked up and skipped.
void BM_KpiFoldDayWithWarmup(benchmark::State& state) {
  KpiSettings settings;
  settings.count_from = Instant{} + Seconds(3600);
  FoldDay(state, settings);
}
BENCHMARK(BM_KpiFoldDayWithWarmup)->Arg(5000);

}  // namespace
}  // namespace hotline::analytics
