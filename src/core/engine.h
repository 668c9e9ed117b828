// The routing engine (ACD): one shard's agents, queues, interactions and offers, in memory.
//
// Pure and deterministic: every command takes `now` and appends the events and effects it causes
// to output(); nothing reads a clock or does I/O. Time-driven behaviour (offer timeouts, wrap-up
// ends, back-offs, rings opening, step timeouts, max waits) is kept in an internal timer queue:
// the host asks NextDeadline() and calls AdvanceTo(t) when t arrives. Same center, same seed, same
// commands at the same instants -> the same events, in the same order.
//
// Decisions use in-memory indexes: for an arriving interaction, the ordered set of routable
// agents of its (queue, step, channel) lane; for an agent becoming free, the heads of the
// waiting lists of its lanes. No decision scans every agent.
//
// Errors: a command that cannot apply (unknown id, wrong state, offer already answered) returns
// an Error and changes nothing, emitting nothing. Broken invariants are fatal (HOTLINE_CHECK).
//
// Thread-safety: none. One engine belongs to one thread (the shard's loop).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/center.h"
#include "core/events.h"
#include "core/states.h"

namespace hotline::core {

struct InteractionSpec {
  Channel channel = Channel::kVoice;
  QueueId queue;
  int priority = 0;                         // higher is served first
  std::map<std::string, Value> attributes;  // task.<name> in expressions
  std::optional<AgentId> known_agent;       // preferred agent (see Step::known_agent_window)
};

enum class RejectReason : uint8_t { kDeclined, kBusy };
enum class CancelReason : uint8_t {
  kAbandoned,  // the customer hung up / left -> abandoned
  kExited,     // the customer chose to leave (an exit key) -> exited
  kCanceled,   // withdrawn by the system or an integration -> canceled
};

// Read-only views for the API, tests and invariant checks.
struct AgentView {
  AgentId id;
  Presence presence = Presence::kLoggedOut;
  std::string reason;  // not-ready reason
  RoutingState routing_state = RoutingState::kIdle;
  Instant state_since{};
  Instant backoff_until{};
  std::array<int, kChannelCount> load{};  // interactions held per channel (offered, assigned,
                                          // wrapping)
  int pending_offers = 0;
  int missed_in_row = 0;
  int handled = 0;
  Duration talk_time{0};
  Instant last_acd_end{};  // end of the last ACD interaction (or login)
};

struct InteractionView {
  InteractionId id;
  InteractionState state = InteractionState::kCreated;
  Channel channel = Channel::kVoice;
  QueueId entry_queue;  // where it entered: KPIs count it here
  QueueId queue;        // whose plan it follows now
  int step = 0;
  int priority = 0;
  Instant created_at{};
  Instant age_since{};  // its place in line: kept when moved or turned into a callback
  AgentId agent;        // when assigned or wrapping
  std::vector<OfferId> pending_offers;
  std::vector<AgentId> excluded;  // declined or missed it
};

struct OfferView {
  OfferId id;
  InteractionId interaction;
  AgentId agent;
  OfferState state = OfferState::kPending;
  Instant offered_at{};
  Instant deadline{};
};

struct QueueView {
  QueueId id;
  int waiting = 0;         // queued or offering
  Instant oldest_since{};  // age_since of the oldest waiting (valid when waiting > 0)
  int agents_ready = 0;    // members of the first step: ready and idle
  int agents_busy = 0;
  int agents_wrapup = 0;
  int agents_not_ready = 0;
  int agents_logged_in = 0;
};

// Why an agent is not (yet) taking a waiting interaction.
enum class Ineligibility : uint8_t {
  kEligible,           // could take it now (it is being offered, or will be at the next decision)
  kNotMember,          // not a member of the step's queue
  kRequirementNotMet,  // detail: "spanish >= 3"
  kRingNotOpen,        // detail: tier; until: when the ring that includes it opens
  kKnownAgentOnly,     // reserved for the known agent until `until`
  kProfileDelay,       // the agent's profile delays this queue until `until`
  kExcluded,           // declined or missed this interaction
  kLoggedOut,
  kNotReady,    // detail: reason
  kBackoff,     // until
  kNoCapacity,  // busy on this channel, or blocked by the cross-channel rule
  kNoChannel,   // capacity 0 for the channel
  kOffered,     // already ringing with this interaction
};
std::string_view IneligibilityName(Ineligibility r);

struct CandidateExplanation {
  AgentId agent;
  Ineligibility reason = Ineligibility::kEligible;
  std::string detail;
  Instant until{};
};

struct Explanation {
  InteractionId interaction;
  InteractionState state = InteractionState::kCreated;
  QueueId queue;
  int step = 0;
  std::vector<CandidateExplanation> candidates;  // every agent, members first
};

class Engine {
 public:
  // `center` must pass ValidateCenter. `seed` drives random agent orders and nothing else.
  Engine(CenterDefinition center, uint64_t seed = 1);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The definition in force: the one given to the constructor or the last Reconfigure, with the
  // skill levels SetAgentSkill changed since.
  const CenterDefinition& center() const;

  // ---- Commands. Each appends its events and effects to output(). ----
  Status SetPresence(AgentId agent, Presence presence, std::string reason, Instant now);
  // Level 0 removes the skill.
  Status SetAgentSkill(AgentId agent, SkillId skill, int level, Instant now);

  // Replaces the center definition while interactions, offers and agents are live.
  //
  // Contract: `next` must pass ValidateCenter, and indices are stable: every skill, queue,
  // profile and agent of the current center keeps its index in `next` with the same `id`; `next`
  // may change any of their other settings and may append new ones at the end. Dispositions and
  // Settings may change freely. Otherwise the result is InvalidArgument naming the object ("queue
  // 2 is 'billing' in the running center but 'tech' in the new one") and nothing changes.
  //
  // On success, first the timers due at or before `now` fire (as AdvanceTo(now)), then `next`
  // becomes the center. Live state is kept: agents' presence, routing state, load, back-offs and
  // statistics; pending offers (and their deadlines), assigned and wrapping interactions (a
  // wrap-up keeps the end it started with); waiting interactions keep their queue, step, age
  // (place in line), priority, exclusions and time in step, and are re-indexed by the new
  // settings (task order, agent order, membership, requirements, rings...). In detail:
  //  - an agent whose skills differ from its live skills emits agent.skill_changed per skill, as
  //    SetAgentSkill does; an appended agent starts logged out;
  //  - steps and exception rules are known by their position: a waiting interaction stays at its
  //    step index; one whose step is past the end of its queue's new plan continues at the
  //    new last step, as if it had just entered it (interaction.step_changed with reason
  //    "reconfigured"; the step's priority applies; exclusions are forgotten; filters are not
  //    evaluated); its pending offers stay;
  //  - deadlines follow the new definitions, counted from when they always were counted: step
  //    timeout, rings and known-agent window from entering the step, max wait and wait rules from
  //    the place in line, "no agents" from when the lane emptied; a progressive ring whose timing
  //    changed rings its next agent one progressive_step after the change; a deadline the new
  //    definitions put at or before `now` is handled before Reconfigure returns;
  //  - rings already open stay open; an exception rule that already fired for an interaction
  //    does not fire again; a step's priority applies on entering it only;
  //  - pending offers stay as they are, even when the new offer mode would ring fewer agents (no
  //    more are rung until they are answered) or the agent no longer qualifies;
  //  - an agent holding more than a reduced capacity keeps its work and takes no more until its
  //    load is below the new capacity;
  //  - leave-when-empty applies to lanes whose agent counts (or whose setting) changed;
  // then routing runs as after any command: whatever is routable under `next` is offered at `now`.
  // Reconfiguring with the running center itself changes nothing and emits nothing (after the
  // timers due by `now`). Cost: O(agents x queues + live interactions x log) plus the routing
  // pass; reconfiguration is meant to be rare.
  Status Reconfigure(CenterDefinition next, Instant now);

  Result<InteractionId> CreateInteraction(const InteractionSpec& spec, Instant now);
  Status AcceptOffer(OfferId offer, Instant now);
  Status RejectOffer(OfferId offer, RejectReason reason, Instant now);
  // The conversation is over: the agent goes to wrap-up (or completes, with wrap-up `none`).
  Status EndInteraction(InteractionId interaction, Instant now);
  // The agent's disposition; completes the interaction.
  Status CompleteWrapup(InteractionId interaction, std::string disposition, Instant now);
  // Before connection: the customer left, chose to leave, or the interaction was withdrawn.
  Status CancelInteraction(InteractionId interaction, CancelReason reason, Instant now);
  // An assigned interaction goes to another queue's plan as a new arrival there. The agent goes
  // to wrap-up for its leg (timed: by timer; discretionary: EndAgentWrapup or the maximum) and is
  // excluded from the interaction in the new queue.
  Status TransferInteraction(InteractionId interaction, QueueId to, Instant now);
  // Ends the after-call work the agent holds for transferred interactions (discretionary
  // wrap-up; timed wrap-up ends by itself).
  Status EndAgentWrapup(AgentId agent, Instant now);
  Status ChangePriority(InteractionId interaction, int priority, Instant now);
  Status SetAttributes(InteractionId interaction, std::map<std::string, Value> attributes,
                       Instant now);
  // The waiting customer accepted a callback: the channel becomes callback, the place is kept.
  Status BookCallback(InteractionId interaction, Instant now);

  // Fires every internal timer due at or before `now`, in deadline order.
  void AdvanceTo(Instant now);
  // The earliest pending timer; Instant::max() when none.
  Instant NextDeadline() const;

  // ---- Snapshots (format: engine_snapshot.cc) ----
  // The live state as a self-contained binary blob: agents (presence, routing state, back-off,
  // load, counters, statistics, after-call work of transferred legs), interactions (every field,
  // attributes included), pending offers, the timer queue, the id and sequence counters and the
  // random generator. Not in it: the center (keep center() alongside; the blob holds only its
  // fingerprint) and output() (drain it before saving: those events are already the caller's).
  // Pools, lanes and indexes are derived and are rebuilt by Restore. Cost: O(state); about 130
  // bytes per agent (+8 per skill) and 150 per live interaction: 2.2 MB and 6 ms for the
  // `hotline bench routing` state (10,000 agents, 4,300 live interactions).
  std::string SaveState() const;

  // An engine in the state `state` was saved in. `center` must be center() as it was when the
  // state was saved (Reconfigure and SetAgentSkill change it).
  //
  // Contract: the restored engine behaves exactly like the saved one: the same commands at the
  // same instants give the same events and effects in the same order, and the same views;
  // SaveState of it gives the same bytes.
  //
  // Errors, and nothing is built: InvalidArgument when `state` is not an engine snapshot (wrong
  // magic) or of a version this build does not read, when `center` fails ValidateCenter, or when
  // it is not the center the state was saved with (field "center": its fingerprint differs);
  // DataLoss when the blob is truncated, fails its checksum, or holds values out of range or
  // inconsistent with each other (an offer of an agent whose load does not count it, a timer for
  // an interaction not yet created...). A blob of any content gives an error or an engine; it is
  // never read out of bounds. Cost: building the engine from `center` (as the constructor does)
  // plus O(state): 46 ms for the state above.
  [[nodiscard]] static Result<std::unique_ptr<Engine>> Restore(CenterDefinition center,
                                                               std::string_view state);

  // ---- Output ----
  Output& output();
  void ClearOutput();

  // ---- Views ----
  AgentView agent(AgentId id) const;
  std::optional<InteractionView> interaction(InteractionId id) const;  // live ones only
  std::optional<OfferView> offer(OfferId id) const;                    // pending ones only
  std::vector<OfferView> OffersOf(AgentId agent) const;
  std::vector<InteractionId> LiveInteractions() const;  // in id order
  QueueView queue(QueueId id) const;
  // Why a waiting interaction is not (yet) routed to each agent.
  Result<Explanation> Explain(InteractionId interaction, Instant now) const;
  // Whether `agent` could take `interaction` now, by the same rules the engine decides with.
  bool IsEligible(AgentId agent, InteractionId interaction, Instant now) const;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::core
