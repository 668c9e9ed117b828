#include "flow/hours.h"

#include <gtest/gtest.h>

#include <memory>

#include "flow/run.h"

namespace hotline::flow {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Instant Utc(int y, unsigned m, unsigned d, int hh, int mm) {
  return Instant(std::chrono::sys_days(std::chrono::year(y) / m / d).time_since_epoch()) +
         hours(hh) + minutes(mm);
}

// Weekdays 09:00-18:00, Saturday 10:00-14:00; 2026-12-25 a holiday.
Hours Office() {
  Hours h;
  for (int day = 0; day < 5; ++day) h.weekly[day] = {*ParseOpenRange("09:00-18:00")};
  h.weekly[5] = {*ParseOpenRange("10:00-14:00")};
  h.holidays.insert(*ParseDate("2026-12-25"));
  return h;
}

const Duration kTaipei = hours(8);

TEST(HoursTest, OpenAndClosedFollowTheLocalClock) {
  // Monday 2026-11-23 09:30 in Taipei is 01:30 UTC.
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 23, 1, 30), kTaipei), HoursState::kOpen);
  // 08:59 local is closed; 18:00 local is the end, excluded.
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 23, 0, 59), kTaipei), HoursState::kClosed);
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 23, 10, 0), kTaipei), HoursState::kClosed);
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 23, 9, 59), kTaipei), HoursState::kOpen);
}

TEST(HoursTest, TheWeekdayIsTheLocalOneAcrossUtcMidnight) {
  // Friday 2026-11-27 23:00 UTC is Saturday 07:00 in Taipei: closed (Saturday opens at 10:00).
  // Saturday 03:00 UTC is 11:00 in Taipei (open) but 03:00 at offset 0 (closed).
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 27, 23, 0), kTaipei), HoursState::kClosed);
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 28, 3, 0), kTaipei), HoursState::kOpen);
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 28, 3, 0), Duration(0)), HoursState::kClosed);
  // West of UTC: Monday 2026-11-30 14:00 UTC is 09:00 at -05:00, 13:59 is 08:59.
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 30, 14, 0), -hours(5)), HoursState::kOpen);
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 11, 30, 13, 59), -hours(5)), HoursState::kClosed);
}

TEST(HoursTest, HolidayIsTheLocalDate) {
  // 2026-12-25 is a Friday. 2026-12-24 16:00 UTC is already the 25th in Taipei.
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 12, 24, 16, 0), kTaipei), HoursState::kHoliday);
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 12, 24, 15, 59), kTaipei), HoursState::kClosed);
  EXPECT_EQ(HoursAt(Office(), Utc(2026, 12, 25, 16, 0), kTaipei), HoursState::kClosed);
}

TEST(HoursTest, WholeDayRangeIncludesLastMinute) {
  Hours h;
  h.weekly[0] = {*ParseOpenRange("00:00-24:00")};
  EXPECT_EQ(HoursAt(h, Utc(2026, 11, 23, 23, 59), Duration(0)), HoursState::kOpen);
  EXPECT_EQ(HoursAt(h, Utc(2026, 11, 23, 0, 0), Duration(0)), HoursState::kOpen);
  EXPECT_EQ(HoursAt(h, Utc(2026, 11, 24, 0, 0), Duration(0)), HoursState::kClosed);
}

TEST(HoursTest, ParsersRefuseBadText) {
  EXPECT_FALSE(ParseOpenRange("18:00-09:00"));
  EXPECT_FALSE(ParseOpenRange("9:00-18:00"));
  EXPECT_FALSE(ParseOpenRange("09:00-24:30"));
  EXPECT_FALSE(ParseOpenRange("09:60-10:00"));
  EXPECT_FALSE(ParseDate("2026-02-30"));
  EXPECT_FALSE(ParseDate("2026/01/01"));
  EXPECT_EQ(ParseDate("1970-01-02"), 1);
  EXPECT_EQ(ParseWeekday("sun"), 6);
  EXPECT_FALSE(ParseWeekday("Sunday"));
}

// The hours node of a run: open / closed / holiday branches at chosen instants.
std::string BranchAt(Instant now) {
  auto book = std::make_shared<FlowBook>();
  book->utc_offset = kTaipei;
  book->hours["office"] = Office();
  Flow& flow = book->flows["main"];
  flow.start = "check";
  Node check{.name = "check", .kind = NodeKind::kHours};
  check.hours = {.hours = "office", .open = "open", .closed = "closed", .holiday = "holiday"};
  flow.nodes["check"] = check;
  for (const char* name : {"open", "closed", "holiday"}) {
    flow.nodes[name] = Node{.name = name, .kind = NodeKind::kHangup, .reason = name};
  }
  FlowRun run(book, flow, "", "");
  run.Start(now);
  return run.effects().back().reason;
}

TEST(HoursTest, HoursNodeBranches) {
  EXPECT_EQ(BranchAt(Utc(2026, 11, 23, 1, 30)), "open");
  EXPECT_EQ(BranchAt(Utc(2026, 11, 23, 12, 0)), "closed");
  EXPECT_EQ(BranchAt(Utc(2026, 12, 25, 3, 0)), "holiday");
}

}  // namespace
}  // namespace hotline::flow
