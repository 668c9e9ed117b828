// Login, logout, and users (admin only).
#include <utility>

#include "api/api_impl.h"
#include "api/auth/password.h"
#include "api/auth/token.h"
#include "api/errors.h"

namespace hotline::api {
namespace {

json UserView(const shard::User& u) {
  return json{{"id", u.id},
              {"username", u.username},
              {"roles", u.roles},
              {"agent_id", u.agent_id.empty() ? json(nullptr) : json(u.agent_id)},
              {"created_at", FormatRfc3339(u.created_at)}};
}

}  // namespace

void Api::Impl::Login(Call& call) {
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  auto username = body->String("username", true, 128);
  if (!username.ok()) return call.Fail(username.error());
  auto password = body->String("password", true, auth::kMaxPasswordBytes);
  if (!password.ok()) return call.Fail(password.error());
  if (Status s = body->Finish(); !s.ok()) return call.Fail(s.error());

  Instant now = shard.Now();
  std::string address = call.request.remote_address;
  auth::LoginVerdict verdict = throttle.Check(**username, address, now);
  if (!verdict.allowed()) {
    return call.respond(
        RetryLater(verdict.status.error(), static_cast<int>(verdict.retry_after_seconds)));
  }

  const shard::User* user = shard.FindUserByName(**username);
  std::string hash = user ? user->password_hash : auth::DummyPasswordHash();
  uint64_t user_id = user ? user->id : 0;
  std::weak_ptr<bool> alive_now = alive;
  // argon2id on the worker; the answer comes back to the loop.
  worker.Run([this, alive_now, call = std::move(call), pw = std::move(**password),
              hash = std::move(hash), user_id, address]() mutable {
    bool ok = auth::VerifyPassword(pw, hash);
    shard.Post([this, alive_now, call = std::move(call), ok, user_id, address]() mutable {
      auto a = alive_now.lock();
      if (!a || !*a) return;
      Instant now = shard.Now();
      auto body = json::parse(call.request.body, nullptr, false);
      std::string username = body.value("username", "");
      const shard::User* user = shard.FindUser(user_id);
      if (!ok || user_id == 0 || !user) {
        throttle.RecordFailure(username, address, now);
        return call.Fail(
            Error{ErrorCode::kUnauthenticated, "wrong username or password", "password"});
      }
      throttle.RecordSuccess(username);
      auth::RoleSet roles;
      for (const auto& r : user->roles) {
        if (auto role = auth::ParseRole(r); role.ok()) roles.Add(*role);
      }
      std::string token = sessions.Create(auth::UserId(user->id), roles, now, options.session_ttl);
      Instant expires = now + options.session_ttl;
      json reply = {
          {"token", token}, {"expires_at", FormatRfc3339(expires)}, {"user", UserView(*user)}};
      json stored = {
          {"user_id", user->id}, {"created_us", ToMicros(now)}, {"expires_us", ToMicros(expires)}};
      auto respond = call.respond;
      shard.WriteState({{"session/" + auth::TokenDigest(token), stored.dump()}},
                       [respond, reply](Status s) {
                         if (!s.ok()) return respond(ErrorResponse(s.error()));
                         http::Response r;
                         r.body = reply.dump();
                         respond(std::move(r));
                       });
    });
  });
}

void Api::Impl::Logout(Call& call) {
  std::string_view header = call.request.header("authorization");
  std::string token(header.size() > 7 ? header.substr(7) : std::string_view());
  sessions.Revoke(token);
  auto respond = call.respond;
  shard.WriteState({{"session/" + auth::TokenDigest(token), std::nullopt}}, [respond](Status s) {
    if (!s.ok()) return respond(ErrorResponse(s.error()));
    http::Response r;
    r.status = 204;
    r.body.clear();
    respond(std::move(r));
  });
}

void Api::Impl::Me(Call& call) {
  const shard::User* user = shard.FindUser(call.who->user_id);
  if (!user) return call.Fail(Error{ErrorCode::kUnauthenticated, "the user is gone", ""});
  call.Reply(UserView(*user));
}

void Api::Impl::ListUsers(Call& call) {
  json out = json::array();
  for (const auto& [id, user] : shard.users()) out.push_back(UserView(user));
  call.Reply(json{{"users", std::move(out)}});
}

void Api::Impl::GetUser(Call& call) {
  auto id = NumericId(call.params[0], "user");
  if (!id.ok()) return call.Fail(id.error());
  const shard::User* user = shard.FindUser(*id);
  if (!user) return call.Fail(Error::NotFound("user " + call.params[0] + " does not exist", "id"));
  call.Reply(UserView(*user));
}

void Api::Impl::CreateUser(Call& call) { PutUser(call); }

void Api::Impl::PutUser(Call& call) {
  bool create = call.request.method == "POST";
  uint64_t id = 0;
  const shard::User* existing = nullptr;
  if (create) {
    id = shard.next_user_id();
  } else {
    auto parsed = NumericId(call.params[0], "user");
    if (!parsed.ok()) return call.Fail(parsed.error());
    id = *parsed;
    existing = shard.FindUser(id);
    if (!existing) {
      return call.Fail(Error::NotFound("user " + call.params[0] + " does not exist", "id"));
    }
  }
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  auto username = body->String("username", create, 64);
  auto password = body->String("password", create, auth::kMaxPasswordBytes);
  auto roles = body->StringList("roles", create);
  auto agent_id = body->String("agent_id", false, 64);
  for (const Status& s : {Status(username.ok() ? Status() : username.error()),
                          Status(password.ok() ? Status() : password.error()),
                          Status(roles.ok() ? Status() : roles.error()),
                          Status(agent_id.ok() ? Status() : agent_id.error()), body->Finish()}) {
    if (!s.ok()) return call.Fail(s.error());
  }
  json command = {{"op", "user.put"}, {"id", id}};
  command["username"] = *username ? **username : existing->username;
  if (const shard::User* other = shard.FindUserByName(command["username"]);
      other && other->id != id) {
    return call.Fail(Error{ErrorCode::kAlreadyExists, "username '" + other->username + "' is taken",
                           "username"});
  }
  std::vector<std::string> role_names = *roles ? **roles : existing->roles;
  if (role_names.empty()) {
    return call.Fail(Error::InvalidArgument("a user needs at least one role", "roles"));
  }
  for (const auto& name : role_names) {
    if (!auth::ParseRole(name)) {
      return call.Fail(Error::InvalidArgument(
          "unknown role '" + name + "' (admin, supervisor, agent, analyst)", "roles"));
    }
  }
  command["roles"] = role_names;
  std::string agent = body->Has("agent_id") ? (*agent_id ? **agent_id : std::string())
                      : existing            ? existing->agent_id
                                            : std::string();
  if (!agent.empty() && !shard.document().Find(shard::Section::kAgents, agent)) {
    return call.Fail(Error::InvalidArgument("agent '" + agent + "' does not exist", "agent_id"));
  }
  command["agent_id"] = agent;
  int status = create ? 201 : 200;
  if (!*password) return Execute(call, std::move(command), status);
  if (Status s = auth::CheckPasswordPolicy(**password); !s.ok()) return call.Fail(s.error());
  std::weak_ptr<bool> alive_now = alive;
  worker.Run([this, alive_now, call = std::move(call), command = std::move(command),
              pw = std::move(**password), status]() mutable {
    auto hash = auth::HashPassword(pw);
    shard.Post([this, alive_now, call = std::move(call), command = std::move(command),
                hash = std::move(hash), status]() mutable {
      auto a = alive_now.lock();
      if (!a || !*a) return;
      if (!hash.ok()) return call.Fail(hash.error());
      command["password_hash"] = *hash;
      // A new password ends the user's sessions (persisted ones too: see sessions_valid_from).
      if (call.request.method == "PUT")
        sessions.RevokeUser(auth::UserId(command["id"].get<uint64_t>()));
      // The id was chosen before hashing; another create may have taken it meanwhile.
      if (call.request.method == "POST" && shard.FindUser(command["id"].get<uint64_t>())) {
        command["id"] = shard.next_user_id();
      }
      Execute(call, std::move(command), status);
    });
  });
}

void Api::Impl::DeleteUser(Call& call) {
  auto id = NumericId(call.params[0], "user");
  if (!id.ok()) return call.Fail(id.error());
  if (*id == call.who->user_id) {
    return call.Fail(Error::FailedPrecondition("a user cannot delete itself", "id"));
  }
  if (!shard.FindUser(*id)) {
    return call.Fail(Error::NotFound("user " + call.params[0] + " does not exist", "id"));
  }
  sessions.RevokeUser(auth::UserId(*id));
  Execute(call, json{{"op", "user.delete"}, {"id", *id}});
}

}  // namespace hotline::api
