// The `hotline` program: one binary, git-style subcommands (spec/CLI.md). Each subcommand parses
// its arguments here and calls a function that does the work; output formatting stays here.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/bench_routing.h"
#include "config/center_file.h"

namespace {

using hotline::cli::RoutingBenchOptions;
using hotline::cli::RunRoutingBench;

int RunBenchRouting(const RoutingBenchOptions& options, bool json) {
  if (!json) {
    std::fprintf(stderr, "building %d agents, %d skills, %d waiting; %lld decisions...\n",
                 options.agents, options.skills, options.waiting,
                 static_cast<long long>(options.decisions));
  }
  auto r = RunRoutingBench(options);
  if (json) {
    nlohmann::json out = {{"decisions", r.decisions},
                          {"decisions_per_s", r.decisions_per_s},
                          {"p50_us", r.p50_us},
                          {"p99_us", r.p99_us},
                          {"max_us", r.max_us},
                          {"rss_mb", r.rss_mb},
                          {"bytes_per_agent", r.bytes_per_agent},
                          {"agents", options.agents},
                          {"skills", options.skills},
                          {"queues", r.queues},
                          {"waiting", options.waiting},
                          {"waiting_at_end", r.waiting_at_end},
                          {"wall_s", r.wall_s},
                          {"decision_s", r.decision_s},
                          {"loop_decisions_per_s", r.loop_decisions_per_s}};
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf("decisions        %lld\n", static_cast<long long>(r.decisions));
  std::printf("decisions/s      %.0f (time inside decisions)\n", r.decisions_per_s);
  std::printf("loop decisions/s %.0f (wall time, answering offers included)\n",
              r.loop_decisions_per_s);
  std::printf("latency p50      %.2f us\n", r.p50_us);
  std::printf("latency p99      %.2f us\n", r.p99_us);
  std::printf("latency max      %.2f us\n", r.max_us);
  std::printf("resident         %.1f MB (%.0f bytes per agent for center and engine)\n", r.rss_mb,
              r.bytes_per_agent);
  return 0;
}

int RunConfigCheck(const std::string& path, bool json) {
  hotline::core::CenterDefinition center;
  auto problems = hotline::config::CheckCenterFile(path, &center);
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
    for (const auto& p : problems)
      std::fprintf(stderr, "%s\n", hotline::config::FormatProblem(p).c_str());
    if (problems.empty()) std::fprintf(stderr, "%s: ok\n", path.c_str());
  }
  return problems.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Hotline: an open-source contact center", "hotline"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hotline 0.1.0");

  auto* bench = app.add_subcommand("bench", "Measure whole workloads on the real engine");
  bench->require_subcommand(1);
  RoutingBenchOptions bench_options;
  bool bench_json = false;
  auto* routing = bench->add_subcommand("routing", "Routing decisions on a synthetic center");
  routing->add_option("--agents", bench_options.agents, "Agents in the center")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  routing->add_option("--skills", bench_options.skills, "Distinct skills")
      ->check(CLI::Range(2, 100'000))
      ->capture_default_str();
  routing->add_option("--waiting", bench_options.waiting, "Interactions kept waiting")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  routing->add_option("--decisions", bench_options.decisions, "Routing decisions to measure")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000'000}))
      ->capture_default_str();
  routing->add_option("--seed", bench_options.seed, "Random seed")->capture_default_str();
  routing->add_flag("--json", bench_json, "Print one JSON object on stdout");

  auto* config = app.add_subcommand("config", "Work with the center definition (hotline.yaml)");
  config->require_subcommand(1);
  std::string config_path = "hotline.yaml";
  bool config_json = false;
  auto* check = config->add_subcommand(
      "check", "Validate a center file; print every problem with file, line and key");
  check->add_option("file", config_path, "The center file")->capture_default_str();
  check->add_flag("--json", config_json, "Print one JSON object on stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI.md: bad arguments exit 2 with one line naming the argument.
    std::string what = e.what();
    for (char& c : what) {
      if (c == '\n') c = ' ';
    }
    std::fprintf(stderr, "hotline: %s (see --help)\n", what.c_str());
    return 2;
  }

  if (routing->parsed()) return RunBenchRouting(bench_options, bench_json);
  if (check->parsed()) return RunConfigCheck(config_path, config_json);
  return 2;
}
