// One random step of a contact-center day, for the KPI tests: an arrival in one of the first two
// queues, a presence change, agents answering (now and then declining) what rings, or an action
// on a live interaction (end, transfer to the other queue, wrap-up, abandon). Whatever the engine
// refuses is ignored.
#pragma once

#include <cstdint>
#include <vector>

#include "base/random.h"
#include "core/engine.h"

namespace hotline::analytics {

inline void RandomDayStep(core::Engine& engine, Random& rng, Instant now, size_t agents) {
  using core::AgentId;
  using core::InteractionId;
  using core::Presence;
  using core::QueueId;
  switch (rng.Below(9)) {
    case 0:
    case 1: {
      core::InteractionSpec spec;
      spec.queue = QueueId(static_cast<uint32_t>(rng.Below(2)));
      (void)engine.CreateInteraction(spec, now);
      break;
    }
    case 2: {
      AgentId a(static_cast<uint32_t>(rng.Below(agents)));
      const uint64_t draw = rng.Below(6);
      const Presence p = draw == 0   ? Presence::kLoggedOut
                         : draw == 1 ? Presence::kNotReady
                                     : Presence::kReady;
      (void)engine.SetPresence(a, p, p == Presence::kNotReady ? "break" : "", now);
      break;
    }
    case 3:
    case 4: {  // agents answer (or now and then decline) what rings
      for (uint32_t a = 0; a < agents; ++a) {
        for (const core::OfferView& o : engine.OffersOf(AgentId(a))) {
          if (rng.Below(6) == 0) {
            (void)engine.RejectOffer(o.id, core::RejectReason::kDeclined, now);
          } else if (rng.Below(6) != 0) {
            (void)engine.AcceptOffer(o.id, now);
          }
          break;
        }
      }
      break;
    }
    default: {  // act on some live interaction
      const std::vector<InteractionId> live = engine.LiveInteractions();
      if (live.empty()) break;
      InteractionId id = live[rng.Below(live.size())];
      auto view = engine.interaction(id);
      if (!view) break;
      if (view->state == core::InteractionState::kAssigned) {
        if (rng.Below(5) == 0) {
          (void)engine.TransferInteraction(id, QueueId(1 - view->queue.value()), now);
        } else {
          (void)engine.EndInteraction(id, now);
        }
      } else if (view->state == core::InteractionState::kWrapping) {
        (void)engine.CompleteWrapup(id, "", now);
      } else if (rng.Below(3) == 0) {
        (void)engine.CancelInteraction(id, core::CancelReason::kAbandoned, now);
      }
      break;
    }
  }
}

}  // namespace hotline::analytics
