// The event log (/events), interval reports and the queue_log export: what readers get, in what
// order, and what they may not ask.
#include <string>

#include "api/api_test_env.h"

namespace hotline::itest {
namespace {

class Events : public ApiTest {};

TEST_F(Events, LogIsReadInOrderPageByPage) {
  Seat seat = MakeSeat();
  Complete(seat);
  HttpResponse first = Get("/api/v1/events?limit=3", admin());
  ASSERT_EQ(first.status, 200) << first.body;
  json page = first.Json();
  ASSERT_EQ(page["events"].size(), 3u);
  EXPECT_EQ(page["events"][0]["seq"], 1);
  EXPECT_EQ(page["events"][0]["type"], "center.loaded");
  EXPECT_EQ(page["events"][0]["actor"], "system");
  EXPECT_EQ(page["next"], page["events"][2]["seq"]);
  for (const auto& e : page["events"]) {
    EXPECT_TRUE(e["at"].is_string() && e["at"].get<std::string>().ends_with("Z")) << e.dump();
    EXPECT_TRUE(e["data"].is_object()) << e.dump();
  }
  HttpResponse second = Get("/api/v1/events?after=" + page["next"].dump() + "&limit=2", admin());
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.Json()["events"][0]["seq"], 4);

  std::vector<json> all = EventsAfter(0);
  ASSERT_GT(all.size(), 10u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i]["seq"], i + 1);
  // Past the end: nothing, and next stays.
  HttpResponse end = Get("/api/v1/events?after=" + std::to_string(all.size()), admin());
  EXPECT_TRUE(end.Json()["events"].empty());
  EXPECT_EQ(end.Json()["next"], all.size());
}

TEST_F(Events, ReadersMayReadTheLogAndAgentsMayNot) {
  EXPECT_EQ(Get("/api/v1/events?limit=1", MakeUser({"analyst"}).token).status, 200);
  EXPECT_EQ(Get("/api/v1/events?limit=1", MakeUser({"supervisor"}).token).status, 200);
  std::string agent = MakeSeat().user.token;
  EXPECT_REFUSED(403, Get("/api/v1/events", agent));
  EXPECT_REFUSED(401, Get("/api/v1/events", ""));
}

TEST_F(Events, BadCursorsAreRefused) {
  EXPECT_REFUSED(400, Get("/api/v1/events?after=abc", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/events?after=-1", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/events?limit=0", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/events?limit=many", admin()));
  HttpResponse big = Get("/api/v1/events?limit=999999", admin());
  EXPECT_EQ(big.status, 200) << "an over-large limit is capped";
}

class Reports : public ApiTest {};

TEST_F(Reports, IntervalsCountTodaysInteractions) {
  Seat seat = MakeSeat();
  Complete(seat);
  CreateInteraction(seat.queue);  // waiting
  HttpResponse r = Get("/api/v1/reports/intervals?queue=" + seat.queue + "&interval=1d",
                       MakeUser({"analyst"}).token);
  ASSERT_EQ(r.status, 200) << r.body;
  json report = r.Json();
  EXPECT_EQ(report["queue"], seat.queue);
  EXPECT_EQ(report["interval_s"], 86400.0);
  EXPECT_EQ(report["total"]["offered"], 2) << report.dump();
  EXPECT_EQ(report["total"]["answered"], 1) << report.dump();
  EXPECT_EQ(report["total"]["completed"], 1) << report.dump();
  ASSERT_FALSE(report["rows"].empty());
  EXPECT_TRUE(report["rows"][0]["start"].is_string());

  HttpResponse all = Get("/api/v1/reports/intervals", admin());
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json()["queue"], "all");
  EXPECT_GE(all.Json()["total"]["offered"].get<int>(), 2);
}

TEST_F(Reports, IntervalsAsCsvHaveAHeaderRow) {
  Seat seat = MakeSeat();
  Complete(seat);
  HttpResponse r = Get("/api/v1/reports/intervals?format=csv&queue=" + seat.queue, admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(r.body.rfind("start,end,queue,offered,answered,", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("," + seat.queue + ",1,1,"), std::string::npos) << r.body;
}

TEST_F(Reports, IntervalsRefuseBadParametersAndAgents) {
  EXPECT_REFUSED(400, Get("/api/v1/reports/intervals?interval=7m", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/reports/intervals?interval=soon", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/reports/intervals?queue=nowhere", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/reports/intervals?from=today", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/reports/intervals?from=2020-01-01T00:00:00Z", admin()));
  std::string agent = MakeSeat().user.token;
  EXPECT_REFUSED(403, Get("/api/v1/reports/intervals", agent));
}

TEST_F(Reports, QueueLogExportsAsteriskLines) {
  Seat seat = MakeSeat();
  uint64_t id = Complete(seat);
  HttpResponse r = Get("/api/v1/export/queue_log", MakeUser({"supervisor"}).token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").rfind("text/plain", 0), 0u);
  std::string call = "|" + std::to_string(id) + "|" + seat.queue + "|";
  EXPECT_NE(r.body.find(call + "NONE|ENTERQUEUE|"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(call + seat.agent + "|CONNECT|"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(call + seat.agent + "|COMPLETEAGENT|"), std::string::npos) << r.body;
  HttpResponse old =
      Get("/api/v1/export/queue_log?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z", admin());
  ASSERT_EQ(old.status, 200);
  EXPECT_TRUE(old.body.empty()) << old.body;
}

TEST_F(Reports, QueueLogRefusesBadRangesAndAgents) {
  EXPECT_REFUSED(400, Get("/api/v1/export/queue_log?from=x", admin()));
  EXPECT_REFUSED(400, Get("/api/v1/export/queue_log?to=2000-01-01T00:00:00Z", admin()));
  std::string agent = MakeSeat().user.token;
  EXPECT_REFUSED(403, Get("/api/v1/export/queue_log", agent));
}

}  // namespace
}  // namespace hotline::itest
