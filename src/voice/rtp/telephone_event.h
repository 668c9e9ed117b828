// RFC 4733 telephone-events (DTMF named events) arriving on one leg, turned into digits, each
// reported once. An event's packets share the RTP timestamp of its start (section 2.5.1.2), and
// its end is sent three times (section 2.5.1.4), so a digit is reported on the first packet of a
// timestamp not seen before; every later packet of that event (updates, end bit, the redundant
// end packets, duplicates) is ignored. A lost start still gives the digit from the first packet
// that does arrive.
//
// Thread-safety: none; one receiver per leg on the media thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace hotline::voice {

// '0'-'9', '*', '#', 'A'-'D' for events 0-15 (section 3.2); nullopt for any other event.
std::optional<char> DigitOfEvent(uint8_t event);

// The telephone-event payload (section 2.3): event, end bit, volume, duration.
struct TelephoneEvent {
  uint8_t event = 0;
  bool end = false;
  uint8_t volume = 0;
  uint16_t duration = 0;
};
std::optional<TelephoneEvent> ParseTelephoneEvent(const uint8_t* payload, size_t size);
// Writes the 4-byte payload at `out`.
void WriteTelephoneEvent(const TelephoneEvent& event, uint8_t* out);

class TelephoneEventReceiver {
 public:
  // The digit to report for this packet, or nullopt (not a digit, malformed, or already reported).
  std::optional<char> OnPacket(uint32_t rtp_timestamp, const uint8_t* payload, size_t size);

 private:
  bool has_last_ = false;
  uint32_t last_timestamp_ = 0;
};

}  // namespace hotline::voice
