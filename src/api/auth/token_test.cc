#include "api/auth/token.h"

#include <gtest/gtest.h>

#include <set>

namespace hotline::api::auth {
namespace {

TEST(Token, IsFortyThreeBase64UrlCharacters) {
  const std::string token = NewToken();
  EXPECT_EQ(token.size(), kTokenLength);
  EXPECT_TRUE(IsWellFormedToken(token));
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(Token, FreshTokensDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewToken());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Token, DigestIsHexSha256) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(TokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenDigest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(IsWellFormedDigest(TokenDigest(NewToken())));
}

TEST(Token, WellFormedChecksShapeOnly) {
  EXPECT_FALSE(IsWellFormedToken(""));
  EXPECT_FALSE(IsWellFormedToken(std::string(42, 'a')));
  EXPECT_FALSE(IsWellFormedToken(std::string(42, 'a') + "="));
  EXPECT_FALSE(IsWellFormedToken(std::string(42, 'a') + "+"));
  EXPECT_TRUE(IsWellFormedToken(std::string(43, 'a')));
  EXPECT_FALSE(IsWellFormedDigest(std::string(64, 'A')));
  EXPECT_FALSE(IsWellFormedDigest(std::string(63, 'a')));
}

TEST(Base64Url, MatchesRfc4648Vectors) {
  // RFC 4648 section 10, without padding.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");  // the two url-safe symbols
}

}  // namespace
}  // namespace hotline::api::auth
