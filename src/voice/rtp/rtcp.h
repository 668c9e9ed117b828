// RTCP (RFC 3550 section 6) as far as a media server needs it: reception statistics of the
// incoming stream (sequence tracking, appendix A.1; interarrival jitter, A.8), compound sender or
// receiver reports with a CNAME to send every few seconds, and reading the report blocks a peer
// sends about our stream.
//
// Thread-safety: none; one per leg on the media thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hotline::voice {

// What we know about the stream we receive on one leg.
class ReceptionStats {
 public:
  // One valid packet. `arrival` is the arrival time in RTP timestamp units (8 kHz).
  void OnPacket(uint16_t sequence, uint32_t timestamp, uint32_t arrival, uint32_t ssrc);

  bool started() const { return started_; }
  uint32_t ssrc() const { return ssrc_; }
  uint64_t received() const { return received_; }
  uint32_t extended_max_sequence() const { return cycles_ + max_sequence_; }
  // Packets expected minus received since the first (A.3); never negative.
  uint64_t lost() const;
  double jitter_units() const { return jitter_; }  // in timestamp units

  // Fraction lost since the previous call, in 1/256 (A.3), and remembers the counts.
  uint8_t TakeFractionLost();

 private:
  bool started_ = false;
  uint32_t ssrc_ = 0;
  uint16_t max_sequence_ = 0;
  uint32_t cycles_ = 0;  // sequence wrap-arounds << 16
  uint32_t base_sequence_ = 0;
  uint64_t received_ = 0;
  uint64_t expected_prior_ = 0;
  uint64_t received_prior_ = 0;
  bool has_transit_ = false;
  int64_t transit_ = 0;
  double jitter_ = 0;
};

// What a peer reported about our stream (a report block whose SSRC is ours).
struct RemoteReport {
  uint32_t cumulative_lost = 0;
  uint32_t jitter_units = 0;
  uint8_t fraction_lost = 0;
};

// Inputs of one compound report (SR when we sent media since the last one, else RR).
struct ReportToSend {
  uint32_t ssrc = 0;
  bool sender = false;
  uint64_t ntp = 0;  // now, NTP 32.32 format
  uint32_t rtp_timestamp = 0;
  uint32_t packets_sent = 0;
  uint32_t octets_sent = 0;
  const ReceptionStats* reception = nullptr;  // null or not started: no report block
  uint32_t last_sr = 0;                       // middle 32 bits of the peer's last SR NTP time
  uint32_t delay_since_last_sr = 0;           // in 1/65536 s
  std::string_view cname;                     // at most 255 bytes
};

inline constexpr size_t kMaxRtcpBytes = 1500;

// Writes SR or RR plus SDES CNAME into `out` (kMaxRtcpBytes). Returns the byte count.
size_t WriteCompoundReport(const ReportToSend& report, ReceptionStats* reception, uint8_t* out);

// Reads a compound packet from the peer. Returns the report about `our_ssrc` when one is there;
// sets `*sender_ntp_middle` when it holds a sender report. Malformed packets read as nothing.
std::optional<RemoteReport> ReadCompoundReport(const uint8_t* data, size_t size, uint32_t our_ssrc,
                                               std::optional<uint32_t>* sender_ntp_middle);

// Wall time as NTP 32.32 (seconds since 1900).
uint64_t NtpFromUnixMicros(int64_t unix_micros);

}  // namespace hotline::voice
