// Read-only views of the engine (engine.h): agents, interactions, offers, queues, Explain.
#include <algorithm>
#include <limits>

#include "core/engine_impl.h"

namespace hotline::core {

using internal::AgentRec;
using internal::InteractionRec;

AgentView Engine::agent(AgentId id) const {
  AgentView v;
  if (!id.valid() || id.value() >= impl_->agents.size()) return v;
  const AgentRec& a = impl_->agents[id.value()];
  v.id = id;
  v.presence = a.presence;
  v.reason = a.reason;
  v.routing_state = a.routing_state;
  v.state_since = a.state_since;
  v.backoff_until = a.in_backoff ? a.backoff_until : Instant{};
  v.load = a.load;
  v.pending_offers = a.pending_offers;
  v.missed_in_row = a.missed_in_row;
  v.handled = a.handled;
  v.talk_time = a.talk_time;
  v.last_acd_end = a.last_acd_end;
  return v;
}

std::optional<InteractionView> Engine::interaction(InteractionId id) const {
  auto it = impl_->interactions.find(id.value());
  if (it == impl_->interactions.end()) return std::nullopt;
  const InteractionRec& ix = it->second;
  InteractionView v;
  v.id = ix.id;
  v.state = ix.state;
  v.channel = ix.channel;
  v.entry_queue = QueueId(ix.entry_queue);
  v.queue = QueueId(ix.queue);
  v.step = ix.step;
  v.priority = ix.priority;
  v.created_at = ix.created_at;
  v.age_since = ix.age_since;
  v.agent = ix.agent;
  v.pending_offers.assign(ix.offers.begin(), ix.offers.end());
  for (uint32_t a : ix.excluded) v.excluded.push_back(AgentId(a));
  return v;
}

std::optional<OfferView> Engine::offer(OfferId id) const {
  auto it = impl_->offers.find(id.value());
  if (it == impl_->offers.end()) return std::nullopt;
  const auto& o = it->second;
  return OfferView{o.id,         o.interaction, AgentId(o.agent), OfferState::kPending,
                   o.offered_at, o.deadline};
}

std::vector<OfferView> Engine::OffersOf(AgentId agent) const {
  std::vector<OfferView> out;
  for (const auto& [id, o] : impl_->offers) {
    if (o.agent == agent.value()) {
      out.push_back({o.id, o.interaction, agent, OfferState::kPending, o.offered_at, o.deadline});
    }
  }
  std::sort(out.begin(), out.end(), [](auto& x, auto& y) { return x.id < y.id; });
  return out;
}

std::vector<InteractionId> Engine::LiveInteractions() const {
  std::vector<InteractionId> out;
  out.reserve(impl_->interactions.size());
  for (const auto& [id, ix] : impl_->interactions) out.push_back(ix.id);
  std::sort(out.begin(), out.end());
  return out;
}

QueueView Engine::queue(QueueId id) const {
  QueueView v;
  if (!id.valid() || id.value() >= impl_->center.queues.size()) return v;
  const auto& im = *impl_;
  v.id = id;
  v.waiting = im.waiting_in_queue[id.value()];
  v.oldest_since = Instant::max();
  for (const auto& [iid, ix] : im.interactions) {
    if (ix.queue == id.value() &&
        (ix.state == InteractionState::kQueued || ix.state == InteractionState::kOffering)) {
      v.oldest_since = std::min(v.oldest_since, ix.age_since);
    }
  }
  const internal::Pool& pool = im.pools[im.pools_of_queue[id.value()][0]];
  for (const auto& m : pool.members) {
    if (m.agent == std::numeric_limits<uint32_t>::max() || m.added_by_ring >= 0) continue;
    const AgentRec& a = im.agents[m.agent];
    if (a.presence == Presence::kLoggedOut) continue;
    ++v.agents_logged_in;
    if (a.assigned > 0 || a.pending_offers > 0) {
      ++v.agents_busy;
    } else if (a.wrapping > 0) {
      ++v.agents_wrapup;
    } else if (a.presence == Presence::kNotReady) {
      ++v.agents_not_ready;
    } else if (!a.in_backoff) {
      ++v.agents_ready;
    }
  }
  return v;
}

bool Engine::IsEligible(AgentId agent, InteractionId interaction, Instant now) const {
  auto it = impl_->interactions.find(interaction.value());
  if (it == impl_->interactions.end() || !agent.valid() || agent.value() >= impl_->agents.size()) {
    return false;
  }
  const InteractionRec& ix = it->second;
  if (ix.lane < 0) return false;
  const auto& lane = impl_->lanes[ix.lane];
  const internal::PoolMember* m = impl_->MemberOf(agent.value(), lane.pool);
  if (m == nullptr || !impl_->Routable(impl_->agents[agent.value()], ix.channel)) return false;
  Instant until;
  return impl_->Check(agent.value(), *m, ix, now, &until) == Ineligibility::kEligible;
}

Result<Explanation> Engine::Explain(InteractionId interaction, Instant now) const {
  const auto& im = *impl_;
  auto it = im.interactions.find(interaction.value());
  if (it == im.interactions.end()) {
    return Error::NotFound("interaction does not exist or has ended", "interaction");
  }
  const InteractionRec& ix = it->second;
  Explanation ex;
  ex.interaction = ix.id;
  ex.state = ix.state;
  ex.queue = QueueId(ix.queue);
  ex.step = ix.step;
  if (ix.lane < 0) return ex;
  const auto& lane = im.lanes[ix.lane];
  const internal::Pool& pool = im.pools[lane.pool];
  std::vector<CandidateExplanation> others;
  for (uint32_t agent = 0; agent < im.agents.size(); ++agent) {
    const AgentRec& a = im.agents[agent];
    const AgentDefinition& def = im.center.agents[agent];
    CandidateExplanation c;
    c.agent = AgentId(agent);
    const internal::PoolMember* m = im.MemberOf(agent, lane.pool);
    if (m == nullptr) {
      // A member of the queue who misses a mandatory requirement, or not a member at all?
      internal::Pool relaxed = pool;
      Step no_requirements = *pool.step_def;
      std::vector<std::string> missing;
      for (const auto& r : pool.step_def->requirements) {
        if (!r.optional && im.SkillLevel(a, r.skill) < r.min_level) {
          missing.push_back(im.center.skills[r.skill.value()].id +
                            " >= " + std::to_string(r.min_level));
        }
      }
      no_requirements.requirements.clear();
      no_requirements.rings.clear();
      relaxed.step_def = &no_requirements;
      internal::PoolMember probe;
      if (!missing.empty() && im.IsPoolMember(agent, relaxed, &probe)) {
        c.reason = Ineligibility::kRequirementNotMet;
        for (size_t i = 0; i < missing.size(); ++i) c.detail += (i ? ", " : "") + missing[i];
      } else {
        c.reason = Ineligibility::kNotMember;
        c.detail = im.center.queues[pool.pool_queue].id;
      }
      others.push_back(std::move(c));
      continue;
    }
    int cap = def.capacity[static_cast<int>(ix.channel)];
    if (ix.channel == Channel::kCallback && cap == 0) {
      cap = def.capacity[static_cast<int>(Channel::kVoice)];
    }
    Instant until;
    Ineligibility r = im.Check(agent, *m, ix, now, &until);
    if (r == Ineligibility::kOffered || r == Ineligibility::kExcluded) {
      c.reason = r;
    } else if (cap <= 0) {
      c.reason = Ineligibility::kNoChannel;
      c.detail = std::string(ChannelName(ix.channel));
    } else if (a.presence == Presence::kLoggedOut) {
      c.reason = Ineligibility::kLoggedOut;
    } else if (a.presence == Presence::kNotReady) {
      c.reason = Ineligibility::kNotReady;
      c.detail = a.reason;
    } else if (a.in_backoff) {
      c.reason = Ineligibility::kBackoff;
      c.until = a.backoff_until;
    } else if (!im.Routable(a, ix.channel)) {
      c.reason = Ineligibility::kNoCapacity;
      if (a.wrapping > 0 && a.assigned == 0) {
        c.detail = "in wrap-up";
      }
    } else {
      c.reason = r;
      c.until = until;
      if (r == Ineligibility::kRingNotOpen) c.detail = "tier " + std::to_string(m->tier);
      if (r == Ineligibility::kRequirementNotMet) {
        for (const auto& req : pool.step_def->requirements) {
          if (req.optional && im.SkillLevel(a, req.skill) < req.min_level) {
            if (!c.detail.empty()) c.detail += ", ";
            c.detail += im.center.skills[req.skill.value()].id +
                        " >= " + std::to_string(req.min_level) + " (optional)";
          }
        }
      }
    }
    ex.candidates.push_back(std::move(c));
  }
  for (auto& c : others) ex.candidates.push_back(std::move(c));
  return ex;
}

}  // namespace hotline::core
