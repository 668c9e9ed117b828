// `hotline bench api` (bench_api.h): options, and the result as a table or one JSON object.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "base/time.h"
#include "cli/bench_api.h"
#include "cli/commands.h"

namespace hotline::cli {
namespace {

using Json = nlohmann::ordered_json;

// A CLI11 transform: a duration ("10s", "1.5m", "30") into plain seconds.
CLI::Validator Seconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto d = ParseDuration(text);
        if (!d.ok()) return d.error().message;
        if (d->count() < 0) return "'" + text + "' must not be negative";
        text = std::to_string(ToSeconds(*d));
        return {};
      },
      "DURATION");
}

double Num(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string Lat(const Json& latency) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "p50 %.2f ms  p99 %.2f ms  max %.2f ms", Num(latency, "p50_ms"),
                Num(latency, "p99_ms"), Num(latency, "max_ms"));
  return buf;
}

void PrintCreate(const char* title, const Json& c) {
  if (c.contains("error")) {
    std::printf("%-10s error: %s\n", title, c["error"].get<std::string>().c_str());
    return;
  }
  std::printf("%-10s %d connections: %.0f creates/s, %.0f routed/s (%.2f%%), %s\n", title,
              c.value("connections", 0), Num(c, "creates_per_s"), Num(c, "routed_per_s"),
              100 * Num(c, "routed_fraction"), Lat(c["latency"]).c_str());
  if (c.contains("stream")) {
    const Json& s = c["stream"];
    std::printf(
        "%-10s stream after response: %s (frame first in %.1f%%, %lld missing)%s\n", "",
        Lat(s["after_response"]).c_str(), 100 * Num(s, "frame_before_response_fraction"),
        static_cast<long long>(Num(s, "missing")),
        s.contains("error") ? (" stream error: " + s["error"].get<std::string>()).c_str() : "");
  }
  if (c.contains("server")) {
    std::printf("%-10s %.2f events per create, %.1f batches per durable commit, %llu errors\n", "",
                Num(c["server"], "events_per_create"), Num(c["server"], "batches_per_commit"),
                static_cast<unsigned long long>(Num(c, "errors")));
  }
}

void PrintTable(const Json& r) {
  std::printf("machine    %d CPUs, %.1f GiB; load average %s -> %s\n",
              r["machine"].value("cpus", 0), Num(r["machine"], "mem_gib"),
              r.value("loadavg_start", "").c_str(), r.value("loadavg_end", "").c_str());
  if (r.contains("ws")) PrintCreate("ws", r["ws"]);
  if (r.contains("create")) PrintCreate("create", r["create"]);
  if (r.contains("stats")) {
    const Json& s = r["stats"];
    if (s.contains("error")) {
      std::printf("stats      error: %s\n", s["error"].get<std::string>().c_str());
    } else {
      std::printf("stats      %d connections: %.0f reads/s, %s, %llu errors\n",
                  s.value("connections", 0), Num(s, "reads_per_s"), Lat(s["latency"]).c_str(),
                  static_cast<unsigned long long>(Num(s, "errors")));
    }
  }
  if (r.contains("restart")) {
    const Json& s = r["restart"];
    if (s.contains("skipped") || (s.contains("error") && !s.contains("fill"))) {
      std::printf("restart    %s\n",
                  s.value(s.contains("error") ? "error" : "skipped", "").c_str());
    } else {
      std::printf("restart    %.0f events, %.0f commands logged (%.1f MB on disk)\n",
                  Num(s["fill"], "events"), Num(s["fill"], "commands"), Num(s, "data_dir_mb"));
      for (const char* how : {"after_sigkill", "after_sigterm", "without_snapshots"}) {
        if (!s.contains(how)) continue;
        const Json& x = s[how];
        std::printf(
            "%-10s %s: start to /healthz %.2f s (replay %.2f s), %.0f divergences%s\n", "", how,
            Num(x, "to_healthz_s"), Num(x, "hotline_replay_seconds"),
            Num(x, "hotline_replay_divergences"),
            x.contains("error") ? (" error: " + x["error"].get<std::string>()).c_str() : "");
      }
    }
  }
  if (r.contains("rss")) {
    const Json& s = r["rss"];
    if (s.contains("skipped") || (s.contains("error") && !s.contains("idle_rss_mb"))) {
      std::printf("rss        %s\n",
                  s.value(s.contains("error") ? "error" : "skipped", "").c_str());
    } else {
      std::printf(
          "rss        %d agents: idle %.1f MB, all ready %.1f MB, after %.0f creates %.1f MB, "
          "drained %.1f MB, peak %.1f MB\n",
          s.value("agents", 0), Num(s, "idle_rss_mb"), Num(s, "ready_rss_mb"),
          Num(s["load"], "created"), Num(s, "after_load_rss_mb"), Num(s, "drained_rss_mb"),
          Num(s, "peak_rss_mb"));
    }
  }
}

}  // namespace

void AddBenchApiCommand(CLI::App& bench, int* exit_code) {
  auto o = std::make_shared<ApiBenchOptions>();
  auto json = std::make_shared<bool>(false);
  auto only = std::make_shared<std::string>();
  CLI::App* api = bench.add_subcommand(
      "api",
      "A real server through its HTTP API: creates/s, stats reads/s, stream latency, restart "
      "time, memory (docs/performance.md)");
  api->add_option("--url", o->url, "Measure this running server (http://HOST:PORT) instead");
  api->add_option("--token", o->token, "With --url: a bearer token (admin or supervisor)");
  api->add_option("--config", o->config, "The center file of the started server")
      ->capture_default_str();
  api->add_option("--queue", o->queue, "Queue the interactions go to")->capture_default_str();
  api->add_option("--channel", o->channel, "Channel of the created interactions")
      ->capture_default_str();
  api->add_option("--connections", o->connections, "Concurrent keep-alive connections")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  api->add_option("--duration", o->duration_s, "Measured time of each throughput phase")
      ->transform(Seconds())
      ->capture_default_str();
  api->add_option("--warmup", o->warmup_s, "Load before measuring starts")
      ->transform(Seconds())
      ->capture_default_str();
  auto no_stream = std::make_shared<bool>(false);
  api->add_flag("--no-stream", *no_stream, "No stream client during the create phase");
  api->add_option("--only", *only, "Phases, comma-separated: ws,create,stats,restart,rss (all)");
  api->add_option("--restart-events", o->restart_events, "Events in the log before the restart")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000'000}))
      ->capture_default_str();
  api->add_option("--rss-agents", o->rss_agents, "Agents of the generated center (rss phase)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  api->add_option("--server-cpus", o->server_cpus, "CPU list for the started server, e.g. 1");
  api->add_option("--client-cpus", o->client_cpus, "CPU list for this load client, e.g. 0");
  api->add_option("--work-dir", o->work_dir, "Data directories and server logs here (kept)");
  api->add_flag("--keep", o->keep, "Keep the temporary work directory");
  api->add_flag("--json", *json, "Print one JSON object on stdout");
  api->callback([=] {
    if (!o->url.empty() && o->token.empty()) {
      std::fprintf(stderr, "hotline: --url needs --token (see --help)\n");
      *exit_code = 2;
      return;
    }
    o->stream_during_create = !*no_stream;
    if (!only->empty()) {
      o->phases.clear();
      std::stringstream in(*only);
      std::string phase;
      while (std::getline(in, phase, ',')) {
        if (phase != "ws" && phase != "create" && phase != "stats" && phase != "restart" &&
            phase != "rss") {
          std::fprintf(stderr,
                       "hotline: --only: unknown phase '%s' (ws, create, stats, restart, rss)\n",
                       phase.c_str());
          *exit_code = 2;
          return;
        }
        o->phases.insert(phase);
      }
    }
    auto result = RunApiBench(*o);
    if (!result.ok()) {
      std::fprintf(stderr, "hotline bench api: %s\n", result.error().message.c_str());
      *exit_code = result.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
      return;
    }
    if (*json) {
      std::cout << result->dump() << "\n";
    } else {
      PrintTable(*result);
    }
    *exit_code = 0;
  });
}

}  // namespace hotline::cli
