// The HTTP API of spec/API.md over one shard: routes, auth and roles, the event stream, /metrics
// and /healthz. Thin handlers: check the caller, read the body strictly (json_body.h), run one
// shard command or read a projection, write JSON. Every write answers after its events are
// durable (the shard's contract).
//
// Roles (docs/api.md has the table per route): admin edits everything; supervisor watches and
// moves agents; agent acts only as its own agent; analyst reads reports and the log.
//
// Thread-safety: everything on the shard's loop thread, except password hashing, which runs on
// a worker thread of its own (argon2id costs tens of milliseconds).
#pragma once

#include <memory>
#include <string>

#include "api/http/server.h"
#include "api/voice_port.h"
#include "base/time.h"
#include "shard/shard.h"

namespace hotline::api {

struct ApiOptions {
  Duration session_ttl = Seconds(12 * 3600);
  size_t events_page_max = 1000;  // GET /events?limit=
  size_t history_max = 500;       // GET /interactions
  std::string version = "dev";
};

struct ApiCounters {
  uint64_t requests = 0;
  uint64_t stream_clients = 0;
};

class Api {
 public:
  // `shard` must outlive the Api.
  Api(shard::Shard& shard, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // The handlers to give the HTTP server.
  http::Handlers Handlers();
  // Loads the sessions persisted by earlier runs (so a restart does not log everyone out).
  Status RestoreSessions();
  // Voice's side of the API (recordings, monitoring, registrations); `voice` must outlive the
  // Api, or be unset (nullptr) before it goes.
  void SetVoice(VoicePort* voice);
  // Gives /metrics the transport's counters.
  void SetServerCounters(std::function<http::ServerCounters()> counters);
  // Closes every stream client ("shutting down").
  void Shutdown();
  // The OpenAPI 3 description served at /api/v1/openapi.json.
  std::string OpenApi() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::api
