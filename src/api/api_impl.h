// Internals of the Api (api.h), shared by its .cc files: the route table, the per-request call,
// sessions, the stream subscribers and the metrics. Not part of the module's interface.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/api.h"
#include "api/auth/roles.h"
#include "api/auth/sessions.h"
#include "api/auth/throttle.h"
#include "api/json_body.h"
#include "api/voice_port.h"

namespace hotline::api {

using nlohmann::json;

// Who is calling.
struct Principal {
  uint64_t user_id = 0;
  std::string username;
  auth::RoleSet roles;
  std::string agent_id;  // the agent this user acts as (may be empty)
};

// One request on its way through a handler.
struct Call {
  http::Request request;
  std::string path;
  std::vector<std::string> params;  // {id} parts of the path, in order
  std::map<std::string, std::string> query;
  std::optional<Principal> who;
  http::Respond respond;

  void Reply(const json& body, int status = 200);
  void Fail(const Error& error);
  // A query parameter, or nullopt.
  std::optional<std::string> Query(const std::string& key) const;
};

// Runs jobs (password hashing) on a thread of its own and hands results back to the loop.
class Worker {
 public:
  Worker();
  ~Worker();
  void Run(std::function<void()> job);

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;
};

struct Route {
  const char* method;
  const char* pattern;  // "/api/v1/queues/{id}/stats"
  auth::RoleSet roles;  // empty: no login needed
  const char* summary;
  void (Api::Impl::*handler)(Call&);
};

struct Subscriber {
  std::shared_ptr<http::WebSocketPeer> peer;
  uint64_t next_seq = 1;   // the next event it has not been sent
  bool live = false;       // caught up: gets events as they become durable
  std::string only_agent;  // agents see events about themselves only
};

struct LatencyHistogram {
  static constexpr std::array<double, 10> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,  0.1,    0.25,  1.0};
  std::array<uint64_t, kBounds.size() + 1> counts{};
  double sum = 0;
  uint64_t count = 0;
  void Observe(double seconds);
};

struct Api::Impl {
  Impl(shard::Shard& shard, ApiOptions options);
  ~Impl();

  void Handle(http::Request request, http::Respond respond);
  std::optional<Principal> Authenticate(const http::Request& request,
                                        const std::string& query_token);
  bool ActsAs(const Principal& who, const std::string& agent_id) const;
  // The agent `call.who` must act as, or a 403 sent (returns false).
  bool RequireSelfOrStaff(Call& call, const std::string& agent_id);
  // Runs a shard command and replies with its result (status on success).
  void Execute(Call& call, json command, int status = 200);
  std::string Actor(const Call& call) const;

  // ---- routes (routes_*.cc) ----
  void Login(Call& call);
  void Logout(Call& call);
  void Me(Call& call);
  void OpenApiDoc(Call& call);
  void ListObjects(Call& call);
  void GetObject(Call& call);
  void CreateObject(Call& call);
  void PutObject(Call& call);
  void DeleteObject(Call& call);
  void QueueStats(Call& call);
  void SetPresence(Call& call);
  void AgentOffers(Call& call);
  void ListUsers(Call& call);
  void GetUser(Call& call);
  void CreateUser(Call& call);
  void PutUser(Call& call);
  void DeleteUser(Call& call);
  void CreateInteraction(Call& call);
  void GetInteraction(Call& call);
  void ListInteractions(Call& call);
  void Explain(Call& call);
  void AnswerOffer(Call& call);
  void InteractionAction(Call& call);
  void PatchInteraction(Call& call);
  void Events(Call& call);
  void Intervals(Call& call);
  void QueueLog(Call& call);
  void Center(Call& call);
  // ---- voice (routes_voice.cc) ----
  void VoiceState(Call& call);
  void Recording(Call& call);
  void MonitorCall(Call& call);
  // GET /interactions?state=waiting[&queue=]: the interactions waiting now (routes_live.cc).
  void WaitingInteractions(Call& call, const std::string& state);

  // ---- stream (stream.cc) ----
  std::optional<http::Response> OnUpgrade(const http::Request& request);
  void OnOpen(std::shared_ptr<http::WebSocketPeer> peer, const http::Request& request);
  void OnClose(http::WebSocketPeer* peer);
  // Newly durable events: sent at once to idle subscribers, else collected for one FlushStream.
  void Publish(const std::vector<shard::PublishedEvent>& events);
  // Sends the collected events to every live subscriber, in frames.
  void FlushStream();
  // The events `sub` has not had yet (and may see), in frames.
  void SendLive(Subscriber& sub, const std::vector<shard::PublishedEvent>& events);
  void CatchUp(http::WebSocketPeer* peer);

  // ---- views ----
  // The open interactions each agent holds (connected or in wrap-up), by agent index.
  using HeldWork = std::unordered_map<uint32_t, std::vector<const shard::InteractionRecord*>>;
  HeldWork HeldByAgent() const;
  // What `agent` holds (from `held`), then the interactions offered to it.
  json HeldJson(core::AgentId agent, const HeldWork& held) const;
  json AgentJson(const json& object, const HeldWork& held) const;
  json InteractionJson(const shard::InteractionRecord& record) const;
  std::string Metrics() const;

  shard::Shard& shard;
  ApiOptions options;
  VoicePort* voice = nullptr;  // none without --sip
  std::vector<Route> routes;
  auth::SessionTable sessions;
  auth::LoginThrottle throttle;
  Worker worker;
  std::unordered_map<http::WebSocketPeer*, Subscriber> subscribers;
  std::vector<shard::PublishedEvent> stream_pending;  // durable, not yet sent to live subscribers
  bool stream_flush_posted = false;
  std::function<http::ServerCounters()> server_counters;
  // metrics
  std::map<std::pair<std::string, int>, uint64_t> requests_by_route;  // (pattern, status)
  std::map<std::string, LatencyHistogram> latency_by_route;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

// "a=1&b=x%20y" -> {a: 1, b: "x y"}.
std::map<std::string, std::string> ParseQuery(std::string_view query);
// A numeric path id ("42"); anything else is NotFound naming `what`.
Result<uint64_t> NumericId(const std::string& text, const std::string& what);
// ?from= and ?to= (RFC 3339); defaults: `default_span` back from now, up to now.
Result<std::pair<Instant, Instant>> TimeRange(const Call& call, Instant now, Duration default_span);

// "admin, supervisor".
std::string RoleNames(auth::RoleSet roles);

std::vector<Route> BuildRoutes();
json OpenApiDocument(const std::vector<Route>& routes, const std::string& version);

}  // namespace hotline::api
