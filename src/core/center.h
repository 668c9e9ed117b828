// The center definition: skills, queues with their routing settings and plans, routing profiles,
// agents, dispositions and engine-wide settings. It is what `hotline.yaml` parses into (see
// src/config) and what the engine is built from. Plain data: validation of references is done by
// the loader (ValidateCenter below checks the invariants the engine relies on).
//
// All names (`id` fields) are the external ids used in the API and the config; inside the engine
// agents, queues, skills and profiles are addressed by their index in these vectors.
//
// A field added to any of these structs must be added to PutCenter (engine_snapshot.cc): an
// engine snapshot holds the fingerprint of the center it was saved with.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/channel.h"
#include "core/expression.h"
#include "core/ids.h"

namespace hotline::core {

// ---- Which agent first (ROUTING.md question 4) ------------------------------------------------

// Criteria an agent order may combine (the engine keeps them in its index key); the agent's
// place in the center file breaks any remaining tie.
inline constexpr int kMaxAgentOrderCriteria = 3;

enum class AgentOrder : uint8_t {
  kLongestIdle,            // longest since the end of the last ACD interaction (default)
  kLeastTalkTime,          // least talk time since login
  kFewestHandled,          // fewest interactions handled since login
  kMostSkilled,            // highest sum of levels in the step's required skills
  kRoundRobin,             // least recently offered an interaction (of any queue)
  kTopDown,                // by position, always from the top (alias: linear)
  kSequentialByPosition,   // by tier, then position
  kRandom,                 // uniformly at random (seeded)
  kWeightedRandom,         // at random, proportional to the agent's weight
  kLeastOccupied,          // lowest occupancy since login
  kMostAvailableCapacity,  // most spare capacity on the interaction's channel
  kTier,                   // lowest tier first (a criterion to compose with others)
};
std::string_view AgentOrderName(AgentOrder o);
std::optional<AgentOrder> ParseAgentOrder(std::string_view name);  // accepts "linear"

enum class OfferMode : uint8_t {
  kSingle,       // one agent at a time
  kParallel,     // the best `parallel_count` agents at once; first to accept wins
  kRingAll,      // every eligible agent of the best tier at once
  kProgressive,  // one more agent every `progressive_step` while nobody accepts
};

// ---- Which interaction first (ROUTING.md question 3) ------------------------------------------

enum class TaskOrder : uint8_t {
  kStrict,      // priority, then age
  kTimeOffset,  // priority counts as waiting time: 1 point = `seconds_per_point` of age
};

enum class WrapupMode : uint8_t {
  kNone,           // completed as soon as the conversation ends
  kTimed,          // completed automatically after `duration` (a disposition may come earlier)
  kDiscretionary,  // completed by the agent's disposition, or automatically at `duration` (max)
};

struct WrapupPolicy {
  WrapupMode mode = WrapupMode::kTimed;
  Duration duration = Seconds(30);  // timed: the length; discretionary: the maximum (0 = none)
};

// Which count makes a queue "empty" for join/leave-when-empty (Asterisk joinempty/leavewhenempty).
enum class EmptyWhen : uint8_t {
  kNever,       // never considered empty (join always / never leave)
  kNoMembers,   // no agent eligible for the step at all
  kNoLoggedIn,  // no eligible agent logged in (ready or not ready)
  kNoReady,     // no eligible agent ready
};

struct Admission {
  std::optional<int> max_length;                   // waiting interactions; at the limit -> rejected
  EmptyWhen join_when_empty = EmptyWhen::kNever;   // reject on arrival when the queue is empty
  EmptyWhen leave_when_empty = EmptyWhen::kNever;  // exit waiting interactions when it becomes so
  std::optional<Duration> max_wait;                // then timed_out
  std::optional<Duration> max_wait_no_agents;  // no eligible agent logged in this long -> exited
};

// ---- When the circle widens (ROUTING.md question 2) -------------------------------------------

struct Ring {
  Duration after{0};              // opens this long after the interaction entered the step
  std::optional<int> max_tier;    // members with tier <= this are eligible (none: every tier)
  bool drop_optional = false;     // optional requirements no longer apply
  std::optional<Expression> add;  // also eligible: agents (not only members) matching this
  int priority_add = 0;           // added to the interaction's priority when the ring opens
};

struct SkillRequirement {
  SkillId skill;
  int min_level = 1;
  bool optional = false;  // optional: applies until a ring drops it
};

struct Step {
  // A filter over the task (task.*, queue.*, time.*): a step whose filter does not match when the
  // interaction would enter it is skipped. No filter: always entered.
  std::optional<Expression> when;
  std::optional<QueueId> queue;  // agents come from this queue (default: the plan's)
  std::vector<SkillRequirement> requirements;
  std::vector<Ring> rings;                     // sorted by `after`; empty means one open ring
  bool skip_when_empty = false;                // a ring with no logged-in agent opens the next
  std::optional<Duration> timeout;             // then the next step (or the plan is exhausted)
  std::optional<int> priority;                 // set on entering the step
  std::optional<Duration> known_agent_window;  // the task.known_agent is the only one eligible
                                               // for this long after entering the step
};

// ---- Admission and overflow: exception rules --------------------------------------------------

enum class ExceptionTrigger : uint8_t {
  kWaitAtLeast,           // waited >= threshold (its age in line, kept across moves)
  kQueueLengthAtLeast,    // on arrival, `count` or more interactions already waiting
  kNoEligibleAgentsFor,   // no eligible agent logged in for `threshold`
  kEstimatedWaitAtLeast,  // on arrival, the estimated wait is >= threshold
  kPlanExhausted,         // the last step timed out
};

enum class ExceptionAction : uint8_t {
  kMoveToQueue,     // continue in `queue`'s plan, keeping its age (place in line)
  kSetPriority,     // set priority to `priority`
  kOfferCallback,   // offer the customer a callback that keeps their place (effect OfferCallback)
  kRouteElsewhere,  // leave the queue to `target` (effect RouteElsewhere; state exited)
  kTimeOut,         // end as timed_out
};

struct ExceptionRule {
  ExceptionTrigger trigger = ExceptionTrigger::kWaitAtLeast;
  Duration threshold{0};
  int count = 0;
  ExceptionAction action = ExceptionAction::kTimeOut;
  std::optional<QueueId> queue;
  int priority = 0;
  std::string target;
};

// ---- Queues, profiles, agents -----------------------------------------------------------------

struct QueueMember {
  AgentId agent;
  int tier = 1;      // lower tiers are offered first when rings limit by tier
  int position = 0;  // order for top_down / sequential_by_position
};

struct Queue {
  std::string id;
  std::string name;  // display name (any language)
  Duration sl_threshold = Seconds(20);
  double sl_target = 0.8;  // the service level the queue aims at (wallboards colour against it)
  Duration short_abandon = Seconds(5);
  std::vector<AgentOrder> agent_order = {AgentOrder::kLongestIdle};
  OfferMode offer_mode = OfferMode::kSingle;
  int parallel_count = 2;
  Duration progressive_step = Seconds(5);
  TaskOrder task_order = TaskOrder::kStrict;
  Duration seconds_per_point = Seconds(60);
  bool lifo = false;
  int weight = 0;  // among queues of equal profile priority, the higher weight is served first
  // Membership: static members and/or an expression over agent keys. With neither, every agent is
  // a member (the step's requirements then narrow the field).
  std::vector<QueueMember> members;
  std::optional<Expression> membership;
  std::vector<Step> plan;  // at least one step
  Admission admission;
  std::vector<ExceptionRule> exceptions;
  std::optional<WrapupPolicy> wrapup;     // default: settings.wrapup
  std::optional<Duration> offer_timeout;  // default: settings.offer_timeout
};

struct ProfileQueue {
  QueueId queue;
  int priority = 0;   // lower is served first
  Duration delay{0};  // the agent is offered this queue's interactions only after they waited so
};

// A routing profile (Amazon Connect): how an agent splits attention between its queues.
struct RoutingProfile {
  std::string id;
  std::vector<ProfileQueue> queues;
  bool global_longest_waiting = false;  // ignore queue priority: oldest interaction first
};

struct AgentDefinition {
  std::string id;
  std::string name;
  std::map<SkillId, int> skills;              // skill -> level (1..)
  std::array<int, kChannelCount> capacity{};  // per Channel; 0 = not on this channel (the
                                              // file's default is {voice: 1}; callback falls
                                              // back to the voice capacity)
  CrossChannelRule cross_channel = CrossChannelRule::kExclusive;
  std::optional<ProfileId> profile;
  std::map<std::string, Value> attributes;  // for expressions: agent.<name>
  double weight = 1.0;                      // for weighted_random
};

struct Skill {
  std::string id;
  std::string name;
};

struct Disposition {
  std::string id;
  std::string name;
};

struct Settings {
  Duration offer_timeout = Seconds(20);
  Duration backoff_reject = Seconds(5);
  Duration backoff_busy = Seconds(10);
  Duration backoff_no_answer = Seconds(15);
  int max_missed_offers = 3;  // consecutive no-answers, then not_ready("missed"); 0 = never
  WrapupPolicy wrapup;
  int utc_offset_minutes = 0;  // the center's time zone for time.hhmm / time.dow
};

struct CenterDefinition {
  std::string name;
  Settings settings;
  std::vector<Skill> skills;
  std::vector<Queue> queues;
  std::vector<RoutingProfile> profiles;
  std::vector<AgentDefinition> agents;
  std::vector<Disposition> dispositions;

  std::optional<SkillId> FindSkill(std::string_view id) const;
  std::optional<QueueId> FindQueue(std::string_view id) const;
  std::optional<AgentId> FindAgent(std::string_view id) const;
  std::optional<ProfileId> FindProfile(std::string_view id) const;
  bool HasDisposition(std::string_view id) const;
};

// Checks what the engine relies on: every queue has a plan, indices are in range, ids are unique
// and non-empty, rings are sorted, counts are positive. The error names the object and field.
Status ValidateCenter(const CenterDefinition& center);

}  // namespace hotline::core
