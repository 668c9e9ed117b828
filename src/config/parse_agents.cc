// The `agents` section of a center file: ids, skills, capacity per channel, attributes.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/center_parser.h"
#include "core/channel.h"

namespace hotline::config::internal {

using core::AgentDefinition;
using core::Channel;
using core::Value;

namespace {

const Names kAgentKeys = {"id",      "name",       "skills", "capacity", "cross_channel",
                          "profile", "attributes", "weight"};
// Attribute names the expression language already gives a meaning to (agent.id, agent.skill.x).
const Names kReservedAttributes = {"id", "skill"};

Names ChannelNames() {
  Names names;
  for (Channel c : core::kAllChannels) names.push_back(core::ChannelName(c));
  return names;
}

}  // namespace

void CenterParser::ReadAttributes(const Spot& at, std::map<std::string, Value>* out) {
  Fields f;
  if (!Map(at, {}, "a map of attributes", &f, /*open=*/true)) return;
  for (const Entry& e : f.entries) {
    bool valid = !e.name.empty() && e.name.size() <= kMaxIdLength;
    for (char c : e.name) valid = valid && IsIdChar(c, /*strict=*/true);
    if (!valid) {
      Report(e.key.Mark(), e.value.path,
             "attribute name " + Quote(e.name) +
                 " may hold only letters, digits and '_' (expressions read it as agent.<name>)");
      continue;
    }
    if (std::find(kReservedAttributes.begin(), kReservedAttributes.end(), e.name) !=
        kReservedAttributes.end()) {
      Report(e.key.Mark(), e.value.path,
             "attribute name " + Quote(e.name) + " is reserved (agent." + e.name + " is built in)");
      continue;
    }
    if (auto v = AttributeValue(e.value, true)) (*out)[e.name] = std::move(*v);
  }
}

void CenterParser::ReadAgent(const Spot& at, uint32_t index, AgentDefinition* agent) {
  Fields f;
  if (!Map(at, kAgentKeys, "an agent", &f)) return;
  if (auto id = ReadId(f, "agent", index, agent_ids_, false)) agent->id = agent->name = *id;
  if (const Entry* e = f.Find("name")) {
    if (auto name = String(e->value)) agent->name = *name;
  }
  if (const Entry* e = f.Find("skills")) {
    Fields skills;
    if (Map(e->value, {}, "a map of skill id -> level", &skills, /*open=*/true)) {
      for (const Entry& s : skills.entries) {
        Spot key_spot{s.key, s.key.Mark(), s.value.path};
        auto skill = SkillRef(key_spot);
        auto level = Int(s.value, 1, kMaxMagnitude);
        if (skill && level) agent->skills[*skill] = static_cast<int>(*level);
      }
    }
  }
  agent->capacity = {};
  agent->capacity[static_cast<size_t>(Channel::kVoice)] = 1;
  if (const Entry* e = f.Find("capacity")) {
    agent->capacity = {};
    Fields capacity;
    if (Map(e->value, {}, "a map of channel -> capacity", &capacity, /*open=*/true)) {
      for (const Entry& c : capacity.entries) {
        auto channel = core::ParseChannel(c.name);
        if (!channel) {
          Names names = ChannelNames();
          Report(c.key.Mark(), c.value.path,
                 "unknown channel " + Quote(c.name) + DidYouMean(c.name, names) +
                     " (expected one of: " + Join(names) + ")");
          continue;
        }
        if (auto n = Int(c.value, 0, kMaxMagnitude)) {
          agent->capacity[static_cast<size_t>(*channel)] = static_cast<int>(*n);
        }
      }
    }
  }
  if (const Entry* e = f.Find("cross_channel")) {
    static const Choices<core::CrossChannelRule> kRules = {
        {"any", core::CrossChannelRule::kAny},
        {"same_channel_only", core::CrossChannelRule::kSameChannelOnly},
        {"exclusive", core::CrossChannelRule::kExclusive}};
    if (auto r = Enum(e->value, kRules, "cross-channel rule")) agent->cross_channel = *r;
  }
  if (const Entry* e = f.Find("profile")) {
    if (auto p = ProfileRef(e->value)) agent->profile = *p;
  }
  if (const Entry* e = f.Find("attributes")) ReadAttributes(e->value, &agent->attributes);
  if (const Entry* e = f.Find("weight")) {
    if (auto w = Number(e->value)) {
      if (*w > 0 && *w <= 1e9) {
        agent->weight = *w;
      } else {
        Report(e->value, "weight must be a positive number (at most 1e9), got " +
                             Quote(e->value.node.Scalar()));
      }
    }
  }
}

void CenterParser::ReadAgents(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of agents", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped(); ++i) {
    center_.agents.emplace_back();
    ReadAgent(items[i], i, &center_.agents.back());
  }
}

}  // namespace hotline::config::internal
