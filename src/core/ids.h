// Typed ids of the routing domain. Agents, queues and skills get dense indices (0..n-1) when the
// center is loaded; their external names ("support", "a7") live in the CenterDefinition.
// Interactions and offers get 64-bit ids from the engine's deterministic generator.
#pragma once

#include <cstdint>

#include "base/strong_id.h"

namespace hotline::core {

struct AgentTag {};
struct QueueTag {};
struct SkillTag {};
struct ProfileTag {};
struct InteractionTag {};
struct OfferTag {};

using AgentId = StrongId<AgentTag, uint32_t>;
using QueueId = StrongId<QueueTag, uint32_t>;
using SkillId = StrongId<SkillTag, uint32_t>;
using ProfileId = StrongId<ProfileTag, uint32_t>;
using InteractionId = StrongId<InteractionTag, uint64_t>;
using OfferId = StrongId<OfferTag, uint64_t>;

}  // namespace hotline::core
