// Login sessions in memory: bearer token -> user and roles, until a fixed expiry.
//
// Only digests are kept (TokenDigest, hex SHA-256): the token itself exists in the Create result
// and in the client, nowhere else. Sessions are persisted by their Session record (digest-keyed,
// see store's "session/<digest>" state keys) and reloaded after a restart with Restore.
//
// Expiry is fixed, not sliding: a session ends `ttl` after login (12 h by default, one shift plus
// overtime) however busy it is, so a stolen token has a bounded life and the table never needs a
// write per request. Expired sessions are purged lazily: each Create, Lookup and Restore first
// drops every session whose expiry has passed (amortised O(log n) each).
//
// Memory is bounded per user: beyond kMaxSessionsPerUser, the user's session that expires first
// (with one ttl: the oldest) is dropped.
//
// Time: every call takes `now` (UTC); nothing here reads a clock.
// Thread-safety: none; one owner thread (the shard's loop).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "api/auth/roles.h"
#include "base/result.h"
#include "base/strong_id.h"
#include "base/time.h"

namespace hotline::api::auth {

using UserId = StrongId<struct UserIdTag>;

struct Session {
  std::string digest;  // TokenDigest of the bearer token; the key
  UserId user_id;
  RoleSet roles;  // as at login; RevokeUser when a user's roles change
  Instant expires_at{};

  friend bool operator==(const Session&, const Session&) = default;
};

class SessionTable {
 public:
  static constexpr Duration kDefaultTtl = Seconds(12 * 3600);
  static constexpr size_t kMaxSessionsPerUser = 64;

  // A new session for `user_id`, valid until now + ttl (ttl > 0). Returns the bearer token; the
  // stored Session (to persist) is Lookup(token, now) or FindDigest(TokenDigest(token), now).
  std::string Create(UserId user_id, RoleSet roles, Instant now, Duration ttl = kDefaultTtl);

  // The live session of this bearer token; nullopt when unknown, revoked or expired.
  std::optional<Session> Lookup(std::string_view token, Instant now);
  // The same by digest (for persistence and admin tools).
  std::optional<Session> FindDigest(std::string_view digest, Instant now);

  // Ends the session of this token (logout). False when there was none.
  bool Revoke(std::string_view token);
  bool RevokeDigest(std::string_view digest);
  // Ends every session of a user (password or role change, user deleted). Returns how many.
  size_t RevokeUser(UserId user_id);

  // Reloads a persisted session. An already-expired one is skipped (OK, not added); a malformed
  // digest or invalid user id is InvalidArgument. A session with the same digest is replaced.
  Status Restore(Session session, Instant now);

  // Drops every expired session now; returns how many. Create and Lookup do this themselves.
  size_t PurgeExpired(Instant now);

  // Live and not-yet-purged sessions.
  size_t size() const { return by_digest_.size(); }

 private:
  using ExpiryKey = std::pair<Instant, std::string>;  // (expires_at, digest)

  void Insert(Session session);
  void Erase(std::unordered_map<std::string, Session>::iterator it);

  std::unordered_map<std::string, Session> by_digest_;
  std::set<ExpiryKey> by_expiry_;
  std::unordered_map<UserId, std::set<ExpiryKey>> by_user_;
};

}  // namespace hotline::api::auth
