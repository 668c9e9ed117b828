// The flow parser behind flow_file.h (internal to config).
//
// FlowParser reads the `flows`, `numbers` and `hours` sections of a center file into a
// flow::FlowBook on top of YamlReader: every mistake becomes a ConfigProblem and reading goes on
// where that makes sense. parse_flows.cc reads the document, hours, numbers and flows;
// parse_flow_nodes.cc the nodes and their prompts.
//
// Error contract: as CenterParser (center_parser.h). Thread-safety: one parser per parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_reader.h"
#include "flow/flow.h"

namespace hotline::config::internal {

// Bounds on what one file may define: far above any real center, far below trouble.
inline constexpr size_t kMaxFlows = 1000;
inline constexpr size_t kMaxNodesPerFlow = 1000;
inline constexpr size_t kMaxPrompts = 20;
inline constexpr size_t kMaxTextBytes = 2000;
inline constexpr size_t kMaxPathBytes = 1024;

class FlowParser : public YamlReader {
 public:
  explicit FlowParser(std::string_view file) : YamlReader(file) {}

  // Parses the flow sections of the document in `text` (parse_flows.cc).
  void Load(std::string_view text);
  flow::FlowBook& book() { return book_; }

 private:
  // The flow being read: its node names (for references) and default voice.
  struct FlowScope {
    std::set<std::string> names;
    std::string voice;
  };

  // The entry of a required key, or nullptr once reported missing.
  const Entry* Required(const Fields& f, std::string_view key) {
    const Entry* e = f.Find(key);
    if (!e) Missing(f, key);
    return e;
  }

  // parse_flows.cc
  void CollectIds(const YAML::Node& root);
  void ReadCenterOffset(const YAML::Node& root);
  void ReadHours(const Spot& at);
  void ReadWeekly(const Spot& at, flow::Hours* hours);
  void ReadNumbers(const Spot& at);
  void ReadFlows(const Spot& at);
  void ReadFlow(const Spot& at, std::set<std::string>* ids);
  std::optional<std::string> Reference(const Spot& at, std::string_view kind,
                                       std::string_view where, const std::set<std::string>& ids);

  // parse_flow_nodes.cc
  void ReadNode(const Spot& at, const FlowScope& scope, flow::Node* node);
  void ReadMenu(const Fields& f, const FlowScope& scope, flow::Node* node);
  void ReadCollect(const Fields& f, const FlowScope& scope, flow::Node* node);
  void ReadHoursBranch(const Fields& f, const FlowScope& scope, flow::Node* node);
  void ReadSet(const Fields& f, flow::Node* node);
  void ReadQueue(const Fields& f, const FlowScope& scope, flow::Node* node);
  std::vector<flow::Prompt> Prompts(const Spot& at, const FlowScope& scope);
  std::optional<flow::Prompt> OnePrompt(const Spot& at, const FlowScope& scope);
  std::optional<std::string> Voice(const Spot& at);
  std::optional<std::string> Text(const Spot& at);
  std::optional<std::string> Sound(const Spot& at);
  std::optional<char> Key(const Spot& at);
  std::optional<std::string> NodeRef(const Spot& at, const FlowScope& scope) {
    return Reference(at, "node", "this flow's nodes", scope.names);
  }

  flow::FlowBook book_;
  YAML::Node root_;
  std::set<std::string> queue_ids_, hours_ids_, flow_ids_;
};

}  // namespace hotline::config::internal
