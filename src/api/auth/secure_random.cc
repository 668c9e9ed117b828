#include "api/auth/secure_random.h"

#include <sys/random.h>

#include <cerrno>

#include "base/check.h"

namespace hotline::api::auth {

void SecureRandomBytes(std::span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    HOTLINE_CHECK(n > 0, "getrandom failed: no secure random bytes");
    filled += static_cast<size_t>(n);
  }
}

uint8_t SecureRandomBelow(unsigned n) {
  HOTLINE_CHECK(n >= 1 && n <= 256, "SecureRandomBelow needs 1 <= n <= 256");
  // Rejection sampling: accept only bytes below the largest multiple of n that fits in a byte.
  const unsigned limit = 256 - 256 % n;
  uint8_t buffer[64];
  while (true) {
    SecureRandomBytes(buffer);
    for (uint8_t byte : buffer) {
      if (byte < limit) return static_cast<uint8_t>(byte % n);
    }
  }
}

}  // namespace hotline::api::auth
