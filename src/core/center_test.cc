#include "core/center.h"

#include <gtest/gtest.h>

#include <string>

namespace hotline::core {
namespace {

// Two skills, two queues, a profile, two agents: every invariant holds.
CenterDefinition ValidCenter() {
  CenterDefinition c;
  c.name = "Test";
  c.skills = {{"support", "Support"}, {"billing", "Billing"}};
  c.dispositions = {{"resolved", "Resolved"}};
  for (const char* id : {"a1", "a2"}) {
    AgentDefinition a;
    a.id = id;
    a.capacity[static_cast<size_t>(Channel::kVoice)] = 1;
    a.skills[SkillId(0)] = 3;
    c.agents.push_back(a);
  }
  c.agents[0].profile = ProfileId(0);
  Queue support;
  support.id = "support";
  support.members = {{AgentId(0), 1, 0}, {AgentId(1), 2, 1}};
  Step step;
  step.requirements = {{SkillId(0), 2, false}, {SkillId(1), 1, true}};
  Ring r0;
  Ring r1;
  r1.after = Seconds(30);
  r1.max_tier = 2;
  step.rings = {r0, r1};
  support.plan = {step};
  Queue billing;
  billing.id = "billing";
  billing.plan = {Step{}};
  c.queues = {support, billing};
  ExceptionRule overflow;
  overflow.trigger = ExceptionTrigger::kWaitAtLeast;
  overflow.threshold = Seconds(120);
  overflow.action = ExceptionAction::kMoveToQueue;
  overflow.queue = QueueId(1);
  c.queues[0].exceptions = {overflow};
  c.profiles = {{"frontline", {{QueueId(0), 0, Seconds(0)}, {QueueId(1), 1, Seconds(30)}}, false}};
  return c;
}

void ExpectInvalid(const CenterDefinition& c, const std::string& message,
                   const std::string& field) {
  Status status = ValidateCenter(c);
  ASSERT_FALSE(status.ok()) << "expected: " << message;
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().message, message);
  EXPECT_EQ(status.error().field, field);
}

TEST(CenterTest, ValidCenterPasses) {
  Status status = ValidateCenter(ValidCenter());
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(CenterTest, EmptyCenterPasses) { EXPECT_TRUE(ValidateCenter(CenterDefinition{}).ok()); }

TEST(CenterTest, QueueWithoutStepsIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[1].plan.clear();
  ExpectInvalid(c, "queue 'billing': plan must have at least one step", "queues.billing.plan");
}

TEST(CenterTest, UnsortedRingsNameQueueStepAndField) {
  CenterDefinition c = ValidCenter();
  c.queues[0].plan.push_back(c.queues[0].plan[0]);
  std::swap(c.queues[0].plan[1].rings[0], c.queues[0].plan[1].rings[1]);
  ExpectInvalid(c, "queue 'support': plan step 2: rings must be sorted by 'after'",
                "queues.support.plan[1].rings");
}

TEST(CenterTest, DuplicateIdIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.agents[1].id = "a1";
  ExpectInvalid(c, "agent #2: duplicate id 'a1'", "agents[1].id");
}

TEST(CenterTest, EmptyIdIsNamedByIndex) {
  CenterDefinition c = ValidCenter();
  c.skills[1].id.clear();
  ExpectInvalid(c, "skill #2: id must not be empty", "skills[1].id");
}

TEST(CenterTest, SameIdInDifferentKindsIsFine) {
  CenterDefinition c = ValidCenter();
  c.dispositions[0].id = "support";  // also a skill and a queue
  EXPECT_TRUE(ValidateCenter(c).ok());
}

TEST(CenterTest, MemberIndexOutOfRangeIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[0].members[1].agent = AgentId(7);
  ExpectInvalid(c, "queue 'support': member agent index out of range", "queues.support.members[1]");
}

TEST(CenterTest, MemberTierBelowOneIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[0].members[0].tier = 0;
  ExpectInvalid(c, "queue 'support': member tier must be at least 1",
                "queues.support.members[0].tier");
}

TEST(CenterTest, RequirementSkillOutOfRangeIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[0].plan[0].requirements[0].skill = SkillId{};  // invalid id
  ExpectInvalid(c, "queue 'support': plan step 1: skill index out of range",
                "queues.support.plan[0].requires[0]");
}

TEST(CenterTest, StepQueueOutOfRangeIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[1].plan[0].queue = QueueId(2);
  ExpectInvalid(c, "queue 'billing': plan step 1: queue index out of range",
                "queues.billing.plan[0].queue");
}

TEST(CenterTest, ParallelCountBelowOneIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[1].offer_mode = OfferMode::kParallel;
  c.queues[1].parallel_count = 0;
  ExpectInvalid(c, "queue 'billing': parallel count must be at least 1", "queues.billing.offer");
}

TEST(CenterTest, EmptyAgentOrderIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[1].agent_order.clear();
  ExpectInvalid(c, "queue 'billing': agent_order must not be empty", "queues.billing.agent_order");
}

TEST(CenterTest, MoveToOwnQueueIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[0].exceptions[0].queue = QueueId(0);
  ExpectInvalid(c, "queue 'support': exception 1: moves to its own queue",
                "queues.support.exceptions[0].do");
}

TEST(CenterTest, NonPositiveMaxLengthIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.queues[1].admission.max_length = 0;
  ExpectInvalid(c, "queue 'billing': max_length must be at least 1",
                "queues.billing.admission.max_length");
}

TEST(CenterTest, NegativeCapacityIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.agents[1].capacity[static_cast<size_t>(Channel::kChat)] = -1;
  ExpectInvalid(c, "agent 'a2': capacity must not be negative", "agents.a2.capacity.chat");
}

TEST(CenterTest, SkillLevelBelowOneIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.agents[0].skills[SkillId(1)] = 0;
  ExpectInvalid(c, "agent 'a1': level of skill 'billing' must be at least 1",
                "agents.a1.skills.billing");
}

TEST(CenterTest, ProfileOutOfRangeIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.agents[1].profile = ProfileId(3);
  ExpectInvalid(c, "agent 'a2': profile index out of range", "agents.a2.profile");
}

TEST(CenterTest, NonPositiveAgentWeightIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.agents[0].weight = 0;
  ExpectInvalid(c, "agent 'a1': weight must be a positive number", "agents.a1.weight");
}

TEST(CenterTest, ProfileListingAQueueTwiceIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.profiles[0].queues[1].queue = QueueId(0);
  ExpectInvalid(c, "profile 'frontline': queue 'support' is listed twice",
                "profiles.frontline.queues[1].queue");
}

TEST(CenterTest, ZeroOfferTimeoutIsInvalid) {
  CenterDefinition c = ValidCenter();
  c.settings.offer_timeout = Duration::zero();
  ExpectInvalid(c, "settings: offer_timeout must be positive", "settings.offer_timeout");
}

TEST(CenterTest, FindReturnsIndexByIdOrNothing) {
  CenterDefinition c = ValidCenter();
  EXPECT_EQ(c.FindSkill("billing"), SkillId(1));
  EXPECT_EQ(c.FindQueue("billing"), QueueId(1));
  EXPECT_EQ(c.FindAgent("a2"), AgentId(1));
  EXPECT_EQ(c.FindProfile("frontline"), ProfileId(0));
  EXPECT_FALSE(c.FindSkill("cooking").has_value());
  EXPECT_FALSE(c.FindQueue("").has_value());
  EXPECT_FALSE(c.FindAgent("a3").has_value());
  EXPECT_FALSE(c.FindProfile("night").has_value());
  EXPECT_TRUE(c.HasDisposition("resolved"));
  EXPECT_FALSE(c.HasDisposition("Resolved"));
}

TEST(CenterTest, AgentOrderNamesRoundTrip) {
  for (AgentOrder o :
       {AgentOrder::kLongestIdle, AgentOrder::kLeastTalkTime, AgentOrder::kFewestHandled,
        AgentOrder::kMostSkilled, AgentOrder::kRoundRobin, AgentOrder::kTopDown,
        AgentOrder::kSequentialByPosition, AgentOrder::kRandom, AgentOrder::kWeightedRandom,
        AgentOrder::kLeastOccupied, AgentOrder::kMostAvailableCapacity, AgentOrder::kTier}) {
    std::string_view name = AgentOrderName(o);
    EXPECT_NE(name, "unknown");
    EXPECT_EQ(ParseAgentOrder(name), o) << name;
  }
  EXPECT_EQ(AgentOrderName(AgentOrder::kMostAvailableCapacity), "most_available_capacity");
}

TEST(CenterTest, LinearIsAnAliasOfTopDown) {
  EXPECT_EQ(ParseAgentOrder("linear"), AgentOrder::kTopDown);
  EXPECT_EQ(AgentOrderName(AgentOrder::kTopDown), "top_down");
}

TEST(CenterTest, UnknownAgentOrderIsNothing) {
  EXPECT_FALSE(ParseAgentOrder("fastest").has_value());
  EXPECT_FALSE(ParseAgentOrder("Longest_Idle").has_value());
  EXPECT_FALSE(ParseAgentOrder("").has_value());
}

TEST(CenterTest, ChannelNamesRoundTrip) {
  for (Channel c : kAllChannels) EXPECT_EQ(ParseChannel(ChannelName(c)), c);
  EXPECT_EQ(ChannelName(Channel::kCallback), "callback");
  EXPECT_FALSE(ParseChannel("sms").has_value());
}

TEST(CenterTest, CrossChannelRuleNamesRoundTrip) {
  for (CrossChannelRule r :
       {CrossChannelRule::kAny, CrossChannelRule::kSameChannelOnly, CrossChannelRule::kExclusive}) {
    EXPECT_EQ(ParseCrossChannelRule(CrossChannelRuleName(r)), r);
  }
  EXPECT_EQ(CrossChannelRuleName(CrossChannelRule::kSameChannelOnly), "same_channel_only");
  EXPECT_FALSE(ParseCrossChannelRule("all").has_value());
}

}  // namespace
}  // namespace hotline::core
