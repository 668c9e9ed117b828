// Pools, lanes, eligibility and matching: the decisions of the engine (engine.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "core/engine_impl.h"

namespace hotline::core {

using internal::AgentKey;
using internal::AgentRec;
using internal::InteractionRec;
using internal::Lane;
using internal::LaneSlot;
using internal::Pool;
using internal::PoolMember;
using internal::WaitKey;

namespace {

// Expression scope over one agent: agent.skill.<id>, agent.id, agent.<attribute>.
class AgentScope final : public ExpressionScope {
 public:
  AgentScope(const CenterDefinition& center, const AgentDefinition& def, const AgentRec& rec)
      : center_(center), def_(def), rec_(rec) {}
  Value Lookup(const KeyPath& key) const override {
    if (key.root != KeyRoot::kAgent || key.parts.empty()) return {};
    if (key.parts.size() == 2 && key.parts[0] == "skill") {
      auto skill = center_.FindSkill(key.parts[1]);
      if (!skill) return {};
      for (auto& [s, level] : rec_.skills) {
        if (s == skill->value()) return Value(level);
      }
      return {};
    }
    if (key.parts.size() == 1 && key.parts[0] == "id") return Value(def_.id);
    if (key.parts.size() == 1) {
      auto it = def_.attributes.find(key.parts[0]);
      if (it != def_.attributes.end()) return it->second;
    }
    return {};
  }

 private:
  const CenterDefinition& center_;
  const AgentDefinition& def_;
  const AgentRec& rec_;
};

// Expression scope over one interaction: task.<attribute>, task.wait_s, task.priority,
// task.channel, task.queue, queue.ready_agents, queue.waiting, time.hhmm, time.dow. A bare key is
// a task attribute (TaskRouter's habit).
class TaskScope final : public ExpressionScope {
 public:
  TaskScope(const CenterDefinition& center, const InteractionRec& ix, int ready, int waiting,
            Instant now)
      : center_(center), ix_(ix), ready_(ready), waiting_(waiting), now_(now) {}
  Value Lookup(const KeyPath& key) const override {
    if (key.parts.empty()) return {};
    const std::string& first = key.parts[0];
    switch (key.root) {
      case KeyRoot::kTask:
        if (key.parts.size() == 1) {
          if (first == "wait_s") return Value(ToSeconds(now_ - ix_.age_since));
          if (first == "priority") return Value(ix_.priority);
          if (first == "channel") return Value(std::string(ChannelName(ix_.channel)));
          if (first == "queue") return Value(center_.queues[ix_.queue].id);
        }
        return Attribute(key.parts);
      case KeyRoot::kBare:
        return Attribute(key.parts);
      case KeyRoot::kQueue:
        if (first == "ready_agents") return Value(ready_);
        if (first == "waiting") return Value(waiting_);
        return {};
      case KeyRoot::kTime: {
        int64_t local_s =
            ToMicros(now_) / 1'000'000 + int64_t{center_.settings.utc_offset_minutes} * 60;
        int64_t day = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
        int64_t of_day = local_s - day * 86400;
        if (first == "hhmm") return Value(static_cast<int>(of_day / 3600 * 100 + of_day / 60 % 60));
        // 1970-01-01 was a Thursday (4); ISO days: Monday 1 ... Sunday 7.
        if (first == "dow") return Value(static_cast<int>(((day % 7 + 7) % 7 + 3) % 7 + 1));
        return {};
      }
      case KeyRoot::kAgent:
        return {};
    }
    return {};
  }

 private:
  Value Attribute(const std::vector<std::string>& parts) const {
    // Dotted attribute names are looked up whole: task.customer.tier -> "customer.tier".
    std::string name = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) name += "." + parts[i];
    auto it = ix_.attributes.find(name);
    return it == ix_.attributes.end() ? Value() : it->second;
  }
  const CenterDefinition& center_;
  const InteractionRec& ix_;
  int ready_;
  int waiting_;
  Instant now_;
};

// Agent keys from the agent, everything else from the task: for ring `add` expressions.
class AgentTaskScope final : public ExpressionScope {
 public:
  AgentTaskScope(const AgentScope& agent, const TaskScope& task) : agent_(agent), task_(task) {}
  Value Lookup(const KeyPath& key) const override {
    return key.root == KeyRoot::kAgent ? agent_.Lookup(key) : task_.Lookup(key);
  }

 private:
  const AgentScope& agent_;
  const TaskScope& task_;
};

bool ReadsTask(const Expression& e) {
  return e.Reads(KeyRoot::kTask) || e.Reads(KeyRoot::kBare) || e.Reads(KeyRoot::kQueue) ||
         e.Reads(KeyRoot::kTime);
}

bool IsDynamic(AgentOrder o) {
  return o == AgentOrder::kRandom || o == AgentOrder::kWeightedRandom ||
         o == AgentOrder::kLeastOccupied;
}

int Capacity(const AgentDefinition& def, Channel c) {
  int cap = def.capacity[static_cast<int>(c)];
  // A callback is a phone call: without its own capacity it uses the voice capacity.
  if (c == Channel::kCallback && cap == 0) cap = def.capacity[static_cast<int>(Channel::kVoice)];
  return cap;
}

bool IsCall(Channel c) { return c == Channel::kVoice || c == Channel::kCallback; }

}  // namespace

int Engine::Impl::SkillLevel(const AgentRec& a, SkillId s) const {
  for (auto& [skill, level] : a.skills) {
    if (skill == s.value()) return level;
  }
  return 0;
}

bool Engine::Impl::MeetsOptional(const AgentRec& a, const Step& step) const {
  for (const auto& r : step.requirements) {
    if (r.optional && SkillLevel(a, r.skill) < r.min_level) return false;
  }
  return true;
}

bool Engine::Impl::IsPoolMember(uint32_t agent, const Pool& pool, PoolMember* out) const {
  const Queue& q = QueueDef(pool.pool_queue);
  const AgentDefinition& def = center.agents[agent];
  const AgentRec& rec = agents[agent];
  PoolMember m{agent, 1, 0, -1};
  bool member = q.members.empty() && !q.membership;
  for (const auto& qm : q.members) {
    if (qm.agent.value() == agent) {
      member = true;
      m.tier = qm.tier;
      m.position = qm.position;
      break;
    }
  }
  if (!member && q.membership) member = q.membership->Matches(AgentScope(center, def, rec));
  bool qualified = member;
  if (qualified) {
    for (const auto& r : pool.step_def->requirements) {
      if (!r.optional && SkillLevel(rec, r.skill) < r.min_level) qualified = false;
    }
  }
  if (!qualified) {
    // Not a member: a ring's `add` expression may still bring the agent in.
    const auto& rings = pool.step_def->rings;
    for (size_t i = 0; i < rings.size(); ++i) {
      // An expression that reads the task is decided per interaction (Check); one that reads
      // only the agent is decided here, once.
      if (rings[i].add &&
          (ReadsTask(*rings[i].add) || rings[i].add->Matches(AgentScope(center, def, rec)))) {
        m.added_by_ring = static_cast<int>(i);
        m.tier = std::numeric_limits<int>::max();
        *out = m;
        return true;
      }
    }
    return false;
  }
  *out = m;
  return true;
}

void Engine::Impl::BuildPools() {
  pools_of_queue.assign(center.queues.size(), {});
  for (uint32_t q = 0; q < center.queues.size(); ++q) {
    const Queue& def = center.queues[q];
    for (size_t s = 0; s < def.plan.size(); ++s) {
      Pool pool;
      pool.queue = q;
      pool.step = static_cast<int>(s);
      pool.pool_queue = def.plan[s].queue ? def.plan[s].queue->value() : q;
      pool.step_def = &def.plan[s];
      pools_of_queue[q].push_back(static_cast<uint32_t>(pools.size()));
      pools.push_back(std::move(pool));
    }
  }
  for (uint32_t a = 0; a < agents.size(); ++a) AttachAgent(a);
}

void Engine::Impl::CountAgentInLane(Lane& lane, const PoolMember& m, const AgentRec& a, int sign) {
  if (a.presence == Presence::kLoggedOut) return;
  lane.logged_in += sign;
  if (a.presence == Presence::kReady) lane.ready += sign;
  if (m.added_by_ring >= 0) {
    if (lane.logged_in_added.size() <= static_cast<size_t>(m.added_by_ring)) {
      lane.logged_in_added.resize(m.added_by_ring + 1);
    }
    lane.logged_in_added[m.added_by_ring] += sign;
  } else {
    int& n = lane.logged_in_by_tier[m.tier];
    n += sign;
    if (n == 0) lane.logged_in_by_tier.erase(m.tier);
  }
}

int32_t Engine::Impl::LaneOf(uint32_t pool_index, Channel c) {
  Pool& pool = pools[pool_index];
  int32_t& lane_index = pool.lane[static_cast<int>(c)];
  if (lane_index >= 0) return lane_index;
  lane_index = static_cast<int32_t>(lanes.size());
  lanes.emplace_back(&node_memory);
  Lane& lane = lanes.back();
  lane.pool = pool_index;
  lane.channel = c;
  for (AgentOrder o : QueueDef(pool.queue).agent_order) lane.dynamic_order |= IsDynamic(o);
  for (size_t i = 0; i < pool.members.size(); ++i) {
    const PoolMember& m = pool.members[i];
    if (m.agent == std::numeric_limits<uint32_t>::max()) continue;
    if (Capacity(center.agents[m.agent], c) <= 0) continue;
    AgentRec& a = agents[m.agent];
    ++lane.members;
    CountAgentInLane(lane, m, a, +1);
    a.slots.push_back(LaneSlot{lane_index, static_cast<int32_t>(i), false, {}});
  }
  lane.empty = lane.logged_in == 0;
  // Index the routable ones. `lanes` may not reallocate below: nothing adds lanes here.
  for (size_t i = 0; i < pool.members.size(); ++i) {
    const PoolMember& m = pool.members[i];
    if (m.agent == std::numeric_limits<uint32_t>::max()) continue;
    AgentRec& a = agents[m.agent];
    for (LaneSlot& slot : a.slots) {
      if (slot.lane != lane_index || !Routable(a, c)) continue;
      slot.at = lane.available.insert(KeyOf(m.agent, lane, m)).first;
      slot.indexed = true;
    }
  }
  return lane_index;
}

void Engine::Impl::AttachAgent(uint32_t agent) {
  AgentRec& a = agents[agent];
  for (uint32_t p = 0; p < pools.size(); ++p) {
    PoolMember m;
    if (!IsPoolMember(agent, pools[p], &m)) continue;
    Pool& pool = pools[p];
    // Reuse an entry freed by a skill change, so that changes do not grow the pool.
    int32_t member_index;
    if (!pool.free_members.empty()) {
      member_index = pool.free_members.back();
      pool.free_members.pop_back();
      pool.members[member_index] = m;
    } else {
      member_index = static_cast<int32_t>(pool.members.size());
      pool.members.push_back(m);
    }
    a.pools.emplace_back(p, member_index);
    for (Channel c : kAllChannels) {
      int32_t l = pool.lane[static_cast<int>(c)];
      if (l < 0 || Capacity(center.agents[agent], c) <= 0) continue;
      Lane& lane = lanes[l];
      ++lane.members;
      CountAgentInLane(lane, m, a, +1);
      a.slots.push_back(LaneSlot{l, member_index, false, {}});
    }
  }
  // Slots in lane order, as LaneOf leaves them: the order of lane updates after a change (and
  // so of their events) does not depend on the history of the agent's skill changes.
  std::sort(a.slots.begin(), a.slots.end(),
            [](const LaneSlot& x, const LaneSlot& y) { return x.lane < y.lane; });
}

void Engine::Impl::DetachAgent(uint32_t agent) {
  AgentRec& a = agents[agent];
  for (LaneSlot& slot : a.slots) {
    Lane& lane = lanes[slot.lane];
    if (slot.indexed) lane.available.erase(slot.at);
    --lane.members;
    CountAgentInLane(lane, pools[lane.pool].members[slot.member], a, -1);
  }
  for (auto [p, member] : a.pools) {
    pools[p].members[member].agent = std::numeric_limits<uint32_t>::max();
    pools[p].free_members.push_back(member);
  }
  a.slots.clear();
  a.pools.clear();
}

bool Engine::Impl::Routable(const AgentRec& a, Channel c) const {
  if (a.presence != Presence::kReady || a.in_backoff) return false;
  const AgentDefinition& def = center.agents[&a - agents.data()];
  int ci = static_cast<int>(c);
  if (a.load[ci] >= Capacity(def, c)) return false;
  switch (def.cross_channel) {
    case CrossChannelRule::kAny:
      return true;
    case CrossChannelRule::kSameChannelOnly:
      for (int i = 0; i < kChannelCount; ++i) {
        if (i != ci && a.load[i] > 0) return false;
      }
      return true;
    case CrossChannelRule::kExclusive: {
      // Calls (voice and callback) share the voice capacity and exclude everything else.
      int calls =
          a.load[static_cast<int>(Channel::kVoice)] + a.load[static_cast<int>(Channel::kCallback)];
      int total = 0;
      for (int n : a.load) total += n;
      if (IsCall(c)) return total == calls && calls < Capacity(def, Channel::kVoice);
      return calls == 0;
    }
  }
  return false;
}

AgentKey Engine::Impl::KeyOf(uint32_t agent, const Lane& lane, const PoolMember& m) const {
  const AgentRec& a = agents[agent];
  const Pool& pool = pools[lane.pool];
  const Queue& q = QueueDef(pool.queue);
  AgentKey key;
  key.agent = agent;
  size_t n = std::min<size_t>(q.agent_order.size(), internal::kKeyWidth);
  for (size_t i = 0; i < n; ++i) {
    int64_t v = 0;
    switch (q.agent_order[i]) {
      case AgentOrder::kTier:
        v = m.tier;
        break;
      case AgentOrder::kLongestIdle:
        v = ToMicros(a.last_acd_end);
        break;
      case AgentOrder::kLeastTalkTime:
        v = a.talk_time.count();
        break;
      case AgentOrder::kFewestHandled:
        v = a.handled;
        break;
      case AgentOrder::kMostSkilled:
        for (const auto& r : pool.step_def->requirements) v -= SkillLevel(a, r.skill);
        break;
      case AgentOrder::kRoundRobin:
        v = static_cast<int64_t>(a.last_offer_seq);
        break;
      case AgentOrder::kTopDown:
        v = m.position;
        break;
      case AgentOrder::kSequentialByPosition:
        v = (static_cast<int64_t>(m.tier) << 32) + m.position;
        break;
      case AgentOrder::kMostAvailableCapacity:
        v = a.load[static_cast<int>(lane.channel)] - Capacity(center.agents[agent], lane.channel);
        break;
      case AgentOrder::kRandom:
      case AgentOrder::kWeightedRandom:
      case AgentOrder::kLeastOccupied:
        v = 0;  // decided at offer time (dynamic_order)
        break;
    }
    key.k[i] = v;
  }
  return key;
}

void Engine::Impl::Refresh(uint32_t agent, Instant /*now*/) {
  AgentRec& a = agents[agent];
  for (LaneSlot& slot : a.slots) {
    Lane& lane = lanes[slot.lane];
    bool routable = Routable(a, lane.channel);
    if (!routable) {
      if (slot.indexed) {
        lane.available.erase(slot.at);
        slot.indexed = false;
      }
      continue;
    }
    AgentKey key = KeyOf(agent, lane, pools[lane.pool].members[slot.member]);
    if (slot.indexed && key == *slot.at) continue;
    if (slot.indexed) lane.available.erase(slot.at);
    slot.at = lane.available.insert(key).first;
    slot.indexed = true;
  }
}

const PoolMember* Engine::Impl::MemberOf(uint32_t agent, uint32_t pool) const {
  for (auto [p, member] : agents[agent].pools) {
    if (p == pool) return &pools[p].members[member];
  }
  return nullptr;
}

int Engine::Impl::CurrentRing(const InteractionRec& ix, const Lane& lane, Instant now) const {
  const Step& step = *pools[lane.pool].step_def;
  int n = static_cast<int>(step.rings.size());
  int r = ix.opened_ring;
  while (r + 1 < n && ix.step_since + step.rings[r + 1].after <= now) ++r;
  if (step.skip_when_empty) {
    auto logged_in = [&](int ring) {
      int count = 0;
      const auto& max_tier = step.rings[ring].max_tier;
      for (auto [tier, c] : lane.logged_in_by_tier) {
        if (!max_tier || tier <= *max_tier) count += c;
      }
      for (int i = 0; i <= ring && i < static_cast<int>(lane.logged_in_added.size()); ++i) {
        count += lane.logged_in_added[i];
      }
      return count;
    };
    while (r + 1 < n && logged_in(r) == 0) ++r;
  }
  return r;
}

void Engine::Impl::UpdateRing(InteractionRec& ix, Instant now) {
  if (ix.lane < 0) return;
  const Step& step = *pools[lanes[ix.lane].pool].step_def;
  if (step.rings.empty()) return;
  int r = CurrentRing(ix, lanes[ix.lane], now);
  int add = 0;
  for (int k = ix.opened_ring + 1; k <= r; ++k) add += step.rings[k].priority_add;
  ix.opened_ring = std::max(ix.opened_ring, r);
  if (add != 0) {
    bool waiting = ix.in_waiting;
    if (waiting) RemoveWaiting(ix);
    ix.priority += add;
    Event& e = Emit(EventType::kInteractionPriorityChanged, now);
    e.interaction = ix.id;
    e.priority = ix.priority;
    e.queue = QueueId(ix.queue);
    e.reason = "ring";
    if (waiting) InsertWaiting(ix);
  }
}

Ineligibility Engine::Impl::Check(uint32_t agent, const PoolMember& m, const InteractionRec& ix,
                                  Instant now, Instant* until) const {
  for (OfferId o : ix.offers) {
    if (offers.at(o.value()).agent == agent) return Ineligibility::kOffered;
  }
  if (std::find(ix.excluded.begin(), ix.excluded.end(), agent) != ix.excluded.end()) {
    return Ineligibility::kExcluded;
  }
  if (ix.known_agent && now < ix.known_until && ix.known_agent->value() != agent) {
    *until = ix.known_until;
    return Ineligibility::kKnownAgentOnly;
  }
  if (ix.state == InteractionState::kOffering && !ix.offers.empty() &&
      QueueDef(ix.queue).offer_mode == OfferMode::kRingAll && m.tier > RingingTier(ix)) {
    return Ineligibility::kRingNotOpen;  // a better tier is ringing
  }
  const Step& step = *pools[lanes[ix.lane].pool].step_def;
  if (!step.rings.empty()) {
    int ring = ix.opened_ring;
    auto opens = [&](auto admits) {
      for (size_t r = ring + 1; r < step.rings.size(); ++r) {
        if (admits(step.rings[r], static_cast<int>(r))) return ix.step_since + step.rings[r].after;
      }
      return Instant::max();
    };
    if (m.added_by_ring >= 0) {
      if (m.added_by_ring > ring) {
        *until = ix.step_since + step.rings[m.added_by_ring].after;
        return Ineligibility::kRingNotOpen;
      }
      // Some open ring's `add` must admit this agent for this interaction.
      const Lane& lane = lanes[ix.lane];
      AgentScope agent_scope(center, center.agents[agent], agents[agent]);
      TaskScope task_scope(center, ix, lane.ready, waiting_in_queue[ix.queue], now);
      AgentTaskScope both(agent_scope, task_scope);
      bool admitted = false;
      for (int r = m.added_by_ring; r <= ring && !admitted; ++r) {
        admitted = step.rings[r].add && step.rings[r].add->Matches(both);
      }
      if (!admitted) {
        *until = opens([](const Ring& r, int) { return r.add.has_value(); });
        return *until == Instant::max() ? Ineligibility::kNotMember : Ineligibility::kRingNotOpen;
      }
    } else if (step.rings[ring].max_tier && m.tier > *step.rings[ring].max_tier) {
      *until = opens([&](const Ring& r, int) { return !r.max_tier || m.tier <= *r.max_tier; });
      return Ineligibility::kRingNotOpen;
    }
    bool dropped = false;
    for (int r = 0; r <= ring; ++r) dropped |= step.rings[r].drop_optional;
    if (!dropped && !MeetsOptional(agents[agent], step)) return Ineligibility::kRequirementNotMet;
  } else if (!MeetsOptional(agents[agent], step)) {
    return Ineligibility::kRequirementNotMet;
  }
  const AgentDefinition& def = center.agents[agent];
  if (def.profile) {
    for (const auto& pq : center.profiles[def.profile->value()].queues) {
      if (pq.queue.value() == ix.queue && pq.delay.count() > 0 && now < ix.age_since + pq.delay) {
        *until = ix.age_since + pq.delay;
        return Ineligibility::kProfileDelay;
      }
    }
  }
  return Ineligibility::kEligible;
}

WaitKey Engine::Impl::WaitKeyOf(const InteractionRec& ix) const {
  const Queue& q = QueueDef(ix.queue);
  int64_t age = ToMicros(ix.age_since);
  WaitKey k;
  k.id = ix.id.value();
  if (q.task_order == TaskOrder::kTimeOffset) {
    int64_t boost = static_cast<int64_t>(ix.priority) * q.seconds_per_point.count();
    k.a = q.lifo ? -age - boost : age - boost;
  } else {
    k.a = -static_cast<int64_t>(ix.priority);
    k.b = q.lifo ? -age : age;
  }
  return k;
}

void Engine::Impl::InsertWaiting(InteractionRec& ix) {
  HOTLINE_CHECK(!ix.in_waiting && ix.lane >= 0, "interaction inserted twice");
  ix.wait_key = WaitKeyOf(ix);
  lanes[ix.lane].waiting.insert(ix.wait_key);
  ix.in_waiting = true;
}

void Engine::Impl::RemoveWaiting(InteractionRec& ix) {
  if (!ix.in_waiting) return;
  lanes[ix.lane].waiting.erase(ix.wait_key);
  ix.in_waiting = false;
}

void Engine::Impl::TryRoute(InteractionRec& ix, Instant now) {
  if (ix.lane < 0) return;
  Lane& lane = lanes[ix.lane];
  const Queue& q = QueueDef(pools[lane.pool].queue);
  // A ringing interaction may take more agents only in the modes that ring several.
  bool several = q.offer_mode == OfferMode::kParallel || q.offer_mode == OfferMode::kRingAll;
  if (ix.state != InteractionState::kQueued &&
      !(several && ix.state == InteractionState::kOffering)) {
    return;
  }
  UpdateRing(ix, now);
  size_t want = 1;
  if (q.offer_mode == OfferMode::kParallel) {
    size_t n = static_cast<size_t>(q.parallel_count);
    want = ix.offers.size() >= n ? 0 : n - ix.offers.size();
  }
  if (q.offer_mode == OfferMode::kRingAll) want = std::numeric_limits<size_t>::max();
  if (want == 0) return;

  struct Candidate {
    AgentKey key;
    double dynamic[internal::kKeyWidth];
    int tier;
  };
  std::vector<Candidate> chosen;
  Instant until;
  if (!lane.dynamic_order) {
    for (const AgentKey& key : lane.available) {
      const PoolMember* m = MemberOf(key.agent, lane.pool);
      if (m == nullptr || Check(key.agent, *m, ix, now, &until) != Ineligibility::kEligible) {
        continue;
      }
      chosen.push_back({key, {}, m->tier});
      if (chosen.size() >= want) break;
    }
  } else {
    std::vector<Candidate> all;
    for (const AgentKey& key : lane.available) {
      const PoolMember* m = MemberOf(key.agent, lane.pool);
      if (m == nullptr || Check(key.agent, *m, ix, now, &until) != Ineligibility::kEligible) {
        continue;
      }
      Candidate c{key, {}, m->tier};
      const AgentRec& a = agents[key.agent];
      size_t n = std::min<size_t>(q.agent_order.size(), internal::kKeyWidth);
      for (size_t i = 0; i < n; ++i) {
        double v = static_cast<double>(key.k[i]);
        switch (q.agent_order[i]) {
          case AgentOrder::kRandom:
            v = random.Unit();
            break;
          case AgentOrder::kWeightedRandom:
            // Efraimidis-Spirakis: the largest u^(1/w) is a weighted draw; negate to sort up.
            v = -std::pow(random.Unit(), 1.0 / center.agents[key.agent].weight);
            break;
          case AgentOrder::kLeastOccupied: {
            Duration logged = now - a.logged_in_at;
            Duration busy = a.busy_time;
            if (a.load != std::array<int, kChannelCount>{}) busy += now - a.busy_since;
            v = logged.count() > 0 ? static_cast<double>(busy.count()) / logged.count() : 0.0;
            break;
          }
          default:
            break;
        }
        c.dynamic[i] = v;
      }
      all.push_back(c);
    }
    auto less = [&](const Candidate& x, const Candidate& y) {
      for (size_t i = 0; i < internal::kKeyWidth; ++i) {
        if (x.dynamic[i] != y.dynamic[i]) return x.dynamic[i] < y.dynamic[i];
      }
      return x.key.agent < y.key.agent;
    };
    std::sort(all.begin(), all.end(), less);
    for (auto& c : all) {
      chosen.push_back(c);
      if (chosen.size() >= want) break;
    }
  }
  if (q.offer_mode == OfferMode::kRingAll && !chosen.empty()) {
    // Ring all: every eligible agent of the best tier among the eligible (Check keeps out the
    // tiers worse than one already ringing).
    int best = chosen[0].tier;
    for (auto& c : chosen) best = std::min(best, c.tier);
    std::erase_if(chosen, [&](const Candidate& c) { return c.tier != best; });
  }
  if (chosen.empty()) return;
  InteractionId id = ix.id;
  for (const Candidate& c : chosen) {
    InteractionRec* live = Find(id);
    if (live == nullptr) return;
    MakeOffer(*live, c.key.agent, now);
  }
}

void Engine::Impl::ServeFreed(const std::vector<uint32_t>& freed, Instant now) {
  std::vector<InteractionId> fan_outs;
  for (uint32_t agent : freed) TryServeAgent(agent, now, &fan_outs);
  std::sort(fan_outs.begin(), fan_outs.end(), [&](InteractionId x, InteractionId y) {
    const InteractionRec* a = Find(x);
    const InteractionRec* b = Find(y);
    if (a == nullptr || b == nullptr) return (a == nullptr) > (b == nullptr) || x < y;
    return std::tuple(-a->priority, a->age_since, a->id) <
           std::tuple(-b->priority, b->age_since, b->id);
  });
  for (InteractionId id : fan_outs) {
    if (InteractionRec* ix = Find(id)) TryRoute(*ix, now);
  }
}

void Engine::Impl::TryServeAgent(uint32_t agent, Instant now,
                                 std::vector<InteractionId>* fan_outs) {
  AgentRec& a = agents[agent];
  const AgentDefinition& def = center.agents[agent];
  const RoutingProfile* profile = def.profile ? &center.profiles[def.profile->value()] : nullptr;
  // Cross-lane order: profile priority, then queue weight, then priority, then age.
  using Rank = std::tuple<int64_t, int64_t, int64_t, int64_t, uint64_t>;
  // Each pass makes an offer (using capacity) or hands an interaction to a better-placed agent;
  // both end. Passing the guard means that invariant broke.
  for (int guard = 0;; ++guard) {
    HOTLINE_CHECK(guard < 1 << 20, "TryServeAgent does not converge");
    InteractionRec* best = nullptr;
    Rank best_rank{};
    for (const LaneSlot& slot : a.slots) {
      Lane& lane = lanes[slot.lane];
      if (lane.waiting.empty() || !Routable(a, lane.channel)) continue;
      const Pool& pool = pools[lane.pool];
      const PoolMember& m = pool.members[slot.member];
      InteractionRec* pick = nullptr;
      Instant until;
      for (const WaitKey& wk : lane.waiting) {
        InteractionRec& ix = interactions.at(wk.id);
        if (Check(agent, m, ix, now, &until) == Ineligibility::kEligible) {
          pick = &ix;
          break;
        }
      }
      if (pick == nullptr) continue;
      int64_t queue_priority = 0;
      if (profile != nullptr) {
        queue_priority = std::numeric_limits<int32_t>::max();
        for (const auto& pq : profile->queues) {
          if (pq.queue.value() == pick->queue) queue_priority = pq.priority;
        }
      }
      Rank rank = (profile != nullptr && profile->global_longest_waiting)
                      ? Rank{0, 0, 0, ToMicros(pick->age_since), pick->id.value()}
                      : Rank{queue_priority, -QueueDef(pick->queue).weight, -pick->priority,
                             ToMicros(pick->age_since), pick->id.value()};
      if (best == nullptr || rank < best_rank) {
        best = pick;
        best_rank = rank;
      }
    }
    if (best == nullptr) return;
    InteractionId id = best->id;
    // The interaction's own preference counts too: when its lane holds an eligible agent who
    // comes before this one in the queue's agent order, that agent takes it, and this agent
    // chooses again.
    if (HasBetterAgent(*best, agent, now)) {
      TryRoute(*best, now);
      continue;
    }
    MakeOffer(*best, agent, now);
    // Parallel and ring-all ring the other eligible agents too.
    InteractionRec* live = Find(id);
    if (live != nullptr && TakesMoreAgents(*live)) {
      if (fan_outs != nullptr) {
        fan_outs->push_back(id);
      } else {
        TryRoute(*live, now);
      }
    }
  }
}

void Engine::Impl::MakeOffer(InteractionRec& ix, uint32_t agent, Instant now) {
  AgentRec& a = agents[agent];
  internal::OfferRec offer;
  offer.id = OfferId(next_offer++);
  offer.interaction = ix.id;
  offer.agent = agent;
  offer.offered_at = now;
  offer.deadline = now + OfferTimeoutOf(ix);
  offer.timer =
      AddTimer(offer.deadline, {internal::TimerKind::kOfferTimeout, offer.id.value(), 0, 0});
  NewOffer(offer);
  ix.offers.push_back(offer.id);
  ix.state = InteractionState::kOffering;
  if (!TakesMoreAgents(ix)) RemoveWaiting(ix);
  ++a.pending_offers;
  a.last_offer_seq = ++offer_seq;
  AddLoad(agent, ix.channel, +1, now);
  Event& e = Emit(EventType::kInteractionOffered, now);
  e.interaction = ix.id;
  e.agent = AgentId(agent);
  e.offer = offer.id;
  e.queue = QueueId(ix.queue);
  e.channel = ix.channel;
  Effect_(EffectType::kRingAgent, ix, agent, offer.id, offer.deadline);
  const Queue& q = QueueDef(ix.queue);
  if (q.offer_mode == OfferMode::kProgressive && ix.offers.size() == 1) {
    ++ix.ring_round;
    AddTimer(now + q.progressive_step, {internal::TimerKind::kProgressive, ix.id.value(),
                                        ix.generation, static_cast<int>(ix.ring_round)});
  }
  UpdateRoutingState(agent, now);
  Refresh(agent, now);
}

bool Engine::Impl::HasBetterAgent(const InteractionRec& ix, uint32_t agent, Instant now) const {
  const Lane& lane = lanes[ix.lane];
  if (lane.dynamic_order || lane.available.empty()) return false;
  const PoolMember* me = MemberOf(agent, lane.pool);
  if (me == nullptr) return false;
  AgentKey mine = KeyOf(agent, lane, *me);
  Instant until;
  for (const AgentKey& key : lane.available) {
    if (!(key < mine)) return false;
    if (key.agent == agent) continue;
    const PoolMember* m = MemberOf(key.agent, lane.pool);
    if (m != nullptr && Check(key.agent, *m, ix, now, &until) == Ineligibility::kEligible) {
      return true;
    }
  }
  return false;
}

bool Engine::Impl::TakesMoreAgents(const InteractionRec& ix) const {
  const Queue& q = QueueDef(ix.queue);
  if (q.offer_mode == OfferMode::kRingAll) return true;
  return q.offer_mode == OfferMode::kParallel &&
         ix.offers.size() < static_cast<size_t>(q.parallel_count);
}

int Engine::Impl::RingingTier(const InteractionRec& ix) const {
  int best = std::numeric_limits<int>::max();
  for (OfferId o : ix.offers) {
    const PoolMember* m = MemberOf(offers.at(o.value()).agent, lanes[ix.lane].pool);
    if (m != nullptr) best = std::min(best, m->tier);
  }
  return best;
}

bool Engine::Impl::LaneEmpty(const Lane& lane, EmptyWhen when) const {
  switch (when) {
    case EmptyWhen::kNever:
      return false;
    case EmptyWhen::kNoMembers:
      return lane.members == 0;
    case EmptyWhen::kNoLoggedIn:
      return lane.logged_in == 0;
    case EmptyWhen::kNoReady:
      return lane.ready == 0;
  }
  return false;
}

void Engine::Impl::OnLaneCountsChanged(Lane& lane, Instant now) {
  const Pool& pool = pools[lane.pool];
  const Queue& q = QueueDef(pool.queue);
  std::vector<uint64_t> waiting;
  for (const WaitKey& wk : lane.waiting) waiting.push_back(wk.id);
  bool now_empty = lane.logged_in == 0;
  if (now_empty && !lane.empty) {
    lane.empty_since = now;
    // Start the no-agent clocks of everyone waiting here.
    for (uint64_t id : waiting) {
      InteractionRec& ix = interactions.at(id);
      if (q.admission.max_wait_no_agents) {
        AddTimer(std::max(lane.empty_since, ix.lane_since) + *q.admission.max_wait_no_agents,
                 {internal::TimerKind::kNoAgents, id, ix.queue_gen, -1});
      }
      for (size_t r = 0; r < q.exceptions.size(); ++r) {
        if (q.exceptions[r].trigger != ExceptionTrigger::kNoEligibleAgentsFor) continue;
        AddTimer(std::max(lane.empty_since, ix.lane_since) + q.exceptions[r].threshold,
                 {internal::TimerKind::kNoAgents, id, ix.queue_gen, static_cast<int>(r)});
      }
    }
  }
  lane.empty = now_empty;
  if (LaneEmpty(lane, q.admission.leave_when_empty)) {
    for (uint64_t id : waiting) {
      auto it = interactions.find(id);
      if (it != interactions.end() && it->second.state == InteractionState::kQueued) {
        EndWaiting(it->second, InteractionState::kExited, "empty", now);
      }
    }
    return;
  }
  if (pool.step_def->skip_when_empty) {
    for (uint64_t id : waiting) {
      auto it = interactions.find(id);
      if (it != interactions.end()) TryRoute(it->second, now);
    }
  }
}

bool Engine::Impl::StepAdmits(const Step& step, const InteractionRec& ix, int step_index,
                              Instant now) {
  if (!step.when) return true;
  const Lane& lane = lanes[LaneOf(pools_of_queue[ix.queue][step_index], ix.channel)];
  return step.when->Matches(TaskScope(center, ix, lane.ready, waiting_in_queue[ix.queue], now));
}

double Engine::Impl::EstimatedWaitS(const InteractionRec& ix) const {
  int ahead = waiting_in_queue[ix.queue];
  int agents_in = ix.lane >= 0 ? lanes[ix.lane].logged_in : 0;
  if (agents_in == 0) return std::numeric_limits<double>::infinity();
  return ahead * mean_handle_s[ix.queue] / agents_in;
}

}  // namespace hotline::core
