#include "cli/bench_routing.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "base/random.h"
#include "core/engine.h"

namespace hotline::cli {
namespace {

double ResidentMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

core::CenterDefinition SyntheticCenter(const RoutingBenchOptions& o, Random& random) {
  core::CenterDefinition center;
  center.name = "bench";
  center.settings.wrapup.mode = core::WrapupMode::kNone;
  center.settings.offer_timeout = Seconds(60);
  for (int s = 0; s < o.skills; ++s) center.skills.push_back({"s" + std::to_string(s), ""});
  // One queue per skill, and as many needing two skills.
  for (int q = 0; q < 2 * o.skills; ++q) {
    core::Queue queue;
    queue.id = "q" + std::to_string(q);
    core::Step step;
    int first = q % o.skills;
    step.requirements.push_back({core::SkillId(first), 1, false});
    if (q >= o.skills) {
      int second = static_cast<int>((first + 1 + random.Below(o.skills - 1)) % o.skills);
      step.requirements.push_back({core::SkillId(second), 1, false});
    }
    queue.plan.push_back(std::move(step));
    center.queues.push_back(std::move(queue));
  }
  for (int a = 0; a < o.agents; ++a) {
    core::AgentDefinition agent;
    agent.id = "a" + std::to_string(a);
    agent.capacity[static_cast<int>(core::Channel::kVoice)] = 1;
    // 3 to 5 skills each (CLI.md), never more than there are.
    int n = std::min(o.skills, 3 + static_cast<int>(random.Below(3)));
    while (static_cast<int>(agent.skills.size()) < n) {
      agent.skills[core::SkillId(static_cast<uint32_t>(random.Below(o.skills)))] =
          1 + static_cast<int>(random.Below(5));
    }
    center.agents.push_back(std::move(agent));
  }
  return center;
}

}  // namespace

RoutingBenchResult RunRoutingBench(const RoutingBenchOptions& o) {
  using Clock = std::chrono::steady_clock;
  Random random(o.seed);
  double rss_before = ResidentMb();
  core::Engine engine(SyntheticCenter(o, random), o.seed);
  const int queues = static_cast<int>(engine.center().queues.size());
  Instant now = FromMicros(1'800'000'000'000'000);
  std::vector<core::InteractionId> assigned_to(o.agents);
  // Agents holding an interaction, with each one's slot for O(1) removal.
  std::vector<uint32_t> busy;
  std::vector<int64_t> slot(o.agents, -1);
  int64_t waiting = 0;

  // Accepts every offer the last command made (the agent answers at once).
  auto settle = [&] {
    auto& out = engine.output();
    for (size_t i = 0; i < out.events.size(); ++i) {
      const auto& e = out.events[i];
      if (e.type == core::EventType::kInteractionQueued) ++waiting;
      if (e.type != core::EventType::kInteractionOffered) continue;
      --waiting;
      uint32_t agent = e.agent.value();
      core::InteractionId ix = e.interaction;
      (void)engine.AcceptOffer(e.offer, now);  // may grow out.events: index, not iterator
      assigned_to[agent] = ix;
      slot[agent] = static_cast<int64_t>(busy.size());
      busy.push_back(agent);
    }
    engine.ClearOutput();
  };
  for (int a = 0; a < o.agents; ++a) {
    (void)engine.SetPresence(core::AgentId(a), core::Presence::kReady, "", now);
  }
  engine.ClearOutput();
  auto arrive = [&] {
    core::InteractionSpec spec;
    spec.queue = core::QueueId(static_cast<uint32_t>(random.Below(queues)));
    (void)engine.CreateInteraction(spec, now);
  };
  // Fill: agents busy and `waiting` interactions waiting.
  for (int64_t guard = 0; waiting < o.waiting && guard < 100LL * o.agents; ++guard) {
    arrive();
    settle();
  }
  double rss_built = ResidentMb();

  std::vector<float> latencies;
  latencies.reserve(o.decisions);
  Clock::duration in_decisions{0};
  auto start = Clock::now();
  for (int64_t d = 0; d < o.decisions; ++d) {
    now += Duration(1000);
    engine.AdvanceTo(
        now);  // as the server's timer loop does (no timer is due: offers are answered)
    bool free_agent = (d % 2 == 0 || waiting >= 2 * o.waiting) && !busy.empty();
    uint32_t agent = 0;
    if (free_agent) {
      agent = busy[random.Below(busy.size())];
      busy[slot[agent]] = busy.back();
      slot[busy.back()] = slot[agent];
      busy.pop_back();
      slot[agent] = -1;
    }
    auto t0 = Clock::now();
    if (free_agent) {
      // The agent ends its interaction (wrap-up none) and takes the best waiting one.
      (void)engine.EndInteraction(assigned_to[agent], now);
    } else {
      arrive();
    }
    auto t1 = Clock::now();
    if (free_agent) assigned_to[agent] = core::InteractionId();
    latencies.push_back(std::chrono::duration<float, std::micro>(t1 - t0).count());
    in_decisions += t1 - t0;
    settle();
  }
  double wall = std::chrono::duration<double>(Clock::now() - start).count();

  RoutingBenchResult r;
  r.decisions = static_cast<int64_t>(latencies.size());
  r.wall_s = wall;
  r.decision_s = std::chrono::duration<double>(in_decisions).count();
  r.decisions_per_s = r.decision_s > 0 ? r.decisions / r.decision_s : 0;
  r.loop_decisions_per_s = wall > 0 ? r.decisions / wall : 0;
  if (!latencies.empty()) {
    auto at = [&](double q) {
      size_t k = std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size()));
      std::nth_element(latencies.begin(), latencies.begin() + k, latencies.end());
      return static_cast<double>(latencies[k]);
    };
    r.p50_us = at(0.50);
    r.p99_us = at(0.99);
    r.max_us = *std::max_element(latencies.begin(), latencies.end());
  }
  r.rss_mb = ResidentMb();
  r.bytes_per_agent = o.agents > 0 ? (rss_built - rss_before) * 1024 * 1024 / o.agents : 0;
  r.queues = queues;
  r.waiting_at_end = static_cast<int>(waiting);
  return r;
}

}  // namespace hotline::cli
