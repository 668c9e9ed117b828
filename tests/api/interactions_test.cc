// Interactions and offers through their whole life: create, offer, accept or reject (or time
// out), end, wrap up; cancel and patch while waiting; read, history and explain. Each refusal:
// 400 bad bodies, 403 another agent's work, 404 unknown ids, 409 the wrong state.
#include <string>

#include "api/api_test_env.h"
#include "support/wait.h"

namespace hotline::itest {
namespace {

std::string Path(uint64_t id, const std::string& action = "") {
  return "/api/v1/interactions/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
}

std::string OfferPath(uint64_t id, const std::string& action) {
  return "/api/v1/offers/" + std::to_string(id) + "/" + action;
}

bool HasEvent(const std::vector<json>& events, const std::string& type) {
  for (const auto& e : events) {
    if (e["type"] == type) return true;
  }
  return false;
}

// ---- create, read, history ----

class Interactions : public ApiTest {};

TEST_F(Interactions, CreateAnswersIdAndStateAndLogsTheCaller) {
  Seat seat = MakeSeat();
  uint64_t seq = LastSeq();
  HttpResponse r = Post("/api/v1/interactions",
                        json{{"channel", "voice"},
                             {"queue", seat.queue},
                             {"priority", 3},
                             {"attributes", {{"language", "zh"}, {"vip", true}}},
                             {"customer", {{"phone", "+886212345678"}}}},
                        admin());
  ASSERT_EQ(r.status, 201) << r.body;
  uint64_t id = r.Json()["id"];
  EXPECT_GT(id, 0u);
  EXPECT_EQ(r.Json()["state"], "queued");
  ExpectWrittenBy(seq, admin_id());
  std::vector<json> events = EventsAfter(seq);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["type"], "interaction.created");
  EXPECT_EQ(events[0]["data"]["customer"]["phone"], "+886212345678");

  json read = Interaction(id);
  EXPECT_EQ(read["id"], id);
  EXPECT_EQ(read["state"], "queued");
  EXPECT_EQ(read["queue"], seat.queue);
  EXPECT_EQ(read["channel"], "voice");
  EXPECT_EQ(read["priority"], 3);
  EXPECT_TRUE(read["agent"].is_null());
  EXPECT_EQ(read["attributes"]["language"], "zh");
  EXPECT_TRUE(read["created_at"].is_string());
  ASSERT_TRUE(read["events"].is_array());
  EXPECT_TRUE(HasEvent(read["events"].get<std::vector<json>>(), "interaction.queued"));

  // An agent may create one too (a call it places on the customer's behalf); it is logged as it.
  seq = LastSeq();
  HttpResponse by_agent = Post("/api/v1/interactions",
                               json{{"queue", seat.queue}, {"channel", "chat"}}, seat.user.token);
  EXPECT_EQ(by_agent.status, 201) << by_agent.body;
  ExpectWrittenBy(seq, seat.user.id);
}

TEST_F(Interactions, CreateRefusesUnknownQueuesAndChannels) {
  HttpResponse queue = Post("/api/v1/interactions", json{{"queue", "nowhere"}}, admin());
  EXPECT_EQ(queue.status, 400);
  EXPECT_EQ(queue.ErrorField(), "queue");
  EXPECT_REFUSED(400, Post("/api/v1/interactions", json{{"queue", "nowhere"}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/interactions", json{{"queue", "general"}, {"channel", "fax"}}, admin()));
  EXPECT_REFUSED(400, Post("/api/v1/interactions",
                           json{{"queue", "general"}, {"customer", {{"phone", 886}}}}, admin()));
  EXPECT_REFUSED(
      400, Post("/api/v1/interactions",
                json{{"queue", "general"}, {"attributes", {{"nested", {{"a", 1}}}}}}, admin()));
  std::string analyst = MakeUser({"analyst"}).token;
  EXPECT_REFUSED(403, Post("/api/v1/interactions", json{{"queue", "general"}}, analyst));
}

TEST_F(Interactions, AnAgentReadsOnlyTheInteractionsItIsOfferedOrHandles) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  uint64_t waiting = CreateInteraction(other.queue);
  EXPECT_REFUSED(403, Get(Path(waiting), mine.user.token));
  SetPresence(mine.agent, "ready");
  uint64_t offered = CreateInteraction(mine.queue);
  EXPECT_EQ(Get(Path(offered), mine.user.token).status, 200) << "its offer";
  EXPECT_REFUSED(403, Get(Path(offered), other.user.token));
  uint64_t offer = OnlyOffer(mine.agent);
  ASSERT_EQ(Post(OfferPath(offer, "accept"), json::object(), mine.user.token).status, 200);
  EXPECT_EQ(Get(Path(offered), mine.user.token).status, 200) << "it handles it";
  EXPECT_EQ(Get(Path(offered), MakeUser({"analyst"}).token).status, 200);
  EXPECT_REFUSED(404, Get(Path(99999999), admin()));
  EXPECT_REFUSED(404, Get("/api/v1/interactions/abc", admin()));
}

TEST_F(Interactions, HistoryFindsACustomersInteractions) {
  Seat seat = MakeSeat();
  std::string number = std::to_string(LastSeq());
  std::string phone = "+8869" + number;
  std::string query = "%2B8869" + number;  // '+' in a query is a space
  uint64_t first = CreateInteraction(seat.queue, json{{"customer", {{"phone", phone}}}});
  uint64_t second = CreateInteraction(seat.queue, json{{"customer", {{"phone", phone}}}});
  CreateInteraction(seat.queue, json{{"customer", {{"phone", "+1555"}}}});
  HttpResponse r = Get("/api/v1/interactions?customer=" + query, seat.user.token);
  ASSERT_EQ(r.status, 200) << r.body;
  json list = r.Json()["interactions"];
  ASSERT_EQ(list.size(), 2u) << list.dump();
  std::set<uint64_t> ids = {list[0]["id"].get<uint64_t>(), list[1]["id"].get<uint64_t>()};
  EXPECT_EQ(ids, (std::set<uint64_t>{first, second}));
  EXPECT_EQ(Get("/api/v1/interactions?customer=" + query + "&limit=1", admin())
                .Json()["interactions"]
                .size(),
            1u);
  EXPECT_TRUE(Get("/api/v1/interactions?customer=" + query +
                      "&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z",
                  admin())
                  .Json()["interactions"]
                  .empty());
  HttpResponse recent = Get("/api/v1/interactions", admin());
  ASSERT_EQ(recent.status, 200);
  EXPECT_GE(recent.Json()["interactions"].size(), 3u);
}

TEST_F(Interactions, HistoryRefusesBadFiltersAndAgentsWithoutACustomer) {
  Seat seat = MakeSeat();
  EXPECT_REFUSED(403, Get("/api/v1/interactions", seat.user.token));
  EXPECT_REFUSED(400, Get("/api/v1/interactions?from=yesterday", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/interactions?to=2024-13-01T00:00:00Z", admin()));
  EXPECT_REFUSED(
      400, Get("/api/v1/interactions?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/interactions?limit=0", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/interactions?limit=-3", admin()));
}

TEST_F(Interactions, PatchChangesPriorityAndAttributesWhileWaiting) {
  Seat seat = MakeSeat();
  uint64_t id = CreateInteraction(seat.queue, json{{"attributes", {{"language", "en"}}}});
  TestUser supervisor = MakeUser({"supervisor"});
  uint64_t seq = LastSeq();
  HttpResponse r = Patch(Path(id), json{{"priority", 7}, {"attributes", {{"language", "zh"}}}},
                         supervisor.token);
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectWrittenBy(seq, supervisor.id);
  std::vector<json> events = EventsAfter(seq);
  EXPECT_TRUE(HasEvent(events, "interaction.priority_changed"));
  EXPECT_TRUE(HasEvent(events, "interaction.attributes_changed"));
  json read = Interaction(id);
  EXPECT_EQ(read["priority"], 7);
  EXPECT_EQ(read["attributes"]["language"], "zh");
}

TEST_F(Interactions, PatchRefusals) {
  Seat seat = MakeSeat();
  uint64_t id = CreateInteraction(seat.queue);
  EXPECT_REFUSED(400, Patch(Path(id), json::object(), admin()));
  EXPECT_REFUSED(400, Patch(Path(id), json{{"priority", "high"}}, admin()));
  EXPECT_REFUSED(400, Patch(Path(id), json{{"priority", 1}, {"queue", "general"}}, admin()));
  EXPECT_REFUSED(400, Patch(Path(id), json{{"attributes", {{"a", {{"b", 1}}}}}}, admin()));
  EXPECT_REFUSED(404, Patch(Path(99999999), json{{"priority", 1}}, admin()));
  EXPECT_REFUSED(403, Patch(Path(id), json{{"priority", 1}}, seat.user.token));
  EXPECT_EQ(Interaction(id)["priority"], 0);
  uint64_t assigned = Connect(MakeSeat());
  EXPECT_REFUSED(409, Patch(Path(assigned), json{{"priority", 1}}, admin()));
  EXPECT_EQ(Interaction(assigned)["state"], "assigned");
}

TEST_F(Interactions, ExplainNamesEachCandidateAndWhyNot) {
  Seat seat = MakeSeat();
  uint64_t id = CreateInteraction(seat.queue);
  HttpResponse r = Get(Path(id, "explain"), MakeUser({"supervisor"}).token);
  ASSERT_EQ(r.status, 200) << r.body;
  json explain = r.Json();
  EXPECT_EQ(explain["interaction"], id);
  EXPECT_EQ(explain["queue"], seat.queue);
  bool found = false;
  for (const auto& c : explain["candidates"]) {
    if (c["agent"] == seat.agent) {
      found = true;
      EXPECT_TRUE(c["reason"].is_string());
      EXPECT_NE(c["reason"], "eligible") << c.dump();
    }
  }
  EXPECT_TRUE(found) << explain.dump();
  EXPECT_REFUSED(404, Get(Path(99999999, "explain"), admin()));
  EXPECT_REFUSED(403, Get(Path(id, "explain"), seat.user.token));
}

TEST_F(Interactions, CancelEndsAWaitingInteraction) {
  Seat seat = MakeSeat();
  uint64_t id = CreateInteraction(seat.queue);
  TestUser supervisor = MakeUser({"supervisor"});
  EXPECT_REFUSED(400, Post(Path(id, "cancel"), json{{"reason", "bored"}}, supervisor.token));
  EXPECT_REFUSED(400, Post(Path(id, "cancel"), json{{"why", "x"}}, supervisor.token));
  EXPECT_REFUSED(403, Post(Path(id, "cancel"), json::object(), seat.user.token));
  uint64_t seq = LastSeq();
  HttpResponse r = Post(Path(id, "cancel"), json{{"reason", "abandoned"}}, supervisor.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "abandoned");
  ExpectWrittenBy(seq, supervisor.id);
  EXPECT_EQ(Interaction(id)["state"], "abandoned");
  EXPECT_REFUSED(409, Post(Path(id, "cancel"), json::object(), admin()));
  EXPECT_REFUSED(404, Post(Path(99999999, "cancel"), json::object(), admin()));
}

TEST_F(Interactions, CancelingAConnectedInteractionIsAConflict) {
  Seat seat = MakeSeat();
  uint64_t id = Connect(seat);
  EXPECT_REFUSED(409, Post(Path(id, "cancel"), json::object(), admin()));
  EXPECT_EQ(Interaction(id)["state"], "assigned");
}

// ---- offers ----

class OfferAnswers : public ApiTest {};

TEST_F(OfferAnswers, AReadyAgentIsOfferedAndAcceptsAsItself) {
  Seat seat = MakeSeat();
  SetPresence(seat.agent, "ready", seat.user.token);
  uint64_t id = CreateInteraction(seat.queue, json{{"customer", {{"phone", "+886"}}}});
  HttpResponse offers = Get("/api/v1/agents/" + seat.agent + "/offers", seat.user.token);
  ASSERT_EQ(offers.status, 200) << offers.body;
  ASSERT_EQ(offers.Json()["offers"].size(), 1u) << offers.body;
  json offer = offers.Json()["offers"][0];
  EXPECT_EQ(offer["interaction"], id);
  EXPECT_EQ(offer["agent"], seat.agent);
  EXPECT_EQ(offer["queue"], seat.queue);
  EXPECT_EQ(offer["customer"]["phone"], "+886");
  EXPECT_TRUE(offer["deadline"].is_string());
  EXPECT_EQ(Interaction(id)["pending_offers"], json({offer["id"]}));

  uint64_t seq = LastSeq();
  HttpResponse accepted = Post(OfferPath(offer["id"], "accept"), json::object(), seat.user.token);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.Json()["state"], "accepted");
  ExpectWrittenBy(seq, seat.user.id);
  EXPECT_TRUE(HasEvent(EventsAfter(seq), "offer.accepted"));
  json read = Interaction(id);
  EXPECT_EQ(read["state"], "assigned");
  EXPECT_EQ(read["agent"], seat.agent);
  EXPECT_TRUE(Offers(seat.agent).empty());
}

TEST_F(OfferAnswers, AcceptingTwiceIsAConflict) {
  Seat seat = MakeSeat();
  SetPresence(seat.agent, "ready");
  CreateInteraction(seat.queue);
  uint64_t offer = OnlyOffer(seat.agent);
  ASSERT_EQ(Post(OfferPath(offer, "accept"), json::object(), seat.user.token).status, 200);
  HttpResponse again = Post(OfferPath(offer, "accept"), json::object(), seat.user.token);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.ErrorCode(), "failed_precondition");
  EXPECT_REFUSED(409, Post(OfferPath(offer, "accept"), json::object(), seat.user.token));
  EXPECT_REFUSED(409, Post(OfferPath(offer, "reject"), json::object(), seat.user.token));
}

TEST_F(OfferAnswers, AcceptingAfterTheOfferTimedOutIsAConflict) {
  Seat seat = MakeSeat(json{{"offer_timeout", "200ms"}});
  SetPresence(seat.agent, "ready");
  uint64_t created = LastSeq();
  uint64_t id = CreateInteraction(seat.queue);
  // The offer's id from the log: on a slow machine it may time out before a test could read
  // the agent's offers.
  uint64_t offer = 0;
  for (const json& e : EventsAfter(created)) {
    if (e["type"] == "interaction.offered" && e["data"]["interaction"] == id)
      offer = e["data"]["offer"];
  }
  ASSERT_NE(offer, 0u) << "never offered";
  auto timed_out = [&] {
    for (const json& e : EventsAfter(created)) {
      if (e["type"] == "offer.timed_out" && e["data"]["offer"] == offer) return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitUntil(timed_out, Millis(10'000))) << "the offer never timed out";
  for (const json& e : EventsAfter(created)) {
    if (e["type"] == "offer.timed_out") {
      EXPECT_EQ(e["actor"], "timer") << e.dump();
    }
  }
  EXPECT_TRUE(Offers(seat.agent).empty());
  EXPECT_REFUSED(409, Post(OfferPath(offer, "accept"), json::object(), seat.user.token));
  // One missed offer makes the agent not ready (test_center.yaml): the interaction waits.
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent, admin()).Json()["presence"], "not_ready");
  EXPECT_EQ(Interaction(id)["state"], "queued");
  EXPECT_EQ(Post(Path(id, "cancel"), json::object(), admin()).status, 200);
}

TEST_F(OfferAnswers, RejectingPutsTheInteractionBackInLine) {
  Seat seat = MakeSeat();
  SetPresence(seat.agent, "ready");
  uint64_t id = CreateInteraction(seat.queue);
  uint64_t offer = OnlyOffer(seat.agent);
  EXPECT_REFUSED(400, Post(OfferPath(offer, "reject"), json{{"reason", "tired"}}, seat.user.token));
  EXPECT_REFUSED(400, Post(OfferPath(offer, "reject"), json{{"reason", 1}}, seat.user.token));
  EXPECT_REFUSED(400, Post(OfferPath(offer, "accept"), json{{"reason", "busy"}}, seat.user.token));
  EXPECT_REFUSED(400, PostText(OfferPath(offer, "accept"), "{", seat.user.token));
  uint64_t seq = LastSeq();
  HttpResponse r = Post(OfferPath(offer, "reject"), json{{"reason", "busy"}}, seat.user.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "rejected");
  ExpectWrittenBy(seq, seat.user.id);
  EXPECT_TRUE(HasEvent(EventsAfter(seq), "offer.rejected"));
  EXPECT_EQ(Interaction(id)["state"], "queued");
  EXPECT_TRUE(Offers(seat.agent).empty()) << "a rejecting agent is not offered the same again";
  EXPECT_REFUSED(409, Post(OfferPath(offer, "reject"), json::object(), seat.user.token));
}

TEST_F(OfferAnswers, AnAgentCannotAnswerAnotherAgentsOffer) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  SetPresence(other.agent, "ready");
  CreateInteraction(other.queue);
  uint64_t offer = OnlyOffer(other.agent);
  EXPECT_REFUSED(403, Post(OfferPath(offer, "accept"), json::object(), mine.user.token));
  EXPECT_REFUSED(403, Post(OfferPath(offer, "reject"), json::object(), mine.user.token));
  EXPECT_REFUSED(403, Get("/api/v1/agents/" + other.agent + "/offers", mine.user.token));
  std::string supervisor = MakeUser({"supervisor"}).token;
  EXPECT_REFUSED(403, Post(OfferPath(offer, "accept"), json::object(), supervisor));
  EXPECT_EQ(Offers(other.agent).size(), 1u);
  // The admin answers on anyone's behalf.
  uint64_t seq = LastSeq();
  EXPECT_EQ(Post(OfferPath(offer, "accept"), json::object(), admin()).status, 200);
  ExpectWrittenBy(seq, admin_id());
}

TEST_F(OfferAnswers, UnknownOffersAndAgentsAreNotFound) {
  EXPECT_REFUSED(404, Post(OfferPath(99999999, "accept"), json::object(), admin()));
  EXPECT_REFUSED(404, Post(OfferPath(99999999, "reject"), json::object(), admin()));
  EXPECT_REFUSED(404, Post("/api/v1/offers/abc/accept", json::object(), admin()));
  EXPECT_REFUSED(404, Get("/api/v1/agents/" + Unique("none") + "/offers", admin()));
  Seat seat = MakeSeat();
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent + "/offers", MakeUser({"supervisor"}).token).status,
            200);
}

// ---- handling: end, wrap-up ----

class Handling : public ApiTest {};

TEST_F(Handling, EndThenWrapupCompletesWithDispositionAndNotes) {
  Seat seat = MakeSeat();
  uint64_t id = Connect(seat);
  uint64_t seq = LastSeq();
  HttpResponse ended = Post(Path(id, "end"), json::object(), seat.user.token);
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(ended.Json()["state"], "wrapping");
  ExpectWrittenBy(seq, seat.user.id);
  EXPECT_EQ(Get("/api/v1/agents/" + seat.agent, admin()).Json()["routing_state"], "wrapup");

  seq = LastSeq();
  HttpResponse done =
      Post(Path(id, "wrapup"), json{{"disposition", "resolved"}, {"notes", "客戶滿意 happy"}},
           seat.user.token);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["state"], "completed");
  ExpectWrittenBy(seq, seat.user.id);
  json read = Interaction(id);
  EXPECT_EQ(read["state"], "completed");
  EXPECT_EQ(read["disposition"], "resolved");
  EXPECT_EQ(read["notes"], "客戶滿意 happy");
  EXPECT_TRUE(read["ended_at"].is_string());
  EXPECT_TRUE(HasEvent(read["events"].get<std::vector<json>>(), "interaction.completed"));
}

TEST_F(Handling, WrapupNeedsAKnownDisposition) {
  Seat seat = MakeSeat();
  uint64_t id = Connect(seat);
  ASSERT_EQ(Post(Path(id, "end"), json::object(), seat.user.token).status, 200);
  EXPECT_REFUSED(400, Post(Path(id, "wrapup"), json::object(), seat.user.token));
  EXPECT_REFUSED(400, PostText(Path(id, "wrapup"), "", seat.user.token));
  EXPECT_REFUSED(400, Post(Path(id, "wrapup"), json{{"disposition", "sold"}}, seat.user.token));
  EXPECT_REFUSED(400, Post(Path(id, "wrapup"), json{{"disposition", 1}}, seat.user.token));
  EXPECT_REFUSED(400, Post(Path(id, "wrapup"), json{{"disposition", "resolved"}, {"notes", 5}},
                           seat.user.token));
  EXPECT_REFUSED(400, Post(Path(id, "wrapup"), json{{"disposition", "resolved"}, {"tags", "x"}},
                           seat.user.token));
  EXPECT_EQ(Interaction(id)["state"], "wrapping");
}

TEST_F(Handling, EndingOrWrappingUpInTheWrongStateIsAConflict) {
  Seat seat = MakeSeat();
  uint64_t queued = CreateInteraction(seat.queue);
  EXPECT_REFUSED(409, Post(Path(queued, "end"), json::object(), admin()));
  EXPECT_REFUSED(409, Post(Path(queued, "wrapup"), json{{"disposition", "resolved"}}, admin()));
  EXPECT_EQ(Post(Path(queued, "cancel"), json::object(), admin()).status, 200);

  uint64_t id = Connect(seat);
  EXPECT_REFUSED(409, Post(Path(id, "wrapup"), json{{"disposition", "resolved"}}, seat.user.token));
  ASSERT_EQ(Post(Path(id, "end"), json::object(), seat.user.token).status, 200);
  EXPECT_REFUSED(409, Post(Path(id, "end"), json::object(), seat.user.token));
  ASSERT_EQ(Post(Path(id, "wrapup"), json{{"disposition", "resolved"}}, seat.user.token).status,
            200);
  // Over: every further action is a conflict with its state, not a missing interaction.
  EXPECT_REFUSED(409, Post(Path(id, "wrapup"), json{{"disposition", "resolved"}}, seat.user.token));
  EXPECT_REFUSED(409, Post(Path(id, "end"), json::object(), seat.user.token));
  EXPECT_REFUSED(409, Post(Path(id, "cancel"), json::object(), admin()));
  EXPECT_REFUSED(409, Patch(Path(id), json{{"priority", 2}}, admin()));
}

TEST_F(Handling, AnAgentCannotEndOrWrapUpAnotherAgentsInteraction) {
  Seat mine = MakeSeat();
  Seat other = MakeSeat();
  uint64_t id = Connect(other);
  EXPECT_REFUSED(403, Post(Path(id, "end"), json::object(), mine.user.token));
  ASSERT_EQ(Post(Path(id, "end"), json::object(), other.user.token).status, 200);
  EXPECT_REFUSED(403, Post(Path(id, "wrapup"), json{{"disposition", "resolved"}}, mine.user.token));
  std::string supervisor = MakeUser({"supervisor"}).token;
  EXPECT_REFUSED(403, Post(Path(id, "wrapup"), json{{"disposition", "resolved"}}, supervisor));
  EXPECT_EQ(Interaction(id)["state"], "wrapping");
  EXPECT_REFUSED(404, Post(Path(99999999, "end"), json::object(), admin()));
  EXPECT_REFUSED(404, Post(Path(99999999, "wrapup"), json{{"disposition", "resolved"}}, admin()));
}

}  // namespace
}  // namespace hotline::itest
