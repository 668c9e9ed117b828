#include "voice/rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace hotline::voice {
namespace {

std::vector<uint8_t> Packet(size_t payload) {
  std::vector<uint8_t> bytes(kRtpHeaderBytes + payload, 0xAB);
  WriteRtpHeader({true, 8, 0xBEEF, 0x01020304, 0xCAFEF00D}, bytes.data());
  return bytes;
}

TEST(RtpPacket, WrittenHeaderParsesBack) {
  auto bytes = Packet(160);
  auto view = ParseRtp(bytes.data(), bytes.size());
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->header.marker);
  EXPECT_EQ(view->header.payload_type, 8);
  EXPECT_EQ(view->header.sequence, 0xBEEF);
  EXPECT_EQ(view->header.timestamp, 0x01020304u);
  EXPECT_EQ(view->header.ssrc, 0xCAFEF00Du);
  EXPECT_EQ(view->payload, bytes.data() + 12);
  EXPECT_EQ(view->payload_size, 160u);
}

TEST(RtpPacket, CsrcListExtensionAndPaddingAreSkipped) {
  auto bytes = Packet(0);
  bytes[0] |= 0x20 | 0x10 | 2;                          // padding, extension, two CSRCs
  bytes.insert(bytes.end(), 8, 0);                      // CSRCs
  bytes.insert(bytes.end(), {0xBE, 0xDE, 0x00, 0x01});  // extension header, one word
  bytes.insert(bytes.end(), 4, 0);
  bytes.insert(bytes.end(), {1, 2, 3});  // payload
  bytes.insert(bytes.end(), {0, 0, 3});  // three bytes of padding
  auto view = ParseRtp(bytes.data(), bytes.size());
  ASSERT_TRUE(view);
  ASSERT_EQ(view->payload_size, 3u);
  EXPECT_EQ(view->payload[0], 1);
  EXPECT_EQ(view->payload[2], 3);
}

TEST(RtpPacket, MalformedPacketsAreRefused) {
  auto good = Packet(160);
  EXPECT_FALSE(ParseRtp(good.data(), 11));  // shorter than a header
  auto version1 = good;
  version1[0] = 0x40;
  EXPECT_FALSE(ParseRtp(version1.data(), version1.size()));
  auto csrc_past_end = Packet(0);
  csrc_past_end[0] |= 0x0F;
  EXPECT_FALSE(ParseRtp(csrc_past_end.data(), csrc_past_end.size()));
  auto padding_past_end = Packet(2);
  padding_past_end[0] |= 0x20;
  padding_past_end.back() = 200;
  EXPECT_FALSE(ParseRtp(padding_past_end.data(), padding_past_end.size()));
  auto oversized = Packet(kMaxRtpPacketBytes);  // 1,512 bytes
  EXPECT_FALSE(ParseRtp(oversized.data(), oversized.size()));
}

}  // namespace
}  // namespace hotline::voice
