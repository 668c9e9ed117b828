// Login throttling: slows password guessing against one account and from one address.
//
// Two kinds of key, counted separately: the user name (as the caller canonicalises it) and the
// remote address (an IPv6 address counts by its /64, which one client usually holds whole). For
// each key: `max_failures` failed logins within `window` lock the key; while locked every attempt
// is refused before any password is checked. Lockouts double from `first_lockout` up to
// `max_lockout` for a key that keeps failing; a key that stays quiet for `window` after its last
// failure and lockout starts over. A successful login clears the user name's key, not the
// address's (one valid account must not reset an address that guesses at others).
//
// Memory: at most `max_entries` keys; a new key beyond that evicts the one least recently failed.
// Only failures create keys, so normal traffic costs nothing.
//
// Time: every call takes `now`; nothing here reads a clock.
// Thread-safety: none; one owner thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace hotline::api::auth {

struct LoginThrottleOptions {
  int max_failures_per_user = 5;
  // Many agents may share one NAT address: raise this there rather than lock a whole floor out.
  int max_failures_per_address = 5;
  Duration window = Seconds(15 * 60);
  Duration first_lockout = Seconds(30);
  Duration max_lockout = Seconds(15 * 60);
  size_t max_entries = 65536;
};

struct LoginVerdict {
  // OK, or kResourceExhausted: "too many failed logins; try again in 30 s".
  Status status;
  // Whole seconds until an attempt may succeed, rounded up (for Retry-After); 0 when allowed.
  int64_t retry_after_seconds = 0;

  bool allowed() const { return status.ok(); }
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {});

  // Whether a login attempt may proceed. Changes nothing.
  LoginVerdict Check(std::string_view username, std::string_view address, Instant now) const;
  // A wrong password (or unknown user). Ignored for a key that is locked at `now`.
  void RecordFailure(std::string_view username, std::string_view address, Instant now);
  // A correct password: the user name's failures and lockout history are forgotten.
  void RecordSuccess(std::string_view username);

  size_t size() const { return entries_.size(); }

  // The key an address is counted under: IPv6 by its /64 ("2001:db8:1:2::/64"), an IPv4-mapped
  // IPv6 address as IPv4, anything else as given.
  static std::string AddressKey(std::string_view address);

 private:
  struct Entry {
    std::string key;
    std::vector<Instant> failures;  // within the window, oldest first; at most max_failures
    Instant locked_until{};
    Instant last_failure{};
    int lockouts = 0;  // consecutive lockouts: the next one lasts first_lockout * 2^lockouts
  };
  using Lru = std::list<Entry>;  // most recently failed at the front

  const Entry* Find(const std::string& key) const;
  void Fail(std::string key, int max_failures, Instant now);
  Duration Lockout(int lockouts) const;

  LoginThrottleOptions options_;
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> entries_;
};

}  // namespace hotline::api::auth
