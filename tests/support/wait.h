// Waiting for a condition with a deadline: the only way integration tests wait (STYLE.md: never
// sleep for a fixed time). The condition is checked at once, then again after pauses that grow
// from 1 ms to 50 ms, until it holds or the deadline passes.
//
//   ASSERT_TRUE(WaitUntil([&] { return http.Get("/healthz").status == 200; }, Seconds(5)));
//
// Thread-safety: reentrant; the condition runs on the calling thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace hotline::itest {

// True as soon as `condition()` is true; false when it is still false at the deadline.
template <typename Condition>
[[nodiscard]] bool WaitUntil(Condition condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    if (condition()) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace hotline::itest
