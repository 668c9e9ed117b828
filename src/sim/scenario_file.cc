// The public entry points of scenario_file.h (size limit, reading the file, the exception backstop,
// the order of problems), the YAML document and the top level of a scenario file.
#include "sim/scenario_file.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario_file_parser.h"

namespace hotline::sim {

namespace internal {

using config::internal::Describe;
using config::internal::Join;

namespace {

const Names kTopKeys = {"name",          "seed",   "horizon", "warmup", "replications", "interval",
                        "service_level", "center", "skills",  "queues", "arrivals",     "agents"};
const Names kServiceLevelKeys = {"threshold", "short_abandon"};

}  // namespace

bool ScenarioParser::ParseDocument() {
  YAML::Node document;
  try {
    // Unlike the center loader, a second document ends reading too.
    if (CheckSingleDocument(text_) != SecondDocument::kNone) return false;
    document.reset(YAML::Load(text_));
  } catch (const YAML::Exception& e) {
    Report(e.mark, "", "YAML syntax error: " + e.msg);
    return false;
  }
  if (document.IsNull()) {
    Report(YAML::Mark::null_mark(), "",
           "the file is empty; expected a scenario, a map with keys " + Join(kTopKeys));
    return false;
  }
  root_.reset(document);
  return true;
}

void ScenarioParser::Load(std::string_view text) {
  text_ = std::string(text);
  scenario_.file = file_;
  if (!ParseDocument()) return;
  Spot root{root_, root_.Mark(), ""};
  if (!root.node.IsMap()) {
    Report(root, "expected a scenario, a map with keys " + Join(kTopKeys) + ", got " +
                     Describe(root.node));
    return;
  }
  Fields top;
  if (!Map(root, kTopKeys, "a scenario", &top)) return;
  ReadTop(top);
}

void ScenarioParser::ReadServiceLevel(const Spot& at) {
  Fields f;
  if (!Map(at, kServiceLevelKeys, "service level settings", &f)) return;
  if (const Entry* e = f.Find("threshold")) scenario_.sl_threshold = DurationValue(e->value, true);
  if (const Entry* e = f.Find("short_abandon")) {
    scenario_.short_abandon = DurationValue(e->value, false);
  }
}

void ScenarioParser::ReadTop(const Fields& top) {
  const YAML::Mark& root_mark = top.self.mark;
  auto missing = [&](std::string_view key, std::string_view what) {
    Report(root_mark, std::string(key),
           "missing required key '" + std::string(key) + "' (" + std::string(what) + ")");
  };

  if (const Entry* e = top.Find("name")) {
    if (auto name = String(e->value)) {
      if (name->empty()) {
        Report(e->value, "the scenario name must not be empty");
      } else {
        scenario_.name = *name;
      }
    }
  } else {
    missing("name", "the scenario's name");
  }
  if (const Entry* e = top.Find("seed")) {
    if (auto n = Int(e->value, 0, std::numeric_limits<int64_t>::max())) {
      scenario_.seed = static_cast<uint64_t>(*n);
    }
  }
  if (const Entry* e = top.Find("horizon")) {
    horizon_ = DurationValue(e->value, true);
    if (horizon_) scenario_.horizon = *horizon_;
  } else {
    missing("horizon", "how long arrivals are generated, e.g. 8h");
  }
  if (const Entry* e = top.Find("warmup")) {
    if (auto d = DurationValue(e->value, false)) {
      if (horizon_ && *d >= *horizon_) {
        Report(e->value, "the warm-up (" + FormatDuration(*d) +
                             ") must be shorter than the horizon (" + FormatDuration(*horizon_) +
                             ")");
      } else {
        scenario_.warmup = *d;
      }
    }
  }
  if (const Entry* e = top.Find("replications")) {
    if (auto n = Int(e->value, 1, kMaxReplications)) scenario_.replications = static_cast<int>(*n);
  }
  if (const Entry* e = top.Find("interval")) {
    if (auto d = DurationValue(e->value, true)) scenario_.interval = *d;
  }
  if (const Entry* e = top.Find("service_level")) ReadServiceLevel(e->value);

  // The center: a hotline.yaml, or inline queues (and skills).
  const Entry* center = top.Find("center");
  const Entry* queues = top.Find("queues");
  const Entry* skills = top.Find("skills");
  if (center && queues) {
    Report(queues->key.Mark(), queues->value.path,
           "'center' and inline 'queues' cannot be used together (the queues come from the "
           "center file; remove one of them)");
  }
  if (center && skills) {
    Report(skills->key.Mark(), skills->value.path,
           "inline 'skills' go with inline 'queues'; with a center file the skills are the "
           "file's");
  }
  if (center) {
    ReadCenterFile(*center);
  } else if (queues) {
    ReadInlineCenter(top);
  } else {
    if (skills) {
      Report(skills->key.Mark(), skills->value.path,
             "inline 'skills' go with inline 'queues', which are missing");
    }
    Report(root_mark, "queues",
           "missing the center: give 'center' (a hotline.yaml file) or inline 'queues'");
  }

  if (const Entry* e = top.Find("arrivals")) {
    ReadArrivals(e->value);
  } else {
    missing("arrivals", "the traffic: a list of {queue, rate_per_hour, handle_time, ...}");
  }
  if (const Entry* e = top.Find("agents")) {
    ReadAgents(e->value);
    agents_ok_ = !HasProblemUnder("agents");
  } else {
    missing("agents", "who handles the traffic: a list of {count, skills, ...}");
  }
  if (agents_ok_) CheckGroupIds();
  // Only when the groups are known for sure: a group with a problem might have served the queue.
  if (center_ok_ && agents_ok_) CheckReachable();

  if (center_ok_) {
    for (core::Queue& q : scenario_.center.queues) {
      if (scenario_.sl_threshold) q.sl_threshold = *scenario_.sl_threshold;
      if (scenario_.short_abandon) q.short_abandon = *scenario_.short_abandon;
    }
  }
}

}  // namespace internal

namespace {

using config::ConfigProblem;

std::vector<ConfigProblem> Check(std::string_view text, std::string_view file_name,
                                 std::string_view base_dir, Scenario* out) {
  std::vector<ConfigProblem> others;
  std::vector<ConfigProblem> problems = config::internal::CollectProblems(
      file_name, [&](std::vector<ConfigProblem>* problems, bool* truncated) {
        internal::ScenarioParser parser(file_name, base_dir);
        parser.Load(text);
        *problems = std::move(parser.problems());
        others = std::move(parser.other_problems());
        *truncated = parser.truncated();
        if (problems->empty() && others.empty() && out != nullptr) {
          *out = std::move(parser.scenario());
        }
      });
  // The center file's problems come after this file's (and after a "too many problems" note).
  for (ConfigProblem& p : others) problems.push_back(std::move(p));
  return problems;
}

std::string TooLarge() {
  return "the file is larger than " + std::to_string(kMaxScenarioFileBytes >> 20) +
         " MiB; a scenario is far smaller";
}

// Reads at most kMaxScenarioFileBytes + 1 bytes, so a huge or endless file is refused cheaply.
Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error::InvalidArgument("cannot read " + path + ": it is a directory");
  }
  return config::internal::ReadFileText(path, kMaxScenarioFileBytes, TooLarge());
}

std::string DirectoryOf(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

}  // namespace

std::vector<config::ConfigProblem> CheckScenarioYaml(std::string_view text,
                                                     std::string_view file_name,
                                                     std::string_view base_dir, Scenario* out) {
  if (text.size() > kMaxScenarioFileBytes) {
    return {{std::string(file_name), 0, 0, "", TooLarge()}};
  }
  return Check(text, file_name, base_dir, out);
}

std::vector<config::ConfigProblem> CheckScenarioFile(const std::string& path, Scenario* out) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return {{path, 0, 0, "", text.error().message}};
  return Check(*text, path, DirectoryOf(path), out);
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.error();
  Scenario scenario;
  std::vector<config::ConfigProblem> problems = Check(*text, path, DirectoryOf(path), &scenario);
  if (!problems.empty()) {
    return Error::InvalidArgument(config::FormatProblem(problems.front()), problems.front().key);
  }
  return scenario;
}

}  // namespace hotline::sim
