// The voice adapter: turns SIP calls into interactions and engine decisions into SIP and media.
//
// One CallCenter per server, on the server's loop thread (the shard's). For each incoming call it
// checks the dialed number (404 when no flow is attached), the SDP (488 when unreadable or without
// PCMU/PCMA) and the capacity (503 with Retry-After past max_calls), answers with our SDP and
// runs the number's flow (flow::FlowRun), carrying out its effects: prompts and music on the
// caller's media leg, queueing (interaction.create), announcements of position and wait,
// callbacks, voicemail, hang-up. The engine's offers ring the agent's registered phone (or its
// static SIP URI); the phone's 200 accepts the offer, a refusal rejects it, and no answer before
// the offer times out is the engine's RONA (the phone's INVITE is canceled). Once accepted, the
// two legs are bridged and recorded (recordings/<interaction>.wav, caller left, agent right).
// Either side hanging up ends the interaction and the other leg; a caller who hangs up while
// waiting abandons it.
//
// Threads: SIP events and media callbacks arrive on their own threads and are posted to the loop;
// everything else runs on the loop.
#pragma once

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "flow/flow.h"
#include "voice/calls/center_port.h"
#include "voice/sip/sip_stack.h"

namespace hotline::voice {

class MediaEngine;
class PromptLibrary;
namespace sip {
class Registrar;
}

struct CallCenterOptions {
  int max_calls = 500;  // calls in progress (IVR, queued, ringing or connected); then 503
  int retry_after_s = 5;
  std::filesystem::path recordings_dir = "recordings";
  std::map<std::string, std::string> agent_uris;  // agent id -> static SIP URI
  // A call whose caller sent no RTP for this long is hung up (a phone that vanished without BYE).
  Duration rtp_timeout = Seconds(60);
};

enum class MonitorMode : uint8_t { kListen, kWhisper, kBarge };

struct CallCenterCounters {
  uint64_t calls = 0;        // answered by the IVR
  uint64_t refused_404 = 0;  // no flow for the number
  uint64_t refused_488 = 0;  // unusable SDP
  uint64_t refused_503 = 0;  // over capacity
  uint64_t agent_rings = 0;  // INVITEs sent to agents
  uint64_t bridged = 0;
  uint64_t recordings = 0;
  uint64_t rtp_timeouts = 0;  // calls hung up for lack of RTP
  uint64_t monitors = 0;      // supervisor legs connected
  int in_progress = 0;
};

class CallCenter {
 public:
  // Everything must outlive the call center. `sip` is set after construction (the stack needs
  // the call center's listener first): SetSip.
  CallCenter(boost::asio::io_context& loop, CallCenterOptions options,
             std::shared_ptr<const flow::FlowBook> flows, CenterPort* center, MediaEngine* media,
             PromptLibrary* prompts, const sip::Registrar* registrar);
  ~CallCenter();

  void SetSip(sip::SipStack* sip);
  // For SipStack's listener: posts the event to the loop.
  void PostSipEvent(sip::CallEvent event);
  // The engine's decisions about interactions (from the shard's durable events), loop thread.
  void OnNotice(const EngineNotice& notice);
  // Hangs up every call (server shutdown). Loop thread.
  void HangupAll();

  // A supervisor joins the live call of `interaction`: their phone (`uri`, or the registered
  // phone of agent `agent` when uri is empty) rings, and once answered hears the call (listen),
  // may speak to the agent only (whisper) or to both (barge). Asking again for a call already
  // monitored from the same phone changes the mode. Errors: NotFound when no call of this server
  // carries the interaction, FailedPrecondition when it is not connected or the phone is
  // unknown. Loop thread.
  Status Monitor(uint64_t interaction, const std::string& agent, const std::string& uri,
                 MonitorMode mode);

  CallCenterCounters counters() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::voice
