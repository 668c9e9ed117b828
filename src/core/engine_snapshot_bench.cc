// Google Benchmark of Engine::SaveState and Engine::Restore on the state `hotline bench routing`
// builds with its defaults (src/cli/bench_routing.cc): 10,000 agents with 3-5 of 100 skills, 200
// queues, every agent busy and 1,000 interactions waiting. The center and the fill are copied
// here (core may not depend on cli); the counter `bytes` is the blob's size.
//
// Run: build/src/core/engine_snapshot_bench
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "base/random.h"
#include "core/engine.h"

namespace hotline::core {
namespace {

constexpr int kAgents = 10000;
constexpr int kSkills = 100;
constexpr int kWaiting = 1000;
constexpr uint64_t kSeed = 42;

CenterDefinition SyntheticCenter(Random& random) {
  CenterDefinition center;
  center.name = "bench";
  center.settings.wrapup.mode = WrapupMode::kNone;
  center.settings.offer_timeout = Seconds(60);
  for (int s = 0; s < kSkills; ++s) center.skills.push_back({"s" + std::to_string(s), ""});
  for (int q = 0; q < 2 * kSkills; ++q) {
    Queue queue;
    queue.id = "q" + std::to_string(q);
    Step step;
    int first = q % kSkills;
    step.requirements.push_back({SkillId(first), 1, false});
    if (q >= kSkills) {
      int second = static_cast<int>((first + 1 + random.Below(kSkills - 1)) % kSkills);
      step.requirements.push_back({SkillId(second), 1, false});
    }
    queue.plan.push_back(std::move(step));
    center.queues.push_back(std::move(queue));
  }
  for (int a = 0; a < kAgents; ++a) {
    AgentDefinition agent;
    agent.id = "a" + std::to_string(a);
    agent.capacity[static_cast<int>(Channel::kVoice)] = 1;
    int n = 3 + static_cast<int>(random.Below(3));
    while (static_cast<int>(agent.skills.size()) < n) {
      agent.skills[SkillId(static_cast<uint32_t>(random.Below(kSkills)))] =
          1 + static_cast<int>(random.Below(5));
    }
    center.agents.push_back(std::move(agent));
  }
  return center;
}

// The bench's fill: every agent ready, arrivals answered at once until 1,000 wait.
std::unique_ptr<Engine> BusyEngine() {
  Random random(kSeed);
  auto engine = std::make_unique<Engine>(SyntheticCenter(random), kSeed);
  const int queues = static_cast<int>(engine->center().queues.size());
  Instant now = FromMicros(1'800'000'000'000'000);
  for (int a = 0; a < kAgents; ++a) {
    (void)engine->SetPresence(AgentId(a), Presence::kReady, "", now);
  }
  engine->ClearOutput();
  int64_t waiting = 0;
  for (int64_t guard = 0; waiting < kWaiting && guard < 100LL * kAgents; ++guard) {
    InteractionSpec spec;
    spec.queue = QueueId(static_cast<uint32_t>(random.Below(queues)));
    (void)engine->CreateInteraction(spec, now);
    auto& out = engine->output();
    for (size_t i = 0; i < out.events.size(); ++i) {
      const Event& e = out.events[i];
      if (e.type == EventType::kInteractionQueued) ++waiting;
      if (e.type != EventType::kInteractionOffered) continue;
      --waiting;
      (void)engine->AcceptOffer(e.offer, now);
    }
    engine->ClearOutput();
  }
  return engine;
}

Engine& Shared() {
  static std::unique_ptr<Engine> engine = BusyEngine();
  return *engine;
}

void BM_SaveState(benchmark::State& state) {
  Engine& engine = Shared();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string blob = engine.SaveState();
    bytes = blob.size();
    benchmark::DoNotOptimize(blob);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["live"] = static_cast<double>(engine.LiveInteractions().size());
}
BENCHMARK(BM_SaveState)->Unit(benchmark::kMillisecond);

void BM_Restore(benchmark::State& state) {
  Engine& engine = Shared();
  const std::string blob = engine.SaveState();
  for (auto _ : state) {
    Result<std::unique_ptr<Engine>> restored = Engine::Restore(engine.center(), blob);
    if (!restored.ok()) state.SkipWithError(restored.error().message.c_str());
    benchmark::DoNotOptimize(restored);
  }
  state.counters["bytes"] = static_cast<double>(blob.size());
}
BENCHMARK(BM_Restore)->Unit(benchmark::kMillisecond);

// For scale: building the same engine from its center (what Restore does first, without the
// records).
void BM_ConstructFromCenter(benchmark::State& state) {
  Engine& engine = Shared();
  for (auto _ : state) {
    Engine fresh(engine.center(), kSeed);
    benchmark::DoNotOptimize(fresh);
  }
}
BENCHMARK(BM_ConstructFromCenter)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hotline::core
