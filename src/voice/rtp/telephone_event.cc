#include "voice/rtp/telephone_event.h"

#include "voice/rtp/rtp_packet.h"

namespace hotline::voice {

std::optional<char> DigitOfEvent(uint8_t event) {
  static constexpr char kDigits[] = "0123456789*#ABCD";
  if (event > 15) return std::nullopt;
  return kDigits[event];
}

std::optional<TelephoneEvent> ParseTelephoneEvent(const uint8_t* payload, size_t size) {
  if (size < 4) return std::nullopt;  // several events in one packet: the first one counts
  TelephoneEvent event;
  event.event = payload[0];
  event.end = payload[1] & 0x80;
  event.volume = payload[1] & 0x3F;
  event.duration = ReadBe16(payload + 2);
  return event;
}

void WriteTelephoneEvent(const TelephoneEvent& event, uint8_t* out) {
  out[0] = event.event;
  out[1] = static_cast<uint8_t>((event.end ? 0x80 : 0) | (event.volume & 0x3F));
  WriteBe16(event.duration, out + 2);
}

std::optional<char> TelephoneEventReceiver::OnPacket(uint32_t rtp_timestamp, const uint8_t* payload,
                                                     size_t size) {
  auto event = ParseTelephoneEvent(payload, size);
  if (!event) return std::nullopt;
  if (has_last_ && rtp_timestamp == last_timestamp_) return std::nullopt;
  has_last_ = true;
  last_timestamp_ = rtp_timestamp;
  return DigitOfEvent(event->event);
}

}  // namespace hotline::voice
