// GET /api/v1/stream over a real WebSocket: replay from ?after=SEQ, then live events, in order,
// none twice, in frames shaped like a GET /events page (StreamFrames checks each one); the events
// of one command in one frame; the token by ?token= or Bearer; an agent's token sees only its own
// agent's events, and no frame at all when nothing of a batch is its own.
#include <optional>
#include <string>
#include <vector>

#include "api/api_test_env.h"
#include "support/stream_frames.h"
#include "support/wait.h"
#include "support/websocket_client.h"

namespace hotline::itest {
namespace {

class Stream : public ApiTest {
 protected:
  // Opens the stream at `target` with the token in the query.
  static HttpResponse Open(WebSocketClient& ws, const std::string& query,
                           const std::string& token) {
    return ws.Open(server().port(), "/api/v1/stream?" + query + "&token=" + token);
  }
};

TEST_F(Stream, ReplaysFromAfterThenSendsLiveEventsInOrder) {
  std::string agent = Unique("agent");
  uint64_t from = LastSeq();
  MakeAgent(agent);
  SetPresence(agent, "ready");
  uint64_t head = LastSeq();
  ASSERT_GT(head, from + 1);

  WebSocketClient ws;
  HttpResponse handshake = Open(ws, "after=" + std::to_string(from), admin());
  ASSERT_EQ(handshake.status, 101) << handshake.body << ws.error();
  StreamFrames stream(ws);
  std::vector<json> replayed = stream.Events(head - from);
  ASSERT_EQ(replayed.size(), head - from) << stream.error();
  EXPECT_EQ(stream.frames(), 1u) << "a catch-up page is one frame";
  for (size_t i = 0; i < replayed.size(); ++i) {
    EXPECT_EQ(replayed[i]["seq"], from + 1 + i) << replayed[i].dump();
  }
  EXPECT_EQ(replayed[0]["type"], "agent.created");
  EXPECT_EQ(replayed[0]["actor"], "user:" + std::to_string(admin_id()));
  EXPECT_EQ(EventsAfter(from)[0].dump(), replayed[0].dump()) << "the same events as /events";

  SetPresence(agent, "not_ready");
  uint64_t live_head = LastSeq();
  std::vector<json> live = stream.Events(live_head - head);
  ASSERT_EQ(live.size(), live_head - head) << stream.error();
  for (size_t i = 0; i < live.size(); ++i) EXPECT_EQ(live[i]["seq"], head + 1 + i);
  EXPECT_EQ(live[0]["data"]["agent"], agent);
  // Nothing more, nothing twice: the next frame is the next write's.
  SetPresence(agent, "ready");
  std::vector<json> next = stream.Events(1);
  ASSERT_EQ(next.size(), LastSeq() - live_head) << stream.error();
  EXPECT_EQ(next[0]["seq"], live_head + 1);
}

TEST_F(Stream, WithoutAfterOnlyLiveEventsArrive) {
  WebSocketClient ws;
  HttpResponse handshake = ws.Open(server().port(), "/api/v1/stream", admin());  // Bearer header
  ASSERT_EQ(handshake.status, 101) << handshake.body << ws.error();
  uint64_t head = LastSeq();
  std::string skill = Unique("skill");
  ASSERT_EQ(Post("/api/v1/skills", json{{"id", skill}}, admin()).status, 201);
  StreamFrames stream(ws);
  std::vector<json> got = stream.Events(1);
  ASSERT_EQ(got.size(), 1u) << stream.error();
  EXPECT_EQ(got[0]["seq"], head + 1);
  EXPECT_EQ(got[0]["type"], "skill.created");
  EXPECT_EQ(got[0]["data"]["id"], skill);
}

TEST_F(Stream, AfterZeroReplaysTheWholeLog) {
  WebSocketClient ws;
  TestUser analyst = MakeUser({"analyst"});
  uint64_t head = LastSeq();
  ASSERT_EQ(Open(ws, "after=0", analyst.token).status, 101) << ws.error();
  StreamFrames stream(ws);
  std::vector<json> got = stream.Events(head);
  ASSERT_EQ(got.size(), head) << stream.error();
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i]["seq"], i + 1);
  EXPECT_EQ(got[0]["type"], "center.loaded");
  EXPECT_EQ(got, EventsAfter(0)) << "the same events as /events";
}

TEST_F(Stream, TheEventsOfOneCommandComeInOneFrame) {
  Seat seat = MakeSeat();
  SetPresence(seat.agent, "ready");
  WebSocketClient ws;
  ASSERT_EQ(Open(ws, "after=" + std::to_string(LastSeq()), admin()).status, 101) << ws.error();
  uint64_t head = LastSeq();
  // Created, queued and offered to the ready agent: one command, several events.
  ASSERT_NE(CreateInteraction(seat.queue), 0u);
  uint64_t created_head = LastSeq();
  ASSERT_GT(created_head, head + 1);
  StreamFrames stream(ws);
  std::optional<json> frame = stream.Next();
  ASSERT_TRUE(frame) << stream.error();
  EXPECT_EQ((*frame)["next"], created_head) << frame->dump();
  EXPECT_EQ((*frame)["events"], json(EventsAfter(head))) << "the page GET /events gives";
}

TEST_F(Stream, AnAgentSeesOnlyItsOwnAgentsEvents) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  uint64_t from = LastSeq();
  WebSocketClient ws;
  ASSERT_EQ(Open(ws, "after=" + std::to_string(from), mine.user.token).status, 101) << ws.error();
  // The other agent's day, then its own: it must see its own only.
  Complete(other);
  Complete(mine);
  size_t expected = 0;
  for (const json& e : EventsAfter(from)) {
    if (e["data"].value("agent", "") == mine.agent) ++expected;
  }
  ASSERT_GT(expected, 3u);
  StreamFrames stream(ws);
  std::vector<json> got = stream.Events(expected);
  ASSERT_EQ(got.size(), expected) << stream.error();
  for (const json& e : got) {
    EXPECT_EQ(e["data"]["agent"], mine.agent) << e.dump();
    EXPECT_EQ(e.dump().find(other.agent), std::string::npos) << e.dump();
  }
  // Nothing else was its own: the next frame is the next write's.
  uint64_t before_marker = LastSeq();
  SetPresence(mine.agent, "not_ready");
  std::vector<json> next = stream.Events(1);
  ASSERT_EQ(next.size(), 1u) << stream.error();
  EXPECT_GT(next[0]["seq"].get<uint64_t>(), before_marker) << next[0].dump();
}

TEST_F(Stream, AnAgentDoesNotSeeEventsThatOnlyQuoteItsIdInCustomerData) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  WebSocketClient ws;
  ASSERT_EQ(Open(ws, "after=" + std::to_string(LastSeq()), mine.user.token).status, 101);
  // Caller-supplied data naming the agent is not the agent's business.
  CreateInteraction(other.queue, json{{"attributes", {{"agent", mine.agent}}},
                                      {"customer", {{"agent", mine.agent}}}});
  uint64_t before_marker = LastSeq();
  SetPresence(mine.agent, "ready");  // then its own events, as a marker
  // No frame for the batch with nothing of its own: the first frame is the marker's.
  StreamFrames stream(ws);
  std::optional<json> frame = stream.Next();
  ASSERT_TRUE(frame) << stream.error();
  EXPECT_EQ((*frame)["events"], json(EventsAfter(before_marker))) << frame->dump();
  for (const json& e : (*frame)["events"]) {
    EXPECT_NE(e["type"], "interaction.created") << e.dump();
    EXPECT_EQ(e["data"]["agent"], mine.agent) << e.dump();
  }
}

TEST_F(Stream, AnAgentTiedByTheAgentRecordSeesItsEvents) {
  TestUser user = MakeUser({"agent"});  // no agent_id: the agent names the user
  std::string agent = Unique("agent");
  MakeAgent(agent, json{{"user_id", user.id}});
  WebSocketClient ws;
  uint64_t head = LastSeq();
  ASSERT_EQ(Open(ws, "after=" + std::to_string(head), user.token).status, 101);
  SetPresence(agent, "ready", user.token);
  StreamFrames stream(ws);
  std::optional<json> frame = stream.Next();
  ASSERT_TRUE(frame) << "the agent's own presence change never came; " << stream.error();
  EXPECT_EQ((*frame)["events"], json(EventsAfter(head))) << frame->dump();
  EXPECT_EQ((*frame)["events"][0]["data"]["agent"], agent);
}

TEST_F(Stream, UpgradeIsRefusedWithoutAValidTokenOrWithABadCursor) {
  WebSocketClient ws;
  HttpResponse none = ws.Open(server().port(), "/api/v1/stream?after=0");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_EQ(none.ErrorCode(), "unauthenticated");
  EXPECT_FALSE(ws.open());
  EXPECT_EQ(Open(ws, "after=0", "hl_not_a_token").status, 401);
  HttpResponse cursor = Open(ws, "after=abc", admin());
  EXPECT_EQ(cursor.status, 400) << cursor.body;
  EXPECT_EQ(cursor.ErrorField(), "after");
  HttpResponse path = ws.Open(server().port(), "/api/v1/streams?token=" + admin());
  EXPECT_EQ(path.status, 404) << path.body;
  TestUser gone = MakeUser({"analyst"});
  ASSERT_EQ(Post("/api/v1/logout", json::object(), gone.token).status, 204);
  EXPECT_EQ(Open(ws, "after=0", gone.token).status, 401);
}

TEST_F(Stream, MetricsCountStreamClients) {
  WebSocketClient a, b;
  ASSERT_EQ(Open(a, "after=" + std::to_string(LastSeq()), admin()).status, 101);
  ASSERT_EQ(Open(b, "after=" + std::to_string(LastSeq()), admin()).status, 101);
  // Clients of earlier tests may still be closing.
  EXPECT_TRUE(WaitUntil(
      [&] {
        return Get("/metrics", "").body.find("hotline_stream_clients 2\n") != std::string::npos;
      },
      Millis(5000)))
      << Get("/metrics", "").body;
  a.Close();
  EXPECT_TRUE(WaitUntil(
      [&] {
        return Get("/metrics", "").body.find("hotline_stream_clients 1\n") != std::string::npos;
      },
      Millis(5000)));
}

}  // namespace
}  // namespace hotline::itest
