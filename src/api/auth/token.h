// Session tokens. A token is 32 bytes from the OS CSPRNG, base64url without padding (43 chars):
// 256 bits, so guessing one is hopeless and no rate limit is needed on lookups. The server keeps
// only TokenDigest(token), the hex SHA-256, so a leaked database or log of digests cannot be
// replayed as `Authorization: Bearer` credentials.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hotline::api::auth {

inline constexpr size_t kTokenBytes = 32;
inline constexpr size_t kTokenLength = 43;   // base64url of 32 bytes, no padding
inline constexpr size_t kDigestLength = 64;  // hex SHA-256

// A fresh random token.
std::string NewToken();

// Lower-case hex SHA-256 of the token's text.
std::string TokenDigest(std::string_view token);

// True for text shaped like a token (43 base64url characters). Lets a caller reject a malformed
// bearer value without hashing it; says nothing about whether the token is valid.
bool IsWellFormedToken(std::string_view text);

// True for text shaped like a digest (64 lower-case hex characters).
bool IsWellFormedDigest(std::string_view text);

// base64url (RFC 4648 section 5) without padding.
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace hotline::api::auth
