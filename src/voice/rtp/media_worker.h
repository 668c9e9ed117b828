// Internal to the media engine: what lives on the media thread (the io_context, the tick, the
// legs as the thread sees them, recordings) and every operation that runs there.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "voice/media/call_recording.h"
#include "voice/rtp/media_leg.h"

namespace hotline::voice {

class MediaEngine::Worker {
 public:
  using Leg = MediaEngine::Leg;
  static constexpr auto kTick = std::chrono::milliseconds(20);
  // `report_ticks`: an RTCP report per leg every that many ticks.
  explicit Worker(uint64_t report_ticks);
  boost::asio::io_context& io() { return io_; }
  void Run();       // on the media thread, until Shutdown
  void Shutdown();  // on the media thread: closes every leg, finishes recordings
  Leg* Find(LegId id);

  void Add(std::shared_ptr<Leg> leg);
  void Close(Leg& leg);
  void SetRemote(Leg& leg, const boost::asio::ip::udp::endpoint& remote, Codec codec,
                 int telephone_event_pt);
  void Play(Leg& leg, std::shared_ptr<const Audio> audio, bool loop, std::function<void()> done);
  void StopAudio(Leg& leg);
  void SetDigitHandler(Leg& leg, std::function<void(char)> digit);
  void Bridge(Leg& a, Leg& b);
  void Unbridge(Leg& a, Leg& b);
  void Monitor(Leg& supervisor, Leg& caller, Leg& agent, MonitorMode mode);
  void StartRecording(Leg& caller, Leg& agent, std::filesystem::path wav,
                      std::function<void(std::filesystem::path, double)> done);
  void StopRecording(Leg& caller);

 private:
  struct Recording {
    Leg* caller;
    Leg* agent;
    std::unique_ptr<CallRecording> file;
    std::filesystem::path path;
    std::function<void(std::filesystem::path, double)> done;
  };

  // Keeps one receive pending on the leg's RTP or RTCP socket until the leg closes.
  void Receive(std::shared_ptr<Leg> leg, bool rtcp);
  void OnRtp(Leg& leg, size_t bytes);
  void OnRtcp(Leg& leg, size_t bytes);
  void RelayAudio(Leg& to, const Leg& from, const RtpPacketView& packet, Codec codec);
  void RelayEvent(Leg& to, const Leg& from, const RtpPacketView& packet);
  uint32_t RelayTimestamp(Leg& to, const Leg& from, const RtpHeader& header);
  // Sends out_[kRtpHeaderBytes, +payload_bytes) to `to` with its own header.
  void Send(Leg& to, uint8_t payload_type, uint32_t timestamp, bool marker, size_t payload_bytes);
  void SendFrame(Leg& to, const int16_t* samples);  // one paced 20 ms frame

  void ScheduleTick();
  void Tick();
  void PlayFrame(Leg& leg);
  void MixFrame(Leg& leg);
  void SendReport(Leg& leg);
  void FinishRecording(size_t index);
  void Rewire();  // derives direct_listeners, mixing_ and capturing_ from every leg's sources
  int64_t NowMicros() const { return ToMicros(clock_.MonotonicNow()); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  boost::asio::steady_timer tick_timer_;
  std::chrono::steady_clock::time_point next_tick_;
  const uint64_t report_ticks_;
  uint64_t ticks_ = 0;
  bool stopping_ = false;
  RealClock clock_;

  std::unordered_map<LegId, std::shared_ptr<Leg>> legs_;
  std::vector<Leg*> order_;      // every leg, for the tick
  std::vector<Leg*> mixing_;     // legs hearing more than one source
  std::vector<Leg*> capturing_;  // legs feeding a mix or a recording
  std::vector<Recording> recordings_;

  // Scratch buffers of the media thread: nothing is allocated per packet.
  std::array<uint8_t, kMaxRtpPacketBytes> out_{};
  std::array<int16_t, kMaxRtpPacketBytes> pcm_{};
  std::array<int16_t, kSamplesPerFrame> frame_{};
  std::array<uint8_t, kMaxRtcpBytes> report_{};
};

}  // namespace hotline::voice
