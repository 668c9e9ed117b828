// CallCenter's state (internal to voice/calls): the calls in progress and the rings to agents.
// call_center.cc handles the caller's side (SIP, flow, media), call_agents.cc the agents' side
// (offers, rings, bridging, recording).
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "flow/run.h"
#include "voice/calls/call_center.h"
#include "voice/calls/prompt_worker.h"
#include "voice/media/audio.h"
#include "voice/rtp/media_engine.h"
#include "voice/sip/sdp.h"

namespace hotline::voice {

using LegId = MediaEngine::LegId;

// One audio item of a node's prompts: spoken text (synthesized off the loop) or music.
struct AudioItem {
  std::shared_ptr<const Audio> audio;  // set once ready
  bool loop = false;
  bool failed = false;
};

struct Call {
  uint64_t id = 0;
  sip::CallId customer_sip = 0;
  bool customer_sip_open = true;  // until the caller's dialog ended
  LegId customer_leg = 0;
  std::string caller;
  std::string dialed;
  std::unique_ptr<flow::FlowRun> run;
  std::unique_ptr<boost::asio::steady_timer> timer;
  std::deque<std::shared_ptr<AudioItem>> audio;  // to play, in order; front plays
  bool playing = false;
  uint64_t audio_epoch = 0;  // bumped by StopAudio: late completions of older audio are ignored
  uint64_t interaction = 0;  // once queued
  bool queued = false;
  bool connected = false;
  bool recording = false;
  bool voicemail = false;
  Instant voicemail_until = Instant::max();
  std::string agent;
  sip::CallId agent_sip = 0;
  LegId agent_leg = 0;
  // A flow's transfer: the far end's leg, bridged to the caller once it answers.
  sip::CallId transfer_sip = 0;
  LegId transfer_leg = 0;
  // RTP watch: the caller's packet count at the last sweep, and since when it has not moved.
  uint64_t rtp_packets = 0;
  Instant rtp_quiet_since{};
};

// A supervisor's phone listening to (or whispering into, or barging into) a call.
struct MonitorLeg {
  uint64_t call = 0;
  sip::CallId sip = 0;
  LegId leg = 0;
  MonitorMode mode = MonitorMode::kListen;
  std::string uri;
  bool answered = false;
};

// An INVITE to an agent's phone for an offer.
struct Ring {
  uint64_t offer = 0;
  uint64_t call = 0;
  std::string agent;
  sip::CallId sip = 0;
  LegId leg = 0;
  bool answered = false;
};

struct CallCenter::Impl {
  boost::asio::io_context& loop;
  CallCenterOptions options;
  std::shared_ptr<const flow::FlowBook> flows;
  CenterPort* center;
  MediaEngine* media;
  PromptLibrary* prompts;
  const sip::Registrar* registrar;
  sip::SipStack* sip = nullptr;
  CallCenterCounters counters;
  uint64_t next_call = 1;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  PromptWorker speaker;
  // Notices about interactions whose interaction.create answer has not arrived yet (the event
  // stream and the command's answer race); replayed once the interaction is known.
  std::unordered_map<uint64_t, std::vector<EngineNotice>> early_notices;
  int pending_creates = 0;  // interaction.create commands not answered yet

  std::unordered_map<uint64_t, std::unique_ptr<Call>> calls;
  std::unordered_map<sip::CallId, uint64_t> call_by_sip;          // customer leg -> call
  std::unordered_map<uint64_t, uint64_t> call_by_interaction;     // interaction -> call
  std::unordered_map<uint64_t, Ring> rings;                       // offer -> ring
  std::unordered_map<sip::CallId, uint64_t> ring_by_sip;          // agent INVITE -> offer
  std::unordered_map<sip::CallId, uint64_t> connected_agent_sip;  // agent leg -> call
  std::unordered_map<sip::CallId, MonitorLeg> monitors;           // supervisor leg -> monitor
  std::unordered_map<sip::CallId, uint64_t> transfers;            // transfer leg -> call
  std::unique_ptr<boost::asio::steady_timer> sweep_timer;

  Impl(boost::asio::io_context& l, CallCenterOptions o, std::shared_ptr<const flow::FlowBook> f,
       CenterPort* c, MediaEngine* m, PromptLibrary* p, const sip::Registrar* r)
      : loop(l),
        options(std::move(o)),
        flows(std::move(f)),
        center(c),
        media(m),
        prompts(p),
        registrar(r),
        speaker(*p) {}

  // Runs functions on the loop if the call center still exists then. Callbacks from other
  // threads (SIP, media, speech) hold a Poster, never `this` directly.
  struct Poster {
    boost::asio::io_context* loop;
    std::weak_ptr<bool> alive;
    void operator()(std::function<void()> fn) const;
  };
  Poster poster() const { return Poster{&loop, alive}; }
  void Post(std::function<void()> fn) const { poster()(std::move(fn)); }
  Call* FindCall(uint64_t id);

  // ---- caller side (call_center.cc) ----
  void OnSipEvent(const sip::CallEvent& event);
  void OnIncoming(const sip::CallEvent& event);
  void OnCustomerEnded(Call& call);
  void Drive(Call& call);  // carries out the run's effects, re-arms its timer
  void Apply(Call& call, const flow::Effect& effect);
  void QueueAudio(Call& call, std::shared_ptr<AudioItem> item);
  void PlayNext(Call& call);
  void StopAudio(Call& call);
  void ArmTimer(Call& call);
  void Finish(Call& call, bool hangup_customer, const std::string& reason = "hangup");
  void StartVoicemail(Call& call, Duration max_duration);
  void StopVoicemail(Call& call);

  // ---- supervisors and housekeeping (call_monitor.cc) ----
  Status Monitor(uint64_t interaction, const std::string& agent, const std::string& uri,
                 MonitorMode mode);
  bool OnMonitorSipEvent(const sip::CallEvent& event);  // false: not a monitor's leg
  void EndMonitorsOf(uint64_t call_id);
  void Transfer(Call& call, const std::string& target);
  bool OnTransferSipEvent(const sip::CallEvent& event);  // false: not a transfer's leg
  void ArmSweep();
  void Sweep();  // hangs up calls whose caller's RTP stopped

  // ---- agent side (call_agents.cc) ----
  void OnNotice(const EngineNotice& notice);
  void ReplayEarlyNotices(uint64_t interaction);
  void LeaveQueue(const EngineNotice& notice);  // the engine ended its wait (timeout, exit...)
  void StopRingsOf(uint64_t call_id);
  void OnAgentSipEvent(const sip::CallEvent& event);
  void RingAgent(const EngineNotice& notice);
  void StopRing(uint64_t offer, bool hangup);
  void Connect(Call& call, Ring ring);
  void OnAgentHungUp(uint64_t call_id);
  std::optional<std::string> ContactOf(const std::string& agent) const;
  void StartRecording(Call& call);
};

}  // namespace hotline::voice
