// Login, logout, /me, login throttling, and how request bodies are read: malformed JSON, wrong
// types, unknown fields and a body over 1 MiB are refused and change nothing.
#include <string>

#include "api/api_test_env.h"

namespace hotline::itest {
namespace {

class Auth : public ApiTest {};

TEST_F(Auth, LoginAnswersTokenAndUserAndTheTokenOpensMe) {
  TestUser user = MakeUser({"supervisor", "analyst"});
  HttpResponse r =
      Post("/api/v1/login", json{{"username", user.username}, {"password", user.password}}, "");
  ASSERT_EQ(r.status, 200) << r.body;
  json body = r.Json();
  ASSERT_TRUE(body["token"].is_string());
  EXPECT_GE(body["token"].get<std::string>().size(), 20u);
  EXPECT_EQ(body["user"]["id"], user.id);
  EXPECT_EQ(body["user"]["username"], user.username);
  EXPECT_EQ(body["user"]["roles"], json({"supervisor", "analyst"}));
  EXPECT_TRUE(body["expires_at"].is_string());
  EXPECT_EQ(body["user"].count("password_hash"), 0u);

  HttpResponse me = Get("/api/v1/me", body["token"]);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["id"], user.id);
  EXPECT_EQ(me.Json()["username"], user.username);
  EXPECT_EQ(me.body.find("argon2"), std::string::npos) << "no password hash in any answer";
}

TEST_F(Auth, WrongPasswordAndUnknownUserAreUnauthorizedAlike) {
  TestUser user = MakeUser({"analyst"});
  HttpResponse wrong =
      Post("/api/v1/login", json{{"username", user.username}, {"password", "wrong password!"}}, "");
  HttpResponse unknown = Post(
      "/api/v1/login", json{{"username", Unique("nobody")}, {"password", "wrong password!"}}, "");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.ErrorCode(), "unauthenticated");
  EXPECT_EQ(wrong.Json()["error"]["message"], unknown.Json()["error"]["message"])
      << "the answer must not tell whether the user exists";
}

TEST_F(Auth, LoginBodyErrorsNameTheField) {
  EXPECT_REFUSED(400, Post("/api/v1/login", json{{"username", "admin"}}, ""));
  EXPECT_EQ(Post("/api/v1/login", json{{"username", "admin"}}, "").ErrorField(), "password");
  EXPECT_REFUSED(400, Post("/api/v1/login", json{{"username", 7}, {"password", "x"}}, ""));
  EXPECT_EQ(Post("/api/v1/login", json{{"username", 7}, {"password", "x"}}, "").ErrorField(),
            "username");
  HttpResponse extra =
      Post("/api/v1/login", json{{"username", "admin"}, {"password", "x"}, {"remember", true}}, "");
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(extra.ErrorField(), "remember");
  EXPECT_REFUSED(400, PostText("/api/v1/login", "", ""));
  EXPECT_REFUSED(400, PostText("/api/v1/login", "[1,2]", ""));
}

TEST_F(Auth, FiveBadPasswordsLockTheUserOutWithRetryAfter) {
  TestUser user = MakeUser({"analyst"});
  json bad = {{"username", user.username}, {"password", "not the password"}};
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = Post("/api/v1/login", bad, "");
    ASSERT_EQ(r.status, 401) << "attempt " << i + 1 << ": " << r.body;
  }
  HttpResponse locked = Post("/api/v1/login", bad, "");
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(locked.ErrorCode(), "resource_exhausted");
  int retry_after = std::atoi(locked.Header("retry-after").c_str());
  EXPECT_GE(retry_after, 1) << "Retry-After: '" << locked.Header("retry-after") << "'";
  EXPECT_LE(retry_after, 15 * 60);
  // Even the right password waits out the lockout.
  HttpResponse right =
      Post("/api/v1/login", json{{"username", user.username}, {"password", user.password}}, "");
  EXPECT_EQ(right.status, 429) << right.body;
  // Other users are not locked out.
  EXPECT_FALSE(Login("admin", server().AdminPassword()).empty());
}

TEST_F(Auth, LogoutEndsTheSessionAndOnlyThatOne) {
  TestUser user = MakeUser({"analyst"});
  std::string second = Login(user.username, user.password);
  HttpResponse out = Post("/api/v1/logout", json::object(), user.token);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_TRUE(out.body.empty());
  HttpResponse after = Get("/api/v1/me", user.token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.ErrorCode(), "unauthenticated");
  EXPECT_EQ(Get("/api/v1/me", second).status, 200) << "the other session stays";
  EXPECT_EQ(Post("/api/v1/logout", json::object(), user.token).status, 401);
}

TEST_F(Auth, MeNeedsAValidBearerToken) {
  EXPECT_REFUSED(401, Get("/api/v1/me", ""));
  EXPECT_REFUSED(401, Get("/api/v1/me", admin() + "x"));
  EXPECT_REFUSED(401, Get("/api/v1/me", admin().substr(0, admin().size() - 1)));
  HttpRequest lower;
  lower.target = "/api/v1/me";
  lower.headers.emplace_back("Authorization", "bearer " + admin());
  EXPECT_EQ(http().Send(lower).status, 200) << "the scheme is case-insensitive";
  // A query token is for the WebSocket only.
  EXPECT_EQ(Get("/api/v1/me?token=" + admin(), "").status, 401);
}

TEST_F(Auth, MalformedJsonIsRefusedWithTheByteOffset) {
  HttpResponse r = PostText("/api/v1/skills", R"({"id": "x",)", admin());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.ErrorCode(), "invalid_argument");
  EXPECT_EQ(r.ErrorField(), "body");
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("byte"), std::string::npos)
      << r.body;
  EXPECT_REFUSED(400, PostText("/api/v1/skills", "{'id': 'x'}", admin()));
  EXPECT_REFUSED(400, PostText("/api/v1/skills", "\"just a string\"", admin()));
  EXPECT_REFUSED(400,
                 PostText("/api/v1/interactions", "{\"queue\": \"general\"} trailing", admin()));
  EXPECT_REFUSED(400, PostText("/api/v1/interactions", "", admin()));
}

TEST_F(Auth, WrongTypesAndUnknownFieldsAreRefusedNamingTheField) {
  struct Case {
    json body;
    std::string field;
  };
  const Case cases[] = {
      {{{"queue", 5}}, "queue"},
      {{{"queue", "general"}, {"priority", "high"}}, "priority"},
      {{{"queue", "general"}, {"priority", 1.5}}, "priority"},
      {{{"queue", "general"}, {"priority", 99999999}}, "priority"},
      {{{"queue", "general"}, {"attributes", json::array()}}, "attributes"},
      {{{"queue", "general"}, {"customer", "+886"}}, "customer"},
      {{{"queue", "general"}, {"colour", "red"}}, "colour"},
      {{{"channel", "voice"}}, "queue"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.dump());
    ExpectRefused(
        400, [&] { return Post("/api/v1/interactions", c.body, admin()); }, "invalid_argument");
    EXPECT_EQ(Post("/api/v1/interactions", c.body, admin()).ErrorField(), c.field);
  }
}

TEST_F(Auth, BodyOverOneMebibyteIsRefusedWith413) {
  std::string big = R"({"id":"huge","name":")" + std::string((1 << 20) + 16, 'x') + "\"}";
  uint64_t before = LastSeq();
  HttpResponse r = PostText("/api/v1/skills", big, admin());
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200) << http().error();
  EXPECT_EQ(r.ErrorCode(), "resource_exhausted");
  EXPECT_EQ(LastSeq(), before);
  EXPECT_EQ(Get("/api/v1/skills/huge", admin()).status, 404);
  // Just under the limit is read (and refused for its content, not its size).
  HttpResponse under = Post(
      "/api/v1/login", json{{"username", "admin"}, {"password", std::string(900 * 1024, 'y')}}, "");
  EXPECT_EQ(under.status, 400) << under.body.substr(0, 200);
  EXPECT_EQ(under.ErrorField(), "password");
}

}  // namespace
}  // namespace hotline::itest
