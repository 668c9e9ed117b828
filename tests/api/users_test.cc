// Users (admin only): create, read, change, delete, and what each refusal protects.
#include <filesystem>
#include <string>

#include "api/api_test_env.h"

namespace hotline::itest {
namespace {

class Users : public ApiTest {};

TEST_F(Users, FirstStartMadeOneAdminUser) {
  HttpResponse list = Get("/api/v1/users", admin());
  ASSERT_EQ(list.status, 200) << list.body;
  json admin_user = list.Json()["users"][0];
  EXPECT_EQ(admin_user["id"], 1);
  EXPECT_EQ(admin_user["username"], "admin");
  EXPECT_EQ(admin_user["roles"], json({"admin"}));
  EXPECT_EQ(list.body.find("password"), std::string::npos) << "no hash in any answer";
  // Its password is in a file only the server's user may read.
  auto file = server().data_dir() / "initial-admin-password";
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_GE(server().AdminPassword().size(), 10u);
}

TEST_F(Users, CreateReadChangeDeleteAreLoggedAsTheAdmin) {
  std::string name = Unique("user");
  uint64_t seq = LastSeq();
  HttpResponse created = Post(
      "/api/v1/users",
      json{{"username", name}, {"password", "a long enough password"}, {"roles", {"supervisor"}}},
      admin());
  ASSERT_EQ(created.status, 201) << created.body;
  uint64_t id = created.Json()["id"];
  EXPECT_EQ(created.Json()["username"], name);
  EXPECT_EQ(created.body.find("argon2"), std::string::npos);
  ExpectWrittenBy(seq, admin_id());
  ASSERT_FALSE(EventsAfter(seq).empty());
  EXPECT_EQ(EventsAfter(seq)[0]["type"], "user.created");
  EXPECT_EQ(EventsAfter(seq)[0]["data"].count("password_hash"), 0u) << "no hash in the log";

  std::string path = "/api/v1/users/" + std::to_string(id);
  HttpResponse read = Get(path, admin());
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.Json()["roles"], json({"supervisor"}));
  EXPECT_TRUE(read.Json()["agent_id"].is_null());

  std::string old_token = Login(name, "a long enough password");
  seq = LastSeq();
  HttpResponse changed = Put(path, json{{"roles", {"analyst"}}}, admin());
  ASSERT_EQ(changed.status, 200) << changed.body;
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(Get(path, admin()).Json()["roles"], json({"analyst"}));
  // The role change applies at once to sessions opened before it.
  EXPECT_EQ(Get("/api/v1/events?limit=1", old_token).status, 200) << "analysts read the log";
  EXPECT_EQ(Post("/api/v1/skills", json{{"id", Unique("s")}}, old_token).status, 403);

  seq = LastSeq();
  ASSERT_EQ(Put(path, json{{"password", "another long password"}}, admin()).status, 200);
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(
      Post("/api/v1/login", json{{"username", name}, {"password", "a long enough password"}}, "")
          .status,
      401);
  std::string token = Login(name, "another long password");
  EXPECT_EQ(Get("/api/v1/me", token).status, 200);

  seq = LastSeq();
  HttpResponse deleted = Delete(path, admin());
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  ExpectWrittenBy(seq, admin_id());
  EXPECT_EQ(Get(path, admin()).status, 404);
  EXPECT_EQ(Get("/api/v1/me", token).status, 401) << "a deleted user's sessions end";
  EXPECT_EQ(
      Post("/api/v1/login", json{{"username", name}, {"password", "another long password"}}, "")
          .status,
      401);
}

TEST_F(Users, AUserMayBeTiedToAnAgent) {
  std::string agent = Unique("agent");
  MakeAgent(agent);
  TestUser user = MakeUser({"agent"}, agent);
  json read = Get("/api/v1/users/" + std::to_string(user.id), admin()).Json();
  EXPECT_EQ(read["agent_id"], agent);
  EXPECT_EQ(Get("/api/v1/me", user.token).Json()["agent_id"], agent);
  // Untied: it acts as nobody.
  ASSERT_EQ(
      Put("/api/v1/users/" + std::to_string(user.id), json{{"agent_id", nullptr}}, admin()).status,
      200);
  EXPECT_TRUE(
      Get("/api/v1/users/" + std::to_string(user.id), admin()).Json()["agent_id"].is_null());
  EXPECT_EQ(
      Post("/api/v1/agents/" + agent + "/presence", json{{"presence", "ready"}}, user.token).status,
      403);
}

TEST_F(Users, CreateRefusesBadBodies) {
  auto body = [](json extra) {
    json b = {
        {"username", Unique("user")}, {"password", "a long enough password"}, {"roles", {"agent"}}};
    b.update(extra);
    return b;
  };
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"password", "short"}}), admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"roles", {"boss"}}}), admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"roles", json::array()}}), admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"roles", "admin"}}), admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"roles", {1}}}), admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"agent_id", "nobody"}}), admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"email", "x@example.com"}}), admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", json{{"username", Unique("user")}}, admin()));
  EXPECT_REFUSED(400, Post("/api/v1/users", body({{"username", 3}}), admin()));
  HttpResponse taken = Post("/api/v1/users", body({{"username", "admin"}}), admin());
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.ErrorCode(), "already_exists");
  EXPECT_REFUSED(409, Post("/api/v1/users", body({{"username", "admin"}}), admin()));
}

TEST_F(Users, ChangeAndDeleteRefuseUnknownUsersAndConflicts) {
  TestUser user = MakeUser({"analyst"});
  std::string path = "/api/v1/users/" + std::to_string(user.id);
  EXPECT_REFUSED(404, Get("/api/v1/users/999999", admin()));
  EXPECT_REFUSED(404, Get("/api/v1/users/abc", admin()));
  EXPECT_REFUSED(404, Put("/api/v1/users/999999", json{{"roles", {"agent"}}}, admin()));
  EXPECT_REFUSED(404, Delete("/api/v1/users/999999", admin()));
  EXPECT_REFUSED(409, Put(path, json{{"username", "admin"}}, admin()));
  EXPECT_REFUSED(400, Put(path, json{{"roles", json::array()}}, admin()));
  EXPECT_REFUSED(400, Put(path, json{{"password", "short"}}, admin()));
  EXPECT_REFUSED(400, Put(path, json{{"nickname", "x"}}, admin()));
  HttpResponse self = Delete("/api/v1/users/" + std::to_string(admin_id()), admin());
  EXPECT_EQ(self.status, 409) << self.body;
  EXPECT_REFUSED(409, Delete("/api/v1/users/" + std::to_string(admin_id()), admin()));
  EXPECT_EQ(Get(path, admin()).Json()["roles"], json({"analyst"}));
}

TEST_F(Users, OnlyAdminsManageUsers) {
  TestUser supervisor = MakeUser({"supervisor"});
  EXPECT_REFUSED(403, Get("/api/v1/users", supervisor.token));
  EXPECT_REFUSED(403, Post("/api/v1/users",
                           json{{"username", Unique("user")},
                                {"password", "a long enough password"},
                                {"roles", {"admin"}}},
                           supervisor.token));
  EXPECT_REFUSED(403, Put("/api/v1/users/" + std::to_string(supervisor.id),
                          json{{"roles", {"admin"}}}, supervisor.token));
  EXPECT_REFUSED(403, Delete("/api/v1/users/1", supervisor.token));
  EXPECT_EQ(Get("/api/v1/users/" + std::to_string(supervisor.id), admin()).Json()["roles"],
            json({"supervisor"}));
}

}  // namespace
}  // namespace hotline::itest
