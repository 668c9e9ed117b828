// The staff of a scenario: agent groups (count, skills or `like`, capacity, shift, wrap-up), their
// ids, and the check that every queue receiving arrivals can be served by some group.
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/channel.h"
#include "core/expression.h"
#include "sim/scenario_file_parser.h"

namespace hotline::sim::internal {

using config::internal::Choices;
using config::internal::kMaxIdLength;
using config::internal::kMaxMagnitude;
using config::internal::Quote;
using core::Channel;
using core::Value;

namespace {

const Names kGroupKeys = {"id",      "count",      "like",  "skills", "capacity", "cross_channel",
                          "profile", "attributes", "shift", "wrapup"};
const Names kShiftKeys = {"from", "to"};

const Choices<core::CrossChannelRule> kCrossChannelRules = {
    {"any", core::CrossChannelRule::kAny},
    {"same_channel_only", core::CrossChannelRule::kSameChannelOnly},
    {"exclusive", core::CrossChannelRule::kExclusive}};

// Agent names are <group id>-<n>, n up to kMaxGroupCount (6 digits).
constexpr size_t kMaxGroupIdLength = kMaxIdLength - 7;

int CapacityOn(const core::AgentDefinition& agent, Channel c) {
  int capacity = agent.capacity[static_cast<size_t>(c)];
  // As the engine: a callback without its own capacity uses the voice capacity.
  if (c == Channel::kCallback && capacity == 0) {
    capacity = agent.capacity[static_cast<size_t>(Channel::kVoice)];
  }
  return capacity;
}

// Agent keys of one agent of a group, as the engine reads them (agent.skill.<id>, agent.id,
// agent.<attribute>).
class GroupAgentScope final : public core::ExpressionScope {
 public:
  GroupAgentScope(const core::CenterDefinition& center, const core::AgentDefinition& agent,
                  std::string id)
      : center_(center), agent_(agent), id_(std::move(id)) {}
  Value Lookup(const core::KeyPath& key) const override {
    if (key.root != core::KeyRoot::kAgent || key.parts.empty()) return {};
    if (key.parts.size() == 2 && key.parts[0] == "skill") {
      auto skill = center_.FindSkill(key.parts[1]);
      if (!skill) return {};
      auto it = agent_.skills.find(*skill);
      return it == agent_.skills.end() ? Value() : Value(it->second);
    }
    if (key.parts.size() == 1 && key.parts[0] == "id") return Value(id_);
    if (key.parts.size() == 1) {
      auto it = agent_.attributes.find(key.parts[0]);
      if (it != agent_.attributes.end()) return it->second;
    }
    return {};
  }

 private:
  const core::CenterDefinition& center_;
  const core::AgentDefinition& agent_;
  std::string id_;
};

bool ReadsAgentId(const core::Expression& e) {
  for (const core::KeyPath& key : e.keys()) {
    if (key.root == core::KeyRoot::kAgent && key.parts.size() == 1 && key.parts[0] == "id") {
      return true;
    }
  }
  return false;
}

bool ReadsTask(const core::Expression& e) {
  return e.Reads(core::KeyRoot::kTask) || e.Reads(core::KeyRoot::kBare) ||
         e.Reads(core::KeyRoot::kQueue) || e.Reads(core::KeyRoot::kTime);
}

// True when some agent of `group` matches `e` (agents differ only in agent.id).
bool SomeAgentMatches(const core::Expression& e, const core::CenterDefinition& center,
                      const AgentGroup& group) {
  int n = ReadsAgentId(e) ? group.count : 1;
  for (int k = 1; k <= n; ++k) {
    GroupAgentScope scope(center, group.agent, group.id_prefix + "-" + std::to_string(k));
    if (e.Matches(scope)) return true;
  }
  return false;
}

// Mirrors the engine's pool membership for the first step of `queue` (Engine::IsPoolMember).
bool CanServe(const core::CenterDefinition& center, const AgentGroup& group, uint32_t queue,
              Channel channel) {
  const core::Queue& q = center.queues[queue];
  if (q.plan.empty()) return true;
  if (CapacityOn(group.agent, channel) <= 0) return false;
  const core::Step& step = q.plan.front();
  const core::Queue& pool = step.queue && step.queue->value() < center.queues.size()
                                ? center.queues[step.queue->value()]
                                : q;
  bool member = pool.members.empty() && !pool.membership;
  if (!member && group.like_agent) {
    for (const core::QueueMember& m : pool.members) member = member || m.agent == *group.like_agent;
  }
  if (!member && pool.membership) member = SomeAgentMatches(*pool.membership, center, group);
  bool qualified = member;
  for (const core::SkillRequirement& r : step.requirements) {
    if (r.optional) continue;
    auto it = group.agent.skills.find(r.skill);
    if (it == group.agent.skills.end() || it->second < r.min_level) qualified = false;
  }
  if (qualified) return true;
  // A ring's `add` brings in non-members; one that reads the task may match some interaction.
  for (const core::Ring& ring : step.rings) {
    if (ring.add && (ReadsTask(*ring.add) || SomeAgentMatches(*ring.add, center, group))) {
      return true;
    }
  }
  return false;
}

std::string Requirements(const core::CenterDefinition& center, const core::Step& step) {
  std::string out;
  for (const core::SkillRequirement& r : step.requirements) {
    if (r.optional || r.skill.value() >= center.skills.size()) continue;
    if (!out.empty()) out += ", ";
    out += center.skills[r.skill.value()].id + " >= " + std::to_string(r.min_level);
  }
  return out;
}

}  // namespace

// ---- agent groups -------------------------------------------------------------------------------

void ScenarioParser::ReadGroupSkills(const Spot& at, core::AgentDefinition* agent) {
  Fields f;
  if (!Map(at, {}, "a map of skill id -> level", &f, /*open=*/true)) return;
  agent->skills.clear();
  for (const Entry& s : f.entries) {
    Spot key{s.key, s.key.Mark(), s.value.path};
    auto skill = SkillRef(key);
    auto level = Int(s.value, 1, kMaxMagnitude);
    if (skill && level) agent->skills[*skill] = static_cast<int>(*level);
  }
}

void ScenarioParser::ReadCapacity(const Spot& at, core::AgentDefinition* agent) {
  const Choices<Channel>& channels = ChannelChoices();
  Fields f;
  if (!Map(at, {}, "a map of channel -> capacity", &f, /*open=*/true)) return;
  agent->capacity = {};
  for (const Entry& c : f.entries) {
    auto channel = Enum(Spot{c.key, c.key.Mark(), c.value.path}, channels, "channel");
    auto n = Int(c.value, 0, kMaxMagnitude);
    if (channel && n) agent->capacity[static_cast<size_t>(*channel)] = static_cast<int>(*n);
  }
}

void ScenarioParser::ReadShift(const Spot& at, AgentGroup* group) {
  Fields f;
  if (!Map(at, kShiftKeys, "a shift {from, to}", &f)) return;
  std::optional<Duration> from, to;
  if (const Entry* e = f.Find("from")) {
    from = DurationValue(e->value, false);
    if (from && horizon_ && *from >= *horizon_) {
      Report(e->value, "the shift starts at or after the horizon (" + FormatDuration(*horizon_) +
                           "): these agents would never work");
    }
    if (from) group->shift_from = *from;
  }
  if (const Entry* e = f.Find("to")) {
    to = DurationValue(e->value, true);
    if (to && *to <= group->shift_from) {
      Report(e->value, "the shift must end after it starts (from " +
                           FormatDuration(group->shift_from) + ", to " + FormatDuration(*to) + ")");
    }
    group->shift_to = to;
  }
}

void ScenarioParser::ReadGroup(const Spot& at, size_t index, AgentGroup* group) {
  group->id_prefix = "g" + std::to_string(index + 1);
  group->agent.capacity = {};
  group->agent.capacity[static_cast<size_t>(Channel::kVoice)] = 1;
  Fields f;
  if (!Map(at, kGroupKeys, "an agent group", &f)) return;
  if (const Entry* e = f.Find("id")) {
    if (auto id = Id(e->value, /*strict=*/false)) {
      if (id->size() > kMaxGroupIdLength) {
        Report(e->value, "an agent group id must be at most " + std::to_string(kMaxGroupIdLength) +
                             " characters (its agents are named <id>-<n>)");
      } else {
        group->id_prefix = *id;
        group_id_spots_.push_back({index, e->value});
      }
    }
  }
  if (const Entry* e = f.Find("count")) {
    if (auto n = Int(e->value, 1, kMaxGroupCount)) group->count = static_cast<int>(*n);
  } else {
    Missing(f, "count");
  }
  if (const Entry* e = f.Find("like")) {
    if (auto a = AgentRef(e->value)) {
      group->agent = scenario_.center.agents[a->value()];
      group->like_agent = *a;
    }
  } else if (!f.Find("skills")) {
    Report(f.self.mark, f.self.path + ".skills",
           "missing required key 'skills' (or 'like: <agent id>' to copy an agent of the center "
           "file)");
  }
  if (const Entry* e = f.Find("skills")) ReadGroupSkills(e->value, &group->agent);
  if (const Entry* e = f.Find("capacity")) ReadCapacity(e->value, &group->agent);
  if (const Entry* e = f.Find("cross_channel")) {
    if (auto r = Enum(e->value, kCrossChannelRules, "cross-channel rule"))
      group->agent.cross_channel = *r;
  }
  if (const Entry* e = f.Find("profile")) {
    if (auto p = ProfileRef(e->value)) group->agent.profile = *p;
  }
  if (const Entry* e = f.Find("attributes")) {
    group->agent.attributes.clear();
    ReadAttributes(e->value, /*task=*/false, &group->agent.attributes);
  }
  if (const Entry* e = f.Find("shift")) ReadShift(e->value, group);
  if (const Entry* e = f.Find("wrapup")) {
    if (auto d = ReadDistribution(e->value)) group->wrapup = std::move(*d);
  }
}

void ScenarioParser::ReadAgents(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of agent groups", &items)) return;
  if (items.empty()) {
    Report(at, "at least one agent group is needed");
    return;
  }
  for (size_t i = 0; i < items.size() && !stopped(); ++i) {
    scenario_.agents.emplace_back();
    ReadGroup(items[i], i, &scenario_.agents.back());
  }
}

// ---- checks across sections ---------------------------------------------------------------------

void ScenarioParser::CheckGroupIds() {
  std::map<std::string, std::vector<size_t>> groups_of;
  for (size_t i = 0; i < scenario_.agents.size(); ++i) {
    groups_of[scenario_.agents[i].id_prefix].push_back(i);
  }
  std::set<size_t> explicit_ids;
  for (const GroupIdSpot& s : group_id_spots_) explicit_ids.insert(s.index);
  for (const GroupIdSpot& s : group_id_spots_) {
    const std::vector<size_t>& same = groups_of[scenario_.agents[s.index].id_prefix];
    for (size_t other : same) {
      if (other == s.index) continue;
      bool by_default = explicit_ids.count(other) == 0;
      if (other > s.index && !by_default) continue;  // reported at the later one
      Report(s.id, "agent group id " + Quote(scenario_.agents[s.index].id_prefix) + " is also " +
                       (by_default ? "the default id of" : "used by") + " agent group #" +
                       std::to_string(other + 1) +
                       " (group ids name the agents <id>-<n>, so they must be unique)");
      break;
    }
  }
}

bool ScenarioParser::HasProblemUnder(std::string_view path) {
  for (const ConfigProblem& p : problems()) {
    if (p.key.compare(0, path.size(), path) == 0 &&
        (p.key.size() == path.size() || p.key[path.size()] == '.' || p.key[path.size()] == '[')) {
      return true;
    }
  }
  return false;
}

void ScenarioParser::CheckReachable() {
  const core::CenterDefinition& center = scenario_.center;
  std::set<std::pair<uint32_t, Channel>> checked;
  for (const ArrivalSpot& a : arrival_spots_) {
    // A stream with problems of its own (a misspelt channel, say) is not checked.
    if (HasProblemUnder("arrivals[" + std::to_string(a.index) + "]")) continue;
    const ArrivalStream& stream = scenario_.arrivals[a.index];
    uint32_t q = stream.queue.value();
    if (q >= center.queues.size() || !checked.insert({q, stream.channel}).second) continue;
    bool served = false;
    for (const AgentGroup& group : scenario_.agents) {
      served = served || CanServe(center, group, q, stream.channel);
    }
    if (served) continue;
    const core::Queue& queue = center.queues[q];
    std::string skills = queue.plan.empty() ? "" : Requirements(center, queue.plan.front());
    Report(a.queue, "queue " + Quote(queue.id) +
                        " receives arrivals but no agent group can serve it (its first step "
                        "takes members of the queue" +
                        (skills.empty() ? "" : " with " + skills) + ", with capacity on " +
                        std::string(core::ChannelName(stream.channel)) + ")");
  }
}

}  // namespace hotline::sim::internal
