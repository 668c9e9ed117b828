#include "base/clock.h"

#include <gtest/gtest.h>

#include <vector>

namespace hotline {
namespace {

TEST(SimulatedClock, TimersFireInDeadlineThenInsertionOrder) {
  SimulatedClock clock;
  std::vector<int> fired;
  clock.Schedule(clock.Now() + Seconds(2), [&] { fired.push_back(1); });
  clock.Schedule(clock.Now() + Seconds(1), [&] { fired.push_back(2); });
  clock.Schedule(clock.Now() + Seconds(2), [&] { fired.push_back(3); });
  clock.Schedule(clock.Now() + Seconds(1), [&] { fired.push_back(4); });
  clock.AdvanceBy(Seconds(5));
  EXPECT_EQ(fired, (std::vector<int>{2, 4, 1, 3}));
  EXPECT_EQ(clock.Now(), Instant{} + Seconds(5));
}

TEST(SimulatedClock, NowIsTheDeadlineInsideACallback) {
  SimulatedClock clock;
  Instant seen{};
  clock.Schedule(clock.Now() + Seconds(3), [&] { seen = clock.Now(); });
  clock.AdvanceBy(Seconds(10));
  EXPECT_EQ(seen, Instant{} + Seconds(3));
}

TEST(SimulatedClock, CanceledTimerNeverFires) {
  SimulatedClock clock;
  bool fired = false;
  auto id = clock.Schedule(clock.Now() + Seconds(1), [&] { fired = true; });
  EXPECT_TRUE(clock.Cancel(id));
  EXPECT_FALSE(clock.Cancel(id));
  clock.AdvanceBy(Seconds(2));
  EXPECT_FALSE(fired);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(SimulatedClock, TimersScheduledByCallbacksFireWhenDue) {
  SimulatedClock clock;
  int count = 0;
  std::function<void()> again = [&] {
    if (++count < 5) clock.Schedule(clock.Now() + Seconds(1), again);
  };
  clock.Schedule(clock.Now() + Seconds(1), again);
  clock.AdvanceBy(Seconds(3));
  EXPECT_EQ(count, 3);
  EXPECT_EQ(clock.NextDeadline(), Instant{} + Seconds(4));
  while (clock.RunNext()) {
  }
  EXPECT_EQ(count, 5);
}

TEST(RealClock, MonotonicNeverGoesBack) {
  RealClock clock;
  Instant a = clock.MonotonicNow();
  Instant b = clock.MonotonicNow();
  EXPECT_LE(a, b);
  EXPECT_GT(clock.Now(), FromMicros(1'700'000'000'000'000));
}

}  // namespace
}  // namespace hotline
