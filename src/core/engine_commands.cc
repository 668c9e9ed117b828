// The engine's public face (engine.h): argument checks and the command entry points. The steps
// they are built from live in engine.cc (commands' internals and timers) and engine_routing.cc.
#include <algorithm>
#include <limits>
#include <tuple>

#include "core/engine.h"
#include "core/engine_impl.h"

namespace hotline::core {

using internal::AgentRec;
using internal::InteractionRec;
using internal::OfferRec;
using internal::TimerKind;

// ---- Engine: the public face ------------------------------------------------------------------

Engine::Engine(CenterDefinition center, uint64_t seed)
    : impl_(std::make_unique<Impl>(std::move(center), seed)) {}
Engine::~Engine() = default;

const CenterDefinition& Engine::center() const { return impl_->center; }
Output& Engine::output() { return impl_->out; }
void Engine::ClearOutput() { impl_->out.clear(); }

Instant Engine::NextDeadline() const {
  return impl_->timers.empty() ? Instant::max() : impl_->timers.front().at;
}

void Engine::AdvanceTo(Instant now) {
  auto& timers = impl_->timers;
  while (!timers.empty() && timers.front().at <= now) {
    std::pop_heap(timers.begin(), timers.end());
    internal::TimerEntry due = timers.back();
    timers.pop_back();
    impl_->FireTimer(due.timer, due.at);
  }
}

Status Engine::SetPresence(AgentId agent, Presence presence, std::string reason, Instant now) {
  if (!agent.valid() || agent.value() >= impl_->agents.size()) {
    return Error::NotFound("agent does not exist", "agent");
  }
  AgentRec& a = impl_->agents[agent.value()];
  if (presence == Presence::kLoggedOut && (a.assigned > 0 || a.wrapping > 0)) {
    return Error::FailedPrecondition("agent has interactions in progress; end them first",
                                     "presence");
  }
  impl_->SetPresenceInternal(agent.value(), presence, std::move(reason), now);
  return Status::Ok();
}

Status Engine::SetAgentSkill(AgentId agent, SkillId skill, int level, Instant now) {
  if (!agent.valid() || agent.value() >= impl_->agents.size()) {
    return Error::NotFound("agent does not exist", "agent");
  }
  if (!skill.valid() || skill.value() >= impl_->center.skills.size()) {
    return Error::NotFound("skill does not exist", "skill");
  }
  if (level < 0) return Error::InvalidArgument("skill level must be >= 0", "level");
  uint32_t a = agent.value();
  AgentRec& rec = impl_->agents[a];
  // The lanes the agent leaves change their counts too (they may become empty).
  std::vector<int32_t> touched;
  for (auto& slot : rec.slots) touched.push_back(slot.lane);
  // Indexed keys depend on skills (most_skilled): detach fully, then attach again.
  impl_->DetachAgent(a);
  std::erase_if(rec.skills, [&](auto& p) { return p.first == skill.value(); });
  auto& defined = impl_->center.agents[a].skills;  // center() is the definition in force
  defined.erase(skill);
  if (level > 0) {
    rec.skills.emplace_back(skill.value(), level);
    std::sort(rec.skills.begin(), rec.skills.end());
    defined[skill] = level;
  }
  impl_->AttachAgent(a);
  impl_->Refresh(a, now);
  Event& e = impl_->Emit(EventType::kAgentSkillChanged, now);
  e.agent = agent;
  e.skill = skill;
  e.level = level;
  for (auto& slot : rec.slots) touched.push_back(slot.lane);
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (int32_t l : touched) impl_->OnLaneCountsChanged(impl_->lanes[l], now);
  impl_->TryServeAgent(a, now);
  return Status::Ok();
}

Result<InteractionId> Engine::CreateInteraction(const InteractionSpec& spec, Instant now) {
  auto& im = *impl_;
  if (!spec.queue.valid() || spec.queue.value() >= im.center.queues.size()) {
    return Error::NotFound("queue does not exist", "queue");
  }
  if (spec.known_agent && spec.known_agent->value() >= im.agents.size()) {
    return Error::NotFound("known agent does not exist", "known_agent");
  }
  InteractionId id(im.next_interaction++);
  InteractionRec& ix = im.NewInteraction(id.value());
  ix.id = id;
  ix.channel = spec.channel;
  ix.entry_queue = spec.queue.value();
  ix.queue = spec.queue.value();
  ix.priority = spec.priority;
  ix.attributes = spec.attributes;
  ix.known_agent = spec.known_agent;
  ix.created_at = now;
  ix.age_since = now;
  Event& e = im.Emit(EventType::kInteractionCreated, now);
  e.interaction = id;
  e.channel = spec.channel;
  e.queue = spec.queue;
  e.priority = spec.priority;
  im.Enqueue(ix, spec.queue.value(), true, now);
  return id;
}

namespace {
Error OfferGone(OfferId id, uint64_t next) {
  if (id.valid() && id.value() < next) {
    return Error::FailedPrecondition(
        "offer is no longer pending (answered, timed out or withdrawn)", "offer");
  }
  return Error::NotFound("offer does not exist", "offer");
}
}  // namespace

Status Engine::AcceptOffer(OfferId offer, Instant now) {
  auto& im = *impl_;
  auto it = im.offers.find(offer.value());
  if (it == im.offers.end()) return OfferGone(offer, im.next_offer);
  OfferRec o = it->second;
  im.CancelOfferTimer(o);
  InteractionRec& ix = im.interactions.at(o.interaction.value());
  im.EraseOffer(o.id.value());
  ix.offers.erase(std::remove(ix.offers.begin(), ix.offers.end(), offer), ix.offers.end());
  AgentRec& a = im.agents[o.agent];
  --a.pending_offers;
  ++a.assigned;
  a.missed_in_row = 0;
  Event& acc = im.Emit(EventType::kOfferAccepted, now);
  acc.offer = offer;
  acc.interaction = ix.id;
  acc.agent = AgentId(o.agent);
  acc.queue = QueueId(ix.queue);
  std::vector<uint32_t> freed;
  while (!ix.offers.empty()) {
    OfferRec& other = im.offers.at(ix.offers.front().value());
    freed.push_back(other.agent);
    im.ReleaseOffer(other, OfferState::kRescinded, "accepted_elsewhere", now, false);
  }
  ix.state = InteractionState::kAssigned;
  im.RemoveWaiting(ix);
  --im.waiting_in_queue[ix.queue];
  ix.agent = AgentId(o.agent);
  ix.connected_at = now;
  Event& con = im.Emit(EventType::kInteractionConnected, now);
  con.interaction = ix.id;
  con.agent = ix.agent;
  con.queue = QueueId(ix.queue);
  con.channel = ix.channel;
  con.wait = now - ix.age_since;
  im.Effect_(EffectType::kConnect, ix, o.agent, offer);
  im.UpdateRoutingState(o.agent, now);
  im.Refresh(o.agent, now);
  im.ServeFreed(freed, now);
  im.TryServeAgent(o.agent, now);
  return Status::Ok();
}

Status Engine::RejectOffer(OfferId offer, RejectReason reason, Instant now) {
  auto& im = *impl_;
  auto it = im.offers.find(offer.value());
  if (it == im.offers.end()) return OfferGone(offer, im.next_offer);
  uint32_t agent = it->second.agent;
  InteractionId id = it->second.interaction;
  bool busy = reason == RejectReason::kBusy;
  im.ReleaseOffer(it->second, OfferState::kRejected, busy ? "busy" : "declined", now, true);
  im.Find(id)->excluded.push_back(agent);
  im.StartBackoff(agent, busy ? im.center.settings.backoff_busy : im.center.settings.backoff_reject,
                  now);
  im.UpdateRoutingState(agent, now);
  im.Refresh(agent, now);
  if (InteractionRec* ix = im.Find(id)) im.TryRoute(*ix, now);
  im.TryServeAgent(agent, now);
  return Status::Ok();
}

Status Engine::EndInteraction(InteractionId id, Instant now) {
  auto& im = *impl_;
  InteractionRec* ix = im.Find(id);
  if (ix == nullptr)
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  if (ix->state != InteractionState::kAssigned) {
    return Error::FailedPrecondition(std::string("interaction is ") +
                                         std::string(InteractionStateName(ix->state)) +
                                         ", not assigned",
                                     "interaction");
  }
  uint32_t agent = ix->agent.value();
  AgentRec& a = im.agents[agent];
  --a.assigned;
  ++a.wrapping;
  a.talk_time += now - ix->connected_at;
  ix->state = InteractionState::kWrapping;
  ++ix->generation;
  Event& e = im.Emit(EventType::kInteractionWrapupStarted, now);
  e.interaction = id;
  e.agent = ix->agent;
  e.queue = QueueId(ix->queue);
  WrapupPolicy policy = im.WrapupOf(*ix);
  if (policy.mode == WrapupMode::kNone) {
    im.Complete(*ix, now);
    return Status::Ok();
  }
  if (policy.duration.count() > 0) {
    im.AddTimer(now + policy.duration, {TimerKind::kWrapupEnd, id.value(), ix->generation, 0});
  }
  im.UpdateRoutingState(agent, now);
  im.Refresh(agent, now);
  return Status::Ok();
}

Status Engine::CompleteWrapup(InteractionId id, std::string disposition, Instant now) {
  auto& im = *impl_;
  InteractionRec* ix = im.Find(id);
  if (ix == nullptr)
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  if (ix->state != InteractionState::kWrapping) {
    return Error::FailedPrecondition(std::string("interaction is ") +
                                         std::string(InteractionStateName(ix->state)) +
                                         ", not wrapping",
                                     "interaction");
  }
  if (!im.center.dispositions.empty() && !im.center.HasDisposition(disposition)) {
    return Error::InvalidArgument("disposition '" + disposition + "' does not exist",
                                  "disposition");
  }
  ix->disposition = std::move(disposition);
  im.Complete(*ix, now);
  return Status::Ok();
}

Status Engine::CancelInteraction(InteractionId id, CancelReason reason, Instant now) {
  auto& im = *impl_;
  InteractionRec* ix = im.Find(id);
  if (ix == nullptr)
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  if (ix->state != InteractionState::kQueued && ix->state != InteractionState::kOffering) {
    return Error::FailedPrecondition(std::string("interaction is ") +
                                         std::string(InteractionStateName(ix->state)) +
                                         "; only a waiting interaction can be canceled",
                                     "interaction");
  }
  InteractionState state = reason == CancelReason::kAbandoned ? InteractionState::kAbandoned
                           : reason == CancelReason::kExited  ? InteractionState::kExited
                                                              : InteractionState::kCanceled;
  const char* why = reason == CancelReason::kAbandoned ? "caller"
                    : reason == CancelReason::kExited  ? "key"
                                                       : "withdrawn";
  im.EndWaiting(*ix, state, why, now);
  return Status::Ok();
}

Status Engine::TransferInteraction(InteractionId id, QueueId to, Instant now) {
  auto& im = *impl_;
  InteractionRec* ix = im.Find(id);
  if (ix == nullptr)
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  if (!to.valid() || to.value() >= im.center.queues.size()) {
    return Error::NotFound("queue does not exist", "queue");
  }
  if (ix->state != InteractionState::kAssigned) {
    return Error::FailedPrecondition("only an assigned interaction can be transferred",
                                     "interaction");
  }
  uint32_t agent = ix->agent.value();
  AgentRec& a = im.agents[agent];
  --a.assigned;
  ++a.handled;
  a.talk_time += now - ix->connected_at;
  // The agent's leg gets its after-call work, holding the slot: timed, or discretionary up to its
  // maximum (EndAgentWrapup ends it sooner); with wrap-up none the agent is free at once.
  WrapupPolicy policy = im.WrapupOf(*ix);
  if (policy.mode != WrapupMode::kNone) {
    ++a.wrapping;
    uint64_t leg = im.next_leg_wrapup++;
    a.leg_wrapups.emplace_back(leg, ix->channel);
    // Discretionary with no maximum: until EndAgentWrapup.
    if (policy.duration.count() > 0) {
      im.AddTimer(now + policy.duration, {TimerKind::kAgentWrapupEnd, agent, leg, 0});
    }
  } else {
    a.last_acd_end = now;
    im.AddLoad(agent, ix->channel, -1, now);
  }
  Event& e = im.Emit(EventType::kInteractionTransferred, now);
  e.interaction = id;
  e.agent = ix->agent;
  e.queue = to;
  ix->agent = AgentId();
  ix->state = InteractionState::kCreated;  // entering the new queue as a new arrival there
  ix->entry_queue = to.value();
  ix->age_since = now;
  im.Enqueue(*ix, to.value(), false, now, agent);
  im.UpdateRoutingState(agent, now);
  im.Refresh(agent, now);
  im.TryServeAgent(agent, now);
  return Status::Ok();
}

Status Engine::EndAgentWrapup(AgentId agent, Instant now) {
  if (!agent.valid() || agent.value() >= impl_->agents.size()) {
    return Error::NotFound("agent does not exist", "agent");
  }
  if (impl_->agents[agent.value()].leg_wrapups.empty()) {
    return Error::FailedPrecondition("agent has no after-call work of a transferred interaction",
                                     "agent");
  }
  impl_->EndLegWrapup(agent.value(), 0, now);
  return Status::Ok();
}

Status Engine::ChangePriority(InteractionId id, int priority, Instant now) {
  auto& im = *impl_;
  InteractionRec* ix = im.Find(id);
  if (ix == nullptr)
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  if (ix->state != InteractionState::kQueued && ix->state != InteractionState::kOffering) {
    return Error::FailedPrecondition("priority can change only while waiting", "priority");
  }
  if (priority == ix->priority) return Status::Ok();
  bool waiting = ix->in_waiting;
  im.RemoveWaiting(*ix);
  ix->priority = priority;
  Event& e = im.Emit(EventType::kInteractionPriorityChanged, now);
  e.interaction = id;
  e.queue = QueueId(ix->queue);
  e.priority = priority;
  if (waiting) im.InsertWaiting(*ix);
  return Status::Ok();
}

Status Engine::SetAttributes(InteractionId id, std::map<std::string, Value> attributes,
                             Instant now) {
  auto& im = *impl_;
  InteractionRec* ix = im.Find(id);
  if (ix == nullptr)
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  if (ix->state != InteractionState::kQueued && ix->state != InteractionState::kOffering) {
    return Error::FailedPrecondition("attributes can change only while waiting", "attributes");
  }
  ix->attributes = std::move(attributes);
  Event& e = im.Emit(EventType::kInteractionAttributesChanged, now);
  e.interaction = id;
  e.queue = QueueId(ix->queue);
  return Status::Ok();
}

Status Engine::BookCallback(InteractionId id, Instant now) {
  auto& im = *impl_;
  InteractionRec* ix = im.Find(id);
  if (ix == nullptr)
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  if (ix->state != InteractionState::kQueued && ix->state != InteractionState::kOffering) {
    return Error::FailedPrecondition("a callback can be booked only while waiting", "interaction");
  }
  if (ix->channel == Channel::kCallback) return Status::Ok();
  std::vector<uint32_t> freed;
  while (!ix->offers.empty()) {
    OfferRec& o = im.offers.at(ix->offers.front().value());
    freed.push_back(o.agent);
    im.ReleaseOffer(o, OfferState::kRescinded, "callback_booked", now, true);
  }
  im.RemoveWaiting(*ix);
  ix->channel = Channel::kCallback;
  ix->lane = im.LaneOf(im.lanes[ix->lane].pool, Channel::kCallback);
  ix->lane_since = now;
  Event& e = im.Emit(EventType::kInteractionCallbackBooked, now);
  e.interaction = id;
  e.queue = QueueId(ix->queue);
  e.channel = Channel::kCallback;
  im.InsertWaiting(*ix);
  im.ServeFreed(freed, now);
  if (InteractionRec* live = im.Find(id)) im.TryRoute(*live, now);
  return Status::Ok();
}

}  // namespace hotline::core
