#include "voice/rtp/rtp_packet.h"

namespace hotline::voice {

std::optional<RtpPacketView> ParseRtp(const uint8_t* data, size_t size) {
  if (size < kRtpHeaderBytes || size > kMaxRtpPacketBytes) return std::nullopt;
  if ((data[0] >> 6) != 2) return std::nullopt;
  bool padding = data[0] & 0x20;
  bool extension = data[0] & 0x10;
  size_t offset = kRtpHeaderBytes + 4 * static_cast<size_t>(data[0] & 0x0F);  // CSRC list
  if (extension) {  // section 5.3.1: 4-byte header, then `length` 32-bit words
    if (offset + 4 > size) return std::nullopt;
    offset += 4 + 4 * static_cast<size_t>(ReadBe16(data + offset + 2));
  }
  if (offset > size) return std::nullopt;
  size_t end = size;
  if (padding) {  // the last byte counts the padding bytes, itself included
    size_t pad = data[size - 1];
    if (pad == 0 || offset + pad > size) return std::nullopt;
    end -= pad;
  }
  RtpPacketView view;
  view.header.marker = data[1] & 0x80;
  view.header.payload_type = data[1] & 0x7F;
  view.header.sequence = ReadBe16(data + 2);
  view.header.timestamp = ReadBe32(data + 4);
  view.header.ssrc = ReadBe32(data + 8);
  view.payload = data + offset;
  view.payload_size = end - offset;
  return view;
}

void WriteRtpHeader(const RtpHeader& header, uint8_t* out) {
  out[0] = 0x80;
  out[1] = static_cast<uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7F));
  WriteBe16(header.sequence, out + 2);
  WriteBe32(header.timestamp, out + 4);
  WriteBe32(header.ssrc, out + 8);
}

}  // namespace hotline::voice
