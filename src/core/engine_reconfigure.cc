// Engine::Reconfigure (engine.h): a new center definition applied around the live state.
//
// Pools and lanes are derived data: they are torn down and rebuilt from the records, as the
// constructor builds them. Lanes are recreated in their old order (so lane indices, and the order
// of lane updates, stay as they were when nothing changed), each keeping when it became empty.
// Waiting interactions go back into their lanes with their own keys (place in line).
//
// Timers are never removed (see Impl::timers). A timer whose deadline the new definitions no
// longer support is made stale by bumping the counter it carries: `generation` for the step's
// timers (timeout, rings, known-agent window, progressive ringing), `queue_gen` for the queue's
// (max wait, wait rules, "no agents" rules); the deadlines are then set again from the new
// definitions. Nothing is bumped when the definitions a timer derives from are unchanged, so
// reconfiguring with the running center changes nothing.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>

#include "core/engine.h"
#include "core/engine_impl.h"

namespace hotline::core {

using internal::AgentRec;
using internal::InteractionRec;
using internal::Lane;
using internal::TimerKind;

namespace {

// Indices are stable: `next` keeps every object of `running` at its index, with its id.
template <typename T>
Status CheckStable(const std::vector<T>& running, const std::vector<T>& next, std::string kind,
                   std::string plural) {
  for (size_t i = 0; i < running.size(); ++i) {
    const std::string at = plural + "[" + std::to_string(i) + "]";
    if (i >= next.size()) {
      return Error::InvalidArgument(kind + " " + std::to_string(i) + " ('" + running[i].id +
                                        "') is missing from the new center: " + plural +
                                        " may be appended, not removed",
                                    plural);
    }
    if (running[i].id != next[i].id) {
      return Error::InvalidArgument(kind + " " + std::to_string(i) + " is '" + running[i].id +
                                        "' in the running center but '" + next[i].id +
                                        "' in the new one",
                                    at + ".id");
    }
  }
  return Status::Ok();
}

// The step's deadlines: its timeout, when its rings open, the known-agent window.
bool SameStepClock(const Step& a, const Step& b) {
  if (a.timeout != b.timeout || a.known_agent_window != b.known_agent_window ||
      a.rings.size() != b.rings.size()) {
    return false;
  }
  for (size_t r = 0; r < a.rings.size(); ++r) {
    if (a.rings[r].after != b.rings[r].after) return false;
  }
  return true;
}

// How an interaction that rings goes on ringing (progressive timers).
bool SameRinging(const Queue& a, const Queue& b) {
  if (a.offer_mode != b.offer_mode) return false;
  return a.offer_mode != OfferMode::kProgressive || a.progressive_step == b.progressive_step;
}

// The queue's deadlines: max waits and the rules triggered by time.
bool SameQueueClock(const Queue& a, const Queue& b) {
  if (a.admission.max_wait != b.admission.max_wait ||
      a.admission.max_wait_no_agents != b.admission.max_wait_no_agents ||
      a.exceptions.size() != b.exceptions.size()) {
    return false;
  }
  for (size_t r = 0; r < a.exceptions.size(); ++r) {
    if (a.exceptions[r].trigger != b.exceptions[r].trigger ||
        a.exceptions[r].threshold != b.exceptions[r].threshold) {
      return false;
    }
  }
  return true;
}

// What a lane was before the change, to tell whether its counts changed.
struct LaneWas {
  uint32_t queue = 0;
  int step = 0;
  Channel channel = Channel::kVoice;
  int members = 0;
  int logged_in = 0;
  int ready = 0;
  bool empty = true;
  Instant empty_since{};
};

bool IsWaiting(const InteractionRec& ix) {
  return ix.state == InteractionState::kQueued || ix.state == InteractionState::kOffering;
}

}  // namespace

Status Engine::Reconfigure(CenterDefinition next, Instant now) {
  const CenterDefinition& running = impl_->center;
  if (Status st = ValidateCenter(next); !st) return st;
  if (Status st = CheckStable(running.skills, next.skills, "skill", "skills"); !st) return st;
  if (Status st = CheckStable(running.queues, next.queues, "queue", "queues"); !st) return st;
  if (Status st = CheckStable(running.profiles, next.profiles, "profile", "profiles"); !st) {
    return st;
  }
  if (Status st = CheckStable(running.agents, next.agents, "agent", "agents"); !st) return st;
  // What was due before the change happens under the old definitions.
  AdvanceTo(now);
  impl_->Reconfigure(std::move(next), now);
  // Deadlines the new definitions put at or before now.
  AdvanceTo(now);
  impl_->RouteAll(now);
  return Status::Ok();
}

void Engine::Impl::Reconfigure(CenterDefinition next, Instant now) {
  CenterDefinition old = std::move(center);
  center = std::move(next);
  const uint32_t queue_count = static_cast<uint32_t>(center.queues.size());

  // Skills: the new definition is the truth; differences from the live levels are events.
  const size_t old_agents = agents.size();
  agents.resize(center.agents.size());
  for (uint32_t a = 0; a < agents.size(); ++a) {
    std::vector<std::pair<uint32_t, int>> skills;
    for (auto [skill, level] : center.agents[a].skills) skills.emplace_back(skill.value(), level);
    AgentRec& rec = agents[a];
    if (a < old_agents) {
      // Both lists are sorted by skill: walk them together.
      constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
      size_t i = 0, j = 0;
      while (i < rec.skills.size() || j < skills.size()) {
        uint32_t si = i < rec.skills.size() ? rec.skills[i].first : kNone;
        uint32_t sj = j < skills.size() ? skills[j].first : kNone;
        uint32_t skill = std::min(si, sj);
        int was = si == skill ? rec.skills[i++].second : 0;
        int level = sj == skill ? skills[j++].second : 0;
        if (was == level) continue;
        Event& e = Emit(EventType::kAgentSkillChanged, now);
        e.agent = AgentId(a);
        e.skill = SkillId(skill);
        e.level = level;
      }
    }
    rec.skills = std::move(skills);
  }

  // Tear down the derived indexes, remembering what each lane was.
  std::vector<LaneWas> lanes_were;
  lanes_were.reserve(lanes.size());
  for (const Lane& lane : lanes) {
    const internal::Pool& pool = pools[lane.pool];
    lanes_were.push_back({pool.queue, pool.step, lane.channel, lane.members, lane.logged_in,
                          lane.ready, lane.empty, lane.empty_since});
  }
  for (AgentRec& a : agents) {
    a.slots.clear();
    a.pools.clear();
  }
  std::vector<InteractionRec*> live;
  live.reserve(interactions.size());
  for (auto& [id, ix] : interactions) {
    ix.in_waiting = false;
    ix.lane = -1;
    live.push_back(&ix);
  }
  std::sort(live.begin(), live.end(),
            [](const InteractionRec* x, const InteractionRec* y) { return x->id < y->id; });
  lanes.clear();
  pools.clear();

  waiting_in_queue.resize(queue_count, 0);
  mean_handle_s.resize(queue_count, 180.0);
  std::vector<std::vector<Duration>> old_delays = std::move(profile_delays);
  ComputeProfileDelays();

  // Rebuild: pools (agents attached), then the lanes that existed, in their old order.
  BuildPools();
  std::vector<std::optional<LaneWas>> was_of_lane;
  for (const LaneWas& was : lanes_were) {
    if (was.step >= static_cast<int>(pools_of_queue[was.queue].size())) continue;
    int32_t l = LaneOf(pools_of_queue[was.queue][was.step], was.channel);
    lanes[l].empty = was.empty;  // as last seen: a change to empty is handled below
    lanes[l].empty_since = was.empty_since;
    if (was_of_lane.size() <= static_cast<size_t>(l)) was_of_lane.resize(l + 1);
    was_of_lane[l] = was;
  }

  // Interactions back into their lanes.
  for (InteractionRec* p : live) {
    InteractionRec& ix = *p;
    const uint64_t id = ix.id.value();
    const Queue& nq = center.queues[ix.queue];
    const Queue& oq = old.queues[ix.queue];
    const int plan = static_cast<int>(nq.plan.size());
    if (ix.rules_fired.size() < nq.exceptions.size()) {
      ix.rules_fired.resize(nq.exceptions.size(), false);
    }
    if (!IsWaiting(ix)) {
      // Assigned or wrapping: the lane matters only to Explain, which reads the open ring.
      if (ix.step < plan) {
        ix.lane = LaneOf(pools_of_queue[ix.queue][ix.step], ix.channel);
        const int rings = static_cast<int>(nq.plan[ix.step].rings.size());
        ix.opened_ring = std::min(ix.opened_ring, std::max(rings - 1, 0));
      }
      continue;
    }
    const Step& old_step = oq.plan[ix.step];
    const bool moved = ix.step >= plan;
    if (moved) {
      // Its step is gone: it continues at the new last step, entering it now.
      ix.step = plan - 1;
      ix.step_since = now;
      ix.lane_since = now;
      ++ix.generation;
      ix.opened_ring = 0;
      ix.excluded.clear();
      Event& e = Emit(EventType::kInteractionStepChanged, now);
      e.interaction = ix.id;
      e.queue = QueueId(ix.queue);
      e.step = ix.step;
      e.reason = "reconfigured";
      const Step& s = nq.plan[ix.step];
      int priority = s.priority.value_or(ix.priority);
      if (!s.rings.empty()) priority += s.rings[0].priority_add;
      if (priority != ix.priority) {
        ix.priority = priority;
        Event& pe = Emit(EventType::kInteractionPriorityChanged, now);
        pe.interaction = ix.id;
        pe.queue = QueueId(ix.queue);
        pe.priority = priority;
        pe.reason = "step";
      }
    } else {
      // Rings already open stay open.
      const int rings = static_cast<int>(nq.plan[ix.step].rings.size());
      ix.opened_ring = std::min(ix.opened_ring, std::max(rings - 1, 0));
    }
    const Step& s = nq.plan[ix.step];
    ix.lane = LaneOf(pools_of_queue[ix.queue][ix.step], ix.channel);

    // The step's deadlines, from entering the step.
    const bool offering = ix.state == InteractionState::kOffering;
    if (moved || !SameStepClock(old_step, s) || (offering && !SameRinging(oq, nq))) {
      if (!moved) ++ix.generation;
      ix.known_until = ix.known_agent && s.known_agent_window
                           ? ix.step_since + *s.known_agent_window
                           : Instant{};
      if (ix.known_until > now) {
        AddTimer(ix.known_until, {TimerKind::kRecheck, id, ix.generation, 0});
      }
      for (size_t r = 1; r < s.rings.size(); ++r) {
        Instant at = ix.step_since + s.rings[r].after;
        if (at > now) AddTimer(at, {TimerKind::kRecheck, id, ix.generation, 0});
      }
      if (s.timeout) {
        AddTimer(std::max(now, ix.step_since + *s.timeout),
                 {TimerKind::kStepTimeout, id, ix.generation, 0});
      }
      if (offering && nq.offer_mode == OfferMode::kProgressive && !ix.offers.empty()) {
        AddTimer(now + nq.progressive_step,
                 {TimerKind::kProgressive, id, ix.generation, static_cast<int>(ix.ring_round)});
      }
    }
    // The queue's deadlines, from the place in line.
    const bool queue_clock = !SameQueueClock(oq, nq);
    if (queue_clock) {
      ++ix.queue_gen;
      if (nq.admission.max_wait) {
        AddTimer(std::max(now, ix.age_since + *nq.admission.max_wait),
                 {TimerKind::kMaxWait, id, ix.queue_gen, 0});
      }
      for (size_t r = 0; r < nq.exceptions.size(); ++r) {
        if (nq.exceptions[r].trigger != ExceptionTrigger::kWaitAtLeast || ix.rules_fired[r]) {
          continue;
        }
        AddTimer(std::max(now, ix.age_since + nq.exceptions[r].threshold),
                 {TimerKind::kRuleWait, id, ix.queue_gen, static_cast<int>(r)});
      }
    }
    // "No agents" clocks, from when the lane emptied. A lane that empties with this change
    // starts them for everyone waiting there (OnLaneCountsChanged, below).
    const Lane& lane = lanes[ix.lane];
    if ((queue_clock || moved) && lane.logged_in == 0 && lane.empty) {
      Instant since = std::max(lane.empty_since, ix.lane_since);
      if (nq.admission.max_wait_no_agents) {
        AddTimer(std::max(now, since + *nq.admission.max_wait_no_agents),
                 {TimerKind::kNoAgents, id, ix.queue_gen, -1});
      }
      for (size_t r = 0; r < nq.exceptions.size(); ++r) {
        if (nq.exceptions[r].trigger != ExceptionTrigger::kNoEligibleAgentsFor) continue;
        AddTimer(std::max(now, since + nq.exceptions[r].threshold),
                 {TimerKind::kNoAgents, id, ix.queue_gen, static_cast<int>(r)});
      }
    }
    // Profile delays new to this queue.
    const std::vector<Duration>& before = old_delays[ix.queue];
    for (Duration d : profile_delays[ix.queue]) {
      if (std::find(before.begin(), before.end(), d) == before.end() && ix.age_since + d > now) {
        AddTimer(ix.age_since + d, {TimerKind::kRecheck, id, 0, 1});
      }
    }
    // Back in line by its own key; an interaction ringing as many agents as its (new) offer mode
    // allows waits for them outside the line.
    if (ix.state == InteractionState::kQueued || TakesMoreAgents(ix)) InsertWaiting(ix);
  }

  // Lanes whose agent counts changed: as after any count change (clocks of a lane that emptied,
  // leave-when-empty, skip-when-empty rings). May end interactions and make offers.
  for (size_t l = 0; l < was_of_lane.size(); ++l) {
    if (!was_of_lane[l]) continue;
    const LaneWas& was = *was_of_lane[l];
    Lane& lane = lanes[l];
    const bool leave_changed = old.queues[was.queue].admission.leave_when_empty !=
                               center.queues[was.queue].admission.leave_when_empty;
    if (leave_changed || was.members != lane.members || was.logged_in != lane.logged_in ||
        was.ready != lane.ready || lane.empty != (lane.logged_in == 0)) {
      OnLaneCountsChanged(lane, now);
    }
  }
}

void Engine::Impl::RouteAll(Instant now) {
  std::vector<InteractionId> waiting;
  for (const auto& [id, ix] : interactions) {
    if (IsWaiting(ix)) waiting.push_back(ix.id);
  }
  std::sort(waiting.begin(), waiting.end());
  // Rings that the new timings opened, where TryRoute would look (so that agents see them).
  for (InteractionId id : waiting) {
    InteractionRec* ix = Find(id);
    if (ix == nullptr || ix->lane < 0) continue;
    const Queue& q = QueueDef(ix->queue);
    const bool several =
        q.offer_mode == OfferMode::kParallel || q.offer_mode == OfferMode::kRingAll;
    if (ix->state == InteractionState::kQueued ||
        (several && ix->state == InteractionState::kOffering)) {
      UpdateRing(*ix, now);
    }
  }
  // Agents choose first, by their profiles, as when they become ready.
  std::vector<uint32_t> ready;
  for (uint32_t a = 0; a < agents.size(); ++a) {
    if (agents[a].presence == Presence::kReady) ready.push_back(a);
  }
  ServeFreed(ready, now);
  // Then every interaction still waiting, in line order lane by lane, takes the agents its offer
  // mode asks for.
  std::vector<uint64_t> line;
  for (size_t l = 0; l < lanes.size(); ++l) {
    line.clear();
    for (const internal::WaitKey& wk : lanes[l].waiting) line.push_back(wk.id);
    for (uint64_t id : line) {
      if (InteractionRec* ix = Find(InteractionId(id))) TryRoute(*ix, now);
    }
  }
}

}  // namespace hotline::core
