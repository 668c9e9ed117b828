// `hotline bench api`: measures a real server through its HTTP API and event stream
// (docs/performance.md, "Server (hotline bench api)"). It starts `hotline serve` itself (this same
// binary, in a fresh data directory) or targets one given by --url and --token, and runs phases:
//
//  create   POST /api/v1/interactions on many keep-alive connections: creates and routed
//           creates (offer made in the same command) per second, create latency, and the
//           stream delivery latency of those creates under that load.
//  ws       one connection creating one interaction at a time: the stream delivery latency
//           without load.
//  stats    GET /api/v1/queues/{id}/stats on many connections: reads per second and latency.
//  restart  fills a second data directory with --restart-events events through the API, then
//           stops the server and starts it again on the same data, timing until /healthz answers
//           200: after SIGKILL (a crash: the newest snapshot is the last periodic one), after
//           SIGTERM (a clean stop writes a snapshot), and with the snapshots deleted (the whole
//           log replayed: the worst case).
//  rss      a server with a generated center of --rss-agents agents: resident memory idle, with
//           every agent ready, right after a create load, and once those interactions ended.
//
// Stream delivery latency, precisely: for an interaction X created through the API, the time at
// which the stream client had read the WebSocket frame carrying X's "interaction.created" event,
// minus the time at which the load client had read the last byte of the 201 response creating X.
// Both are steady_clock readings in this one process. The response can only arrive after X's
// events are durable (the API's contract), so this is "time from learning the write is durable to
// seeing it on the stream"; it is negative when the frame arrives first (the server queues the
// stream frame before the response, in the same loop turn).
//
// Progress goes to stderr; the result is one JSON object (the command prints it or a table).
// restart and rss need a local server and are skipped with --url.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>

#include "base/result.h"

namespace hotline::cli {

struct ApiBenchOptions {
  std::string url;    // empty: start `hotline serve` here
  std::string token;  // with url: a bearer token of an admin or supervisor
  std::string config = "examples/bench/api-bench.yaml";
  std::string queue = "bench";
  std::string channel = "chat";
  std::string work_dir;  // empty: a new directory under $TMPDIR, removed at the end
  bool keep = false;     // keep work_dir (data directories and server logs)
  int connections = 64;
  double duration_s = 10;  // each throughput phase, after the warm-up
  // Load before measuring starts (not counted). Longer than the bench center's max_wait (5 s),
  // so the measured window includes the timeouts of earlier creates: the steady state.
  double warmup_s = 6;
  bool stream_during_create = true;  // a stream client watches the create phase
  std::set<std::string> phases = {"ws", "create", "stats", "restart", "rss"};
  int64_t restart_events = 1'000'000;
  int rss_agents = 10'000;
  std::string server_cpus;  // "1" or "0,1": the started server's CPU affinity (empty: any)
  std::string client_cpus;  // this process's CPU affinity (empty: any)
};

// Runs the phases. Error: the server could not be started or reached, or an API call needed for
// setup failed (named). Phase failures after setup are reported inside the JSON ("error").
Result<nlohmann::ordered_json> RunApiBench(const ApiBenchOptions& options);

}  // namespace hotline::cli
