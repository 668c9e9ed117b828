// The media thread's 20 ms tick: one timer for every leg. Each tick takes one frame from every
// captured leg, appends it to recordings, sends mixes and prompt frames, and spreads RTCP reports
// over the legs (each leg every report_ticks_ ticks).
#include <fmt/format.h>
#include <boost/asio/buffer.hpp>

#include <algorithm>

#include "base/log.h"
#include "voice/rtp/media_worker.h"

namespace hotline::voice {

namespace asio = boost::asio;

MediaEngine::Worker::Worker(uint64_t report_ticks)
    : guard_(io_.get_executor()),
      tick_timer_(io_),
      report_ticks_(std::max<uint64_t>(1, report_ticks)) {}

void MediaEngine::Worker::Run() {
  next_tick_ = std::chrono::steady_clock::now() + kTick;
  ScheduleTick();
  io_.run();
}

void MediaEngine::Worker::ScheduleTick() {
  tick_timer_.expires_at(next_tick_);
  tick_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopping_) return;  // shutting down (a completed wait may still be queued)
    Tick();
    // Absolute deadlines keep the average at exactly 20 ms; after a long stall, start afresh
    // rather than send a burst.
    next_tick_ += kTick;
    auto now = std::chrono::steady_clock::now();
    if (now > next_tick_ + 5 * kTick) next_tick_ = now + kTick;
    ScheduleTick();
  });
}

void MediaEngine::Worker::Tick() {
  ++ticks_;
  for (Leg* leg : capturing_) leg->capture.Pop(leg->frame.data(), kSamplesPerFrame);
  for (Recording& recording : recordings_) {
    recording.file->Append(recording.caller->frame.data(), recording.agent->frame.data(),
                           kSamplesPerFrame);
  }
  for (Leg* leg : mixing_) MixFrame(*leg);
  for (size_t i = 0; i < order_.size(); ++i) {
    Leg& leg = *order_[i];
    if (leg.audio) PlayFrame(leg);
    if ((ticks_ + i) % report_ticks_ == 0) SendReport(leg);
  }
}

void MediaEngine::Worker::PlayFrame(Leg& leg) {
  const std::vector<int16_t>& samples = leg.audio->samples;
  size_t filled = 0;
  bool finished = false;
  while (filled < kSamplesPerFrame) {
    if (leg.audio_position >= samples.size()) {
      if (!leg.loop || samples.empty()) {
        finished = true;
        break;
      }
      leg.audio_position = 0;  // looping: the next frame continues from the start, seamless
    }
    size_t n = std::min(kSamplesPerFrame - filled, samples.size() - leg.audio_position);
    std::copy_n(samples.data() + leg.audio_position, n, frame_.data() + filled);
    filled += n;
    leg.audio_position += n;
  }
  if (!finished && !leg.loop && leg.audio_position >= samples.size()) finished = true;
  std::fill(frame_.begin() + filled, frame_.end(), 0);
  if (filled > 0 && leg.has_remote) SendFrame(leg, frame_.data());
  if (finished) {
    auto done = std::move(leg.done);
    leg.done = nullptr;
    leg.audio.reset();
    if (done) done();
  }
}

void MediaEngine::Worker::MixFrame(Leg& leg) {
  if (!leg.has_remote || leg.audio) return;
  for (size_t i = 0; i < kSamplesPerFrame; ++i) {
    int32_t sum = 0;
    for (const Leg* source : leg.sources) sum += source->frame[i];
    frame_[i] = static_cast<int16_t>(std::clamp<int32_t>(sum, -32768, 32767));
  }
  SendFrame(leg, frame_.data());
}

void MediaEngine::Worker::SendReport(Leg& leg) {
  if (!leg.has_remote) return;
  ReportToSend report;
  report.ssrc = leg.ssrc;
  report.sender = leg.sent_since_report;
  report.ntp = NtpFromUnixMicros(ToMicros(clock_.Now()));
  report.rtp_timestamp = leg.timestamp;
  report.packets_sent = leg.rtp_packets_sent;
  report.octets_sent = leg.octets_sent;
  if (leg.last_sr_arrival_us != 0) {
    report.last_sr = leg.last_sr;
    report.delay_since_last_sr =
        static_cast<uint32_t>((NowMicros() - leg.last_sr_arrival_us) * 65536 / 1'000'000);
  }
  std::string cname = fmt::format("hotline-{:08x}", leg.ssrc);  // once per 5 s, not per packet
  report.cname = cname;
  size_t bytes = WriteCompoundReport(report, &leg.reception, report_.data());
  leg.sent_since_report = false;
  boost::system::error_code error;
  leg.rtcp.send_to(asio::buffer(report_.data(), bytes), leg.remote_rtcp, 0, error);
}

void MediaEngine::Worker::Shutdown() {
  stopping_ = true;
  std::vector<Leg*> all = order_;
  for (Leg* leg : all) Close(*leg);
  tick_timer_.cancel();
  guard_.reset();
}

}  // namespace hotline::voice
