#include "api/auth/sessions.h"

#include <gtest/gtest.h>

#include "api/auth/token.h"

namespace hotline::api::auth {
namespace {

const Instant kStart = FromMicros(1'800'000'000'000'000);
const UserId kAlice(1);
const UserId kBob(2);

TEST(SessionTable, CreatedTokenLooksUpItsSession) {
  SessionTable table;
  const std::string token = table.Create(kAlice, {Role::kAgent}, kStart);
  EXPECT_TRUE(IsWellFormedToken(token));
  auto session = table.Lookup(token, kStart + Seconds(60));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user_id, kAlice);
  EXPECT_EQ(session->roles, RoleSet{Role::kAgent});
  EXPECT_EQ(session->expires_at, kStart + SessionTable::kDefaultTtl);
  EXPECT_EQ(session->digest, TokenDigest(token));
}

TEST(SessionTable, StoresDigestsNotTokens) {
  SessionTable table;
  const std::string token = table.Create(kAlice, {Role::kAgent}, kStart);
  auto session = table.FindDigest(TokenDigest(token), kStart);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->digest.find(token), std::string::npos);
  EXPECT_FALSE(table.FindDigest(token, kStart));  // the token is not a key
}

TEST(SessionTable, UnknownOrMalformedTokenFindsNothing) {
  SessionTable table;
  table.Create(kAlice, {Role::kAgent}, kStart);
  EXPECT_FALSE(table.Lookup(NewToken(), kStart));
  EXPECT_FALSE(table.Lookup("", kStart));
  EXPECT_FALSE(table.Lookup("not a token", kStart));
}

TEST(SessionTable, ExpiryIsFixedNotSliding) {
  SessionTable table;
  const std::string token = table.Create(kAlice, {Role::kAgent}, kStart, Seconds(3600));
  EXPECT_TRUE(table.Lookup(token, kStart + Seconds(1800)));  // use does not extend
  EXPECT_TRUE(table.Lookup(token, kStart + Seconds(3599)));
  EXPECT_FALSE(table.Lookup(token, kStart + Seconds(3600)));
}

TEST(SessionTable, ExpiredSessionsArePurgedLazily) {
  SessionTable table;
  table.Create(kAlice, {Role::kAgent}, kStart, Seconds(10));
  table.Create(kBob, {Role::kAgent}, kStart, Seconds(20));
  EXPECT_EQ(table.size(), 2u);
  const std::string later = table.Create(kBob, {Role::kAgent}, kStart + Seconds(15));
  EXPECT_EQ(table.size(), 2u);  // Alice's purged by the Create
  EXPECT_EQ(table.PurgeExpired(kStart + Seconds(20)), 1u);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.Lookup(later, kStart + Seconds(20)));
}

TEST(SessionTable, RevokeEndsOneSession) {
  SessionTable table;
  const std::string a = table.Create(kAlice, {Role::kAgent}, kStart);
  const std::string b = table.Create(kAlice, {Role::kAgent}, kStart);
  EXPECT_TRUE(table.Revoke(a));
  EXPECT_FALSE(table.Revoke(a));
  EXPECT_FALSE(table.Lookup(a, kStart));
  EXPECT_TRUE(table.Lookup(b, kStart));
}

TEST(SessionTable, RevokeUserEndsAllOfThatUsersSessions) {
  SessionTable table;
  const std::string a1 = table.Create(kAlice, {Role::kAgent}, kStart);
  const std::string a2 = table.Create(kAlice, {Role::kAdmin}, kStart + Seconds(1));
  const std::string b = table.Create(kBob, {Role::kAgent}, kStart);
  EXPECT_EQ(table.RevokeUser(kAlice), 2u);
  EXPECT_FALSE(table.Lookup(a1, kStart + Seconds(2)));
  EXPECT_FALSE(table.Lookup(a2, kStart + Seconds(2)));
  EXPECT_TRUE(table.Lookup(b, kStart + Seconds(2)));
  EXPECT_EQ(table.RevokeUser(kAlice), 0u);
}

TEST(SessionTable, RestoreReloadsPersistedSessions) {
  SessionTable before;
  const std::string token = before.Create(kAlice, {Role::kSupervisor}, kStart);
  Session persisted = *before.Lookup(token, kStart);

  SessionTable after;  // a restart
  ASSERT_TRUE(after.Restore(persisted, kStart + Seconds(60)).ok());
  auto session = after.Lookup(token, kStart + Seconds(60));
  ASSERT_TRUE(session);
  EXPECT_EQ(*session, persisted);
}

TEST(SessionTable, RestoreSkipsExpiredAndRejectsMalformed) {
  SessionTable table;
  Session expired{std::string(64, 'a'), kAlice, {Role::kAgent}, kStart};
  ASSERT_TRUE(table.Restore(expired, kStart).ok());
  EXPECT_EQ(table.size(), 0u);
  Status bad_digest = table.Restore({"ABC", kAlice, {Role::kAgent}, kStart + Seconds(5)}, kStart);
  ASSERT_FALSE(bad_digest.ok());
  EXPECT_EQ(bad_digest.error().field, "digest");
  Status bad_user =
      table.Restore({std::string(64, 'b'), UserId(), {Role::kAgent}, kStart + Seconds(5)}, kStart);
  ASSERT_FALSE(bad_user.ok());
  EXPECT_EQ(bad_user.error().field, "user_id");
  EXPECT_EQ(table.size(), 0u);
}

TEST(SessionTable, RestoreReplacesSameDigest) {
  SessionTable table;
  const std::string digest(64, 'c');
  ASSERT_TRUE(table.Restore({digest, kAlice, {Role::kAgent}, kStart + Seconds(5)}, kStart).ok());
  ASSERT_TRUE(table.Restore({digest, kAlice, {Role::kAdmin}, kStart + Seconds(9)}, kStart).ok());
  EXPECT_EQ(table.size(), 1u);
  auto session = table.FindDigest(digest, kStart + Seconds(6));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->roles, RoleSet{Role::kAdmin});
}

TEST(SessionTable, UserBeyondSessionCapLosesOldestSession) {
  SessionTable table;
  const std::string first = table.Create(kAlice, {Role::kAgent}, kStart);
  std::string last;
  for (size_t i = 1; i <= SessionTable::kMaxSessionsPerUser; ++i) {
    last = table.Create(kAlice, {Role::kAgent}, kStart + Seconds(static_cast<double>(i)));
  }
  const Instant now = kStart + Seconds(100);
  EXPECT_EQ(table.size(), SessionTable::kMaxSessionsPerUser);
  EXPECT_FALSE(table.Lookup(first, now));
  EXPECT_TRUE(table.Lookup(last, now));
  EXPECT_TRUE(table.Lookup(table.Create(kBob, {Role::kAgent}, now), now));  // others unaffected
}

}  // namespace
}  // namespace hotline::api::auth
