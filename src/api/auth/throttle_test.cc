#include "api/auth/throttle.h"

#include <gtest/gtest.h>

namespace hotline::api::auth {
namespace {

const Instant kStart = FromMicros(1'800'000'000'000'000);

void FailTimes(LoginThrottle& throttle, int n, std::string_view user, std::string_view address,
               Instant now) {
  for (int i = 0; i < n; ++i) throttle.RecordFailure(user, address, now);
}

TEST(LoginThrottle, FifthFailureLocksForThirtySeconds) {
  LoginThrottle throttle;
  FailTimes(throttle, 4, "alice", "10.0.0.1", kStart);
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1", kStart).allowed());
  throttle.RecordFailure("alice", "10.0.0.1", kStart);
  LoginVerdict verdict = throttle.Check("alice", "10.0.0.1", kStart);
  ASSERT_FALSE(verdict.allowed());
  EXPECT_EQ(verdict.status.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(verdict.status.error().message, "too many failed logins; try again in 30 s");
  EXPECT_EQ(verdict.retry_after_seconds, 30);
  EXPECT_EQ(throttle.Check("alice", "10.0.0.1", kStart + Seconds(29.5)).retry_after_seconds, 1);
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1", kStart + Seconds(30)).allowed());
}

TEST(LoginThrottle, FailuresOutsideTheWindowDoNotCount) {
  LoginThrottle throttle;
  FailTimes(throttle, 4, "alice", "10.0.0.1", kStart);
  throttle.RecordFailure("alice", "10.0.0.1", kStart + Seconds(15 * 60));
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1", kStart + Seconds(15 * 60)).allowed());
}

TEST(LoginThrottle, UsernameIsLockedFromEveryAddress) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) {
    throttle.RecordFailure("alice", "10.0.0." + std::to_string(i), kStart);
  }
  EXPECT_FALSE(throttle.Check("alice", "192.168.1.1", kStart).allowed());
  EXPECT_TRUE(throttle.Check("bob", "192.168.1.1", kStart).allowed());
}

TEST(LoginThrottle, AddressIsLockedForEveryUsername) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) {
    throttle.RecordFailure("user" + std::to_string(i), "10.0.0.9", kStart);
  }
  EXPECT_FALSE(throttle.Check("someone-else", "10.0.0.9", kStart).allowed());
  EXPECT_TRUE(throttle.Check("someone-else", "10.0.0.10", kStart).allowed());
}

TEST(LoginThrottle, LockoutsDoubleUpToFifteenMinutes) {
  LoginThrottle throttle;
  Instant now = kStart;
  for (int64_t expected : {30, 60, 120, 240, 480, 900, 900}) {
    FailTimes(throttle, 5, "alice", "10.0.0.1", now);
    LoginVerdict verdict = throttle.Check("alice", "10.0.0.1", now);
    ASSERT_FALSE(verdict.allowed());
    EXPECT_EQ(verdict.retry_after_seconds, expected);
    now += Seconds(static_cast<double>(expected));  // the next burst right after the lockout
  }
}

TEST(LoginThrottle, QuietWindowAfterLockoutStartsOver) {
  LoginThrottle throttle;
  FailTimes(throttle, 5, "alice", "10.0.0.1", kStart);
  FailTimes(throttle, 5, "alice", "10.0.0.1", kStart + Seconds(30));  // locked for 60 s
  const Instant quiet = kStart + Seconds(90 + 15 * 60);
  FailTimes(throttle, 5, "alice", "10.0.0.1", quiet);
  EXPECT_EQ(throttle.Check("alice", "10.0.0.1", quiet).retry_after_seconds, 30);
}

TEST(LoginThrottle, FailuresWhileLockedAreNotCounted) {
  LoginThrottle throttle;
  FailTimes(throttle, 5, "alice", "10.0.0.1", kStart);
  FailTimes(throttle, 20, "alice", "10.0.0.1", kStart + Seconds(10));
  EXPECT_EQ(throttle.Check("alice", "10.0.0.1", kStart + Seconds(10)).retry_after_seconds, 20);
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1", kStart + Seconds(30)).allowed());
}

TEST(LoginThrottle, SuccessResetsUsernameButNotAddress) {
  LoginThrottle throttle;
  FailTimes(throttle, 4, "alice", "10.0.0.1", kStart);
  throttle.RecordSuccess("alice");
  throttle.RecordFailure("alice", "10.0.0.1", kStart);
  throttle.RecordFailure("alice", "10.0.0.2", kStart);
  // Alice has 2 failures since her success; the first address has 5 and is locked.
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.2", kStart).allowed());
  EXPECT_FALSE(throttle.Check("alice", "10.0.0.1", kStart).allowed());
}

TEST(LoginThrottle, LongerOfBothLockoutsIsReported) {
  LoginThrottle throttle;
  FailTimes(throttle, 5, "alice", "10.0.0.1", kStart);              // both locked 30 s
  FailTimes(throttle, 5, "bob", "10.0.0.1", kStart + Seconds(30));  // address now 60 s
  EXPECT_EQ(throttle.Check("alice", "10.0.0.1", kStart + Seconds(30)).retry_after_seconds, 60);
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.2", kStart + Seconds(30)).allowed());
}

TEST(LoginThrottle, SeparateThresholdForAddresses) {
  LoginThrottleOptions options;
  options.max_failures_per_address = 50;
  LoginThrottle throttle(options);
  for (int i = 0; i < 49; ++i) throttle.RecordFailure("u" + std::to_string(i), "10.0.0.1", kStart);
  EXPECT_TRUE(throttle.Check("new", "10.0.0.1", kStart).allowed());
  throttle.RecordFailure("u49", "10.0.0.1", kStart);
  EXPECT_FALSE(throttle.Check("new", "10.0.0.1", kStart).allowed());
}

TEST(LoginThrottle, MemoryIsBoundedByEvictingLeastRecentlyFailed) {
  LoginThrottleOptions options;
  options.max_entries = 10;
  LoginThrottle throttle(options);
  FailTimes(throttle, 5, "alice", "10.0.0.1", kStart);
  EXPECT_EQ(throttle.size(), 2u);
  for (int i = 0; i < 100; ++i) {
    throttle.RecordFailure("u" + std::to_string(i), "10.1.0." + std::to_string(i), kStart);
    EXPECT_LE(throttle.size(), 10u);
  }
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1", kStart).allowed());  // evicted
}

TEST(LoginThrottle, Ipv6AddressesCountByTheirSlash64) {
  EXPECT_EQ(LoginThrottle::AddressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "a:2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::AddressKey("::ffff:192.0.2.7"), "a:192.0.2.7");
  EXPECT_EQ(LoginThrottle::AddressKey("192.0.2.7"), "a:192.0.2.7");
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) {
    throttle.RecordFailure("u" + std::to_string(i), "2001:db8::" + std::to_string(i + 1), kStart);
  }
  EXPECT_FALSE(throttle.Check("x", "2001:db8::ffff", kStart).allowed());
  EXPECT_TRUE(throttle.Check("x", "2001:db8:0:1::1", kStart).allowed());
}

}  // namespace
}  // namespace hotline::api::auth
