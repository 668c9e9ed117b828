// The four roles of the API (spec/API.md) and sets of them. A user holds a RoleSet; an endpoint
// names the roles it allows and asks RoleSet::Intersects.
//
// Names are the API's spelling, lower case and exact: "admin", "supervisor", "agent", "analyst".
// Parsing rejects anything else with an InvalidArgument error whose field is "roles".
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hotline::api::auth {

enum class Role : uint8_t {
  kAdmin,       // users, configuration, everything
  kSupervisor,  // queues, agents, real-time views
  kAgent,       // acts only as its own agent
  kAnalyst,     // QA, WFM and reports: reads history and KPIs
};

inline constexpr int kRoleCount = 4;

// "admin", "supervisor", "agent", "analyst".
const char* RoleName(Role role);

// The role of that exact name, or InvalidArgument (field "roles") naming the text.
Result<Role> ParseRole(std::string_view name);

// A set of roles as a bitmask; bit i is Role(i). Persist bits() or Names(), never both.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role role : roles) Add(role);
  }
  static constexpr RoleSet All() { return FromBitsUnchecked((1u << kRoleCount) - 1); }
  // The set of those bits, or InvalidArgument when a bit names no role.
  static Result<RoleSet> FromBits(uint32_t bits);

  constexpr bool Has(Role role) const { return bits_ & Bit(role); }
  constexpr void Add(Role role) { bits_ |= Bit(role); }
  constexpr void Remove(Role role) { bits_ &= ~Bit(role); }
  constexpr bool empty() const { return bits_ == 0; }
  int size() const;
  // True when the sets share a role: "is any of `allowed` held?".
  constexpr bool Intersects(RoleSet allowed) const { return (bits_ & allowed.bits_) != 0; }
  constexpr uint32_t bits() const { return bits_; }

  // The roles in enum order.
  std::vector<Role> roles() const;
  // Their names in enum order: {"admin", "agent"}.
  std::vector<std::string> Names() const;

  friend constexpr bool operator==(RoleSet, RoleSet) = default;

 private:
  static constexpr uint32_t Bit(Role role) { return 1u << static_cast<uint32_t>(role); }
  static constexpr RoleSet FromBitsUnchecked(uint32_t bits) {
    RoleSet set;
    set.bits_ = bits;
    return set;
  }

  uint32_t bits_ = 0;
};

// A user's roles from a JSON array's strings. At least one role; each a known name, listed once.
// Errors (field "roles") say which entry is wrong: "roles[1]: unknown role 'boss' (expected admin,
// supervisor, agent or analyst)", "roles[2]: 'agent' is listed twice", "at least one role is
// required".
Result<RoleSet> ParseRoles(const std::vector<std::string>& names);

// The same from comma-separated text ("admin, agent"), for the command line and config files.
// Blanks around names are ignored; empty entries are errors.
Result<RoleSet> ParseRoleList(std::string_view text);

}  // namespace hotline::api::auth
