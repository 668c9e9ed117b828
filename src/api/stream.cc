// GET /api/v1/stream: the event log over WebSocket. A client first gets every durable event after
// ?after=SEQ (read from the log in pages, at the pace its socket drains), then each batch as soon
// as it is durable. Both happen on the loop thread, and the switch to live happens when the
// catch-up reaches the durable head, so no event is skipped or sent twice.
//
// Browsers cannot set headers on a WebSocket, so the token may come as ?token=. Agents receive
// only events about their own agent; staff receive everything.
#include <utility>

#include "api/api_impl.h"
#include "api/errors.h"

namespace hotline::api {
namespace {

constexpr size_t kCatchUpPage = 500;
// Catch-up pauses while this much is queued on the socket; the drain resumes it.
constexpr size_t kCatchUpHighWater = 1 << 20;

// Whether the event is about `agent`: its data names it as the agent. Quoting the id elsewhere
// (a customer's or an interaction's attributes, which callers choose) does not count.
bool Concerns(const std::string& json_text, const std::string& agent) {
  if (json_text.find("\"agent\":\"" + agent + "\"") == std::string::npos) return false;
  json event = json::parse(json_text, nullptr, false);
  if (!event.is_object() || !event.contains("data") || !event["data"].is_object()) return false;
  const json& data = event["data"];
  return data.contains("agent") && data["agent"].is_string() &&
         data["agent"].get_ref<const std::string&>() == agent;
}

}  // namespace

std::optional<http::Response> Api::Impl::OnUpgrade(const http::Request& request) {
  std::string_view target = request.target;
  size_t q = target.find('?');
  std::string path(target.substr(0, q));
  if (path != "/api/v1/stream") return ErrorResponse(Error::NotFound("no stream at " + path));
  auto query = q == std::string_view::npos ? std::map<std::string, std::string>()
                                           : ParseQuery(target.substr(q + 1));
  if (auto after = query.find("after");
      after != query.end() && after->second != "0" && !NumericId(after->second, "after").ok()) {
    return ErrorResponse(Error::InvalidArgument("after must be a sequence number", "after"));
  }
  if (!Authenticate(request, query["token"])) {
    return ErrorResponse(
        Error{ErrorCode::kUnauthenticated, "a valid token is needed (?token= or Bearer)", ""});
  }
  if (!shard.accepting()) {
    return ErrorResponse(Error{ErrorCode::kUnavailable, "the server is shutting down", ""});
  }
  return std::nullopt;
}

void Api::Impl::OnOpen(std::shared_ptr<http::WebSocketPeer> peer, const http::Request& request) {
  std::string_view target = request.target;
  size_t q = target.find('?');
  auto query = q == std::string_view::npos ? std::map<std::string, std::string>()
                                           : ParseQuery(target.substr(q + 1));
  auto who = Authenticate(request, query["token"]);
  if (!who) {
    peer->Close("unauthenticated");
    return;
  }
  Subscriber sub;
  sub.peer = peer;
  sub.next_seq = shard.durable_seq() + 1;  // no ?after: live only
  if (auto after = query.find("after"); after != query.end()) {
    auto n = after->second == "0" ? Result<uint64_t>(uint64_t{0}) : NumericId(after->second, "");
    if (n.ok()) sub.next_seq = *n + 1;
  }
  bool staff = who->roles.Has(auth::Role::kAdmin) || who->roles.Has(auth::Role::kSupervisor) ||
               who->roles.Has(auth::Role::kAnalyst);
  if (!staff) {
    // The agent it acts as: its user's agent_id, or else the agent whose record names the user.
    std::string agent = who->agent_id;
    if (agent.empty()) {
      for (const auto& a : shard.document().List(shard::Section::kAgents)) {
        if (ActsAs(*who, a.value("id", ""))) {
          agent = a.value("id", "");
          break;
        }
      }
    }
    sub.only_agent = agent.empty() ? "\x01" : agent;
  }
  http::WebSocketPeer* raw = peer.get();
  subscribers[raw] = std::move(sub);
  CatchUp(raw);
}

void Api::Impl::CatchUp(http::WebSocketPeer* raw) {
  auto it = subscribers.find(raw);
  if (it == subscribers.end()) return;
  Subscriber& sub = it->second;
  while (!sub.live && sub.peer->open()) {
    uint64_t durable = shard.durable_seq();
    if (sub.next_seq > durable) {
      sub.live = true;
      break;
    }
    if (sub.peer->queued_bytes() > kCatchUpHighWater) {
      // Come back when the socket has drained some.
      std::weak_ptr<bool> alive_now = alive;
      shard.Post([this, raw, alive_now] {
        if (auto a = alive_now.lock(); a && *a) CatchUp(raw);
      });
      return;
    }
    auto page = shard.log().ReadEvents(sub.next_seq - 1, kCatchUpPage);
    if (!page.ok() || page->empty()) {
      sub.peer->Close(page.ok() ? "the log ends early" : page.error().message);
      return;
    }
    for (const auto& e : *page) {
      if (e.seq > durable) break;
      json text = {{"seq", e.seq},
                   {"type", e.type},
                   {"at", FormatRfc3339(e.at)},
                   {"actor", e.actor},
                   {"data", json::parse(e.data, nullptr, false)}};
      std::string s = text.dump();
      if (sub.only_agent.empty() || Concerns(s, sub.only_agent)) sub.peer->Send(std::move(s));
      sub.next_seq = e.seq + 1;
    }
  }
}

void Api::Impl::OnClose(http::WebSocketPeer* peer) { subscribers.erase(peer); }

void Api::Impl::Publish(const std::vector<shard::PublishedEvent>& events) {
  for (auto& [raw, sub] : subscribers) {
    if (!sub.live || !sub.peer->open()) continue;
    for (const auto& e : events) {
      if (e.seq < sub.next_seq) continue;
      if (sub.only_agent.empty() || Concerns(e.json, sub.only_agent)) sub.peer->Send(e.json);
      sub.next_seq = e.seq + 1;
    }
  }
}

}  // namespace hotline::api
