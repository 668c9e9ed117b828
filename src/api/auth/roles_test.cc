#include "api/auth/roles.h"

#include <gtest/gtest.h>

namespace hotline::api::auth {
namespace {

TEST(Roles, NamesRoundTrip) {
  for (Role role : {Role::kAdmin, Role::kSupervisor, Role::kAgent, Role::kAnalyst}) {
    auto parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_STREQ(RoleName(Role::kAnalyst), "analyst");
}

TEST(Roles, ParseIsExactAndLowerCase) {
  for (const char* bad : {"Admin", "ADMIN", " admin", "admins", "", "root"}) {
    auto parsed = ParseRole(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().field, "roles");
  }
  EXPECT_EQ(ParseRole("root").error().message,
            "unknown role 'root' (expected admin, supervisor, agent or analyst)");
}

TEST(RoleSet, HoldsRolesAsBits) {
  RoleSet set{Role::kAgent, Role::kAdmin};
  EXPECT_TRUE(set.Has(Role::kAdmin));
  EXPECT_TRUE(set.Has(Role::kAgent));
  EXPECT_FALSE(set.Has(Role::kSupervisor));
  EXPECT_EQ(set.size(), 2);
  EXPECT_EQ(set.bits(), 0b0101u);
  EXPECT_EQ(set.Names(), (std::vector<std::string>{"admin", "agent"}));
  set.Remove(Role::kAdmin);
  EXPECT_EQ(set, RoleSet{Role::kAgent});
  EXPECT_TRUE(RoleSet().empty());
  EXPECT_EQ(RoleSet::All().size(), kRoleCount);
}

TEST(RoleSet, IntersectsAnswersWhetherAnyAllowedRoleIsHeld) {
  const RoleSet supervisor_or_admin{Role::kSupervisor, Role::kAdmin};
  EXPECT_TRUE((RoleSet{Role::kAdmin}).Intersects(supervisor_or_admin));
  EXPECT_FALSE((RoleSet{Role::kAgent, Role::kAnalyst}).Intersects(supervisor_or_admin));
  EXPECT_FALSE(RoleSet().Intersects(RoleSet::All()));
}

TEST(RoleSet, FromBitsRejectsUnknownBits) {
  auto ok = RoleSet::FromBits(0b1010);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (RoleSet{Role::kSupervisor, Role::kAnalyst}));
  auto bad = RoleSet::FromBits(0b10000);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "roles");
}

TEST(ParseRoles, AcceptsKnownNamesInAnyOrder) {
  auto set = ParseRoles({"analyst", "supervisor"});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, (RoleSet{Role::kSupervisor, Role::kAnalyst}));
}

TEST(ParseRoles, ErrorNamesTheBadEntry) {
  auto unknown = ParseRoles({"agent", "boss"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "roles");
  EXPECT_EQ(unknown.error().message,
            "roles[1]: unknown role 'boss' (expected admin, supervisor, agent or analyst)");
  auto twice = ParseRoles({"agent", "admin", "agent"});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "roles[2]: 'agent' is listed twice");
  auto none = ParseRoles({});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "at least one role is required");
}

TEST(ParseRoleList, SplitsOnCommasAndTrimsBlanks) {
  auto set = ParseRoleList(" admin ,agent");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, (RoleSet{Role::kAdmin, Role::kAgent}));
  auto empty_entry = ParseRoleList("admin,,agent");
  ASSERT_FALSE(empty_entry.ok());
  EXPECT_EQ(empty_entry.error().message, "roles[1]: empty role name");
  auto blank = ParseRoleList("  ");
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error().message, "at least one role is required");
}

}  // namespace
}  // namespace hotline::api::auth
