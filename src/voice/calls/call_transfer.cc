// A flow's transfer node: Hotline calls the target and bridges the caller to it (a back-to-back
// call; no REFER, so it works with any phone or trunk). A target that is not a SIP URI is a
// number of this server ("sip:NUMBER@our address"), which runs that number's flow.
#include "base/log.h"
#include "voice/calls/call_center_impl.h"

namespace hotline::voice {

void CallCenter::Impl::Transfer(Call& call, const std::string& target) {
  StopAudio(call);
  std::string uri = target;
  if (uri.rfind("sip:", 0) != 0) {
    uri = "sip:" + target + "@" + media->ip() + ":" + std::to_string(sip->options().port);
  }
  auto leg = media->OpenLeg();
  if (!leg.ok()) {
    Log(LogLevel::kWarn, "voice", "call {}: no RTP port to transfer: {}", call.id,
        leg.error().message);
    Finish(call, true, "transfer failed");
    return;
  }
  std::string sdp = sip::WriteSdpOffer(media->ip(), media->LocalPort(*leg), call.id);
  call.transfer_leg = *leg;
  call.transfer_sip = sip->Invite(uri, call.caller, {}, std::move(sdp));
  transfers.emplace(call.transfer_sip, call.id);
}

bool CallCenter::Impl::OnTransferSipEvent(const sip::CallEvent& event) {
  auto it = transfers.find(event.call);
  if (it == transfers.end()) return false;
  Call* call = FindCall(it->second);
  if (call == nullptr) {
    transfers.erase(it);
    return true;
  }
  using Kind = sip::CallEvent::Kind;
  if (event.kind == Kind::kAnswered) {
    auto answer = sip::ParseSdp(event.sdp);
    std::optional<sip::Negotiated> codec;
    if (answer.ok() && answer->port != 0) codec = sip::Negotiate(*answer);
    if (codec) {
      media->SetRemote(call->transfer_leg, answer->ip, answer->port,
                       codec->alaw ? Codec::kPcma : Codec::kPcmu, codec->telephone_event_pt);
      media->Bridge(call->customer_leg, call->transfer_leg);
      return true;
    }
    Finish(*call, true, "transfer failed");  // hangs up the far end too
  } else if (event.kind == Kind::kFailed || event.kind == Kind::kEnded) {
    transfers.erase(it);
    call->transfer_sip = 0;
    media->CloseLeg(call->transfer_leg);
    Finish(*call, true, event.kind == Kind::kFailed ? "transfer failed" : "transfer ended");
  }
  return true;
}

}  // namespace hotline::voice
