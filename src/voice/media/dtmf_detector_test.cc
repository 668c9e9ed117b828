#include "voice/media/dtmf_detector.h"

#include <gtest/gtest.h>
#include <spandsp.h>

#include <string>
#include <vector>

namespace hotline::voice {
namespace {

// Tones made by spandsp's own DTMF generator, fed 20 ms at a time as the engine does.
std::vector<int16_t> GenerateTones(const char* digits) {
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  dtmf_tx_put(tx, digits, -1);
  std::vector<int16_t> out;
  int16_t frame[160];
  for (int n; (n = dtmf_tx(tx, frame, 160)) > 0;) out.insert(out.end(), frame, frame + n);
  dtmf_tx_free(tx);
  out.resize(out.size() + 1600, 0);  // trailing silence ends the last tone
  return out;
}

TEST(InbandDtmfDetector, ReportsEachGeneratedDigitOnce) {
  std::string heard;
  InbandDtmfDetector detector([&](char d) { heard.push_back(d); });
  auto audio = GenerateTones("0123456789*#ABCD");
  for (size_t i = 0; i < audio.size(); i += 160) {
    detector.Feed(audio.data() + i, std::min<size_t>(160, audio.size() - i));
  }
  EXPECT_EQ(heard, "0123456789*#ABCD");
}

TEST(InbandDtmfDetector, SilenceAndSpeechBandNoiseGiveNoDigit) {
  std::string heard;
  InbandDtmfDetector detector([&](char d) { heard.push_back(d); });
  std::vector<int16_t> audio(8000);
  uint32_t seed = 1;
  for (size_t i = 4000; i < audio.size(); ++i) {
    seed = seed * 1664525 + 1013904223;
    audio[i] = static_cast<int16_t>(static_cast<int32_t>(seed >> 16) % 2000 - 1000);
  }
  detector.Feed(audio.data(), audio.size());
  EXPECT_EQ(heard, "");
}

}  // namespace
}  // namespace hotline::voice
