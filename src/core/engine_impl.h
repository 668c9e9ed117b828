// Engine::Impl: the engine's state and the steps every command is built from. Internal; the
// definitions are split by concern: engine.cc (commands and timers), engine_routing.cc (pools,
// lanes, eligibility and matching), engine_views.cc (views and Explain).
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "core/engine_state.h"

namespace hotline::core {

struct Engine::Impl {
  // `build_pools` false: agents' records are left as the center defines them and no pool exists
  // yet (Restore fills the records, then builds them).
  Impl(CenterDefinition c, uint64_t seed, bool build_pools = true);

  // ---- state ----
  CenterDefinition center;
  Random random;
  // Node memory for the containers that churn per decision (lane indexes, timers). Declared
  // before them: it must outlive them.
  std::pmr::unsynchronized_pool_resource node_memory;
  std::vector<internal::AgentRec> agents;
  std::vector<internal::Pool> pools;
  std::vector<std::vector<uint32_t>> pools_of_queue;  // queue -> pool per step
  std::deque<internal::Lane> lanes;  // a deque: lanes are added while others are referenced
  std::unordered_map<uint64_t, internal::InteractionRec> interactions;
  std::unordered_map<uint64_t, internal::OfferRec> offers;
  // Nodes of ended interactions and answered offers, reused for the next ones: a contact then
  // costs no allocation for its records (C++17 node handles).
  std::vector<std::unordered_map<uint64_t, internal::InteractionRec>::node_type> spare_interactions;
  std::vector<std::unordered_map<uint64_t, internal::OfferRec>::node_type> spare_offers;
  static constexpr size_t kMaxSpareNodes = 4096;
  internal::InteractionRec& NewInteraction(uint64_t id);
  void NewOffer(const internal::OfferRec& offer);
  void EraseOffer(uint64_t id);
  std::vector<int> waiting_in_queue;
  std::vector<double> mean_handle_s;                  // per queue, for estimated wait
  std::vector<std::vector<Duration>> profile_delays;  // per queue: distinct delays > 0
  void ComputeProfileDelays();
  // Pending timers, a binary min-heap on (deadline, sequence). Timers are never removed early:
  // each handler checks on firing that what it was for still holds (the offer is pending, the
  // generation matches...), so an outdated timer fires as a no-op. No allocation per timer.
  std::vector<internal::TimerEntry> timers;
  uint64_t timer_seq = 0;
  uint64_t next_interaction = 1;
  uint64_t next_offer = 1;
  uint64_t offer_seq = 0;
  uint64_t next_leg_wrapup = 1;
  void EndLegWrapup(uint32_t agent, uint64_t id, Instant now);  // 0: every one
  Output out;

  // ---- helpers: engine.cc ----
  Event& Emit(EventType type, Instant now);
  void Effect_(EffectType type, const internal::InteractionRec& ix, uint32_t agent, OfferId offer,
               Instant deadline = {}, std::string target = {});
  uint64_t AddTimer(Instant at, internal::Timer t);  // returns the timer's sequence
  void CancelOfferTimer(const internal::OfferRec& offer);
  void FireTimer(const internal::Timer& t, Instant now);
  internal::InteractionRec* Find(InteractionId id);
  const Queue& QueueDef(uint32_t q) const { return center.queues[q]; }
  WrapupPolicy WrapupOf(const internal::InteractionRec& ix) const;
  Duration OfferTimeoutOf(const internal::InteractionRec& ix) const;

  // Enters `queue`'s plan at step 0 (admission on first entry). keep_age: moved, place kept.
  // `exclude`: an agent who may not get it back (the one who transferred it).
  void Enqueue(internal::InteractionRec& ix, uint32_t queue, bool admission, Instant now,
               std::optional<uint32_t> exclude = std::nullopt);
  // Enters plan step `step` (skipping none); past the last step the plan is exhausted.
  void EnterStep(internal::InteractionRec& ix, int step, Instant now);
  void PlanExhausted(internal::InteractionRec& ix, Instant now);
  void ApplyRule(internal::InteractionRec& ix, int rule, Instant now);
  // Ends a waiting interaction (rescinding its offers) in a terminal state.
  void EndWaiting(internal::InteractionRec& ix, InteractionState state, std::string reason,
                  Instant now);
  void Complete(internal::InteractionRec& ix, Instant now);
  void Erase(InteractionId id);
  void ReleaseOffer(internal::OfferRec& offer, OfferState how, std::string reason, Instant now,
                    bool requeue);
  void SetPresenceInternal(uint32_t agent, Presence p, std::string reason, Instant now);
  void UpdateRoutingState(uint32_t agent, Instant now);
  void StartBackoff(uint32_t agent, Duration d, Instant now);
  void AddLoad(uint32_t agent, Channel c, int delta, Instant now);

  // ---- changing the center: engine_reconfigure.cc ----
  // Replaces the center (already checked) and rebuilds pools and lanes around the live state.
  void Reconfigure(CenterDefinition next, Instant now);
  // Offers whatever is routable after a change of the center: agents choose, then interactions
  // ring the agents their offer mode asks for.
  void RouteAll(Instant now);

  // ---- routing: engine_routing.cc ----
  void BuildPools();
  void AttachAgent(uint32_t agent);  // computes pool memberships and lane slots
  void DetachAgent(uint32_t agent);  // removes them (counts and indexes)
  bool IsPoolMember(uint32_t agent, const internal::Pool& pool, internal::PoolMember* out) const;
  int32_t LaneOf(uint32_t pool, Channel c);  // creates on first use
  void CountAgentInLane(internal::Lane& lane, const internal::PoolMember& m,
                        const internal::AgentRec& a, int sign);
  bool Routable(const internal::AgentRec& a, Channel c) const;
  internal::AgentKey KeyOf(uint32_t agent, const internal::Lane& lane,
                           const internal::PoolMember& m) const;
  // Re-indexes the agent in every lane it belongs to (routable or not, key changes).
  void Refresh(uint32_t agent, Instant now);
  int SkillLevel(const internal::AgentRec& a, SkillId s) const;
  bool MeetsOptional(const internal::AgentRec& a, const Step& step) const;
  int CurrentRing(const internal::InteractionRec& ix, const internal::Lane& lane,
                  Instant now) const;
  void UpdateRing(internal::InteractionRec& ix, Instant now);
  // Eligibility of an agent (already known routable for the lane's channel) for `ix`.
  Ineligibility Check(uint32_t agent, const internal::PoolMember& m,
                      const internal::InteractionRec& ix, Instant now, Instant* until) const;
  const internal::PoolMember* MemberOf(uint32_t agent, uint32_t pool) const;
  void InsertWaiting(internal::InteractionRec& ix);
  void RemoveWaiting(internal::InteractionRec& ix);
  internal::WaitKey WaitKeyOf(const internal::InteractionRec& ix) const;
  // Offers `ix` to the best eligible agent(s) of its lane, per the queue's offer mode.
  void TryRoute(internal::InteractionRec& ix, Instant now);
  // Offers the best waiting interactions of its lanes to `agent` while it has capacity.
  // `fan_outs`: when given, parallel / ring-all interactions this agent took are collected there
  // instead of ringing more agents at once (ServeFreed rings them after every freed agent chose).
  void TryServeAgent(uint32_t agent, Instant now, std::vector<InteractionId>* fan_outs = nullptr);
  // Several agents freed at once: each chooses first, then the interactions they took ring the
  // other agents their offer mode asks for.
  void ServeFreed(const std::vector<uint32_t>& freed, Instant now);
  void MakeOffer(internal::InteractionRec& ix, uint32_t agent, Instant now);
  // Parallel and ring-all interactions stay in line while ringing, for agents who free up, as
  // long as they can take more agents.
  bool TakesMoreAgents(const internal::InteractionRec& ix) const;
  // Whether `ix`'s lane has an eligible routable agent ahead of `agent` in the agent order.
  bool HasBetterAgent(const internal::InteractionRec& ix, uint32_t agent, Instant now) const;
  // The best (lowest) tier among the agents ringing with `ix`; INT_MAX when none.
  int RingingTier(const internal::InteractionRec& ix) const;
  void OnLaneCountsChanged(internal::Lane& lane, Instant now);
  bool LaneEmpty(const internal::Lane& lane, EmptyWhen when) const;
  double EstimatedWaitS(const internal::InteractionRec& ix) const;
  // Whether a step's `when` filter admits `ix` now (true without a filter).
  bool StepAdmits(const Step& step, const internal::InteractionRec& ix, int step_index,
                  Instant now);
};

}  // namespace hotline::core
