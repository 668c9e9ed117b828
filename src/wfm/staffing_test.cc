#include "wfm/staffing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace hotline::wfm {
namespace {

StaffingInputs Staffing(double calls, double per_s, double aht_s, double target_sl,
                        double threshold_s, std::optional<double> patience_s = std::nullopt) {
  StaffingInputs in;
  in.arrivals_per_s = calls / per_s;
  in.aht_s = aht_s;
  in.patience_s = patience_s;
  in.targets.service_level = target_sl;
  in.targets.threshold_s = threshold_s;
  return in;
}

QueueMetrics With(const StaffingInputs& in, int agents) {
  QueueInputs q;
  q.arrivals_per_s = in.arrivals_per_s;
  q.aht_s = in.aht_s;
  q.agents = agents;
  q.threshold_s = in.targets.threshold_s;
  q.patience_s = in.patience_s;
  auto m = EvaluateQueue(q);
  EXPECT_TRUE(m.ok());
  return m.ok() ? *m : QueueMetrics{};
}

// The answer meets every target and one agent fewer does not.
void ExpectMinimal(const StaffingInputs& in) {
  auto r = RequiredAgents(in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_GE(r->agents, 1);
  EXPECT_TRUE(MeetsTargets(With(in, r->agents), in.targets)) << r->agents;
  if (r->agents > 1) {
    EXPECT_FALSE(MeetsTargets(With(in, r->agents - 1), in.targets)) << r->agents;
  }
  EXPECT_EQ(r->metrics.service_level, With(in, r->agents).service_level);
}

TEST(RequiredAgents, HundredCallsPerHalfHourNeedFourteenAgentsForEightyTwenty) {
  // 10 Erlangs (Erlang C): 13 agents answer 0.7956 within 20 s, 14 agents 0.8884.
  auto r = RequiredAgents(Staffing(100, 1800, 180, 0.80, 20));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->agents, 14);
  EXPECT_EQ(r->scheduled, 14);
  EXPECT_NEAR(r->metrics.service_level, 0.8884, 0.5e-4);
  StaffingInputs lower = Staffing(100, 1800, 180, 0.79, 20);
  EXPECT_EQ(RequiredAgents(lower)->agents, 13);
  EXPECT_NEAR(RequiredAgents(lower)->metrics.service_level, 0.7956, 0.5e-4);
  EXPECT_EQ(r->metrics.model, QueueModel::kErlangC);
}

TEST(RequiredAgents, IsMinimalForManyLoadsAndTargets) {
  for (double erlangs : {0.05, 0.5, 3.0, 10.0, 47.5, 200.0, 1000.0}) {
    for (double target : {0.5, 0.8, 0.95, 0.999}) {
      for (std::optional<double> patience :
           {std::optional<double>{}, std::optional<double>{60}, std::optional<double>{600}}) {
        SCOPED_TRACE(testing::Message() << erlangs << " Erlangs, target " << target << ", patience "
                                        << patience.value_or(-1));
        ExpectMinimal(Staffing(erlangs * 1800 / 300, 1800, 300, target, 20, patience));
      }
    }
  }
}

TEST(RequiredAgents, IsMinimalAtFourThousandErlangs) {
  // 4,000 Erlangs: 80,000 calls per hour at AHT 180 s.
  StaffingInputs c = Staffing(80'000, 3600, 180, 0.9, 20);
  ExpectMinimal(c);
  StaffingInputs a = Staffing(80'000, 3600, 180, 0.9, 20, 300);
  ExpectMinimal(a);
  auto with_c = RequiredAgents(c);
  auto with_a = RequiredAgents(a);
  ASSERT_TRUE(with_c.ok() && with_a.ok());
  EXPECT_GT(with_c->agents, 4000);
  EXPECT_LE(with_a->agents, with_c->agents);  // abandonment relieves the queue
}

TEST(RequiredAgents, SquareRootGuessIsCloseToTheAnswer) {
  for (double erlangs : {10.0, 100.0, 4000.0}) {
    StaffingInputs in = Staffing(erlangs, 180, 180, 0.8, 20);
    auto r = RequiredAgents(in);
    ASSERT_TRUE(r.ok());
    int guess = SquareRootStaffing(erlangs, HalfinWhittBeta(erlangs, 180, in.targets));
    EXPECT_LE(std::abs(guess - r->agents), 2) << erlangs << " Erlangs";
  }
}

TEST(RequiredAgents, MaxOccupancyCanBeTheBindingTarget) {
  StaffingInputs in = Staffing(100, 1800, 180, 0.5, 20);  // 10 Erlangs
  in.targets.max_occupancy = 0.7;
  auto r = RequiredAgents(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->agents, 15);  // 10/15 = 0.667; 10/14 = 0.714
  ExpectMinimal(in);
  in.patience_s = 300;  // Erlang A: occupancy of the carried load
  ExpectMinimal(in);
}

TEST(RequiredAgents, ExactOccupancyLimitIsMet) {
  StaffingInputs in = Staffing(100, 1800, 180, 0.5, 20);  // 10 Erlangs
  in.targets.max_occupancy = 0.8;                         // exactly 10 / 12.5; 10 / 13 meets
  EXPECT_EQ(RequiredAgents(in)->agents, 13);
  in.targets.max_occupancy = 10.0 / 16;  // 16 agents give exactly the limit
  EXPECT_EQ(RequiredAgents(in)->agents, 16);
}

TEST(RequiredAgents, MaxAsaCanBeTheBindingTarget) {
  StaffingInputs in = Staffing(100, 1800, 180, 0.5, 20);
  in.targets.max_asa_s = 2.0;
  auto r = RequiredAgents(in);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(*r->metrics.asa_s, 2.0);
  EXPECT_GT(r->agents, 12);
  ExpectMinimal(in);
  in.patience_s = 120;
  ExpectMinimal(in);
}

TEST(RequiredAgents, ShrinkageScalesTheScheduleUp) {
  StaffingInputs in = Staffing(100, 1800, 180, 0.8, 20);
  in.shrinkage = 0.35;
  auto r = RequiredAgents(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->agents, 14);
  EXPECT_EQ(r->scheduled, 22);  // 14 / 0.65 = 21.54, rounded up
  in.shrinkage = 0.3;
  EXPECT_EQ(RequiredAgents(in)->scheduled, 20);  // 14 / 0.7 = 20: exactly, not 21
}

TEST(RequiredAgents, NoArrivalsNeedNoAgents) {
  auto r = RequiredAgents(Staffing(0, 1800, 180, 0.8, 20));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->agents, 0);
  EXPECT_EQ(r->scheduled, 0);
  EXPECT_EQ(r->metrics.service_level, 1.0);
  EXPECT_EQ(r->metrics.occupancy, 0.0);
}

TEST(RequiredAgents, BadTargetsNameTheField) {
  struct Bad {
    StaffingInputs in;
    const char* field;
  };
  auto with = [](auto change) {
    StaffingInputs in = Staffing(100, 1800, 180, 0.8, 20);
    change(in);
    return in;
  };
  const Bad cases[] = {
      {with([](StaffingInputs& in) { in.targets.service_level = 0; }), "target_sl"},
      {with([](StaffingInputs& in) { in.targets.service_level = 1; }), "target_sl"},
      {with([](StaffingInputs& in) { in.targets.service_level = NAN; }), "target_sl"},
      {with([](StaffingInputs& in) { in.targets.threshold_s = -1; }), "threshold_s"},
      {with([](StaffingInputs& in) { in.targets.max_asa_s = 0.0; }), "max_asa_s"},
      {with([](StaffingInputs& in) { in.targets.max_occupancy = 1.5; }), "max_occupancy"},
      {with([](StaffingInputs& in) { in.targets.max_occupancy = 0.0; }), "max_occupancy"},
      {with([](StaffingInputs& in) { in.shrinkage = 1; }), "shrinkage"},
      {with([](StaffingInputs& in) { in.shrinkage = -0.1; }), "shrinkage"},
      {with([](StaffingInputs& in) { in.aht_s = 0; }), "aht_s"},
      {with([](StaffingInputs& in) { in.arrivals_per_s = -1; }), "arrivals_per_s"},
      {with([](StaffingInputs& in) { in.patience_s = -5.0; }), "patience_s"},
  };
  for (const auto& bad : cases) {
    auto r = RequiredAgents(bad.in);
    ASSERT_FALSE(r.ok()) << bad.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, bad.field);
  }
}

TEST(ScheduledAgents, RoundsUpButNotOnRepresentationError) {
  EXPECT_EQ(ScheduledAgents(7, 0.3), 10);  // 7 / 0.7 is 10.000000000000002 in doubles
  EXPECT_EQ(ScheduledAgents(8, 0.2), 10);
  EXPECT_EQ(ScheduledAgents(9, 0.3), 13);    // 12.86
  EXPECT_EQ(ScheduledAgents(14, 0.35), 22);  // 21.54
  EXPECT_EQ(ScheduledAgents(10, 0.0), 10);
  EXPECT_EQ(ScheduledAgents(1, 0.01), 2);  // 1.0101
  EXPECT_EQ(ScheduledAgents(0, 0.3), 0);
}

// --- Per-interval planning.

TEST(ParseIntervalCsv, ReadsRowsWithQuotesCrlfAndAnAhtColumn) {
  auto rows = ParseIntervalCsv(
      "\xEF\xBB\xBFinterval_start,arrivals,aht\r\n"
      "08:00,120,\r\n"
      "\"08:30\", 240.5 ,4m\r\n"
      "\r\n"
      "\"09:00, Monday\",0,200\r\n");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].interval_start, "08:00");
  EXPECT_EQ((*rows)[0].arrivals, 120);
  EXPECT_FALSE((*rows)[0].aht_s.has_value());
  EXPECT_EQ((*rows)[0].line, 2);
  EXPECT_EQ((*rows)[1].interval_start, "08:30");
  EXPECT_EQ((*rows)[1].arrivals, 240.5);
  EXPECT_EQ((*rows)[1].aht_s, 240.0);
  EXPECT_EQ((*rows)[2].interval_start, "09:00, Monday");
  EXPECT_EQ((*rows)[2].aht_s, 200.0);
  EXPECT_EQ((*rows)[2].line, 5);
}

TEST(ParseIntervalCsv, ColumnsMayComeInAnyOrder) {
  auto rows = ParseIntervalCsv("arrivals,interval_start\n10,a\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].interval_start, "a");
  EXPECT_EQ((*rows)[0].arrivals, 10);
}

void ExpectCsvError(const char* text, const std::string& message_start) {
  auto rows = ParseIntervalCsv(text);
  ASSERT_FALSE(rows.ok()) << text;
  EXPECT_EQ(rows.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(rows.error().message.substr(0, message_start.size()), message_start)
      << rows.error().message;
}

TEST(ParseIntervalCsv, BadRowsNameLineAndColumn) {
  ExpectCsvError("interval_start,arrivals\n08:00,120\n08:30\n",
                 "line 3, column 2 (arrivals): missing");
  ExpectCsvError("interval_start,arrivals\n08:00,12o\n",
                 "line 2, column 2 (arrivals): '12o' is "
                 "not a number");
  ExpectCsvError("interval_start,arrivals\n08:00,-4\n",
                 "line 2, column 2 (arrivals): '-4' is "
                 "negative");
  ExpectCsvError("interval_start,arrivals\n08:00,nan\n",
                 "line 2, column 2 (arrivals): 'nan' is "
                 "not a finite number");
  ExpectCsvError("interval_start,arrivals\n08:00,\n", "line 2, column 2 (arrivals): empty");
  ExpectCsvError("interval_start,arrivals\n,5\n", "line 2, column 1 (interval_start): empty");
  ExpectCsvError("interval_start,arrivals\n08:00,5,7\n", "line 2, column 3: unexpected extra");
  ExpectCsvError("interval_start,arrivals\n\"08:00,5\n",
                 "line 2, column 1 (interval_start): unterminated");
  ExpectCsvError("interval_start,arrivals,aht\n08:00,5,3x\n",
                 "line 2, column 3 (aht): '3x' is not a duration");
  ExpectCsvError("interval_start,arrivals,aht\n08:00,5,0s\n",
                 "line 2, column 3 (aht): the handle time must be positive");
}

TEST(ParseIntervalCsv, BadHeadersAreErrors) {
  ExpectCsvError("interval_start,calls\n08:00,5\n", "line 1, column 2 (calls): unknown column");
  ExpectCsvError("interval_start\n08:00\n", "line 1: the header has no 'arrivals' column");
  ExpectCsvError("arrivals,arrivals,interval_start\n",
                 "line 1, column 2 (arrivals): the column "
                 "appears twice");
  ExpectCsvError("", "the CSV is empty");
  ExpectCsvError("\n\n", "the CSV is empty");
  ExpectCsvError("interval_start,arrivals\n", "line 2: no interval rows");
}

TEST(PlanIntervals, GivesOneRequirementPerRow) {
  auto rows = ParseIntervalCsv(
      "interval_start,arrivals,aht\n"
      "08:00,100,\n"
      "08:30,0,\n"
      "09:00,360,4m\n");
  ASSERT_TRUE(rows.ok());
  StaffingInputs base = Staffing(0, 1, 180, 0.8, 20);
  base.shrinkage = 0.3;
  auto plan = PlanIntervals(*rows, 1800, base);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->size(), 3u);
  EXPECT_EQ((*plan)[0].requirement.agents, 14);  // as RequiredAgents for 100 per 30 min
  EXPECT_EQ((*plan)[0].requirement.scheduled, 20);
  EXPECT_EQ((*plan)[1].requirement.agents, 0);
  EXPECT_EQ((*plan)[2].aht_s, 240);
  EXPECT_NEAR((*plan)[2].arrivals_per_s, 0.2, 1e-15);
  auto direct = RequiredAgents(Staffing(360, 1800, 240, 0.8, 20));
  EXPECT_EQ((*plan)[2].requirement.agents, direct->agents);
}

TEST(PlanIntervals, ErrorsNameTheLine) {
  std::vector<IntervalForecast> rows = {{"08:00", 10, std::nullopt, 2},
                                        {"08:30", 10, std::nullopt, 3}};
  StaffingInputs base = Staffing(0, 1, 180, 0.8, 20);
  base.targets.service_level = 2;
  auto plan = PlanIntervals(rows, 1800, base);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message.substr(0, 8), "line 2: ");
  EXPECT_EQ(PlanIntervals(rows, 0, Staffing(0, 1, 180, 0.8, 20)).error().field, "interval_s");
}

}  // namespace
}  // namespace hotline::wfm
