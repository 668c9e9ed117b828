// The engine's state machines, one enum each, one comment per state (ROUTING.md "Entities and
// states"). Transitions are enforced by the engine; names are the API's and the events'.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hotline::core {

// Set by the agent, a supervisor or a rule.
enum class Presence : uint8_t {
  kLoggedOut,  // not working; holds nothing
  kReady,      // available for offers (subject to routing state)
  kNotReady,   // logged in, not taking offers (with a reason: lunch, training, missed...)
};

// Derived by the engine from what the agent holds; reported for logged-in agents.
enum class RoutingState : uint8_t {
  kIdle,     // holds nothing
  kOffered,  // an offer is ringing; holds no connected interaction
  kBusy,     // connected to at least one interaction
  kWrapup,   // only interactions in after-call work
  kBackoff,  // a reject or a miss put the agent aside until a deadline
};

enum class InteractionState : uint8_t {
  kCreated,    // accepted by the engine, not yet in a queue (transient)
  kQueued,     // waiting for an agent
  kOffering,   // one or more offers are pending
  kAssigned,   // connected to an agent
  kWrapping,   // conversation over; the agent is in after-call work
  kCompleted,  // terminal: handled
  kAbandoned,  // terminal: the customer left before connection
  kTimedOut,   // terminal: max wait, TTL or an exhausted plan
  kExited,     // terminal: the customer chose to leave, or leave-when-empty / route elsewhere
  kRejected,   // terminal: not admitted (queue full, join-when-empty)
  kCanceled,   // terminal: withdrawn by the system or an integration
};

enum class OfferState : uint8_t {
  kPending,    // ringing the agent
  kAccepted,   // the agent took it: the interaction is assigned
  kRejected,   // the agent declined, or the phone was busy
  kTimedOut,   // no answer within the offer timeout (RONA)
  kRescinded,  // withdrawn because another agent accepted or the customer left
  kCanceled,   // withdrawn because the agent logged out
};

inline bool IsTerminal(InteractionState s) { return s >= InteractionState::kCompleted; }

std::string_view PresenceName(Presence p);
std::optional<Presence> ParsePresence(std::string_view name);
std::string_view RoutingStateName(RoutingState s);
std::string_view InteractionStateName(InteractionState s);
std::string_view OfferStateName(OfferState s);

}  // namespace hotline::core
