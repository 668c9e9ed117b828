// RTP fixed header (RFC 3550 section 5.1): parsing with every length checked, and writing.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace hotline::voice {

inline constexpr size_t kRtpHeaderBytes = 12;
// Datagrams above this are dropped unread (one Ethernet MTU; G.711 20 ms is 172 bytes).
inline constexpr size_t kMaxRtpPacketBytes = 1500;

struct RtpHeader {
  bool marker = false;
  uint8_t payload_type = 0;
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
};

// A parsed packet: the header and where the payload lies inside the datagram.
struct RtpPacketView {
  RtpHeader header;
  const uint8_t* payload = nullptr;
  size_t payload_size = 0;
};

// nullopt for anything that is not a well-formed RTP version 2 packet of at most
// kMaxRtpPacketBytes: short, wrong version, CSRC list, extension or padding running past the end.
std::optional<RtpPacketView> ParseRtp(const uint8_t* data, size_t size);

// Writes a 12-byte header (version 2, no padding, extension or CSRC) at `out`.
void WriteRtpHeader(const RtpHeader& header, uint8_t* out);

// Big-endian helpers shared with RTCP.
inline uint16_t ReadBe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t ReadBe32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
inline void WriteBe16(uint16_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void WriteBe32(uint32_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace hotline::voice
