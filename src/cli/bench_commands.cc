// `hotline bench routing` (CLI.md); `hotline bench api` lives in bench_api_commands.cc.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/bench_routing.h"
#include "cli/commands.h"

namespace hotline::cli {
namespace {

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

}  // namespace

void AddBenchCommands(CLI::App& app, int* exit_code) {
  auto* bench = app.add_subcommand("bench", "Measure whole workloads on the real engine");
  bench->require_subcommand(1);
  auto options = std::make_shared<RoutingBenchOptions>();
  auto json = std::make_shared<bool>(false);
  auto* routing = bench->add_subcommand("routing", "Routing decisions on a synthetic center");
  routing->add_option("--agents", options->agents, "Agents in the center")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  routing->add_option("--skills", options->skills, "Distinct skills")
      ->check(CLI::Range(2, 100'000))
      ->capture_default_str();
  routing->add_option("--waiting", options->waiting, "Interactions kept waiting")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  routing->add_option("--decisions", options->decisions, "Routing decisions to measure")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000'000}))
      ->capture_default_str();
  routing->add_option("--seed", options->seed, "Random seed")->capture_default_str();
  routing->add_flag("--json", *json, "Print one JSON object on stdout");
  routing->callback([=] { *exit_code = RunBenchRouting(*options, *json); });
  AddBenchApiCommand(*bench, exit_code);
}

}  // namespace hotline::cli
