#include "api/auth/sessions.h"

#include <vector>

#include "api/auth/token.h"

namespace hotline::api::auth {

std::string SessionTable::Create(UserId user_id, RoleSet roles, Instant now, Duration ttl) {
  HOTLINE_CHECK(user_id.valid(), "a session needs a valid user id");
  HOTLINE_CHECK(ttl > Duration::zero(), "a session needs a positive ttl");
  PurgeExpired(now);
  std::string token = NewToken();
  Insert(Session{TokenDigest(token), user_id, roles, now + ttl});
  return token;
}

std::optional<Session> SessionTable::Lookup(std::string_view token, Instant now) {
  if (!IsWellFormedToken(token)) return std::nullopt;
  return FindDigest(TokenDigest(token), now);
}

std::optional<Session> SessionTable::FindDigest(std::string_view digest, Instant now) {
  PurgeExpired(now);
  auto it = by_digest_.find(std::string(digest));
  if (it == by_digest_.end()) return std::nullopt;
  return it->second;
}

bool SessionTable::Revoke(std::string_view token) {
  if (!IsWellFormedToken(token)) return false;
  return RevokeDigest(TokenDigest(token));
}

bool SessionTable::RevokeDigest(std::string_view digest) {
  auto it = by_digest_.find(std::string(digest));
  if (it == by_digest_.end()) return false;
  Erase(it);
  return true;
}

size_t SessionTable::RevokeUser(UserId user_id) {
  auto user = by_user_.find(user_id);
  if (user == by_user_.end()) return 0;
  std::vector<std::string> digests;
  for (const auto& key : user->second) digests.push_back(key.second);
  for (const auto& digest : digests) RevokeDigest(digest);
  return digests.size();
}

Status SessionTable::Restore(Session session, Instant now) {
  if (!IsWellFormedDigest(session.digest)) {
    return Error::InvalidArgument("session digest is not 64 lower-case hex characters", "digest");
  }
  if (!session.user_id.valid()) {
    return Error::InvalidArgument("session has no valid user id", "user_id");
  }
  PurgeExpired(now);
  if (session.expires_at <= now) return Status::Ok();
  RevokeDigest(session.digest);
  Insert(std::move(session));
  return Status::Ok();
}

size_t SessionTable::PurgeExpired(Instant now) {
  size_t purged = 0;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    Erase(by_digest_.find(by_expiry_.begin()->second));
    ++purged;
  }
  return purged;
}

void SessionTable::Insert(Session session) {
  for (auto user = by_user_.find(session.user_id);
       user != by_user_.end() && user->second.size() >= kMaxSessionsPerUser;
       user = by_user_.find(session.user_id)) {
    Erase(by_digest_.find(user->second.begin()->second));  // the one that expires first
  }
  ExpiryKey key{session.expires_at, session.digest};
  by_expiry_.insert(key);
  by_user_[session.user_id].insert(key);
  std::string digest = session.digest;
  by_digest_.emplace(std::move(digest), std::move(session));
}

void SessionTable::Erase(std::unordered_map<std::string, Session>::iterator it) {
  HOTLINE_CHECK(it != by_digest_.end(), "session indexes disagree");
  const Session& session = it->second;
  ExpiryKey key{session.expires_at, session.digest};
  by_expiry_.erase(key);
  auto user = by_user_.find(session.user_id);
  HOTLINE_CHECK(user != by_user_.end(), "session indexes disagree");
  user->second.erase(key);
  if (user->second.empty()) by_user_.erase(user);
  by_digest_.erase(it);
}

}  // namespace hotline::api::auth
