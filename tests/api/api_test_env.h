// The fixture of the API integration tests: one real `hotline serve` per test suite (started in
// SetUpTestSuite on a fresh data directory with test_center.yaml, stopped with SIGTERM in
// TearDownTestSuite, which expects exit code 0), an HTTP client to it, the admin's token, and
// helpers that build what a test needs through the API itself.
//
// Tests in one suite share the server, so each makes its own objects under names from Unique()
// (an agent with its own queue: MakeSeat) and never relies on another test's leftovers.
//
// Checks that apply to every route live here too: ExpectRefused (the status, the error body, and
// an event log that did not grow) and ExpectWrittenBy (the new events name the caller).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/server_process.h"

namespace hotline::itest {

using nlohmann::json;

// test_center.yaml (compile definition HOTLINE_TEST_CENTER).
std::string TestCenterPath();

// A user made by a test, logged in.
struct TestUser {
  uint64_t id = 0;
  std::string username;
  std::string password;
  std::string token;
};

// An agent of its own, the only member of a queue of its own, and a user with role agent acting
// as it: an interaction created in `queue` is offered to `agent` alone.
struct Seat {
  std::string agent;
  std::string queue;
  TestUser user;
};

class ApiTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

  // Stops the suite's server with SIGTERM (it must exit 0) and starts it again on the same data
  // directory; the client follows it to its new port.
  static ::testing::AssertionResult Restart();

  static ServerProcess& server() { return *server_; }
  static HttpClient& http() { return *http_; }
  static const std::string& admin() { return admin_token_; }
  static uint64_t admin_id() { return admin_id_; }

  // Requests; a json body is sent as its dump().
  static HttpResponse Get(const std::string& target, const std::string& token);
  static HttpResponse Post(const std::string& target, const json& body, const std::string& token);
  static HttpResponse PostText(const std::string& target, const std::string& body,
                               const std::string& token);
  static HttpResponse Put(const std::string& target, const json& body, const std::string& token);
  static HttpResponse Patch(const std::string& target, const json& body, const std::string& token);
  static HttpResponse Delete(const std::string& target, const std::string& token);

  // "prefix_N", unique in this run.
  static std::string Unique(const std::string& prefix);
  // POST /login; the token, or "" (with a test failure) when it is refused.
  static std::string Login(const std::string& username, const std::string& password);
  // Creates a user as admin, then logs it in.
  static TestUser MakeUser(const std::vector<std::string>& roles, const std::string& agent_id = "");
  // POST /agents {"id": id, "capacity": {"voice": 1}} merged with `extra`.
  static void MakeAgent(const std::string& id, const json& extra = json::object());
  // A new agent, its own queue (members: that agent; merged with `queue_extra`) and its user.
  static Seat MakeSeat(const json& queue_extra = json::object());
  // POST /agents/{agent}/presence as `token` (default: admin); expects 200.
  static void SetPresence(const std::string& agent, const std::string& presence,
                          const std::string& token = {});
  // POST /interactions in `queue` (voice unless `extra` says); the id (0 on failure).
  static uint64_t CreateInteraction(const std::string& queue, const json& extra = json::object());
  // GET /agents/{agent}/offers as admin: the offers.
  static json Offers(const std::string& agent);
  // The id of the agent's one pending offer (0, with a failure, when it has not exactly one).
  static uint64_t OnlyOffer(const std::string& agent);
  // GET /interactions/{id} as admin.
  static json Interaction(uint64_t id);
  // A seat's agent made ready, offered a new interaction and accepting it: the interaction.
  static uint64_t Connect(const Seat& seat);
  // Connect, then end and wrap up (resolved) as the seat's user: the completed interaction.
  static uint64_t Complete(const Seat& seat);

  // The last sequence number in the event log.
  static uint64_t LastSeq();
  // The events after `seq`, in order.
  static std::vector<json> EventsAfter(uint64_t seq);
  // Expects events after `seq`, every one with actor "user:<user_id>".
  static void ExpectWrittenBy(uint64_t seq, uint64_t user_id);
  // Sends the request; expects `status` with an {"error":{"code","message"}} body (and `code`
  // when given) and no new event in the log.
  static void ExpectRefused(int status, const std::function<HttpResponse()>& request,
                            const std::string& code = {});

 private:
  static std::unique_ptr<ServerProcess> server_;
  static std::unique_ptr<HttpClient> http_;
  static std::string admin_token_;
  static uint64_t admin_id_;
  static uint64_t seq_cursor_;
};

// EXPECT_REFUSED(409, Post(...)): ExpectRefused with the request's text in the failure trace.
#define EXPECT_REFUSED(status, request)                               \
  do {                                                                \
    SCOPED_TRACE(#request);                                           \
    ExpectRefused(status, [&]() -> HttpResponse { return request; }); \
  } while (0)

}  // namespace hotline::itest
