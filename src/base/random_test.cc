#include "base/random.h"

#include <gtest/gtest.h>

#include <vector>

namespace hotline {
namespace {

TEST(Random, SameSeedSameSequence) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(Random, BelowStaysInRangeAndCoversIt) {
  Random r(7);
  std::vector<int> seen(10);
  for (int i = 0; i < 10000; ++i) {
    uint64_t v = r.Below(10);
    ASSERT_LT(v, 10u);
    ++seen[v];
  }
  for (int n : seen) EXPECT_GT(n, 800);
}

TEST(Random, UnitIsInHalfOpenInterval) {
  Random r(9);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    double u = r.Unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
}

}  // namespace
}  // namespace hotline
