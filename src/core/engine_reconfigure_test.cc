// Engine::Reconfigure (engine.h): a new center applied while interactions, offers and agents are
// live. The randomized side (random changes, invariants, reconfiguring with the running center
// over long runs) is in engine_fuzz_test.cc; these are the promises one at a time.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/center.h"
#include "core/engine.h"
#include "core/events.h"

namespace hotline::core {
namespace {

enum : uint32_t { kSupportSkill, kSpanishSkill, kBillingSkill };
enum : uint32_t { kSupport, kSpanish, kBilling };
enum : uint32_t { kA0, kA1, kA2 };

Instant At(double s) { return Instant{} + Seconds(s); }

AgentDefinition Agent(std::string id, std::map<SkillId, int> skills) {
  AgentDefinition a;
  a.id = std::move(id);
  a.skills = std::move(skills);
  a.capacity[static_cast<int>(Channel::kVoice)] = 1;
  a.capacity[static_cast<int>(Channel::kChat)] = 2;
  return a;
}

Step Requires(uint32_t skill, int level) {
  Step s;
  s.requirements = {{SkillId(skill), level, false}};
  return s;
}

// support: anyone with support >= 1. spanish: spanish >= 3 for 60 s, then billing >= 1 for 60 s.
// billing: billing >= 1 (nobody has it), max wait 60 s. Wrap-up none, offers ring 30 s.
CenterDefinition MakeCenter() {
  CenterDefinition c;
  c.name = "reconfigure";
  c.settings.wrapup = WrapupPolicy{WrapupMode::kNone, Seconds(0)};
  c.settings.offer_timeout = Seconds(30);
  c.skills = {{"support", "Support"}, {"spanish", "Spanish"}, {"billing", "Billing"}};
  c.dispositions = {{"resolved", "Resolved"}};
  c.agents = {Agent("a0", {{SkillId(kSupportSkill), 3}}),
              Agent("a1", {{SkillId(kSupportSkill), 1}, {SkillId(kSpanishSkill), 2}}),
              Agent("a2", {{SkillId(kSupportSkill), 2}})};
  Queue support;
  support.id = "support";
  support.plan = {Requires(kSupportSkill, 1)};
  Queue spanish;
  spanish.id = "spanish";
  spanish.plan = {Requires(kSpanishSkill, 3), Requires(kBillingSkill, 1)};
  spanish.plan[0].timeout = Seconds(60);
  spanish.plan[1].timeout = Seconds(60);
  Queue billing;
  billing.id = "billing";
  billing.plan = {Requires(kBillingSkill, 1)};
  billing.admission.max_wait = Seconds(60);
  c.queues = {support, spanish, billing};
  c.profiles = {{"frontline", {{QueueId(kSupport), 0, Seconds(0)}}, false}};
  return c;
}

InteractionId Create(Engine& e, uint32_t queue, Instant now, Channel channel = Channel::kVoice) {
  InteractionSpec spec;
  spec.queue = QueueId(queue);
  spec.channel = channel;
  Result<InteractionId> id = e.CreateInteraction(spec, now);
  EXPECT_TRUE(id.ok());
  return *id;
}

void Ready(Engine& e, uint32_t agent, Instant now) {
  ASSERT_TRUE(e.SetPresence(AgentId(agent), Presence::kReady, "", now).ok());
}

std::string Describe(const Event& e) {
  return std::to_string(ToSeconds(e.at - Instant{})) + " " + std::string(EventTypeName(e.type)) +
         " i=" + std::to_string(e.interaction.value()) + " a=" + std::to_string(e.agent.value()) +
         " q=" + std::to_string(e.queue.value()) + " o=" + std::to_string(e.offer.value()) +
         " step=" + std::to_string(e.step) + " prio=" + std::to_string(e.priority) +
         " level=" + std::to_string(e.level) + " r=" + e.reason;
}

std::vector<std::string> Drain(Engine& e) {
  std::vector<std::string> out;
  for (const Event& ev : e.output().events) out.push_back(Describe(ev));
  e.ClearOutput();
  return out;
}

bool Has(const Engine& e, EventType type, InteractionId id = {}, std::string reason = "-") {
  for (const Event& ev : const_cast<Engine&>(e).output().events) {
    if (ev.type == type && (!id.valid() || ev.interaction == id) &&
        (reason == "-" || ev.reason == reason)) {
      return true;
    }
  }
  return false;
}

std::vector<AgentId> OfferedTo(const Engine& e, InteractionId id) {
  std::vector<AgentId> agents;
  std::optional<InteractionView> v = e.interaction(id);
  if (!v) return agents;
  for (OfferId o : v->pending_offers) agents.push_back(e.offer(o)->agent);
  return agents;
}

TEST(EngineReconfigure, WithTheRunningCenterNothingChangesNowOrLater) {
  // Two engines get the same commands; one is also reconfigured with its own center while
  // interactions wait, ring, talk and wrap up, an agent is in back-off and timers are pending.
  CenterDefinition center = MakeCenter();
  center.settings.wrapup = WrapupPolicy{WrapupMode::kTimed, Seconds(20)};
  center.settings.backoff_reject = Seconds(15);
  Engine plain(center, 7);
  Engine changed(center, 7);
  std::vector<std::string> plain_events, changed_events;
  auto both = [&](const std::function<void(Engine&)>& command) {
    command(plain);
    command(changed);
    for (std::string& s : Drain(plain)) plain_events.push_back(std::move(s));
    for (std::string& s : Drain(changed)) changed_events.push_back(std::move(s));
  };
  both([](Engine& e) {
    Ready(e, kA0, At(0));
    Ready(e, kA1, At(0));
    Ready(e, kA2, At(0));
  });
  both([](Engine& e) {
    for (int i = 0; i < 5; ++i) Create(e, kSupport, At(1));
    Create(e, kSpanish, At(1));
    Create(e, kBilling, At(1));
  });
  both([](Engine& e) {
    ASSERT_TRUE(e.AcceptOffer(e.OffersOf(AgentId(kA0))[0].id, At(2)).ok());
    ASSERT_TRUE(e.RejectOffer(e.OffersOf(AgentId(kA1))[0].id, RejectReason::kDeclined, At(2)).ok());
    ASSERT_TRUE(e.EndInteraction(InteractionId(1), At(3)).ok());  // a0 wraps up until 23 s
    ASSERT_TRUE(e.SetAgentSkill(AgentId(kA2), SkillId(kSpanishSkill), 3, At(3)).ok());
    e.AdvanceTo(At(10));
  });
  ASSERT_EQ(plain_events, changed_events);
  ASSERT_TRUE(changed.Reconfigure(changed.center(), At(10)).ok());
  EXPECT_TRUE(changed.output().events.empty());
  EXPECT_TRUE(changed.output().effects.empty());
  EXPECT_EQ(changed.NextDeadline(), plain.NextDeadline());
  both([](Engine& e) {
    e.AdvanceTo(At(40));
    for (AgentId a : {AgentId(kA0), AgentId(kA1), AgentId(kA2)}) {
      for (const OfferView& o : e.OffersOf(a)) ASSERT_TRUE(e.AcceptOffer(o.id, At(40)).ok());
    }
    e.AdvanceTo(At(600));
  });
  EXPECT_EQ(plain_events, changed_events);
  EXPECT_GT(plain_events.size(), 30u);
}

TEST(EngineReconfigure, AnAppendedAgentStartsLoggedOutAndOnceReadyTakesTheWaitingInteraction) {
  Engine e(MakeCenter());
  InteractionId waiting = Create(e, kBilling, At(0));
  CenterDefinition next = e.center();
  next.agents.push_back(Agent("a3", {{SkillId(kBillingSkill), 1}}));
  e.ClearOutput();
  ASSERT_TRUE(e.Reconfigure(next, At(5)).ok());
  EXPECT_TRUE(e.output().events.empty());
  EXPECT_EQ(e.agent(AgentId(3)).presence, Presence::kLoggedOut);
  EXPECT_EQ(e.center().agents.size(), 4u);
  EXPECT_EQ(e.interaction(waiting)->state, InteractionState::kQueued);
  Ready(e, 3, At(6));
  EXPECT_EQ(OfferedTo(e, waiting), std::vector<AgentId>{AgentId(3)});
}

TEST(EngineReconfigure, ALoweredRequiredLevelRoutesAtTheChangeAndARaisedOneNarrowsTheField) {
  Engine e(MakeCenter());
  Ready(e, kA1, At(0));  // spanish 2; the queue needs 3
  InteractionId first = Create(e, kSpanish, At(0));
  EXPECT_EQ(e.interaction(first)->state, InteractionState::kQueued);
  CenterDefinition next = e.center();
  next.queues[kSpanish].plan[0].requirements[0].min_level = 2;
  e.ClearOutput();
  ASSERT_TRUE(e.Reconfigure(next, At(10)).ok());
  EXPECT_TRUE(Has(e, EventType::kInteractionOffered, first));
  EXPECT_EQ(OfferedTo(e, first), std::vector<AgentId>{AgentId(kA1)});
  ASSERT_TRUE(e.AcceptOffer(e.OffersOf(AgentId(kA1))[0].id, At(11)).ok());
  ASSERT_TRUE(e.EndInteraction(first, At(12)).ok());

  next.queues[kSpanish].plan[0].requirements[0].min_level = 3;
  ASSERT_TRUE(e.Reconfigure(next, At(13)).ok());
  InteractionId second = Create(e, kSpanish, At(14));
  EXPECT_EQ(e.interaction(second)->state, InteractionState::kQueued);
  EXPECT_FALSE(e.IsEligible(AgentId(kA1), second, At(14)));
  Result<Explanation> why = e.Explain(second, At(14));
  ASSERT_TRUE(why.ok());
  bool explained = false;
  for (const CandidateExplanation& c : why->candidates) {
    if (c.agent != AgentId(kA1)) continue;
    explained = true;
    EXPECT_EQ(c.reason, Ineligibility::kRequirementNotMet);
    EXPECT_EQ(c.detail, "spanish >= 3");
  }
  EXPECT_TRUE(explained);
}

TEST(EngineReconfigure, WaitingInteractionsKeepTheirAgeAndPlaceInLine) {
  Engine e(MakeCenter());
  InteractionId i1 = Create(e, kSupport, At(0));
  InteractionId i2 = Create(e, kSupport, At(5));
  InteractionId i3 = Create(e, kSupport, At(10));
  CenterDefinition next = e.center();
  next.queues[kSupport].agent_order = {AgentOrder::kMostSkilled};
  next.queues[kSupport].sl_threshold = Seconds(60);
  ASSERT_TRUE(e.Reconfigure(next, At(20)).ok());
  EXPECT_EQ(e.interaction(i1)->age_since, At(0));
  EXPECT_EQ(e.interaction(i2)->age_since, At(5));
  EXPECT_EQ(e.interaction(i3)->age_since, At(10));
  EXPECT_EQ(e.queue(QueueId(kSupport)).waiting, 3);
  EXPECT_EQ(e.queue(QueueId(kSupport)).oldest_since, At(0));
  Ready(e, kA0, At(21));
  EXPECT_EQ(OfferedTo(e, i1), std::vector<AgentId>{AgentId(kA0)});
  Ready(e, kA1, At(22));
  EXPECT_EQ(OfferedTo(e, i2), std::vector<AgentId>{AgentId(kA1)});
}

TEST(EngineReconfigure, ANewTaskOrderReordersTheLine) {
  Engine e(MakeCenter());
  Create(e, kSupport, At(0));
  Create(e, kSupport, At(5));
  InteractionId newest = Create(e, kSupport, At(10));
  CenterDefinition next = e.center();
  next.queues[kSupport].lifo = true;
  ASSERT_TRUE(e.Reconfigure(next, At(20)).ok());
  Ready(e, kA0, At(21));
  EXPECT_EQ(OfferedTo(e, newest), std::vector<AgentId>{AgentId(kA0)});
}

TEST(EngineReconfigure, AnOfferPendingDuringTheChangeCanStillBeAccepted) {
  Engine e(MakeCenter());
  Ready(e, kA0, At(0));
  InteractionId id = Create(e, kSupport, At(0));
  ASSERT_EQ(e.OffersOf(AgentId(kA0)).size(), 1u);
  OfferId offer = e.OffersOf(AgentId(kA0))[0].id;
  CenterDefinition next = e.center();
  next.queues[kSupport].plan[0].requirements[0].min_level = 5;  // a0 no longer qualifies
  e.ClearOutput();
  ASSERT_TRUE(e.Reconfigure(next, At(3)).ok());
  EXPECT_FALSE(Has(e, EventType::kOfferRescinded));
  ASSERT_TRUE(e.offer(offer).has_value());
  EXPECT_EQ(e.offer(offer)->deadline, At(30));  // the deadline it was rung with
  ASSERT_TRUE(e.AcceptOffer(offer, At(4)).ok());
  EXPECT_EQ(e.interaction(id)->state, InteractionState::kAssigned);
  EXPECT_EQ(e.interaction(id)->agent, AgentId(kA0));
}

TEST(EngineReconfigure, OffersRungUnderAWiderOfferModeKeepRingingAndNoMoreAreAdded) {
  CenterDefinition center = MakeCenter();
  center.queues[kSupport].offer_mode = OfferMode::kRingAll;
  Engine e(center);
  Ready(e, kA0, At(0));
  Ready(e, kA2, At(0));
  InteractionId id = Create(e, kSupport, At(1));
  EXPECT_EQ(OfferedTo(e, id).size(), 2u);
  CenterDefinition next = e.center();
  next.queues[kSupport].offer_mode = OfferMode::kSingle;
  ASSERT_TRUE(e.Reconfigure(next, At(2)).ok());
  EXPECT_EQ(OfferedTo(e, id).size(), 2u);
  Ready(e, kA1, At(3));  // single: the interaction rings enough agents already
  EXPECT_TRUE(e.OffersOf(AgentId(kA1)).empty());
  ASSERT_TRUE(e.RejectOffer(e.OffersOf(AgentId(kA2))[0].id, RejectReason::kDeclined, At(4)).ok());
  EXPECT_EQ(OfferedTo(e, id), std::vector<AgentId>{AgentId(kA0)});
  ASSERT_TRUE(e.AcceptOffer(e.OffersOf(AgentId(kA0))[0].id, At(5)).ok());
  EXPECT_EQ(e.interaction(id)->agent, AgentId(kA0));
}

TEST(EngineReconfigure, IndexViolationsAreRefusedNamingTheObjectAndChangeNothing) {
  struct Case {
    std::function<void(CenterDefinition&)> change;
    std::string message;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](CenterDefinition& c) { std::swap(c.queues[kSupport], c.queues[kSpanish]); },
       "queue 0 is 'support' in the running center but 'spanish' in the new one", "queues[0].id"},
      {[](CenterDefinition& c) { c.agents.pop_back(); },
       "agent 2 ('a2') is missing from the new center: agents may be appended, not removed",
       "agents"},
      {[](CenterDefinition& c) { c.skills[kBillingSkill].id = "invoices"; },
       "skill 2 is 'billing' in the running center but 'invoices' in the new one", "skills[2].id"},
      {[](CenterDefinition& c) { c.profiles.clear(); },
       "profile 0 ('frontline') is missing from the new center: profiles may be appended, not "
       "removed",
       "profiles"},
      {[](CenterDefinition& c) { c.queues[kBilling].plan.clear(); }, "", ""},  // ValidateCenter
  };
  for (const Case& test : cases) {
    Engine e(MakeCenter());
    Ready(e, kA0, At(0));
    Create(e, kSupport, At(0));
    InteractionId waiting = Create(e, kBilling, At(0));
    const Instant deadline = e.NextDeadline();
    e.ClearOutput();
    CenterDefinition next = e.center();
    test.change(next);
    Status s = e.Reconfigure(next, At(100));
    ASSERT_FALSE(s.ok()) << test.message;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    if (!test.message.empty()) {
      EXPECT_EQ(s.error().message, test.message);
      EXPECT_EQ(s.error().field, test.field);
    }
    EXPECT_TRUE(e.output().events.empty());
    EXPECT_TRUE(e.output().effects.empty());
    // Not even the timers due by then fired.
    EXPECT_EQ(e.NextDeadline(), deadline);
    EXPECT_EQ(e.interaction(waiting)->state, InteractionState::kQueued);
    EXPECT_EQ(e.center().queues[kSupport].id, "support");
    EXPECT_EQ(e.center().agents.size(), 3u);
    EXPECT_EQ(e.center().profiles.size(), 1u);
  }
}

TEST(EngineReconfigure, AnInteractionWhoseStepIsGoneContinuesAtTheNewLastStep) {
  Engine e(MakeCenter());
  InteractionId id = Create(e, kSpanish, At(0));
  e.AdvanceTo(At(60));  // spanish >= 3 nobody: step 1 (billing >= 1) at 60 s
  ASSERT_EQ(e.interaction(id)->step, 1);
  CenterDefinition next = e.center();
  next.queues[kSpanish].plan.pop_back();
  next.queues[kSpanish].plan[0].priority = 4;
  e.ClearOutput();
  ASSERT_TRUE(e.Reconfigure(next, At(70)).ok());
  EXPECT_TRUE(Has(e, EventType::kInteractionStepChanged, id, "reconfigured"));
  EXPECT_TRUE(Has(e, EventType::kInteractionPriorityChanged, id, "step"));
  EXPECT_EQ(e.interaction(id)->step, 0);
  EXPECT_EQ(e.interaction(id)->priority, 4);
  EXPECT_EQ(e.interaction(id)->age_since, At(0));
  // Its step timeout counts from entering it, at the change: the plan is exhausted at 130 s.
  e.AdvanceTo(At(129.9));
  EXPECT_EQ(e.interaction(id)->state, InteractionState::kQueued);
  e.ClearOutput();
  e.AdvanceTo(At(130));
  EXPECT_TRUE(Has(e, EventType::kInteractionTimedOut, id, "plan_exhausted"));
}

TEST(EngineReconfigure, ADeadlineTheNewSettingsPutInThePastIsHandledAtTheChange) {
  Engine e(MakeCenter());
  InteractionId id = Create(e, kSpanish, At(0));
  CenterDefinition next = e.center();
  next.queues[kSpanish].plan[0].timeout = Seconds(20);
  e.ClearOutput();
  ASSERT_TRUE(e.Reconfigure(next, At(30)).ok());
  EXPECT_TRUE(Has(e, EventType::kInteractionStepChanged, id, "timeout"));
  EXPECT_EQ(e.interaction(id)->step, 1);
  for (const Event& ev : e.output().events) EXPECT_EQ(ev.at, At(30));
}

TEST(EngineReconfigure, ALongerMaxWaitOutlivesTheOldDeadline) {
  Engine e(MakeCenter());
  InteractionId id = Create(e, kBilling, At(0));  // max wait 60 s
  CenterDefinition next = e.center();
  next.queues[kBilling].admission.max_wait = Seconds(120);
  ASSERT_TRUE(e.Reconfigure(next, At(30)).ok());
  e.AdvanceTo(At(119));
  EXPECT_EQ(e.interaction(id)->state, InteractionState::kQueued);
  e.ClearOutput();
  e.AdvanceTo(At(120));
  EXPECT_TRUE(Has(e, EventType::kInteractionTimedOut, id, "max_wait"));
}

TEST(EngineReconfigure, AnAgentOverAReducedCapacityKeepsItsWorkAndTakesNoMoreUntilBelowIt) {
  Engine e(MakeCenter());
  Ready(e, kA0, At(0));
  InteractionId c1 = Create(e, kSupport, At(0), Channel::kChat);
  InteractionId c2 = Create(e, kSupport, At(0), Channel::kChat);
  for (const OfferView& o : e.OffersOf(AgentId(kA0))) ASSERT_TRUE(e.AcceptOffer(o.id, At(1)).ok());
  CenterDefinition next = e.center();
  next.agents[kA0].capacity[static_cast<int>(Channel::kChat)] = 1;
  ASSERT_TRUE(e.Reconfigure(next, At(2)).ok());
  EXPECT_EQ(e.agent(AgentId(kA0)).load[static_cast<int>(Channel::kChat)], 2);
  InteractionId c3 = Create(e, kSupport, At(3), Channel::kChat);
  ASSERT_TRUE(e.EndInteraction(c1, At(4)).ok());
  EXPECT_EQ(e.interaction(c3)->state, InteractionState::kQueued);  // load 1, capacity 1
  ASSERT_TRUE(e.EndInteraction(c2, At(5)).ok());
  EXPECT_EQ(OfferedTo(e, c3), std::vector<AgentId>{AgentId(kA0)});
}

TEST(EngineReconfigure, AnAppendedQueueTakesInteractions) {
  Engine e(MakeCenter());
  Ready(e, kA2, At(0));
  CenterDefinition next = e.center();
  Queue sales;
  sales.id = "sales";
  sales.plan = {Step{}};
  next.queues.push_back(sales);
  next.profiles[0].queues.push_back({QueueId(3), 0, Seconds(0)});
  ASSERT_TRUE(e.Reconfigure(next, At(1)).ok());
  InteractionId id = Create(e, 3, At(2));
  EXPECT_EQ(OfferedTo(e, id), std::vector<AgentId>{AgentId(kA2)});
  EXPECT_EQ(e.queue(QueueId(3)).waiting, 1);
}

TEST(EngineReconfigure, SkillsThatDifferFromTheLiveOnesAreEventsAndCenterFollowsSetAgentSkill) {
  Engine e(MakeCenter());
  ASSERT_TRUE(e.SetAgentSkill(AgentId(kA1), SkillId(kBillingSkill), 2, At(0)).ok());
  EXPECT_EQ(e.center().agents[kA1].skills.at(SkillId(kBillingSkill)), 2);
  Ready(e, kA1, At(0));
  CenterDefinition next = e.center();
  next.agents[kA1].skills = {{SkillId(kSupportSkill), 1}, {SkillId(kBillingSkill), 1}};
  InteractionId waiting = Create(e, kSpanish, At(1));  // spanish >= 3: nobody
  e.ClearOutput();
  ASSERT_TRUE(e.Reconfigure(next, At(2)).ok());
  std::vector<std::pair<uint32_t, int>> changes;
  for (const Event& ev : e.output().events) {
    if (ev.type == EventType::kAgentSkillChanged) {
      EXPECT_EQ(ev.agent, AgentId(kA1));
      changes.emplace_back(ev.skill.value(), ev.level);
    }
  }
  EXPECT_EQ(changes,
            (std::vector<std::pair<uint32_t, int>>{{kSpanishSkill, 0}, {kBillingSkill, 1}}));
  EXPECT_EQ(e.center().agents[kA1].skills, next.agents[kA1].skills);
  // Step 1 (billing >= 1) from 61 s: a1 now qualifies.
  e.AdvanceTo(At(61));
  EXPECT_EQ(OfferedTo(e, waiting), std::vector<AgentId>{AgentId(kA1)});
}

TEST(EngineReconfigure, ALaneEmptiedByTheChangeAppliesLeaveWhenEmpty) {
  CenterDefinition center = MakeCenter();
  center.queues[kBilling].members = {{AgentId(kA0), 1, 0}};
  center.queues[kBilling].plan = {Step{}};
  center.queues[kBilling].admission.leave_when_empty = EmptyWhen::kNoLoggedIn;
  Engine e(center);
  ASSERT_TRUE(e.SetPresence(AgentId(kA0), Presence::kNotReady, "lunch", At(0)).ok());
  InteractionId id = Create(e, kBilling, At(1));
  EXPECT_EQ(e.interaction(id)->state, InteractionState::kQueued);
  CenterDefinition next = e.center();
  next.queues[kBilling].members = {{AgentId(kA2), 1, 0}};  // logged out
  e.ClearOutput();
  ASSERT_TRUE(e.Reconfigure(next, At(2)).ok());
  EXPECT_TRUE(Has(e, EventType::kInteractionExited, id, "empty"));
}

}  // namespace
}  // namespace hotline::core
