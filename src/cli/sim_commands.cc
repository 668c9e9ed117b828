// `hotline sim SCENARIO.yaml [--json] [--csv] [--seed N] [--replications N]` (CLI.md).
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/progress.h"
#include "config/center_file.h"
#include "sim/scenario_file.h"
#include "sim/simulator.h"

namespace hotline::cli {
namespace {

struct SimArgs {
  std::string file;
  bool json = false;
  bool csv = false;
  std::optional<uint64_t> seed;
  std::optional<int> replications;
};

nlohmann::json Number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// The figures of one summary, as CLI.md names them; `ci` receives the half-widths.
nlohmann::json SummaryJson(const sim::Summary& s, nlohmann::json* ci) {
  nlohmann::json out;
  auto put = [&](const char* name, const sim::Estimate& e) {
    out[name] = Number(e.mean);
    if (ci != nullptr) (*ci)[name] = Number(e.ci95);
  };
  put("arrived", s.arrived);
  put("answered", s.answered);
  put("abandoned", s.abandoned);
  put("service_level", s.service_level);
  put("asa_s", s.asa_s);
  put("abandon_rate", s.abandon_rate);
  put("p_wait", s.p_wait);
  put("aht_s", s.aht_s);
  put("occupancy", s.occupancy);
  return out;
}

nlohmann::json IntervalJson(const analytics::IntervalRow& row, const std::string& queue) {
  const analytics::Figures& f = row.figures;
  return {{"start_s", ToSeconds(row.start - Instant{})},
          {"start", FormatDuration(row.start - Instant{})},
          {"queue", queue},
          {"offered", f.offered},
          {"answered", f.answered},
          {"abandoned", f.abandoned},
          {"service_level", Number(f.ServiceLevel())},
          {"asa_s", Number(f.AsaS())},
          {"abandon_rate", Number(f.AbandonRate())},
          {"p_wait", Number(f.PWait())},
          {"aht_s", Number(f.AhtS())},
          {"occupancy", Number(f.Occupancy())}};
}

std::string QueueName(const sim::Scenario& scenario, const analytics::IntervalRow& row) {
  return row.queue ? scenario.center.queues[row.queue->value()].id : "all";
}

std::string Cell(const sim::Estimate& e, const char* format, double scale = 1) {
  if (!e.mean) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, *e.mean * scale);
  std::string out = buf;
  if (e.ci95) {
    std::snprintf(buf, sizeof buf, format, *e.ci95 * scale);
    out += " ±" + std::string(buf);
  }
  return out;
}

void PrintTable(const sim::Scenario& scenario, const sim::SimReport& r) {
  std::printf("%s: %d replication%s, seed %llu, horizon %s, warm-up %s\n\n", r.name.c_str(),
              r.replications, r.replications == 1 ? "" : "s",
              static_cast<unsigned long long>(r.seed), FormatDuration(scenario.horizon).c_str(),
              FormatDuration(scenario.warmup).c_str());
  std::printf("%-16s %12s %12s %12s %16s %14s %16s %16s %12s %16s\n", "queue", "arrived",
              "answered", "abandoned", "service level", "ASA s", "abandon rate", "P(wait)", "AHT s",
              "occupancy");
  auto row = [&](const std::string& name, const sim::Summary& s) {
    std::printf("%-16s %12s %12s %12s %16s %14s %16s %16s %12s %16s\n", name.c_str(),
                Cell(s.arrived, "%.0f").c_str(), Cell(s.answered, "%.0f").c_str(),
                Cell(s.abandoned, "%.0f").c_str(), Cell(s.service_level, "%.1f%%", 100).c_str(),
                Cell(s.asa_s, "%.1f").c_str(), Cell(s.abandon_rate, "%.1f%%", 100).c_str(),
                Cell(s.p_wait, "%.1f%%", 100).c_str(), Cell(s.aht_s, "%.0f").c_str(),
                Cell(s.occupancy, "%.1f%%", 100).c_str());
  };
  for (const auto& [id, s] : r.queues) row(id, s);
  row("all", r.total);
  if (r.replications > 1) std::printf("\n± is the 95%% confidence half-width over replications.\n");
  std::printf("\n%lld simulated contacts, %lld events in %.2f s: %.0f contacts/s\n",
              static_cast<long long>(r.contacts), static_cast<long long>(r.events), r.wall_s,
              r.contacts_per_s);
}

void PrintCsv(const sim::Scenario& scenario, const sim::SimReport& r) {
  std::printf(
      "interval_start_s,interval_start,queue,offered,answered,abandoned,service_level,asa_s,"
      "abandon_rate,p_wait,aht_s,occupancy\n");
  auto opt = [](const std::optional<double>& v) { return v ? std::to_string(*v) : std::string(); };
  for (const auto& row : r.intervals) {
    const analytics::Figures& f = row.figures;
    std::printf("%.0f,%s,%s,%lld,%lld,%lld,%s,%s,%s,%s,%s,%s\n", ToSeconds(row.start - Instant{}),
                FormatDuration(row.start - Instant{}).c_str(), QueueName(scenario, row).c_str(),
                static_cast<long long>(f.offered), static_cast<long long>(f.answered),
                static_cast<long long>(f.abandoned), opt(f.ServiceLevel()).c_str(),
                opt(f.AsaS()).c_str(), opt(f.AbandonRate()).c_str(), opt(f.PWait()).c_str(),
                opt(f.AhtS()).c_str(), opt(f.Occupancy()).c_str());
  }
}

int RunSim(const SimArgs& args) {
  std::vector<config::ConfigProblem> problems;
  sim::Scenario scenario;
  auto loaded = sim::LoadScenarioFile(args.file);
  if (!loaded.ok()) {
    // SCENARIO.md: a bad scenario is exit status 2 and no simulation; every problem is printed.
    for (const auto& p : sim::CheckScenarioFile(args.file, &scenario)) {
      std::fprintf(stderr, "%s\n", config::FormatProblem(p).c_str());
    }
    return 2;
  }
  scenario = std::move(loaded).value();
  sim::SimOptions options;
  options.seed = args.seed;
  options.replications = args.replications;
  ProgressBar bar("simulating");
  if (bar.enabled()) options.progress = [&](double done) { bar.Update(done); };
  auto report = sim::RunScenario(scenario, options);
  bar.Finish();
  if (!report.ok()) {
    std::fprintf(stderr, "hotline sim: %s\n", report.error().message.c_str());
    return 2;
  }
  if (args.csv) {
    PrintCsv(scenario, *report);
    return 0;
  }
  if (!args.json) {
    PrintTable(scenario, *report);
    return 0;
  }
  const sim::SimReport& r = *report;
  nlohmann::json ci;
  nlohmann::json out = SummaryJson(r.total, r.replications > 1 ? &ci : nullptr);
  out["name"] = r.name;
  out["seed"] = r.seed;
  out["replications"] = r.replications;
  nlohmann::json queues = nlohmann::json::object();
  nlohmann::json queues_ci = nlohmann::json::object();
  for (const auto& [id, s] : r.queues) {
    nlohmann::json q_ci;
    queues[id] = SummaryJson(s, r.replications > 1 ? &q_ci : nullptr);
    if (r.replications > 1) queues_ci[id] = q_ci;
  }
  out["queues"] = queues;
  nlohmann::json intervals = nlohmann::json::array();
  for (const auto& row : r.intervals)
    intervals.push_back(IntervalJson(row, QueueName(scenario, row)));
  out["intervals"] = intervals;
  if (r.replications > 1) {
    ci["queues"] = queues_ci;
    out["ci95"] = ci;
  }
  out["performance"] = {{"events", r.events},
                        {"contacts", r.contacts},
                        {"wall_s", r.wall_s},
                        {"contacts_per_s", r.contacts_per_s}};
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace

void AddSimCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SimArgs>();
  auto* sim = app.add_subcommand(
      "sim", "Simulate a scenario through the real routing engine and report its KPIs");
  sim->add_option("scenario", args->file, "Scenario file (SCENARIO.md)")->required();
  sim->add_flag("--json", args->json, "Print one JSON object on stdout");
  sim->add_flag("--csv", args->csv, "Print the interval rows as CSV on stdout");
  sim->add_option("--seed", args->seed, "Seed (overrides the scenario's)");
  sim->add_option("--replications", args->replications, "Independent runs (overrides)")
      ->check(CLI::Range(1, 100000));
  sim->callback([=] { *exit_code = RunSim(*args); });
}

}  // namespace hotline::cli
