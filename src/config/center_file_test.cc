#include "config/center_file.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/time.h"

namespace hotline::config {
namespace {

using core::AgentOrder;
using core::Channel;
using core::EmptyWhen;
using core::ExceptionAction;
using core::ExceptionTrigger;
using core::OfferMode;
using core::TaskOrder;
using core::Value;
using core::WrapupMode;

// The schema example of docs/configuration.md: every key, with a second queue so that every
// reference resolves (`requires` is left out of the first queue: it excludes `plan`).
constexpr std::string_view kCompleteExample = R"(center:
  name: Demo Center
  utc_offset: "+08:00"
settings:
  offer_timeout: 20s
  backoff: {reject: 5s, busy: 10s, no_answer: 15s}
  max_missed_offers: 3
  wrapup: {mode: timed, duration: 30s}
skills:
  - {id: support, name: 一般諮詢}
  - {id: billing, name: Billing}
  - {id: mandarin}
dispositions:
  - {id: resolved, name: 已解決}
  - {id: callback_needed, name: Callback needed}
profiles:
  - id: frontline
    global_longest_waiting: false
    queues:
      - {queue: support, priority: 1}
      - {queue: billing, priority: 2, delay: 30s}
agents:
  - id: a1
    name: 王小明
    skills: {support: 5, mandarin: 3}
    capacity: {voice: 1, chat: 3}
    cross_channel: exclusive
    profile: frontline
    attributes: {team: north, languages: [zh, en]}
    weight: 1
  - id: a2
    skills: {billing: 2}
queues:
  - id: support
    name: 一般諮詢
    service_level: {threshold: 20s, short_abandon: 5s}
    agent_order: longest_idle
    offer: single
    task_order: strict
    lifo: false
    weight: 0
    offer_timeout: 20s
    wrapup: {mode: discretionary, duration: 2m}
    members:
      - {agent: a1, tier: 1, position: 1}
      - a2
    membership: "agent.team == 'north'"
    plan:
      - when: "task.language == 'zh'"
        requires: {support: 3}
        optional: {mandarin: 2}
        rings:
          - {after: 0s, max_tier: 1}
          - {after: 30s, max_tier: 2, drop_optional: true}
          - {after: 60s, add: "agent.skill.billing >= 2", priority_add: 1}
        skip_when_empty: true
        timeout: 2m
        priority: 5
        queue: billing
        known_agent_window: 30s
      - requires: {support: 1}
    admission:
      max_length: 50
      join_when_empty: never
      leave_when_empty: never
      max_wait: 10m
      max_wait_no_agents: 1m
    exceptions:
      - {when: {wait: 3m}, do: {move_to: billing}}
      - {when: {queue_length: 20}, do: {offer_callback: true}}
      - {when: {no_eligible_agents: 1m}, do: {route_to: voicemail}}
      - {when: {estimated_wait: 5m}, do: {priority: 10}}
      - {when: {plan_exhausted: true}, do: {time_out: true}}
  - id: billing
    agent_order: [tier, most_skilled, longest_idle]
    offer: {mode: parallel, count: 3}
    task_order: {mode: time_offset, seconds_per_point: 60}
    requires: {billing: 1}
)";

// A valid file to which the tests append one mistake; its last line is line 10.
constexpr std::string_view kBase = R"(center:
  name: Test
skills:
  - {id: support}
agents:
  - {id: a1, skills: {support: 3}}
  - {id: a2}
queues:
  - id: support
    members: [a1]
)";

std::vector<ConfigProblem> Check(std::string_view text, core::CenterDefinition* out = nullptr) {
  return CheckCenterYaml(text, "hotline.yaml", out);
}

std::string Describe(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const ConfigProblem& p : problems) out += FormatProblem(p) + "\n";
  return out;
}

// Exactly one problem, at `line`, about `key`, whose message contains `text`.
void ExpectOneProblem(std::string_view yaml, int line, std::string_view key,
                      std::string_view text) {
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].file, "hotline.yaml");
  EXPECT_EQ(problems[0].line, line) << Describe(problems);
  EXPECT_EQ(problems[0].key, key) << Describe(problems);
  EXPECT_NE(problems[0].message.find(text), std::string::npos) << Describe(problems);
}

std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// ---- the complete example ---------------------------------------------------------------------

TEST(CenterFileTest, CompleteExampleLoadsEveryValue) {
  Result<core::CenterDefinition> loaded = ParseCenterYaml(kCompleteExample, "hotline.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const core::CenterDefinition& c = *loaded;

  EXPECT_EQ(c.name, "Demo Center");
  EXPECT_EQ(c.settings.utc_offset_minutes, 8 * 60);
  EXPECT_EQ(c.settings.offer_timeout, Seconds(20));
  EXPECT_EQ(c.settings.backoff_reject, Seconds(5));
  EXPECT_EQ(c.settings.backoff_busy, Seconds(10));
  EXPECT_EQ(c.settings.backoff_no_answer, Seconds(15));
  EXPECT_EQ(c.settings.max_missed_offers, 3);
  EXPECT_EQ(c.settings.wrapup.mode, WrapupMode::kTimed);
  EXPECT_EQ(c.settings.wrapup.duration, Seconds(30));

  ASSERT_EQ(c.skills.size(), 3u);
  EXPECT_EQ(c.skills[0].id, "support");
  EXPECT_EQ(c.skills[0].name, "一般諮詢");
  EXPECT_EQ(c.skills[2].name, "mandarin");  // the id when no name is given
  ASSERT_EQ(c.dispositions.size(), 2u);
  EXPECT_EQ(c.dispositions[1].name, "Callback needed");
  EXPECT_TRUE(c.HasDisposition("resolved"));

  const core::SkillId support = *c.FindSkill("support");
  const core::SkillId billing_skill = *c.FindSkill("billing");
  const core::SkillId mandarin = *c.FindSkill("mandarin");
  const core::QueueId support_queue = *c.FindQueue("support");
  const core::QueueId billing = *c.FindQueue("billing");

  ASSERT_EQ(c.profiles.size(), 1u);
  const core::RoutingProfile& p = c.profiles[0];
  EXPECT_EQ(p.id, "frontline");
  EXPECT_FALSE(p.global_longest_waiting);
  ASSERT_EQ(p.queues.size(), 2u);
  EXPECT_EQ(p.queues[0].queue, support_queue);
  EXPECT_EQ(p.queues[0].priority, 1);
  EXPECT_EQ(p.queues[0].delay, Seconds(0));
  EXPECT_EQ(p.queues[1].queue, billing);
  EXPECT_EQ(p.queues[1].priority, 2);
  EXPECT_EQ(p.queues[1].delay, Seconds(30));

  ASSERT_EQ(c.agents.size(), 2u);
  const core::AgentDefinition& a1 = c.agents[0];
  EXPECT_EQ(a1.id, "a1");
  EXPECT_EQ(a1.name, "王小明");
  EXPECT_EQ(a1.skills.at(support), 5);
  EXPECT_EQ(a1.skills.at(mandarin), 3);
  EXPECT_EQ(a1.capacity[static_cast<size_t>(Channel::kVoice)], 1);
  EXPECT_EQ(a1.capacity[static_cast<size_t>(Channel::kChat)], 3);
  EXPECT_EQ(a1.capacity[static_cast<size_t>(Channel::kEmail)], 0);
  EXPECT_EQ(a1.cross_channel, core::CrossChannelRule::kExclusive);
  EXPECT_EQ(a1.profile, c.FindProfile("frontline"));
  EXPECT_EQ(a1.attributes.at("team"), Value("north"));
  EXPECT_EQ(a1.attributes.at("languages"), Value(Value::List{Value("zh"), Value("en")}));
  EXPECT_EQ(a1.weight, 1.0);
  const core::AgentDefinition& a2 = c.agents[1];
  EXPECT_EQ(a2.skills.at(billing_skill), 2);
  EXPECT_EQ(a2.capacity[static_cast<size_t>(Channel::kVoice)], 1);  // default {voice: 1}
  EXPECT_FALSE(a2.profile.has_value());

  ASSERT_EQ(c.queues.size(), 2u);
  const core::Queue& q = c.queues[0];
  EXPECT_EQ(q.id, "support");
  EXPECT_EQ(q.name, "一般諮詢");
  EXPECT_EQ(q.sl_threshold, Seconds(20));
  EXPECT_EQ(q.short_abandon, Seconds(5));
  EXPECT_EQ(q.agent_order, std::vector<AgentOrder>{AgentOrder::kLongestIdle});
  EXPECT_EQ(q.offer_mode, OfferMode::kSingle);
  EXPECT_EQ(q.task_order, TaskOrder::kStrict);
  EXPECT_FALSE(q.lifo);
  EXPECT_EQ(q.weight, 0);
  EXPECT_EQ(q.offer_timeout, Seconds(20));
  ASSERT_TRUE(q.wrapup.has_value());
  EXPECT_EQ(q.wrapup->mode, WrapupMode::kDiscretionary);
  EXPECT_EQ(q.wrapup->duration, Seconds(120));
  ASSERT_EQ(q.members.size(), 2u);
  EXPECT_EQ(q.members[0].agent, *c.FindAgent("a1"));
  EXPECT_EQ(q.members[0].tier, 1);
  EXPECT_EQ(q.members[0].position, 1);
  EXPECT_EQ(q.members[1].agent, *c.FindAgent("a2"));
  EXPECT_EQ(q.members[1].tier, 1);
  EXPECT_EQ(q.members[1].position, 1);  // shorthand: its index in the list
  ASSERT_TRUE(q.membership.has_value());
  EXPECT_EQ(q.membership->text(), "agent.team == 'north'");

  ASSERT_EQ(q.plan.size(), 2u);
  const core::Step& s0 = q.plan[0];
  ASSERT_TRUE(s0.when.has_value());
  EXPECT_EQ(s0.when->text(), "task.language == 'zh'");
  EXPECT_FALSE(q.plan[1].when.has_value());
  ASSERT_EQ(s0.requirements.size(), 2u);
  EXPECT_EQ(s0.requirements[0].skill, support);
  EXPECT_EQ(s0.requirements[0].min_level, 3);
  EXPECT_FALSE(s0.requirements[0].optional);
  EXPECT_EQ(s0.requirements[1].skill, mandarin);
  EXPECT_EQ(s0.requirements[1].min_level, 2);
  EXPECT_TRUE(s0.requirements[1].optional);
  ASSERT_EQ(s0.rings.size(), 3u);
  EXPECT_EQ(s0.rings[0].after, Seconds(0));
  EXPECT_EQ(s0.rings[0].max_tier, 1);
  EXPECT_EQ(s0.rings[1].after, Seconds(30));
  EXPECT_EQ(s0.rings[1].max_tier, 2);
  EXPECT_TRUE(s0.rings[1].drop_optional);
  EXPECT_EQ(s0.rings[2].after, Seconds(60));
  EXPECT_FALSE(s0.rings[2].max_tier.has_value());
  ASSERT_TRUE(s0.rings[2].add.has_value());
  EXPECT_EQ(s0.rings[2].add->text(), "agent.skill.billing >= 2");
  EXPECT_EQ(s0.rings[2].priority_add, 1);
  EXPECT_TRUE(s0.skip_when_empty);
  EXPECT_EQ(s0.timeout, Seconds(120));
  EXPECT_EQ(s0.priority, 5);
  EXPECT_EQ(s0.queue, billing);
  EXPECT_EQ(s0.known_agent_window, Seconds(30));
  ASSERT_EQ(q.plan[1].requirements.size(), 1u);
  EXPECT_EQ(q.plan[1].requirements[0].min_level, 1);
  EXPECT_FALSE(q.plan[1].queue.has_value());

  EXPECT_EQ(q.admission.max_length, 50);
  EXPECT_EQ(q.admission.join_when_empty, EmptyWhen::kNever);
  EXPECT_EQ(q.admission.leave_when_empty, EmptyWhen::kNever);
  EXPECT_EQ(q.admission.max_wait, Seconds(600));
  EXPECT_EQ(q.admission.max_wait_no_agents, Seconds(60));

  ASSERT_EQ(q.exceptions.size(), 5u);
  EXPECT_EQ(q.exceptions[0].trigger, ExceptionTrigger::kWaitAtLeast);
  EXPECT_EQ(q.exceptions[0].threshold, Seconds(180));
  EXPECT_EQ(q.exceptions[0].action, ExceptionAction::kMoveToQueue);
  EXPECT_EQ(q.exceptions[0].queue, billing);
  EXPECT_EQ(q.exceptions[1].trigger, ExceptionTrigger::kQueueLengthAtLeast);
  EXPECT_EQ(q.exceptions[1].count, 20);
  EXPECT_EQ(q.exceptions[1].action, ExceptionAction::kOfferCallback);
  EXPECT_EQ(q.exceptions[2].trigger, ExceptionTrigger::kNoEligibleAgentsFor);
  EXPECT_EQ(q.exceptions[2].threshold, Seconds(60));
  EXPECT_EQ(q.exceptions[2].action, ExceptionAction::kRouteElsewhere);
  EXPECT_EQ(q.exceptions[2].target, "voicemail");
  EXPECT_EQ(q.exceptions[3].trigger, ExceptionTrigger::kEstimatedWaitAtLeast);
  EXPECT_EQ(q.exceptions[3].threshold, Seconds(300));
  EXPECT_EQ(q.exceptions[3].action, ExceptionAction::kSetPriority);
  EXPECT_EQ(q.exceptions[3].priority, 10);
  EXPECT_EQ(q.exceptions[4].trigger, ExceptionTrigger::kPlanExhausted);
  EXPECT_EQ(q.exceptions[4].action, ExceptionAction::kTimeOut);

  const core::Queue& b = c.queues[1];
  EXPECT_EQ(b.name, "billing");  // the id when no name is given
  EXPECT_EQ(b.agent_order, (std::vector<AgentOrder>{AgentOrder::kTier, AgentOrder::kMostSkilled,
                                                    AgentOrder::kLongestIdle}));
  EXPECT_EQ(b.offer_mode, OfferMode::kParallel);
  EXPECT_EQ(b.parallel_count, 3);
  EXPECT_EQ(b.task_order, TaskOrder::kTimeOffset);
  EXPECT_EQ(b.seconds_per_point, Seconds(60));
  ASSERT_EQ(b.plan.size(), 1u);  // `requires` is a one-step plan
  ASSERT_EQ(b.plan[0].requirements.size(), 1u);
  EXPECT_EQ(b.plan[0].requirements[0].skill, billing_skill);
  EXPECT_FALSE(b.wrapup.has_value());
  EXPECT_FALSE(b.offer_timeout.has_value());
}

TEST(CenterFileTest, DemoCenterLoadsWithoutProblems) {
  core::CenterDefinition c;
  std::vector<ConfigProblem> problems = CheckCenterFile("examples/demo/hotline.yaml", &c);
  ASSERT_TRUE(problems.empty()) << Describe(problems);
  EXPECT_EQ(c.queues.size(), 3u);
  EXPECT_EQ(c.agents.size(), 8u);
  ASSERT_TRUE(c.FindQueue("general").has_value());
  EXPECT_EQ(c.queues[c.FindQueue("general")->value()].name, "一般諮詢 General enquiries");
  const core::Queue& tech = c.queues[c.FindQueue("tech")->value()];
  EXPECT_EQ(tech.plan.size(), 2u);
  EXPECT_EQ(tech.plan[0].rings.size(), 3u);
  EXPECT_EQ(tech.exceptions.size(), 4u);
  for (const char* d : {"resolved", "follow_up", "escalated", "wrong_number"}) {
    EXPECT_TRUE(c.HasDisposition(d)) << d;
  }
  EXPECT_TRUE(LoadCenterFile("examples/demo/hotline.yaml").ok());
}

TEST(CenterFileTest, MinimalFileTakesDefaults) {
  core::CenterDefinition c;
  std::vector<ConfigProblem> problems = Check("center: {name: Tiny}\nqueues:\n  - id: q\n", &c);
  ASSERT_TRUE(problems.empty()) << Describe(problems);
  EXPECT_EQ(c.settings.offer_timeout, Seconds(20));
  EXPECT_EQ(c.settings.utc_offset_minutes, 0);
  ASSERT_EQ(c.queues.size(), 1u);
  ASSERT_EQ(c.queues[0].plan.size(), 1u);  // no plan, no requires: one open step
  EXPECT_TRUE(c.queues[0].plan[0].requirements.empty());
  EXPECT_EQ(c.queues[0].agent_order, std::vector<AgentOrder>{AgentOrder::kLongestIdle});
}

TEST(CenterFileTest, DurationsAcceptNumbersOfSecondsAndCompoundSpellings) {
  core::CenterDefinition c;
  std::vector<ConfigProblem> problems = Check(
      "center: {name: T}\nsettings: {offer_timeout: 45, backoff: {reject: 1.5, busy: 1h30m}}\n",
      &c);
  ASSERT_TRUE(problems.empty()) << Describe(problems);
  EXPECT_EQ(c.settings.offer_timeout, Seconds(45));
  EXPECT_EQ(c.settings.backoff_reject, Seconds(1.5));
  EXPECT_EQ(c.settings.backoff_busy, Seconds(5400));
}

TEST(CenterFileTest, NegativeUtcOffsetIsMinutesWestOfUtc) {
  core::CenterDefinition c;
  ASSERT_TRUE(Check("center: {name: T, utc_offset: \"-05:30\"}\n", &c).empty());
  EXPECT_EQ(c.settings.utc_offset_minutes, -330);
}

TEST(CenterFileTest, LinearIsReadAsTopDown) {
  core::CenterDefinition c;
  std::string yaml = std::string(kBase) + "    agent_order: linear\n";
  ASSERT_TRUE(Check(yaml, &c).empty());
  EXPECT_EQ(c.queues[0].agent_order, std::vector<AgentOrder>{AgentOrder::kTopDown});
}

TEST(CenterFileTest, ProblemsLeaveTheOutputUntouched) {
  core::CenterDefinition c;
  c.name = "before";
  EXPECT_FALSE(Check("center: {name: T, color: red}\n", &c).empty());
  EXPECT_EQ(c.name, "before");
}

// ---- one test per class of mistake ------------------------------------------------------------

TEST(CenterFileTest, UnknownKeyNamesLineAndAllowedKeys) {
  std::string yaml = std::string(kBase) + "    agent_ordr: longest_idle\n";
  ExpectOneProblem(yaml, 11, "queues[0].agent_ordr", "unknown key 'agent_ordr'");
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].column, 5);
  EXPECT_NE(problems[0].message.find("did you mean 'agent_order'?"), std::string::npos);
  EXPECT_NE(problems[0].message.find("allowed: id, name, service_level, agent_order"),
            std::string::npos)
      << problems[0].message;
}

TEST(CenterFileTest, UnknownPresetListsThePresets) {
  std::string yaml = std::string(kBase) + "    agent_order: fastest\n";
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(FormatProblem(problems[0]),
            "hotline.yaml:11:18: queues[0].agent_order: unknown preset 'fastest' (expected one "
            "of: longest_idle, least_talk_time, fewest_handled, most_skilled, round_robin, "
            "top_down, linear, sequential_by_position, random, weighted_random, least_occupied, "
            "most_available_capacity, tier)");
}

TEST(CenterFileTest, WrongTypeSaysWhatWasExpected) {
  ExpectOneProblem(std::string(kBase) + "    offer_timeout: [20s]\n", 11, "queues[0].offer_timeout",
                   "expected a duration");
  ExpectOneProblem(std::string(kBase) + "    name: [a, b]\n", 11, "queues[0].name",
                   "expected a string, got a list");
  ExpectOneProblem(std::string(kBase) + "    plan: {requires: {support: 1}}\n", 11,
                   "queues[0].plan", "expected a list of plan steps, got a map");
  ExpectOneProblem(std::string(kBase) + "    weight: heavy\n", 11, "queues[0].weight",
                   "expected an integer, got 'heavy'");
  ExpectOneProblem(std::string(kBase) + "    lifo: yes\n", 11, "queues[0].lifo",
                   "expected true or false");
  ExpectOneProblem(std::string(kBase) + "    admission: 5\n", 11, "queues[0].admission",
                   "expected admission rules (a map with keys max_length");
}

TEST(CenterFileTest, QuotedNumberIsAStringNotAnInteger) {
  ExpectOneProblem(std::string(kBase) + "    weight: \"3\"\n", 11, "queues[0].weight",
                   "expected an integer, got the string '3'");
}

TEST(CenterFileTest, NegativeDurationIsRejected) {
  ExpectOneProblem("center: {name: T}\nsettings:\n  backoff: {busy: -10s}\n", 3,
                   "settings.backoff.busy", "must not be negative");
}

TEST(CenterFileTest, ServiceLevelTargetIsAFractionWithEightyPercentByDefault) {
  core::CenterDefinition c;
  std::string yaml = std::string(kBase) + "    service_level: {threshold: 30s, target: 0.9}\n";
  ASSERT_TRUE(Check(yaml, &c).empty()) << Describe(Check(yaml));
  EXPECT_DOUBLE_EQ(c.queues[0].sl_target, 0.9);
  ASSERT_TRUE(Check(kBase, &c).empty());
  EXPECT_DOUBLE_EQ(c.queues[0].sl_target, 0.8);
  for (const char* bad : {"80", "0", "-0.5", "high"}) {
    SCOPED_TRACE(bad);
    ExpectOneProblem(std::string(kBase) + "    service_level: {target: " + bad + "}\n", 11,
                     "queues[0].service_level.target", bad[0] == 'h' ? "number" : "fraction");
  }
}

TEST(CenterFileTest, ZeroOfferTimeoutIsRejected) {
  ExpectOneProblem("center: {name: T}\nsettings:\n  offer_timeout: 0s\n", 3,
                   "settings.offer_timeout", "must be positive");
}

TEST(CenterFileTest, UndefinedAgentInMembersIsReported) {
  std::string yaml = std::string(kBase);
  yaml.replace(yaml.find("[a1]"), 4, "[a1, a9]");
  ExpectOneProblem(yaml, 10, "queues[0].members[1]", "agent 'a9' is not defined under 'agents'");
}

TEST(CenterFileTest, UndefinedSkillInRequiresIsReported) {
  ExpectOneProblem(std::string(kBase) + "    requires: {suport: 2}\n", 11,
                   "queues[0].requires.suport",
                   "skill 'suport' is not defined under 'skills', did you mean 'support'?");
}

TEST(CenterFileTest, UndefinedSkillInAgentSkillsIsReported) {
  std::string yaml = std::string(kBase);
  yaml.replace(yaml.find("{support: 3}"), 12, "{support: 3, french: 2}");
  ExpectOneProblem(yaml, 6, "agents[0].skills.french", "skill 'french' is not defined");
}

TEST(CenterFileTest, UndefinedQueueInStepIsReported) {
  ExpectOneProblem(std::string(kBase) + "    plan:\n      - {queue: sales}\n", 12,
                   "queues[0].plan[0].queue", "queue 'sales' is not defined under 'queues'");
}

TEST(CenterFileTest, UndefinedQueueInExceptionIsReported) {
  ExpectOneProblem(
      std::string(kBase) + "    exceptions:\n      - {when: {wait: 1m}, do: {move_to: sales}}\n",
      12, "queues[0].exceptions[0].do.move_to", "queue 'sales' is not defined");
}

TEST(CenterFileTest, UndefinedQueueInProfileIsReported) {
  ExpectOneProblem(std::string(kBase) + "profiles:\n  - id: p\n    queues: [{queue: sales}]\n", 13,
                   "profiles[0].queues[0].queue", "queue 'sales' is not defined");
}

TEST(CenterFileTest, UndefinedProfileIsReported) {
  std::string yaml = std::string(kBase);
  yaml.replace(yaml.find("{id: a2}"), 8, "{id: a2, profile: night}");
  ExpectOneProblem(yaml, 7, "agents[1].profile", "profile 'night' is not defined");
}

TEST(CenterFileTest, DuplicateIdNamesTheFirstOne) {
  std::string yaml = std::string(kBase);
  yaml.replace(yaml.find("{id: a2}"), 8, "{id: a1}");
  ExpectOneProblem(yaml, 7, "agents[1].id",
                   "duplicate agent id 'a1' (first used by agent #1, line 6)");
}

TEST(CenterFileTest, DuplicateKeyIsReported) {
  ExpectOneProblem("center: {name: T}\ncenter: {name: U}\n", 2, "center",
                   "key 'center' appears twice (first on line 1)");
}

TEST(CenterFileTest, BadExpressionIncludesTheParserColumn) {
  std::vector<ConfigProblem> problems =
      Check(std::string(kBase) + "    membership: \"agent.team ==\"\n");
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].line, 11);
  EXPECT_EQ(problems[0].key, "queues[0].membership");
  EXPECT_NE(problems[0].message.find("bad expression 'agent.team ==': column 14:"),
            std::string::npos)
      << problems[0].message;
}

TEST(CenterFileTest, MembershipReadingTaskKeysIsRejected) {
  ExpectOneProblem(std::string(kBase) + "    membership: \"team == 'north'\"\n", 11,
                   "queues[0].membership", "write agent.team?");
}

TEST(CenterFileTest, StepFilterReadingAgentKeysIsRejected) {
  ExpectOneProblem(std::string(kBase) + "    plan:\n      - when: \"agent.team == 'x'\"\n", 12,
                   "queues[0].plan[0].when", "'agent.team' is an agent key");
}

TEST(CenterFileTest, MisspeltTriggerIsOneProblem) {
  ExpectOneProblem(
      std::string(kBase) + "    exceptions:\n      - {when: {wiat: 3m}, do: {time_out: true}}\n",
      12, "queues[0].exceptions[0].when.wiat", "did you mean 'wait'?");
}

TEST(CenterFileTest, RequiresTogetherWithPlanIsRejected) {
  ExpectOneProblem(std::string(kBase) + "    requires: {support: 1}\n    plan: [{}]\n", 11,
                   "queues[0].requires", "'requires' cannot be used together with 'plan'");
}

TEST(CenterFileTest, BadChannelNameListsTheChannels) {
  std::string yaml = std::string(kBase);
  yaml.replace(yaml.find("{id: a2}"), 8, "{id: a2, capacity: {sms: 2}}");
  ExpectOneProblem(yaml, 7, "agents[1].capacity.sms",
                   "unknown channel 'sms' (expected one of: voice, chat, email, callback, task)");
}

TEST(CenterFileTest, SkillLevelBelowOneIsRejected) {
  std::string yaml = std::string(kBase);
  yaml.replace(yaml.find("{support: 3}"), 12, "{support: 0}");
  ExpectOneProblem(yaml, 6, "agents[0].skills.support", "must be at least 1");
}

TEST(CenterFileTest, UnsortedRingsAreReported) {
  ExpectOneProblem(std::string(kBase) +
                       "    plan:\n      - rings:\n          - {after: 30s}\n"
                       "          - {after: 10s}\n",
                   14, "queues[0].plan[0].rings[1].after", "rings must be sorted by 'after'");
}

TEST(CenterFileTest, MissingCenterNameIsReported) {
  ExpectOneProblem("center: {utc_offset: \"+01:00\"}\n", 1, "center.name",
                   "missing required key 'name'");
}

TEST(CenterFileTest, BadUtcOffsetIsReported) {
  ExpectOneProblem("center: {name: T, utc_offset: \"+8\"}\n", 1, "center.utc_offset",
                   "expected a UTC offset");
}

TEST(CenterFileTest, YamlSyntaxErrorReportsTheParserLineAndColumn) {
  std::vector<ConfigProblem> problems = Check("center:\n  name: [T\nqueues: []\n");
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_GT(problems[0].column, 0);
  EXPECT_EQ(problems[0].key, "");
  EXPECT_NE(problems[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(CenterFileTest, StrayCommaIsASyntaxErrorNotAnEndlessLoop) {
  // yaml-cpp 0.7 alone would read endless empty documents here.
  std::vector<ConfigProblem> problems = Check("# header\n, chat and email\n");
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_EQ(problems[0].column, 1);
  EXPECT_NE(problems[0].message.find("unexpected ','"), std::string::npos) << problems[0].message;
}

TEST(CenterFileTest, EmptyFileIsAProblem) {
  std::vector<ConfigProblem> problems = Check("# nothing here\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 0);
  EXPECT_NE(problems[0].message.find("empty"), std::string::npos);
  EXPECT_EQ(FormatProblem(problems[0]).rfind("hotline.yaml: the file is empty", 0), 0u);
}

TEST(CenterFileTest, SecondYamlDocumentIsAProblem) {
  ExpectOneProblem("center: {name: T}\n---\ncenter: {name: U}\n", 2, "", "one YAML document");
}

// ---- several problems, first problem ----------------------------------------------------------

TEST(CenterFileTest, SeveralProblemsAreAllReportedInFileOrder) {
  std::string yaml = R"(center:
  name: Test
  colour: blue
settings:
  offer_timeout: soon
skills:
  - {id: support}
  - {id: support}
agents:
  - {id: a1, skills: {support: 3, cooking: 1}}
queues:
  - id: support
    members: [a1, ghost]
    agent_order: fastest
)";
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 6u) << Describe(problems);
  EXPECT_EQ(problems[0].key, "center.colour");
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[1].key, "settings.offer_timeout");
  EXPECT_EQ(problems[1].line, 5);
  EXPECT_EQ(problems[2].key, "skills[1].id");
  EXPECT_EQ(problems[2].line, 8);
  EXPECT_EQ(problems[3].key, "agents[0].skills.cooking");
  EXPECT_EQ(problems[3].line, 10);
  EXPECT_EQ(problems[4].key, "queues[0].members[1]");
  EXPECT_EQ(problems[4].line, 13);
  EXPECT_EQ(problems[5].key, "queues[0].agent_order");
  EXPECT_EQ(problems[5].line, 14);
}

TEST(CenterFileTest, ParseReturnsTheFirstProblemAsError) {
  Result<core::CenterDefinition> r =
      ParseCenterYaml("center: {name: T}\nsettings: {max_missed_offers: -1}\nbogus: 1\n", "c.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "settings.max_missed_offers");
  EXPECT_EQ(r.error().message,
            "c.yaml:2:31: settings.max_missed_offers: must not be negative (got -1)");
}

TEST(CenterFileTest, ProblemsStopAfterAHundred) {
  std::string yaml = "center: {name: T}\nskills:\n";
  for (int i = 0; i < 500; ++i) yaml += "  - {id: s" + std::to_string(i) + ", bad: 1}\n";
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 101u);
  EXPECT_EQ(problems[0].line, 3);  // the first problem stays first, for ParseCenterYaml
  EXPECT_EQ(problems.back().message, "too many problems; stopped after 100");
}

// ---- files ------------------------------------------------------------------------------------

TEST(CenterFileTest, MissingFileIsNotFound) {
  Result<core::CenterDefinition> r = LoadCenterFile("/nonexistent/hotline.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("/nonexistent/hotline.yaml"), std::string::npos);
}

TEST(CenterFileTest, DirectoryIsAReadError) {
  Result<core::CenterDefinition> r = LoadCenterFile(".");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().code, ErrorCode::kNotFound);
}

TEST(CenterFileTest, OversizedTextIsRefused) {
  std::string yaml(kMaxCenterFileBytes + 1, ' ');
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("larger than 16 MiB"), std::string::npos);
}

// ---- hostile input never crashes --------------------------------------------------------------

TEST(CenterFileTest, TruncatedPrefixesOfTheExampleNeverCrash) {
  std::string full(kCompleteExample);
  size_t loaded = 0;
  for (size_t n = 0; n <= full.size(); ++n) {
    core::CenterDefinition c;
    std::vector<ConfigProblem> problems = Check(std::string_view(full).substr(0, n), &c);
    for (const ConfigProblem& p : problems) {
      EXPECT_FALSE(p.message.empty());
      EXPECT_GE(p.line, 0);
    }
    if (problems.empty()) ++loaded;
  }
  // Some cuts fall between complete entries and load fine; most do not.
  EXPECT_GT(loaded, 0u);
  EXPECT_LT(loaded, full.size());
}

TEST(CenterFileTest, TruncatedPrefixesOfTheDemoNeverCrash) {
  std::string full = ReadTestFile("examples/demo/hotline.yaml");
  ASSERT_FALSE(full.empty());
  for (size_t n = 0; n <= full.size(); n += 7) {
    std::vector<ConfigProblem> problems = Check(std::string_view(full).substr(0, n));
    for (const ConfigProblem& p : problems) EXPECT_FALSE(p.message.empty());
  }
}

TEST(CenterFileTest, MutatedExampleNeverCrashes) {
  std::string full(kCompleteExample);
  const std::string_view kBytes = "{}[]:,-'\"#&*!|> \n\t0a~\\%@`?";
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int i = 0; i < 1500; ++i) {
    std::string mutated = full;
    for (int k = 0; k < 3; ++k) {
      mutated[next() % mutated.size()] = kBytes[next() % kBytes.size()];
    }
    std::vector<ConfigProblem> problems = Check(mutated);
    for (const ConfigProblem& p : problems) EXPECT_FALSE(p.message.empty());
  }
}

TEST(CenterFileTest, DeeplyNestedInputIsAProblemNotACrash) {
  std::string yaml = "center: {name: T}\nskills: " + std::string(100000, '[');
  EXPECT_FALSE(Check(yaml).empty());
  std::string maps = "center: {name: T}\nskills: ";
  for (int i = 0; i < 20000; ++i) maps += "{a: ";
  EXPECT_FALSE(Check(maps).empty());
}

TEST(CenterFileTest, AliasExpansionBombIsRefused) {
  // 2,000 aliases of a step holding 2,000 aliases of a ring: four million rings from 20 kB.
  std::string yaml = "center: {name: T}\nqueues:\n  - id: q\n    plan:\n      - &s {rings: [&r {}";
  for (int i = 1; i < 2000; ++i) yaml += ", *r";
  yaml += "]}\n";
  for (int i = 1; i < 2000; ++i) yaml += "      - *s\n";
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_NE(problems[0].message.find("expands to more than"), std::string::npos);
}

TEST(CenterFileTest, FormatProblemLeavesOutUnknownParts) {
  EXPECT_EQ(FormatProblem({"f.yaml", 3, 7, "queues[0].id", "bad"}),
            "f.yaml:3:7: queues[0].id: bad");
  EXPECT_EQ(FormatProblem({"f.yaml", 3, 0, "", "bad"}), "f.yaml:3: bad");
  EXPECT_EQ(FormatProblem({"f.yaml", 0, 0, "", "bad"}), "f.yaml: bad");
}

}  // namespace
}  // namespace hotline::config
