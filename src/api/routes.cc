// The route table (one line per route, with the roles allowed) and the OpenAPI 3 description
// generated from it, so the served description cannot drift from what is routed.
#include <utility>

#include "api/api_impl.h"
#include "base/result.h"

namespace hotline::api {
namespace {

using auth::Role;

auth::RoleSet Of(std::initializer_list<Role> roles) { return auth::RoleSet(roles); }

const auth::RoleSet kPublic;
const auth::RoleSet kAnyone = Of({Role::kAdmin, Role::kSupervisor, Role::kAgent, Role::kAnalyst});
const auth::RoleSet kAdmin = Of({Role::kAdmin});
const auth::RoleSet kStaff = Of({Role::kAdmin, Role::kSupervisor});
const auth::RoleSet kReaders = Of({Role::kAdmin, Role::kSupervisor, Role::kAnalyst});
const auth::RoleSet kFloor = Of({Role::kAdmin, Role::kSupervisor, Role::kAgent});
const auth::RoleSet kHandlers = Of({Role::kAdmin, Role::kAgent});

using I = Api::Impl;

}  // namespace

std::vector<Route> BuildRoutes() {
  return {
      {"POST", "/api/v1/login", kPublic, "Log in: a bearer token for the other routes", &I::Login},
      {"POST", "/api/v1/logout", kAnyone, "Revoke this token", &I::Logout},
      {"GET", "/api/v1/me", kAnyone, "The calling user", &I::Me},
      {"GET", "/api/v1/center", kAnyone, "The center's name, UTC offset and default settings",
       &I::Center},
      {"GET", "/api/v1/openapi.json", kPublic, "This description", &I::OpenApiDoc},
      {"GET", "/api/v1/skills", kAnyone, "List skills", &I::ListObjects},
      {"POST", "/api/v1/skills", kAdmin, "Create a skill", &I::CreateObject},
      {"GET", "/api/v1/skills/{id}", kAnyone, "Read a skill", &I::GetObject},
      {"PUT", "/api/v1/skills/{id}", kAdmin, "Replace a skill", &I::PutObject},
      {"DELETE", "/api/v1/skills/{id}", kAdmin, "Delete an unused skill", &I::DeleteObject},
      {"GET", "/api/v1/queues", kAnyone, "List queues with their routing settings",
       &I::ListObjects},
      {"POST", "/api/v1/queues", kAdmin, "Create a queue", &I::CreateObject},
      {"GET", "/api/v1/queues/{id}", kAnyone, "Read a queue", &I::GetObject},
      {"PUT", "/api/v1/queues/{id}", kAdmin, "Replace a queue's settings (applies live)",
       &I::PutObject},
      {"DELETE", "/api/v1/queues/{id}", kAdmin, "Delete an empty, unreferenced queue",
       &I::DeleteObject},
      {"GET", "/api/v1/queues/{id}/stats", kAnyone, "Real-time and today's figures of a queue",
       &I::QueueStats},
      {"GET", "/api/v1/dispositions", kAnyone, "List dispositions", &I::ListObjects},
      {"POST", "/api/v1/dispositions", kAdmin, "Create a disposition", &I::CreateObject},
      {"GET", "/api/v1/dispositions/{id}", kAnyone, "Read a disposition", &I::GetObject},
      {"PUT", "/api/v1/dispositions/{id}", kAdmin, "Replace a disposition", &I::PutObject},
      {"DELETE", "/api/v1/dispositions/{id}", kAdmin, "Delete a disposition", &I::DeleteObject},
      {"GET", "/api/v1/agents", kAnyone, "List agents with their live state (agents: itself)",
       &I::ListObjects},
      {"POST", "/api/v1/agents", kAdmin, "Create an agent", &I::CreateObject},
      {"GET", "/api/v1/agents/{id}", kAnyone, "Read an agent and its live state", &I::GetObject},
      {"PUT", "/api/v1/agents/{id}", kAdmin, "Replace an agent's skills, capacity...",
       &I::PutObject},
      {"DELETE", "/api/v1/agents/{id}", kAdmin,
       "Delete a logged-out agent that holds nothing and no user is linked to", &I::DeleteObject},
      {"POST", "/api/v1/agents/{id}/presence", kFloor, "Set presence (agents: their own)",
       &I::SetPresence},
      {"GET", "/api/v1/agents/{id}/offers", kFloor, "Pending offers of an agent", &I::AgentOffers},
      {"GET", "/api/v1/users", kAdmin, "List users", &I::ListUsers},
      {"POST", "/api/v1/users", kAdmin, "Create a user", &I::CreateUser},
      {"GET", "/api/v1/users/{id}", kAdmin, "Read a user", &I::GetUser},
      {"PUT", "/api/v1/users/{id}", kAdmin, "Change a user (password, roles, agent)", &I::PutUser},
      {"DELETE", "/api/v1/users/{id}", kAdmin, "Delete a user", &I::DeleteUser},
      {"POST", "/api/v1/interactions", kFloor, "Create an interaction", &I::CreateInteraction},
      {"GET", "/api/v1/interactions", kAnyone,
       "History (?customer=&from=&to=&limit=); waiting now (?state=waiting&queue=)",
       &I::ListInteractions},
      {"GET", "/api/v1/interactions/{id}", kAnyone, "An interaction and its events",
       &I::GetInteraction},
      {"PATCH", "/api/v1/interactions/{id}", kStaff, "Change priority or attributes in queue",
       &I::PatchInteraction},
      {"GET", "/api/v1/interactions/{id}/explain", kStaff,
       "Why it is not routed yet: each agent and the reason", &I::Explain},
      {"POST", "/api/v1/interactions/{id}/end", kHandlers, "Conversation over: wrap-up starts",
       &I::InteractionAction},
      {"POST", "/api/v1/interactions/{id}/wrapup", kHandlers, "Disposition and notes: completed",
       &I::InteractionAction},
      {"POST", "/api/v1/interactions/{id}/cancel", kStaff,
       "The customer left, or withdrawn, before connection", &I::InteractionAction},
      {"POST", "/api/v1/offers/{id}/accept", kHandlers, "Accept an offer", &I::AnswerOffer},
      {"POST", "/api/v1/offers/{id}/reject", kHandlers, "Reject an offer", &I::AnswerOffer},
      {"GET", "/api/v1/interactions/{id}/recording", kReaders,
       "The call's recording (WAV: caller left, agent right)", &I::Recording},
      {"POST", "/api/v1/interactions/{id}/monitor", kStaff,
       "A supervisor's phone joins the live call (listen, whisper, barge)", &I::MonitorCall},
      {"GET", "/api/v1/voice", kStaff, "SIP address, registered phones and call counters",
       &I::VoiceState},
      {"GET", "/api/v1/events", kReaders, "The event log (?after=&limit=)", &I::Events},
      {"GET", "/api/v1/reports/intervals", kReaders,
       "Interval KPIs (?queue=&from=&to=&interval=&format=csv)", &I::Intervals},
      {"GET", "/api/v1/export/queue_log", kReaders, "Asterisk queue_log (?from=&to=)",
       &I::QueueLog},
  };
}

void Api::Impl::OpenApiDoc(Call& call) {
  http::Response r;
  r.body = OpenApiDocument(routes, options.version).dump();
  call.respond(std::move(r));
}

json OpenApiDocument(const std::vector<Route>& routes, const std::string& version) {
  json error_schema = {{"type", "object"},
                       {"required", {"error"}},
                       {"properties",
                        {{"error",
                          {{"type", "object"},
                           {"required", {"code", "message"}},
                           {"properties",
                            {{"code",
                              {{"type", "string"},
                               {"enum",
                                {"invalid_argument", "not_found", "already_exists",
                                 "failed_precondition", "permission_denied", "unauthenticated",
                                 "resource_exhausted", "unavailable", "data_loss", "internal"}}}},
                             {"message", {{"type", "string"}}},
                             {"field", {{"type", "string"}}}}}}}}}};
  json event_schema = {{"type", "object"},
                       {"properties",
                        {{"seq", {{"type", "integer"}}},
                         {"type", {{"type", "string"}}},
                         {"at", {{"type", "string"}, {"format", "date-time"}}},
                         {"actor", {{"type", "string"}}},
                         {"data", {{"type", "object"}}}}}};
  json paths = json::object();
  for (const Route& r : routes) {
    std::string path = std::string(r.pattern).substr(std::string("/api/v1").size());
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    json op = {{"summary", r.summary},
               {"responses",
                {{"200", {{"description", "OK"}}},
                 {"400", {{"$ref", "#/components/responses/Error"}}},
                 {"404", {{"$ref", "#/components/responses/Error"}}}}}};
    if (method == "post" && (path == "/interactions" || path == "/users" || path == "/skills" ||
                             path == "/queues" || path == "/agents" || path == "/dispositions")) {
      op["responses"]["201"] = {{"description", "Created"}};
    }
    if (r.roles.empty()) {
      op["security"] = json::array();
    } else {
      op["x-roles"] = RoleNames(r.roles);
      op["responses"]["401"] = {{"$ref", "#/components/responses/Error"}};
      op["responses"]["403"] = {{"$ref", "#/components/responses/Error"}};
    }
    if (method != "get" && method != "delete") {
      op["responses"]["409"] = {{"$ref", "#/components/responses/Error"}};
      op["responses"]["413"] = {{"$ref", "#/components/responses/Error"}};
      op["requestBody"] = {{"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    }
    json params = json::array();
    if (path.find("{id}") != std::string::npos) {
      params.push_back(
          {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    paths[path][method] = std::move(op);
  }
  paths["/stream"]["get"] = {
      {"summary", "WebSocket: the events after ?after=SEQ, then live; token by ?token= or Bearer"},
      {"x-roles", "admin, supervisor, analyst (all events); agent (its own)"},
      {"responses",
       {{"101", {{"description", "Switching to WebSocket; text frames of Event"}}},
        {"401", {{"$ref", "#/components/responses/Error"}}}}}};
  return json{
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Hotline contact center API"},
        {"version", version},
        {"description", "See docs/api.md. Times are RFC 3339 UTC; durations are seconds."}}},
      {"servers", {{{"url", "/api/v1"}}}},
      {"security", {{{"bearer", json::array()}}}},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", {{"Error", error_schema}, {"Event", event_schema}}},
        {"responses",
         {{"Error",
           {{"description", "An error; a rejected request changes nothing"},
            {"content",
             {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}}}}};
}

}  // namespace hotline::api
