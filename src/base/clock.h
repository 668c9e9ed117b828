// The only door to real time (STYLE.md). A Clock tells the time and runs timers; RealClock reads
// the system, SimulatedClock moves only when told to, so an 8-hour shift runs in milliseconds.
//
// Thread-safety: a Clock belongs to one thread (the shard's loop). SimulatedClock is not
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "base/time.h"

namespace hotline {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC wall time: for records and events.
  virtual Instant Now() const = 0;
  // Monotonic time, never going backwards: for timers and measuring spans. Its epoch is
  // arbitrary; compare only with other MonotonicNow() values.
  virtual Instant MonotonicNow() const = 0;
};

class RealClock final : public Clock {
 public:
  Instant Now() const override;
  Instant MonotonicNow() const override;
};

// Deterministic clock with a timer queue. Timers fire in deadline order, then in the order they
// were scheduled. Now() == MonotonicNow().
class SimulatedClock final : public Clock {
 public:
  using TimerId = uint64_t;
  using Callback = std::function<void()>;

  explicit SimulatedClock(Instant start = Instant{}) : now_(start) {}

  Instant Now() const override { return now_; }
  Instant MonotonicNow() const override { return now_; }

  // Schedules `callback` at `deadline` (clamped to now). Returns an id for Cancel.
  TimerId Schedule(Instant deadline, Callback callback);
  // Cancels a pending timer. Returns false if it already fired or was never scheduled.
  bool Cancel(TimerId id);

  // Deadline of the earliest pending timer; Instant::max() when none.
  Instant NextDeadline() const;
  size_t pending() const { return timers_.size(); }

  // Fires every timer whose deadline is <= `until`, in order, moving Now() to each deadline, then
  // sets Now() to `until`. Timers scheduled by callbacks fire too when due. `until` must not be in
  // the past.
  void AdvanceTo(Instant until);
  void AdvanceBy(Duration d) { AdvanceTo(now_ + d); }
  // Fires the earliest pending timer (moving Now() to it). Returns false when none is pending.
  bool RunNext();

 private:
  // Key: (deadline, sequence) gives deadline-then-insertion order.
  std::map<std::pair<Instant, TimerId>, Callback> timers_;
  std::map<TimerId, Instant> deadline_of_;
  Instant now_;
  TimerId next_id_ = 1;
};

}  // namespace hotline
