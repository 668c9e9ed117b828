// The agents' side of CallCenter: offers ring phones, answers accept offers, bridges, recordings.
#include "base/log.h"
#include "voice/calls/call_center_impl.h"
#include "voice/sip/registrar.h"

namespace hotline::voice {
namespace {

constexpr size_t kMaxEarlyNotices = 10'000;

// How a phone's refusal is told to the engine; nullopt when the engine decides by itself (no
// answer: the offer times out; 487: we canceled it).
std::optional<std::string> RejectionFor(int status) {
  if (status == 487) return std::nullopt;
  if (status == 603 || status == 403) return "declined";
  return "busy";  // 486, 600, unreachable phones (404, 408, 480, 5xx)
}

}  // namespace

void CallCenter::Impl::OnNotice(const EngineNotice& notice) {
  switch (notice.kind) {
    case EngineNotice::Kind::kOffered:
    case EngineNotice::Kind::kLeftQueue:
      if (!call_by_interaction.contains(notice.interaction)) {
        // Perhaps ours, its interaction.create not answered yet; otherwise not a call of ours.
        if (pending_creates > 0 && early_notices.size() < kMaxEarlyNotices) {
          early_notices[notice.interaction].push_back(notice);
        }
        return;
      }
      if (notice.kind == EngineNotice::Kind::kOffered) {
        RingAgent(notice);
      } else {
        LeaveQueue(notice);
      }
      return;
    case EngineNotice::Kind::kOfferOver:
      StopRing(notice.offer, /*hangup=*/true);
      if (auto it = early_notices.find(notice.interaction); it != early_notices.end()) {
        std::erase_if(it->second, [&](const EngineNotice& n) { return n.offer == notice.offer; });
      }
      return;
    case EngineNotice::Kind::kConnected:
      return;  // bridged when the phone's answer was accepted
  }
}

void CallCenter::Impl::LeaveQueue(const EngineNotice& notice) {
  auto it = call_by_interaction.find(notice.interaction);
  Call* call = FindCall(it->second);
  call_by_interaction.erase(it);
  if (call == nullptr) return;
  StopRingsOf(call->id);
  call->queued = false;
  call->interaction = 0;
  flow::QueueOutcome outcome = notice.reason == "timed_out"  ? flow::QueueOutcome::kTimedOut
                               : notice.reason == "rejected" ? flow::QueueOutcome::kRejected
                                                             : flow::QueueOutcome::kExited;
  call->run->QueueEnded(outcome, center->Now());
  Drive(*call);
}

void CallCenter::Impl::ReplayEarlyNotices(uint64_t interaction) {
  std::vector<EngineNotice> notices;
  if (auto it = early_notices.find(interaction); it != early_notices.end()) {
    notices = std::move(it->second);
    early_notices.erase(it);
  }
  if (pending_creates == 0) early_notices.clear();  // what is left was about others
  for (const auto& notice : notices) OnNotice(notice);
}

std::optional<std::string> CallCenter::Impl::ContactOf(const std::string& agent) const {
  if (auto it = options.agent_uris.find(agent); it != options.agent_uris.end()) {
    return it->second;
  }
  auto bindings = registrar->Contacts(agent, center->Now());
  if (bindings.empty()) return std::nullopt;
  return bindings.back().contact;
}

void CallCenter::Impl::RingAgent(const EngineNotice& notice) {
  Call* call = FindCall(call_by_interaction.at(notice.interaction));
  if (call == nullptr || rings.contains(notice.offer)) return;
  auto contact = ContactOf(notice.agent);
  if (!contact) {
    Log(LogLevel::kInfo, "voice", "agent {} has no phone registered: offer {} refused",
        notice.agent, notice.offer);
    center->RejectOffer(notice.offer, "busy");
    return;
  }
  auto leg = media->OpenLeg();
  if (!leg.ok()) {
    Log(LogLevel::kWarn, "voice", "no RTP port for agent {}: {}", notice.agent,
        leg.error().message);
    center->RejectOffer(notice.offer, "busy");
    return;
  }
  std::string sdp = sip::WriteSdpOffer(media->ip(), media->LocalPort(*leg), notice.offer);
  sip::CallId sip_call = sip->Invite(*contact, call->caller, {}, std::move(sdp));
  rings.emplace(notice.offer, Ring{notice.offer, call->id, notice.agent, sip_call, *leg});
  ring_by_sip.emplace(sip_call, notice.offer);
  counters.agent_rings += 1;
}

void CallCenter::Impl::StopRing(uint64_t offer, bool hangup) {
  auto it = rings.find(offer);
  if (it == rings.end()) return;
  if (hangup) sip->Hangup(it->second.sip);
  media->CloseLeg(it->second.leg);
  ring_by_sip.erase(it->second.sip);
  rings.erase(it);
}

void CallCenter::Impl::StopRingsOf(uint64_t call_id) {
  std::vector<uint64_t> offers;
  for (const auto& [offer, ring] : rings) {
    if (ring.call == call_id) offers.push_back(offer);
  }
  for (uint64_t offer : offers) StopRing(offer, /*hangup=*/true);
}

void CallCenter::Impl::OnAgentSipEvent(const sip::CallEvent& event) {
  using Kind = sip::CallEvent::Kind;
  if (auto it = connected_agent_sip.find(event.call); it != connected_agent_sip.end()) {
    if (event.kind == Kind::kEnded) {
      uint64_t call_id = it->second;
      connected_agent_sip.erase(it);
      if (Call* call = FindCall(call_id)) {
        call->agent_sip = 0;
        center->EndInteraction(call->interaction);
        Finish(*call, /*hangup_customer=*/true, "agent hung up");
      }
    }
    return;
  }
  auto it = ring_by_sip.find(event.call);
  if (it == ring_by_sip.end()) return;
  uint64_t offer = it->second;
  Ring& ring = rings.at(offer);
  switch (event.kind) {
    case Kind::kAnswered: {
      auto answer = sip::ParseSdp(event.sdp);
      std::optional<sip::Negotiated> codec;
      if (answer.ok() && answer->port != 0) codec = sip::Negotiate(*answer);
      if (!codec) {
        Log(LogLevel::kInfo, "voice", "agent {}'s phone answered without a usable SDP", ring.agent);
        center->RejectOffer(offer, "busy");
        StopRing(offer, /*hangup=*/true);
        return;
      }
      media->SetRemote(ring.leg, answer->ip, answer->port,
                       codec->alaw ? Codec::kPcma : Codec::kPcmu, codec->telephone_event_pt);
      ring.answered = true;
      center->AcceptOffer(offer, [this, offer](Status accepted) {
        auto r = rings.find(offer);
        if (r == rings.end()) return;
        Ring ring = r->second;
        Call* call = FindCall(ring.call);
        if (!accepted.ok() || call == nullptr) {
          StopRing(offer, /*hangup=*/true);  // answered too late: the offer went elsewhere
          return;
        }
        ring_by_sip.erase(ring.sip);
        rings.erase(r);
        Connect(*call, ring);
      });
      return;
    }
    case Kind::kFailed:
      if (!ring.answered) {
        if (auto reason = RejectionFor(event.status)) center->RejectOffer(offer, *reason);
      }
      StopRing(offer, /*hangup=*/false);
      return;
    case Kind::kEnded:
      if (!ring.answered) StopRing(offer, /*hangup=*/false);
      return;
    default:
      return;
  }
}

void CallCenter::Impl::Connect(Call& call, Ring ring) {
  StopAudio(call);
  call.connected = true;
  call.queued = false;
  call.agent = ring.agent;
  call.agent_sip = ring.sip;
  call.agent_leg = ring.leg;
  connected_agent_sip[ring.sip] = call.id;
  StopRingsOf(call.id);
  media->Bridge(call.customer_leg, call.agent_leg);
  StartRecording(call);
  counters.bridged += 1;
  call.run->QueueEnded(flow::QueueOutcome::kConnected, center->Now());
  Drive(call);
}

void CallCenter::Impl::StartRecording(Call& call) {
  std::filesystem::path file = options.recordings_dir / (std::to_string(call.interaction) + ".wav");
  uint64_t interaction = call.interaction;
  call.recording = true;
  counters.recordings += 1;
  media->StartRecording(
      call.customer_leg, call.agent_leg, file,
      [this, post = poster(), interaction](std::filesystem::path path, double seconds) {
        post([this, interaction, path = std::move(path), seconds] {
          center->RecordingSaved(interaction, path.filename().string(), seconds);
        });
      });
}

void CallCenter::Impl::StartVoicemail(Call& call, Duration max_duration) {
  StopAudio(call);
  std::filesystem::path file =
      options.recordings_dir / ("voicemail-" + std::to_string(call.id) + ".wav");
  call.voicemail = true;
  call.voicemail_until = center->Now() + max_duration;
  // One leg: the caller's voice on both channels.
  media->StartRecording(call.customer_leg, call.customer_leg, file, {});
}

void CallCenter::Impl::StopVoicemail(Call& call) {
  if (!call.voicemail) return;
  call.voicemail = false;
  call.voicemail_until = Instant::max();
  media->StopRecording(call.customer_leg);
}

}  // namespace hotline::voice
