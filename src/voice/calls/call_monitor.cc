// Supervisors' phones on live calls (listen, whisper, barge), and the RTP watch.
#include "base/log.h"
#include "voice/calls/call_center_impl.h"

namespace hotline::voice {
namespace {

constexpr Duration kSweepEvery = Seconds(5);

MediaEngine::MonitorMode MediaMode(MonitorMode mode) {
  switch (mode) {
    case MonitorMode::kListen:
      return MediaEngine::MonitorMode::kListen;
    case MonitorMode::kWhisper:
      return MediaEngine::MonitorMode::kWhisper;
    case MonitorMode::kBarge:
      return MediaEngine::MonitorMode::kBarge;
  }
  return MediaEngine::MonitorMode::kListen;
}

}  // namespace

Status CallCenter::Impl::Monitor(uint64_t interaction, const std::string& agent,
                                 const std::string& uri, MonitorMode mode) {
  auto it = call_by_interaction.find(interaction);
  Call* call = it == call_by_interaction.end() ? nullptr : FindCall(it->second);
  if (call == nullptr) {
    return Error::NotFound(
        "no call of this server carries interaction " + std::to_string(interaction), "id");
  }
  if (!call->connected) {
    return Error::FailedPrecondition("the call is not connected to an agent yet", "id");
  }
  std::string phone = uri;
  if (phone.empty()) {
    auto contact = ContactOf(agent);
    if (!contact) {
      return Error::FailedPrecondition("agent '" + agent + "' has no phone registered", "agent");
    }
    phone = *contact;
  }
  for (auto& [sip_call, monitor] : monitors) {
    if (monitor.call == call->id && monitor.uri == phone) {  // a new mode for the same phone
      monitor.mode = mode;
      if (monitor.answered) {
        media->Monitor(monitor.leg, call->customer_leg, call->agent_leg, MediaMode(mode));
      }
      return {};
    }
  }
  auto leg = media->OpenLeg();
  if (!leg.ok()) return leg.error();
  std::string sdp = sip::WriteSdpOffer(media->ip(), media->LocalPort(*leg), call->id);
  sip::CallId sip_call = sip->Invite(phone, call->caller, "Monitor", std::move(sdp));
  monitors.emplace(sip_call, MonitorLeg{call->id, sip_call, *leg, mode, phone, false});
  return {};
}

bool CallCenter::Impl::OnMonitorSipEvent(const sip::CallEvent& event) {
  auto it = monitors.find(event.call);
  if (it == monitors.end()) return false;
  MonitorLeg& monitor = it->second;
  Call* call = FindCall(monitor.call);
  using Kind = sip::CallEvent::Kind;
  if (event.kind == Kind::kAnswered && call != nullptr && call->connected) {
    auto answer = sip::ParseSdp(event.sdp);
    std::optional<sip::Negotiated> codec;
    if (answer.ok() && answer->port != 0) codec = sip::Negotiate(*answer);
    if (codec) {
      media->SetRemote(monitor.leg, answer->ip, answer->port,
                       codec->alaw ? Codec::kPcma : Codec::kPcmu, codec->telephone_event_pt);
      media->Monitor(monitor.leg, call->customer_leg, call->agent_leg, MediaMode(monitor.mode));
      monitor.answered = true;
      counters.monitors += 1;
      return true;
    }
    sip->Hangup(monitor.sip);
  } else if (event.kind == Kind::kAnswered) {
    sip->Hangup(monitor.sip);  // the call ended while the supervisor's phone rang
  }
  if (event.kind == Kind::kFailed || event.kind == Kind::kEnded) {
    media->CloseLeg(monitor.leg);
    monitors.erase(it);
  }
  return true;
}

void CallCenter::Impl::EndMonitorsOf(uint64_t call_id) {
  for (auto& [sip_call, monitor] : monitors) {
    if (monitor.call == call_id) sip->Hangup(sip_call);  // kEnded closes the leg
  }
}

void CallCenter::Impl::ArmSweep() {
  if (!sweep_timer) sweep_timer = std::make_unique<boost::asio::steady_timer>(loop);
  sweep_timer->expires_after(kSweepEvery);
  sweep_timer->async_wait([this, post = poster()](const boost::system::error_code& ec) {
    if (ec) return;
    post([this] {
      Sweep();
      ArmSweep();
    });
  });
}

void CallCenter::Impl::Sweep() {
  Instant now = center->Now();
  std::vector<uint64_t> silent;
  for (auto& [id, call] : calls) {
    uint64_t packets = media->Stats(call->customer_leg).packets_in;
    if (packets != call->rtp_packets) {
      call->rtp_packets = packets;
      call->rtp_quiet_since = now;
    } else if (now - call->rtp_quiet_since >= options.rtp_timeout) {
      silent.push_back(id);
    }
  }
  for (uint64_t id : silent) {
    Call* call = FindCall(id);
    if (call == nullptr) continue;
    Log(LogLevel::kInfo, "voice", "call {}: no RTP from the caller for {}, hung up", id,
        FormatDuration(options.rtp_timeout));
    counters.rtp_timeouts += 1;
    if (call->connected) {
      center->EndInteraction(call->interaction);
    } else if (call->interaction != 0) {
      center->CancelInteraction(call->interaction, "abandoned");
    }
    Finish(*call, /*hangup_customer=*/true, "no RTP");
  }
}

}  // namespace hotline::voice
