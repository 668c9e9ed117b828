#include "api/auth/password.h"

#include <gtest/gtest.h>

#include <set>

namespace hotline::api::auth {
namespace {

// Cheap parameters (8 KiB, 1 pass): the real ones take ~50 ms a hash, used only where they matter.
constexpr PasswordHashParams kCheap{1, 8, 1};

TEST(Password, RealParametersMakeOwaspArgon2idString) {
  auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword("correct horse battery", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse battery!", *hash));
  EXPECT_FALSE(PasswordHashNeedsRehash(*hash));
}

TEST(Password, VerifyAcceptsOnlyTheSamePassword) {
  auto hash = HashPasswordWithParams("s3cret-passphrase", kCheap);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword("s3cret-passphrase", *hash));
  EXPECT_FALSE(VerifyPassword("s3cret-passphrasE", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
}

TEST(Password, SamePasswordGetsDifferentSalts) {
  auto a = HashPasswordWithParams("same password", kCheap);
  auto b = HashPasswordWithParams("same password", kCheap);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword("same password", *a));
  EXPECT_TRUE(VerifyPassword("same password", *b));
}

TEST(Password, CheapHashNeedsRehash) {
  auto hash = HashPasswordWithParams("upgrade me please", kCheap);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(PasswordHashNeedsRehash(*hash));
  EXPECT_TRUE(PasswordHashNeedsRehash("not a hash"));
}

TEST(Password, VerifyIsFalseOnMalformedEncodings) {
  auto hash = HashPasswordWithParams("pw-for-tamper-test", kCheap);
  ASSERT_TRUE(hash.ok());
  std::string truncated = hash->substr(0, hash->size() - 5);
  std::string argon2i = *hash;
  argon2i.replace(0, 9, "$argon2i$");
  std::string with_nul = *hash + std::string(1, '\0');
  for (const std::string& bad :
       {std::string(), std::string("plain"), truncated, argon2i, with_nul,
        std::string("$argon2id$v=19$m=,t=1,p=1$c2FsdHNhbHQ$aGFzaA"),
        std::string("$argon2id$v=16$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo")}) {
    EXPECT_FALSE(VerifyPassword("pw-for-tamper-test", bad)) << bad;
  }
}

TEST(Password, VerifyRefusesAbsurdCostWithoutComputing) {
  // 4 TiB of memory would fail or stall if attempted; it must be refused up front.
  EXPECT_FALSE(VerifyPassword(
      "x", "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"));
  EXPECT_FALSE(VerifyPassword(
      "x", "$argon2id$v=19$m=8,t=1000000,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"));
}

TEST(Password, HashRefusesOverlongPassword) {
  auto hash = HashPasswordWithParams(std::string(kMaxPasswordBytes + 1, 'x'), kCheap);
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(hash.error().field, "password");
  auto longest = HashPasswordWithParams(std::string(kMaxPasswordBytes, 'x'), kCheap);
  ASSERT_TRUE(longest.ok());
  EXPECT_FALSE(VerifyPassword(std::string(kMaxPasswordBytes + 1, 'x'), *longest));
}

TEST(Password, DummyHashUsesRealParametersAndMatchesNoGuess) {
  const std::string& dummy = DummyPasswordHash();
  EXPECT_FALSE(PasswordHashNeedsRehash(dummy));
  EXPECT_FALSE(VerifyPassword("admin-password", dummy));
  EXPECT_EQ(&dummy, &DummyPasswordHash());  // computed once
}

TEST(PasswordPolicy, NeedsTenCharactersAndAtMost256Bytes) {
  EXPECT_TRUE(CheckPasswordPolicy("0123456789").ok());
  Status short_one = CheckPasswordPolicy("012345678");
  ASSERT_FALSE(short_one.ok());
  EXPECT_EQ(short_one.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(short_one.error().field, "password");
  EXPECT_EQ(short_one.error().message, "password must be at least 10 characters");
  EXPECT_TRUE(CheckPasswordPolicy(std::string(256, 'x')).ok());
  Status long_one = CheckPasswordPolicy(std::string(257, 'x'));
  ASSERT_FALSE(long_one.ok());
  EXPECT_EQ(long_one.error().message, "password must be at most 256 bytes");
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  // Ten CJK characters are 30 bytes; nine are not enough even though they are 27 bytes.
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += "\xe5\xaf\x86";  // 密
  EXPECT_TRUE(CheckPasswordPolicy(ten).ok());
  EXPECT_FALSE(CheckPasswordPolicy(ten.substr(3)).ok());
}

TEST(GeneratedPassword, IsTwentyUnambiguousCharactersAndPassesPolicy) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string password = GeneratePassword();
    EXPECT_EQ(password.size(), kGeneratedPasswordLength);
    EXPECT_EQ(password.find_first_of("0Oo1lI"), std::string::npos) << password;
    EXPECT_EQ(
        password.find_first_not_of("23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"),
        std::string::npos)
        << password;
    EXPECT_TRUE(CheckPasswordPolicy(password).ok());
    seen.insert(password);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace hotline::api::auth
