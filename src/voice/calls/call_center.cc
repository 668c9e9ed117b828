#include "voice/calls/call_center.h"

#include <boost/asio/post.hpp>

#include "base/log.h"
#include "voice/calls/call_center_impl.h"
#include "voice/calls/prompt_worker.h"
#include "voice/media/prompts.h"

namespace hotline::voice {
namespace asio = boost::asio;

void CallCenter::Impl::Poster::operator()(std::function<void()> fn) const {
  asio::post(*loop, [weak = alive, fn = std::move(fn)] {
    if (weak.lock()) fn();
  });
}

Call* CallCenter::Impl::FindCall(uint64_t id) {
  auto it = calls.find(id);
  return it == calls.end() ? nullptr : it->second.get();
}

void CallCenter::Impl::OnSipEvent(const sip::CallEvent& event) {
  if (event.kind == sip::CallEvent::Kind::kIncoming) {
    OnIncoming(event);
    return;
  }
  if (auto it = call_by_sip.find(event.call); it != call_by_sip.end()) {
    if (event.kind == sip::CallEvent::Kind::kEnded) {
      if (Call* call = FindCall(it->second)) OnCustomerEnded(*call);
    }
    return;
  }
  if (OnMonitorSipEvent(event) || OnTransferSipEvent(event)) return;
  OnAgentSipEvent(event);
}

void CallCenter::Impl::OnIncoming(const sip::CallEvent& event) {
  auto refuse = [&](int status, const char* reason, uint64_t CallCenterCounters::*counter,
                    int retry_after = 0) {
    counters.*counter += 1;
    sip->Respond(event.call, status, reason, {}, retry_after);
  };
  if (counters.in_progress >= options.max_calls) {
    refuse(503, "Service Unavailable", &CallCenterCounters::refused_503, options.retry_after_s);
    return;
  }
  const flow::Flow* flow = flows->FlowForNumber(event.dialed);
  if (flow == nullptr) {
    refuse(404, "Not Found", &CallCenterCounters::refused_404);
    return;
  }
  auto offer = sip::ParseSdp(event.sdp);
  std::optional<sip::Negotiated> codec;
  if (offer.ok() && offer->port != 0) codec = sip::Negotiate(*offer);
  if (!codec) {
    Log(LogLevel::kDebug, "voice", "call refused: {}",
        offer.ok() ? "no PCMU or PCMA offered" : offer.error().message);
    refuse(488, "Not Acceptable Here", &CallCenterCounters::refused_488);
    return;
  }
  auto leg = media->OpenLeg();
  if (!leg.ok()) {
    Log(LogLevel::kWarn, "voice", "no RTP port: {}", leg.error().message);
    refuse(503, "Service Unavailable", &CallCenterCounters::refused_503, options.retry_after_s);
    return;
  }
  media->SetRemote(*leg, offer->ip, offer->port, codec->alaw ? Codec::kPcma : Codec::kPcmu,
                   codec->telephone_event_pt);
  auto call = std::make_unique<Call>();
  call->id = next_call++;
  call->customer_sip = event.call;
  call->customer_leg = *leg;
  call->caller = event.from_user;
  call->dialed = event.dialed;
  call->timer = std::make_unique<asio::steady_timer>(loop);
  call->run = std::make_unique<flow::FlowRun>(flows, *flow, call->caller, call->dialed);
  sip->Respond(event.call, 200, "OK",
               sip::WriteSdpAnswer(media->ip(), media->LocalPort(*leg), *codec, call->id, &*offer));
  uint64_t id = call->id;
  media->OnDigit(*leg, [this, post = poster(), id](char digit) {
    post([this, id, digit] {
      if (Call* c = FindCall(id); c != nullptr && c->run) {
        c->run->Digit(digit, center->Now());
        Drive(*c);
      }
    });
  });
  counters.calls += 1;
  counters.in_progress += 1;
  call_by_sip.emplace(event.call, id);
  Call& ref = *call;
  ref.rtp_quiet_since = center->Now();
  calls.emplace(id, std::move(call));
  center->CallEvent("call.started", id,
                    {{"caller", ref.caller}, {"dialed", ref.dialed}, {"flow", flow->id}});
  ref.run->Start(center->Now());
  Drive(ref);
}

void CallCenter::Impl::Drive(Call& call) {
  const uint64_t id = call.id;
  for (int round = 0; round < 100 && !call.run->effects().empty(); ++round) {
    std::vector<flow::Effect> effects = std::move(call.run->effects());
    call.run->ClearEffects();
    for (const auto& step : call.run->steps()) {
      center->CallEvent("call.flow", id,
                        {{"node", step.node}, {"kind", step.kind}, {"detail", step.detail}});
    }
    call.run->ClearSteps();
    for (const auto& effect : effects) {
      Apply(call, effect);
      if (FindCall(id) == nullptr) return;  // hung up
    }
  }
  ArmTimer(call);
}

void CallCenter::Impl::Apply(Call& call, const flow::Effect& effect) {
  using flow::EffectType;
  switch (effect.type) {
    case EffectType::kSay: {
      auto item = std::make_shared<AudioItem>();
      QueueAudio(call, item);
      speaker.Speak(effect.text, effect.voice, [this, post = poster(), item, id = call.id](auto r) {
        post([this, item, id, r = std::move(r)] {
          if (r.ok()) {
            item->audio = *r;
          } else {
            item->failed = true;
            Log(LogLevel::kWarn, "voice", "prompt not synthesized: {}", r.error().message);
          }
          if (Call* c = FindCall(id)) PlayNext(*c);
        });
      });
      return;
    }
    case EffectType::kPlay: {
      auto item = std::make_shared<AudioItem>();
      item->loop = effect.loop;
      if (effect.sound == "music") {
        item->audio = prompts->Music();
      } else if (auto file = prompts->Load(effect.sound); file.ok()) {
        item->audio = *file;
      } else {
        item->failed = true;
      }
      QueueAudio(call, item);
      return;
    }
    case EffectType::kStopAudio:
      StopAudio(call);
      return;
    case EffectType::kEnqueue: {
      VoiceInteraction spec{effect.queue, effect.priority, effect.attributes, call.caller,
                            call.dialed};
      call.queued = true;
      pending_creates += 1;
      center->CreateInteraction(spec, [this, id = call.id](Result<uint64_t> created) {
        pending_creates -= 1;
        Call* c = FindCall(id);
        if (!created.ok()) {
          if (pending_creates == 0) early_notices.clear();
          Log(LogLevel::kWarn, "voice", "interaction not created: {}", created.error().message);
          if (c != nullptr) {
            c->queued = false;
            c->run->QueueEnded(flow::QueueOutcome::kRejected, center->Now());
            Drive(*c);
          }
          return;
        }
        if (c == nullptr || !c->queued) {  // the caller left meanwhile
          center->CancelInteraction(*created, c == nullptr ? "abandoned" : "exited");
          early_notices.erase(*created);
          if (pending_creates == 0) early_notices.clear();
          return;
        }
        c->interaction = *created;
        call_by_interaction[*created] = id;
        ReplayEarlyNotices(*created);
      });
      return;
    }
    case EffectType::kRequestQueueStatus: {
      QueueStanding standing;
      if (call.interaction != 0) {
        if (auto s = center->Standing(call.interaction)) standing = *s;
      }
      call.run->QueueStatus(standing.position, standing.estimated_wait, center->Now());
      return;
    }
    case EffectType::kBookCallback:
      if (call.interaction != 0) {
        center->BookCallback(call.interaction);
        call_by_interaction.erase(call.interaction);
      }
      call.queued = false;
      call.interaction = 0;
      return;
    case EffectType::kLeaveQueue:
      if (call.interaction != 0) {
        center->CancelInteraction(call.interaction, "exited");
        call_by_interaction.erase(call.interaction);
      }
      call.queued = false;
      call.interaction = 0;
      return;
    case EffectType::kRecordVoicemail:
      StartVoicemail(call, effect.max_duration);
      return;
    case EffectType::kTransfer:
      Transfer(call, effect.target);
      return;
    case EffectType::kHangup:
      Finish(call, true, effect.reason.empty() ? "flow" : "flow: " + effect.reason);
      return;
    case EffectType::kSetPriority:
      if (call.interaction != 0) center->SetPriority(call.interaction, effect.priority);
      return;
    case EffectType::kSetAttributes:
      return;  // carried by kEnqueue
  }
}

void CallCenter::Impl::QueueAudio(Call& call, std::shared_ptr<AudioItem> item) {
  call.audio.push_back(std::move(item));
  PlayNext(call);
}

void CallCenter::Impl::PlayNext(Call& call) {
  while (!call.playing && !call.audio.empty()) {
    auto item = call.audio.front();
    if (item->failed) {
      call.audio.pop_front();
      if (call.audio.empty()) {
        call.run->AudioDone(center->Now());
        Drive(call);
        return;
      }
      continue;
    }
    if (!item->audio) return;  // still being synthesized
    call.playing = true;
    uint64_t epoch = call.audio_epoch;
    std::function<void()> done;
    if (!item->loop) {
      done = [this, post = poster(), id = call.id, epoch] {
        post([this, id, epoch] {
          Call* c = FindCall(id);
          if (c == nullptr || c->audio_epoch != epoch) return;
          c->playing = false;
          if (!c->audio.empty()) c->audio.pop_front();
          if (c->audio.empty()) {
            c->run->AudioDone(center->Now());
            Drive(*c);
          } else {
            PlayNext(*c);
          }
        });
      };
    }
    media->Play(call.customer_leg, item->audio, item->loop, std::move(done));
  }
}

void CallCenter::Impl::StopAudio(Call& call) {
  call.audio.clear();
  call.audio_epoch += 1;
  if (call.playing) media->StopAudio(call.customer_leg);
  call.playing = false;
}

void CallCenter::Impl::ArmTimer(Call& call) {
  Instant deadline = call.run->NextDeadline();
  if (call.voicemail_until < deadline) deadline = call.voicemail_until;
  call.timer->cancel();
  if (deadline == Instant::max()) return;
  Duration delay = deadline - center->Now();
  if (delay < Duration(0)) delay = Duration(0);
  call.timer->expires_after(delay);
  call.timer->async_wait([this, id = call.id](const boost::system::error_code& ec) {
    if (ec) return;
    Call* c = FindCall(id);
    if (c == nullptr) return;
    Instant now = center->Now();
    if (c->voicemail_until <= now) {
      StopVoicemail(*c);
      c->run->VoicemailDone(now);
    }
    if (c->run->NextDeadline() <= now) c->run->Timer(now);
    Drive(*c);
  });
}

void CallCenter::Impl::OnCustomerEnded(Call& call) {
  call.customer_sip_open = false;
  if (call.connected) {
    center->EndInteraction(call.interaction);
  } else if (call.interaction != 0 && call.queued) {
    center->CancelInteraction(call.interaction, "abandoned");
  } else if (call.queued) {
    call.queued = false;  // CreateInteraction's answer will cancel it
  }
  Finish(call, false, call.connected ? "caller hung up" : "caller left");
}

void CallCenter::Impl::Finish(Call& call, bool hangup_customer, const std::string& reason) {
  center->CallEvent(
      "call.ended", call.id,
      {{"reason", reason},
       {"interaction", call.interaction != 0 ? std::to_string(call.interaction) : std::string()}});
  if (hangup_customer && call.customer_sip_open) sip->Hangup(call.customer_sip);
  EndMonitorsOf(call.id);
  if (call.transfer_sip != 0) {
    sip->Hangup(call.transfer_sip);
    transfers.erase(call.transfer_sip);
    media->CloseLeg(call.transfer_leg);
  }
  if (call.voicemail) StopVoicemail(call);
  StopRingsOf(call.id);
  if (call.agent_sip != 0) {
    sip->Hangup(call.agent_sip);
    connected_agent_sip.erase(call.agent_sip);
  }
  media->CloseLeg(call.customer_leg);
  if (call.agent_leg != 0) media->CloseLeg(call.agent_leg);
  call.timer->cancel();
  call_by_sip.erase(call.customer_sip);
  if (call.interaction != 0) call_by_interaction.erase(call.interaction);
  counters.in_progress -= 1;
  calls.erase(call.id);
}

// ---- CallCenter ----

CallCenter::CallCenter(boost::asio::io_context& loop, CallCenterOptions options,
                       std::shared_ptr<const flow::FlowBook> flows, CenterPort* center,
                       MediaEngine* media, PromptLibrary* prompts, const sip::Registrar* registrar)
    : impl_(std::make_unique<Impl>(loop, std::move(options), std::move(flows), center, media,
                                   prompts, registrar)) {
  // Call ids name calls in the event log: unique across restarts (microseconds at start).
  impl_->next_call = static_cast<uint64_t>(ToMicros(center->Now()));
  impl_->ArmSweep();
}

CallCenter::~CallCenter() = default;

void CallCenter::SetSip(sip::SipStack* sip) { impl_->sip = sip; }

void CallCenter::PostSipEvent(sip::CallEvent event) {
  Impl* self = impl_.get();
  self->Post([self, event = std::move(event)] { self->OnSipEvent(event); });
}

void CallCenter::OnNotice(const EngineNotice& notice) { impl_->OnNotice(notice); }

void CallCenter::HangupAll() {
  std::vector<uint64_t> ids;
  for (const auto& [id, call] : impl_->calls) ids.push_back(id);
  for (uint64_t id : ids) {
    if (Call* call = impl_->FindCall(id)) impl_->Finish(*call, true, "server stopping");
  }
}

CallCenterCounters CallCenter::counters() const { return impl_->counters; }

Status CallCenter::Monitor(uint64_t interaction, const std::string& agent, const std::string& uri,
                           MonitorMode mode) {
  return impl_->Monitor(interaction, agent, uri, mode);
}

}  // namespace hotline::voice
