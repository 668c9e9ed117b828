// Engine::SaveState and Engine::Restore (engine.h): the engine's records as a binary blob, and an
// engine rebuilt from one.
//
// Only records are stored; pools, lanes' indexes and counts, slots, waiting counts and profile
// delays are derived, and Restore rebuilds them from the records as Reconfigure does (pools
// first, then the lanes in their saved order, so that lane indices — and the order in which
// lanes are visited — are the live engine's). What decides an order is stored as it was: the
// lanes' order, each waiting interaction's key (its place in line), each interaction's list of
// offers, the timers with their sequence numbers (equal deadlines fire in sequence order), the
// counters ids come from and the random generator. Member entries inside a pool may be numbered
// differently from the live engine's (a skill change reuses freed entries): no decision depends
// on that numbering.
//
// Format, version 1, inside the envelope of snapshot_codec.h (magic "HLENGINE"). Integers are
// little-endian; iN/uN fixed width; t = i64 microseconds since the epoch (an Instant), d = i64
// microseconds (a Duration), both within +-2^61; str = u32 length + bytes; bool = u8 0/1;
// count = u32. Records come in a fixed order:
//
//   u64 center fingerprint         Checksum of the center's canonical bytes (every field)
//   u64 next_interaction, next_offer, offer_seq, next_leg_wrapup, timer_seq
//   u64 x4 random generator state
//   count queues; per queue: f64 mean handle time (s), for the estimated wait
//   count agents; per agent:
//     u8 presence, str reason, u8 routing state, t state_since, t backoff_until, bool in_backoff,
//     i32 x5 load per channel, i32 pending_offers, i32 assigned, i32 wrapping,
//     i32 missed_in_row, i32 handled, d talk_time, t last_acd_end, t logged_in_at,
//     d busy_time, t busy_since, u64 last_offer_seq,
//     count leg wrap-ups; per one: u64 id, u8 channel
//     count skills; per one: u32 skill, i32 level       (sorted by skill; as center() has them)
//   count lanes, in lane order; per lane: u32 queue, u32 step, u8 channel, bool empty,
//     t empty_since
//   count interactions, by id; per interaction:
//     u64 id, u8 state, u8 channel, u32 entry_queue, u32 queue, i32 step, i32 priority,
//     count attributes; per one: str name, value   (sorted by name)
//       value = u8 kind (0 null, 1 bool, 2 f64, 3 str, 4 list: count + values)
//     bool has known agent, u32 known agent, t created_at, t age_since, t step_since,
//     t known_until, i32 opened_ring, u16 moves, u32 ring_round, u32 generation, u32 queue_gen,
//     t lane_since, i32 lane (-1: none), bool in line, i64 x2 line key,
//     count excluded; per one: u32 agent
//     count offers; per one: u64 offer id              (in the interaction's order)
//     u32 agent (0xFFFFFFFF: none), t connected_at, str disposition,
//     count rules; per one: bool fired
//   count offers, by id; per offer: u64 id, u64 interaction, u32 agent, t offered_at,
//     t deadline, u64 timer sequence
//   count timers, in heap order; per timer: t at, u64 sequence, u8 kind, u64 a, u64 b, i32 c
//
// Restore checks every value against its range and the records against each other (offers and
// interactions point at each other, agents' load and counters are what their offers,
// interactions and legs make, timers name ids already given out and in-range rules...), so that
// an engine it returns keeps the invariants the engine's code relies on.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "core/engine.h"
#include "core/engine_impl.h"
#include "core/snapshot_codec.h"

namespace hotline::core {

using internal::AgentRec;
using internal::InteractionRec;
using internal::Lane;
using internal::OfferRec;
using internal::TimerEntry;
using internal::TimerKind;

namespace {

constexpr std::string_view kMagic = "HLENGINE";
constexpr uint32_t kVersion = 1;
constexpr int kMaxValueDepth = 16;  // lists inside lists
constexpr uint32_t kNoAgent = std::numeric_limits<uint32_t>::max();
constexpr int kMaxCount = 1 << 30;
constexpr int kMaxHeld = 1 << 24;  // interactions one agent holds

static_assert(std::is_trivially_copyable_v<Random> && sizeof(Random) == 4 * sizeof(uint64_t),
              "the snapshot stores Random as its four words of state");

// ---- Writing ----------------------------------------------------------------------------------

void PutValue(SnapshotWriter& w, const Value& v) {
  w.U8(static_cast<uint8_t>(v.data.index()));
  switch (v.data.index()) {
    case 1:
      w.Bool(std::get<bool>(v.data));
      break;
    case 2:
      w.F64(std::get<double>(v.data));
      break;
    case 3:
      w.Str(std::get<std::string>(v.data));
      break;
    case 4: {
      const Value::List& list = std::get<Value::List>(v.data);
      w.U32(static_cast<uint32_t>(list.size()));
      for (const Value& item : list) PutValue(w, item);
      break;
    }
    default:
      break;
  }
}

void PutAttributes(SnapshotWriter& w, const std::map<std::string, Value>& attributes) {
  w.U32(static_cast<uint32_t>(attributes.size()));
  for (const auto& [name, value] : attributes) {
    w.Str(name);
    PutValue(w, value);
  }
}

template <typename T, typename F>
void PutOptional(SnapshotWriter& w, const std::optional<T>& v, F put) {
  w.Bool(v.has_value());
  if (v) put(*v);
}

void PutExpression(SnapshotWriter& w, const std::optional<Expression>& e) {
  w.Bool(e.has_value());
  if (e) w.Str(e->text());
}

// The center's canonical bytes, for its fingerprint: every field of center.h, in declaration
// order (a field added there must be added here).
void PutCenter(SnapshotWriter& w, const CenterDefinition& c) {
  auto span = [&](Duration d) { w.Span(d); };
  auto i32 = [&](int v) { w.I32(v); };
  w.Str(c.name);
  const Settings& s = c.settings;
  w.Span(s.offer_timeout);
  w.Span(s.backoff_reject);
  w.Span(s.backoff_busy);
  w.Span(s.backoff_no_answer);
  w.I32(s.max_missed_offers);
  w.U8(static_cast<uint8_t>(s.wrapup.mode));
  w.Span(s.wrapup.duration);
  w.I32(s.utc_offset_minutes);
  w.U32(static_cast<uint32_t>(c.skills.size()));
  for (const Skill& skill : c.skills) {
    w.Str(skill.id);
    w.Str(skill.name);
  }
  w.U32(static_cast<uint32_t>(c.queues.size()));
  for (const Queue& q : c.queues) {
    w.Str(q.id);
    w.Str(q.name);
    w.Span(q.sl_threshold);
    w.Span(q.short_abandon);
    w.U32(static_cast<uint32_t>(q.agent_order.size()));
    for (AgentOrder o : q.agent_order) w.U8(static_cast<uint8_t>(o));
    w.U8(static_cast<uint8_t>(q.offer_mode));
    w.I32(q.parallel_count);
    w.Span(q.progressive_step);
    w.U8(static_cast<uint8_t>(q.task_order));
    w.Span(q.seconds_per_point);
    w.Bool(q.lifo);
    w.I32(q.weight);
    w.U32(static_cast<uint32_t>(q.members.size()));
    for (const QueueMember& m : q.members) {
      w.U32(m.agent.value());
      w.I32(m.tier);
      w.I32(m.position);
    }
    PutExpression(w, q.membership);
    w.U32(static_cast<uint32_t>(q.plan.size()));
    for (const Step& step : q.plan) {
      PutExpression(w, step.when);
      PutOptional(w, step.queue, [&](QueueId id) { w.U32(id.value()); });
      w.U32(static_cast<uint32_t>(step.requirements.size()));
      for (const SkillRequirement& r : step.requirements) {
        w.U32(r.skill.value());
        w.I32(r.min_level);
        w.Bool(r.optional);
      }
      w.U32(static_cast<uint32_t>(step.rings.size()));
      for (const Ring& ring : step.rings) {
        w.Span(ring.after);
        PutOptional(w, ring.max_tier, i32);
        w.Bool(ring.drop_optional);
        PutExpression(w, ring.add);
        w.I32(ring.priority_add);
      }
      w.Bool(step.skip_when_empty);
      PutOptional(w, step.timeout, span);
      PutOptional(w, step.priority, i32);
      PutOptional(w, step.known_agent_window, span);
    }
    const Admission& a = q.admission;
    PutOptional(w, a.max_length, i32);
    w.U8(static_cast<uint8_t>(a.join_when_empty));
    w.U8(static_cast<uint8_t>(a.leave_when_empty));
    PutOptional(w, a.max_wait, span);
    PutOptional(w, a.max_wait_no_agents, span);
    w.U32(static_cast<uint32_t>(q.exceptions.size()));
    for (const ExceptionRule& r : q.exceptions) {
      w.U8(static_cast<uint8_t>(r.trigger));
      w.Span(r.threshold);
      w.I32(r.count);
      w.U8(static_cast<uint8_t>(r.action));
      PutOptional(w, r.queue, [&](QueueId id) { w.U32(id.value()); });
      w.I32(r.priority);
      w.Str(r.target);
    }
    PutOptional(w, q.wrapup, [&](const WrapupPolicy& p) {
      w.U8(static_cast<uint8_t>(p.mode));
      w.Span(p.duration);
    });
    PutOptional(w, q.offer_timeout, span);
  }
  w.U32(static_cast<uint32_t>(c.profiles.size()));
  for (const RoutingProfile& p : c.profiles) {
    w.Str(p.id);
    w.U32(static_cast<uint32_t>(p.queues.size()));
    for (const ProfileQueue& pq : p.queues) {
      w.U32(pq.queue.value());
      w.I32(pq.priority);
      w.Span(pq.delay);
    }
    w.Bool(p.global_longest_waiting);
  }
  w.U32(static_cast<uint32_t>(c.agents.size()));
  for (const AgentDefinition& a : c.agents) {
    w.Str(a.id);
    w.Str(a.name);
    w.U32(static_cast<uint32_t>(a.skills.size()));
    for (const auto& [skill, level] : a.skills) {
      w.U32(skill.value());
      w.I32(level);
    }
    for (int cap : a.capacity) w.I32(cap);
    w.U8(static_cast<uint8_t>(a.cross_channel));
    PutOptional(w, a.profile, [&](ProfileId id) { w.U32(id.value()); });
    PutAttributes(w, a.attributes);
    w.F64(a.weight);
  }
  w.U32(static_cast<uint32_t>(c.dispositions.size()));
  for (const Disposition& d : c.dispositions) {
    w.Str(d.id);
    w.Str(d.name);
  }
}

uint64_t CenterFingerprint(const CenterDefinition& c) {
  SnapshotWriter w("HLCENTER", 1);
  PutCenter(w, c);
  return Checksum(std::move(w).Seal());
}

// ---- Reading ----------------------------------------------------------------------------------

Value GetValue(SnapshotReader& r, int depth) {
  switch (r.U8()) {
    case 0:
      return Value();
    case 1:
      return Value(r.Bool());
    case 2: {
      uint64_t bits = r.U64();  // any double, as attributes may hold
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return Value(d);
    }
    case 3:
      return Value(r.Str());
    case 4: {
      if (depth >= kMaxValueDepth) {
        r.Fail("a value nests lists too deep");
        return Value();
      }
      uint32_t n = r.Count(1, "list items");
      Value::List list;
      list.reserve(n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) list.push_back(GetValue(r, depth + 1));
      return Value(std::move(list));
    }
    default:
      r.Fail("unknown value kind");
      return Value();
  }
}

bool IsWaiting(InteractionState s) {
  return s == InteractionState::kQueued || s == InteractionState::kOffering;
}

// Reads the records into `im` (built without pools) and rebuilds what derives from them.
class StateDecoder {
 public:
  StateDecoder(SnapshotReader& r, Engine::Impl& im) : r_(r), im_(im) {}

  bool Decode() {
    im_.next_interaction = r_.U64();
    im_.next_offer = r_.U64();
    im_.offer_seq = r_.U64();
    im_.next_leg_wrapup = r_.U64();
    im_.timer_seq = r_.U64();
    if (r_.ok() && (im_.next_interaction == 0 || im_.next_offer == 0 || im_.next_leg_wrapup == 0)) {
      return Fail("an id counter is 0");
    }
    uint64_t words[4];
    for (uint64_t& word : words) word = r_.U64();
    std::memcpy(static_cast<void*>(&im_.random), words, sizeof words);
    if (!Queues() || !Agents()) return false;
    im_.BuildPools();
    if (!Lanes() || !Interactions() || !Offers() || !CrossCheck() || !Timers()) return false;
    if (!r_.AtEnd()) return Fail("bytes after the last record");
    return true;
  }

 private:
  bool Fail(std::string message) {
    r_.Fail(std::move(message));
    return false;
  }

  bool Queues() {
    r_.Context("queues");
    uint32_t n = r_.Count(8, "queues");
    if (r_.ok() && n != im_.center.queues.size()) {
      return Fail("holds " + std::to_string(n) + " queues, the center " +
                  std::to_string(im_.center.queues.size()));
    }
    for (uint32_t q = 0; q < n && r_.ok(); ++q) im_.mean_handle_s[q] = r_.F64();
    return r_.ok();
  }

  bool Agents() {
    r_.Context("agents");
    const size_t agents = im_.agents.size();
    uint32_t n = r_.Count(100, "agents");
    if (r_.ok() && n != agents) {
      return Fail("holds " + std::to_string(n) + " agents, the center " + std::to_string(agents));
    }
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      r_.Context("agent " + std::to_string(i));
      AgentRec& a = im_.agents[i];
      a.presence = r_.Enum(Presence::kNotReady, "presence");
      a.reason = r_.Str();
      a.routing_state = r_.Enum(RoutingState::kBackoff, "routing state");
      a.state_since = r_.Time();
      a.backoff_until = r_.Time();
      a.in_backoff = r_.Bool();
      for (int& load : a.load) load = r_.I32();
      a.pending_offers = r_.I32();
      a.assigned = r_.I32();
      a.wrapping = r_.I32();
      a.missed_in_row = r_.I32();
      a.handled = r_.I32();
      a.talk_time = r_.Span();
      a.last_acd_end = r_.Time();
      a.logged_in_at = r_.Time();
      a.busy_time = r_.Span();
      a.busy_since = r_.Time();
      a.last_offer_seq = r_.U64();
      if (!r_.ok()) return false;
      // Counters count from login; a billion is far beyond any shift (and keeps ++ defined).
      if (a.missed_in_row < 0 || a.handled < 0 || a.missed_in_row > kMaxCount ||
          a.handled > kMaxCount) {
        return Fail("a counter out of range");
      }
      // What the agent holds is checked against the records once they are read (CrossCheck);
      // the lanes built before that add these up, so they must be sane already.
      bool held_ok = a.pending_offers >= 0 && a.pending_offers <= kMaxHeld && a.assigned >= 0 &&
                     a.assigned <= kMaxHeld && a.wrapping >= 0 && a.wrapping <= kMaxHeld;
      for (int load : a.load) held_ok = held_ok && load >= 0 && load <= kMaxHeld;
      if (!held_ok) return Fail("load or holdings out of range");
      if (a.last_offer_seq > im_.offer_seq) return Fail("last offer sequence not yet given out");
      uint32_t legs = r_.Count(9, "leg wrap-ups");
      a.leg_wrapups.clear();
      for (uint32_t k = 0; k < legs && r_.ok(); ++k) {
        uint64_t id = r_.U64();
        Channel c = r_.Enum(Channel::kTask, "channel");
        if (r_.ok() && (id == 0 || id >= im_.next_leg_wrapup)) {
          return Fail("leg wrap-up id not given out");
        }
        a.leg_wrapups.emplace_back(id, c);
      }
      uint32_t skills = r_.Count(8, "skills");
      std::vector<std::pair<uint32_t, int>> levels;
      levels.reserve(skills);
      for (uint32_t k = 0; k < skills && r_.ok(); ++k) {
        uint32_t skill = r_.U32();
        int level = r_.I32();
        if (!r_.ok()) return false;
        if (skill >= im_.center.skills.size() || level <= 0 ||
            (!levels.empty() && skill <= levels.back().first)) {
          return Fail("a skill out of range or order");
        }
        levels.emplace_back(skill, level);
      }
      if (r_.ok() && levels != a.skills) {
        return Fail("skills differ from the center's (it is not the one saved with the state)");
      }
    }
    return r_.ok();
  }

  bool Lanes() {
    r_.Context("lanes");
    uint32_t n = r_.Count(18, "lanes");
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      uint32_t q = r_.U32();
      uint32_t step = r_.U32();
      Channel c = r_.Enum(Channel::kTask, "channel");
      bool empty = r_.Bool();
      Instant empty_since = r_.Time();
      if (!r_.ok()) return false;
      if (q >= im_.pools_of_queue.size() || step >= im_.pools_of_queue[q].size()) {
        return Fail("lane " + std::to_string(i) + " names no step of a queue");
      }
      uint32_t pool = im_.pools_of_queue[q][step];
      if (im_.pools[pool].lane[static_cast<int>(c)] >= 0) {
        return Fail("lane " + std::to_string(i) + " appears twice");
      }
      int32_t l = im_.LaneOf(pool, c);
      HOTLINE_CHECK(l == static_cast<int32_t>(i), "lanes rebuilt out of order");
      im_.lanes[l].empty = empty;
      im_.lanes[l].empty_since = empty_since;
    }
    return r_.ok();
  }

  bool Interactions() {
    uint32_t n = r_.Count(120, "interactions");
    im_.interactions.reserve(n);
    uint64_t last_id = 0;
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      r_.Context("interaction #" + std::to_string(i));
      uint64_t id = r_.U64();
      if (r_.ok() && (id <= last_id || id >= im_.next_interaction)) {
        return Fail("interaction id out of order or not given out");
      }
      last_id = id;
      InteractionRec& ix = im_.interactions[id];
      ix.id = InteractionId(id);
      if (!Interaction(ix)) return false;
    }
    return r_.ok();
  }

  bool Interaction(InteractionRec& ix) {
    const CenterDefinition& center = im_.center;
    const size_t queues = center.queues.size();
    const size_t agents = im_.agents.size();
    ix.state = r_.Enum(InteractionState::kCanceled, "state");
    ix.channel = r_.Enum(Channel::kTask, "channel");
    ix.entry_queue = r_.U32();
    ix.queue = r_.U32();
    ix.step = r_.I32();
    ix.priority = r_.I32();
    if (!r_.ok()) return false;
    if (ix.state != InteractionState::kQueued && ix.state != InteractionState::kOffering &&
        ix.state != InteractionState::kAssigned && ix.state != InteractionState::kWrapping) {
      return Fail("a live interaction in state " + std::string(InteractionStateName(ix.state)));
    }
    const bool waiting = IsWaiting(ix.state);
    if (ix.entry_queue >= queues || ix.queue >= queues) return Fail("queue out of range");
    const Queue& def = center.queues[ix.queue];
    if (ix.step < 0 || (waiting && ix.step >= static_cast<int>(def.plan.size()))) {
      return Fail("step out of range");
    }
    uint32_t attributes = r_.Count(5, "attributes");
    for (uint32_t k = 0; k < attributes && r_.ok(); ++k) {
      std::string name = r_.Str();
      Value value = GetValue(r_, 0);
      if (!r_.ok()) return false;
      if (!ix.attributes.empty() && name <= ix.attributes.rbegin()->first) {
        return Fail("attributes out of order");
      }
      ix.attributes.emplace_hint(ix.attributes.end(), std::move(name), std::move(value));
    }
    bool known = r_.Bool();
    uint32_t known_agent = r_.U32();
    if (r_.ok() && known) {
      if (known_agent >= agents) return Fail("known agent out of range");
      ix.known_agent = AgentId(known_agent);
    }
    ix.created_at = r_.Time();
    ix.age_since = r_.Time();
    ix.step_since = r_.Time();
    ix.known_until = r_.Time();
    ix.opened_ring = r_.I32();
    ix.moves = r_.U16();
    ix.ring_round = r_.U32();
    ix.generation = r_.U32();
    ix.queue_gen = r_.U32();
    ix.lane_since = r_.Time();
    ix.lane = r_.I32();
    ix.in_waiting = r_.Bool();
    ix.wait_key.a = r_.I64();
    ix.wait_key.b = r_.I64();
    ix.wait_key.id = ix.id.value();
    if (!r_.ok()) return false;
    if (ix.moves > internal::kMaxMoves) return Fail("moves beyond the limit");
    if (ix.lane < -1 || ix.lane >= static_cast<int32_t>(im_.lanes.size())) {
      return Fail("lane out of range");
    }
    if (ix.opened_ring < 0) return Fail("negative ring");
    if (ix.lane >= 0) {
      // Where it waits follows from its queue, step and channel.
      const Lane& lane = im_.lanes[ix.lane];
      if (ix.step >= static_cast<int>(def.plan.size()) ||
          lane.pool != im_.pools_of_queue[ix.queue][ix.step] || lane.channel != ix.channel) {
        return Fail("lane is not its queue's step on its channel");
      }
      const size_t rings = def.plan[ix.step].rings.size();
      if (static_cast<size_t>(ix.opened_ring) >= std::max<size_t>(rings, 1)) {
        return Fail("ring out of range");
      }
    }
    if (ix.in_waiting) {
      if (!waiting || ix.lane < 0) return Fail("in line but not waiting in a lane");
      if (!im_.lanes[ix.lane].waiting.insert(ix.wait_key).second) {
        return Fail("place in line taken twice");
      }
    }
    uint32_t excluded = r_.Count(4, "excluded agents");
    ix.excluded.reserve(excluded);
    for (uint32_t k = 0; k < excluded && r_.ok(); ++k) {
      uint32_t agent = r_.U32();
      if (r_.ok() && agent >= agents) return Fail("excluded agent out of range");
      ix.excluded.push_back(agent);
    }
    uint32_t offers = r_.Count(8, "offers");
    for (uint32_t k = 0; k < offers && r_.ok(); ++k) ix.offers.push_back(OfferId(r_.U64()));
    if (r_.ok() && offers > 0 && (!waiting || ix.lane < 0)) {
      return Fail("offers of an interaction not waiting in a lane");
    }
    uint32_t agent = r_.U32();
    ix.connected_at = r_.Time();
    ix.disposition = r_.Str();
    if (!r_.ok()) return false;
    const bool connected = !waiting;
    if (connected != (agent != kNoAgent) || (agent != kNoAgent && agent >= agents)) {
      return Fail("its agent does not match its state");
    }
    if (agent != kNoAgent) ix.agent = AgentId(agent);
    uint32_t rules = r_.Count(1, "rules");
    ix.rules_fired.reserve(rules);
    for (uint32_t k = 0; k < rules && r_.ok(); ++k) ix.rules_fired.push_back(r_.Bool());
    if (r_.ok() && rules < def.exceptions.size()) return Fail("fewer rule flags than rules");
    return r_.ok();
  }

  bool Offers() {
    uint32_t n = r_.Count(44, "offers");
    im_.offers.reserve(n);
    uint64_t last_id = 0;
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      r_.Context("offer #" + std::to_string(i));
      OfferRec o;
      uint64_t id = r_.U64();
      o.id = OfferId(id);
      o.interaction = InteractionId(r_.U64());
      o.agent = r_.U32();
      o.offered_at = r_.Time();
      o.deadline = r_.Time();
      o.timer = r_.U64();
      if (!r_.ok()) return false;
      if (id <= last_id || id >= im_.next_offer) return Fail("offer id out of order or not given");
      last_id = id;
      if (o.agent >= im_.agents.size()) return Fail("agent out of range");
      if (o.timer > im_.timer_seq) return Fail("timer sequence not yet given out");
      auto it = im_.interactions.find(o.interaction.value());
      if (it == im_.interactions.end()) return Fail("offer of an interaction that is not live");
      const auto& listed = it->second.offers;
      if (std::count(listed.begin(), listed.end(), o.id) != 1) {
        return Fail("its interaction does not list it once");
      }
      im_.offers.emplace(id, o);
    }
    return r_.ok();
  }

  // Offers listed by interactions exist; agents' counters are what their records make.
  bool CrossCheck() {
    r_.Context("agents' load");
    const size_t agents = im_.agents.size();
    struct Held {
      std::array<int, kChannelCount> load{};
      int pending = 0;
      int assigned = 0;
      int wrapping = 0;
    };
    std::vector<Held> held(agents);
    size_t listed = 0;
    for (const auto& [id, ix] : im_.interactions) {
      listed += ix.offers.size();
      const int c = static_cast<int>(ix.channel);
      if (ix.state == InteractionState::kAssigned) {
        ++held[ix.agent.value()].assigned;
        ++held[ix.agent.value()].load[c];
      } else if (ix.state == InteractionState::kWrapping) {
        ++held[ix.agent.value()].wrapping;
        ++held[ix.agent.value()].load[c];
      }
    }
    // Every offer is listed by its interaction once (Offers); as many listed as exist means no
    // interaction lists one that does not.
    if (listed != im_.offers.size()) return Fail("interactions list offers that do not exist");
    for (const auto& [id, o] : im_.offers) {
      const InteractionRec& ix = im_.interactions.at(o.interaction.value());
      ++held[o.agent].pending;
      ++held[o.agent].load[static_cast<int>(ix.channel)];
    }
    for (size_t i = 0; i < agents; ++i) {
      const AgentRec& a = im_.agents[i];
      Held& h = held[i];
      for (const auto& [leg, channel] : a.leg_wrapups) {
        ++h.wrapping;
        ++h.load[static_cast<int>(channel)];
      }
      if (h.load != a.load || h.pending != a.pending_offers || h.assigned != a.assigned ||
          h.wrapping != a.wrapping) {
        return Fail("agent " + std::to_string(i) +
                    "'s load and counters do not match its offers, interactions and legs");
      }
    }
    // In line exactly when the engine keeps it there: queued, or ringing and taking more agents
    // (an interaction in line that cannot take an agent would be chosen forever).
    r_.Context("interactions");
    for (const auto& [id, ix] : im_.interactions) {
      if (!IsWaiting(ix.state)) continue;
      ++im_.waiting_in_queue[ix.queue];
      const bool in_line =
          ix.lane >= 0 && (ix.state == InteractionState::kQueued || im_.TakesMoreAgents(ix));
      if (ix.in_waiting != in_line) {
        return Fail("interaction " + std::to_string(id) + " is " +
                    (ix.in_waiting ? "in line but may not be" : "out of line but must be in it"));
      }
    }
    return true;
  }

  bool Timers() {
    r_.Context("timers");
    uint32_t n = r_.Count(37, "timers");
    im_.timers.reserve(n);
    std::vector<uint64_t> seqs;
    seqs.reserve(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      TimerEntry t;
      t.at = r_.Time();
      t.seq = r_.U64();
      t.timer.kind = r_.Enum(TimerKind::kAgentWrapupEnd, "timer kind");
      t.timer.a = r_.U64();
      t.timer.b = r_.U64();
      t.timer.c = r_.I32();
      if (!r_.ok()) return false;
      if (t.seq == 0 || t.seq > im_.timer_seq) return Fail("timer sequence not yet given out");
      if (!TimerFits(t.timer)) {
        return Fail("timer " + std::to_string(t.seq) + " names what does not exist");
      }
      seqs.push_back(t.seq);
      im_.timers.push_back(t);
    }
    if (!r_.ok()) return false;
    std::sort(seqs.begin(), seqs.end());
    if (std::adjacent_find(seqs.begin(), seqs.end()) != seqs.end()) {
      return Fail("two timers share a sequence");
    }
    // Saved in heap order; a heap in any other order fires the same way (sequences are unique).
    if (!std::is_heap(im_.timers.begin(), im_.timers.end())) {
      std::make_heap(im_.timers.begin(), im_.timers.end());
    }
    return true;
  }

  // A timer may outlive what it was for (it fires as a no-op); it may not name an id not yet
  // given out, nor, while it is current for a live interaction, a rule or setting that does not
  // exist (FireTimer relies on both).
  bool TimerFits(const internal::Timer& t) const {
    switch (t.kind) {
      case TimerKind::kOfferTimeout:
        return t.a > 0 && t.a < im_.next_offer;
      case TimerKind::kBackoffEnd:
        return t.a < im_.agents.size();
      case TimerKind::kAgentWrapupEnd:
        return t.a < im_.agents.size() && t.b > 0 && t.b < im_.next_leg_wrapup;
      default:
        break;
    }
    if (t.a == 0 || t.a >= im_.next_interaction) return false;
    auto it = im_.interactions.find(t.a);
    if (it == im_.interactions.end()) return true;  // ended: the timer is a no-op
    const InteractionRec& ix = it->second;
    const Queue& def = im_.center.queues[ix.queue];
    const size_t rules = std::min(ix.rules_fired.size(), def.exceptions.size());
    switch (t.kind) {
      case TimerKind::kWrapupEnd:
      case TimerKind::kStepTimeout:
      case TimerKind::kProgressive:
        return t.b <= ix.generation;
      case TimerKind::kRecheck:
        return (t.c == 0 && t.b <= ix.generation) || (t.c == 1 && t.b == 0);
      case TimerKind::kMaxWait:
        return t.b <= ix.queue_gen;
      case TimerKind::kRuleWait:
        return t.b < ix.queue_gen ||
               (t.b == ix.queue_gen && t.c >= 0 && static_cast<size_t>(t.c) < rules);
      case TimerKind::kNoAgents:
        if (t.b < ix.queue_gen) return true;
        if (t.b > ix.queue_gen || t.c < -1) return false;
        if (ix.state == InteractionState::kQueued && ix.lane < 0) return false;
        return t.c == -1 ? def.admission.max_wait_no_agents.has_value()
                         : static_cast<size_t>(t.c) < rules;
      default:
        return false;
    }
  }

  SnapshotReader& r_;
  Engine::Impl& im_;
};

}  // namespace

std::string Engine::SaveState() const {
  const Impl& im = *impl_;
  SnapshotWriter w(kMagic, kVersion);
  w.Reserve(256 + im.agents.size() * 140 + im.interactions.size() * 160 + im.offers.size() * 44 +
            im.timers.size() * 37 + im.lanes.size() * 18);
  w.U64(CenterFingerprint(im.center));
  w.U64(im.next_interaction);
  w.U64(im.next_offer);
  w.U64(im.offer_seq);
  w.U64(im.next_leg_wrapup);
  w.U64(im.timer_seq);
  uint64_t words[4];
  std::memcpy(words, static_cast<const void*>(&im.random), sizeof words);
  for (uint64_t word : words) w.U64(word);

  w.U32(static_cast<uint32_t>(im.mean_handle_s.size()));
  for (double mean : im.mean_handle_s) w.F64(mean);

  w.U32(static_cast<uint32_t>(im.agents.size()));
  for (const AgentRec& a : im.agents) {
    w.U8(static_cast<uint8_t>(a.presence));
    w.Str(a.reason);
    w.U8(static_cast<uint8_t>(a.routing_state));
    w.Time(a.state_since);
    w.Time(a.backoff_until);
    w.Bool(a.in_backoff);
    for (int load : a.load) w.I32(load);
    w.I32(a.pending_offers);
    w.I32(a.assigned);
    w.I32(a.wrapping);
    w.I32(a.missed_in_row);
    w.I32(a.handled);
    w.Span(a.talk_time);
    w.Time(a.last_acd_end);
    w.Time(a.logged_in_at);
    w.Span(a.busy_time);
    w.Time(a.busy_since);
    w.U64(a.last_offer_seq);
    w.U32(static_cast<uint32_t>(a.leg_wrapups.size()));
    for (const auto& [id, channel] : a.leg_wrapups) {
      w.U64(id);
      w.U8(static_cast<uint8_t>(channel));
    }
    w.U32(static_cast<uint32_t>(a.skills.size()));
    for (const auto& [skill, level] : a.skills) {
      w.U32(skill);
      w.I32(level);
    }
  }

  w.U32(static_cast<uint32_t>(im.lanes.size()));
  for (const Lane& lane : im.lanes) {
    const internal::Pool& pool = im.pools[lane.pool];
    w.U32(pool.queue);
    w.U32(static_cast<uint32_t>(pool.step));
    w.U8(static_cast<uint8_t>(lane.channel));
    w.Bool(lane.empty);
    w.Time(lane.empty_since);
  }

  std::vector<const InteractionRec*> live;
  live.reserve(im.interactions.size());
  for (const auto& [id, ix] : im.interactions) live.push_back(&ix);
  std::sort(live.begin(), live.end(),
            [](const InteractionRec* x, const InteractionRec* y) { return x->id < y->id; });
  w.U32(static_cast<uint32_t>(live.size()));
  for (const InteractionRec* p : live) {
    const InteractionRec& ix = *p;
    w.U64(ix.id.value());
    w.U8(static_cast<uint8_t>(ix.state));
    w.U8(static_cast<uint8_t>(ix.channel));
    w.U32(ix.entry_queue);
    w.U32(ix.queue);
    w.I32(ix.step);
    w.I32(ix.priority);
    PutAttributes(w, ix.attributes);
    w.Bool(ix.known_agent.has_value());
    w.U32(ix.known_agent ? ix.known_agent->value() : kNoAgent);
    w.Time(ix.created_at);
    w.Time(ix.age_since);
    w.Time(ix.step_since);
    w.Time(ix.known_until);
    w.I32(ix.opened_ring);
    w.U16(ix.moves);
    w.U32(ix.ring_round);
    w.U32(ix.generation);
    w.U32(ix.queue_gen);
    w.Time(ix.lane_since);
    w.I32(ix.lane);
    w.Bool(ix.in_waiting);
    w.I64(ix.wait_key.a);
    w.I64(ix.wait_key.b);
    w.U32(static_cast<uint32_t>(ix.excluded.size()));
    for (uint32_t agent : ix.excluded) w.U32(agent);
    w.U32(static_cast<uint32_t>(ix.offers.size()));
    for (OfferId o : ix.offers) w.U64(o.value());
    w.U32(ix.agent.value());
    w.Time(ix.connected_at);
    w.Str(ix.disposition);
    w.U32(static_cast<uint32_t>(ix.rules_fired.size()));
    for (bool fired : ix.rules_fired) w.Bool(fired);
  }

  std::vector<const OfferRec*> offers;
  offers.reserve(im.offers.size());
  for (const auto& [id, o] : im.offers) offers.push_back(&o);
  std::sort(offers.begin(), offers.end(),
            [](const OfferRec* x, const OfferRec* y) { return x->id < y->id; });
  w.U32(static_cast<uint32_t>(offers.size()));
  for (const OfferRec* o : offers) {
    w.U64(o->id.value());
    w.U64(o->interaction.value());
    w.U32(o->agent);
    w.Time(o->offered_at);
    w.Time(o->deadline);
    w.U64(o->timer);
  }

  w.U32(static_cast<uint32_t>(im.timers.size()));
  for (const TimerEntry& t : im.timers) {
    w.Time(t.at);
    w.U64(t.seq);
    w.U8(static_cast<uint8_t>(t.timer.kind));
    w.U64(t.timer.a);
    w.U64(t.timer.b);
    w.I32(t.timer.c);
  }
  return std::move(w).Seal();
}

Result<std::unique_ptr<Engine>> Engine::Restore(CenterDefinition center, std::string_view state) {
  if (Status st = ValidateCenter(center); !st) return st.error();
  SnapshotReader r(state, kMagic, kVersion, "engine snapshot");
  uint64_t fingerprint = r.U64();
  if (!r.ok()) return r.error();
  if (fingerprint != CenterFingerprint(center)) {
    return Error::InvalidArgument(
        "the center is not the one in force when the state was saved (fingerprints differ)",
        "center");
  }
  auto impl = std::make_unique<Impl>(std::move(center), /*seed=*/1, /*build_pools=*/false);
  if (!StateDecoder(r, *impl).Decode()) return r.error();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

}  // namespace hotline::core
