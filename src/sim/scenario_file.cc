// The public entry points of scenario_file.h (size limit, reading the file, the exception backstop,
// the order of problems), the YAML document and the top level of a scenario file.
#include "sim/scenario_file.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <sstream>
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

// Records where each document starts, without building nodes (as the center loader does: yaml-cpp
// 0.7 never gets past a stray flow token at the top level, so at most two documents are looked at).
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

bool ScenarioParser::ParseDocument() {
  YAML::Node document;
  try {
    std::istringstream stream(text_);
    YAML::Parser parser(stream);
    DocumentCounter counter;
    while (counter.starts.size() < 2 && parser.HandleNextDocument(counter)) {
    }
    if (counter.starts.size() == 2) {
      const YAML::Mark& second = counter.starts[1];
      size_t at = second.pos < 0 ? text_.size() : static_cast<size_t>(second.pos);
      if (at < text_.size() && text_.compare(at, 3, "---") == 0) {
        Report(second, "", "only one YAML document is allowed (found a second '---')");
      } else {
        std::string found =
            at < text_.size() ? config::internal::Quote(text_.substr(at, 1)) : "content";
        Report(second, "",
               "YAML syntax error: unexpected " + found +
                   (second.pos == counter.starts[0].pos ? "" : " after the end of the document"));
      }
      return false;
    }
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
  std::vector<ConfigProblem> problems;
  std::vector<ConfigProblem> others;
  bool truncated = false;
  try {
    internal::ScenarioParser parser(file_name, base_dir);
    parser.Load(text);
    problems = std::move(parser.problems());
    others = std::move(parser.other_problems());
    truncated = parser.truncated();
    if (problems.empty() && others.empty() && out != nullptr) *out = std::move(parser.scenario());
  } catch (const std::exception& e) {
    problems.push_back({std::string(file_name), 0, 0, "",
                        std::string("internal error while reading the file: ") + e.what()});
  } catch (...) {
    problems.push_back({std::string(file_name), 0, 0, "", "internal error while reading the file"});
  }
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  // The inline center's problems come from a second reader: keep the total bounded.
  if (problems.size() > config::internal::kMaxProblems) {
    problems.resize(config::internal::kMaxProblems);
    truncated = true;
  }
  if (truncated) {
    problems.push_back(
        {std::string(file_name), 0, 0, "",
         "too many problems; stopped after " + std::to_string(config::internal::kMaxProblems)});
  }
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
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    int error = errno;
    std::string message = "cannot open " + path + ": " + std::strerror(error);
    if (error == ENOENT) return Error::NotFound(message);
    return Error{ErrorCode::kInternal, message, ""};
  }
  std::string text;
  char buffer[64 * 1024];
  bool failed = false;
  while (text.size() <= kMaxScenarioFileBytes) {
    size_t n = std::fread(buffer, 1, sizeof buffer, file);
    text.append(buffer, n);
    if (n < sizeof buffer) {
      failed = std::ferror(file) != 0;
      break;
    }
  }
  int error = errno;
  std::fclose(file);
  if (failed) {
    return Error{ErrorCode::kInternal, "cannot read " + path + ": " + std::strerror(error), ""};
  }
  if (text.size() > kMaxScenarioFileBytes) return Error::InvalidArgument(path + ": " + TooLarge());
  return text;
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
