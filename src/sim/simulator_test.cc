#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <cmath>

#include "wfm/erlang.h"

namespace hotline::sim {
namespace {

// One queue per skill; `groups` agents with the given skills. Exponential handle times.
struct Traffic {
  double rate_per_hour;
  double aht_s;
  std::optional<double> patience_s;
};

Scenario MakeScenario(const std::vector<Traffic>& queues,
                      const std::vector<std::pair<int, std::vector<int>>>& groups, Duration horizon,
                      int replications, uint64_t seed = 7) {
  Scenario s;
  s.name = "test";
  s.seed = seed;
  s.horizon = horizon;
  s.warmup = Seconds(3600);
  s.replications = replications;
  s.interval = Seconds(3600);
  s.sl_threshold = Seconds(20);
  s.short_abandon = Duration(0);
  s.center.name = "test";
  for (size_t q = 0; q < queues.size(); ++q) {
    s.center.skills.push_back({"s" + std::to_string(q), ""});
    core::Queue queue;
    queue.id = "q" + std::to_string(q);
    core::Step step;
    step.requirements.push_back({core::SkillId(static_cast<uint32_t>(q)), 1, false});
    queue.plan.push_back(step);
    s.center.queues.push_back(queue);
    ArrivalStream stream;
    stream.queue = core::QueueId(static_cast<uint32_t>(q));
    stream.profile.push_back({Duration(0), queues[q].rate_per_hour});
    stream.handle_time = {Distribution::Kind::kExponential, queues[q].aht_s, 0, {}};
    if (queues[q].patience_s) {
      stream.patience =
          Distribution{Distribution::Kind::kExponential, *queues[q].patience_s, 0, {}};
    }
    s.arrivals.push_back(stream);
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    AgentGroup group;
    group.count = groups[g].first;
    group.id_prefix = "g" + std::to_string(g);
    group.agent.capacity[static_cast<int>(core::Channel::kVoice)] = 1;
    for (int skill : groups[g].second) group.agent.skills[core::SkillId(skill)] = 1;
    s.agents.push_back(group);
  }
  return s;
}

// The simulation agrees with the formula within its own confidence interval. Nine comparisons
// are made in this file, so each uses the 99% interval (2.58 / 1.96 of the 95% half-width) to
// keep the family's error rate near 5% for a correct simulator.
void ExpectWithinInterval(const Estimate& e, double exact, const char* what) {
  ASSERT_TRUE(e.mean.has_value()) << what;
  ASSERT_TRUE(e.ci95.has_value()) << what;
  EXPECT_NEAR(*e.mean, exact, *e.ci95 * 2.576 / 1.960)
      << what << ": simulated " << *e.mean << " ± " << *e.ci95 << ", formula " << exact;
}

class MmnAgreesWithErlangC : public testing::TestWithParam<int> {};

TEST_P(MmnAgreesWithErlangC, ServiceLevelWaitProbabilityAndAsa) {
  const int agents = GetParam();
  // 100 calls per 30 minutes, AHT 180 s: 10 Erlangs. The heavier the load, the longer waits stay
  // correlated, so the longer each replication runs for the same precision (about 1/(1-rho)^2).
  double rho = 10.0 / agents;
  double hours = std::ceil(300 * std::pow((1 - 10.0 / 14) / (1 - rho), 2) / 100) * 100 + 1;
  Scenario s = MakeScenario({{200, 180, std::nullopt}}, {{agents, {0}}}, Seconds(hours * 3600), 10);
  auto report = RunScenario(s);
  ASSERT_TRUE(report.ok()) << report.error().message;
  auto exact = wfm::ErlangCMetrics({200.0 / 3600, 180, agents, 20, std::nullopt});
  ASSERT_TRUE(exact.ok());
  ASSERT_LE(*report->total.service_level.ci95, 0.01) << "run long enough for ±0.01";
  ExpectWithinInterval(report->total.service_level, exact->service_level, "service level");
  ExpectWithinInterval(report->total.p_wait, exact->p_wait, "P(wait)");
  ExpectWithinInterval(report->total.asa_s, *exact->asa_s, "ASA");
  ExpectWithinInterval(report->total.occupancy, exact->occupancy, "occupancy");
}

INSTANTIATE_TEST_SUITE_P(Loads, MmnAgreesWithErlangC, testing::Values(11, 12, 14));

TEST(MmnPlusM, AgreesWithErlangA) {
  // The published case: 14 agents, 10 Erlangs, 5-minute mean patience.
  Scenario s = MakeScenario({{200, 180, 300}}, {{14, {0}}}, Seconds(201 * 3600), 10);
  auto report = RunScenario(s);
  ASSERT_TRUE(report.ok()) << report.error().message;
  auto exact = wfm::ErlangAMetrics({200.0 / 3600, 180, 14, 20, 300.0});
  ASSERT_TRUE(exact.ok());
  ExpectWithinInterval(report->total.service_level, exact->service_level, "service level");
  ExpectWithinInterval(report->total.abandon_rate, *exact->p_abandon, "P(abandon)");
  ExpectWithinInterval(report->total.p_wait, exact->p_wait, "P(wait)");
  // Erlang A's mean wait is over all arrivals, answered or not.
  std::vector<std::optional<double>> waits;
  double sum = 0, ss = 0;
  for (const auto& run : report->runs) {
    const auto& f = run.total;
    double w = (f.wait_answered_s + f.wait_abandoned_s) / (f.answered + f.abandoned);
    waits.push_back(w);
    sum += w;
  }
  double mean = sum / waits.size();
  for (const auto& w : waits) ss += (*w - mean) * (*w - mean);
  double ci95 = 2.262 * std::sqrt(ss / (waits.size() - 1)) / std::sqrt(waits.size());
  ExpectWithinInterval({mean, ci95}, *exact->asa_s, "mean wait over all arrivals");
}

TEST(CrossTraining, AddingACrossTrainedGroupHelpsTheBusyQueue) {
  // q0 is overloaded for its 9 agents (8.5 Erlangs); q1 has slack (4 Erlangs on 7 agents).
  std::vector<Traffic> traffic = {{170, 180, 300}, {80, 180, 300}};
  Scenario base = MakeScenario(traffic, {{9, {0}}, {7, {1}}}, Seconds(41 * 3600), 5);
  Scenario cross = MakeScenario(traffic, {{9, {0}}, {7, {1}}, {2, {0, 1}}}, Seconds(41 * 3600), 5);
  auto before = RunScenario(base);
  auto after = RunScenario(cross);
  ASSERT_TRUE(before.ok() && after.ok());
  auto sl = [](const SimReport& r, const char* queue) {
    for (const auto& [id, s] : r.queues) {
      if (id == queue) return *s.service_level.mean;
    }
    return -1.0;
  };
  EXPECT_GT(sl(*after, "q0"), sl(*before, "q0") + 0.05);  // the busy queue gains clearly
  EXPECT_GE(sl(*after, "q1"), sl(*before, "q1") - 0.01);  // the other does not suffer
  EXPECT_GT(*after->total.service_level.mean, *before->total.service_level.mean);
  EXPECT_LT(*after->total.abandon_rate.mean, *before->total.abandon_rate.mean);
}

TEST(Simulator, SameSeedSameReportOtherSeedOtherReport) {
  Scenario s = MakeScenario({{200, 180, 300}}, {{12, {0}}}, Seconds(9 * 3600), 2);
  auto a = RunScenario(s);
  auto b = RunScenario(s);
  SimOptions other;
  other.seed = 8;
  auto c = RunScenario(s, other);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->total.service_level.mean, b->total.service_level.mean);
  EXPECT_EQ(a->total.asa_s.mean, b->total.asa_s.mean);
  EXPECT_EQ(a->events, b->events);
  EXPECT_NE(a->total.asa_s.mean, c->total.asa_s.mean);
}

TEST(Simulator, WarmupLeavesEarlyArrivalsOut) {
  Scenario s = MakeScenario({{360, 180, std::nullopt}}, {{20, {0}}}, Seconds(4 * 3600), 1);
  s.warmup = Duration(0);
  auto all = RunScenario(s);
  s.warmup = Seconds(2 * 3600);
  auto later = RunScenario(s);
  ASSERT_TRUE(all.ok() && later.ok());
  // Same customers (same seed): half the horizon is about half the arrivals.
  double ratio = *later->total.arrived.mean / *all->total.arrived.mean;
  EXPECT_NEAR(ratio, 0.5, 0.05);
  EXPECT_EQ(all->contacts, later->contacts);
}

TEST(Simulator, EveryArrivalEndsWhenAgentsStayUntilTheEnd) {
  Scenario s = MakeScenario({{300, 200, 120}}, {{10, {0}}}, Seconds(3 * 3600), 1);
  s.warmup = Duration(0);
  auto r = RunScenario(s);
  ASSERT_TRUE(r.ok());
  const auto& f = r->runs[0].total;
  EXPECT_EQ(f.still_waiting, 0);
  EXPECT_EQ(f.offered, f.answered + f.abandoned);
  EXPECT_EQ(f.answered, f.completed);
  EXPECT_EQ(r->runs[0].arrived, f.offered);
}

TEST(Simulator, AgentsLeaveAtTheEndOfTheirShiftAfterTheirLastCall) {
  Scenario s = MakeScenario({{120, 300, std::nullopt}}, {{5, {0}}, {5, {0}}}, Seconds(4 * 3600), 1);
  s.warmup = Duration(0);
  s.agents[1].shift_to = Seconds(3600);  // half the agents go home after an hour
  auto short_shift = RunScenario(s);
  s.agents[1].shift_to.reset();
  auto full = RunScenario(s);
  ASSERT_TRUE(short_shift.ok() && full.ok());
  // Fewer agents for three hours: longer waits, and still every call answered in the end.
  EXPECT_GT(*short_shift->total.asa_s.mean, *full->total.asa_s.mean);
  EXPECT_EQ(short_shift->runs[0].total.answered, short_shift->runs[0].total.offered);
}

TEST(Simulator, PatienceOfAnsweredCallersDoesNotStretchThePeriod) {
  // Very patient callers who are all answered: their patience draws (hours) run out long after
  // the last call, doing nothing; occupancy must be that of the real working period.
  Scenario impatient_free =
      MakeScenario({{150, 240, std::nullopt}}, {{14, {0}}}, Seconds(4 * 3600), 1);
  Scenario patient = MakeScenario({{150, 240, 36000}}, {{14, {0}}}, Seconds(4 * 3600), 1);
  impatient_free.warmup = patient.warmup = Duration(0);
  auto a = RunScenario(impatient_free);
  auto b = RunScenario(patient);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LE(b->runs[0].total.abandoned, 1);
  EXPECT_GT(*b->total.occupancy.mean, 0.6);  // 10 Erlangs on 14 agents: about 0.71
  EXPECT_NEAR(*b->total.occupancy.mean, *a->total.occupancy.mean, 0.02);
}

TEST(BuildCenter, OneAgentPerGroupMemberNamedAfterTheGroup) {
  Scenario s = MakeScenario({{60, 180, std::nullopt}}, {{3, {0}}, {2, {0}}}, Seconds(3600), 1);
  auto center = BuildCenter(s);
  ASSERT_TRUE(center.ok());
  ASSERT_EQ(center->agents.size(), 5u);
  EXPECT_EQ(center->agents[0].id, "g0-1");
  EXPECT_EQ(center->agents[4].id, "g1-2");
  EXPECT_EQ(center->settings.wrapup.mode, core::WrapupMode::kNone);
  s.agents[0].wrapup = {Distribution::Kind::kConstant, 30, 0, {}};
  auto with_wrapup = BuildCenter(s);
  EXPECT_EQ(with_wrapup->settings.wrapup.mode, core::WrapupMode::kDiscretionary);
}

}  // namespace
}  // namespace hotline::sim
