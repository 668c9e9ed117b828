// SIGTERM stops the server cleanly (exit 0) and a new one on the same data directory carries on:
// agents' presence, waiting and connected interactions, users and their sessions are all there.
#include <string>

#include "api/api_test_env.h"
#include "support/websocket_client.h"

namespace hotline::itest {
namespace {

class ServerRestart : public ApiTest {};

TEST_F(ServerRestart, EverythingIsStillThereAfterACleanStop) {
  Seat ready = MakeSeat();
  SetPresence(ready.agent, "ready", ready.user.token);
  Seat busy = MakeSeat();  // logged out: its interactions wait
  uint64_t waiting1 = CreateInteraction(busy.queue, json{{"customer", {{"phone", "+88611"}}}});
  uint64_t waiting2 = CreateInteraction(busy.queue, json{{"priority", 4}});
  Seat wrapping = MakeSeat();
  uint64_t in_wrapup = Connect(wrapping);
  ASSERT_EQ(Post("/api/v1/interactions/" + std::to_string(in_wrapup) + "/end", json::object(),
                 wrapping.user.token)
                .status,
            200);
  std::string skill = Unique("skill");
  ASSERT_EQ(Post("/api/v1/skills", json{{"id", skill}}, admin()).status, 201);
  json users = Get("/api/v1/users", admin()).Json();
  json agents = Get("/api/v1/agents", admin()).Json();
  uint64_t head = LastSeq();
  std::string password = server().AdminPassword();

  // A stream client is told the server is going away.
  WebSocketClient ws;
  ASSERT_EQ(ws.Open(server().port(), "/api/v1/stream", admin()).status, 101);
  int status = server().Stop();
  EXPECT_EQ(status, 0) << server().Log(8192);
  std::optional<WebSocketMessage> bye = ws.Receive();
  ASSERT_TRUE(bye.has_value()) << ws.error();
  EXPECT_TRUE(bye->is_close());
  EXPECT_EQ(bye->close_code, 1001);

  ASSERT_TRUE(server().Start());
  http().SetPort(server().port());
  EXPECT_EQ(server().AdminPassword(), password) << "no second admin password";

  // Old tokens still work: sessions persist.
  EXPECT_EQ(Get("/api/v1/me", admin()).status, 200);
  EXPECT_EQ(Get("/api/v1/me", ready.user.token).Json()["username"], ready.user.username);
  EXPECT_EQ(Get("/api/v1/users", admin()).Json(), users);
  json agents_after = Get("/api/v1/agents", admin()).Json();
  ASSERT_EQ(agents_after["agents"].size(), agents["agents"].size());
  for (size_t i = 0; i < agents["agents"].size(); ++i) {
    EXPECT_EQ(agents_after["agents"][i]["presence"], agents["agents"][i]["presence"])
        << agents["agents"][i]["id"];
    EXPECT_EQ(agents_after["agents"][i]["routing_state"], agents["agents"][i]["routing_state"])
        << agents["agents"][i]["id"];
  }
  EXPECT_EQ(Get("/api/v1/agents/" + ready.agent, admin()).Json()["presence"], "ready");
  EXPECT_EQ(Get("/api/v1/skills/" + skill, admin()).status, 200);

  // Replaying the log added nothing to it and matched what was logged.
  EXPECT_EQ(LastSeq(), head);
  EXPECT_NE(Get("/metrics", "").body.find("hotline_replay_divergences 0\n"), std::string::npos);

  json stats = Get("/api/v1/queues/" + busy.queue + "/stats", admin()).Json();
  EXPECT_EQ(stats["waiting"], 2) << stats.dump();
  EXPECT_EQ(Interaction(waiting1)["state"], "queued");
  EXPECT_EQ(Interaction(waiting1)["customer"]["phone"], "+88611");
  EXPECT_EQ(Interaction(waiting2)["priority"], 4);
  EXPECT_EQ(Interaction(in_wrapup)["state"], "wrapping");

  // And work goes on where it stopped.
  uint64_t seq = LastSeq();
  HttpResponse done = Post("/api/v1/interactions/" + std::to_string(in_wrapup) + "/wrapup",
                           json{{"disposition", "resolved"}}, wrapping.user.token);
  EXPECT_EQ(done.status, 200) << done.body;
  ExpectWrittenBy(seq, wrapping.user.id);
  SetPresence(busy.agent, "ready", busy.user.token);
  EXPECT_EQ(OnlyOffer(busy.agent) != 0, true);
  EXPECT_EQ(Interaction(waiting2)["state"], "offering") << "the higher priority goes first";
}

TEST_F(ServerRestart, ADeletedUsersTokenDoesNotComeBackForANewUser) {
  TestUser doomed = MakeUser({"admin"});
  ASSERT_EQ(Delete("/api/v1/users/" + std::to_string(doomed.id), admin()).status, 200);
  TestUser next = MakeUser({"analyst"});
  EXPECT_NE(next.id, doomed.id) << "user ids are never reused: actors in the log name one user";
  ASSERT_TRUE(Restart());
  HttpResponse me = Get("/api/v1/me", doomed.token);
  EXPECT_EQ(me.status, 401) << "the deleted user's token opened: " << me.body;
  EXPECT_EQ(Get("/api/v1/me", next.token).Json()["id"], next.id);
}

TEST_F(ServerRestart, ALoggedOutTokenStaysLoggedOut) {
  TestUser user = MakeUser({"analyst"});
  ASSERT_EQ(Post("/api/v1/logout", json::object(), user.token).status, 204);
  ASSERT_TRUE(Restart());
  EXPECT_EQ(Get("/api/v1/me", user.token).status, 401);
}

TEST_F(ServerRestart, AStopWhileIdleExitsZeroAndRefusesNothingOnTheNextStart) {
  ASSERT_TRUE(Restart());
  ASSERT_TRUE(Restart());
  EXPECT_EQ(Get("/healthz", "").status, 200);
  EXPECT_EQ(Get("/api/v1/me", admin()).status, 200);
}

}  // namespace
}  // namespace hotline::itest
