#include "voice/rtp/rtcp.h"

#include <algorithm>
#include <cstdlib>

#include "voice/rtp/rtp_packet.h"

namespace hotline::voice {
namespace {

constexpr uint8_t kSenderReport = 200;
constexpr uint8_t kReceiverReport = 201;
constexpr uint8_t kSourceDescription = 202;
constexpr uint8_t kCname = 1;
constexpr uint16_t kMaxDropout = 3000;  // A.1
constexpr uint16_t kMaxMisorder = 100;

// Writes a common header (section 6.4.1): version 2, `count`, `type`, length in words minus one.
void WriteCommonHeader(uint8_t count, uint8_t type, size_t bytes, uint8_t* out) {
  out[0] = static_cast<uint8_t>(0x80 | (count & 0x1F));
  out[1] = type;
  WriteBe16(static_cast<uint16_t>(bytes / 4 - 1), out + 2);
}

}  // namespace

void ReceptionStats::OnPacket(uint16_t sequence, uint32_t timestamp, uint32_t arrival,
                              uint32_t ssrc) {
  if (!started_ || ssrc != ssrc_) {  // a new source starts its statistics afresh
    *this = ReceptionStats();
    started_ = true;
    ssrc_ = ssrc;
    max_sequence_ = sequence;
    base_sequence_ = sequence;
  } else {
    uint16_t delta = static_cast<uint16_t>(sequence - max_sequence_);
    if (delta < kMaxDropout) {
      if (sequence < max_sequence_) cycles_ += 1u << 16;
      max_sequence_ = sequence;
    } else if (delta <= 65535 - kMaxMisorder) {
      // A large jump: the peer restarted its sequence. Resynchronise on it (A.1, simplified).
      base_sequence_ = cycles_ + sequence;
      max_sequence_ = sequence;
      received_ = 0;
      expected_prior_ = received_prior_ = 0;
    }  // else a duplicate or reordered packet: counted as received below
  }
  ++received_;
  // A.8: J += (|D| - J) / 16, with D the change in transit time.
  int64_t transit = static_cast<int64_t>(arrival) - static_cast<int64_t>(timestamp);
  if (has_transit_) {
    int64_t d = static_cast<int32_t>(static_cast<uint32_t>(transit - transit_));
    jitter_ += (static_cast<double>(std::llabs(d)) - jitter_) / 16.0;
  }
  has_transit_ = true;
  transit_ = transit;
}

uint64_t ReceptionStats::lost() const {
  if (!started_) return 0;
  int64_t expected = static_cast<int64_t>(extended_max_sequence()) - base_sequence_ + 1;
  int64_t lost = expected - static_cast<int64_t>(received_);
  return lost > 0 ? static_cast<uint64_t>(lost) : 0;
}

uint8_t ReceptionStats::TakeFractionLost() {
  uint64_t expected = static_cast<uint64_t>(extended_max_sequence()) - base_sequence_ + 1;
  int64_t expected_interval = static_cast<int64_t>(expected - expected_prior_);
  int64_t received_interval = static_cast<int64_t>(received_ - received_prior_);
  expected_prior_ = expected;
  received_prior_ = received_;
  int64_t lost_interval = expected_interval - received_interval;
  if (expected_interval <= 0 || lost_interval <= 0) return 0;
  return static_cast<uint8_t>(std::min<int64_t>(255, (lost_interval << 8) / expected_interval));
}

size_t WriteCompoundReport(const ReportToSend& report, ReceptionStats* reception, uint8_t* out) {
  bool block = reception != nullptr && reception->started();
  size_t at = 8;  // common header + our SSRC
  WriteBe32(report.ssrc, out + 4);
  if (report.sender) {  // sender info, section 6.4.1
    WriteBe32(static_cast<uint32_t>(report.ntp >> 32), out + at);
    WriteBe32(static_cast<uint32_t>(report.ntp), out + at + 4);
    WriteBe32(report.rtp_timestamp, out + at + 8);
    WriteBe32(report.packets_sent, out + at + 12);
    WriteBe32(report.octets_sent, out + at + 16);
    at += 20;
  }
  if (block) {  // one report block
    uint8_t* b = out + at;
    WriteBe32(reception->ssrc(), b);
    uint32_t lost = static_cast<uint32_t>(std::min<uint64_t>(reception->lost(), 0x7FFFFF));
    WriteBe32(static_cast<uint32_t>(reception->TakeFractionLost()) << 24 | lost, b + 4);
    WriteBe32(reception->extended_max_sequence(), b + 8);
    WriteBe32(static_cast<uint32_t>(reception->jitter_units()), b + 12);
    WriteBe32(report.last_sr, b + 16);
    WriteBe32(report.delay_since_last_sr, b + 20);
    at += 24;
  }
  WriteCommonHeader(block ? 1 : 0, report.sender ? kSenderReport : kReceiverReport, at, out);

  // SDES with one chunk: our SSRC, CNAME item, a zero end byte, padded to a word (6.5).
  uint8_t* sdes = out + at;
  size_t cname = std::min<size_t>(report.cname.size(), 255);
  size_t sdes_bytes = (4 + 4 + 2 + cname + 1 + 3) / 4 * 4;
  std::fill(sdes, sdes + sdes_bytes, 0);
  WriteBe32(report.ssrc, sdes + 4);
  sdes[8] = kCname;
  sdes[9] = static_cast<uint8_t>(cname);
  std::copy_n(report.cname.data(), cname, sdes + 10);
  WriteCommonHeader(1, kSourceDescription, sdes_bytes, sdes);
  return at + sdes_bytes;
}

std::optional<RemoteReport> ReadCompoundReport(const uint8_t* data, size_t size, uint32_t our_ssrc,
                                               std::optional<uint32_t>* sender_ntp_middle) {
  std::optional<RemoteReport> found;
  size_t at = 0;
  while (at + 4 <= size && size <= kMaxRtcpBytes) {
    const uint8_t* p = data + at;
    if ((p[0] >> 6) != 2) break;
    size_t bytes = (static_cast<size_t>(ReadBe16(p + 2)) + 1) * 4;
    if (at + bytes > size) break;
    size_t count = p[0] & 0x1F;
    size_t blocks_at = 0;
    if (p[1] == kSenderReport && bytes >= 28) {
      blocks_at = 28;
      // NTP 32.32: the middle 32 bits are the low half of seconds and high half of the fraction.
      *sender_ntp_middle = static_cast<uint32_t>(ReadBe16(p + 10)) << 16 | ReadBe16(p + 12);
    } else if (p[1] == kReceiverReport && bytes >= 8) {
      blocks_at = 8;
    }
    if (blocks_at != 0) {
      for (size_t i = 0; i < count && blocks_at + 24 * (i + 1) <= bytes; ++i) {
        const uint8_t* b = p + blocks_at + 24 * i;
        if (ReadBe32(b) != our_ssrc) continue;
        RemoteReport report;
        report.fraction_lost = b[4];
        report.cumulative_lost = ReadBe32(b + 4) & 0xFFFFFF;
        report.jitter_units = ReadBe32(b + 12);
        found = report;
      }
    }
    at += bytes;
  }
  return found;
}

uint64_t NtpFromUnixMicros(int64_t unix_micros) {
  constexpr uint64_t kUnixToNtpSeconds = 2208988800ULL;
  uint64_t seconds = static_cast<uint64_t>(unix_micros / 1'000'000) + kUnixToNtpSeconds;
  uint64_t fraction = (static_cast<uint64_t>(unix_micros % 1'000'000) << 32) / 1'000'000;
  return seconds << 32 | fraction;
}

}  // namespace hotline::voice
