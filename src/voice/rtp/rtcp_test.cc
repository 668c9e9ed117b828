#include "voice/rtp/rtcp.h"

#include <gtest/gtest.h>

#include <array>

#include "voice/rtp/rtp_packet.h"

namespace hotline::voice {
namespace {

TEST(ReceptionStats, CountsLossAcrossSequenceWrap) {
  ReceptionStats stats;
  uint32_t ts = 0;
  for (uint32_t seq = 65530; seq < 65530 + 20; ++seq) {
    if (seq == 65535 || seq == 65540) continue;  // two lost, one on each side of the wrap
    stats.OnPacket(static_cast<uint16_t>(seq), ts + (seq - 65530) * 160, ts + (seq - 65530) * 160,
                   42);
  }
  EXPECT_EQ(stats.received(), 18u);
  EXPECT_EQ(stats.lost(), 2u);
  EXPECT_EQ(stats.extended_max_sequence(), 65536u + 13);
  EXPECT_EQ(stats.TakeFractionLost(), 2 * 256 / 20);
  EXPECT_EQ(stats.TakeFractionLost(), 0);  // nothing new since
}

TEST(ReceptionStats, JitterFollowsTransitVariation) {
  ReceptionStats steady, shaky;
  for (uint16_t i = 0; i < 200; ++i) {
    steady.OnPacket(i, i * 160u, 5000 + i * 160u, 1);
    shaky.OnPacket(i, i * 160u, 5000 + i * 160u + (i % 2 ? 80 : 0), 1);  // ±10 ms
  }
  EXPECT_EQ(steady.jitter_units(), 0);
  EXPECT_NEAR(shaky.jitter_units(), 80, 1);
}

TEST(Rtcp, ReportBlockAboutOurSsrcRoundTrips) {
  ReceptionStats reception;
  for (uint16_t i = 0; i < 10; ++i) {
    if (i != 4) reception.OnPacket(i, i * 160u, i * 160u, 0x1111);
  }
  ReportToSend report;
  report.ssrc = 0x2222;
  report.sender = true;
  report.ntp = NtpFromUnixMicros(1'700'000'000'500'000);
  report.packets_sent = 50;
  report.cname = "hotline-test";
  std::array<uint8_t, kMaxRtcpBytes> bytes{};
  size_t size = WriteCompoundReport(report, &reception, bytes.data());
  ASSERT_EQ(size % 4, 0u);
  EXPECT_EQ(bytes[1], 200);  // SR first

  std::optional<uint32_t> sender_ntp;
  auto about_them = ReadCompoundReport(bytes.data(), size, 0x1111, &sender_ntp);
  ASSERT_TRUE(about_them);
  EXPECT_EQ(about_them->cumulative_lost, 1u);
  ASSERT_TRUE(sender_ntp);
  EXPECT_EQ(*sender_ntp, static_cast<uint32_t>(report.ntp >> 16));
  EXPECT_FALSE(ReadCompoundReport(bytes.data(), size, 0x3333, &sender_ntp));       // not about them
  EXPECT_FALSE(ReadCompoundReport(bytes.data(), size - 30, 0x1111, &sender_ntp));  // truncated
}

TEST(Rtcp, NtpTimeOfTheUnixEpoch) {
  EXPECT_EQ(NtpFromUnixMicros(0), 2208988800ULL << 32);
  EXPECT_EQ(NtpFromUnixMicros(500'000) & 0xFFFFFFFF, 1ULL << 31);
}

}  // namespace
}  // namespace hotline::voice
