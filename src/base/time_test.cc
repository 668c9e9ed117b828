#include "base/time.h"

#include <gtest/gtest.h>

namespace hotline {
namespace {

TEST(ParseDuration, AcceptsEveryUnitOfTheCli) {
  EXPECT_EQ(ParseDuration("20s").value(), Seconds(20));
  EXPECT_EQ(ParseDuration("3m").value(), Seconds(180));
  EXPECT_EQ(ParseDuration("1.5h").value(), Seconds(5400));
  EXPECT_EQ(ParseDuration("45").value(), Seconds(45));
  EXPECT_EQ(ParseDuration("0.5").value(), Duration(500'000));
  EXPECT_EQ(ParseDuration("250ms").value(), Duration(250'000));
  EXPECT_EQ(ParseDuration("2d").value(), Seconds(172800));
  EXPECT_EQ(ParseDuration("0s").value(), Duration(0));
  EXPECT_EQ(ParseDuration("1h30m").value(), Seconds(5400));
  EXPECT_EQ(ParseDuration("1m30s").value(), Seconds(90));
  EXPECT_EQ(ParseDuration("2h15m10s").value(), Seconds(8110));
}

TEST(ParseDuration, RejectsNegativeEmptyAndUnknownUnits) {
  for (const char* bad : {"", "-5s", "s", "5x", "abc", "1.2.3m", "5 s", "nan", "inf", "1e300h",
                          "1h30", "30 1m", "1h-5m", "m5"}) {
    auto r = ParseDuration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("duration"), std::string::npos);
  }
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (int64_t s : {0, 1, 59, 60, 61, 3600, 3661, 86400}) {
    Duration d = Seconds(static_cast<double>(s));
    std::string text = FormatDuration(d);
    EXPECT_EQ(ParseDuration(text).value(), d) << text;
  }
  EXPECT_EQ(FormatDuration(Seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(Seconds(3600)), "1h");
  EXPECT_EQ(FormatDuration(Seconds(20)), "20s");
  EXPECT_EQ(FormatDuration(Duration(1'500'000)), "1.5s");
}

TEST(FormatRfc3339, PrintsUtcWithOptionalMicroseconds) {
  EXPECT_EQ(FormatRfc3339(FromMicros(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(FromMicros(1'795'359'845'000'000)), "2026-11-22T15:04:05Z");
  EXPECT_EQ(FormatRfc3339(FromMicros(1'795'359'845'000'123)), "2026-11-22T15:04:05.000123Z");
}

TEST(ParseRfc3339, ReadsWhatFormatRfc3339Writes) {
  Instant t = FromMicros(1'795'000'000'123'456);
  auto back = ParseRfc3339(FormatRfc3339(t));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, t);
}

TEST(ParseRfc3339, AppliesTheOffsetAndReadsBareDates) {
  auto a = ParseRfc3339("2026-11-22T08:00:00+08:00");
  auto b = ParseRfc3339("2026-11-22");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-22T01:02:03.5Z")), "2026-11-22T01:02:03.500000Z");
}

TEST(ParseRfc3339, RejectsMalformedText) {
  for (const char* text :
       {"", "2026-13-01", "2026-02-30T00:00:00Z", "2026-11-22T10:00:00", "2026-11-22T25:00:00Z",
        "yesterday", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0800"}) {
    auto r = ParseRfc3339(text);
    EXPECT_FALSE(r.ok()) << text;
  }
}

}  // namespace
}  // namespace hotline
