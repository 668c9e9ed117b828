// GET /api/v1/stream over a real WebSocket: replay from ?after=SEQ, then live events, in order,
// none twice; the token by ?token= or Bearer; an agent's token sees only its own agent's events.
#include <string>
#include <vector>

#include "api/api_test_env.h"
#include "support/wait.h"
#include "support/websocket_client.h"

namespace hotline::itest {
namespace {

std::vector<json> Parse(const std::vector<std::string>& texts) {
  std::vector<json> out;
  for (const auto& t : texts) out.push_back(json::parse(t, nullptr, false));
  return out;
}

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
  std::vector<json> replayed = Parse(ws.ReceiveTexts(head - from));
  ASSERT_EQ(replayed.size(), head - from) << ws.error();
  for (size_t i = 0; i < replayed.size(); ++i) {
    EXPECT_EQ(replayed[i]["seq"], from + 1 + i) << replayed[i].dump();
  }
  EXPECT_EQ(replayed[0]["type"], "agent.created");
  EXPECT_EQ(replayed[0]["actor"], "user:" + std::to_string(admin_id()));
  EXPECT_EQ(EventsAfter(from)[0].dump(), replayed[0].dump()) << "the same events as /events";

  SetPresence(agent, "not_ready");
  uint64_t live_head = LastSeq();
  std::vector<json> live = Parse(ws.ReceiveTexts(live_head - head));
  ASSERT_EQ(live.size(), live_head - head) << ws.error();
  for (size_t i = 0; i < live.size(); ++i) EXPECT_EQ(live[i]["seq"], head + 1 + i);
  EXPECT_EQ(live[0]["data"]["agent"], agent);
  // Nothing more, nothing twice: the next message is the next write's.
  SetPresence(agent, "ready");
  std::vector<json> next = Parse(ws.ReceiveTexts(1));
  ASSERT_EQ(next.size(), 1u) << ws.error();
  EXPECT_EQ(next[0]["seq"], live_head + 1);
}

TEST_F(Stream, WithoutAfterOnlyLiveEventsArrive) {
  WebSocketClient ws;
  HttpResponse handshake = ws.Open(server().port(), "/api/v1/stream", admin());  // Bearer header
  ASSERT_EQ(handshake.status, 101) << handshake.body << ws.error();
  uint64_t head = LastSeq();
  std::string skill = Unique("skill");
  ASSERT_EQ(Post("/api/v1/skills", json{{"id", skill}}, admin()).status, 201);
  std::vector<json> got = Parse(ws.ReceiveTexts(1));
  ASSERT_EQ(got.size(), 1u) << ws.error();
  EXPECT_EQ(got[0]["seq"], head + 1);
  EXPECT_EQ(got[0]["type"], "skill.created");
  EXPECT_EQ(got[0]["data"]["id"], skill);
}

TEST_F(Stream, AfterZeroReplaysTheWholeLog) {
  WebSocketClient ws;
  ASSERT_EQ(Open(ws, "after=0", MakeUser({"analyst"}).token).status, 101) << ws.error();
  std::vector<json> got = Parse(ws.ReceiveTexts(2));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["seq"], 1);
  EXPECT_EQ(got[0]["type"], "center.loaded");
  EXPECT_EQ(got[1]["seq"], 2);
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
  std::vector<json> got = Parse(ws.ReceiveTexts(expected));
  ASSERT_EQ(got.size(), expected) << ws.error();
  for (const json& e : got) {
    EXPECT_EQ(e["data"]["agent"], mine.agent) << e.dump();
    EXPECT_EQ(e.dump().find(other.agent), std::string::npos) << e.dump();
  }
  // Nothing else was its own: the next message is the next write's.
  uint64_t before_marker = LastSeq();
  SetPresence(mine.agent, "not_ready");
  std::vector<json> next = Parse(ws.ReceiveTexts(1));
  ASSERT_EQ(next.size(), 1u) << ws.error();
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
  SetPresence(mine.agent, "ready");  // then its own event, as a marker
  std::vector<json> got = Parse(ws.ReceiveTexts(1));
  ASSERT_EQ(got.size(), 1u) << ws.error();
  EXPECT_NE(got[0]["type"], "interaction.created") << got[0].dump();
  EXPECT_EQ(got[0]["data"]["agent"], mine.agent) << got[0].dump();
}

TEST_F(Stream, AnAgentTiedByTheAgentRecordSeesItsEvents) {
  TestUser user = MakeUser({"agent"});  // no agent_id: the agent names the user
  std::string agent = Unique("agent");
  MakeAgent(agent, json{{"user_id", user.id}});
  WebSocketClient ws;
  ASSERT_EQ(Open(ws, "after=" + std::to_string(LastSeq()), user.token).status, 101);
  SetPresence(agent, "ready", user.token);
  std::vector<json> got = Parse(ws.ReceiveTexts(1));
  ASSERT_EQ(got.size(), 1u) << "the agent's own presence change never came; " << ws.error();
  EXPECT_EQ(got[0]["data"]["agent"], agent);
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
