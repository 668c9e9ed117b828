#include "flow/check.h"

#include <gtest/gtest.h>

namespace hotline::flow {
namespace {

Node Make(std::string name, NodeKind kind, std::string next) {
  return Node{.name = std::move(name), .kind = kind, .next = std::move(next)};
}

Flow Of(std::vector<Node> nodes) {
  Flow flow{.id = "f", .start = nodes.front().name};
  for (Node& n : nodes) flow.nodes[n.name] = n;
  return flow;
}

TEST(CheckTest, LoopOfSaysAndSetsIsFound) {
  Flow flow = Of({Make("a", NodeKind::kSay, "b"), Make("b", NodeKind::kSet, "c"),
                  Make("c", NodeKind::kPlay, "a")});
  auto loop = FindSilentLoop(flow);
  ASSERT_TRUE(loop.has_value());
  EXPECT_TRUE(*loop == "a" || *loop == "b" || *loop == "c");
}

TEST(CheckTest, LoopThroughHoursBranchIsFound) {
  Node hours = Make("h", NodeKind::kHours, "");
  hours.hours = {.hours = "x", .open = "end", .closed = "say"};
  Flow flow = Of({hours, Make("say", NodeKind::kSay, "h"), Make("end", NodeKind::kHangup, "")});
  EXPECT_TRUE(FindSilentLoop(flow).has_value());
}

TEST(CheckTest, LoopThroughMenuIsPacedByTheCaller) {
  Node menu = Make("menu", NodeKind::kMenu, "hello");
  menu.menu.options = {{'1', "hello"}};
  Flow flow = Of({Make("hello", NodeKind::kSay, "menu"), menu});
  EXPECT_FALSE(FindSilentLoop(flow).has_value());
}

TEST(CheckTest, SuccessorsListEachTargetOnce) {
  Node menu = Make("menu", NodeKind::kMenu, "x");
  menu.menu.options = {{'1', "a"}, {'2', "x"}, {'3', "a"}};
  EXPECT_EQ(Successors(menu), (std::vector<std::string>{"x", "a"}));
}

}  // namespace
}  // namespace hotline::flow
