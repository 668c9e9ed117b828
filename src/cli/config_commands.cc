// `hotline config check FILE`: every problem of a center file (the center and its flows), with
// file, line and key.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "config/center_file.h"
#include "config/flow_file.h"

namespace hotline::cli {
namespace {

int RunConfigCheck(const std::string& path, bool json) {
  core::CenterDefinition center;
  auto problems = config::CheckCenterFile(path, &center);
  // The flows are read from the same text: a syntax error or an unreadable file comes from both
  // parsers, and is listed once.
  flow::FlowBook flows;
  for (auto& p : config::CheckFlowsFile(path, &flows)) {
    auto same = [&](const config::ConfigProblem& q) {
      return std::tie(q.line, q.column, q.key, q.message) ==
             std::tie(p.line, p.column, p.key, p.message);
    };
    if (std::none_of(problems.begin(), problems.end(), same)) problems.push_back(std::move(p));
  }
  std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : problems) {
      list.push_back({{"file", p.file},
                      {"line", p.line},
                      {"column", p.column},
                      {"key", p.key},
                      {"message", p.message}});
    }
    std::cout << nlohmann::json{{"ok", problems.empty()}, {"problems", list}}.dump() << "\n";
  } else {
    for (const auto& p : problems) {
      std::fprintf(stderr, "%s\n", config::FormatProblem(p).c_str());
    }
    if (problems.empty()) std::fprintf(stderr, "%s: ok\n", path.c_str());
  }
  return problems.empty() ? 0 : 1;
}

}  // namespace

void AddConfigCommands(CLI::App& app, int* exit_code) {
  auto* config = app.add_subcommand("config", "Work with the center definition (hotline.yaml)");
  config->require_subcommand(1);
  auto path = std::make_shared<std::string>("hotline.yaml");
  auto json = std::make_shared<bool>(false);
  auto* check = config->add_subcommand(
      "check", "Validate a center file; print every problem with file, line and key");
  check->add_option("file", *path, "The center file")->capture_default_str();
  check->add_flag("--json", *json, "Print one JSON object on stdout");
  check->callback([=] { *exit_code = RunConfigCheck(*path, *json); });
}

}  // namespace hotline::cli
