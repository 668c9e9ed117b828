#include "api/api.h"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "api/api_impl.h"
#include "api/auth/password.h"
#include "api/auth/token.h"
#include "api/errors.h"
#include "api/web_assets.h"
#include "base/log.h"

namespace hotline::api {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQueryText(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    size_t eq = part.find('=');
    std::string key = UrlDecode(part.substr(0, eq));
    if (!key.empty()) {
      out.emplace(key, eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

// Matches "/api/v1/queues/{id}/stats" against a path; fills params.
bool Match(std::string_view pattern, std::string_view path, std::vector<std::string>* params) {
  params->clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty()) return false;
    size_t ps = pattern.find('/', 1), qs = path.find('/', 1);
    std::string_view pseg = pattern.substr(0, ps), qseg = path.substr(0, qs);
    if (pseg.starts_with("/{")) {
      if (qseg.size() < 2) return false;
      params->push_back(UrlDecode(qseg.substr(1)));
    } else if (pseg != qseg) {
      return false;
    }
    pattern = ps == std::string_view::npos ? std::string_view() : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view() : path.substr(qs);
  }
  return true;
}

}  // namespace

Result<uint64_t> NumericId(const std::string& text, const std::string& what) {
  uint64_t id = 0;
  if (text.empty() || text.size() > 19) {
    return Error::NotFound(what + " '" + text.substr(0, 32) + "' does not exist", "id");
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Error::NotFound(what + " '" + text.substr(0, 32) + "' does not exist", "id");
    }
    id = id * 10 + static_cast<uint64_t>(c - '0');
  }
  return id;
}

Result<std::pair<Instant, Instant>> TimeRange(const Call& call, Instant now,
                                              Duration default_span) {
  Instant from = now - default_span, to = now + Seconds(1);
  if (auto f = call.Query("from")) {
    auto t = ParseRfc3339(*f);
    if (!t.ok()) return Error::InvalidArgument(t.error().message, "from");
    from = *t;
  }
  if (auto t = call.Query("to")) {
    auto parsed = ParseRfc3339(*t);
    if (!parsed.ok()) return Error::InvalidArgument(parsed.error().message, "to");
    to = *parsed;
  }
  if (to <= from) return Error::InvalidArgument("'to' must be after 'from'", "to");
  return std::make_pair(from, to);
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  return ParseQueryText(query);
}

std::string RoleNames(auth::RoleSet roles) {
  std::string out;
  for (const auto& name : roles.Names()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// ---- Call ----

void Call::Reply(const json& body, int status) {
  http::Response r;
  r.status = status;
  r.body = body.dump();
  respond(std::move(r));
}

void Call::Fail(const Error& error) { respond(ErrorResponse(error)); }

std::optional<std::string> Call::Query(const std::string& key) const {
  auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

// ---- Worker ----

Worker::Worker() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  });
}

Worker::~Worker() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Worker::Run(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

// ---- Api ----

void LatencyHistogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  ++counts[i];
  sum += seconds;
  ++count;
}

Api::Impl::Impl(shard::Shard& shard_in, ApiOptions options_in)
    : shard(shard_in),
      options(std::move(options_in)),
      routes(BuildRoutes()),
      // A whole floor may sit behind one NAT address: the per-user limit does the real work.
      throttle(auth::LoginThrottleOptions{.max_failures_per_address = 50}) {
  shard.SetListener("api",
                    [this](const std::vector<shard::PublishedEvent>& events) { Publish(events); });
}

Api::Impl::~Impl() {
  *alive = false;
  shard.SetListener("api", nullptr);
}

std::string Api::Impl::Actor(const Call& call) const {
  return call.who ? "user:" + std::to_string(call.who->user_id) : "anonymous";
}

std::optional<Principal> Api::Impl::Authenticate(const http::Request& request,
                                                 const std::string& query_token) {
  std::string token = query_token;
  std::string_view header = request.header("authorization");
  if (header.size() > 7 && (header.starts_with("Bearer ") || header.starts_with("bearer "))) {
    token = std::string(header.substr(7));
  }
  if (token.empty() || token.size() > 256) return std::nullopt;
  auto session = sessions.Lookup(token, shard.Now());
  if (!session) return std::nullopt;
  const shard::User* user = shard.FindUser(session->user_id.value());
  if (!user) return std::nullopt;
  Principal p;
  p.user_id = user->id;
  p.username = user->username;
  for (const auto& r : user->roles) {
    if (auto role = auth::ParseRole(r)) p.roles.Add(*role);
  }
  p.agent_id = user->agent_id;
  return p;
}

bool Api::Impl::ActsAs(const Principal& who, const std::string& agent_id) const {
  if (!who.agent_id.empty()) return who.agent_id == agent_id;
  // The agent's own record may name its user.
  const json* agent = shard.document().Find(shard::Section::kAgents, agent_id);
  return agent && agent->contains("user_id") && (*agent)["user_id"].is_number_unsigned() &&
         (*agent)["user_id"].get<uint64_t>() == who.user_id;
}

bool Api::Impl::RequireSelfOrStaff(Call& call, const std::string& agent_id) {
  const Principal& who = *call.who;
  if (who.roles.Has(auth::Role::kAdmin) || who.roles.Has(auth::Role::kSupervisor)) return true;
  if (who.roles.Has(auth::Role::kAgent) && ActsAs(who, agent_id)) return true;
  call.Fail(Error{ErrorCode::kPermissionDenied,
                  "user '" + who.username + "' may not act as agent '" + agent_id + "'", ""});
  return false;
}

void Api::Impl::Execute(Call& call, json command, int status) {
  auto respond = call.respond;
  std::weak_ptr<bool> alive_now = alive;
  shard.Execute(std::move(command), Actor(call), [respond, status](Result<json> r) {
    if (!r.ok()) {
      respond(ErrorResponse(r.error()));
      return;
    }
    http::Response response;
    response.status = status;
    response.body = r->dump();
    respond(std::move(response));
  });
}

void Api::Impl::Handle(http::Request request, http::Respond respond) {
  auto started = std::chrono::steady_clock::now();
  Call call;
  std::string_view target = request.target;
  size_t qmark = target.find('?');
  call.path = std::string(target.substr(0, qmark));
  if (qmark != std::string_view::npos) call.query = ParseQueryText(target.substr(qmark + 1));

  const Route* route = nullptr;
  bool path_known = false;
  for (const Route& r : routes) {
    if (!Match(r.pattern, call.path, &call.params)) continue;
    path_known = true;
    if (request.method == r.method) {
      route = &r;
      break;
    }
  }
  const bool web = !route && !path_known && IsWebRequest(request.method, call.path);
  std::string label = route        ? route->pattern
                      : web        ? "web"
                      : path_known ? "method_not_allowed"
                                   : "not_found";
  call.respond = [this, respond = std::move(respond), label, started,
                  alive_now = std::weak_ptr<bool>(alive)](http::Response r) {
    if (auto a = alive_now.lock(); a && *a) {
      ++requests_by_route[{label, r.status}];
      latency_by_route[label].Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    respond(std::move(r));
  };
  call.request = std::move(request);

  if (call.path == "/healthz") {
    bool ok = shard.accepting();
    http::Response r;
    r.status = ok ? 200 : 503;
    r.body = json{{"status", ok ? "serving" : shard.failed() ? "failed" : "stopping"}}.dump();
    call.respond(std::move(r));
    return;
  }
  if (call.path == "/metrics" && call.request.method == "GET") {
    http::Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = Metrics();
    call.respond(std::move(r));
    return;
  }
  if (web) {
    call.respond(WebAssetResponse(call.request, call.path));
    return;
  }
  if (!route) {
    if (path_known) {
      http::Response r = ErrorResponse(
          Error::InvalidArgument(call.request.method + " is not allowed on " + call.path));
      r.status = 405;
      call.respond(std::move(r));
      return;
    }
    call.Fail(Error::NotFound("no such resource: " + call.path));
    return;
  }
  if (!route->roles.empty()) {
    call.who = Authenticate(call.request, "");
    if (!call.who) {
      http::Response r = ErrorResponse(
          Error{ErrorCode::kUnauthenticated, "a valid token is needed (POST /api/v1/login)", ""});
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      call.respond(std::move(r));
      return;
    }
    if (!route->roles.Intersects(call.who->roles)) {
      call.Fail(Error{ErrorCode::kPermissionDenied,
                      fmt::format("{} {} needs one of the roles: {}", route->method, route->pattern,
                                  RoleNames(route->roles)),
                      ""});
      return;
    }
  }
  (this->*(route->handler))(call);
}

// ---- Api facade ----

Api::Api(shard::Shard& shard, ApiOptions options)
    : impl_(std::make_unique<Impl>(shard, std::move(options))) {}

Api::~Api() = default;

http::Handlers Api::Handlers() {
  http::Handlers h;
  Impl* impl = impl_.get();
  h.on_request = [impl](http::Request r, http::Respond respond) {
    impl->Handle(std::move(r), std::move(respond));
  };
  h.on_upgrade = [impl](const http::Request& r) { return impl->OnUpgrade(r); };
  h.on_open = [impl](std::shared_ptr<http::WebSocketPeer> peer, const http::Request& r) {
    impl->OnOpen(std::move(peer), r);
  };
  h.on_message = [](http::WebSocketPeer*, std::string) {};
  h.on_close = [impl](http::WebSocketPeer* peer) { impl->OnClose(peer); };
  return h;
}

Status Api::RestoreSessions() {
  auto rows = impl_->shard.log().ReadState("session/");
  if (!rows.ok()) return rows.error();
  Instant now = impl_->shard.Now();
  for (const auto& [key, value] : *rows) {
    json s = json::parse(value, nullptr, false);
    if (s.is_discarded()) continue;
    auth::Session session;
    session.digest = key.substr(std::string("session/").size());
    session.user_id = auth::UserId(s.value("user_id", uint64_t{0}));
    session.expires_at = FromMicros(s.value("expires_us", int64_t{0}));
    const shard::User* user = impl_->shard.FindUser(session.user_id.value());
    if (!user || FromMicros(s.value("created_us", int64_t{0})) < user->sessions_valid_from)
      continue;
    std::vector<std::string> names = user->roles;
    auto roles = auth::ParseRoles(names);
    if (!roles.ok()) continue;
    session.roles = *roles;
    (void)impl_->sessions.Restore(session, now);
  }
  return Status();
}

void Api::SetVoice(VoicePort* voice) { impl_->voice = voice; }

void Api::SetServerCounters(std::function<http::ServerCounters()> counters) {
  impl_->server_counters = std::move(counters);
}

void Api::Shutdown() {
  for (auto& [raw, sub] : impl_->subscribers) sub.peer->Close("shutting down");
}

std::string Api::OpenApi() const {
  return OpenApiDocument(impl_->routes, impl_->options.version).dump(2);
}

}  // namespace hotline::api
