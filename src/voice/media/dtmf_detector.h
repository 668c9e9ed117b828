// In-band DTMF detection (ITU-T Q.23/Q.24 tones in the audio itself), for peers that do not send
// RFC 4733 telephone-events. A thin owner of a spandsp dtmf_rx context.
//
// Thread-safety: none; one detector belongs to one leg on the media thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

struct dtmf_rx_state_s;

namespace hotline::voice {

class InbandDtmfDetector {
 public:
  // `digit` runs once per detected key press ('0'-'9', '*', '#', 'A'-'D'), from inside Feed.
  explicit InbandDtmfDetector(std::function<void(char)> digit);
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // Feeds 8 kHz linear samples, in order.
  void Feed(const int16_t* samples, size_t count);

 private:
  static void OnDigits(void* self, const char* digits, int length);

  std::function<void(char)> digit_;
  dtmf_rx_state_s* state_;
};

}  // namespace hotline::voice
