#include "core/center.h"

#include <cmath>
#include <set>
#include <string>
#include <utility>

namespace hotline::core {

namespace {

struct AgentOrderEntry {
  AgentOrder order;
  std::string_view name;
};

// The first name of each order is its canonical one; "linear" is read as top_down.
constexpr AgentOrderEntry kAgentOrderNames[] = {
    {AgentOrder::kLongestIdle, "longest_idle"},
    {AgentOrder::kLeastTalkTime, "least_talk_time"},
    {AgentOrder::kFewestHandled, "fewest_handled"},
    {AgentOrder::kMostSkilled, "most_skilled"},
    {AgentOrder::kRoundRobin, "round_robin"},
    {AgentOrder::kTopDown, "top_down"},
    {AgentOrder::kTopDown, "linear"},
    {AgentOrder::kSequentialByPosition, "sequential_by_position"},
    {AgentOrder::kRandom, "random"},
    {AgentOrder::kWeightedRandom, "weighted_random"},
    {AgentOrder::kLeastOccupied, "least_occupied"},
    {AgentOrder::kMostAvailableCapacity, "most_available_capacity"},
    {AgentOrder::kTier, "tier"},
};

// Names an object and a field for error messages, e.g. ("queue 'support'", "queues.support").
// An object whose id is empty is named by its index, so the message still points somewhere.
struct Where {
  std::string object;
  std::string path;
};

Where Named(std::string_view kind, std::string_view plural, const std::string& id, size_t index) {
  if (id.empty()) {
    return {std::string(kind) + " #" + std::to_string(index + 1),
            std::string(plural) + "[" + std::to_string(index) + "]"};
  }
  return {std::string(kind) + " '" + id + "'", std::string(plural) + "." + id};
}

Error Invalid(const Where& where, std::string_view what, std::string_view field_suffix) {
  return Error::InvalidArgument(where.object + ": " + std::string(what),
                                where.path + std::string(field_suffix));
}

// Ids of one kind: non-empty and unique.
template <typename T>
Status CheckIds(const std::vector<T>& items, std::string_view kind, std::string_view plural) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    Where where = Named(kind, plural, items[i].id, i);
    if (items[i].id.empty()) return Invalid(where, "id must not be empty", ".id");
    if (!seen.insert(items[i].id).second) {
      return Invalid(Named(kind, plural, {}, i), "duplicate id '" + items[i].id + "'", ".id");
    }
  }
  return Status::Ok();
}

template <typename Id>
bool InRange(Id id, size_t size) {
  return id.valid() && id.value() < size;
}

Status CheckWrapup(const WrapupPolicy& w, const Where& where, std::string_view field) {
  if (w.duration < Duration::zero()) {
    return Invalid(where, "wrapup duration must not be negative", std::string(field) + ".duration");
  }
  return Status::Ok();
}

Status CheckSettings(const Settings& s) {
  Where where{"settings", "settings"};
  if (s.offer_timeout <= Duration::zero()) {
    return Invalid(where, "offer_timeout must be positive", ".offer_timeout");
  }
  if (s.backoff_reject < Duration::zero()) {
    return Invalid(where, "backoff reject must not be negative", ".backoff.reject");
  }
  if (s.backoff_busy < Duration::zero()) {
    return Invalid(where, "backoff busy must not be negative", ".backoff.busy");
  }
  if (s.backoff_no_answer < Duration::zero()) {
    return Invalid(where, "backoff no_answer must not be negative", ".backoff.no_answer");
  }
  if (s.max_missed_offers < 0) {
    return Invalid(where, "max_missed_offers must not be negative", ".max_missed_offers");
  }
  if (Status st = CheckWrapup(s.wrapup, where, ".wrapup"); !st) return st;
  if (s.utc_offset_minutes < -14 * 60 || s.utc_offset_minutes > 14 * 60) {
    return Error::InvalidArgument("center: utc_offset must be between -14:00 and +14:00",
                                  "center.utc_offset");
  }
  return Status::Ok();
}

Status CheckStep(const CenterDefinition& c, const Step& step, const Where& queue, size_t index) {
  const std::string n = std::to_string(index + 1);
  const std::string at = ".plan[" + std::to_string(index) + "]";
  auto bad = [&](std::string_view what, std::string_view field) {
    return Invalid(queue, "plan step " + n + ": " + std::string(what), at + std::string(field));
  };
  if (step.queue && !InRange(*step.queue, c.queues.size())) {
    return bad("queue index out of range", ".queue");
  }
  std::set<SkillId> required;
  for (size_t r = 0; r < step.requirements.size(); ++r) {
    const SkillRequirement& req = step.requirements[r];
    const std::string field = ".requires[" + std::to_string(r) + "]";
    if (!InRange(req.skill, c.skills.size())) return bad("skill index out of range", field);
    if (req.min_level < 1) return bad("minimum skill level must be at least 1", field);
    if (!required.insert(req.skill).second) {
      return bad("skill '" + c.skills[req.skill.value()].id + "' is required twice", field);
    }
  }
  for (size_t r = 0; r < step.rings.size(); ++r) {
    const Ring& ring = step.rings[r];
    const std::string field = ".rings[" + std::to_string(r) + "]";
    if (ring.after < Duration::zero()) return bad("ring 'after' must not be negative", field);
    if (r > 0 && ring.after < step.rings[r - 1].after) {
      return bad("rings must be sorted by 'after'", ".rings");
    }
    if (ring.max_tier && *ring.max_tier < 1) return bad("ring max_tier must be at least 1", field);
  }
  if (step.timeout && *step.timeout <= Duration::zero()) {
    return bad("timeout must be positive", ".timeout");
  }
  if (step.known_agent_window && *step.known_agent_window < Duration::zero()) {
    return bad("known_agent_window must not be negative", ".known_agent_window");
  }
  return Status::Ok();
}

Status CheckQueue(const CenterDefinition& c, const Queue& q, size_t index) {
  Where where = Named("queue", "queues", q.id, index);
  if (q.sl_threshold < Duration::zero()) {
    return Invalid(where, "service level threshold must not be negative",
                   ".service_level.threshold");
  }
  if (q.short_abandon < Duration::zero()) {
    return Invalid(where, "short_abandon must not be negative", ".service_level.short_abandon");
  }
  if (q.agent_order.empty()) return Invalid(where, "agent_order must not be empty", ".agent_order");
  if (q.agent_order.size() > static_cast<size_t>(kMaxAgentOrderCriteria)) {
    return Invalid(where,
                   "agent_order combines at most " + std::to_string(kMaxAgentOrderCriteria) +
                       " criteria (the agent's place in the file breaks remaining ties)",
                   ".agent_order");
  }
  if (q.parallel_count < 1) return Invalid(where, "parallel count must be at least 1", ".offer");
  if (q.progressive_step <= Duration::zero()) {
    return Invalid(where, "progressive step must be positive", ".offer");
  }
  if (q.seconds_per_point <= Duration::zero()) {
    return Invalid(where, "seconds_per_point must be positive", ".task_order");
  }
  std::set<AgentId> members;
  for (size_t m = 0; m < q.members.size(); ++m) {
    const QueueMember& member = q.members[m];
    const std::string field = ".members[" + std::to_string(m) + "]";
    if (!InRange(member.agent, c.agents.size())) {
      return Invalid(where, "member agent index out of range", field);
    }
    if (member.tier < 1) return Invalid(where, "member tier must be at least 1", field + ".tier");
    if (member.position < 0) {
      return Invalid(where, "member position must not be negative", field + ".position");
    }
    if (!members.insert(member.agent).second) {
      return Invalid(where, "agent '" + c.agents[member.agent.value()].id + "' is a member twice",
                     field);
    }
  }
  if (q.plan.empty()) return Invalid(where, "plan must have at least one step", ".plan");
  for (size_t s = 0; s < q.plan.size(); ++s) {
    if (Status st = CheckStep(c, q.plan[s], where, s); !st) return st;
  }
  const Admission& a = q.admission;
  if (a.max_length && *a.max_length < 1) {
    return Invalid(where, "max_length must be at least 1", ".admission.max_length");
  }
  if (a.max_wait && *a.max_wait <= Duration::zero()) {
    return Invalid(where, "max_wait must be positive", ".admission.max_wait");
  }
  if (a.max_wait_no_agents && *a.max_wait_no_agents <= Duration::zero()) {
    return Invalid(where, "max_wait_no_agents must be positive", ".admission.max_wait_no_agents");
  }
  for (size_t e = 0; e < q.exceptions.size(); ++e) {
    const ExceptionRule& rule = q.exceptions[e];
    const std::string n = std::to_string(e + 1);
    const std::string field = ".exceptions[" + std::to_string(e) + "]";
    if (rule.threshold < Duration::zero()) {
      return Invalid(where, "exception " + n + ": threshold must not be negative", field + ".when");
    }
    if (rule.trigger == ExceptionTrigger::kQueueLengthAtLeast && rule.count < 1) {
      return Invalid(where, "exception " + n + ": queue_length must be at least 1",
                     field + ".when");
    }
    if (rule.action == ExceptionAction::kMoveToQueue) {
      if (!rule.queue || !InRange(*rule.queue, c.queues.size())) {
        return Invalid(where, "exception " + n + ": move_to needs a queue", field + ".do");
      }
      if (rule.queue->value() == index) {
        return Invalid(where, "exception " + n + ": moves to its own queue", field + ".do");
      }
    }
    if (rule.action == ExceptionAction::kRouteElsewhere && rule.target.empty()) {
      return Invalid(where, "exception " + n + ": route_to needs a target", field + ".do");
    }
  }
  if (q.wrapup) {
    if (Status st = CheckWrapup(*q.wrapup, where, ".wrapup"); !st) return st;
  }
  if (q.offer_timeout && *q.offer_timeout <= Duration::zero()) {
    return Invalid(where, "offer_timeout must be positive", ".offer_timeout");
  }
  return Status::Ok();
}

Status CheckProfile(const CenterDefinition& c, const RoutingProfile& p, size_t index) {
  Where where = Named("profile", "profiles", p.id, index);
  std::set<QueueId> seen;
  for (size_t i = 0; i < p.queues.size(); ++i) {
    const ProfileQueue& pq = p.queues[i];
    const std::string field = ".queues[" + std::to_string(i) + "]";
    if (!InRange(pq.queue, c.queues.size())) {
      return Invalid(where, "queue index out of range", field + ".queue");
    }
    if (!seen.insert(pq.queue).second) {
      return Invalid(where, "queue '" + c.queues[pq.queue.value()].id + "' is listed twice",
                     field + ".queue");
    }
    if (pq.delay < Duration::zero()) {
      return Invalid(where, "delay must not be negative", field + ".delay");
    }
  }
  return Status::Ok();
}

Status CheckAgent(const CenterDefinition& c, const AgentDefinition& a, size_t index) {
  Where where = Named("agent", "agents", a.id, index);
  for (const auto& [skill, level] : a.skills) {
    if (!InRange(skill, c.skills.size())) {
      return Invalid(where, "skill index out of range", ".skills");
    }
    if (level < 1) {
      const std::string& id = c.skills[skill.value()].id;
      return Invalid(where, "level of skill '" + id + "' must be at least 1", ".skills." + id);
    }
  }
  for (Channel ch : kAllChannels) {
    if (a.capacity[static_cast<size_t>(ch)] < 0) {
      return Invalid(where, "capacity must not be negative",
                     ".capacity." + std::string(ChannelName(ch)));
    }
  }
  if (a.profile && !InRange(*a.profile, c.profiles.size())) {
    return Invalid(where, "profile index out of range", ".profile");
  }
  if (!(a.weight > 0) || !std::isfinite(a.weight)) {
    return Invalid(where, "weight must be a positive number", ".weight");
  }
  return Status::Ok();
}

}  // namespace

std::string_view AgentOrderName(AgentOrder o) {
  for (const AgentOrderEntry& e : kAgentOrderNames) {
    if (e.order == o) return e.name;
  }
  return "unknown";
}

std::optional<AgentOrder> ParseAgentOrder(std::string_view name) {
  for (const AgentOrderEntry& e : kAgentOrderNames) {
    if (e.name == name) return e.order;
  }
  return std::nullopt;
}

std::optional<SkillId> CenterDefinition::FindSkill(std::string_view id) const {
  for (size_t i = 0; i < skills.size(); ++i) {
    if (skills[i].id == id) return SkillId(static_cast<uint32_t>(i));
  }
  return std::nullopt;
}

std::optional<QueueId> CenterDefinition::FindQueue(std::string_view id) const {
  for (size_t i = 0; i < queues.size(); ++i) {
    if (queues[i].id == id) return QueueId(static_cast<uint32_t>(i));
  }
  return std::nullopt;
}

std::optional<AgentId> CenterDefinition::FindAgent(std::string_view id) const {
  for (size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].id == id) return AgentId(static_cast<uint32_t>(i));
  }
  return std::nullopt;
}

std::optional<ProfileId> CenterDefinition::FindProfile(std::string_view id) const {
  for (size_t i = 0; i < profiles.size(); ++i) {
    if (profiles[i].id == id) return ProfileId(static_cast<uint32_t>(i));
  }
  return std::nullopt;
}

bool CenterDefinition::HasDisposition(std::string_view id) const {
  for (const Disposition& d : dispositions) {
    if (d.id == id) return true;
  }
  return false;
}

Status ValidateCenter(const CenterDefinition& center) {
  if (Status st = CheckSettings(center.settings); !st) return st;
  if (Status st = CheckIds(center.skills, "skill", "skills"); !st) return st;
  if (Status st = CheckIds(center.dispositions, "disposition", "dispositions"); !st) return st;
  if (Status st = CheckIds(center.queues, "queue", "queues"); !st) return st;
  if (Status st = CheckIds(center.profiles, "profile", "profiles"); !st) return st;
  if (Status st = CheckIds(center.agents, "agent", "agents"); !st) return st;
  for (size_t i = 0; i < center.queues.size(); ++i) {
    if (Status st = CheckQueue(center, center.queues[i], i); !st) return st;
  }
  for (size_t i = 0; i < center.profiles.size(); ++i) {
    if (Status st = CheckProfile(center, center.profiles[i], i); !st) return st;
  }
  for (size_t i = 0; i < center.agents.size(); ++i) {
    if (Status st = CheckAgent(center, center.agents[i], i); !st) return st;
  }
  return Status::Ok();
}

}  // namespace hotline::core
