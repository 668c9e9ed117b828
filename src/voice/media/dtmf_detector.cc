#include "voice/media/dtmf_detector.h"

#include <spandsp.h>

#include <utility>

#include "base/check.h"

namespace hotline::voice {

InbandDtmfDetector::InbandDtmfDetector(std::function<void(char)> digit)
    : digit_(std::move(digit)), state_(dtmf_rx_init(nullptr, &OnDigits, this)) {
  HOTLINE_CHECK(state_ != nullptr, "spandsp dtmf_rx_init failed");
}

InbandDtmfDetector::~InbandDtmfDetector() { dtmf_rx_free(state_); }

void InbandDtmfDetector::Feed(const int16_t* samples, size_t count) {
  dtmf_rx(state_, samples, static_cast<int>(count));
}

void InbandDtmfDetector::OnDigits(void* self, const char* digits, int length) {
  auto* detector = static_cast<InbandDtmfDetector*>(self);
  if (!detector->digit_) return;
  for (int i = 0; i < length; ++i) detector->digit_(digits[i]);
}

}  // namespace hotline::voice
