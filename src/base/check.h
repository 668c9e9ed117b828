// HOTLINE_CHECK: fatal assertion for broken invariants (never for bad input from outside, which
// gets an Error). Always on, in release builds too: a routing engine that continues past a broken
// invariant makes wrong decisions silently.
#pragma once

namespace hotline::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* message, const char* file,
                              int line);
}  // namespace hotline::internal

#define HOTLINE_CHECK(condition, message)                                        \
  do {                                                                           \
    if (!(condition)) [[unlikely]] {                                             \
      ::hotline::internal::CheckFailed(#condition, message, __FILE__, __LINE__); \
    }                                                                            \
  } while (false)
