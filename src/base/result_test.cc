#include "base/result.h"

#include <gtest/gtest.h>

namespace hotline {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Error::InvalidArgument("odd", "x");
  return x / 2;
}

TEST(Result, CarriesValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "x");
  EXPECT_STREQ(ErrorCodeName(bad.error().code), "invalid_argument");
}

TEST(Result, ValueOfErrorIsFatal) {
  EXPECT_DEATH({ (void)Half(3).value(); }, "value\\(\\) of an error Result");
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  Status e = Error::NotFound("no such queue", "queue");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace hotline
