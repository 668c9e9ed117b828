#include "voice/rtp/media_leg.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace hotline::voice {
namespace {

std::vector<int16_t> Ramp(size_t count, int16_t first) {
  std::vector<int16_t> out(count);
  std::iota(out.begin(), out.end(), first);
  return out;
}

TEST(SampleFifo, PopsInOrderAcrossTheWrapAndPadsWithSilence) {
  SampleFifo fifo;
  fifo.Reserve();
  std::vector<int16_t> out(160);
  for (int round = 0; round < 40; ++round) {  // 40 x 160 samples: wraps the ring three times
    fifo.Push(Ramp(160, static_cast<int16_t>(round * 160)).data(), 160);
    fifo.Pop(out.data(), 160);
    EXPECT_EQ(out, Ramp(160, static_cast<int16_t>(round * 160))) << round;
  }
  fifo.Push(Ramp(100, 7).data(), 100);
  fifo.Pop(out.data(), 160);
  EXPECT_EQ(out[99], 106);
  EXPECT_EQ(out[100], 0);
  EXPECT_EQ(out[159], 0);
}

TEST(SampleFifo, OverflowKeepsTheNewestSamples) {
  SampleFifo fifo;
  fifo.Reserve();
  auto input = Ramp(SampleFifo::kCapacity + 500, 0);
  for (size_t i = 0; i < input.size(); i += 100) {
    fifo.Push(input.data() + i, std::min<size_t>(100, input.size() - i));
  }
  std::vector<int16_t> out(SampleFifo::kCapacity);
  fifo.Pop(out.data(), out.size());
  EXPECT_EQ(out.front(), 500);
  EXPECT_EQ(out.back(), static_cast<int16_t>(SampleFifo::kCapacity + 499));
}

TEST(SampleFifo, ReleasedFifoIgnoresPushes) {
  SampleFifo fifo;
  int16_t one = 5;
  fifo.Push(&one, 1);
  int16_t out = 9;
  fifo.Pop(&out, 1);
  EXPECT_EQ(out, 0);
}

}  // namespace
}  // namespace hotline::voice
