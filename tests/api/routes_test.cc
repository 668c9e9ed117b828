// The route table as a whole: every route is described in the OpenAPI document with its roles,
// refuses a caller without a valid token (401) and every role it does not allow (403), before
// looking at ids or bodies; unknown paths are 404 and wrong methods 405. Also /healthz and
// /metrics.
#include <set>
#include <string>
#include <vector>

#include "api/api_test_env.h"

namespace hotline::itest {
namespace {

enum RoleBit : unsigned { kAdmin = 1, kSupervisor = 2, kAgent = 4, kAnalyst = 8 };
constexpr unsigned kPublic = 0;
constexpr unsigned kAnyone = kAdmin | kSupervisor | kAgent | kAnalyst;
constexpr unsigned kStaff = kAdmin | kSupervisor;
constexpr unsigned kReaders = kAdmin | kSupervisor | kAnalyst;
constexpr unsigned kFloor = kAdmin | kSupervisor | kAgent;
constexpr unsigned kHandlers = kAdmin | kAgent;

struct RouteSpec {
  const char* method;
  const char* pattern;
  unsigned roles;
};

// src/api/routes.cc as the API promises it (docs and spec/API.md): a change there must show here.
const RouteSpec kRoutes[] = {
    {"POST", "/api/v1/login", kPublic},
    {"POST", "/api/v1/logout", kAnyone},
    {"GET", "/api/v1/me", kAnyone},
    {"GET", "/api/v1/center", kAnyone},
    {"GET", "/api/v1/openapi.json", kPublic},
    {"GET", "/api/v1/skills", kAnyone},
    {"POST", "/api/v1/skills", kAdmin},
    {"GET", "/api/v1/skills/{id}", kAnyone},
    {"PUT", "/api/v1/skills/{id}", kAdmin},
    {"DELETE", "/api/v1/skills/{id}", kAdmin},
    {"GET", "/api/v1/queues", kAnyone},
    {"POST", "/api/v1/queues", kAdmin},
    {"GET", "/api/v1/queues/{id}", kAnyone},
    {"PUT", "/api/v1/queues/{id}", kAdmin},
    {"DELETE", "/api/v1/queues/{id}", kAdmin},
    {"GET", "/api/v1/queues/{id}/stats", kAnyone},
    {"GET", "/api/v1/dispositions", kAnyone},
    {"POST", "/api/v1/dispositions", kAdmin},
    {"GET", "/api/v1/dispositions/{id}", kAnyone},
    {"PUT", "/api/v1/dispositions/{id}", kAdmin},
    {"DELETE", "/api/v1/dispositions/{id}", kAdmin},
    {"GET", "/api/v1/agents", kAnyone},
    {"POST", "/api/v1/agents", kAdmin},
    {"GET", "/api/v1/agents/{id}", kAnyone},
    {"PUT", "/api/v1/agents/{id}", kAdmin},
    {"DELETE", "/api/v1/agents/{id}", kAdmin},
    {"POST", "/api/v1/agents/{id}/presence", kFloor},
    {"GET", "/api/v1/agents/{id}/offers", kFloor},
    {"GET", "/api/v1/users", kAdmin},
    {"POST", "/api/v1/users", kAdmin},
    {"GET", "/api/v1/users/{id}", kAdmin},
    {"PUT", "/api/v1/users/{id}", kAdmin},
    {"DELETE", "/api/v1/users/{id}", kAdmin},
    {"POST", "/api/v1/interactions", kFloor},
    {"GET", "/api/v1/interactions", kAnyone},
    {"GET", "/api/v1/interactions/{id}", kAnyone},
    {"PATCH", "/api/v1/interactions/{id}", kStaff},
    {"GET", "/api/v1/interactions/{id}/explain", kStaff},
    {"POST", "/api/v1/interactions/{id}/end", kHandlers},
    {"POST", "/api/v1/interactions/{id}/wrapup", kHandlers},
    {"POST", "/api/v1/interactions/{id}/cancel", kStaff},
    {"POST", "/api/v1/offers/{id}/accept", kHandlers},
    {"POST", "/api/v1/offers/{id}/reject", kHandlers},
    {"GET", "/api/v1/interactions/{id}/recording", kReaders},
    {"POST", "/api/v1/interactions/{id}/monitor", kStaff},
    {"GET", "/api/v1/voice", kStaff},
    {"GET", "/api/v1/events", kReaders},
    {"GET", "/api/v1/reports/intervals", kReaders},
    {"GET", "/api/v1/export/queue_log", kReaders},
};

std::string RoleList(unsigned roles) {
  std::string out;
  const char* names[] = {"admin", "supervisor", "agent", "analyst"};
  for (int i = 0; i < 4; ++i) {
    if (roles & (1u << i)) out += std::string(out.empty() ? "" : ", ") + names[i];
  }
  return out;
}

// The route's path with `id` for {id}.
std::string Concrete(const std::string& pattern, const std::string& id) {
  std::string path = pattern;
  size_t at = path.find("{id}");
  if (at != std::string::npos) path.replace(at, 4, id);
  return path;
}

// A request to the route with an empty body; {id} is an id that exists nowhere unless given.
HttpRequest RequestFor(const RouteSpec& route, const std::string& token,
                       const std::string& id = "999999") {
  HttpRequest request;
  request.method = route.method;
  request.target = Concrete(route.pattern, id);
  request.bearer = token;
  if (request.method != "GET" && request.method != "DELETE") request.body = "{}";
  return request;
}

class Routes : public ApiTest {};

TEST_F(Routes, OpenApiDocumentListsEveryRouteWithItsRoles) {
  HttpResponse r = Get("/api/v1/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  json doc = r.Json();
  ASSERT_TRUE(doc.is_object()) << r.body.substr(0, 200);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  const json& paths = doc["paths"];
  std::set<std::string> expected;
  for (const RouteSpec& route : kRoutes) {
    std::string path = std::string(route.pattern).substr(std::string("/api/v1").size());
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    expected.insert(method + " " + path);
    ASSERT_TRUE(paths.contains(path) && paths[path].contains(method))
        << route.method << " " << route.pattern << " is not in the OpenAPI document";
    const json& op = paths[path][method];
    EXPECT_TRUE(op.contains("summary")) << path;
    if (route.roles == kPublic) {
      EXPECT_EQ(op["security"], json::array()) << path;
    } else {
      EXPECT_EQ(op.value("x-roles", ""), RoleList(route.roles)) << route.method << " " << path;
      EXPECT_TRUE(op["responses"].contains("401")) << path;
      EXPECT_TRUE(op["responses"].contains("403")) << path;
    }
  }
  // Nothing described that is not routed, besides the stream.
  for (const auto& [path, ops] : paths.items()) {
    for (const auto& [method, op] : ops.items()) {
      if (path == "/stream") continue;
      EXPECT_TRUE(expected.count(method + " " + path)) << method << " " << path;
    }
  }
  EXPECT_TRUE(paths.contains("/stream"));
}

TEST_F(Routes, EveryProtectedRouteRefusesACallerWithoutAValidToken) {
  // Well-formed but unknown (as an expired or revoked token looks), garbage, and none.
  const std::string tokens[] = {"", "not-a-token",
                                "hl_0123456789abcdef0123456789abcdef0123456789abcdef",
                                std::string(300, 'x')};
  for (const RouteSpec& route : kRoutes) {
    if (route.roles == kPublic) continue;
    for (const std::string& token : tokens) {
      SCOPED_TRACE(std::string(route.method) + " " + route.pattern + " token '" +
                   token.substr(0, 20) + "'");
      ExpectRefused(
          401, [&] { return http().Send(RequestFor(route, token)); }, "unauthenticated");
    }
    HttpRequest basic = RequestFor(route, "");
    basic.headers.emplace_back("Authorization", "Basic YWRtaW46YWRtaW4=");
    HttpResponse r = http().Send(basic);
    EXPECT_EQ(r.status, 401) << route.method << " " << route.pattern;
    EXPECT_EQ(r.Header("www-authenticate"), "Bearer") << route.pattern;
  }
}

TEST_F(Routes, EveryRouteRefusesTheRolesItDoesNotAllow) {
  Seat seat = MakeSeat();
  struct Caller {
    unsigned role;
    std::string token;
  };
  std::vector<Caller> callers = {
      {kAdmin, admin()},
      {kSupervisor, MakeUser({"supervisor"}).token},
      {kAgent, seat.user.token},
      {kAnalyst, MakeUser({"analyst"}).token},
  };
  for (const RouteSpec& route : kRoutes) {
    for (const Caller& caller : callers) {
      if (route.roles == kPublic || (route.roles & caller.role)) continue;
      SCOPED_TRACE(std::string(route.method) + " " + route.pattern + " as " +
                   RoleList(caller.role));
      ExpectRefused(
          403, [&] { return http().Send(RequestFor(route, caller.token)); }, "permission_denied");
    }
  }
}

TEST_F(Routes, EveryRouteLetsTheRolesItAllowsPastTheRoleCheck) {
  Seat seat = MakeSeat();
  std::vector<std::pair<unsigned, std::string>> callers = {
      {kAdmin, admin()},
      {kSupervisor, MakeUser({"supervisor"}).token},
      {kAgent, seat.user.token},
      {kAnalyst, MakeUser({"analyst"}).token},
  };
  for (const RouteSpec& route : kRoutes) {
    if (std::string(route.pattern) == "/api/v1/logout") continue;  // would end the session
    for (const auto& [role, token] : callers) {
      if (!(route.roles & role)) continue;
      // An agent may only name its own agent; it looks up history by customer.
      std::string pattern = route.pattern;
      HttpRequest request =
          RequestFor(route, token, pattern.starts_with("/api/v1/agents/") ? seat.agent : "999999");
      if (pattern == "/api/v1/interactions" && request.method == "GET") {
        request.target += "?customer=nobody";
      }
      HttpResponse r = http().Send(request);
      // It may be refused for its id or body, never for the caller's role.
      EXPECT_NE(r.ErrorCode(), "permission_denied")
          << route.method << " " << route.pattern << " as " << RoleList(role) << ": " << r.body;
      EXPECT_NE(r.status, 401) << route.method << " " << route.pattern;
    }
  }
}

TEST_F(Routes, UnknownPathIsNotFoundAndWrongMethodIsNotAllowed) {
  HttpResponse unknown = Get("/api/v1/nothing-here", admin());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.ErrorCode(), "not_found");
  EXPECT_EQ(Get("/api", "").status, 404);  // "/" is the web UI (web_assets_test.cc)
  EXPECT_EQ(Get("/api/v1/skills/general/extra", admin()).status, 404);

  uint64_t before = LastSeq();
  HttpResponse wrong = Delete("/api/v1/agents/a1/offers", admin());
  EXPECT_EQ(wrong.status, 405) << wrong.body;
  EXPECT_EQ(wrong.ErrorCode(), "invalid_argument");
  EXPECT_EQ(Patch("/api/v1/skills/general", json{{"name", "x"}}, admin()).status, 405);
  EXPECT_EQ(Get("/api/v1/login", "").status, 405);
  EXPECT_EQ(LastSeq(), before);
  EXPECT_EQ(Get("/api/v1/agents/a1", admin()).status, 200) << "the agent is still there";
}

TEST_F(Routes, HealthzAnswersServingWithoutLogin) {
  HttpResponse r = Get("/healthz", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["status"], "serving");
}

TEST_F(Routes, MetricsCountRequestsByRouteAndStatusInPrometheusFormat) {
  Get("/api/v1/skills", admin());
  Get("/api/v1/skills/general", "");
  HttpResponse r = Get("/metrics", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type").rfind("text/plain", 0), 0u) << r.Header("content-type");
  EXPECT_NE(r.body.find("# TYPE hotline_http_requests_total counter"), std::string::npos);
  EXPECT_NE(r.body.find("hotline_http_requests_total{route=\"/api/v1/skills\",status=\"200\"}"),
            std::string::npos)
      << r.body.substr(0, 2000);
  EXPECT_NE(
      r.body.find("hotline_http_requests_total{route=\"/api/v1/skills/{id}\",status=\"401\"}"),
      std::string::npos);
  EXPECT_NE(r.body.find("hotline_events_appended_total"), std::string::npos);
  EXPECT_NE(r.body.find("hotline_queue_waiting{queue=\"general\"} 0"), std::string::npos);
  EXPECT_NE(r.body.find("hotline_http_request_duration_seconds_bucket{route=\"/api/v1/skills\","
                        "le=\"+Inf\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace hotline::itest
