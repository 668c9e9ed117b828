// Internal state of the Engine (engine.h): records, lanes and timers. Not part of the public API;
// included only by the engine's own .cc files.
//
// A *pool* is the set of agents that may serve one step of one queue's plan: members of the
// step's queue meeting its mandatory requirements, plus agents added by a ring's expression.
// A *lane* is a pool on one channel; it holds the two indexes every decision uses: the routable
// agents ordered by the queue's agent order, and the waiting interactions ordered by task order.
// Lanes are created on first use, so channels a queue never sees cost nothing.
#pragma once

#include <boost/container/small_vector.hpp>

#include <array>
#include <map>
#include <memory_resource>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "base/random.h"
#include "core/center.h"
#include "core/engine.h"

namespace hotline::core::internal {

inline constexpr int kKeyWidth = kMaxAgentOrderCriteria;  // criteria held in the index key

// Ordering key of a routable agent inside a lane: criteria values, then the agent index.
struct AgentKey {
  std::array<int64_t, kKeyWidth> k{};
  uint32_t agent = 0;
  auto operator<=>(const AgentKey&) const = default;
};

// Ordering key of a waiting interaction inside a lane.
struct WaitKey {
  int64_t a = 0;
  int64_t b = 0;
  uint64_t id = 0;
  auto operator<=>(const WaitKey&) const = default;
};

struct PoolMember {
  uint32_t agent = 0;
  int tier = 1;
  int position = 0;
  int added_by_ring = -1;  // >= 0: not a member, added by that ring's `add` expression
};

// Exception rules may move an interaction between queues, keeping its age; two queues whose
// rules point at each other would pass it back and forth forever. Past this many moves it ends
// timed_out with reason "move_loop".
inline constexpr int kMaxMoves = 16;

struct Pool {
  uint32_t queue = 0;  // the plan's queue (settings: agent order, offer mode)
  int step = 0;
  uint32_t pool_queue = 0;  // whose members serve it
  const Step* step_def = nullptr;
  std::vector<PoolMember> members;    // in agent order of the center
  std::vector<int32_t> free_members;  // entries left by agents who no longer qualify
  std::array<int32_t, kChannelCount> lane{-1, -1, -1, -1, -1};
};

struct Lane {
  // The indexes allocate from the engine's node pool: they churn on every decision.
  explicit Lane(std::pmr::memory_resource* memory) : available(memory), waiting(memory) {}
  uint32_t pool = 0;
  Channel channel = Channel::kVoice;
  std::pmr::set<AgentKey> available;  // routable agents
  std::pmr::set<WaitKey> waiting;     // queued interactions (not those being offered)
  int members = 0;                    // pool members with capacity on the channel
  int logged_in = 0;
  int ready = 0;
  std::map<int, int> logged_in_by_tier;  // regular members only
  std::vector<int> logged_in_added;      // per ring index: added agents logged in
  Instant empty_since{};                 // when logged_in last became 0
  bool empty = true;                     // logged_in == 0, as last seen by OnLaneCountsChanged
  bool dynamic_order = false;            // the order needs a look at every candidate
};

// One agent's place in a lane: the key it is indexed under (when routable).
struct LaneSlot {
  int32_t lane = -1;
  int32_t member = -1;  // index into the pool's members
  bool indexed = false;
  // Where the agent sits in the lane's index while indexed: erasing by position needs no search.
  std::pmr::set<AgentKey>::iterator at;
};

struct AgentRec {
  std::vector<std::pair<uint32_t, int>> skills;  // (skill, level), sorted by skill
  Presence presence = Presence::kLoggedOut;
  std::string reason;
  RoutingState routing_state = RoutingState::kIdle;
  Instant state_since{};
  Instant backoff_until{};
  bool in_backoff = false;
  std::array<int, kChannelCount> load{};
  int pending_offers = 0;
  int assigned = 0;
  int wrapping = 0;
  int missed_in_row = 0;
  int handled = 0;
  Duration talk_time{0};
  Instant last_acd_end{};
  Instant logged_in_at{};
  Duration busy_time{0};  // busy or wrap-up, closed spans, for least_occupied
  Instant busy_since{};   // start of the open busy span, when holding work
  // After-call work of transferred legs (no interaction of its own): (id, channel).
  std::vector<std::pair<uint64_t, Channel>> leg_wrapups;
  uint64_t last_offer_seq = 0;                  // for round_robin
  std::vector<std::pair<uint32_t, int>> pools;  // (pool, member index)
  std::vector<LaneSlot> slots;
};

struct InteractionRec {
  InteractionId id;
  InteractionState state = InteractionState::kCreated;
  Channel channel = Channel::kVoice;
  uint32_t entry_queue = 0;
  uint32_t queue = 0;
  int step = 0;
  int priority = 0;
  std::map<std::string, Value> attributes;
  std::optional<AgentId> known_agent;
  Instant created_at{};
  Instant age_since{};
  Instant step_since{};
  Instant known_until{};
  int opened_ring = 0;
  uint16_t moves = 0;       // queue moves by exception rules (bounded: kMaxMoves)
  uint32_t ring_round = 0;  // bumps when ringing starts afresh: stale progressive timers die
  uint32_t generation = 0;  // bumps on every step entry: stale step timers are ignored
  uint32_t queue_gen = 0;   // bumps on every queue entry: stale queue timers are ignored
  Instant lane_since{};     // when it entered its current lane
  int32_t lane = -1;        // where it waits (or waited, while offering)
  bool in_waiting = false;
  WaitKey wait_key;
  std::vector<uint32_t> excluded;
  // Pending offers: usually one, so kept inline (no allocation per interaction).
  boost::container::small_vector<OfferId, 2> offers;
  AgentId agent;
  Instant connected_at{};
  std::string disposition;
  std::vector<bool> rules_fired;  // exception rules of the current queue
};

struct OfferRec {
  OfferId id;
  InteractionId interaction;
  uint32_t agent = 0;
  Instant offered_at{};
  Instant deadline{};
  uint64_t timer = 0;  // sequence of its timeout timer, erased when the offer is answered
};

enum class TimerKind : uint8_t {
  kOfferTimeout,    // a: offer id
  kWrapupEnd,       // a: interaction, b: generation
  kBackoffEnd,      // a: agent
  kRecheck,         // a: interaction, b: generation: rings, delays, known-agent window
  kStepTimeout,     // a: interaction, b: generation
  kMaxWait,         // a: interaction, b: generation
  kRuleWait,        // a: interaction, b: generation, c: rule index
  kNoAgents,        // a: interaction, b: generation, c: rule index (-1: admission max wait)
  kProgressive,     // a: interaction, b: generation
  kAgentWrapupEnd,  // a: agent, c: channel: after-call work of a transferred interaction
};

struct Timer {
  TimerKind kind{};
  uint64_t a = 0;
  uint64_t b = 0;
  int c = 0;
};

struct TimerEntry {
  Instant at{};
  uint64_t seq = 0;  // equal deadlines fire in the order they were set
  Timer timer;
  // For std::push_heap / pop_heap, which keep the largest first: "later" is "less".
  friend bool operator<(const TimerEntry& x, const TimerEntry& y) {
    return std::tie(x.at, x.seq) > std::tie(y.at, y.seq);
  }
};

}  // namespace hotline::core::internal
