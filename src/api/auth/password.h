// Password hashing and the password policy.
//
// Hashes are argon2id in the PHC string format ("$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH"), with
// OWASP's recommended parameters: 19 MiB of memory, 2 passes, 1 lane; a 16-byte salt from the OS
// CSPRNG and a 32-byte hash. The string carries its parameters, so hashes made with other
// parameters still verify, and PasswordHashNeedsRehash says when to re-hash after a login.
// One hash costs about 50 ms of one core and 19 MiB: call these off the shard's loop.
//
// Policy: at least 10 characters (code points), at most 256 bytes; the upper bound keeps a
// request from making the server hash megabytes. No composition rules (NIST SP 800-63B).
//
// Errors: HashPassword fails only on a password the policy's upper bound rejects
// (InvalidArgument, field "password") or an argon2 failure (kInternal). VerifyPassword answers
// false for a wrong password and for any malformed, non-argon2id or absurdly expensive encoding.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace hotline::api::auth {

inline constexpr size_t kMinPasswordChars = 10;
inline constexpr size_t kMaxPasswordBytes = 256;
inline constexpr size_t kGeneratedPasswordLength = 20;

struct PasswordHashParams {
  uint32_t time_cost = 2;       // passes over memory
  uint32_t memory_kib = 19456;  // 19 MiB
  uint32_t parallelism = 1;     // lanes
};

// The parameters HashPassword uses (OWASP Password Storage Cheat Sheet, argon2id option 1).
inline constexpr PasswordHashParams kPasswordHashParams{};

// argon2id PHC string of `password` with kPasswordHashParams and a fresh random salt.
Result<std::string> HashPassword(std::string_view password);

// The same with other parameters: cheap ones keep tests fast; benchmarks compare costs. Each
// parameter must be within argon2's limits (memory_kib >= 8 * parallelism).
Result<std::string> HashPasswordWithParams(std::string_view password,
                                           const PasswordHashParams& params);

// True when `password` matches the argon2id string `encoded`. Constant-time in the hash compare
// (libargon2). Encodings whose memory or passes exceed sane bounds (1 GiB, 16 passes, 16 lanes)
// are refused unverified, so a tampered record cannot stall the server.
bool VerifyPassword(std::string_view password, std::string_view encoded);

// True when `encoded` was not made with kPasswordHashParams (or cannot be read): re-hash the
// password the user just proved and store the new string.
bool PasswordHashNeedsRehash(std::string_view encoded);

// A valid hash of a random password nobody knows, computed once. Verify against it when the user
// name is unknown, so that unknown names cost the same time as wrong passwords.
const std::string& DummyPasswordHash();

// OK, or InvalidArgument (field "password"): "password must be at least 10 characters",
// "password must be at most 256 bytes".
Status CheckPasswordPolicy(std::string_view password);

// 20 characters from a 56-symbol alphabet without look-alikes (no 0 O o 1 l I): about 116 bits.
// For the initial admin password, printed once.
std::string GeneratePassword();

}  // namespace hotline::api::auth
