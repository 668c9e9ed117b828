// Where each agent's SIP phones can be reached: the location service of RFC 3261 §10, filled by
// REGISTER and read when an offer rings an agent. Pure bookkeeping: no I/O, no clock (every call
// takes `now`), no authentication (the SIP layer checks digest credentials before Bind).
//
// Contacts are compared as exact strings (the SIP layer passes the Contact URI as received).
// Expired bindings are never returned and are dropped on the next Bind for that agent or on
// Expire().
//
// Thread-safety: every method takes an internal mutex; the SIP thread writes while call threads
// read.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/time.h"

namespace hotline::voice::sip {

struct Binding {
  std::string agent;
  std::string contact;  // "sip:a1@127.0.0.1:5062;transport=udp"
  Instant expires{};
  std::string user_agent;
};

class Registrar {
 public:
  static constexpr Duration kMinExpires = Seconds(60);
  static constexpr Duration kMaxExpires = Seconds(3600);
  static constexpr Duration kDefaultExpires = Seconds(600);  // pass when REGISTER gave none
  static constexpr size_t kMaxContactsPerAgent = 10;

  // Adds or refreshes a binding and returns the expiry granted: `expires` clamped to [60 s,
  // 3600 s]. Expires 0 removes the binding (and returns 0); contact "*" removes all the agent's
  // bindings (RFC 3261 §10.3 step 6). An 11th contact replaces the least recently refreshed.
  Duration Bind(const std::string& agent, const std::string& contact, Duration expires,
                std::string user_agent, Instant now);
  void Unbind(const std::string& agent, const std::string& contact);
  void UnbindAll(const std::string& agent);

  // The agent's bindings that have not expired at `now`, least recently refreshed first.
  std::vector<Binding> Contacts(const std::string& agent, Instant now) const;
  // Every binding not expired at `now`, by agent (for the API).
  std::vector<Binding> All(Instant now) const;
  // Drops the bindings expired at `now`; returns how many.
  size_t Expire(Instant now);
  // Bindings held, expired ones not yet dropped included.
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Binding>> bindings_;  // agent -> by refresh order
};

}  // namespace hotline::voice::sip
