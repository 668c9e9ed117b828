#include "voice/media/g711.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

namespace hotline::voice {
namespace {

TEST(G711, KnownValuesOfTheItuTables) {
  EXPECT_EQ(LinearToUlaw(0), 0xFF);
  EXPECT_EQ(UlawToLinear(0xFF), 0);
  EXPECT_EQ(UlawToLinear(0x7F), 0);  // negative zero
  EXPECT_EQ(UlawToLinear(0x80), 32124);
  EXPECT_EQ(UlawToLinear(0x00), -32124);
  EXPECT_EQ(LinearToUlaw(32767), 0x80);
  EXPECT_EQ(LinearToUlaw(-32768), 0x00);
  EXPECT_EQ(AlawToLinear(0xD5), 8);
  EXPECT_EQ(AlawToLinear(0x55), -8);
  EXPECT_EQ(LinearToAlaw(8), 0xD5);
  EXPECT_EQ(LinearToAlaw(0), 0xD5);
  EXPECT_EQ(AlawToLinear(0xAA), 32256);
  EXPECT_EQ(AlawToLinear(0x2A), -32256);
  EXPECT_EQ(LinearToAlaw(32767), 0xAA);
}

TEST(G711, EveryCodeSurvivesDecodeThenEncode) {
  for (int code = 0; code < 256; ++code) {
    auto c = static_cast<uint8_t>(code);
    if (c != 0x7F) {  // 0x7F is negative zero, which decodes to +0
      EXPECT_EQ(LinearToUlaw(UlawToLinear(c)), c) << code;
    }
    EXPECT_EQ(LinearToAlaw(AlawToLinear(c)), c) << code;
  }
}

TEST(G711, QuantizationErrorStaysWithinTheSegmentStep) {
  for (int v = -32000; v <= 32000; v += 7) {
    auto s = static_cast<int16_t>(v);
    // The step doubles per segment: at most 1/16 of the magnitude plus the smallest step.
    double bound = std::abs(v) / 16.0 + 16;
    EXPECT_LE(std::abs(UlawToLinear(LinearToUlaw(s)) - v), bound) << v;
    EXPECT_LE(std::abs(AlawToLinear(LinearToAlaw(s)) - v), bound) << v;
  }
}

TEST(G711, TranscodingMatchesDecodeThenEncode) {
  uint8_t bytes[256];
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);
  TranscodeG711(Codec::kPcmu, Codec::kPcma, bytes, 256);
  for (int i = 0; i < 256; ++i) {
    EXPECT_EQ(bytes[i], LinearToAlaw(UlawToLinear(static_cast<uint8_t>(i)))) << i;
  }
  uint8_t same[2] = {0x12, 0x34};
  TranscodeG711(Codec::kPcma, Codec::kPcma, same, 2);
  EXPECT_EQ(same[0], 0x12);
  EXPECT_EQ(same[1], 0x34);
}

}  // namespace
}  // namespace hotline::voice
