// MediaEngine: every RTP leg of this server on one media thread running an Asio io_context.
// A leg is one UDP port pair (RTP even, RTCP odd) facing one peer (a caller, an agent's phone, a
// supervisor). The engine plays prompts and music to legs, relays between bridged legs
// (transcoding PCMU <-> PCMA), detects DTMF, records calls and mixes supervisor monitoring.
//
// Scale: no thread, timer or allocation per packet. Received packets are relayed at once from the
// receive handler; everything paced (playback, mixing, recording, RTCP) is served by one 20 ms
// tick for all legs. Recordings are written a second at a time.
//
// Symmetric RTP is not latched: a leg accepts RTP only from the address set by SetRemote and
// ignores everything else (and everything before SetRemote). RTCP is accepted from the remote's
// IP address on any port.
//
// Thread-safety: every method may be called from any thread; work is posted to the media thread,
// in call order. Callbacks (done, digit) run on the media thread and must not block; they may call
// the engine. Methods on an unknown or closed leg do nothing. The destructor must not run on the
// media thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "voice/media/audio.h"

namespace hotline::voice {

class MediaEngine {
 public:
  struct Options {
    std::string ip = "127.0.0.1";
    uint16_t port_min = 20000;
    uint16_t port_max = 30000;
    uint32_t report_interval_ms = 5000;  // RTCP sender/receiver reports per leg (RFC 3550 6.2)
  };
  using LegId = uint64_t;

  explicit MediaEngine(Options options);  // starts its own thread running an io_context
  ~MediaEngine();                         // stops it, closes every leg, finishes recordings
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  // Binds an even RTP port (and RTCP on port+1) in the range. ResourceExhausted when every port
  // pair of the range is taken; Unavailable for an unusable ip.
  [[nodiscard]] Result<LegId> OpenLeg();
  uint16_t LocalPort(LegId leg) const;  // 0 for an unknown leg
  const std::string& ip() const { return options_.ip; }

  // Where the peer's RTP goes and what it speaks (from its SDP). telephone_event_pt -1: none,
  // then DTMF is detected in-band with spandsp. Sending starts only once a remote is set. An
  // unparsable ip leaves the leg without a remote.
  void SetRemote(LegId leg, std::string ip, uint16_t port, Codec codec, int telephone_event_pt);
  // Plays `audio` at 20 ms pacing (160 samples per packet), from the start; replaces what was
  // playing, and takes precedence over relayed or mixed audio to this leg while it plays. `done`
  // (may be empty) runs on the media thread when it finished (not when stopped or replaced).
  void Play(LegId leg, std::shared_ptr<const Audio> audio, bool loop, std::function<void()> done);
  void StopAudio(LegId leg);
  // DTMF digits received on the leg ('0'-'9','*','#','A'-'D'), each once: RFC 4733 events or
  // in-band via spandsp when the remote has no telephone-event payload type.
  void OnDigit(LegId leg, std::function<void(char)> digit);
  // Relays RTP both ways between two legs (transcoding when codecs differ), rewriting SSRC/seq/
  // timestamps so each peer sees one continuous stream; stops any playback on them.
  void Bridge(LegId a, LegId b);
  void Unbridge(LegId a, LegId b);
  // Records the two legs into one WAV (8 kHz, 16-bit PCM, left = caller, right = agent),
  // time-aligned by the tick (silence where a side sent nothing). Stops at StopRecording or when
  // either leg closes; `done(path, seconds)` runs on the media thread when the file is closed
  // (seconds 0 when the file could not be created).
  void StartRecording(LegId caller, LegId agent, std::filesystem::path wav,
                      std::function<void(std::filesystem::path, double)> done);
  void StopRecording(LegId caller);
  enum class MonitorMode : uint8_t { kListen, kWhisper, kBarge };
  // A supervisor's leg joins a bridged call: listen = hears both, whisper = hears both and only
  // the agent hears the supervisor, barge = all three hear each other (mixing in linear PCM).
  // Calling it again changes the mode; CloseLeg(supervisor) or Unbridge ends it.
  void Monitor(LegId supervisor, LegId caller, LegId agent, MonitorMode mode);
  void CloseLeg(LegId leg);

  struct LegStats {
    uint64_t packets_in = 0, packets_out = 0, lost = 0;  // lost: of the stream we receive
    double jitter_ms = 0;                                // of the stream we receive (RFC 3550)
    uint64_t reports_in = 0;                             // RTCP reports read from the peer
    uint64_t remote_lost = 0;     // of our stream, as the peer's last report says
    double remote_jitter_ms = 0;  // of our stream, as the peer's last report says
    uint64_t dropped = 0;         // malformed, oversized or from a stranger
  };
  LegStats Stats(LegId leg) const;  // zeros for an unknown leg

  struct Leg;  // media_engine_leg.h

 private:
  class Worker;  // the media thread's state

  Options options_;
  std::atomic<uint32_t> next_port_;
  std::atomic<LegId> next_leg_{1};
  mutable std::mutex legs_mutex_;  // guards legs_ (read by Stats/LocalPort on any thread)
  std::unordered_map<LegId, std::shared_ptr<Leg>> legs_;
  std::unique_ptr<Worker> worker_;
  std::thread thread_;
};

}  // namespace hotline::voice
