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

  const CenterDefinition& center() const;

  // ---- Commands. Each appends its events and effects to output(). ----
  Status SetPresence(AgentId agent, Presence presence, std::string reason, Instant now);
  // Level 0 removes the skill.
  Status SetAgentSkill(AgentId agent, SkillId skill, int level, Instant now);

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
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::core
