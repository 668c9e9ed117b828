// HTTP digest authentication as SIP uses it (RFC 3261 §22.4, RFC 2617 §3.2, RFC 7616): MD5 only,
// with qop=auth or without qop (RFC 2069 compatibility). We keep HA1 per account, never the
// password, and issue stateless nonces so a registrar needs no nonce table.
//
// Error contract: ParseAuthorization rejects untrusted header values with InvalidArgument naming
// the problem; CheckDigest answers false for anything it cannot verify (unknown algorithm,
// qop=auth-int, missing cnonce). Thread-safety: free functions are pure; a NonceIssuer is
// immutable after construction, so Issue and Valid may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace hotline::voice::sip {

inline constexpr size_t kMaxAuthorizationBytes = 4 * 1024;

// Lower-case hex of the MD5 of `text`.
std::string Md5Hex(std::string_view text);

// HA1 = MD5(username:realm:password), lower-case hex (RFC 2617 §3.2.2.2).
std::string DigestHa1(std::string_view username, std::string_view realm, std::string_view password);

// Nonces that carry their own issue time: 16 hex digits of the instant (UTC microseconds)
// followed by the hex HMAC-SHA256 of those digits under a random per-process secret. A restart
// invalidates outstanding nonces; phones then get a 401 with stale=true and retry at once.
class NonceIssuer {
 public:
  NonceIssuer();  // a random 32-byte secret from RAND_bytes
  std::string Issue(Instant now) const;
  // True when `nonce` was issued by this issuer, not after `now` and at most `max_age` before it.
  bool Valid(std::string_view nonce, Instant now, Duration max_age = Seconds(300)) const;

 private:
  std::string Mac(std::string_view stamp) const;
  std::array<unsigned char, 32> secret_;
};

// The WWW-Authenticate value for a 401: Digest realm="...", nonce="...", algorithm=MD5,
// qop="auth", and stale=true when the request carried a valid response to an expired nonce.
std::string DigestChallenge(std::string_view realm, std::string_view nonce, bool stale);

// The parameters of an Authorization (or Proxy-Authorization) header value; absent ones empty.
struct DigestCredentials {
  std::string username, realm, nonce, uri, response, algorithm, cnonce, qop, nc, opaque;
};

// Parses `Digest username="a1", realm="hotline", ...`: quoted and unquoted values, any order,
// commas and escaped quotes inside quotes, unknown parameters ignored. InvalidArgument for a
// value over 4 KiB, another scheme, bad syntax, a repeated parameter, or a missing username,
// realm, nonce, uri or response.
[[nodiscard]] Result<DigestCredentials> ParseAuthorization(std::string_view value);

// True when `c.response` is right for `method` given the account's HA1 (RFC 2617 §3.2.2.1),
// compared in constant time. Does not judge the nonce: check NonceIssuer::Valid separately.
bool CheckDigest(const DigestCredentials& c, std::string_view method, std::string_view ha1);

}  // namespace hotline::voice::sip
