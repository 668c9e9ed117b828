// The center of a scenario: a hotline.yaml (`center: FILE`), or inline `queues` and `skills`.
//
// Inline queues are read by config's own CenterParser, so they accept every queue key of
// hotline.yaml with the same checks and messages. The parser reads text; it is given the scenario
// text with every line outside the `queues` and `skills` entries emptied, plus a `center` line
// (and the implicit skills) appended after the last line. Lines and columns, key paths
// ("queues[0].agent_order") and the line numbers quoted in messages are thus the scenario's own.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/center_parser.h"
#include "sim/scenario_file_parser.h"

namespace hotline::sim::internal {

using config::internal::DidYouMean;
using config::internal::IsIdChar;
using config::internal::kMaxIdLength;
using config::internal::Quote;

namespace {

// The value of `key` in the YAML map `node`, without yaml-cpp's operator[] (which may insert).
std::optional<YAML::Node> ChildOf(const YAML::Node& node, std::string_view key,
                                  YAML::Mark* key_mark) {
  if (!node.IsMap()) return std::nullopt;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      *key_mark = it->first.Mark();
      return YAML::Node(it->second);
    }
  }
  return std::nullopt;
}

bool IsSkillId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return IsIdChar(c, /*strict=*/true); });
}

// A line that ends the document ("...") or starts another ("---").
bool IsDocumentMarker(std::string_view line) {
  if (line.size() < 3 || (line.compare(0, 3, "...") != 0 && line.compare(0, 3, "---") != 0)) {
    return false;
  }
  return line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r';
}

template <typename Items>
Names IdsOf(const Items& items) {
  Names names;
  if (items.size() > 2000) return names;  // suggestions cost a distance per id
  for (const auto& item : items) names.push_back(item.id);
  return names;
}

}  // namespace

// ---- a center file ------------------------------------------------------------------------------

void ScenarioParser::ReadCenterFile(const Entry& e) {
  source_ = Source::kFile;
  std::optional<std::string> path = String(e.value);
  if (!path) return;
  if (path->empty()) {
    Report(e.value, "the center file name must not be empty");
    return;
  }
  std::filesystem::path p(*path);
  if (p.is_relative() && !base_dir_.empty()) p = std::filesystem::path(base_dir_) / p;
  center_file_ = p.lexically_normal().string();
  core::CenterDefinition center;
  std::vector<ConfigProblem> problems = config::CheckCenterFile(center_file_, &center);
  if (problems.empty()) {
    scenario_.center = std::move(center);
    center_ok_ = true;
    return;
  }
  if (problems.size() == 1 && problems[0].line == 0 && problems[0].key.empty()) {
    Report(e.value, "cannot load the center file: " + problems[0].message);
    return;
  }
  std::string count =
      std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems");
  Report(e.value, "the center file " + Quote(center_file_) + " has " + count +
                      "; the first: " + config::FormatProblem(problems[0]));
  other_problems_ = std::move(problems);
}

// ---- inline queues ------------------------------------------------------------------------------

void ScenarioParser::CollectSkillKeys(const Spot& map, std::set<std::string>* seen,
                                      std::vector<std::string>* out) {
  if (!map.node.IsMap()) return;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    if (!Spend()) return;
    YAML::Node key = it->first;
    if (!key.IsScalar()) continue;
    const std::string& name = key.Scalar();
    if (!seen->insert(name).second) continue;
    if (IsSkillId(name)) {
      out->push_back(name);
    } else {
      invalid_skills_.insert(name);
      Report(key.Mark(), map.path + "." + name,
             "skill id " + Quote(name) +
                 " must be 1 to 64 letters, digits and '_' (expressions read it as "
                 "agent.skill.<id>)");
    }
  }
}

std::vector<std::string> ScenarioParser::ImplicitSkills(const Fields& top) {
  std::set<std::string> seen;
  std::vector<std::string> skills;
  // Each list item's map under `key`, with its key path.
  auto each = [&](const Entry& list, auto&& visit) {
    if (!list.value.node.IsSequence()) return;
    size_t i = 0;
    for (auto it = list.value.node.begin(); it != list.value.node.end(); ++it, ++i) {
      if (!Spend()) return;
      visit(YAML::Node(*it), list.value.path + "[" + std::to_string(i) + "]");
    }
  };
  auto skills_under = [&](const YAML::Node& node, const std::string& path, std::string_view key) {
    YAML::Mark mark;
    if (auto child = ChildOf(node, key, &mark)) {
      CollectSkillKeys({*child, mark, path + "." + std::string(key)}, &seen, &skills);
    }
  };
  for (const Entry& e : top.entries) {
    if (e.name == "queues") {
      each(e, [&](const YAML::Node& queue, const std::string& path) {
        skills_under(queue, path, "requires");
        YAML::Mark mark;
        std::optional<YAML::Node> plan = ChildOf(queue, "plan", &mark);
        if (!plan || !plan->IsSequence()) return;
        size_t s = 0;
        for (auto it = plan->begin(); it != plan->end() && Spend(); ++it, ++s) {
          std::string step_path = path + ".plan[" + std::to_string(s) + "]";
          skills_under(YAML::Node(*it), step_path, "requires");
          skills_under(YAML::Node(*it), step_path, "optional");
        }
      });
    } else if (e.name == "agents") {
      each(e, [&](const YAML::Node& group, const std::string& path) {
        skills_under(group, path, "skills");
      });
    }
  }
  return skills;
}

std::string ScenarioParser::InlineCenterText(const std::vector<std::string>& implicit_skills) {
  if (root_.Style() != YAML::EmitterStyle::Block) return {};
  // Each top-level key's first line, and whether its entry is kept.
  struct Key {
    int line;
    bool keep;
  };
  std::vector<Key> keys;
  bool queues = false, skills = false;
  int indent = 0;
  for (auto it = root_.begin(); it != root_.end(); ++it) {
    YAML::Node key = it->first;
    YAML::Mark mark = key.Mark();
    if (mark.is_null() || (!keys.empty() && mark.line <= keys.back().line)) return {};
    if (keys.empty()) indent = mark.column;
    bool keep = false;
    if (key.IsScalar() && key.Scalar() == "queues" && !queues) keep = queues = true;
    if (key.IsScalar() && key.Scalar() == "skills" && !skills) keep = skills = true;
    keys.push_back({mark.line, keep});
  }
  if (keys.empty()) return {};

  std::string out;
  size_t k = 0;  // the entry the current line belongs to (when line >= keys[0].line)
  size_t start = 0;
  for (int line = 0; start <= text_.size(); ++line) {
    size_t end = text_.find('\n', start);
    if (end == std::string::npos) end = text_.size();
    while (k + 1 < keys.size() && keys[k + 1].line <= line) ++k;
    std::string_view content(text_.data() + start, end - start);
    if (line >= keys[0].line && keys[k].keep && !IsDocumentMarker(content)) out += content;
    out += '\n';
    start = end + 1;
  }
  const std::string pad(static_cast<size_t>(std::max(indent, 0)), ' ');
  out += pad + "center: {name: \"scenario\"}\n";
  if (!skills && !implicit_skills.empty()) {
    out += pad + "skills: [";
    for (size_t i = 0; i < implicit_skills.size(); ++i) {
      out += (i ? ", {id: \"" : "{id: \"") + implicit_skills[i] + "\"}";
    }
    out += "]\n";
  }
  return out;
}

void ScenarioParser::ReadInlineCenter(const Fields& top) {
  source_ = Source::kInline;
  const Entry* queues = top.Find("queues");
  std::vector<std::string> implicit;
  if (!top.Find("skills")) implicit = ImplicitSkills(top);
  if (stopped()) return;
  std::string text = InlineCenterText(implicit);
  if (text.empty()) {
    Report(queues->key.Mark(), queues->value.path,
           "inline queues need the scenario's top level written as a block map, one key per line "
           "(or use 'center' with a hotline.yaml)");
    return;
  }
  int lines = static_cast<int>(std::count(text_.begin(), text_.end(), '\n')) + 1;
  config::internal::CenterParser parser(file_);
  parser.Load(text);
  bool ok = parser.problems().empty();
  for (ConfigProblem& p : parser.problems()) {
    // Already reported as an invalid implicit skill id.
    bool dropped = false;
    for (const std::string& name : invalid_skills_) {
      dropped = dropped || p.message.rfind("skill " + Quote(name) + " is not defined", 0) == 0;
    }
    if (dropped) continue;
    if (p.message.rfind("agent ", 0) == 0 &&
        p.message.find("is not defined under 'agents'") != std::string::npos) {
      p.message =
          "an inline center has no agents to name as static members (use 'requires' or "
          "'membership', or a center file)";
    }
    if (p.message.find("anchor") != std::string::npos) {
      p.message += " (inline queues and skills may use only anchors defined within them)";
    }
    if (p.line > lines) p.line = p.column = 0;  // in the appended lines: about the whole file
    problems().push_back(std::move(p));
  }
  if (queues->value.node.IsNull() ||
      (queues->value.node.IsSequence() && queues->value.node.size() == 0)) {
    Report(queues->value, "an inline center needs at least one queue");
    ok = false;
  }
  if (!ok) return;
  scenario_.center = std::move(parser.center());
  scenario_.center.name = scenario_.name.empty() ? "scenario" : scenario_.name;
  center_ok_ = true;
}

// ---- references into the center ----------------------------------------------------------------

std::string ScenarioParser::WhereDefined(std::string_view section) const {
  if (source_ == Source::kFile) return "in the center file " + Quote(center_file_);
  return "under '" + std::string(section) + "'";
}

std::optional<core::QueueId> ScenarioParser::QueueRef(const Spot& at) {
  std::optional<std::string> name = String(at);
  if (!name || !center_ok_) return std::nullopt;
  if (auto q = scenario_.center.FindQueue(*name)) return q;
  Report(at, "queue " + Quote(*name) + " is not defined " + WhereDefined("queues") +
                 DidYouMean(*name, IdsOf(scenario_.center.queues)));
  return std::nullopt;
}

std::optional<core::SkillId> ScenarioParser::SkillRef(const Spot& at) {
  std::optional<std::string> name = String(at);
  if (!name || !center_ok_ || invalid_skills_.count(*name) > 0) return std::nullopt;
  if (auto s = scenario_.center.FindSkill(*name)) return s;
  Report(at, "skill " + Quote(*name) + " is not defined " + WhereDefined("skills") +
                 DidYouMean(*name, IdsOf(scenario_.center.skills)));
  return std::nullopt;
}

std::optional<core::AgentId> ScenarioParser::AgentRef(const Spot& at) {
  std::optional<std::string> name = String(at);
  if (!name) return std::nullopt;
  if (source_ == Source::kInline) {
    Report(at, "'like' copies an agent of a center file; an inline center has no agents");
    return std::nullopt;
  }
  if (!center_ok_) return std::nullopt;
  if (auto a = scenario_.center.FindAgent(*name)) return a;
  Report(at, "agent " + Quote(*name) + " is not defined " + WhereDefined("agents") +
                 DidYouMean(*name, IdsOf(scenario_.center.agents)));
  return std::nullopt;
}

std::optional<core::ProfileId> ScenarioParser::ProfileRef(const Spot& at) {
  std::optional<std::string> name = String(at);
  if (!name) return std::nullopt;
  if (source_ == Source::kInline) {
    Report(at, "routing profiles come from a center file; an inline center has none");
    return std::nullopt;
  }
  if (!center_ok_) return std::nullopt;
  if (auto p = scenario_.center.FindProfile(*name)) return p;
  Report(at, "profile " + Quote(*name) + " is not defined " + WhereDefined("profiles") +
                 DidYouMean(*name, IdsOf(scenario_.center.profiles)));
  return std::nullopt;
}

}  // namespace hotline::sim::internal
