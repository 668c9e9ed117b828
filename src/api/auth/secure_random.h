// Bytes from the operating system's CSPRNG (getrandom(2)), for salts, tokens and generated
// passwords. Never the deterministic base/random.h generator: these must be unpredictable.
//
// Failure: getrandom does not fail once the kernel's pool is initialised (it blocks until then);
// if it ever does, the process stops (HOTLINE_CHECK) rather than hand out a guessable secret.
// Thread-safety: safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hotline::api::auth {

// Fills `out` with random bytes.
void SecureRandomBytes(std::span<uint8_t> out);

// Uniform in [0, n) without modulo bias. n must be in [1, 256].
uint8_t SecureRandomBelow(unsigned n);

}  // namespace hotline::api::auth
