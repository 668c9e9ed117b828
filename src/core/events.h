// What the engine says happened (events) and what it asks the outside world to do (effects).
//
// Events are named in the past tense (ROUTING.md "Must be true of the engine") and carry
// everything needed to rebuild state and compute KPIs. The store gives each a per-shard sequence
// number and an actor; the engine supplies type, time and the facts. One flat struct (fields
// unused by a type stay default) keeps the hot path free of allocation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "core/channel.h"
#include "core/ids.h"
#include "core/states.h"

namespace hotline::core {

enum class EventType : uint8_t {
  kInteractionCreated,            // interaction, channel, queue, priority
  kInteractionQueued,             // interaction, queue, step (entered a queue's plan)
  kInteractionStepChanged,        // interaction, queue, step, reason ("timeout", "moved",
                                  // "filter", "reconfigured": its step left the plan)
  kInteractionPriorityChanged,    // interaction, priority
  kInteractionOffered,            // interaction, agent, offer, queue
  kInteractionConnected,          // interaction, agent, queue, wait
  kInteractionTransferred,        // interaction, agent (from), queue (to)
  kInteractionWrapupStarted,      // interaction, agent
  kInteractionCompleted,          // interaction, agent, reason = disposition (may be empty)
  kInteractionAbandoned,          // interaction, queue, wait
  kInteractionTimedOut,           // interaction, queue, wait, reason
  kInteractionExited,             // interaction, queue, wait, reason ("key", "empty", target)
  kInteractionRejected,           // interaction, queue, reason ("full", "empty")
  kInteractionCanceled,           // interaction, queue, reason
  kInteractionCallbackBooked,     // interaction (channel becomes callback, place kept)
  kInteractionAttributesChanged,  // interaction
  kOfferAccepted,                 // offer, interaction, agent
  kOfferRejected,                 // offer, interaction, agent, reason ("declined", "busy")
  kOfferTimedOut,                 // offer, interaction, agent
  kOfferRescinded,                // offer, interaction, agent, reason
  kAgentLoggedIn,                 // agent
  kAgentLoggedOut,                // agent
  kAgentPresenceChanged,          // agent, presence, reason
  kAgentRoutingStateChanged,      // agent, routing_state
  kAgentSkillChanged,             // agent, skill, level (0 = removed)
};

// "interaction.created", "offer.timed_out", ... as in ROUTING.md and the API.
std::string_view EventTypeName(EventType t);

struct Event {
  EventType type{};
  Instant at{};
  InteractionId interaction;
  AgentId agent;
  QueueId queue;
  OfferId offer;
  SkillId skill;
  Channel channel = Channel::kVoice;
  Presence presence = Presence::kLoggedOut;
  RoutingState routing_state = RoutingState::kIdle;
  int priority = 0;
  int step = 0;
  int level = 0;
  Duration wait{0};
  std::string reason;
};

enum class EffectType : uint8_t {
  kRingAgent,       // present offer `offer` of `interaction` to `agent` until `deadline`
  kStopRinging,     // offer `offer` to `agent` is over (taken elsewhere, timed out, canceled)
  kConnect,         // bridge the customer of `interaction` with `agent`
  kOfferCallback,   // ask the customer of `interaction` whether they want a callback
  kRouteElsewhere,  // send the customer of `interaction` to `target` (voicemail, a number...)
  kRelease,         // the engine ended `interaction` (timed out, exited): release the customer
};

std::string_view EffectTypeName(EffectType t);

struct Effect {
  EffectType type{};
  InteractionId interaction;
  AgentId agent;
  OfferId offer;
  Instant deadline{};
  std::string target;
};

// What one command produced. The engine appends; the host drains.
struct Output {
  std::vector<Event> events;
  std::vector<Effect> effects;
  void clear() {
    events.clear();
    effects.clear();
  }
};

}  // namespace hotline::core
