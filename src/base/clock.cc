#include "base/clock.h"

namespace hotline {

Instant RealClock::Now() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

Instant RealClock::MonotonicNow() const {
  auto since = std::chrono::steady_clock::now().time_since_epoch();
  return Instant(std::chrono::duration_cast<Duration>(since));
}

SimulatedClock::TimerId SimulatedClock::Schedule(Instant deadline, Callback callback) {
  if (deadline < now_) deadline = now_;
  TimerId id = next_id_++;
  timers_.emplace(std::make_pair(deadline, id), std::move(callback));
  deadline_of_.emplace(id, deadline);
  return id;
}

bool SimulatedClock::Cancel(TimerId id) {
  auto it = deadline_of_.find(id);
  if (it == deadline_of_.end()) return false;
  timers_.erase(std::make_pair(it->second, id));
  deadline_of_.erase(it);
  return true;
}

Instant SimulatedClock::NextDeadline() const {
  return timers_.empty() ? Instant::max() : timers_.begin()->first.first;
}

bool SimulatedClock::RunNext() {
  if (timers_.empty()) return false;
  auto node = timers_.extract(timers_.begin());
  deadline_of_.erase(node.key().second);
  now_ = node.key().first;
  node.mapped()();
  return true;
}

void SimulatedClock::AdvanceTo(Instant until) {
  HOTLINE_CHECK(until >= now_, "SimulatedClock cannot go backwards");
  while (!timers_.empty() && timers_.begin()->first.first <= until) RunNext();
  now_ = until;
}

}  // namespace hotline
