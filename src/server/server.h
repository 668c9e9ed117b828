// `hotline serve`: opens the data directory, replays the log, serves the API until SIGTERM or
// SIGINT, then stops cleanly (refuses new work, flushes the log, exits 0).
//
// Data directory (docs/operations.md): events.db (+ -wal, -shm) the event log; log-head the last
// acknowledged position; initial-admin-password (0600) written on first start; lock, held while
// a server runs so two cannot share a directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hotline::server {

struct ServeOptions {
  std::optional<std::string> config_path;  // none: the bundled demo center
  std::string data_dir = "hotline-data";
  std::string http = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::optional<std::string> sip;       // HOST:PORT: answer SIP calls there (voice_service.h)
  // Written once listening: "http=127.0.0.1:PORT", and "sip=HOST:PORT" with voice (tests start
  // the server on port 0).
  std::optional<std::string> ready_file;
};

// Runs the server; returns the process exit code (0 clean stop, 1 failure, 2 bad options).
int Serve(const ServeOptions& options);

// The bundled demo center (examples/demo/hotline.yaml, compiled in).
std::string_view DemoCenterYaml();

}  // namespace hotline::server
