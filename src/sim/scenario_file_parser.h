// The scenario file parser behind scenario_file.h (internal to sim).
//
// ScenarioParser reads one YAML document into a Scenario on top of config's YamlReader, so its
// problems have the center loader's form. The sections live in separate files:
// scenario_file.cc (the document, the top level, the entry points), scenario_file_center.cc (the
// center: a hotline.yaml, or inline queues read by config's CenterParser),
// scenario_file_traffic.cc (arrivals, distributions, attributes) and scenario_file_agents.cc
// (agent groups, the reachability check).
//
// Error contract: Load records problems instead of throwing for anything in the input; the caller
// still catches std::exception (out of memory) as a backstop. scenario() is meaningful only when
// problems() and other_problems() are empty.
//
// Thread-safety: one parser per parse; not for concurrent use.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_reader.h"
#include "sim/scenario.h"
#include "sim/scenario_file.h"

namespace hotline::sim::internal {

using config::ConfigProblem;
using config::internal::Entry;
using config::internal::Fields;
using config::internal::Names;
using config::internal::Spot;

// The channels by name, for Enum.
const config::internal::Choices<core::Channel>& ChannelChoices();

class ScenarioParser : public config::internal::YamlReader {
 public:
  ScenarioParser(std::string_view file, std::string_view base_dir)
      : YamlReader(file), file_(file), base_dir_(base_dir) {}

  // Parses the whole document in `text` (scenario_file.cc).
  void Load(std::string_view text);
  Scenario& scenario() { return scenario_; }
  // Problems of other files (the center file), reported after this file's.
  std::vector<ConfigProblem>& other_problems() { return other_problems_; }

 private:
  enum class Source { kNone, kFile, kInline };

  // ---- the document and the top level: scenario_file.cc ----
  bool ParseDocument();
  void ReadTop(const Fields& top);
  void ReadServiceLevel(const Spot& at);

  // ---- the center: scenario_file_center.cc ----
  void ReadCenterFile(const Entry& e);
  void ReadInlineCenter(const Fields& top);
  // Every skill the inline queues' requirements and the agent groups' `skills` name, in file
  // order; invalid names are reported (and remembered in invalid_skills_).
  std::vector<std::string> ImplicitSkills(const Fields& top);
  void CollectSkillKeys(const Spot& map, std::set<std::string>* seen,
                        std::vector<std::string>* out);
  // The scenario text reduced to its `queues` and `skills` entries (every other line empty, so
  // lines and columns stay those of the scenario), plus a `center` line and, when `skills` is
  // left out, the implicit skills. Empty when the top level is not a block map.
  std::string InlineCenterText(const std::vector<std::string>& implicit_skills);
  std::string WhereDefined(std::string_view section) const;
  std::optional<core::QueueId> QueueRef(const Spot& at);
  std::optional<core::SkillId> SkillRef(const Spot& at);
  std::optional<core::AgentId> AgentRef(const Spot& at);
  std::optional<core::ProfileId> ProfileRef(const Spot& at);

  // ---- traffic: scenario_file_traffic.cc ----
  void ReadArrivals(const Spot& at);
  void ReadArrival(const Spot& at, ArrivalStream* stream);
  void ReadRateProfile(const Spot& at, ArrivalStream* stream);
  std::optional<double> ReadRate(const Spot& at);
  std::optional<Distribution> ReadDistribution(const Spot& at);
  void ReadAttributes(const Spot& at, bool task, std::map<std::string, core::Value>* out);

  // ---- agent groups: scenario_file_agents.cc ----
  void ReadAgents(const Spot& at);
  void ReadGroup(const Spot& at, size_t index, AgentGroup* group);
  void ReadGroupSkills(const Spot& at, core::AgentDefinition* agent);
  void ReadCapacity(const Spot& at, core::AgentDefinition* agent);
  void ReadShift(const Spot& at, AgentGroup* group);
  // True when some problem's key is `path` or below it ("agents" covers "agents[0].count").
  bool HasProblemUnder(std::string_view path);
  void CheckGroupIds();
  void CheckReachable();

  std::string file_;
  std::string base_dir_;
  std::string text_;
  YAML::Node root_;
  Scenario scenario_;
  std::vector<ConfigProblem> other_problems_;

  Source source_ = Source::kNone;
  bool center_ok_ = false;                // scenario_.center is complete: references can be checked
  std::string center_file_;               // the center file as opened, for messages
  std::set<std::string> invalid_skills_;  // implicit skill names already reported as invalid
  std::optional<Duration> horizon_;       // once read: bounds for warmup, shifts, rate steps

  // For the reachability check: each arrival whose queue resolved, and where it is written.
  struct ArrivalSpot {
    size_t index;
    Spot queue;
  };
  std::vector<ArrivalSpot> arrival_spots_;
  // Each group's id as written (none: the default g<n>).
  struct GroupIdSpot {
    size_t index;
    Spot id;
  };
  std::vector<GroupIdSpot> group_id_spots_;
  bool agents_ok_ = false;  // the agent groups were read without problems
};

}  // namespace hotline::sim::internal
