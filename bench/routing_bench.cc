// Micro-benchmarks of the engine's two hot paths: an interaction arriving (finds the best free
// agent) and an agent becoming free (takes the best waiting interaction). The whole-workload
// figure is `hotline bench routing`; these isolate one command each.
#include <benchmark/benchmark.h>

#include <string>

#include "base/random.h"
#include "core/engine.h"

namespace hotline::core {
namespace {

CenterDefinition Center(int agents, int skills) {
  Random random(7);
  CenterDefinition c;
  c.name = "micro";
  c.settings.wrapup.mode = WrapupMode::kNone;
  for (int s = 0; s < skills; ++s) c.skills.push_back({"s" + std::to_string(s), ""});
  for (int q = 0; q < skills; ++q) {
    Queue queue;
    queue.id = "q" + std::to_string(q);
    Step step;
    step.requirements.push_back({SkillId(q), 1, false});
    queue.plan.push_back(step);
    c.queues.push_back(queue);
  }
  for (int a = 0; a < agents; ++a) {
    AgentDefinition agent;
    agent.id = "a" + std::to_string(a);
    agent.capacity[static_cast<int>(Channel::kVoice)] = 1;
    while (agent.skills.size() < 4) agent.skills[SkillId(random.Below(skills))] = 1;
    c.agents.push_back(agent);
  }
  return c;
}

// Arrival with free agents: offer to the longest-idle eligible agent, then accept and finish so
// the next iteration sees the same shape.
void BM_InteractionArrivesWithFreeAgents(benchmark::State& state) {
  Engine engine(Center(static_cast<int>(state.range(0)), 100));
  Instant now{};
  for (uint32_t a = 0; a < state.range(0); ++a) {
    (void)engine.SetPresence(AgentId(a), Presence::kReady, "", now);
  }
  Random random(1);
  for (auto _ : state) {
    now += Duration(1000);
    InteractionSpec spec;
    spec.queue = QueueId(static_cast<uint32_t>(random.Below(100)));
    auto id = engine.CreateInteraction(spec, now);
    state.PauseTiming();
    for (const auto& e : engine.output().events) {
      if (e.type == EventType::kInteractionOffered) {
        (void)engine.AcceptOffer(e.offer, now);
        (void)engine.EndInteraction(*id, now);
        break;
      }
    }
    engine.ClearOutput();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_InteractionArrivesWithFreeAgents)->Arg(1000)->Arg(10000);

// An agent becomes free while interactions wait: it completes and takes the best one.
void BM_AgentBecomesFreeWithWaiting(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  Engine engine(Center(agents, 100));
  Instant now{};
  std::vector<InteractionId> held(agents);
  for (uint32_t a = 0; a < static_cast<uint32_t>(agents); ++a) {
    (void)engine.SetPresence(AgentId(a), Presence::kReady, "", now);
  }
  Random random(2);
  auto settle = [&] {
    auto& out = engine.output();
    for (size_t i = 0; i < out.events.size(); ++i) {
      if (out.events[i].type != EventType::kInteractionOffered) continue;
      held[out.events[i].agent.value()] = out.events[i].interaction;
      (void)engine.AcceptOffer(out.events[i].offer, now);
    }
    engine.ClearOutput();
  };
  for (int i = 0; i < agents + 1000; ++i) {
    InteractionSpec spec;
    spec.queue = QueueId(static_cast<uint32_t>(random.Below(100)));
    (void)engine.CreateInteraction(spec, now);
    settle();
  }
  for (auto _ : state) {
    now += Duration(1000);
    uint32_t agent = static_cast<uint32_t>(random.Below(agents));
    if (!held[agent].valid()) continue;
    InteractionId ix = held[agent];
    held[agent] = InteractionId();
    (void)engine.EndInteraction(ix, now);
    state.PauseTiming();
    settle();
    InteractionSpec spec;
    spec.queue = QueueId(static_cast<uint32_t>(random.Below(100)));
    (void)engine.CreateInteraction(spec, now);
    settle();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_AgentBecomesFreeWithWaiting)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace hotline::core
