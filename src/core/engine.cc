// Commands and timers of the engine (engine.h). Matching lives in engine_routing.cc.
#include "core/engine.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "core/engine_impl.h"

namespace hotline::core {

using internal::AgentRec;
using internal::InteractionRec;
using internal::OfferRec;
using internal::Timer;
using internal::TimerKind;

Engine::Impl::Impl(CenterDefinition c, uint64_t seed, bool build_pools)
    : center(std::move(c)), random(seed) {
  HOTLINE_CHECK(ValidateCenter(center).ok(), "Engine built from an invalid center");
  agents.resize(center.agents.size());
  for (size_t i = 0; i < agents.size(); ++i) {
    for (auto [skill, level] : center.agents[i].skills)
      agents[i].skills.emplace_back(skill.value(), level);
  }
  waiting_in_queue.assign(center.queues.size(), 0);
  mean_handle_s.assign(center.queues.size(), 180.0);
  ComputeProfileDelays();
  if (build_pools) BuildPools();
}

void Engine::Impl::ComputeProfileDelays() {
  profile_delays.assign(center.queues.size(), {});
  for (const auto& profile : center.profiles) {
    for (const auto& pq : profile.queues) {
      auto& delays = profile_delays[pq.queue.value()];
      if (pq.delay.count() > 0 &&
          std::find(delays.begin(), delays.end(), pq.delay) == delays.end()) {
        delays.push_back(pq.delay);
      }
    }
  }
}

Event& Engine::Impl::Emit(EventType type, Instant now) {
  Event& e = out.events.emplace_back();
  e.type = type;
  e.at = now;
  return e;
}

void Engine::Impl::Effect_(EffectType type, const InteractionRec& ix, uint32_t agent, OfferId offer,
                           Instant deadline, std::string target) {
  Effect& e = out.effects.emplace_back();
  e.type = type;
  e.interaction = ix.id;
  if (agent != std::numeric_limits<uint32_t>::max()) e.agent = AgentId(agent);
  e.offer = offer;
  e.deadline = deadline;
  e.target = std::move(target);
}

uint64_t Engine::Impl::AddTimer(Instant at, Timer t) {
  timers.push_back({at, ++timer_seq, t});
  std::push_heap(timers.begin(), timers.end());
  return timer_seq;
}

void Engine::Impl::CancelOfferTimer(const OfferRec& /*offer*/) {
  // Nothing to do: the timeout finds the offer gone and does nothing (see `timers`).
}

InteractionRec* Engine::Impl::Find(InteractionId id) {
  auto it = interactions.find(id.value());
  return it == interactions.end() ? nullptr : &it->second;
}

WrapupPolicy Engine::Impl::WrapupOf(const InteractionRec& ix) const {
  const auto& w = QueueDef(ix.queue).wrapup;
  return w ? *w : center.settings.wrapup;
}

Duration Engine::Impl::OfferTimeoutOf(const InteractionRec& ix) const {
  const auto& t = QueueDef(ix.queue).offer_timeout;
  return t ? *t : center.settings.offer_timeout;
}

void Engine::Impl::AddLoad(uint32_t agent, Channel c, int delta, Instant now) {
  AgentRec& a = agents[agent];
  int before = 0;
  for (int n : a.load) before += n;
  a.load[static_cast<int>(c)] += delta;
  HOTLINE_CHECK(a.load[static_cast<int>(c)] >= 0, "negative agent load");
  int after = before + delta;
  if (before == 0 && after > 0) a.busy_since = now;
  if (before > 0 && after == 0) a.busy_time += now - a.busy_since;
}

void Engine::Impl::UpdateRoutingState(uint32_t agent, Instant now) {
  AgentRec& a = agents[agent];
  RoutingState s = RoutingState::kIdle;
  if (a.assigned > 0) {
    s = RoutingState::kBusy;
  } else if (a.pending_offers > 0) {
    s = RoutingState::kOffered;
  } else if (a.wrapping > 0) {
    s = RoutingState::kWrapup;
  } else if (a.in_backoff) {
    s = RoutingState::kBackoff;
  }
  if (s == a.routing_state) return;
  a.routing_state = s;
  a.state_since = now;
  if (a.presence == Presence::kLoggedOut) return;
  Event& e = Emit(EventType::kAgentRoutingStateChanged, now);
  e.agent = AgentId(agent);
  e.routing_state = s;
}

void Engine::Impl::StartBackoff(uint32_t agent, Duration d, Instant now) {
  if (d.count() <= 0) return;
  AgentRec& a = agents[agent];
  a.in_backoff = true;
  a.backoff_until = std::max(a.backoff_until, now + d);
  AddTimer(a.backoff_until, {TimerKind::kBackoffEnd, agent, 0, 0});
}

void Engine::Impl::ReleaseOffer(OfferRec& offer_ref, OfferState how, std::string reason,
                                Instant now, bool requeue) {
  OfferRec offer = offer_ref;  // erased below
  CancelOfferTimer(offer);
  InteractionRec& ix = interactions.at(offer.interaction.value());
  ix.offers.erase(std::remove(ix.offers.begin(), ix.offers.end(), offer.id), ix.offers.end());
  EraseOffer(offer.id.value());
  AgentRec& a = agents[offer.agent];
  --a.pending_offers;
  AddLoad(offer.agent, ix.channel, -1, now);
  EventType type = EventType::kOfferRescinded;
  if (how == OfferState::kRejected) type = EventType::kOfferRejected;
  if (how == OfferState::kTimedOut) type = EventType::kOfferTimedOut;
  if (how == OfferState::kCanceled && reason.empty()) reason = "canceled";
  Event& e = Emit(type, now);
  e.offer = offer.id;
  e.interaction = ix.id;
  e.agent = AgentId(offer.agent);
  e.queue = QueueId(ix.queue);
  e.reason = std::move(reason);
  Effect_(EffectType::kStopRinging, ix, offer.agent, offer.id);
  if (requeue && ix.offers.empty() && ix.state == InteractionState::kOffering) {
    ix.state = InteractionState::kQueued;
  }
  bool back_in_line = requeue && (ix.state == InteractionState::kQueued ||
                                  (ix.state == InteractionState::kOffering && TakesMoreAgents(ix)));
  if (back_in_line && !ix.in_waiting && ix.lane >= 0) InsertWaiting(ix);
  UpdateRoutingState(offer.agent, now);
  Refresh(offer.agent, now);
}

InteractionRec& Engine::Impl::NewInteraction(uint64_t id) {
  if (spare_interactions.empty()) return interactions[id];
  auto node = std::move(spare_interactions.back());
  spare_interactions.pop_back();
  node.key() = id;
  node.mapped() = InteractionRec{};
  return interactions.insert(std::move(node)).position->second;
}

void Engine::Impl::NewOffer(const OfferRec& offer) {
  if (spare_offers.empty()) {
    offers.emplace(offer.id.value(), offer);
    return;
  }
  auto node = std::move(spare_offers.back());
  spare_offers.pop_back();
  node.key() = offer.id.value();
  node.mapped() = offer;
  offers.insert(std::move(node));
}

void Engine::Impl::EraseOffer(uint64_t id) {
  auto node = offers.extract(id);
  if (!node.empty() && spare_offers.size() < kMaxSpareNodes)
    spare_offers.push_back(std::move(node));
}

void Engine::Impl::Erase(InteractionId id) {
  InteractionRec* ix = Find(id);
  if (ix == nullptr) return;
  RemoveWaiting(*ix);
  auto node = interactions.extract(id.value());
  if (spare_interactions.size() < kMaxSpareNodes) spare_interactions.push_back(std::move(node));
}

void Engine::Impl::EndWaiting(InteractionRec& ix, InteractionState state, std::string reason,
                              Instant now) {
  std::vector<uint32_t> freed;
  while (!ix.offers.empty()) {
    OfferRec& o = offers.at(ix.offers.front().value());
    freed.push_back(o.agent);
    ReleaseOffer(o, OfferState::kRescinded, "interaction_ended", now, false);
  }
  RemoveWaiting(ix);
  --waiting_in_queue[ix.queue];
  EventType type = EventType::kInteractionCanceled;
  if (state == InteractionState::kAbandoned) type = EventType::kInteractionAbandoned;
  if (state == InteractionState::kTimedOut) type = EventType::kInteractionTimedOut;
  if (state == InteractionState::kExited) type = EventType::kInteractionExited;
  Event& e = Emit(type, now);
  e.interaction = ix.id;
  e.queue = QueueId(ix.queue);
  e.channel = ix.channel;
  e.wait = now - ix.age_since;
  e.reason = reason;
  if (state == InteractionState::kTimedOut || state == InteractionState::kExited) {
    Effect_(EffectType::kRelease, ix, std::numeric_limits<uint32_t>::max(), {}, {}, reason);
  }
  Erase(ix.id);
  ServeFreed(freed, now);
}

void Engine::Impl::Enqueue(InteractionRec& ix, uint32_t q, bool admission, Instant now,
                           std::optional<uint32_t> exclude) {
  const Queue& def = QueueDef(q);
  int length_before = waiting_in_queue[q];
  if (admission) {
    const char* refuse = nullptr;
    if (def.admission.max_length && length_before >= *def.admission.max_length) refuse = "full";
    if (refuse == nullptr && def.admission.join_when_empty != EmptyWhen::kNever) {
      int32_t lane = LaneOf(pools_of_queue[q][0], ix.channel);
      if (LaneEmpty(lanes[lane], def.admission.join_when_empty)) {
        refuse = "empty";
      }
    }
    if (refuse != nullptr) {
      Event& e = Emit(EventType::kInteractionRejected, now);
      e.interaction = ix.id;
      e.queue = QueueId(q);
      e.channel = ix.channel;
      e.reason = refuse;
      Erase(ix.id);
      return;
    }
  }
  bool moved = ix.state != InteractionState::kCreated;
  if (moved) --waiting_in_queue[ix.queue];
  RemoveWaiting(ix);  // from the old lane, before forgetting it
  ix.step = 0;
  ix.lane = -1;
  ix.queue = q;
  ++ix.queue_gen;
  ix.excluded.clear();
  if (exclude) ix.excluded.push_back(*exclude);
  ix.rules_fired.assign(def.exceptions.size(), false);
  ++waiting_in_queue[q];
  ix.state = InteractionState::kQueued;
  Event& e = Emit(moved ? EventType::kInteractionStepChanged : EventType::kInteractionQueued, now);
  e.interaction = ix.id;
  e.queue = QueueId(q);
  e.channel = ix.channel;
  e.priority = ix.priority;
  e.step = 0;
  if (moved) e.reason = "moved";
  uint64_t id = ix.id.value();
  if (def.admission.max_wait) {
    AddTimer(ix.age_since + *def.admission.max_wait, {TimerKind::kMaxWait, id, ix.queue_gen, 0});
  }
  for (size_t r = 0; r < def.exceptions.size(); ++r) {
    if (def.exceptions[r].trigger == ExceptionTrigger::kWaitAtLeast) {
      AddTimer(std::max(now, ix.age_since + def.exceptions[r].threshold),
               {TimerKind::kRuleWait, id, ix.queue_gen, static_cast<int>(r)});
    }
  }
  for (Duration d : profile_delays[q]) {
    if (ix.age_since + d > now) AddTimer(ix.age_since + d, {TimerKind::kRecheck, id, 0, 1});
  }
  EnterStep(ix, 0, now);
  if (!admission) return;
  for (size_t r = 0; r < def.exceptions.size(); ++r) {
    InteractionRec* live = Find(InteractionId(id));
    if (live == nullptr || live->state != InteractionState::kQueued || live->queue != q) return;
    const ExceptionRule& rule = def.exceptions[r];
    bool hit =
        (rule.trigger == ExceptionTrigger::kQueueLengthAtLeast && length_before >= rule.count) ||
        (rule.trigger == ExceptionTrigger::kEstimatedWaitAtLeast &&
         EstimatedWaitS(*live) >= ToSeconds(rule.threshold));
    if (hit) ApplyRule(*live, static_cast<int>(r), now);
  }
}

void Engine::Impl::EnterStep(InteractionRec& ix, int step, Instant now) {
  const Queue& def = QueueDef(ix.queue);
  // Filters: skip the steps whose `when` does not admit this interaction now.
  while (step < static_cast<int>(def.plan.size()) && !StepAdmits(def.plan[step], ix, step, now)) {
    ++step;
  }
  if (step >= static_cast<int>(def.plan.size())) {
    PlanExhausted(ix, now);
    return;
  }
  std::vector<uint32_t> freed;
  while (!ix.offers.empty()) {
    OfferRec& o = offers.at(ix.offers.front().value());
    freed.push_back(o.agent);
    ReleaseOffer(o, OfferState::kRescinded, "step_changed", now, false);
  }
  RemoveWaiting(ix);
  if (step != ix.step) {
    // A new step forgets who declined or missed it; entering a queue (lane < 0) keeps the
    // exclusions Enqueue set (the agent who transferred it).
    if (ix.lane >= 0) ix.excluded.clear();
    Event& e = Emit(EventType::kInteractionStepChanged, now);
    e.interaction = ix.id;
    e.queue = QueueId(ix.queue);
    e.step = step;
    e.reason = ix.state == InteractionState::kCreated || ix.lane < 0 ? "filter" : "timeout";
  }
  const Step& s = def.plan[step];
  ix.state = InteractionState::kQueued;
  ix.step = step;
  ix.step_since = now;
  ix.lane_since = now;
  ++ix.generation;
  ix.opened_ring = 0;
  ix.lane = LaneOf(pools_of_queue[ix.queue][step], ix.channel);
  int priority = s.priority.value_or(ix.priority);
  if (!s.rings.empty()) priority += s.rings[0].priority_add;
  if (priority != ix.priority) {
    ix.priority = priority;
    Event& e = Emit(EventType::kInteractionPriorityChanged, now);
    e.interaction = ix.id;
    e.queue = QueueId(ix.queue);
    e.priority = priority;
    e.reason = "step";
  }
  uint64_t id = ix.id.value();
  if (ix.known_agent && s.known_agent_window) {
    ix.known_until = now + *s.known_agent_window;
    AddTimer(ix.known_until, {TimerKind::kRecheck, id, ix.generation, 0});
  } else {
    ix.known_until = Instant{};
  }
  for (size_t r = 1; r < s.rings.size(); ++r) {
    AddTimer(now + s.rings[r].after, {TimerKind::kRecheck, id, ix.generation, 0});
  }
  if (s.timeout) AddTimer(now + *s.timeout, {TimerKind::kStepTimeout, id, ix.generation, 0});
  const internal::Lane& lane = lanes[ix.lane];
  if (lane.logged_in == 0) {
    Instant since = std::max(lane.empty_since, now);
    if (def.admission.max_wait_no_agents) {
      AddTimer(since + *def.admission.max_wait_no_agents,
               {TimerKind::kNoAgents, id, ix.queue_gen, -1});
    }
    for (size_t r = 0; r < def.exceptions.size(); ++r) {
      if (def.exceptions[r].trigger != ExceptionTrigger::kNoEligibleAgentsFor) continue;
      AddTimer(since + def.exceptions[r].threshold,
               {TimerKind::kNoAgents, id, ix.queue_gen, static_cast<int>(r)});
    }
  }
  InsertWaiting(ix);
  // Agents whose offers were withdrawn choose first, among everything waiting (this one too).
  InteractionId id_copy = ix.id;
  ServeFreed(freed, now);
  if (InteractionRec* live = Find(id_copy)) TryRoute(*live, now);
}

void Engine::Impl::PlanExhausted(InteractionRec& ix, Instant now) {
  const Queue& def = QueueDef(ix.queue);
  for (size_t r = 0; r < def.exceptions.size(); ++r) {
    if (def.exceptions[r].trigger == ExceptionTrigger::kPlanExhausted && !ix.rules_fired[r]) {
      ApplyRule(ix, static_cast<int>(r), now);
      return;
    }
  }
  EndWaiting(ix, InteractionState::kTimedOut, "plan_exhausted", now);
}

void Engine::Impl::ApplyRule(InteractionRec& ix, int r, Instant now) {
  const ExceptionRule& rule = QueueDef(ix.queue).exceptions[r];
  ix.rules_fired[r] = true;
  switch (rule.action) {
    case ExceptionAction::kMoveToQueue:
      if (++ix.moves > internal::kMaxMoves) {
        EndWaiting(ix, InteractionState::kTimedOut, "move_loop", now);
        return;
      }
      Enqueue(ix, rule.queue->value(), false, now);
      return;
    case ExceptionAction::kSetPriority:
      if (rule.priority != ix.priority) {
        bool waiting = ix.in_waiting;
        RemoveWaiting(ix);
        ix.priority = rule.priority;
        Event& e = Emit(EventType::kInteractionPriorityChanged, now);
        e.interaction = ix.id;
        e.queue = QueueId(ix.queue);
        e.priority = ix.priority;
        e.reason = "rule";
        if (waiting) InsertWaiting(ix);
      }
      return;
    case ExceptionAction::kOfferCallback:
      Effect_(EffectType::kOfferCallback, ix, std::numeric_limits<uint32_t>::max(), {});
      return;
    case ExceptionAction::kRouteElsewhere: {
      InteractionRec copy = ix;
      Effect_(EffectType::kRouteElsewhere, copy, std::numeric_limits<uint32_t>::max(), {}, {},
              rule.target);
      EndWaiting(ix, InteractionState::kExited,
                 rule.target.empty() ? "route_elsewhere" : rule.target, now);
      return;
    }
    case ExceptionAction::kTimeOut:
      EndWaiting(ix, InteractionState::kTimedOut, "rule", now);
      return;
  }
}

void Engine::Impl::Complete(InteractionRec& ix, Instant now) {
  uint32_t agent = ix.agent.value();
  AgentRec& a = agents[agent];
  Event& e = Emit(EventType::kInteractionCompleted, now);
  e.interaction = ix.id;
  e.agent = ix.agent;
  e.queue = QueueId(ix.queue);
  e.channel = ix.channel;
  e.reason = ix.disposition;
  --a.wrapping;
  ++a.handled;
  a.last_acd_end = now;
  AddLoad(agent, ix.channel, -1, now);
  double handle = ToSeconds(now - ix.connected_at);
  double& mean = mean_handle_s[ix.queue];
  mean += (handle - mean) * 0.1;  // a moving mean for the estimated wait
  Erase(ix.id);
  UpdateRoutingState(agent, now);
  // Serve first, index after: an agent that takes work at once never enters the lane indexes.
  TryServeAgent(agent, now);
  Refresh(agent, now);
}

void Engine::Impl::SetPresenceInternal(uint32_t agent, Presence p, std::string reason,
                                       Instant now) {
  AgentRec& a = agents[agent];
  if (p != Presence::kNotReady) reason.clear();
  if (a.presence == p && a.reason == reason) return;
  std::vector<InteractionId> requeued;
  if (p != Presence::kReady) {
    std::vector<OfferId> mine;
    for (auto& [id, o] : offers) {
      if (o.agent == agent) mine.push_back(o.id);
    }
    std::sort(mine.begin(), mine.end());
    for (OfferId id : mine) {
      OfferRec& o = offers.at(id.value());
      requeued.push_back(o.interaction);
      ReleaseOffer(o, OfferState::kCanceled, "agent_unavailable", now, true);
    }
  }
  for (auto& slot : a.slots) {
    auto& lane = lanes[slot.lane];
    CountAgentInLane(lane, pools[lane.pool].members[slot.member], a, -1);
  }
  Presence old = a.presence;
  if (old == Presence::kLoggedOut) {
    Event& e = Emit(EventType::kAgentLoggedIn, now);
    e.agent = AgentId(agent);
    a.logged_in_at = now;
    a.last_acd_end = now;
    a.busy_time = Duration(0);
    a.talk_time = Duration(0);  // least_talk_time and fewest_handled count from login
    a.handled = 0;
    a.missed_in_row = 0;
    a.state_since = now;
  }
  a.presence = p;
  a.reason = reason;
  if (p == Presence::kReady) a.missed_in_row = 0;
  Event& e = Emit(EventType::kAgentPresenceChanged, now);
  e.agent = AgentId(agent);
  e.presence = p;
  e.reason = reason;
  if (p == Presence::kLoggedOut) {
    a.in_backoff = false;
    Event& out_event = Emit(EventType::kAgentLoggedOut, now);
    out_event.agent = AgentId(agent);
  }
  for (auto& slot : a.slots) {
    auto& lane = lanes[slot.lane];
    CountAgentInLane(lane, pools[lane.pool].members[slot.member], a, +1);
  }
  UpdateRoutingState(agent, now);
  Refresh(agent, now);
  std::vector<int32_t> touched;
  for (auto& slot : a.slots) touched.push_back(slot.lane);
  for (int32_t l : touched) OnLaneCountsChanged(lanes[l], now);
  // Route the returned interactions in line order: priority, then age. Some may have ended
  // meanwhile (leave-when-empty).
  std::erase_if(requeued, [&](InteractionId id) { return Find(id) == nullptr; });
  std::sort(requeued.begin(), requeued.end(), [&](InteractionId x, InteractionId y) {
    const InteractionRec& a = interactions.at(x.value());
    const InteractionRec& b = interactions.at(y.value());
    return std::tuple(-a.priority, a.age_since, a.id) < std::tuple(-b.priority, b.age_since, b.id);
  });
  for (InteractionId id : requeued) {
    if (InteractionRec* ix = Find(id)) TryRoute(*ix, now);
  }
  if (p == Presence::kReady) TryServeAgent(agent, now);
}

void Engine::Impl::FireTimer(const Timer& t, Instant now) {
  switch (t.kind) {
    case TimerKind::kOfferTimeout: {
      auto it = offers.find(t.a);
      if (it == offers.end()) return;
      uint32_t agent = it->second.agent;
      InteractionId id = it->second.interaction;
      ReleaseOffer(it->second, OfferState::kTimedOut, "", now, true);
      AgentRec& a = agents[agent];
      Find(id)->excluded.push_back(agent);
      ++a.missed_in_row;
      int max_missed = center.settings.max_missed_offers;
      bool missed_too_often =
          max_missed > 0 && a.missed_in_row >= max_missed && a.presence == Presence::kReady;
      if (!missed_too_often) {
        StartBackoff(agent, center.settings.backoff_no_answer, now);
        UpdateRoutingState(agent, now);
        Refresh(agent, now);
      }
      // Route the missed interaction before the agent's other offers are returned to the line.
      if (InteractionRec* ix = Find(id)) TryRoute(*ix, now);
      if (missed_too_often) SetPresenceInternal(agent, Presence::kNotReady, "missed", now);
      TryServeAgent(agent, now);
      return;
    }
    case TimerKind::kAgentWrapupEnd:
      EndLegWrapup(static_cast<uint32_t>(t.a), t.b, now);
      return;
    case TimerKind::kBackoffEnd: {
      AgentRec& a = agents[t.a];
      if (!a.in_backoff || a.backoff_until > now) return;
      a.in_backoff = false;
      UpdateRoutingState(static_cast<uint32_t>(t.a), now);
      Refresh(static_cast<uint32_t>(t.a), now);
      TryServeAgent(static_cast<uint32_t>(t.a), now);
      return;
    }
    default:
      break;
  }
  InteractionRec* ix = Find(InteractionId(t.a));
  if (ix == nullptr) return;
  switch (t.kind) {
    case TimerKind::kWrapupEnd:
      if (ix->state == InteractionState::kWrapping && ix->generation == t.b) Complete(*ix, now);
      return;
    case TimerKind::kRecheck:
      // c == 1: a profile-delay timer, valid for the whole queue stay.
      if (t.c == 0 && ix->generation != t.b) return;
      TryRoute(*ix, now);
      return;
    case TimerKind::kStepTimeout:
      if (ix->generation != t.b || IsTerminal(ix->state)) return;
      if (ix->state != InteractionState::kQueued && ix->state != InteractionState::kOffering)
        return;
      EnterStep(*ix, ix->step + 1, now);
      return;
    case TimerKind::kMaxWait:
      if (ix->queue_gen != t.b) return;
      if (ix->state == InteractionState::kQueued || ix->state == InteractionState::kOffering) {
        EndWaiting(*ix, InteractionState::kTimedOut, "max_wait", now);
      }
      return;
    case TimerKind::kRuleWait:
      if (ix->queue_gen != t.b || ix->rules_fired[t.c]) return;
      if (ix->state == InteractionState::kQueued || ix->state == InteractionState::kOffering) {
        ApplyRule(*ix, t.c, now);
      }
      return;
    case TimerKind::kNoAgents: {
      if (ix->queue_gen != t.b || ix->state != InteractionState::kQueued) return;
      const internal::Lane& lane = lanes[ix->lane];
      if (lane.logged_in != 0) return;
      const Queue& def = QueueDef(ix->queue);
      Duration need = t.c < 0 ? *def.admission.max_wait_no_agents : def.exceptions[t.c].threshold;
      if (std::max(lane.empty_since, ix->lane_since) + need > now) return;
      if (t.c < 0) {
        EndWaiting(*ix, InteractionState::kExited, "empty", now);
      } else if (!ix->rules_fired[t.c]) {
        ApplyRule(*ix, t.c, now);
      }
      return;
    }
    case TimerKind::kProgressive: {
      if (ix->generation != t.b || ix->state != InteractionState::kOffering ||
          ix->ring_round != static_cast<uint32_t>(t.c)) {
        return;
      }
      // Ring one more agent, keeping the others ringing; again after the next step.
      ix->state = InteractionState::kQueued;
      InteractionId id = ix->id;
      TryRoute(*ix, now);
      InteractionRec* live = Find(id);
      if (live != nullptr && live->state == InteractionState::kQueued) {
        live->state = InteractionState::kOffering;  // nobody more to ring: still ringing
      }
      if (live != nullptr && live->state == InteractionState::kOffering) {
        AddTimer(now + QueueDef(live->queue).progressive_step,
                 {TimerKind::kProgressive, id.value(), live->generation,
                  static_cast<int>(live->ring_round)});
      }
      return;
    }
    default:
      return;
  }
}

void Engine::Impl::EndLegWrapup(uint32_t agent, uint64_t id, Instant now) {
  AgentRec& a = agents[agent];
  bool ended = false;
  for (size_t i = 0; i < a.leg_wrapups.size();) {
    if (id != 0 && a.leg_wrapups[i].first != id) {
      ++i;
      continue;
    }
    --a.wrapping;
    AddLoad(agent, a.leg_wrapups[i].second, -1, now);
    a.leg_wrapups.erase(a.leg_wrapups.begin() + static_cast<std::ptrdiff_t>(i));
    ended = true;
  }
  if (!ended) return;
  a.last_acd_end = now;
  UpdateRoutingState(agent, now);
  TryServeAgent(agent, now);
  Refresh(agent, now);
}

}  // namespace hotline::core
