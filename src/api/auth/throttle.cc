#include "api/auth/throttle.h"

#include <arpa/inet.h>

#include <algorithm>

namespace hotline::api::auth {

namespace {

// User names longer than this are counted by their prefix: bounded memory per key.
constexpr size_t kMaxKeyBytes = 256;

std::string UserKey(std::string_view username) {
  return "u:" + std::string(username.substr(0, kMaxKeyBytes));
}

int64_t CeilSeconds(Duration d) { return (d.count() + 999'999) / 1'000'000; }

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleOptions options) : options_(options) {
  HOTLINE_CHECK(options_.max_failures_per_user >= 1 && options_.max_failures_per_address >= 1,
                "LoginThrottle needs max_failures >= 1");
  HOTLINE_CHECK(options_.max_entries >= 1, "LoginThrottle needs max_entries >= 1");
  HOTLINE_CHECK(
      options_.first_lockout > Duration::zero() && options_.max_lockout >= options_.first_lockout,
      "LoginThrottle needs 0 < first_lockout <= max_lockout");
}

std::string LoginThrottle::AddressKey(std::string_view address) {
  std::string text(address.substr(0, kMaxKeyBytes));
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    char buffer[INET6_ADDRSTRLEN];
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      if (inet_ntop(AF_INET, &v6.s6_addr[12], buffer, sizeof buffer))
        return "a:" + std::string(buffer);
    }
    std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
    if (inet_ntop(AF_INET6, &v6, buffer, sizeof buffer)) return "a:" + std::string(buffer) + "/64";
  }
  return "a:" + text;
}

const LoginThrottle::Entry* LoginThrottle::Find(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &*it->second;
}

LoginVerdict LoginThrottle::Check(std::string_view username, std::string_view address,
                                  Instant now) const {
  Instant until = now;
  for (const Entry* entry : {Find(UserKey(username)), Find(AddressKey(address))}) {
    if (entry && entry->locked_until > until) until = entry->locked_until;
  }
  if (until <= now) return {};
  const int64_t seconds = CeilSeconds(until - now);
  return {Error::ResourceExhausted("too many failed logins; try again in " +
                                   std::to_string(seconds) + " s"),
          seconds};
}

void LoginThrottle::RecordFailure(std::string_view username, std::string_view address,
                                  Instant now) {
  Fail(UserKey(username), options_.max_failures_per_user, now);
  Fail(AddressKey(address), options_.max_failures_per_address, now);
}

void LoginThrottle::RecordSuccess(std::string_view username) {
  auto it = entries_.find(UserKey(username));
  if (it == entries_.end()) return;
  lru_.erase(it->second);
  entries_.erase(it);
}

Duration LoginThrottle::Lockout(int lockouts) const {
  Duration lockout = options_.first_lockout;
  for (int i = 0; i < lockouts && lockout < options_.max_lockout; ++i) lockout *= 2;
  return std::min(lockout, options_.max_lockout);
}

void LoginThrottle::Fail(std::string key, int max_failures, Instant now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_entries) {
      entries_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front(Entry{key, {}, {}, {}, 0});
    it = entries_.emplace(std::move(key), lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently failed first
  }
  Entry& entry = *it->second;
  if (entry.locked_until > now) return;  // refused attempts are not counted again
  // Quiet for a whole window since the last failure and lockout: a fresh start.
  if (now >= std::max(entry.last_failure, entry.locked_until) + options_.window) {
    entry.lockouts = 0;
  }
  entry.last_failure = now;
  std::erase_if(entry.failures, [&](Instant t) { return t <= now - options_.window; });
  entry.failures.push_back(now);
  if (static_cast<int>(entry.failures.size()) >= max_failures) {
    entry.locked_until = now + Lockout(entry.lockouts);
    ++entry.lockouts;
    entry.failures.clear();
  }
}

}  // namespace hotline::api::auth
