#include "wfm/erlang.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hotline::wfm {
namespace {

QueueInputs Queue(double calls, double per_s, double aht_s, int agents, double threshold_s,
                  std::optional<double> patience_s = std::nullopt) {
  QueueInputs in;
  in.arrivals_per_s = calls / per_s;
  in.aht_s = aht_s;
  in.agents = agents;
  in.threshold_s = threshold_s;
  in.patience_s = patience_s;
  return in;
}

QueueMetrics Evaluate(const QueueInputs& in) {
  auto m = EvaluateQueue(in);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? *m : QueueMetrics{};
}

// --- Published values (issue 3), each to the digits given: tolerance half a unit of the last.

TEST(ErlangB, PublishedFiveServersThreeErlangs) {
  auto b = ErlangB(5, 3);
  ASSERT_TRUE(b.ok());
  EXPECT_NEAR(*b, 0.110054, 0.5e-6);
}

TEST(ErlangC, PublishedHundredCallsPerHalfHourFourteenAgents) {
  // 100 calls per 30 min at AHT 180 s: A = 10 Erlangs.
  QueueMetrics m = Evaluate(Queue(100, 1800, 180, 14, 20));
  EXPECT_EQ(m.model, QueueModel::kErlangC);
  EXPECT_NEAR(m.load_erlangs, 10, 1e-12);
  EXPECT_NEAR(m.p_wait, 0.1741, 0.5e-4);
  EXPECT_NEAR(m.service_level, 0.8884, 0.5e-4);
  ASSERT_TRUE(m.asa_s.has_value());
  EXPECT_NEAR(*m.asa_s, 7.84, 0.5e-2);
  EXPECT_NEAR(m.occupancy, 0.7143, 0.5e-4);
  EXPECT_TRUE(m.stable);
  EXPECT_FALSE(m.p_abandon.has_value());
}

TEST(ErlangA, PublishedHundredCallsPerHalfHourFiveMinutePatience) {
  QueueMetrics m = Evaluate(Queue(100, 1800, 180, 14, 20, 300));
  EXPECT_EQ(m.model, QueueModel::kErlangA);
  EXPECT_NEAR(m.p_wait, 0.14526, 0.5e-5);
  ASSERT_TRUE(m.p_abandon.has_value());
  EXPECT_NEAR(*m.p_abandon, 0.013984, 0.5e-6);
  // "Answered within T over all arrivals" (KPI.md): the published figure.
  EXPECT_NEAR(m.service_level, 0.916792, 0.5e-6);
}

TEST(ErlangC, PublishedThreeHundredSixtyCallsPerHalfHourFiftyThreeAgents) {
  // 360 calls per 30 min at AHT 240 s: A = 48 Erlangs.
  QueueMetrics m = Evaluate(Queue(360, 1800, 240, 53, 20));
  EXPECT_NEAR(m.load_erlangs, 48, 1e-12);
  EXPECT_NEAR(m.p_wait, 0.376542, 0.5e-6);
  ASSERT_TRUE(m.asa_s.has_value());
  EXPECT_NEAR(*m.asa_s, 18.07, 0.5e-2);
  EXPECT_NEAR(m.service_level, 0.751768, 0.5e-6);
}

// --- Erlang B and C.

TEST(ErlangB, EdgeCasesFollowTheDefinition) {
  EXPECT_EQ(*ErlangB(0, 5), 1.0);
  EXPECT_EQ(*ErlangB(3, 0), 0.0);
  EXPECT_DOUBLE_EQ(*ErlangB(1, 1), 0.5);  // A / (1 + A)
}

TEST(ErlangB, MatchesHighPrecisionValuesAtFiveThousandServers) {
  // References computed with 50-digit arithmetic (mpmath).
  EXPECT_NEAR(*ErlangB(5000, 4000) / 3.13209328465058e-53, 1, 1e-11);
  EXPECT_NEAR(*ErlangB(4000, 4000), 0.0125101869490404, 1e-15);
  EXPECT_NEAR(*LogErlangB(5000, 10), -26088.218043906538, 1e-7);
  EXPECT_EQ(*ErlangB(5000, 10), 0.0);  // underflows, gracefully
}

TEST(ErlangC, MatchesHighPrecisionValueAtFourThousandErlangs) {
  EXPECT_NEAR(*ErlangC(4100, 4000), 0.0728018943890398, 1e-14);
}

TEST(ErlangC, IsOneWhenAgentsDoNotExceedTheLoad) {
  EXPECT_EQ(*ErlangC(10, 10), 1.0);
  EXPECT_EQ(*ErlangC(5, 12.5), 1.0);
}

TEST(ErlangC, StaysFiniteAndMonotoneUpToFiveThousandAgents) {
  double previous_b = 1;
  double previous_c = 1;
  double previous_sl = 0;
  for (int n = 4001; n <= 5000; ++n) {
    double b = *ErlangB(n, 4000);
    double c = *ErlangC(n, 4000);
    QueueMetrics m = Evaluate(Queue(4000, 180, 180, n, 20));
    ASSERT_TRUE(std::isfinite(b) && std::isfinite(c) && std::isfinite(m.service_level)) << n;
    ASSERT_TRUE(b >= 0 && b <= 1 && c >= 0 && c <= 1) << n;
    ASSERT_TRUE(m.service_level >= 0 && m.service_level <= 1) << n;
    ASSERT_LE(b, previous_b) << n;
    ASSERT_LE(c, previous_c) << n;
    ASSERT_GE(m.service_level, previous_sl) << n;
    ASSERT_GE(c, b) << n;  // waiting is likelier than blocking
    previous_b = b;
    previous_c = c;
    previous_sl = m.service_level;
  }
  EXPECT_LT(previous_c, 1e-50);
}

TEST(ErlangC, UnstableQueueIsReportedNotAnError) {
  QueueMetrics m = Evaluate(Queue(100, 1800, 180, 10, 20));  // A = 10 = n
  EXPECT_FALSE(m.stable);
  EXPECT_EQ(m.p_wait, 1.0);
  EXPECT_EQ(m.service_level, 0.0);
  EXPECT_FALSE(m.asa_s.has_value());
  EXPECT_EQ(m.occupancy, 1.0);
  EXPECT_NE(m.warning.find("unstable"), std::string::npos);
}

TEST(ErlangC, ZeroThresholdServiceLevelIsTheShareNotWaiting) {
  QueueMetrics m = Evaluate(Queue(100, 1800, 180, 14, 0));
  EXPECT_NEAR(m.service_level, 1 - m.p_wait, 1e-15);
}

TEST(ErlangC, NoTrafficMeetsEveryTarget) {
  QueueMetrics m = Evaluate(Queue(0, 1800, 180, 3, 20));
  EXPECT_EQ(m.p_wait, 0.0);
  EXPECT_EQ(m.service_level, 1.0);
  EXPECT_EQ(*m.asa_s, 0.0);
  EXPECT_EQ(m.occupancy, 0.0);
}

// --- Erlang A.

struct ErlangACase {
  double calls, per_s, aht_s;
  int agents;
  double threshold_s, patience_s;
  double p_wait, p_abandon, service_level, asa_s;
};

// Computed independently with 30-digit arithmetic (mpmath) by summing the birth-death chain
// state by state, with each state's served-within-T probability from the incomplete beta
// function: no incomplete gamma involved.
constexpr ErlangACase kErlangACases[] = {
    {100, 1800, 180, 5, 20, 300, 0.991792382661, 0.501203755569, 0.0157105856351, 150.361126671},
    {100, 1800, 180, 10, 20, 30, 0.35898898495, 0.17512930141, 0.771441911137, 5.25387904231},
    {100, 1800, 180, 14, 0, 300, 0.145260114296, 0.0139837441224, 0.854739885704, 4.19512323672},
    {100, 1800, 180, 20, 60, 3000, 0.0037093378044, 2.18698388478e-5, 0.999855755722,
     0.0656095165434},
    {500, 1800, 360, 95, 30, 120, 0.534122698548, 0.0807021413568, 0.828474815824, 9.68425696282},
    {500, 1800, 360, 105, 30, 120, 0.243176558991, 0.0281370067299, 0.949609431256, 3.37644080759},
    {1, 3600, 300, 1, 20, 60, 0.0779157118619, 0.065011457657, 0.926316287851, 3.90068745942},
};

TEST(ErlangA, MatchesStateByStateSummation) {
  for (const auto& c : kErlangACases) {
    QueueMetrics m =
        Evaluate(Queue(c.calls, c.per_s, c.aht_s, c.agents, c.threshold_s, c.patience_s));
    SCOPED_TRACE(testing::Message() << c.agents << " agents, patience " << c.patience_s);
    EXPECT_NEAR(m.p_wait / c.p_wait, 1, 1e-10);
    EXPECT_NEAR(*m.p_abandon / c.p_abandon, 1, 1e-10);
    EXPECT_NEAR(m.service_level / c.service_level, 1, 1e-10);
    EXPECT_NEAR(*m.asa_s / c.asa_s, 1, 1e-10);
  }
}

TEST(ErlangA, MeanWaitIsAbandonProbabilityTimesPatience) {
  // Exponential patience: abandonment rate theta E[Q] = lambda P(ab), and E[W] = E[Q] / lambda.
  QueueMetrics m = Evaluate(Queue(100, 1800, 180, 12, 20, 240));
  EXPECT_NEAR(*m.asa_s, *m.p_abandon * 240, 1e-12);
  EXPECT_NEAR(m.occupancy, 10 * (1 - *m.p_abandon) / 12, 1e-15);
}

TEST(ErlangA, IsStableWithFewerAgentsThanTheLoad) {
  QueueMetrics m = Evaluate(Queue(4000, 180, 180, 3000, 20, 300));  // 4,000 Erlangs
  EXPECT_TRUE(m.stable);
  EXPECT_NEAR(m.p_wait, 1, 1e-12);
  // The agents carry at most 3000 of the 4000 Erlangs: at least a quarter abandons.
  EXPECT_GE(*m.p_abandon, 0.25 - 1e-12);
  EXPECT_LE(m.occupancy, 1.0);
  EXPECT_GE(m.service_level, 0.0);
}

TEST(ErlangA, StaysFiniteAndMonotoneAtFourThousandErlangs) {
  double previous_wait = 1.0 + 1e-12;
  double previous_abandon = 1.0;
  double previous_sl = -1e-12;
  for (int n = 3000; n <= 5000; n += 5) {
    QueueMetrics m = Evaluate(Queue(4000, 180, 180, n, 20, 300));
    ASSERT_TRUE(std::isfinite(m.p_wait) && std::isfinite(*m.p_abandon) &&
                std::isfinite(m.service_level) && std::isfinite(*m.asa_s))
        << n;
    ASSERT_TRUE(m.p_wait >= 0 && m.p_wait <= 1) << n;
    ASSERT_TRUE(*m.p_abandon >= 0 && *m.p_abandon <= 1) << n;
    ASSERT_TRUE(m.service_level >= 0 && m.service_level <= 1) << n;
    ASSERT_LE(m.p_wait, previous_wait * (1 + 1e-12)) << n;
    ASSERT_LE(*m.p_abandon, previous_abandon * (1 + 1e-12)) << n;
    ASSERT_GE(m.service_level, previous_sl - 1e-12) << n;
    previous_wait = m.p_wait;
    previous_abandon = *m.p_abandon;
    previous_sl = m.service_level;
  }
  EXPECT_GT(previous_sl, 1 - 1e-12);
}

TEST(ErlangA, ConvergesToErlangCAsPatienceGrows) {
  QueueMetrics c = Evaluate(Queue(100, 1800, 180, 14, 20));
  double previous_gap = 1;
  for (double patience : {1e3, 1e5, 1e7, 1e9}) {
    QueueMetrics a = Evaluate(Queue(100, 1800, 180, 14, 20, patience));
    double gap = std::fabs(a.p_wait - c.p_wait) + std::fabs(a.service_level - c.service_level) +
                 std::fabs(*a.asa_s - *c.asa_s) / 180;
    EXPECT_LT(gap, previous_gap) << patience;
    previous_gap = gap;
  }
  EXPECT_LT(previous_gap, 1e-7);
}

TEST(ErlangA, ConvergesToErlangCAtFourThousandErlangs) {
  QueueMetrics c = Evaluate(Queue(4000, 180, 180, 4050, 20));
  QueueMetrics a = Evaluate(Queue(4000, 180, 180, 4050, 20, 180e8));
  EXPECT_NEAR(a.p_wait, c.p_wait, 1e-8);
  EXPECT_NEAR(a.service_level, c.service_level, 1e-8);
  EXPECT_NEAR(*a.asa_s, *c.asa_s, 1e-7);
}

TEST(ErlangA, ZeroThresholdServiceLevelIsTheShareNotWaiting) {
  QueueMetrics m = Evaluate(Queue(100, 1800, 180, 12, 0, 300));
  EXPECT_NEAR(m.service_level, 1 - m.p_wait, 1e-15);
}

TEST(ErlangA, NeedsAPatience) {
  auto m = ErlangAMetrics(Queue(100, 1800, 180, 12, 20));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().field, "patience_s");
}

// --- Inputs.

TEST(QueueInputs, BadValuesNameTheField) {
  struct Bad {
    QueueInputs in;
    const char* field;
  };
  const Bad cases[] = {
      {Queue(-1, 1, 180, 10, 20), "arrivals_per_s"},
      {Queue(NAN, 1, 180, 10, 20), "arrivals_per_s"},
      {Queue(1, 1, 0, 10, 20), "aht_s"},
      {Queue(1, 1, NAN, 10, 20), "aht_s"},
      {Queue(1, 1, INFINITY, 10, 20), "aht_s"},
      {Queue(1, 60, 180, 0, 20), "agents"},
      {Queue(1, 60, 180, -3, 20), "agents"},
      {Queue(1, 60, 180, 10, -1), "threshold_s"},
      {Queue(1, 60, 180, 10, 20, 0.0), "patience_s"},
      {Queue(1, 60, 180, 10, 20, NAN), "patience_s"},
  };
  for (const auto& bad : cases) {
    auto m = EvaluateQueue(bad.in);
    ASSERT_FALSE(m.ok()) << bad.field;
    EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(m.error().field, bad.field);
    EXPECT_NE(m.error().message.find(bad.field), std::string::npos) << m.error().message;
  }
  EXPECT_EQ(ErlangB(-1, 3).error().field, "servers");
  EXPECT_EQ(ErlangB(3, -1).error().field, "load_erlangs");
  EXPECT_EQ(ErlangC(0, 3).error().field, "agents");
  EXPECT_EQ(ErlangC(3, NAN).error().field, "load_erlangs");
}

TEST(SquareRootStaffing, AddsBetaTimesTheRootOfTheLoad) {
  EXPECT_EQ(SquareRootStaffing(100, 1), 110);
  EXPECT_EQ(SquareRootStaffing(4000, 0.5), 4032);  // 4000 + 31.6
  EXPECT_EQ(SquareRootStaffing(0, 1), 1);
}

TEST(IncompleteGamma, MatchesHighPrecisionValues) {
  struct Point {
    double a, x, log_p;
  };
  // log P(a, x), 40-digit arithmetic (mpmath).
  const Point points[] = {
      {0.5, 0.1, -1.0634020471545286363},      {3, 2, -1.1291016497509286429},
      {10, 5, -3.4474070729719001203},         {100, 120, -0.028259299048920382163},
      {1e4, 9900, -1.8410472463668294718},     {1e6, 1e6, -0.69288125439969592555},
      {1000, 500, -196.82891906086253103},     {2.5, 40, -8.3918251148316136106e-16},
      {1e6, 1.001e6, -0.17275373112418319036},
  };
  for (const auto& p : points) {
    EXPECT_NEAR(LogRegularizedGammaP(p.a, p.x) / p.log_p, 1, 1e-11) << p.a << ", " << p.x;
  }
}

}  // namespace
}  // namespace hotline::wfm
