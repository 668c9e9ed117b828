#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace hotline::internal {

void CheckFailed(const char* condition, const char* message, const char* file, int line) {
  std::fprintf(stderr, "FATAL %s:%d: check failed: %s: %s\n", file, line, condition, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace hotline::internal
