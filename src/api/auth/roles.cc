#include "api/auth/roles.h"

#include <bit>

namespace hotline::api::auth {

namespace {

constexpr const char* kNames[kRoleCount] = {"admin", "supervisor", "agent", "analyst"};
constexpr const char* kExpected = "expected admin, supervisor, agent or analyst";

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

const char* RoleName(Role role) {
  const auto index = static_cast<int>(role);
  HOTLINE_CHECK(index >= 0 && index < kRoleCount, "RoleName of a value that is not a Role");
  return kNames[index];
}

Result<Role> ParseRole(std::string_view name) {
  for (int i = 0; i < kRoleCount; ++i) {
    if (name == kNames[i]) return static_cast<Role>(i);
  }
  return Error::InvalidArgument("unknown role '" + std::string(name) + "' (" + kExpected + ")",
                                "roles");
}

Result<RoleSet> RoleSet::FromBits(uint32_t bits) {
  if (bits & ~All().bits()) {
    return Error::InvalidArgument("role bits " + std::to_string(bits) + " name no role", "roles");
  }
  return FromBitsUnchecked(bits);
}

int RoleSet::size() const { return std::popcount(bits_); }

std::vector<Role> RoleSet::roles() const {
  std::vector<Role> result;
  for (int i = 0; i < kRoleCount; ++i) {
    if (Has(static_cast<Role>(i))) result.push_back(static_cast<Role>(i));
  }
  return result;
}

std::vector<std::string> RoleSet::Names() const {
  std::vector<std::string> result;
  for (Role role : roles()) result.emplace_back(RoleName(role));
  return result;
}

Result<RoleSet> ParseRoles(const std::vector<std::string>& names) {
  if (names.empty()) return Error::InvalidArgument("at least one role is required", "roles");
  RoleSet set;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string where = "roles[" + std::to_string(i) + "]: ";
    Result<Role> role = ParseRole(names[i]);
    if (!role.ok()) return Error::InvalidArgument(where + role.error().message, "roles");
    if (set.Has(*role)) {
      return Error::InvalidArgument(where + "'" + names[i] + "' is listed twice", "roles");
    }
    set.Add(*role);
  }
  return set;
}

Result<RoleSet> ParseRoleList(std::string_view text) {
  std::vector<std::string> names;
  if (!Trim(text).empty()) {
    size_t start = 0;
    while (true) {
      const size_t comma = text.find(',', start);
      const std::string_view entry =
          Trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (entry.empty()) {
        return Error::InvalidArgument(
            "roles[" + std::to_string(names.size()) + "]: empty role name", "roles");
      }
      names.emplace_back(entry);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return ParseRoles(names);
}

}  // namespace hotline::api::auth
