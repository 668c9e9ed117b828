// Internal to the media engine: the state of one leg. The counters are atomics read by Stats on
// any thread; everything else belongs to the media thread.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "voice/media/audio.h"
#include "voice/media/dtmf_detector.h"
#include "voice/rtp/media_engine.h"
#include "voice/rtp/rtcp.h"
#include "voice/rtp/rtp_packet.h"
#include "voice/rtp/telephone_event.h"

namespace hotline::voice {

// Linear samples received on a leg, waiting for the tick (mixing, recording). Fixed capacity:
// when a peer sends faster than the tick takes, the oldest samples are overwritten, which bounds
// the delay to kCapacity samples.
class SampleFifo {
 public:
  static constexpr size_t kCapacity = 2048;  // 256 ms; a power of two
  static constexpr size_t kMask = kCapacity - 1;

  void Reserve() { ring_.assign(kCapacity, 0); }
  void Release() {
    ring_.clear();
    ring_.shrink_to_fit();
    size_ = head_ = 0;
  }
  void Push(const int16_t* samples, size_t count);
  // Takes `count` samples into `out`, silence for what is missing.
  void Pop(int16_t* out, size_t count);

 private:
  std::vector<int16_t> ring_;
  size_t head_ = 0;  // oldest sample
  size_t size_ = 0;
};

struct MediaEngine::Leg {
  using udp = boost::asio::ip::udp;

  Leg(LegId id, uint16_t port, udp::socket rtp, udp::socket rtcp, uint32_t ssrc, uint16_t seq,
      uint32_t timestamp)
      : id(id),
        port(port),
        rtp(std::move(rtp)),
        rtcp(std::move(rtcp)),
        ssrc(ssrc),
        sequence(seq),
        timestamp(timestamp) {}

  const LegId id;
  const uint16_t port;
  udp::socket rtp, rtcp;

  // Read by Stats on any thread.
  std::atomic<uint64_t> packets_in{0}, packets_out{0}, lost{0}, reports_in{0}, remote_lost{0},
      dropped{0};
  std::atomic<double> jitter_ms{0}, remote_jitter_ms{0};

  // ---- media thread only ----
  bool closed = false;
  bool has_remote = false;
  udp::endpoint remote, remote_rtcp;
  Codec codec = Codec::kPcmu;
  int telephone_event_pt = -1;

  std::array<uint8_t, kMaxRtpPacketBytes + 1> rtp_in;  // one byte more shows an oversized one
  udp::endpoint rtp_from;
  std::array<uint8_t, kMaxRtcpBytes + 1> rtcp_in;
  udp::endpoint rtcp_from;

  ReceptionStats reception;
  TelephoneEventReceiver events;
  std::function<void(char)> on_digit;
  std::unique_ptr<InbandDtmfDetector> inband;

  // Our outgoing stream: one SSRC, sequence and timeline whatever its source (RFC 3550 5.1).
  const uint32_t ssrc;
  uint16_t sequence;
  uint32_t timestamp;  // of the last packet sent
  bool marker = true;  // set on the first packet after a change of source
  uint32_t rtp_packets_sent = 0, octets_sent = 0;
  bool sent_since_report = false;
  const Leg* relay_source = nullptr;  // the leg whose packets we last relayed here
  uint32_t relay_ssrc = 0, relay_timestamp = 0;

  // Playback.
  std::shared_ptr<const Audio> audio;
  size_t audio_position = 0;
  bool loop = false;
  std::function<void()> done;

  // Who this leg hears: one source is relayed packet by packet, several are mixed by the tick.
  std::vector<Leg*> sources;
  std::vector<Leg*> direct_listeners;  // derived from every leg's sources
  bool captured = false;               // feeds a mix or a recording: decoded into `capture`
  bool wanted = false;                 // scratch for rewiring
  SampleFifo capture;
  std::array<int16_t, kSamplesPerFrame> frame{};  // this tick's captured frame

  // RTCP: the peer's last sender report (section 6.4.1, LSR and DLSR).
  uint32_t last_sr = 0;
  int64_t last_sr_arrival_us = 0;
};

}  // namespace hotline::voice
