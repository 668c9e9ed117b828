// The `queues` section of a center file: agent order, offer mode, task order, members, the routing
// plan (steps and their rings), admission rules and exception rules.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/center_parser.h"

namespace hotline::config::internal {

using core::AgentId;
using core::AgentOrder;
using core::EmptyWhen;
using core::ExceptionAction;
using core::ExceptionRule;
using core::ExceptionTrigger;
using core::KeyRoot;
using core::OfferMode;
using core::Queue;
using core::QueueMember;
using core::Ring;
using core::SkillRequirement;
using core::Step;
using core::TaskOrder;

namespace {

const Names kQueueKeys = {"id",         "name",       "service_level", "agent_order",   "offer",
                          "task_order", "lifo",       "weight",        "offer_timeout", "wrapup",
                          "members",    "membership", "requires",      "plan",          "admission",
                          "exceptions"};
const Names kServiceLevelKeys = {"threshold", "target", "short_abandon"};
const Names kOfferKeys = {"mode", "count", "step"};
const Names kTaskOrderKeys = {"mode", "seconds_per_point"};
const Names kMemberKeys = {"agent", "tier", "position"};
const Names kStepKeys = {"when",     "requires",        "optional",
                         "rings",    "skip_when_empty", "timeout",
                         "priority", "queue",           "known_agent_window"};
const Names kRingKeys = {"after", "max_tier", "drop_optional", "add", "priority_add"};
const Names kAdmissionKeys = {"max_length", "join_when_empty", "leave_when_empty", "max_wait",
                              "max_wait_no_agents"};
const Names kExceptionKeys = {"when", "do"};
const Names kTriggerKeys = {"wait", "queue_length", "no_eligible_agents", "estimated_wait",
                            "plan_exhausted"};
const Names kActionKeys = {"move_to", "priority", "offer_callback", "route_to", "time_out"};

const Choices<EmptyWhen> kEmptyWhens = {{"never", EmptyWhen::kNever},
                                        {"no_members", EmptyWhen::kNoMembers},
                                        {"no_logged_in", EmptyWhen::kNoLoggedIn},
                                        {"no_ready", EmptyWhen::kNoReady}};
const Choices<OfferMode> kOfferModes = {{"single", OfferMode::kSingle},
                                        {"ring_all", OfferMode::kRingAll},
                                        {"parallel", OfferMode::kParallel},
                                        {"progressive", OfferMode::kProgressive}};
const Choices<TaskOrder> kTaskOrders = {{"strict", TaskOrder::kStrict},
                                        {"time_offset", TaskOrder::kTimeOffset}};

Names AgentOrderNames() {
  Names names;
  for (auto o : {AgentOrder::kLongestIdle, AgentOrder::kLeastTalkTime, AgentOrder::kFewestHandled,
                 AgentOrder::kMostSkilled, AgentOrder::kRoundRobin, AgentOrder::kTopDown}) {
    names.push_back(core::AgentOrderName(o));
  }
  names.push_back("linear");
  for (auto o :
       {AgentOrder::kSequentialByPosition, AgentOrder::kRandom, AgentOrder::kWeightedRandom,
        AgentOrder::kLeastOccupied, AgentOrder::kMostAvailableCapacity, AgentOrder::kTier}) {
    names.push_back(core::AgentOrderName(o));
  }
  return names;
}

}  // namespace

void CenterParser::ReadAgentOrder(const Spot& at, Queue* queue) {
  static const Names kNames = AgentOrderNames();
  std::vector<Spot> items;
  if (at.node.IsScalar()) {
    items.push_back(at);
  } else if (at.node.IsSequence()) {
    if (!List(at, "", &items)) return;
    if (items.empty()) {
      Report(at, "agent_order must name at least one order");
      return;
    }
  } else {
    Report(at, "expected a preset name or a list of them, got " + Describe(at.node));
    return;
  }
  std::vector<AgentOrder> orders;
  for (const Spot& item : items) {
    if (!item.node.IsScalar()) {
      Report(item,
             "expected a preset name (one of: " + Join(kNames) + "), got " + Describe(item.node));
      return;
    }
    const std::string& name = item.node.Scalar();
    auto order = core::ParseAgentOrder(name);
    if (!order) {
      Report(item, "unknown preset " + Quote(name) + DidYouMean(name, kNames) +
                       " (expected one of: " + Join(kNames) + ")");
      return;
    }
    if (std::find(orders.begin(), orders.end(), *order) != orders.end()) {
      Report(item, "preset " + Quote(name) + " is listed twice");
      return;
    }
    orders.push_back(*order);
  }
  queue->agent_order = std::move(orders);
}

void CenterParser::ReadOffer(const Spot& at, Queue* queue) {
  if (at.node.IsScalar()) {
    if (auto mode = Enum(at, kOfferModes, "offer mode")) queue->offer_mode = *mode;
    return;
  }
  Fields f;
  if (!Map(at, kOfferKeys, "an offer mode (a name or a map)", &f)) return;
  const Entry* mode_entry = f.Find("mode");
  if (!mode_entry) {
    Missing(f, "mode");
    return;
  }
  auto mode = Enum(mode_entry->value, kOfferModes, "offer mode");
  if (!mode) return;
  queue->offer_mode = *mode;
  if (const Entry* e = f.Find("count")) {
    if (*mode != OfferMode::kParallel) {
      Report(e->key.Mark(), e->value.path, "'count' applies only to mode parallel");
    } else if (auto n = Int(e->value, 1, 1000)) {
      queue->parallel_count = static_cast<int>(*n);
    }
  }
  if (const Entry* e = f.Find("step")) {
    if (*mode != OfferMode::kProgressive) {
      Report(e->key.Mark(), e->value.path, "'step' applies only to mode progressive");
    } else if (auto d = DurationValue(e->value, true)) {
      queue->progressive_step = *d;
    }
  }
}

void CenterParser::ReadTaskOrder(const Spot& at, Queue* queue) {
  if (at.node.IsScalar()) {
    if (auto order = Enum(at, kTaskOrders, "task order")) queue->task_order = *order;
    return;
  }
  Fields f;
  if (!Map(at, kTaskOrderKeys, "a task order (a name or a map)", &f)) return;
  const Entry* mode_entry = f.Find("mode");
  if (!mode_entry) {
    Missing(f, "mode");
    return;
  }
  auto order = Enum(mode_entry->value, kTaskOrders, "task order");
  if (!order) return;
  queue->task_order = *order;
  if (const Entry* e = f.Find("seconds_per_point")) {
    if (*order != TaskOrder::kTimeOffset) {
      Report(e->key.Mark(), e->value.path, "'seconds_per_point' applies only to mode time_offset");
    } else if (auto d = DurationValue(e->value, true)) {
      queue->seconds_per_point = *d;
    }
  }
}

void CenterParser::ReadMembers(const Spot& at, Queue* queue) {
  std::vector<Spot> items;
  if (!List(at, "a list of members", &items)) return;
  std::set<AgentId> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const Spot& item = items[i];
    QueueMember member;
    member.position = static_cast<int>(i);
    // Built once, never assigned: assigning a yaml-cpp Node rewrites the node it refers to.
    std::optional<Spot> agent_spot;
    if (item.node.IsMap()) {
      Fields f;
      if (!Map(item, kMemberKeys, "a member", &f)) continue;
      if (const Entry* e = f.Find("tier")) {
        if (auto n = Int(e->value, 1, kMaxMagnitude)) member.tier = static_cast<int>(*n);
      }
      if (const Entry* e = f.Find("position")) {
        if (auto n = Int(e->value, 0, kMaxMagnitude)) member.position = static_cast<int>(*n);
      }
      const Entry* agent = f.Find("agent");
      if (!agent) {
        Missing(f, "agent");
        continue;
      }
      agent_spot.emplace(agent->value);
    } else if (item.node.IsScalar()) {
      agent_spot.emplace(item);
    } else {
      Report(item, "expected an agent id or a map with keys " + Join(kMemberKeys) + ", got " +
                       Describe(item.node));
      continue;
    }
    auto agent = AgentRef(*agent_spot);
    if (!agent) continue;
    if (!seen.insert(*agent).second) {
      Report(*agent_spot, "agent " + Quote(agent_spot->node.Scalar()) + " is a member twice");
      continue;
    }
    member.agent = *agent;
    queue->members.push_back(member);
  }
}

void CenterParser::ReadRequirements(const Spot& at, bool optional,
                                    std::vector<SkillRequirement>* out) {
  Fields f;
  if (!Map(at, {}, "a map of skill id -> minimum level", &f, /*open=*/true)) return;
  for (const Entry& e : f.entries) {
    Spot key_spot{e.key, e.key.Mark(), e.value.path};
    auto skill = SkillRef(key_spot);
    auto level = Int(e.value, 1, kMaxMagnitude);
    if (!skill || !level) continue;
    bool twice = false;
    for (const SkillRequirement& r : *out) twice = twice || r.skill == *skill;
    if (twice) {
      Report(key_spot, "skill " + Quote(e.name) + " is both required and optional in this step");
      continue;
    }
    out->push_back({*skill, static_cast<int>(*level), optional});
  }
}

void CenterParser::ReadRings(const Spot& at, std::vector<Ring>* rings) {
  std::vector<Spot> items;
  if (!List(at, "a list of rings", &items)) return;
  std::optional<Duration> previous;
  for (const Spot& item : items) {
    Fields f;
    if (!Map(item, kRingKeys, "a ring", &f)) continue;
    Ring ring;
    bool after_ok = true;
    if (const Entry* e = f.Find("after")) {
      auto d = DurationValue(e->value, false);
      after_ok = d.has_value();
      if (d) ring.after = *d;
      if (d && previous && *d < *previous) {
        Report(e->value, "rings must be sorted by 'after' (" + FormatDuration(*d) +
                             " comes after " + FormatDuration(*previous) + ")");
      }
    }
    if (after_ok) previous = ring.after;
    if (const Entry* e = f.Find("max_tier")) {
      if (auto n = Int(e->value, 1, kMaxMagnitude)) ring.max_tier = static_cast<int>(*n);
    }
    if (const Entry* e = f.Find("drop_optional")) {
      if (auto b = Bool(e->value)) ring.drop_optional = *b;
    }
    if (const Entry* e = f.Find("add")) ring.add = ExpressionValue(e->value);
    if (const Entry* e = f.Find("priority_add")) {
      if (auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude)) {
        ring.priority_add = static_cast<int>(*n);
      }
    }
    rings->push_back(std::move(ring));
  }
}

void CenterParser::ReadStep(const Spot& at, Step* step) {
  Fields f;
  if (!Map(at, kStepKeys, "a plan step", &f)) return;
  if (const Entry* e = f.Find("when")) {
    step->when = ExpressionValue(e->value);
    if (step->when) {
      for (const core::KeyPath& key : step->when->keys()) {
        if (key.root == KeyRoot::kAgent) {
          Report(e->value, "a step's 'when' reads task, queue and time keys, but " +
                               Quote(key.text) + " is an agent key");
          step->when.reset();
          break;
        }
      }
    }
  }
  if (const Entry* e = f.Find("requires")) ReadRequirements(e->value, false, &step->requirements);
  if (const Entry* e = f.Find("optional")) ReadRequirements(e->value, true, &step->requirements);
  if (const Entry* e = f.Find("rings")) ReadRings(e->value, &step->rings);
  if (const Entry* e = f.Find("skip_when_empty")) {
    if (auto b = Bool(e->value)) step->skip_when_empty = *b;
  }
  if (const Entry* e = f.Find("timeout")) step->timeout = DurationValue(e->value, true);
  if (const Entry* e = f.Find("priority")) {
    if (auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude)) {
      step->priority = static_cast<int>(*n);
    }
  }
  if (const Entry* e = f.Find("queue")) step->queue = QueueRef(e->value);
  if (const Entry* e = f.Find("known_agent_window")) {
    step->known_agent_window = DurationValue(e->value, false);
  }
}

void CenterParser::ReadAdmission(const Spot& at, Queue* queue) {
  Fields f;
  if (!Map(at, kAdmissionKeys, "admission rules", &f)) return;
  core::Admission& a = queue->admission;
  if (const Entry* e = f.Find("max_length")) {
    if (auto n = Int(e->value, 1, kMaxMagnitude)) a.max_length = static_cast<int>(*n);
  }
  if (const Entry* e = f.Find("join_when_empty")) {
    if (auto w = Enum(e->value, kEmptyWhens, "emptiness condition")) a.join_when_empty = *w;
  }
  if (const Entry* e = f.Find("leave_when_empty")) {
    if (auto w = Enum(e->value, kEmptyWhens, "emptiness condition")) a.leave_when_empty = *w;
  }
  if (const Entry* e = f.Find("max_wait")) a.max_wait = DurationValue(e->value, true);
  if (const Entry* e = f.Find("max_wait_no_agents")) {
    a.max_wait_no_agents = DurationValue(e->value, true);
  }
}

void CenterParser::ReadExceptions(const Spot& at, uint32_t queue_index, Queue* queue) {
  std::vector<Spot> items;
  if (!List(at, "a list of exception rules", &items)) return;
  for (const Spot& item : items) {
    Fields f;
    if (!Map(item, kExceptionKeys, "an exception rule", &f)) continue;
    const Entry* when = f.Find("when");
    const Entry* act = f.Find("do");
    if (!when) Missing(f, "when");
    if (!act) Missing(f, "do");
    if (!when || !act) continue;
    ExceptionRule rule;
    bool ok = true;

    Fields wf;
    if (!Map(when->value, kTriggerKeys, "a trigger", &wf)) {
      ok = false;
    } else if (wf.entries.size() != 1) {
      // An empty list of known keys after an unknown one was reported needs no second message.
      if (!wf.entries.empty() || when->value.node.size() == 0) {
        Report(when->value, "a trigger needs exactly one of: " + Join(kTriggerKeys));
      }
      ok = false;
    } else {
      const Entry& t = wf.entries[0];
      if (t.name == "queue_length") {
        rule.trigger = ExceptionTrigger::kQueueLengthAtLeast;
        auto n = Int(t.value, 1, kMaxMagnitude);
        if (n) rule.count = static_cast<int>(*n);
        ok = ok && n.has_value();
      } else if (t.name == "plan_exhausted") {
        rule.trigger = ExceptionTrigger::kPlanExhausted;
        auto b = Bool(t.value);
        if (b && !*b) Report(t.value, "plan_exhausted can only be true");
        ok = ok && b.value_or(false);
      } else {
        rule.trigger = t.name == "wait"                 ? ExceptionTrigger::kWaitAtLeast
                       : t.name == "no_eligible_agents" ? ExceptionTrigger::kNoEligibleAgentsFor
                                                        : ExceptionTrigger::kEstimatedWaitAtLeast;
        auto d = DurationValue(t.value, false);
        if (d) rule.threshold = *d;
        ok = ok && d.has_value();
      }
    }

    Fields df;
    if (!Map(act->value, kActionKeys, "an action", &df)) {
      ok = false;
    } else if (df.entries.size() != 1) {
      if (!df.entries.empty() || act->value.node.size() == 0) {
        Report(act->value, "an action needs exactly one of: " + Join(kActionKeys));
      }
      ok = false;
    } else {
      const Entry& a = df.entries[0];
      if (a.name == "move_to") {
        rule.action = ExceptionAction::kMoveToQueue;
        rule.queue = QueueRef(a.value);
        if (rule.queue && rule.queue->value() == queue_index) {
          Report(a.value, "a queue cannot move interactions to itself");
          rule.queue.reset();
        }
        ok = ok && rule.queue.has_value();
      } else if (a.name == "priority") {
        rule.action = ExceptionAction::kSetPriority;
        auto n = Int(a.value, -kMaxMagnitude, kMaxMagnitude);
        if (n) rule.priority = static_cast<int>(*n);
        ok = ok && n.has_value();
      } else if (a.name == "route_to") {
        rule.action = ExceptionAction::kRouteElsewhere;
        auto target = String(a.value);
        if (target && target->empty()) Report(a.value, "route_to needs a target");
        if (target) rule.target = *target;
        ok = ok && target && !target->empty();
      } else {
        rule.action = a.name == "offer_callback" ? ExceptionAction::kOfferCallback
                                                 : ExceptionAction::kTimeOut;
        auto b = Bool(a.value);
        if (b && !*b) Report(a.value, a.name + " can only be true");
        ok = ok && b.value_or(false);
      }
    }
    if (ok) queue->exceptions.push_back(std::move(rule));
  }
}

void CenterParser::ReadQueue(const Spot& at, uint32_t index, Queue* queue) {
  Fields f;
  if (!Map(at, kQueueKeys, "a queue", &f)) return;
  if (auto id = ReadId(f, "queue", index, queue_ids_, false)) queue->id = queue->name = *id;
  if (const Entry* e = f.Find("name")) {
    if (auto name = String(e->value)) queue->name = *name;
  }
  if (const Entry* e = f.Find("service_level")) {
    Fields sl;
    if (Map(e->value, kServiceLevelKeys, "service level settings", &sl)) {
      if (const Entry* t = sl.Find("threshold")) {
        if (auto d = DurationValue(t->value, true)) queue->sl_threshold = *d;
      }
      if (const Entry* t = sl.Find("target")) {
        if (auto x = Number(t->value)) {
          if (*x > 0 && *x <= 1) {
            queue->sl_target = *x;
          } else {
            Report(t->value,
                   "a service-level target is a fraction above 0 and at most 1 (0.8 for 80%)");
          }
        }
      }
      if (const Entry* t = sl.Find("short_abandon")) {
        if (auto d = DurationValue(t->value, false)) queue->short_abandon = *d;
      }
    }
  }
  if (const Entry* e = f.Find("agent_order")) ReadAgentOrder(e->value, queue);
  if (const Entry* e = f.Find("offer")) ReadOffer(e->value, queue);
  if (const Entry* e = f.Find("task_order")) ReadTaskOrder(e->value, queue);
  if (const Entry* e = f.Find("lifo")) {
    if (auto b = Bool(e->value)) queue->lifo = *b;
  }
  if (const Entry* e = f.Find("weight")) {
    if (auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude)) {
      queue->weight = static_cast<int>(*n);
    }
  }
  if (const Entry* e = f.Find("offer_timeout")) {
    queue->offer_timeout = DurationValue(e->value, true);
  }
  if (const Entry* e = f.Find("wrapup")) {
    queue->wrapup = ReadWrapup(e->value, center_.settings.wrapup);
  }
  if (const Entry* e = f.Find("members")) ReadMembers(e->value, queue);
  if (const Entry* e = f.Find("membership")) {
    queue->membership = ExpressionValue(e->value);
    if (queue->membership) {
      for (const core::KeyPath& key : queue->membership->keys()) {
        if (key.root == KeyRoot::kTask || key.root == KeyRoot::kBare) {
          Report(e->value, "membership reads agent keys only, but " + Quote(key.text) +
                               " is a task key" +
                               (key.root == KeyRoot::kBare ? " (write agent." + key.text + "?)"
                                                           : std::string()));
          queue->membership.reset();
          break;
        }
      }
    }
  }
  const Entry* requires_entry = f.Find("requires");
  const Entry* plan_entry = f.Find("plan");
  if (requires_entry && plan_entry) {
    Report(requires_entry->key.Mark(), requires_entry->value.path,
           "'requires' cannot be used together with 'plan' (it is shorthand for a one-step plan; "
           "put the requirements in the plan's steps)");
  }
  if (plan_entry) {
    std::vector<Spot> steps;
    if (List(plan_entry->value, "a list of plan steps", &steps)) {
      if (steps.empty()) Report(plan_entry->value, "a plan needs at least one step");
      for (const Spot& s : steps) {
        queue->plan.emplace_back();
        ReadStep(s, &queue->plan.back());
      }
    }
  } else {
    queue->plan.emplace_back();
    if (requires_entry) {
      ReadRequirements(requires_entry->value, false, &queue->plan.back().requirements);
    }
  }
  if (const Entry* e = f.Find("admission")) ReadAdmission(e->value, queue);
  if (const Entry* e = f.Find("exceptions")) ReadExceptions(e->value, index, queue);
}

void CenterParser::ReadQueues(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of queues", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped(); ++i) {
    center_.queues.emplace_back();
    ReadQueue(items[i], i, &center_.queues.back());
  }
}

}  // namespace hotline::config::internal
