// The center definition parser behind center_file.h (internal to config).
//
// CenterParser reads one YAML document into a core::CenterDefinition, section by section, on top
// of YamlReader: every mistake becomes a ConfigProblem and reading goes on where that makes sense.
// The sections live in separate files: parse_center.cc (the whole file, center, settings, skills,
// dispositions, profiles, ids and references, the ValidateCenter backstop), parse_agents.cc and
// parse_queues.cc (queues, plans, rings, admission, exceptions).
//
// Error contract: Load records problems instead of throwing for anything in the input; the caller
// still catches std::exception (out of memory) as a backstop. center() is meaningful only when
// problems() is empty.
//
// Thread-safety: one parser per parse; not for concurrent use.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/yaml_reader.h"
#include "core/center.h"

namespace hotline::config::internal {

// "+08:00" / "-05:30" (at most 14:00), "Z" or "UTC" -> minutes east of UTC; nullopt otherwise.
std::optional<int> ParseUtcOffset(std::string_view text);

// Each id of a list of objects -> its first item: index and where its id is written.
struct IdEntry {
  uint32_t index = 0;
  YAML::Mark mark;
};
using IdTable = std::unordered_map<std::string, IdEntry>;

class CenterParser : public YamlReader {
 public:
  explicit CenterParser(std::string_view file) : YamlReader(file) {}

  // Parses the whole document in `text` (parse_center.cc).
  void Load(std::string_view text);
  core::CenterDefinition& center() { return center_; }

 private:
  // ---- references ----
  template <typename IdType>
  std::optional<IdType> Reference(const Spot& at, std::string_view kind, std::string_view section,
                                  const IdTable& ids);
  std::optional<core::SkillId> SkillRef(const Spot& at) {
    return Reference<core::SkillId>(at, "skill", "skills", skill_ids_);
  }
  std::optional<core::QueueId> QueueRef(const Spot& at) {
    return Reference<core::QueueId>(at, "queue", "queues", queue_ids_);
  }
  std::optional<core::AgentId> AgentRef(const Spot& at) {
    return Reference<core::AgentId>(at, "agent", "agents", agent_ids_);
  }
  std::optional<core::ProfileId> ProfileRef(const Spot& at) {
    return Reference<core::ProfileId>(at, "profile", "profiles", profile_ids_);
  }

  // ---- sections: parse_center.cc ----
  void ReadCenter(const Spot& at);
  void ReadSettings(const Spot& at);
  std::optional<core::WrapupPolicy> ReadWrapup(const Spot& at, core::WrapupPolicy base);
  void RegisterIds(const Spot& at, IdTable* ids);
  // Reads an item's `id`, reporting a duplicate (the table maps each id to its first item).
  std::optional<std::string> ReadId(const Fields& f, std::string_view kind, uint32_t index,
                                    const IdTable& ids, bool strict);
  void ReadSkills(const Spot& at);
  void ReadDispositions(const Spot& at);
  void ReadProfiles(const Spot& at);
  void CheckValidation();

  // ---- sections: parse_agents.cc ----
  void ReadAgents(const Spot& at);
  void ReadAgent(const Spot& at, uint32_t index, core::AgentDefinition* agent);
  void ReadAttributes(const Spot& at, std::map<std::string, core::Value>* out);

  // ---- sections: parse_queues.cc ----
  void ReadQueues(const Spot& at);
  void ReadQueue(const Spot& at, uint32_t index, core::Queue* queue);
  void ReadAgentOrder(const Spot& at, core::Queue* queue);
  void ReadOffer(const Spot& at, core::Queue* queue);
  void ReadTaskOrder(const Spot& at, core::Queue* queue);
  void ReadMembers(const Spot& at, core::Queue* queue);
  void ReadRequirements(const Spot& at, bool optional, std::vector<core::SkillRequirement>* out);
  void ReadStep(const Spot& at, core::Step* step);
  void ReadRings(const Spot& at, std::vector<core::Ring>* rings);
  void ReadAdmission(const Spot& at, core::Queue* queue);
  void ReadExceptions(const Spot& at, uint32_t queue_index, core::Queue* queue);

  core::CenterDefinition center_;
  YAML::Node root_;
  IdTable skill_ids_, queue_ids_, agent_ids_, profile_ids_, disposition_ids_;
};

template <typename IdType>
std::optional<IdType> CenterParser::Reference(const Spot& at, std::string_view kind,
                                              std::string_view section, const IdTable& ids) {
  std::optional<std::string> name = String(at);
  if (!name) return std::nullopt;
  auto it = ids.find(*name);
  if (it != ids.end()) return IdType(it->second.index);
  // Suggestions cost a distance per id: skipped for very large centers.
  Names known;
  if (ids.size() <= 2000) {
    for (const auto& [id, entry] : ids) known.push_back(id);
    std::sort(known.begin(), known.end());
  }
  Report(at, std::string(kind) + " " + Quote(*name) + " is not defined under '" +
                 std::string(section) + "'" + DidYouMean(*name, known));
  return std::nullopt;
}

}  // namespace hotline::config::internal
