#include "core/states.h"

#include "core/engine.h"
#include "core/events.h"

namespace hotline::core {

std::string_view PresenceName(Presence p) {
  switch (p) {
    case Presence::kLoggedOut:
      return "logged_out";
    case Presence::kReady:
      return "ready";
    case Presence::kNotReady:
      return "not_ready";
  }
  return "?";
}

std::optional<Presence> ParsePresence(std::string_view name) {
  for (Presence p : {Presence::kLoggedOut, Presence::kReady, Presence::kNotReady}) {
    if (PresenceName(p) == name) return p;
  }
  return std::nullopt;
}

std::string_view RoutingStateName(RoutingState s) {
  switch (s) {
    case RoutingState::kIdle:
      return "idle";
    case RoutingState::kOffered:
      return "offered";
    case RoutingState::kBusy:
      return "busy";
    case RoutingState::kWrapup:
      return "wrapup";
    case RoutingState::kBackoff:
      return "backoff";
  }
  return "?";
}

std::string_view InteractionStateName(InteractionState s) {
  switch (s) {
    case InteractionState::kCreated:
      return "created";
    case InteractionState::kQueued:
      return "queued";
    case InteractionState::kOffering:
      return "offering";
    case InteractionState::kAssigned:
      return "assigned";
    case InteractionState::kWrapping:
      return "wrapping";
    case InteractionState::kCompleted:
      return "completed";
    case InteractionState::kAbandoned:
      return "abandoned";
    case InteractionState::kTimedOut:
      return "timed_out";
    case InteractionState::kExited:
      return "exited";
    case InteractionState::kRejected:
      return "rejected";
    case InteractionState::kCanceled:
      return "canceled";
  }
  return "?";
}

std::string_view OfferStateName(OfferState s) {
  switch (s) {
    case OfferState::kPending:
      return "pending";
    case OfferState::kAccepted:
      return "accepted";
    case OfferState::kRejected:
      return "rejected";
    case OfferState::kTimedOut:
      return "timed_out";
    case OfferState::kRescinded:
      return "rescinded";
    case OfferState::kCanceled:
      return "canceled";
  }
  return "?";
}

std::string_view EventTypeName(EventType t) {
  switch (t) {
    case EventType::kInteractionCreated:
      return "interaction.created";
    case EventType::kInteractionQueued:
      return "interaction.queued";
    case EventType::kInteractionStepChanged:
      return "interaction.step_changed";
    case EventType::kInteractionPriorityChanged:
      return "interaction.priority_changed";
    case EventType::kInteractionOffered:
      return "interaction.offered";
    case EventType::kInteractionConnected:
      return "interaction.connected";
    case EventType::kInteractionTransferred:
      return "interaction.transferred";
    case EventType::kInteractionWrapupStarted:
      return "interaction.wrapup_started";
    case EventType::kInteractionCompleted:
      return "interaction.completed";
    case EventType::kInteractionAbandoned:
      return "interaction.abandoned";
    case EventType::kInteractionTimedOut:
      return "interaction.timed_out";
    case EventType::kInteractionExited:
      return "interaction.exited";
    case EventType::kInteractionRejected:
      return "interaction.rejected";
    case EventType::kInteractionCanceled:
      return "interaction.canceled";
    case EventType::kInteractionCallbackBooked:
      return "interaction.callback_booked";
    case EventType::kInteractionAttributesChanged:
      return "interaction.attributes_changed";
    case EventType::kOfferAccepted:
      return "offer.accepted";
    case EventType::kOfferRejected:
      return "offer.rejected";
    case EventType::kOfferTimedOut:
      return "offer.timed_out";
    case EventType::kOfferRescinded:
      return "offer.rescinded";
    case EventType::kAgentLoggedIn:
      return "agent.logged_in";
    case EventType::kAgentLoggedOut:
      return "agent.logged_out";
    case EventType::kAgentPresenceChanged:
      return "agent.presence_changed";
    case EventType::kAgentRoutingStateChanged:
      return "agent.routing_state_changed";
    case EventType::kAgentSkillChanged:
      return "agent.skill_changed";
  }
  return "?";
}

std::string_view EffectTypeName(EffectType t) {
  switch (t) {
    case EffectType::kRingAgent:
      return "ring_agent";
    case EffectType::kStopRinging:
      return "stop_ringing";
    case EffectType::kConnect:
      return "connect";
    case EffectType::kOfferCallback:
      return "offer_callback";
    case EffectType::kRouteElsewhere:
      return "route_elsewhere";
    case EffectType::kRelease:
      return "release";
  }
  return "?";
}

std::string_view IneligibilityName(Ineligibility r) {
  switch (r) {
    case Ineligibility::kEligible:
      return "eligible";
    case Ineligibility::kNotMember:
      return "not_member";
    case Ineligibility::kRequirementNotMet:
      return "requirement_not_met";
    case Ineligibility::kRingNotOpen:
      return "ring_not_open";
    case Ineligibility::kKnownAgentOnly:
      return "known_agent_only";
    case Ineligibility::kProfileDelay:
      return "profile_delay";
    case Ineligibility::kExcluded:
      return "excluded";
    case Ineligibility::kLoggedOut:
      return "logged_out";
    case Ineligibility::kNotReady:
      return "not_ready";
    case Ineligibility::kBackoff:
      return "backoff";
    case Ineligibility::kNoCapacity:
      return "no_capacity";
    case Ineligibility::kNoChannel:
      return "no_channel";
    case Ineligibility::kOffered:
      return "offered";
  }
  return "?";
}

}  // namespace hotline::core
