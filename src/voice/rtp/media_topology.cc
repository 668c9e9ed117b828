// The media thread's control operations: legs coming and going, who hears whom (bridges and
// supervisor monitoring), recordings. They run rarely (per call, not per packet), so they favour
// simplicity: every change re-derives the routes of all legs (Rewire).
#include <boost/asio/ip/address.hpp>

#include <algorithm>

#include "base/log.h"
#include "voice/rtp/media_worker.h"

namespace hotline::voice {
namespace {

using Leg = MediaEngine::Leg;

void Erase(std::vector<Leg*>& legs, const Leg* leg) {
  legs.erase(std::remove(legs.begin(), legs.end(), leg), legs.end());
}

void AddOnce(std::vector<Leg*>& legs, Leg* leg) {
  if (std::find(legs.begin(), legs.end(), leg) == legs.end()) legs.push_back(leg);
}

}  // namespace

MediaEngine::Leg* MediaEngine::Worker::Find(LegId id) {
  auto it = legs_.find(id);
  return it == legs_.end() ? nullptr : it->second.get();
}

void MediaEngine::Worker::Add(std::shared_ptr<Leg> leg) {
  order_.push_back(leg.get());
  legs_.emplace(leg->id, leg);
  Receive(leg, false);
  Receive(std::move(leg), true);
}

void MediaEngine::Worker::Close(Leg& leg) {
  for (size_t i = recordings_.size(); i-- > 0;) {
    if (recordings_[i].caller == &leg || recordings_[i].agent == &leg) FinishRecording(i);
  }
  for (Leg* other : order_) Erase(other->sources, &leg);
  leg.sources.clear();
  leg.audio.reset();
  leg.done = nullptr;
  leg.closed = true;
  boost::system::error_code error;
  leg.rtp.close(error);
  leg.rtcp.close(error);
  Erase(order_, &leg);
  auto owner = legs_.extract(leg.id);  // `leg` lives on in pending handlers until they return
  Rewire();
}

void MediaEngine::Worker::SetRemote(Leg& leg, const boost::asio::ip::udp::endpoint& remote,
                                    Codec codec, int telephone_event_pt) {
  leg.remote = remote;
  leg.remote_rtcp = boost::asio::ip::udp::endpoint(remote.address(), remote.port() + 1);
  leg.codec = codec;
  leg.telephone_event_pt = telephone_event_pt;
  leg.has_remote = true;
  SetDigitHandler(leg, std::move(leg.on_digit));  // in-band detection follows the payload type
}

void MediaEngine::Worker::SetDigitHandler(Leg& leg, std::function<void(char)> digit) {
  leg.on_digit = std::move(digit);
  bool inband = leg.on_digit && leg.telephone_event_pt < 0;
  if (!inband) {
    leg.inband.reset();
  } else if (!leg.inband) {
    leg.inband = std::make_unique<InbandDtmfDetector>([&leg](char d) {
      if (leg.on_digit) leg.on_digit(d);
    });
  }
}

void MediaEngine::Worker::Play(Leg& leg, std::shared_ptr<const Audio> audio, bool loop,
                               std::function<void()> done) {
  leg.audio = std::move(audio);
  leg.audio_position = 0;
  leg.loop = loop;
  leg.done = std::move(done);
}

void MediaEngine::Worker::StopAudio(Leg& leg) {
  leg.audio.reset();
  leg.done = nullptr;
}

void MediaEngine::Worker::Bridge(Leg& a, Leg& b) {
  StopAudio(a);
  StopAudio(b);
  Erase(a.sources, &b);
  Erase(b.sources, &a);
  a.sources.insert(a.sources.begin(), &b);
  b.sources.insert(b.sources.begin(), &a);
  Rewire();
}

void MediaEngine::Worker::Unbridge(Leg& a, Leg& b) {
  Erase(a.sources, &b);
  Erase(b.sources, &a);
  for (Leg* supervisor : order_) {  // monitoring this call ends with it
    auto& heard = supervisor->sources;
    if (std::find(heard.begin(), heard.end(), &a) == heard.end() ||
        std::find(heard.begin(), heard.end(), &b) == heard.end()) {
      continue;
    }
    heard.clear();
    Erase(a.sources, supervisor);
    Erase(b.sources, supervisor);
  }
  Rewire();
}

void MediaEngine::Worker::Monitor(Leg& supervisor, Leg& caller, Leg& agent, MonitorMode mode) {
  for (Leg* leg : order_) Erase(leg->sources, &supervisor);  // a new mode replaces the old one
  StopAudio(supervisor);
  supervisor.sources = {&caller, &agent};
  if (mode != MonitorMode::kListen) AddOnce(agent.sources, &supervisor);
  if (mode == MonitorMode::kBarge) AddOnce(caller.sources, &supervisor);
  Rewire();
}

void MediaEngine::Worker::StartRecording(Leg& caller, Leg& agent, std::filesystem::path wav,
                                         std::function<void(std::filesystem::path, double)> done) {
  StopRecording(caller);
  auto file = CallRecording::Open(wav);
  if (!file.ok()) {
    Log(LogLevel::kWarn, "media", "recording not started: {}", file.error().message);
    if (done) done(std::move(wav), 0.0);
    return;
  }
  recordings_.push_back(
      Recording{&caller, &agent, std::move(file).value(), std::move(wav), std::move(done)});
  Rewire();
}

void MediaEngine::Worker::StopRecording(Leg& caller) {
  for (size_t i = recordings_.size(); i-- > 0;) {
    if (recordings_[i].caller == &caller) FinishRecording(i);
  }
  Rewire();
}

void MediaEngine::Worker::FinishRecording(size_t index) {
  Recording recording = std::move(recordings_[index]);
  recordings_.erase(recordings_.begin() + static_cast<std::ptrdiff_t>(index));
  double seconds = recording.file->Close();
  if (recording.done) recording.done(std::move(recording.path), seconds);
}

void MediaEngine::Worker::Rewire() {
  mixing_.clear();
  capturing_.clear();
  for (Leg* leg : order_) {
    leg->direct_listeners.clear();
    leg->wanted = false;
  }
  for (Leg* leg : order_) {
    if (leg->sources.size() == 1) {
      leg->sources.front()->direct_listeners.push_back(leg);
    } else if (leg->sources.size() > 1) {
      mixing_.push_back(leg);
      for (Leg* source : leg->sources) source->wanted = true;
    }
  }
  for (Recording& recording : recordings_)
    recording.caller->wanted = recording.agent->wanted = true;
  for (Leg* leg : order_) {
    if (leg->wanted && !leg->captured) leg->capture.Reserve();
    if (!leg->wanted && leg->captured) leg->capture.Release();
    leg->captured = leg->wanted;
    if (leg->captured) capturing_.push_back(leg);
  }
}

}  // namespace hotline::voice
