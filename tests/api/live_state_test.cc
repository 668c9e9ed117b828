// The live state the UI loads: the interactions an agent holds and its presence time (GET
// /agents, /agents/{id}, with as_of_seq), the interactions waiting now (GET
// /interactions?state=waiting) and the center's settings (GET /center). Refusals: 400, 401,
// 403, 404.
#include <string>

#include "api/api_test_env.h"

namespace hotline::itest {
namespace {

std::string InteractionPath(uint64_t id, const std::string& action) {
  return "/api/v1/interactions/" + std::to_string(id) + "/" + action;
}

// The entry of `list` whose "id" is `id`, or null.
json Entry(const json& list, const json& id) {
  for (const auto& e : list) {
    if (e["id"] == id) return e;
  }
  return nullptr;
}

class AgentWork : public ApiTest {};

TEST_F(AgentWork, AnAgentHoldsItsConnectedThenWrappingInteraction) {
  Seat seat = MakeSeat();
  json idle = Get("/api/v1/agents/" + seat.agent, seat.user.token).Json();
  EXPECT_EQ(idle["interactions"], json::array());
  EXPECT_EQ(idle["as_of_seq"], LastSeq());

  uint64_t id = Connect(seat);
  json agent = Get("/api/v1/agents/" + seat.agent, seat.user.token).Json();
  ASSERT_EQ(agent["interactions"].size(), 1u) << agent.dump();
  json work = agent["interactions"][0];
  EXPECT_EQ(work["id"], id);
  EXPECT_EQ(work["state"], "assigned");
  EXPECT_EQ(work["channel"], "voice");
  EXPECT_EQ(work["queue"], seat.queue);
  EXPECT_EQ(work["since"], Interaction(id)["connected_at"]);
  EXPECT_EQ(agent["as_of_seq"], LastSeq());

  ASSERT_EQ(Post(InteractionPath(id, "end"), json::object(), seat.user.token).status, 200);
  json listed = Get("/api/v1/agents", admin()).Json();
  EXPECT_EQ(listed["as_of_seq"], LastSeq());
  work = Entry(listed["agents"], seat.agent)["interactions"][0];
  EXPECT_EQ(work["state"], "wrapping");
  EXPECT_EQ(work["since"], Interaction(id)["wrapup_at"]);
  EXPECT_EQ(work["connected_at"], Interaction(id)["connected_at"]);

  ASSERT_EQ(Post(InteractionPath(id, "wrapup"), json{{"disposition", "resolved"}}, seat.user.token)
                .status,
            200);
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent, admin()).Json()["interactions"], json::array());
}

TEST_F(AgentWork, AnOfferRingingTheAgentIsListedWithItsDeadline) {
  Seat seat = MakeSeat();
  SetPresence(seat.agent, "ready");
  uint64_t id = CreateInteraction(seat.queue);
  json offers = Offers(seat.agent);
  ASSERT_EQ(offers.size(), 1u) << offers.dump();
  json offer = offers[0];
  json listed = Get("/api/v1/agents/" + seat.agent, seat.user.token).Json()["interactions"];
  ASSERT_EQ(listed.size(), 1u) << listed.dump();
  EXPECT_EQ(listed[0]["id"], id);
  EXPECT_EQ(listed[0]["state"], "offered");
  EXPECT_EQ(listed[0]["channel"], "voice");
  EXPECT_EQ(listed[0]["queue"], seat.queue);
  EXPECT_EQ(listed[0]["offer"], offer["id"]);
  EXPECT_EQ(listed[0]["since"], offer["offered_at"]);
  EXPECT_EQ(listed[0]["deadline"], offer["deadline"]);
}

TEST_F(AgentWork, PresenceSinceIsTheLastPresenceChangeNotTheRoutingState) {
  Seat seat = MakeSeat();
  std::string path = "/api/v1/agents/" + seat.agent;
  SetPresence(seat.agent, "ready");
  json ready = Get(path, admin()).Json();
  std::vector<json> events = EventsAfter(0);
  std::string changed_at;
  for (const auto& e : events) {
    if (e["type"] == "agent.presence_changed" && e["data"]["agent"] == seat.agent) {
      changed_at = e["at"];
    }
  }
  EXPECT_EQ(ready["presence_since"], changed_at);

  Connect(seat);  // the routing state changes; the presence does not
  json busy = Get(path, admin()).Json();
  EXPECT_EQ(busy["routing_state"], "busy");
  EXPECT_EQ(busy["presence_since"], ready["presence_since"]);
  EXPECT_NE(busy["state_since"], ready["state_since"]);
}

TEST_F(AgentWork, RefusalsAreThoseOfTheAgentRoutes) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  EXPECT_REFUSED(401, Get("/api/v1/agents/" + mine.agent, ""));
  EXPECT_REFUSED(403, Get("/api/v1/agents/" + other.agent, mine.user.token));
  EXPECT_REFUSED(404, Get("/api/v1/agents/" + Unique("none"), admin()));
}

class WaitingNow : public ApiTest {};

TEST_F(WaitingNow, ListsTheWaitingOldestFirstWithTheirCustomer) {
  Seat seat = MakeSeat();
  uint64_t first = CreateInteraction(seat.queue, json{{"customer", {{"phone", "+886211112222"}}},
                                                      {"attributes", {{"vip", true}}}});
  uint64_t second = CreateInteraction(seat.queue, json{{"priority", 5}, {"channel", "chat"}});
  std::string path = "/api/v1/interactions?state=waiting&queue=" + seat.queue;
  json page = Get(path, admin()).Json();
  EXPECT_EQ(page["as_of_seq"], LastSeq());
  json list = page["interactions"];
  ASSERT_EQ(list.size(), 2u) << list.dump();
  EXPECT_EQ(list[0]["id"], first);
  EXPECT_EQ(list[1]["id"], second);
  EXPECT_EQ(list[0]["queue"], seat.queue);
  EXPECT_EQ(list[0]["state"], "queued");
  EXPECT_EQ(list[0]["channel"], "voice");
  EXPECT_EQ(list[0]["customer"]["phone"], "+886211112222");
  EXPECT_EQ(list[0]["attributes"]["vip"], true);
  EXPECT_EQ(list[1]["priority"], 5);
  EXPECT_EQ(list[1]["channel"], "chat");
  EXPECT_EQ(list[0]["waiting_since"], Interaction(first)["created_at"]);
  EXPECT_LE(list[0]["waiting_since"].get<std::string>(),
            list[1]["waiting_since"].get<std::string>());

  // Offered is still waiting; connected is not.
  SetPresence(seat.agent, "ready");
  list = Get(path, admin()).Json()["interactions"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["state"], "offering");
  ASSERT_EQ(Post("/api/v1/offers/" + std::to_string(OnlyOffer(seat.agent)) + "/accept",
                 json::object(), seat.user.token)
                .status,
            200);
  list = Get(path, admin()).Json()["interactions"];
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["id"], second);

  // Without ?queue=, every queue's: this one's included.
  json all = Get("/api/v1/interactions?state=waiting", admin()).Json()["interactions"];
  EXPECT_FALSE(Entry(all, second).is_null());
  EXPECT_TRUE(Entry(all, first).is_null());
}

TEST_F(WaitingNow, ReadersMayListAndAgentsMayNot) {
  Seat seat = MakeSeat();
  TestUser supervisor = MakeUser({"supervisor"});
  TestUser analyst = MakeUser({"analyst"});
  EXPECT_EQ(Get("/api/v1/interactions?state=waiting", supervisor.token).status, 200);
  EXPECT_EQ(Get("/api/v1/interactions?state=waiting", analyst.token).status, 200);
  EXPECT_REFUSED(403, Get("/api/v1/interactions?state=waiting", seat.user.token));
  EXPECT_REFUSED(401, Get("/api/v1/interactions?state=waiting", ""));
  EXPECT_REFUSED(400, Get("/api/v1/interactions?state=done", admin()));
  EXPECT_REFUSED(404, Get("/api/v1/interactions?state=waiting&queue=" + Unique("none"), admin()));
}

class CenterInfo : public ApiTest {};

TEST_F(CenterInfo, EveryRoleReadsTheNameOffsetAndDefaults) {
  Seat seat = MakeSeat();
  TestUser analyst = MakeUser({"analyst"});
  for (const std::string& token : {admin(), seat.user.token, analyst.token}) {
    HttpResponse r = Get("/api/v1/center", token);
    ASSERT_EQ(r.status, 200) << r.body;
    json center = r.Json();
    // test_center.yaml: no utc_offset, offers wait 10 minutes, discretionary wrap-up without end.
    EXPECT_EQ(center["name"], "API test center");
    EXPECT_EQ(center["utc_offset"], "+00:00");
    EXPECT_EQ(center["utc_offset_minutes"], 0);
    EXPECT_EQ(center["offer_timeout_s"], 600);
    EXPECT_EQ(center["max_missed_offers"], 1);
    EXPECT_EQ(center["wrapup"], json({{"mode", "discretionary"}, {"duration_s", 0}}));
  }
  EXPECT_REFUSED(401, Get("/api/v1/center", ""));
  EXPECT_REFUSED(401, Get("/api/v1/center", "not-a-token"));
}

TEST_F(CenterInfo, TheNewRoutesAreInTheOpenApiDocument) {
  json doc = Get("/api/v1/openapi.json", "").Json();
  EXPECT_EQ(doc["paths"]["/center"]["get"]["x-roles"], "admin, supervisor, agent, analyst");
  EXPECT_NE(doc["paths"]["/interactions"]["get"]["summary"].get<std::string>().find("waiting"),
            std::string::npos);
}

}  // namespace
}  // namespace hotline::itest
