#include "api/api_test_env.h"

#include <atomic>

namespace hotline::itest {

#ifndef HOTLINE_TEST_CENTER
#error "HOTLINE_TEST_CENTER (the path of test_center.yaml) must be defined by the build"
#endif

std::string TestCenterPath() { return HOTLINE_TEST_CENTER; }

std::unique_ptr<ServerProcess> ApiTest::server_;
std::unique_ptr<HttpClient> ApiTest::http_;
std::string ApiTest::admin_token_;
uint64_t ApiTest::admin_id_ = 0;
uint64_t ApiTest::seq_cursor_ = 0;

void ApiTest::SetUpTestSuite() {
  ServerProcess::Options options;
  options.config = TestCenterPath();
  server_ = std::make_unique<ServerProcess>(options);
  auto started = server_->Start();
  if (!started) {
    ADD_FAILURE() << started.message();
    server_.reset();
    return;
  }
  http_ = std::make_unique<HttpClient>(server_->port());
  seq_cursor_ = 0;
  HttpResponse login = http_->Post(
      "/api/v1/login", json{{"username", "admin"}, {"password", server_->AdminPassword()}}.dump());
  if (login.status != 200) {
    ADD_FAILURE() << "admin login: " << login.status << " " << login.body << http_->error();
    return;
  }
  admin_token_ = login.Json()["token"];
  admin_id_ = login.Json()["user"]["id"];
}

void ApiTest::TearDownTestSuite() {
  http_.reset();
  if (server_ && server_->running()) {
    int status = server_->Stop();
    EXPECT_EQ(status, 0) << "the server did not stop cleanly; log:\n" << server_->Log(8192);
  }
  server_.reset();
  admin_token_.clear();
}

::testing::AssertionResult ApiTest::Restart() {
  int status = server_->Stop();
  if (status != 0) {
    return ::testing::AssertionFailure() << "stop: exit status " << status << "; log:\n"
                                         << server_->Log(8192);
  }
  auto started = server_->Start();
  if (!started) return started;
  http_->SetPort(server_->port());
  return ::testing::AssertionSuccess();
}

void ApiTest::SetUp() {
  ASSERT_TRUE(server_ && server_->running()) << "the suite's server did not start";
  ASSERT_FALSE(admin_token_.empty()) << "the admin could not log in";
}

HttpResponse ApiTest::Get(const std::string& target, const std::string& token) {
  return http_->Get(target, token);
}

HttpResponse ApiTest::Post(const std::string& target, const json& body, const std::string& token) {
  return http_->Post(target, body.dump(), token);
}

HttpResponse ApiTest::PostText(const std::string& target, const std::string& body,
                               const std::string& token) {
  return http_->Post(target, body, token);
}

HttpResponse ApiTest::Put(const std::string& target, const json& body, const std::string& token) {
  return http_->Put(target, body.dump(), token);
}

HttpResponse ApiTest::Patch(const std::string& target, const json& body, const std::string& token) {
  return http_->Patch(target, body.dump(), token);
}

HttpResponse ApiTest::Delete(const std::string& target, const std::string& token) {
  return http_->Delete(target, token);
}

std::string ApiTest::Unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(++counter);
}

std::string ApiTest::Login(const std::string& username, const std::string& password) {
  HttpResponse r = Post("/api/v1/login", json{{"username", username}, {"password", password}}, "");
  EXPECT_EQ(r.status, 200) << "login " << username << ": " << r.body << http_->error();
  if (r.status != 200) return "";
  return r.Json()["token"];
}

TestUser ApiTest::MakeUser(const std::vector<std::string>& roles, const std::string& agent_id) {
  TestUser user;
  user.username = Unique("user");
  user.password = "correct horse " + user.username;
  json body = {{"username", user.username}, {"password", user.password}, {"roles", roles}};
  if (!agent_id.empty()) body["agent_id"] = agent_id;
  HttpResponse r = Post("/api/v1/users", body, admin_token_);
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return user;
  user.id = r.Json()["id"];
  user.token = Login(user.username, user.password);
  return user;
}

void ApiTest::MakeAgent(const std::string& id, const json& extra) {
  json body = {{"id", id}, {"capacity", {{"voice", 1}}}};
  body.update(extra);
  HttpResponse r = Post("/api/v1/agents", body, admin_token_);
  EXPECT_EQ(r.status, 201) << r.body;
}

Seat ApiTest::MakeSeat(const json& queue_extra) {
  Seat seat;
  seat.agent = Unique("agent");
  seat.queue = Unique("queue");
  MakeAgent(seat.agent);
  json queue = {{"id", seat.queue}, {"members", {seat.agent}}};
  queue.update(queue_extra);
  HttpResponse r = Post("/api/v1/queues", queue, admin_token_);
  EXPECT_EQ(r.status, 201) << r.body;
  seat.user = MakeUser({"agent"}, seat.agent);
  return seat;
}

void ApiTest::SetPresence(const std::string& agent, const std::string& presence,
                          const std::string& token) {
  HttpResponse r = Post("/api/v1/agents/" + agent + "/presence", json{{"presence", presence}},
                        token.empty() ? admin_token_ : token);
  EXPECT_EQ(r.status, 200) << agent << " " << presence << ": " << r.body;
}

uint64_t ApiTest::CreateInteraction(const std::string& queue, const json& extra) {
  json body = {{"queue", queue}, {"channel", "voice"}};
  body.update(extra);
  HttpResponse r = Post("/api/v1/interactions", body, admin_token_);
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return 0;
  return r.Json()["id"];
}

json ApiTest::Offers(const std::string& agent) {
  HttpResponse r = Get("/api/v1/agents/" + agent + "/offers", admin_token_);
  EXPECT_EQ(r.status, 200) << r.body;
  json offers = r.Json().value("offers", json::array());
  return offers;
}

uint64_t ApiTest::OnlyOffer(const std::string& agent) {
  json offers = Offers(agent);
  EXPECT_EQ(offers.size(), 1u) << agent << " has offers " << offers.dump();
  if (offers.size() != 1) return 0;
  return offers[0]["id"];
}

json ApiTest::Interaction(uint64_t id) {
  HttpResponse r = Get("/api/v1/interactions/" + std::to_string(id), admin_token_);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.Json();
}

uint64_t ApiTest::Connect(const Seat& seat) {
  SetPresence(seat.agent, "ready", seat.user.token);
  uint64_t id = CreateInteraction(seat.queue);
  uint64_t offer = OnlyOffer(seat.agent);
  HttpResponse r =
      Post("/api/v1/offers/" + std::to_string(offer) + "/accept", json::object(), seat.user.token);
  EXPECT_EQ(r.status, 200) << r.body;
  return id;
}

uint64_t ApiTest::Complete(const Seat& seat) {
  uint64_t id = Connect(seat);
  std::string path = "/api/v1/interactions/" + std::to_string(id);
  EXPECT_EQ(Post(path + "/end", json::object(), seat.user.token).status, 200);
  HttpResponse r = Post(path + "/wrapup", json{{"disposition", "resolved"}}, seat.user.token);
  EXPECT_EQ(r.status, 200) << r.body;
  return id;
}

uint64_t ApiTest::LastSeq() {
  while (true) {
    HttpResponse r =
        Get("/api/v1/events?after=" + std::to_string(seq_cursor_) + "&limit=1000", admin_token_);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return seq_cursor_;
    json page = r.Json();
    if (page["events"].empty()) return seq_cursor_;
    seq_cursor_ = page["next"];
  }
}

std::vector<json> ApiTest::EventsAfter(uint64_t seq) {
  std::vector<json> out;
  while (true) {
    HttpResponse r =
        Get("/api/v1/events?after=" + std::to_string(seq) + "&limit=1000", admin_token_);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    json page = r.Json();
    if (page["events"].empty()) return out;
    for (auto& e : page["events"]) out.push_back(e);
    seq = page["next"];
  }
}

void ApiTest::ExpectWrittenBy(uint64_t seq, uint64_t user_id) {
  std::vector<json> events = EventsAfter(seq);
  EXPECT_FALSE(events.empty()) << "no event after " << seq;
  std::string actor = "user:" + std::to_string(user_id);
  for (const json& e : events) EXPECT_EQ(e["actor"], actor) << e.dump();
}

void ApiTest::ExpectRefused(int status, const std::function<HttpResponse()>& request,
                            const std::string& code) {
  uint64_t before = LastSeq();
  HttpResponse r = request();
  EXPECT_EQ(r.status, status) << r.body << http_->error();
  json body = r.Json();
  ASSERT_TRUE(body.is_object() && body.contains("error")) << "not an error body: " << r.body;
  EXPECT_TRUE(body["error"]["code"].is_string()) << r.body;
  EXPECT_TRUE(body["error"]["message"].is_string()) << r.body;
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty()) << r.body;
  if (!code.empty()) {
    EXPECT_EQ(body["error"]["code"], code) << r.body;
  }
  EXPECT_EQ(LastSeq(), before) << "a refused request wrote events: "
                               << json(EventsAfter(before)).dump();
}

}  // namespace hotline::itest
