// Skills, queues, dispositions and agents: the center document over HTTP. Create, read, replace,
// delete, and each refusal: a body the center file's checks refuse (400 naming the key), an id
// that exists (409), an unknown id (404), an object still used elsewhere (409).
#include <string>

#include "api/api_test_env.h"

namespace hotline::itest {
namespace {

bool ListHas(const json& list, const std::string& id) {
  for (const auto& item : list) {
    if (item.value("id", "") == id) return true;
  }
  return false;
}

// ---- skills ----

class Skills : public ApiTest {};

TEST_F(Skills, EveryRoleListsAndReadsSkills) {
  TestUser analyst = MakeUser({"analyst"});
  Seat seat = MakeSeat();
  for (const std::string& token : {admin(), analyst.token, seat.user.token}) {
    HttpResponse list = Get("/api/v1/skills", token);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_TRUE(ListHas(list.Json()["skills"], "general")) << list.body;
    EXPECT_TRUE(ListHas(list.Json()["skills"], "billing")) << list.body;
    HttpResponse one = Get("/api/v1/skills/general", token);
    ASSERT_EQ(one.status, 200);
    EXPECT_EQ(one.Json()["name"], "General enquiries");
  }
}

TEST_F(Skills, CreateReplaceDeleteAreLoggedAsTheAdmin) {
  std::string id = Unique("skill");
  uint64_t seq = LastSeq();
  HttpResponse created =
      Post("/api/v1/skills", json{{"id", id}, {"name", "Mandarin 國語"}}, admin());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["id"], id);
  EXPECT_EQ(created.Json()["name"], "Mandarin 國語");
  ExpectWrittenBy(seq, admin_id());
  std::vector<json> events = EventsAfter(seq);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["type"], "skill.created");
  EXPECT_EQ(events[0]["data"]["id"], id);

  EXPECT_EQ(Get("/api/v1/skills/" + id, admin()).Json()["name"], "Mandarin 國語");
  seq = LastSeq();
  HttpResponse replaced = Put("/api/v1/skills/" + id, json{{"name", "Mandarin"}}, admin());
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(Get("/api/v1/skills/" + id, admin()).Json()["name"], "Mandarin");
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(EventsAfter(seq)[0]["type"], "skill.updated");

  seq = LastSeq();
  HttpResponse deleted = Delete("/api/v1/skills/" + id, admin());
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.Json()["deleted"], id);
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(EventsAfter(seq)[0]["type"], "skill.deleted");
  EXPECT_EQ(Get("/api/v1/skills/" + id, admin()).status, 404);
  EXPECT_FALSE(ListHas(Get("/api/v1/skills", admin()).Json()["skills"], id));

  // The id may be used again.
  EXPECT_EQ(Post("/api/v1/skills", json{{"id", id}}, admin()).status, 201);
  EXPECT_EQ(Get("/api/v1/skills/" + id, admin()).status, 200);
}

TEST_F(Skills, CreateRefusesBadBodiesAndExistingIds) {
  EXPECT_REFUSED(400, Post("/api/v1/skills", json{{"name", "no id"}}, admin()));
  EXPECT_REFUSED(400, Post("/api/v1/skills", json{{"id", 12}}, admin()));
  EXPECT_REFUSED(400, Post("/api/v1/skills", json{{"id", ""}}, admin()));
  // Skill ids are read by expressions: letters, digits and _ only.
  EXPECT_REFUSED(400, Post("/api/v1/skills", json{{"id", "has-dash"}}, admin()));
  HttpResponse unknown = Post("/api/v1/skills", json{{"id", Unique("s")}, {"level", 3}}, admin());
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_NE(unknown.ErrorField().find("level"), std::string::npos) << unknown.body;
  EXPECT_REFUSED(
      400, Post("/api/v1/skills", json{{"id", Unique("s")}, {"name", {{"zh", "x"}}}}, admin()));
  HttpResponse exists = Post("/api/v1/skills", json{{"id", "general"}}, admin());
  EXPECT_EQ(exists.status, 409);
  EXPECT_EQ(exists.ErrorCode(), "already_exists");
  EXPECT_REFUSED(409, Post("/api/v1/skills", json{{"id", "general"}, {"name", "again"}}, admin()));
  EXPECT_EQ(Get("/api/v1/skills/general", admin()).Json()["name"], "General enquiries");
}

TEST_F(Skills, ReplaceRefusesUnknownIdsAndMismatchedBodies) {
  EXPECT_REFUSED(404, Put("/api/v1/skills/" + Unique("none"), json{{"name", "x"}}, admin()));
  EXPECT_REFUSED(400, Put("/api/v1/skills/general", json{{"id", "billing"}}, admin()));
  EXPECT_REFUSED(400, Put("/api/v1/skills/general", json{{"nam", "typo"}}, admin()));
  EXPECT_REFUSED(400, Put("/api/v1/skills/general", json::array(), admin()));
  EXPECT_EQ(Get("/api/v1/skills/general", admin()).Json()["name"], "General enquiries");
}

TEST_F(Skills, DeletingASkillStillUsedIsAConflict) {
  HttpResponse used = Delete("/api/v1/skills/general", admin());
  EXPECT_EQ(used.status, 409) << used.body;
  EXPECT_EQ(used.ErrorCode(), "failed_precondition");
  EXPECT_REFUSED(409, Delete("/api/v1/skills/general", admin()));
  std::string skill = Unique("skill");
  ASSERT_EQ(Post("/api/v1/skills", json{{"id", skill}}, admin()).status, 201);
  MakeAgent(Unique("agent"), json{{"skills", {{skill, 2}}}});
  EXPECT_REFUSED(409, Delete("/api/v1/skills/" + skill, admin()));
  EXPECT_EQ(Get("/api/v1/skills/" + skill, admin()).status, 200);
  EXPECT_REFUSED(404, Delete("/api/v1/skills/" + Unique("none"), admin()));
  EXPECT_REFUSED(404, Get("/api/v1/skills/" + Unique("none"), admin()));
}

// ---- dispositions ----

class Dispositions : public ApiTest {};

TEST_F(Dispositions, CreateReadReplaceDelete) {
  TestUser agent_user = MakeSeat().user;
  HttpResponse list = Get("/api/v1/dispositions", agent_user.token);
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(ListHas(list.Json()["dispositions"], "resolved"));

  std::string id = Unique("dispo");
  uint64_t seq = LastSeq();
  ASSERT_EQ(Post("/api/v1/dispositions", json{{"id", id}, {"name", "Sold"}}, admin()).status, 201);
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(Get("/api/v1/dispositions/" + id, agent_user.token).Json()["name"], "Sold");
  ASSERT_EQ(Put("/api/v1/dispositions/" + id, json{{"name", "Upsold"}}, admin()).status, 200);
  EXPECT_EQ(Get("/api/v1/dispositions/" + id, admin()).Json()["name"], "Upsold");
  seq = LastSeq();
  ASSERT_EQ(Delete("/api/v1/dispositions/" + id, admin()).status, 200);
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(Get("/api/v1/dispositions/" + id, admin()).status, 404);
}

TEST_F(Dispositions, RefusalsChangeNothing) {
  EXPECT_REFUSED(409, Post("/api/v1/dispositions", json{{"id", "resolved"}}, admin()));
  EXPECT_REFUSED(400, Post("/api/v1/dispositions", json{{"id", "x y"}}, admin()));
  EXPECT_REFUSED(400, Post("/api/v1/dispositions", json{{"id", Unique("d")}, {"x", 1}}, admin()));
  EXPECT_REFUSED(404, Put("/api/v1/dispositions/" + Unique("none"), json::object(), admin()));
  EXPECT_REFUSED(404, Delete("/api/v1/dispositions/" + Unique("none"), admin()));
  EXPECT_REFUSED(404, Get("/api/v1/dispositions/" + Unique("none"), admin()));
  EXPECT_REFUSED(400, Put("/api/v1/dispositions/resolved", json{{"name", json::array()}}, admin()));
}

// ---- queues ----

class Queues : public ApiTest {};

TEST_F(Queues, CreateReadReplaceDeleteAreLoggedAsTheAdmin) {
  std::string agent = Unique("agent");
  MakeAgent(agent);
  std::string id = Unique("queue");
  uint64_t seq = LastSeq();
  HttpResponse created = Post("/api/v1/queues",
                              json{{"id", id},
                                   {"name", "客服 Support"},
                                   {"members", {agent}},
                                   {"offer_timeout", "15s"},
                                   {"service_level", {{"threshold", "30s"}}}},
                              admin());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["members"], json({agent}));
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(EventsAfter(seq)[0]["type"], "queue.created");

  HttpResponse read = Get("/api/v1/queues/" + id, admin());
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.Json()["offer_timeout"], "15s");
  EXPECT_TRUE(ListHas(Get("/api/v1/queues", admin()).Json()["queues"], id));

  seq = LastSeq();
  HttpResponse replaced =
      Put("/api/v1/queues/" + id, json{{"members", {agent, "a1"}}, {"agent_order", "round_robin"}},
          admin());
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  ExpectWrittenBy(seq, admin_id());
  json now = Get("/api/v1/queues/" + id, admin()).Json();
  EXPECT_EQ(now["agent_order"], "round_robin");
  EXPECT_FALSE(now.contains("offer_timeout")) << "PUT replaces the whole queue";

  seq = LastSeq();
  ASSERT_EQ(Delete("/api/v1/queues/" + id, admin()).status, 200);
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(Get("/api/v1/queues/" + id, admin()).status, 404);
  EXPECT_EQ(Get("/api/v1/queues/" + id + "/stats", admin()).status, 404);
  EXPECT_FALSE(ListHas(Get("/api/v1/queues", admin()).Json()["queues"], id));
  // A deleted queue takes no interactions.
  EXPECT_REFUSED(400, Post("/api/v1/interactions", json{{"queue", id}}, admin()));
}

TEST_F(Queues, CreateRefusesWhatTheCenterFileRefuses) {
  HttpResponse member =
      Post("/api/v1/queues", json{{"id", Unique("q")}, {"members", {"nobody"}}}, admin());
  EXPECT_EQ(member.status, 400) << member.body;
  EXPECT_NE(member.ErrorField().find("members"), std::string::npos) << member.body;
  EXPECT_REFUSED(
      400, Post("/api/v1/queues", json{{"id", Unique("q")}, {"members", {"nobody"}}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/queues", json{{"id", Unique("q")}, {"agent_order", "fastest"}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/queues", json{{"id", Unique("q")}, {"offer_timeout", "-5s"}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/queues", json{{"id", Unique("q")}, {"requires", {{"no_such_skill", 1}}}},
                admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/queues", json{{"id", Unique("q")}, {"memberz", json::array()}}, admin()));
  EXPECT_REFUSED(409, Post("/api/v1/queues", json{{"id", "general"}}, admin()));
  EXPECT_REFUSED(404, Put("/api/v1/queues/" + Unique("none"), json::object(), admin()));
  EXPECT_REFUSED(400, Put("/api/v1/queues/general", json{{"lifo", "yes"}}, admin()));
  EXPECT_REFUSED(404, Get("/api/v1/queues/" + Unique("none"), admin()));
  EXPECT_REFUSED(404, Delete("/api/v1/queues/" + Unique("none"), admin()));
}

TEST_F(Queues, DeletingAQueueWithWaitingInteractionsIsAConflict) {
  Seat seat = MakeSeat();  // its agent is logged out: interactions wait
  uint64_t id = CreateInteraction(seat.queue);
  ASSERT_NE(id, 0u);
  HttpResponse r = Delete("/api/v1/queues/" + seat.queue, admin());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.ErrorCode(), "failed_precondition");
  EXPECT_REFUSED(409, Delete("/api/v1/queues/" + seat.queue, admin()));
  EXPECT_EQ(Get("/api/v1/queues/" + seat.queue, admin()).status, 200);
  ASSERT_EQ(Post("/api/v1/interactions/" + std::to_string(id) + "/cancel", json::object(), admin())
                .status,
            200);
  EXPECT_EQ(Delete("/api/v1/queues/" + seat.queue, admin()).status, 200);
}

TEST_F(Queues, DeletingAQueueWithAnInteractionInProgressIsAConflict) {
  Seat seat = MakeSeat();
  uint64_t id = Connect(seat);
  EXPECT_EQ(Interaction(id)["state"], "assigned");
  EXPECT_REFUSED(409, Delete("/api/v1/queues/" + seat.queue, admin()));
}

TEST_F(Queues, DeletingAQueueAnotherRefersToIsAConflict) {
  std::string target = Unique("queue");
  ASSERT_EQ(Post("/api/v1/queues", json{{"id", target}, {"members", {"a1"}}}, admin()).status, 201);
  std::string from = Unique("queue");
  ASSERT_EQ(
      Post("/api/v1/queues",
           json{{"id", from},
                {"members", {"a1"}},
                {"exceptions", {{{"when", {{"wait", "5m"}}}, {"do", {{"move_to", target}}}}}}},
           admin())
          .status,
      201);
  EXPECT_REFUSED(409, Delete("/api/v1/queues/" + target, admin()));
}

TEST_F(Queues, StatsShowWaitingInteractionsAndAgentStates) {
  Seat seat = MakeSeat();
  HttpResponse empty = Get("/api/v1/queues/" + seat.queue + "/stats", seat.user.token);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.Json()["waiting"], 0);
  EXPECT_EQ(empty.Json()["agents_ready"], 0);
  CreateInteraction(seat.queue);
  CreateInteraction(seat.queue);
  json stats = Get("/api/v1/queues/" + seat.queue + "/stats", admin()).Json();
  EXPECT_EQ(stats["queue"], seat.queue);
  EXPECT_EQ(stats["waiting"], 2);
  EXPECT_GE(stats["longest_wait_s"].get<double>(), 0.0);
  EXPECT_EQ(stats["offered"], 2);
  // Both still wait: KPI.md leaves them out of the denominators, so no service level yet.
  EXPECT_TRUE(stats["service_level"].is_null()) << stats.dump();
  EXPECT_TRUE(stats["abandon_rate"].is_null()) << stats.dump();
  EXPECT_DOUBLE_EQ(stats["service_level_target"].get<double>(), 0.8);  // the default
  EXPECT_GT(stats["service_level_threshold_s"].get<double>(), 0.0);
  for (const char* key : {"agents_ready", "agents_busy", "agents_wrapup", "agents_not_ready",
                          "answered", "abandoned", "service_level", "asa_s", "aht_s"}) {
    EXPECT_TRUE(stats.contains(key)) << key;
  }
  SetPresence(seat.agent, "ready");  // offered the first, which still waits until accepted
  ASSERT_EQ(Post("/api/v1/offers/" + std::to_string(OnlyOffer(seat.agent)) + "/accept",
                 json::object(), seat.user.token)
                .status,
            200);
  stats = Get("/api/v1/queues/" + seat.queue + "/stats", admin()).Json();
  EXPECT_EQ(stats["waiting"], 1) << stats.dump();
  EXPECT_EQ(stats["agents_busy"], 1) << stats.dump();
  EXPECT_REFUSED(404, Get("/api/v1/queues/" + Unique("none") + "/stats", admin()));
}

// ---- agents ----

class Agents : public ApiTest {};

TEST_F(Agents, CreateAndReplaceAreLoggedAndShowLiveState) {
  std::string id = Unique("agent");
  uint64_t seq = LastSeq();
  HttpResponse created = Post("/api/v1/agents",
                              json{{"id", id},
                                   {"name", "王小明"},
                                   {"skills", {{"general", 4}}},
                                   {"capacity", {{"chat", 2}}}},
                              admin());
  ASSERT_EQ(created.status, 201) << created.body;
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(EventsAfter(seq)[0]["type"], "agent.created");

  json agent = Get("/api/v1/agents/" + id, admin()).Json();
  EXPECT_EQ(agent["name"], "王小明");
  EXPECT_EQ(agent["skills"]["general"], 4);
  EXPECT_EQ(agent["presence"], "logged_out");
  EXPECT_TRUE(agent.contains("routing_state"));
  EXPECT_TRUE(agent["user_id"].is_null());

  seq = LastSeq();
  HttpResponse replaced =
      Put("/api/v1/agents/" + id, json{{"skills", {{"billing", 2}}}, {"capacity", {{"voice", 1}}}},
          admin());
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  ExpectWrittenBy(seq, admin_id());
  agent = Get("/api/v1/agents/" + id, admin()).Json();
  EXPECT_EQ(agent["skills"], json({{"billing", 2}}));
}

TEST_F(Agents, AnAgentSeesOnlyItselfAndStaffSeeEveryone) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  json own_list = Get("/api/v1/agents", mine.user.token).Json()["agents"];
  ASSERT_EQ(own_list.size(), 1u) << own_list.dump();
  EXPECT_EQ(own_list[0]["id"], mine.agent);
  EXPECT_EQ(own_list[0]["user_id"], mine.user.id);
  EXPECT_EQ(Get("/api/v1/agents/" + mine.agent, mine.user.token).status, 200);
  EXPECT_REFUSED(403, Get("/api/v1/agents/" + other.agent, mine.user.token));

  TestUser supervisor = MakeUser({"supervisor"});
  TestUser analyst = MakeUser({"analyst"});
  for (const std::string& token : {admin(), supervisor.token, analyst.token}) {
    json all = Get("/api/v1/agents", token).Json()["agents"];
    EXPECT_TRUE(ListHas(all, mine.agent) && ListHas(all, other.agent) && ListHas(all, "a1"));
    EXPECT_EQ(Get("/api/v1/agents/" + other.agent, token).status, 200);
  }
  EXPECT_REFUSED(404, Get("/api/v1/agents/" + Unique("none"), admin()));
}

TEST_F(Agents, CreateAndReplaceRefuseBadBodies) {
  EXPECT_REFUSED(409, Post("/api/v1/agents", json{{"id", "a1"}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/agents", json{{"id", Unique("ag")}, {"skills", {{"nope", 1}}}}, admin()));
  EXPECT_REFUSED(400, Post("/api/v1/agents",
                           json{{"id", Unique("ag")}, {"capacity", {{"voice", -1}}}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/agents", json{{"id", Unique("ag")}, {"capacity", {{"fax", 1}}}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/agents", json{{"id", Unique("ag")}, {"skils", json::object()}}, admin()));
  HttpResponse no_user =
      Post("/api/v1/agents", json{{"id", Unique("ag")}, {"user_id", 99999}}, admin());
  EXPECT_EQ(no_user.status, 400);
  EXPECT_EQ(no_user.ErrorField(), "user_id");
  EXPECT_REFUSED(400,
                 Post("/api/v1/agents", json{{"id", Unique("ag")}, {"user_id", "1"}}, admin()));
  EXPECT_REFUSED(404, Put("/api/v1/agents/" + Unique("none"), json::object(), admin()));
  EXPECT_REFUSED(400, Put("/api/v1/agents/a1", json{{"weight", 0}}, admin()));
  EXPECT_REFUSED(400, Put("/api/v1/agents/a1", json{{"id", "a2"}}, admin()));
}

TEST_F(Agents, AUserNamedByTheAgentRecordActsAsThatAgent) {
  TestUser user = MakeUser({"agent"});  // no agent_id
  std::string id = Unique("agent");
  MakeAgent(id, json{{"user_id", user.id}});
  EXPECT_EQ(Get("/api/v1/agents/" + id, user.token).status, 200);
  uint64_t seq = LastSeq();
  HttpResponse r =
      Post("/api/v1/agents/" + id + "/presence", json{{"presence", "ready"}}, user.token);
  EXPECT_EQ(r.status, 200) << r.body;
  ExpectWrittenBy(seq, user.id);
  EXPECT_REFUSED(403, Post("/api/v1/agents/a1/presence", json{{"presence", "ready"}}, user.token));
}

TEST_F(Agents, DeleteHidesALoggedOutAgentAndCreatingItAgainRevivesIt) {
  std::string id = Unique("agent");
  MakeAgent(id);
  uint64_t seq = LastSeq();
  HttpResponse deleted = Delete("/api/v1/agents/" + id, admin());
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(EventsAfter(seq)[0]["type"], "agent.deleted");
  EXPECT_EQ(Get("/api/v1/agents/" + id, admin()).status, 404);
  EXPECT_FALSE(ListHas(Get("/api/v1/agents", admin()).Json()["agents"], id));
  EXPECT_REFUSED(404,
                 Post("/api/v1/agents/" + id + "/presence", json{{"presence", "ready"}}, admin()));
  EXPECT_REFUSED(404, Get("/api/v1/agents/" + id + "/offers", admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users",
                           json{{"username", Unique("u")},
                                {"password", "a long enough password"},
                                {"roles", {"agent"}},
                                {"agent_id", id}},
                           admin()));
  EXPECT_REFUSED(404, Delete("/api/v1/agents/" + id, admin()));

  HttpResponse again =
      Post("/api/v1/agents", json{{"id", id}, {"skills", {{"general", 1}}}}, admin());
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Get("/api/v1/agents/" + id, admin()).Json()["presence"], "logged_out");
}

TEST_F(Agents, DeletingALoggedInOrLinkedAgentIsAConflictAndOnlyAdminsDelete) {
  std::string id = Unique("agent");
  MakeAgent(id);
  const std::string supervisor = MakeUser({"supervisor"}).token;
  EXPECT_REFUSED(403, Delete("/api/v1/agents/" + id, supervisor));
  EXPECT_REFUSED(401, Delete("/api/v1/agents/" + id, ""));
  SetPresence(id, "ready");
  EXPECT_REFUSED(409, Delete("/api/v1/agents/" + id, admin()));
  SetPresence(id, "logged_out");
  TestUser user = MakeUser({"agent"}, id);
  EXPECT_REFUSED(409, Delete("/api/v1/agents/" + id, admin()));
  ASSERT_EQ(Delete("/api/v1/users/" + std::to_string(user.id), admin()).status, 200);
  EXPECT_EQ(Delete("/api/v1/agents/" + id, admin()).status, 200);
  EXPECT_REFUSED(404, Delete("/api/v1/agents/" + Unique("none"), admin()));
}

// ---- presence ----

class Presence : public ApiTest {};

TEST_F(Presence, AnAgentSetsItsOwnPresenceWithAReason) {
  Seat seat = MakeSeat();
  uint64_t seq = LastSeq();
  HttpResponse r = Post("/api/v1/agents/" + seat.agent + "/presence",
                        json{{"presence", "not_ready"}, {"reason", "lunch"}}, seat.user.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["presence"], "not_ready");
  ExpectWrittenBy(seq, seat.user.id);
  json agent = Get("/api/v1/agents/" + seat.agent, seat.user.token).Json();
  EXPECT_EQ(agent["presence"], "not_ready");
  EXPECT_EQ(agent["reason"], "lunch");
  SetPresence(seat.agent, "ready", seat.user.token);
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent, admin()).Json()["presence"], "ready");
  SetPresence(seat.agent, "logged_out", seat.user.token);
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent, admin()).Json()["presence"], "logged_out");
}

TEST_F(Presence, SupervisorsMoveAnyAgentAndAgentsOnlyThemselves) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  TestUser supervisor = MakeUser({"supervisor"});
  uint64_t seq = LastSeq();
  SetPresence(other.agent, "ready", supervisor.token);
  ExpectWrittenBy(seq, supervisor.id);
  EXPECT_REFUSED(403, Post("/api/v1/agents/" + other.agent + "/presence",
                           json{{"presence", "logged_out"}}, mine.user.token));
  EXPECT_EQ(Get("/api/v1/agents/" + other.agent, admin()).Json()["presence"], "ready");
  TestUser analyst = MakeUser({"analyst"});
  EXPECT_REFUSED(403, Post("/api/v1/agents/" + other.agent + "/presence",
                           json{{"presence", "logged_out"}}, analyst.token));
  // An agent user with no agent acts as nobody.
  TestUser loose = MakeUser({"agent"});
  EXPECT_REFUSED(403, Post("/api/v1/agents/" + other.agent + "/presence",
                           json{{"presence", "logged_out"}}, loose.token));
}

TEST_F(Presence, BadBodiesAndUnknownAgentsAreRefused) {
  Seat seat = MakeSeat();
  std::string path = "/api/v1/agents/" + seat.agent + "/presence";
  EXPECT_REFUSED(400, Post(path, json{{"presence", "dancing"}}, seat.user.token));
  EXPECT_REFUSED(400, Post(path, json::object(), seat.user.token));
  EXPECT_REFUSED(400, Post(path, json{{"presence", true}}, seat.user.token));
  EXPECT_REFUSED(400, Post(path, json{{"presence", "ready"}, {"reason", 5}}, seat.user.token));
  EXPECT_REFUSED(400, Post(path, json{{"presence", "ready"}, {"mood", "ok"}}, seat.user.token));
  EXPECT_REFUSED(400, Post(path, json{{"presence", "ready"}, {"reason", std::string(65, 'r')}},
                           seat.user.token));
  EXPECT_REFUSED(400, PostText(path, "{\"presence\":", seat.user.token));
  EXPECT_REFUSED(404, Post("/api/v1/agents/" + Unique("none") + "/presence",
                           json{{"presence", "ready"}}, admin()));
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent, admin()).Json()["presence"], "logged_out");
}

TEST_F(Presence, LoggingOutWithAnInteractionInProgressIsAConflict) {
  Seat seat = MakeSeat();
  Connect(seat);
  HttpResponse r = Post("/api/v1/agents/" + seat.agent + "/presence",
                        json{{"presence", "logged_out"}}, seat.user.token);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.ErrorCode(), "failed_precondition");
  EXPECT_REFUSED(409, Post("/api/v1/agents/" + seat.agent + "/presence",
                           json{{"presence", "logged_out"}}, seat.user.token));
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent, admin()).Json()["presence"], "ready");
}

}  // namespace
}  // namespace hotline::itest
