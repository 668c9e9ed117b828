// GET /api/v1/stream: the event log over WebSocket. A client first gets every durable event after
// ?after=SEQ (read from the log in pages, at the pace its socket drains), then the events as soon
// as they are durable. Both happen on the loop thread, and the switch to live happens when the
// catch-up reaches the durable head, so no event is skipped or sent twice.
//
// Frames: one text frame per catch-up page and per flush of newly durable events, shaped like a
// GET /events page: {"events":[...],"next":SEQ}, `next` the seq of its last event. One frame per
// event cost a write, a syscall and a completion per event and subscriber, which at 5k creates/s
// (25k events/s) was more than the loop could give. Publish (one call per durable command) sends
// a subscriber its batch at once when the subscriber is idle (nothing queued on its socket) and
// up to date; otherwise it collects, and one posted flush sends everything collected meanwhile
// (the other commands of the same group commit, whose completions are posted back to back, and
// whatever became durable while the socket was busy) in one frame.
//
// Browsers cannot set headers on a WebSocket, so the token may come as ?token=. Agents receive
// only events about their own agent; staff receive everything.
#include <utility>

#include "api/api_impl.h"
#include "api/errors.h"

namespace hotline::api {
namespace {

constexpr size_t kCatchUpPage = 500;
// A frame holds at most this many events, or this many bytes (beyond it: a frame of its own for
// the one large event), so a frame stays bounded whatever one group commit holds.
constexpr size_t kFrameEventsMax = 1000;
constexpr size_t kFrameBytesMax = 1 << 20;
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

// Builds the frames of one peer from encoded events, in order, and sends each when full.
class FrameWriter {
 public:
  explicit FrameWriter(http::WebSocketPeer& peer) : peer_(peer) {}
  ~FrameWriter() { Flush(); }
  FrameWriter(const FrameWriter&) = delete;
  FrameWriter& operator=(const FrameWriter&) = delete;

  void Add(uint64_t seq, std::string_view event_json) {
    if (count_ == kFrameEventsMax ||
        (count_ > 0 && text_.size() + event_json.size() > kFrameBytesMax)) {
      Flush();
    }
    text_ += count_ == 0 ? R"({"events":[)" : ",";
    text_ += event_json;
    last_seq_ = seq;
    ++count_;
  }

  // Sends the frame being built, if it has any event.
  void Flush() {
    if (count_ == 0) return;
    text_ += R"(],"next":)";
    text_ += std::to_string(last_seq_);
    text_ += '}';
    peer_.Send(std::move(text_));
    text_.clear();
    count_ = 0;
  }

 private:
  http::WebSocketPeer& peer_;
  std::string text_;
  size_t count_ = 0;
  uint64_t last_seq_ = 0;
};

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
    FrameWriter frames(*sub.peer);
    for (const auto& e : *page) {
      if (e.seq > durable) break;
      json text = {{"seq", e.seq},
                   {"type", e.type},
                   {"at", FormatRfc3339(e.at)},
                   {"actor", e.actor},
                   {"data", json::parse(e.data, nullptr, false)}};
      std::string s = text.dump();
      if (sub.only_agent.empty() || Concerns(s, sub.only_agent)) frames.Add(e.seq, s);
      sub.next_seq = e.seq + 1;
    }
  }
}

void Api::Impl::OnClose(http::WebSocketPeer* peer) { subscribers.erase(peer); }

void Api::Impl::Publish(const std::vector<shard::PublishedEvent>& events) {
  if (subscribers.empty() || events.empty()) return;
  bool deferred = false;
  for (auto& [raw, sub] : subscribers) {
    if (!sub.live || !sub.peer->open()) continue;
    // Idle and up to date: the batch goes now, with no wait for a turn of the loop.
    if (sub.next_seq == events.front().seq && sub.peer->queued_bytes() == 0) {
      SendLive(sub, events);
    } else {
      deferred = true;
    }
  }
  if (!deferred) return;
  stream_pending.insert(stream_pending.end(), events.begin(), events.end());
  if (stream_flush_posted) return;
  stream_flush_posted = true;
  std::weak_ptr<bool> alive_now = alive;
  shard.Post([this, alive_now] {
    if (auto a = alive_now.lock(); a && *a) FlushStream();
  });
}

void Api::Impl::FlushStream() {
  stream_flush_posted = false;
  std::vector<shard::PublishedEvent> events = std::move(stream_pending);
  stream_pending.clear();
  if (events.empty()) return;
  for (auto& [raw, sub] : subscribers) {
    if (sub.live && sub.peer->open()) SendLive(sub, events);
  }
}

void Api::Impl::SendLive(Subscriber& sub, const std::vector<shard::PublishedEvent>& events) {
  FrameWriter frames(*sub.peer);
  for (const auto& e : events) {
    if (e.seq < sub.next_seq) continue;
    if (sub.only_agent.empty() || Concerns(e.json, sub.only_agent)) frames.Add(e.seq, e.json);
    sub.next_seq = e.seq + 1;
  }
}

}  // namespace hotline::api
