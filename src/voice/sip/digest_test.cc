#include "voice/sip/digest.h"

#include <gtest/gtest.h>

namespace hotline::voice::sip {
namespace {

// RFC 2617 §3.5, the worked example (method GET).
constexpr char kRfc2617Authorization[] =
    "Digest username=\"Mufasa\",\n"
    "                 realm=\"testrealm@host.com\",\n"
    "                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\n"
    "                 uri=\"/dir/index.html\",\n"
    "                 qop=auth,\n"
    "                 nc=00000001,\n"
    "                 cnonce=\"0a4f113b\",\n"
    "                 response=\"6629fae49393a05397450978507c4ef1\",\n"
    "                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

// `c` with one field changed.
DigestCredentials With(DigestCredentials c, std::string DigestCredentials::*field,
                       std::string value) {
  c.*field = std::move(value);
  return c;
}

std::string OneLine(std::string text) {
  std::erase(text, '\n');
  return text;
}

TEST(Digest, Ha1IsLowerHexMd5OfUserRealmPassword) {
  EXPECT_EQ(DigestHa1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(Digest, Rfc2617WorkedExampleIsAccepted) {
  auto c = ParseAuthorization(OneLine(kRfc2617Authorization));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->username, "Mufasa");
  EXPECT_EQ(c->realm, "testrealm@host.com");
  EXPECT_EQ(c->nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  EXPECT_EQ(c->uri, "/dir/index.html");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(c->nc, "00000001");
  EXPECT_EQ(c->cnonce, "0a4f113b");
  EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  const std::string ha1 = DigestHa1("Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_TRUE(CheckDigest(*c, "GET", ha1));
  EXPECT_FALSE(CheckDigest(*c, "POST", ha1));
  EXPECT_FALSE(CheckDigest(*c, "GET", DigestHa1("Mufasa", "testrealm@host.com", "circle of life")));
  EXPECT_FALSE(CheckDigest(With(*c, &DigestCredentials::nc, "00000002"), "GET", ha1));
  EXPECT_TRUE(CheckDigest(
      With(*c, &DigestCredentials::response, "6629FAE49393A05397450978507C4EF1"), "GET", ha1));
}

TEST(Digest, WithoutQopUsesRfc2069Response) {
  // RFC 2069 §2.4's example with the corrected response (erratum: the printed one is wrong):
  // password "CircleOfLife", MD5(HA1:nonce:HA2).
  auto c = ParseAuthorization(
      "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
      "response=\"1949323746fe6a43ef61f9606e7febea\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->qop.empty());
  const std::string ha1 = DigestHa1("Mufasa", "testrealm@host.com", "CircleOfLife");
  EXPECT_TRUE(CheckDigest(*c, "GET", ha1));
  // A qop=auth response needs nc and cnonce.
  EXPECT_FALSE(CheckDigest(With(*c, &DigestCredentials::qop, "auth"), "GET", ha1));
}

TEST(Digest, SipRegisterRoundTrip) {
  const std::string ha1 = DigestHa1("a1", "hotline", "s3cret");
  const std::string ha2 = Md5Hex("REGISTER:sip:127.0.0.1");
  const std::string response = Md5Hex(ha1 + ":abc:0000000a:xyz:auth:" + ha2);
  auto c =
      ParseAuthorization("digest  username = a1 ,realm=\"hotline\",nonce=\"abc\",uri=" +
                         std::string("\"sip:127.0.0.1\",response=\"") + response +
                         "\",algorithm=MD5,cnonce=\"xyz\",nc=0000000a,qop=auth,x-extra=\"a,b\"");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->algorithm, "MD5");
  EXPECT_TRUE(CheckDigest(*c, "REGISTER", ha1));
  EXPECT_FALSE(CheckDigest(With(*c, &DigestCredentials::algorithm, "SHA-256"), "REGISTER", ha1));
  EXPECT_FALSE(CheckDigest(With(*c, &DigestCredentials::qop, "auth-int"), "REGISTER", ha1));
}

TEST(Digest, QuotedValuesKeepCommasAndEscapes) {
  auto c = ParseAuthorization(
      "Digest realm=\"a, \\\"b\\\"\", username=\"x\", nonce=n, uri=\"sip:h\", response=r");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->realm, "a, \"b\"");
  EXPECT_EQ(c->nonce, "n");
  EXPECT_EQ(c->response, "r");
}

class AuthorizationErrors : public testing::TestWithParam<std::string> {};

TEST_P(AuthorizationErrors, AreInvalidArgument) {
  auto c = ParseAuthorization(GetParam());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(
    Digest, AuthorizationErrors,
    testing::Values("", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
                    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"",  // no response
                    "Digest username=\"a, realm=\"r\"",                            // unterminated
                    "Digest username \"a\"", "Digest =x", "Digest username=",
                    "Digest username=a realm=r nonce=n uri=u response=x",  // no commas
                    "Digest username=a, username=b, realm=r, nonce=n, uri=u, response=x",
                    "Digest username=\"" + std::string(5000, 'a') +
                        "\", realm=r, nonce=n, uri=u, response=x"));

TEST(Digest, ChallengeNamesRealmNonceAndStale) {
  EXPECT_EQ(DigestChallenge("hotline", "n1", false),
            "Digest realm=\"hotline\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"");
  EXPECT_EQ(DigestChallenge("hot\"line", "n1", true),
            "Digest realm=\"hot\\\"line\", nonce=\"n1\", algorithm=MD5, qop=\"auth\", stale=true");
}

TEST(Digest, ChallengeParsesBackAsCredentialsSyntax) {
  // The phone echoes realm and nonce; our own quoting must survive our parser.
  std::string header =
      DigestChallenge("hot\"line", "n1", false) + ", username=u, uri=x, response=r";
  auto c = ParseAuthorization(header);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->realm, "hot\"line");
}

TEST(NonceIssuer, FreshNonceIsValidUntilMaxAge) {
  NonceIssuer issuer;
  const Instant t0 = FromMicros(1'795'000'000'000'000);
  std::string nonce = issuer.Issue(t0);
  EXPECT_EQ(nonce.size(), 80u);
  EXPECT_TRUE(issuer.Valid(nonce, t0));
  EXPECT_TRUE(issuer.Valid(nonce, t0 + Seconds(300)));
  EXPECT_FALSE(issuer.Valid(nonce, t0 + Seconds(300) + Duration(1)));
  EXPECT_TRUE(issuer.Valid(nonce, t0 + Seconds(500), Seconds(600)));
  EXPECT_FALSE(issuer.Valid(nonce, t0 - Seconds(1)));  // issued in the future
  EXPECT_NE(issuer.Issue(t0 + Duration(1)), nonce);
}

TEST(NonceIssuer, TamperedOrForeignNonceIsInvalid) {
  NonceIssuer issuer;
  const Instant t0 = FromMicros(1'795'000'000'000'000);
  std::string nonce = issuer.Issue(t0);
  std::string later_stamp = nonce;
  later_stamp[10] = later_stamp[10] == 'f' ? 'e' : 'f';  // move the issue time, keep the MAC
  EXPECT_FALSE(issuer.Valid(later_stamp, t0 + Seconds(1)));
  std::string bad_mac = nonce;
  bad_mac.back() = bad_mac.back() == '0' ? '1' : '0';
  EXPECT_FALSE(issuer.Valid(bad_mac, t0));
  EXPECT_FALSE(issuer.Valid(nonce.substr(0, 79), t0));
  EXPECT_FALSE(issuer.Valid("", t0));
  EXPECT_FALSE(NonceIssuer().Valid(nonce, t0));  // another secret
}

}  // namespace
}  // namespace hotline::voice::sip
