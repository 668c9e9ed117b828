#include "sim/scenario_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace hotline::sim {
namespace {

using config::ConfigProblem;
using config::FormatProblem;
using core::AgentId;
using core::Channel;
using core::QueueId;
using core::SkillId;
using core::Value;
using Kind = Distribution::Kind;

// The example of spec/SCENARIO.md with an inline center (it shows `center` and `queues` side by
// side, which is an error: see CenterAndInlineQueuesTogether).
constexpr std::string_view kSpecExample = R"(name: support-weekday
seed: 42                      # same seed, same result
horizon: 8h                   # arrivals are generated in [0, horizon); the run ends when all are done
warmup: 30m                   # optional: interactions arriving before this are not counted
replications: 1               # optional: independent runs; the report gives means and 95% CI half-widths
interval: 15m                 # optional: length of report intervals
service_level: {threshold: 20s, short_abandon: 0s}
queues:                       # or inline
  - id: support
    requires: {support: 1}    # skill -> minimum level
    agent_order: longest_idle # any preset of ROUTING.md
  - id: sales
    requires: {sales: 1}
arrivals:
  - queue: support
    rate_per_hour: 200        # Poisson arrivals at a constant rate, or:
    # profile: [{from: 0h, rate_per_hour: 120}, {from: 2h, rate_per_hour: 260}]
    handle_time: {dist: exponential, mean: 180s}
    # other dists: {dist: constant, value: 3m}, {dist: lognormal, mean: 4m, sd: 2m},
    #              {dist: empirical, values: [120, 185, 240]}  (seconds)
    patience: {dist: exponential, mean: 5m}   # optional; without it nobody abandons
    priority: 0               # optional
    attributes: {language: zh}                # optional
agents:
  - count: 14
    skills: {support: 5, sales: 2}
    shift: {from: 0h, to: 8h} # optional, default the whole horizon
    wrapup: {dist: constant, value: 0s}        # optional after-call work
)";

// A small valid scenario; the error tests replace one of its lines (numbers on the right).
constexpr std::string_view kBase = R"(name: t
seed: 1
horizon: 8h
queues:
  - id: support
    requires: {support: 1}
arrivals:
  - queue: support
    rate_per_hour: 100
    handle_time: {dist: exponential, mean: 3m}
agents:
  - count: 5
    skills: {support: 1}
)";
//  1 name / 2 seed / 3 horizon / 4 queues / 5 - id / 6 requires / 7 arrivals / 8 - queue /
//  9 rate_per_hour / 10 handle_time / 11 agents / 12 - count / 13 skills

// A center file for the `center:` tests.
constexpr std::string_view kCenterFile = R"(center: {name: Test Center}
skills:
  - {id: support}
  - {id: billing}
profiles:
  - id: front
    queues: [{queue: support}]
agents:
  - id: a1
    skills: {support: 3}
    capacity: {voice: 1, chat: 2}
    attributes: {team: north}
  - id: a2
    skills: {billing: 2}
queues:
  - id: support
    requires: {support: 1}
  - id: billing
    members: [a2]
    requires: {billing: 1}
)";

constexpr std::string_view kWhatIf = R"(name: what-if
horizon: 4h
service_level: {threshold: 30s}
center: hotline.yaml
arrivals:
  - queue: support
    rate_per_hour: 60
    handle_time: {dist: constant, value: 3m}
  - queue: billing
    channel: voice
    profile: [{from: 0h, rate_per_hour: 10}, {from: 2h, rate_per_hour: 30}]
    handle_time: {dist: lognormal, mean: 4m, sd: 2m}
agents:
  - like: a1
    count: 3
    id: north
  - like: a2
    count: 2
    skills: {billing: 4, support: 1}
    shift: {from: 1h, to: 3h}
    wrapup: {dist: empirical, values: [10, 20s, 1m]}
)";

std::vector<ConfigProblem> Check(std::string_view yaml, Scenario* out = nullptr,
                                 std::string_view base_dir = "") {
  return CheckScenarioYaml(yaml, "scenario.yaml", base_dir, out);
}

std::string Describe(const std::vector<ConfigProblem>& problems) {
  std::string out = "problems:\n";
  for (const ConfigProblem& p : problems) out += FormatProblem(p) + "\n";
  return out;
}

// `text` with its 1-based line `line` replaced by `with` (which may hold several lines).
std::string Replace(std::string_view text, int line, std::string_view with) {
  std::istringstream in{std::string(text)};
  std::string out, current;
  for (int n = 1; std::getline(in, current); ++n)
    out += (n == line ? std::string(with) : current) + "\n";
  return out;
}

const ConfigProblem* FindKey(const std::vector<ConfigProblem>& problems, std::string_view key) {
  for (const ConfigProblem& p : problems) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

// Some problem names `key`, at `line`, in scenario.yaml, with `message` in its text.
void ExpectProblem(const std::vector<ConfigProblem>& problems, int line, std::string_view key,
                   std::string_view message) {
  const ConfigProblem* p = FindKey(problems, key);
  ASSERT_NE(p, nullptr) << "no problem at " << key << "; " << Describe(problems);
  EXPECT_EQ(p->file, "scenario.yaml");
  EXPECT_EQ(p->line, line) << Describe(problems);
  EXPECT_NE(p->message.find(message), std::string::npos) << Describe(problems);
}

// The only problem of `yaml` names `key`, at `line`, with `message` in its text.
void ExpectOnly(std::string_view yaml, int line, std::string_view key, std::string_view message) {
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  ExpectProblem(problems, line, key, message);
}

// A fresh directory under the test temp dir.
std::string TempDirFor(std::string_view name) {
  std::filesystem::path dir =
      std::filesystem::path(testing::TempDir()) / "scenario_file_test" / std::string(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string WriteFile(const std::string& dir, std::string_view name, std::string_view text) {
  std::string path = (std::filesystem::path(dir) / std::string(name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- loading ------------------------------------------------------------------------------------

TEST(ScenarioFileTest, SpecExampleLoadsEveryValue) {
  Scenario s;
  std::vector<ConfigProblem> problems = Check(kSpecExample, &s);
  ASSERT_TRUE(problems.empty()) << Describe(problems);
  EXPECT_EQ(s.name, "support-weekday");
  EXPECT_EQ(s.file, "scenario.yaml");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.horizon, Seconds(8 * 3600));
  EXPECT_EQ(s.warmup, Seconds(30 * 60));
  EXPECT_EQ(s.replications, 1);
  EXPECT_EQ(s.interval, Seconds(15 * 60));
  EXPECT_EQ(s.sl_threshold, Seconds(20));
  EXPECT_EQ(s.short_abandon, Seconds(0));

  // The inline center: its skills are those the queues and agents name, in file order.
  const core::CenterDefinition& c = s.center;
  EXPECT_EQ(c.name, "support-weekday");
  ASSERT_EQ(c.skills.size(), 2u);
  EXPECT_EQ(c.skills[0].id, "support");
  EXPECT_EQ(c.skills[1].id, "sales");
  EXPECT_TRUE(c.agents.empty());
  ASSERT_EQ(c.queues.size(), 2u);
  EXPECT_EQ(c.queues[0].id, "support");
  EXPECT_EQ(c.queues[0].agent_order, std::vector{core::AgentOrder::kLongestIdle});
  ASSERT_EQ(c.queues[0].plan.size(), 1u);
  ASSERT_EQ(c.queues[0].plan[0].requirements.size(), 1u);
  EXPECT_EQ(c.queues[0].plan[0].requirements[0].skill, SkillId(0));
  EXPECT_EQ(c.queues[0].plan[0].requirements[0].min_level, 1);
  EXPECT_EQ(c.queues[1].id, "sales");
  EXPECT_EQ(c.queues[1].plan[0].requirements[0].skill, SkillId(1));
  for (const core::Queue& q : c.queues) {  // service_level applies to every queue
    EXPECT_EQ(q.sl_threshold, Seconds(20));
    EXPECT_EQ(q.short_abandon, Seconds(0));
  }

  ASSERT_EQ(s.arrivals.size(), 1u);
  const ArrivalStream& a = s.arrivals[0];
  EXPECT_EQ(a.queue, QueueId(0));
  EXPECT_EQ(a.channel, Channel::kVoice);
  ASSERT_EQ(a.profile.size(), 1u);
  EXPECT_EQ(a.profile[0].from, Seconds(0));
  EXPECT_DOUBLE_EQ(a.profile[0].rate_per_hour, 200);
  EXPECT_EQ(a.handle_time.kind, Kind::kExponential);
  EXPECT_DOUBLE_EQ(a.handle_time.mean_s, 180);
  ASSERT_TRUE(a.patience.has_value());
  EXPECT_EQ(a.patience->kind, Kind::kExponential);
  EXPECT_DOUBLE_EQ(a.patience->mean_s, 300);
  EXPECT_EQ(a.priority, 0);
  ASSERT_EQ(a.attributes.count("language"), 1u);
  EXPECT_EQ(a.attributes.at("language"), Value("zh"));

  ASSERT_EQ(s.agents.size(), 1u);
  const AgentGroup& g = s.agents[0];
  EXPECT_EQ(g.count, 14);
  EXPECT_EQ(g.id_prefix, "g1");
  EXPECT_FALSE(g.like_agent.has_value());
  EXPECT_EQ(g.agent.skills, (std::map<SkillId, int>{{SkillId(0), 5}, {SkillId(1), 2}}));
  EXPECT_EQ(g.agent.capacity[static_cast<size_t>(Channel::kVoice)], 1);
  EXPECT_EQ(g.agent.capacity[static_cast<size_t>(Channel::kChat)], 0);
  EXPECT_EQ(g.shift_from, Seconds(0));
  EXPECT_EQ(g.shift_to, Seconds(8 * 3600));
  EXPECT_EQ(g.wrapup.kind, Kind::kConstant);
  EXPECT_DOUBLE_EQ(g.wrapup.mean_s, 0);
}

TEST(ScenarioFileTest, DefaultsAndOtherForms) {
  Scenario s;
  std::string yaml =
      Replace(kBase, 10, "    handle_time: {dist: empirical, values: [120, 185, 4m]}");
  yaml = Replace(yaml, 9,
                 "    channel: chat\n"
                 "    profile: [{from: 0h, rate_per_hour: 120}, {from: 2h, "
                 "rate_per_hour: 260.5}]\n"
                 "    patience: {dist: lognormal, mean: 4m, sd: 2m}\n"
                 "    priority: -3\n"
                 "    attributes: {vip: true, tier: 2, customer.segment: gold, "
                 "langs: [zh, en]}");
  yaml +=
      "    capacity: {chat: 3}\n    cross_channel: any\n    attributes: {team: north}\n"
      "    id: chatters\n  - {count: 2, skills: {}, wrapup: {dist: constant, value: 1m}}\n";
  std::vector<ConfigProblem> problems = Check(yaml, &s);
  ASSERT_TRUE(problems.empty()) << Describe(problems) << yaml;
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.warmup, Seconds(0));
  EXPECT_EQ(s.replications, 1);
  EXPECT_EQ(s.interval, Seconds(15 * 60));
  EXPECT_FALSE(s.sl_threshold.has_value());
  EXPECT_EQ(s.center.queues[0].sl_threshold, Seconds(20));  // the queue's own default
  const ArrivalStream& a = s.arrivals[0];
  EXPECT_EQ(a.channel, Channel::kChat);
  ASSERT_EQ(a.profile.size(), 2u);
  EXPECT_EQ(a.profile[1].from, Seconds(2 * 3600));
  EXPECT_DOUBLE_EQ(a.profile[1].rate_per_hour, 260.5);
  EXPECT_EQ(a.patience->kind, Kind::kLognormal);
  EXPECT_DOUBLE_EQ(a.patience->mean_s, 240);
  EXPECT_DOUBLE_EQ(a.patience->sd_s, 120);
  EXPECT_EQ(a.handle_time.kind, Kind::kEmpirical);
  EXPECT_EQ(a.handle_time.values_s, (std::vector<double>{120, 185, 240}));
  EXPECT_EQ(a.priority, -3);
  EXPECT_EQ(a.attributes.at("vip"), Value(true));
  EXPECT_EQ(a.attributes.at("tier"), Value(2));
  EXPECT_EQ(a.attributes.at("customer.segment"), Value("gold"));
  EXPECT_EQ(a.attributes.at("langs"), Value(Value::List{Value("zh"), Value("en")}));
  ASSERT_EQ(s.agents.size(), 2u);
  EXPECT_EQ(s.agents[0].id_prefix, "chatters");
  EXPECT_EQ(s.agents[0].agent.capacity[static_cast<size_t>(Channel::kChat)], 3);
  EXPECT_EQ(s.agents[0].agent.capacity[static_cast<size_t>(Channel::kVoice)], 0);
  EXPECT_EQ(s.agents[0].agent.cross_channel, core::CrossChannelRule::kAny);
  EXPECT_EQ(s.agents[0].agent.attributes.at("team"), Value("north"));
  EXPECT_FALSE(s.agents[0].shift_to.has_value());
  EXPECT_EQ(s.agents[1].id_prefix, "g2");
  EXPECT_TRUE(s.agents[1].agent.skills.empty());
  EXPECT_EQ(s.agents[1].wrapup.kind, Kind::kConstant);
  EXPECT_DOUBLE_EQ(s.agents[1].wrapup.mean_s, 60);
}

TEST(ScenarioFileTest, InlineQueuesAcceptEveryQueueKey) {
  constexpr std::string_view kYaml = R"(name: inline
horizon: 1h
skills:
  - {id: support, name: Support}
  - {id: mandarin}
queues:
  - id: support
    agent_order: [tier, most_skilled, longest_idle]
    offer: {mode: parallel, count: 2}
    task_order: {mode: time_offset, seconds_per_point: 30}
    membership: "agent.team == 'north'"
    plan:
      - requires: {support: 2}
        optional: {mandarin: 1}
        rings: [{after: 0s}, {after: 30s, drop_optional: true}]
        timeout: 2m
      - requires: {support: 1}
    admission: {max_length: 20, max_wait: 10m}
    exceptions:
      - {when: {wait: 5m}, do: {move_to: overflow}}
  - id: overflow
arrivals:
  - {queue: support, rate_per_hour: 30, handle_time: {dist: constant, value: 2m}}
agents:
  - {count: 3, skills: {support: 2}, attributes: {team: north}}
)";
  Scenario s;
  std::vector<ConfigProblem> problems = Check(kYaml, &s);
  ASSERT_TRUE(problems.empty()) << Describe(problems);
  ASSERT_EQ(s.center.skills.size(), 2u);
  EXPECT_EQ(s.center.skills[0].name, "Support");
  const core::Queue& q = s.center.queues[0];
  EXPECT_EQ(q.offer_mode, core::OfferMode::kParallel);
  EXPECT_EQ(q.task_order, core::TaskOrder::kTimeOffset);
  ASSERT_TRUE(q.membership.has_value());
  ASSERT_EQ(q.plan.size(), 2u);
  EXPECT_EQ(q.plan[0].rings.size(), 2u);
  EXPECT_EQ(q.admission.max_length, 20);
  ASSERT_EQ(q.exceptions.size(), 1u);
  EXPECT_EQ(q.exceptions[0].queue, QueueId(1));
  EXPECT_TRUE(s.center.queues[1].plan[0].requirements.empty());
}

TEST(ScenarioFileTest, CenterFileVariant) {
  std::string dir = TempDirFor("center_file");
  WriteFile(dir, "hotline.yaml", kCenterFile);
  std::string path = WriteFile(dir, "what-if.yaml", kWhatIf);
  Result<Scenario> loaded = LoadScenarioFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Scenario& s = *loaded;
  EXPECT_EQ(s.file, path);
  EXPECT_EQ(s.center.name, "Test Center");
  ASSERT_EQ(s.center.queues.size(), 2u);
  ASSERT_EQ(s.center.profiles.size(), 1u);
  // The file's agents stay: they are the index space of members and like_agent.
  ASSERT_EQ(s.center.agents.size(), 2u);
  for (const core::Queue& q : s.center.queues) {
    EXPECT_EQ(q.sl_threshold, Seconds(30));
    EXPECT_EQ(q.short_abandon, Seconds(5));  // not given: the queue's own
  }
  EXPECT_EQ(s.sl_threshold, Seconds(30));
  EXPECT_FALSE(s.short_abandon.has_value());

  ASSERT_EQ(s.arrivals.size(), 2u);
  EXPECT_EQ(s.arrivals[0].handle_time.kind, Kind::kConstant);
  EXPECT_DOUBLE_EQ(s.arrivals[0].handle_time.mean_s, 180);
  EXPECT_EQ(s.arrivals[1].queue, QueueId(1));
  ASSERT_EQ(s.arrivals[1].profile.size(), 2u);
  EXPECT_DOUBLE_EQ(s.arrivals[1].profile[1].rate_per_hour, 30);

  ASSERT_EQ(s.agents.size(), 2u);
  const AgentGroup& north = s.agents[0];
  EXPECT_EQ(north.id_prefix, "north");
  EXPECT_EQ(north.count, 3);
  EXPECT_EQ(north.like_agent, AgentId(0));
  EXPECT_EQ(north.agent.skills, (std::map<SkillId, int>{{SkillId(0), 3}}));
  EXPECT_EQ(north.agent.capacity[static_cast<size_t>(Channel::kChat)], 2);
  EXPECT_EQ(north.agent.attributes.at("team"), Value("north"));
  const AgentGroup& billing = s.agents[1];
  EXPECT_EQ(billing.id_prefix, "g2");
  EXPECT_EQ(billing.like_agent, AgentId(1));
  // `skills` given with `like` replaces the copied skills.
  EXPECT_EQ(billing.agent.skills, (std::map<SkillId, int>{{SkillId(0), 1}, {SkillId(1), 4}}));
  EXPECT_EQ(billing.shift_from, Seconds(3600));
  EXPECT_EQ(billing.shift_to, Seconds(3 * 3600));
  EXPECT_EQ(billing.wrapup.kind, Kind::kEmpirical);
  EXPECT_EQ(billing.wrapup.values_s, (std::vector<double>{10, 20, 60}));

  // CheckScenarioYaml with a base directory finds the same file.
  Scenario again;
  std::vector<ConfigProblem> problems = Check(kWhatIf, &again, dir);
  EXPECT_TRUE(problems.empty()) << Describe(problems);
  EXPECT_EQ(again.center.queues.size(), 2u);
}

TEST(ScenarioFileTest, ExamplesLoad) {
  // Tests run from the source tree (hotline_test's WORKING_DIRECTORY).
  for (const char* path : {"examples/sim/support-weekday.yaml", "examples/sim/demo-what-if.yaml",
                           "examples/sim/mmn.yaml"}) {
    Scenario s;
    std::vector<ConfigProblem> problems = CheckScenarioFile(path, &s);
    EXPECT_TRUE(problems.empty()) << path << "\n" << Describe(problems);
  }
  Result<Scenario> mmn = LoadScenarioFile("examples/sim/mmn.yaml");
  ASSERT_TRUE(mmn.ok()) << mmn.error().message;
  ASSERT_EQ(mmn->arrivals.size(), 1u);
  EXPECT_DOUBLE_EQ(mmn->arrivals[0].profile.at(0).rate_per_hour, 200);
  EXPECT_EQ(mmn->arrivals[0].handle_time.kind, Kind::kExponential);
  EXPECT_DOUBLE_EQ(mmn->arrivals[0].handle_time.mean_s, 180);
  EXPECT_FALSE(mmn->arrivals[0].patience.has_value());
  ASSERT_EQ(mmn->agents.size(), 1u);
  EXPECT_EQ(mmn->agents[0].count, 14);
  EXPECT_EQ(mmn->sl_threshold, Seconds(20));
  Result<Scenario> what_if = LoadScenarioFile("examples/sim/demo-what-if.yaml");
  ASSERT_TRUE(what_if.ok()) << what_if.error().message;
  EXPECT_EQ(what_if->center.agents.size(), 8u);
  bool like = false;
  for (const AgentGroup& g : what_if->agents) like = like || g.like_agent.has_value();
  EXPECT_TRUE(like);
}

// ---- errors: top level --------------------------------------------------------------------------

TEST(ScenarioFileTest, TopLevelErrors) {
  ExpectOnly(Replace(kBase, 2, "warmup: 8h"), 2, "warmup", "shorter than the horizon");
  ExpectOnly(Replace(kBase, 2, "replications: 0"), 2, "replications", "at least 1");
  ExpectOnly(Replace(kBase, 2, "interval: 0s"), 2, "interval", "positive");
  ExpectOnly(Replace(kBase, 2, "seed: -1"), 2, "seed", "must not be negative");
  ExpectOnly(Replace(kBase, 2, "service_level: {threshold: -20s}"), 2, "service_level.threshold",
             "must not be negative");
  ExpectOnly(Replace(kBase, 2, "service_level: {treshold: 20s}"), 2, "service_level.treshold",
             "did you mean 'threshold'");
  ExpectOnly(Replace(kBase, 3, "horizon: -8h"), 3, "horizon", "must not be negative");
  ExpectOnly(Replace(kBase, 3, "horizon: 0s"), 3, "horizon", "positive");
  ExpectOnly(Replace(kBase, 1, "name: \"\""), 1, "name", "must not be empty");
}

TEST(ScenarioFileTest, UnknownKeysAreErrors) {
  std::vector<ConfigProblem> problems = Check(Replace(kBase, 2, "sede: 1"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  ExpectProblem(problems, 2, "sede", "unknown key 'sede', did you mean 'seed'?");
  EXPECT_EQ(problems[0].column, 1);
  ExpectOnly(Replace(kBase, 9, "    rate: 100\n    rate_per_hour: 100"), 9, "arrivals[0].rate",
             "unknown key 'rate'");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    skils: {}"), 14, "agents[0].skils",
             "did you mean 'skills'");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: exponential, mean: 3m, scale: 2}"), 10,
             "arrivals[0].handle_time.scale", "unknown key 'scale'");
}

TEST(ScenarioFileTest, MissingRequiredKeys) {
  ExpectOnly(Replace(kBase, 1, "# no name"), 2, "name", "missing required key 'name'");
  ExpectOnly(Replace(kBase, 3, "# no horizon"), 1, "horizon", "missing required key 'horizon'");
  ExpectOnly(Replace(kBase, 10, "    priority: 1"), 8, "arrivals[0].handle_time",
             "missing required key 'handle_time'");
  ExpectOnly(Replace(kBase, 9, "    priority: 1"), 8, "arrivals[0].rate_per_hour",
             "missing required key 'rate_per_hour' (or 'profile'");
  ExpectOnly(Replace(kBase, 8, "  - channel: voice"), 8, "arrivals[0].queue",
             "missing required key 'queue'");
  ExpectOnly(Replace(kBase, 12, "  - id: x"), 12, "agents[0].count",
             "missing required key 'count'");
  ExpectOnly(Replace(kBase, 13, "    capacity: {voice: 1}"), 12, "agents[0].skills",
             "missing required key 'skills' (or 'like");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {mean: 3m}"), 10, "arrivals[0].handle_time.dist",
             "missing required key 'dist'");
  // Sections: the root map is where they are missing.
  std::string no_agents = std::string(kBase.substr(0, kBase.find("agents:")));
  ExpectOnly(no_agents, 1, "agents", "missing required key 'agents'");
  std::string no_center = Replace(Replace(kBase, 4, "# none"), 5, "#");
  no_center = Replace(no_center, 6, "#");
  std::vector<ConfigProblem> problems = Check(no_center);
  ExpectProblem(problems, 1, "queues", "give 'center' (a hotline.yaml file) or inline 'queues'");
  std::string no_arrivals = Replace(Replace(kBase, 7, "arrivals: []"), 8, "#");
  no_arrivals = Replace(Replace(no_arrivals, 9, "#"), 10, "#");
  ExpectOnly(no_arrivals, 7, "arrivals", "at least one arrival stream");
}

TEST(ScenarioFileTest, NegativeRatesAndDurations) {
  ExpectOnly(Replace(kBase, 9, "    rate_per_hour: -5"), 9, "arrivals[0].rate_per_hour",
             "a rate must not be negative (got '-5')");
  ExpectOnly(Replace(kBase, 9, "    rate_per_hour: many"), 9, "arrivals[0].rate_per_hour",
             "expected a number");
  ExpectOnly(Replace(kBase, 9, "    rate_per_hour: 1e12"), 9, "arrivals[0].rate_per_hour",
             "at most");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: exponential, mean: -3m}"), 10,
             "arrivals[0].handle_time.mean", "must not be negative");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: exponential, mean: 0s}"), 10,
             "arrivals[0].handle_time.mean", "positive");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: constant, value: -1}"), 10,
             "arrivals[0].handle_time.value", "must not be negative");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: lognormal, mean: 4m, sd: -2m}"), 10,
             "arrivals[0].handle_time.sd", "must not be negative");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: empirical, values: [10, -2]}"), 10,
             "arrivals[0].handle_time.values[1]", "must not be negative");
  ExpectOnly(
      Replace(kBase, 13, "    skills: {support: 1}\n    wrapup: {dist: constant, value: -5s}"), 14,
      "agents[0].wrapup.value", "must not be negative");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    shift: {from: -1h}"), 14,
             "agents[0].shift.from", "must not be negative");
}

TEST(ScenarioFileTest, DistributionErrors) {
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: normal, mean: 3m}"), 10,
             "arrivals[0].handle_time.dist", "unknown distribution 'normal'");
  ExpectOnly(Replace(kBase, 10, "    handle_time: 180s"), 10, "arrivals[0].handle_time",
             "expected a distribution such as {dist: exponential, mean: 180s}");
  ExpectOnly(Replace(kBase, 10, "    handle_time: {dist: empirical, values: []}"), 10,
             "arrivals[0].handle_time.values", "at least one value");
  std::vector<ConfigProblem> problems =
      Check(Replace(kBase, 10, "    handle_time: {dist: constant, mean: 3m}"));
  ASSERT_EQ(problems.size(), 2u) << Describe(problems);
  ExpectProblem(problems, 10, "arrivals[0].handle_time.mean",
                "'mean' does not apply to dist constant (it takes: value)");
  ExpectProblem(problems, 10, "arrivals[0].handle_time.value", "missing required key 'value'");
}

TEST(ScenarioFileTest, RateProfileErrors) {
  ExpectOnly(Replace(kBase, 9, "    profile: [{from: 1h, rate_per_hour: 10}]"), 9,
             "arrivals[0].profile[0].from", "the first step must start at 0");
  ExpectOnly(Replace(kBase, 9,
                     "    profile: [{from: 0h, rate_per_hour: 10}, {from: 2h, rate_per_hour: 5},"
                     " {from: 1h, rate_per_hour: 1}]"),
             9, "arrivals[0].profile[2].from", "sorted by 'from'");
  ExpectOnly(Replace(kBase, 9,
                     "    profile: [{from: 0h, rate_per_hour: 10}, {from: 0h, rate_per_hour: 5}]"),
             9, "arrivals[0].profile[1].from", "sorted by 'from'");
  ExpectOnly(Replace(kBase, 9, "    profile: [{from: 0h, rate_per_hour: -1}]"), 9,
             "arrivals[0].profile[0].rate_per_hour", "must not be negative");
  ExpectOnly(Replace(kBase, 9, "    profile: [{from: 0h}]"), 9,
             "arrivals[0].profile[0].rate_per_hour", "missing required key");
  ExpectOnly(Replace(kBase, 9, "    profile: []"), 9, "arrivals[0].profile", "at least one step");
  ExpectOnly(Replace(kBase, 9,
                     "    profile: [{from: 0h, rate_per_hour: 10}, {from: 9h, rate_per_hour: 5}]"),
             9, "arrivals[0].profile[1].from", "at or after the horizon");
  ExpectOnly(
      Replace(kBase, 9, "    rate_per_hour: 100\n    profile: [{from: 0h, rate_per_hour: 10}]"), 10,
      "arrivals[0].profile", "either 'rate_per_hour'");
}

// ---- errors: references and the center ----------------------------------------------------------

TEST(ScenarioFileTest, UndefinedQueueAndSkill) {
  ExpectOnly(Replace(kBase, 8, "  - queue: suport"), 8, "arrivals[0].queue",
             "queue 'suport' is not defined under 'queues', did you mean 'support'?");
  std::string with_skills = Replace(kBase, 3, "horizon: 8h\nskills: [{id: support}]");
  // Lines from 4 on move down by one.
  ExpectOnly(Replace(with_skills, 14, "    skills: {support: 1, sales: 2}"), 14,
             "agents[0].skills.sales", "skill 'sales' is not defined under 'skills'");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 0}"), 13, "agents[0].skills.support",
             "at least 1");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    profile: front"), 14,
             "agents[0].profile", "an inline center has none");
  ExpectOnly(Replace(kBase, 13, "    like: a1"), 13, "agents[0].like",
             "an inline center has no agents");
  ExpectOnly(Replace(kBase, 13, "    skills: {tech-support: 1}"), 13,
             "agents[0].skills.tech-support", "skill id 'tech-support' must be");
  ExpectOnly(Replace(kBase, 6, "    requires: {tech-support: 1}"), 6,
             "queues[0].requires.tech-support", "skill id 'tech-support' must be");
  ExpectOnly(Replace(kBase, 9, "    rate_per_hour: 1\n    channel: fax"), 10, "arrivals[0].channel",
             "unknown channel 'fax'");
  ExpectOnly(Replace(kBase, 9, "    rate_per_hour: 1\n    attributes: {priority: 3}"), 10,
             "arrivals[0].attributes.priority", "reserved");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    capacity: {fax: 1}"), 14,
             "agents[0].capacity.fax", "unknown channel 'fax'");
}

TEST(ScenarioFileTest, InlineQueueErrorsKeepScenarioLines) {
  ExpectOnly(Replace(kBase, 6, "    agent_order: fastest"), 6, "queues[0].agent_order",
             "unknown preset 'fastest'");
  ExpectOnly(Replace(kBase, 6, "    requires: {support: 1}\n    offer: {mode: single, count: 2}"),
             7, "queues[0].offer.count", "applies only to mode parallel");
  ExpectOnly(Replace(kBase, 6, "    members: [a1]"), 6, "queues[0].members[0]",
             "an inline center has no agents");
  // The center loader's own line references are the scenario's lines.
  std::vector<ConfigProblem> problems =
      Check(Replace(kBase, 6, "    requires: {support: 1}\n  - id: support"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  ExpectProblem(problems, 7, "queues[1].id", "first used by queue #1, line 5");
  EXPECT_EQ(problems[0].column, 9);
  // Explicit skills are the center's.
  ExpectOnly(Replace(kBase, 3, "horizon: 8h\nskills: [{id: support}, {id: support}]"), 4,
             "skills[1].id", "duplicate skill id");
}

TEST(ScenarioFileTest, CenterAndInlineQueuesTogether) {
  std::vector<ConfigProblem> problems =
      Check(Replace(kSpecExample, 7, "service_level: {threshold: 20s}\ncenter: hotline.yaml"));
  ExpectProblem(problems, 9, "queues", "'center' and inline 'queues' cannot be used together");
}

TEST(ScenarioFileTest, CenterFileErrors) {
  std::string dir = TempDirFor("center_errors");
  WriteFile(dir, "hotline.yaml", kCenterFile);
  auto check = [&](const std::string& yaml) { return Check(yaml, nullptr, dir); };

  std::vector<ConfigProblem> problems = check(Replace(kWhatIf, 4, "center: nothere.yaml"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  ExpectProblem(problems, 4, "center", "cannot load the center file");
  EXPECT_NE(problems[0].message.find("nothere.yaml"), std::string::npos);

  problems = check(Replace(kWhatIf, 14, "  - like: a9"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  ExpectProblem(problems, 14, "agents[0].like", "agent 'a9' is not defined in the center file");
  EXPECT_NE(problems[0].message.find("did you mean 'a1'?"), std::string::npos);

  problems = check(Replace(kWhatIf, 19, "    skills: {sales: 1}"));
  ExpectProblem(problems, 19, "agents[1].skills.sales",
                "skill 'sales' is not defined in the center file");
  problems = check(Replace(kWhatIf, 16, "    id: north\n    profile: back"));
  ExpectProblem(problems, 17, "agents[0].profile", "profile 'back' is not defined");
  problems = check(Replace(kWhatIf, 6, "  - queue: sales"));
  ExpectProblem(problems, 6, "arrivals[0].queue", "queue 'sales' is not defined in the center");
  problems = check(Replace(kWhatIf, 4, "center: hotline.yaml\nskills: [{id: x}]"));
  ExpectProblem(problems, 5, "skills", "with a center file the skills are the file's");

  // Problems in the center file: one at the scenario's `center`, then the file's own.
  WriteFile(dir, "bad.yaml",
            Replace(kCenterFile, 17, "    requires: {support: 1}\n    agent_order: fastest"));
  problems = check(Replace(kWhatIf, 4, "center: bad.yaml"));
  ASSERT_EQ(problems.size(), 2u) << Describe(problems);
  EXPECT_EQ(problems[0].file, "scenario.yaml");
  EXPECT_EQ(problems[0].line, 4);
  EXPECT_EQ(problems[0].key, "center");
  EXPECT_NE(problems[0].message.find("has 1 problem; the first: "), std::string::npos);
  EXPECT_EQ(problems[1].file, (std::filesystem::path(dir) / "bad.yaml").lexically_normal());
  EXPECT_EQ(problems[1].line, 18);
  EXPECT_EQ(problems[1].key, "queues[0].agent_order");
}

TEST(ScenarioFileTest, QueueThatNobodyCanServe) {
  // No group has the queue's required skill.
  ExpectOnly(Replace(kBase, 13, "    skills: {sales: 3}"), 8, "arrivals[0].queue",
             "queue 'support' receives arrivals but no agent group can serve it");
  // Not enough of it.
  ExpectOnly(Replace(kBase, 6, "    requires: {support: 2}"), 8, "arrivals[0].queue",
             "no agent group can serve it (its first step takes members of the queue with "
             "support >= 2, with capacity on voice)");
  // No capacity on the stream's channel.
  ExpectOnly(Replace(kBase, 9, "    rate_per_hour: 1\n    channel: chat"), 8, "arrivals[0].queue",
             "capacity on chat");
  // Not a member by the membership rule; a second group is.
  std::string rule =
      Replace(kBase, 6, "    requires: {support: 1}\n    membership: \"agent.team == 'north'\"");
  ExpectOnly(rule, 9, "arrivals[0].queue", "no agent group can serve it");
  Scenario s;
  std::vector<ConfigProblem> problems =
      Check(rule + "  - {count: 1, skills: {support: 1}, attributes: {team: north}}\n", &s);
  EXPECT_TRUE(problems.empty()) << Describe(problems);
  // A queue nobody feeds is fine.
  problems = Check(Replace(kBase, 6,
                           "    requires: {support: 1}\n  - id: lonely\n    requires: "
                           "{lonely: 1}"));
  EXPECT_TRUE(problems.empty()) << Describe(problems);

  // Static members of the center file count through `like`.
  std::string dir = TempDirFor("reachable");
  WriteFile(dir, "hotline.yaml", kCenterFile);
  problems = Check(Replace(kWhatIf, 17, "  - like: a1"), nullptr, dir);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  ExpectProblem(problems, 9, "arrivals[1].queue",
                "queue 'billing' receives arrivals but no agent group can serve it");
}

TEST(ScenarioFileTest, AgentGroupErrors) {
  ExpectOnly(Replace(kBase, 12, "  - count: 0"), 12, "agents[0].count", "at least 1");
  ExpectOnly(Replace(kBase, 12, "  - count: 1000000"), 12, "agents[0].count", "at most 100000");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    shift: {from: 2h, to: 1h}"), 14,
             "agents[0].shift.to", "the shift must end after it starts");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    shift: {from: 8h}"), 14,
             "agents[0].shift.from", "at or after the horizon");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    cross_channel: some"), 14,
             "agents[0].cross_channel", "unknown cross-channel rule 'some'");
  ExpectOnly(std::string(kBase) + "  - {id: g1, count: 1, skills: {support: 1}}\n", 14,
             "agents[1].id", "is also the default id of agent group #1");
  ExpectOnly(std::string(kBase) + "  - {id: a, count: 1, skills: {support: 1}}\n" +
                 "  - {id: a, count: 1, skills: {support: 1}}\n",
             15, "agents[2].id", "is also used by agent group #2");
  ExpectOnly(Replace(kBase, 13, "    skills: {support: 1}\n    attributes: {skill: 3}"), 14,
             "agents[0].attributes.skill", "reserved");
  ExpectOnly(Replace(Replace(Replace(kBase, 11, "agents: []"), 12, "#"), 13, "#"), 11, "agents",
             "at least one agent group");
}

// ---- several problems, syntax, robustness -------------------------------------------------------

TEST(ScenarioFileTest, SeveralProblemsAtOnceInFileOrder) {
  std::string yaml = Replace(kBase, 3, "horizon: -1h");
  yaml = Replace(yaml, 9, "    rate_per_hour: lots");
  yaml = Replace(yaml, 12, "  - count: 0");
  yaml = Replace(yaml, 2, "sead: 1");
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 4u) << Describe(problems);
  EXPECT_EQ(problems[0].key, "sead");
  EXPECT_EQ(problems[1].key, "horizon");
  EXPECT_EQ(problems[2].key, "arrivals[0].rate_per_hour");
  EXPECT_EQ(problems[3].key, "agents[0].count");
  EXPECT_EQ(FormatProblem(problems[1]),
            "scenario.yaml:3:10: horizon: a duration must not be negative (got '-1h')");
  Result<Scenario> r = LoadScenarioFile(WriteFile(TempDirFor("several"), "s.yaml", yaml));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "sead");
  EXPECT_NE(r.error().message.find("s.yaml:2:1: sead: unknown key 'sead'"), std::string::npos)
      << r.error().message;
}

TEST(ScenarioFileTest, SyntaxAndWholeFileProblems) {
  std::vector<ConfigProblem> problems = Check("");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 0);
  EXPECT_NE(problems[0].message.find("empty"), std::string::npos);
  problems = Check("name: [t\nhorizon: 1h\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_GT(problems[0].line, 0);
  EXPECT_NE(problems[0].message.find("YAML syntax error"), std::string::npos);
  problems = Check("- a\n- b\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("expected a scenario"), std::string::npos);
  problems = Check(std::string(kBase) + "---\nname: again\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("only one YAML document"), std::string::npos);
  // A document end marker is fine, also after inline queues.
  problems = Check(
      "name: t\nhorizon: 1h\narrivals: [{queue: q, rate_per_hour: 1, handle_time: "
      "{dist: constant, value: 1}}]\nagents: [{count: 1, skills: {}}]\nqueues:\n"
      "  - id: q\n...\n");
  EXPECT_TRUE(problems.empty()) << Describe(problems);
  // Flow style at the top level cannot carry inline queues.
  problems = Check(
      "{name: t, horizon: 1h, queues: [{id: q}], arrivals: [{queue: q, "
      "rate_per_hour: 1, handle_time: {dist: constant, value: 1}}], agents: "
      "[{count: 1, skills: {}}]}");
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].key, "queues");
  EXPECT_NE(problems[0].message.find("block map"), std::string::npos);

  Result<Scenario> missing = LoadScenarioFile("/nonexistent/scenario.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  problems = CheckScenarioFile("/nonexistent/scenario.yaml", nullptr);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 0);
}

TEST(ScenarioFileTest, OutputUntouchedOnProblems) {
  Scenario s;
  s.name = "before";
  EXPECT_FALSE(Check(Replace(kBase, 3, "horizon: -1h"), &s).empty());
  EXPECT_EQ(s.name, "before");
}

bool Refused(const std::vector<ConfigProblem>& problems) {
  for (const ConfigProblem& p : problems) {
    if (p.message.find("expands to more than") != std::string::npos) return true;
  }
  return false;
}

TEST(ScenarioFileTest, AliasExpansionBombIsRefused) {
  // Inline queues: 2,000 aliases of a step holding 2,000 aliases of a ring.
  std::string queues = "queues:\n  - id: support\n    plan:\n      - &s {rings: [&r {}";
  for (int i = 1; i < 2000; ++i) queues += ", *r";
  queues += "]}\n";
  for (int i = 1; i < 2000; ++i) queues += "      - *s\n";
  std::string yaml = Replace(Replace(Replace(kBase, 6, "#"), 5, "#"), 4, queues);
  std::vector<ConfigProblem> problems = Check(yaml);
  EXPECT_TRUE(Refused(problems)) << Describe(problems).substr(0, 2000);

  // Arrivals: 2,000 aliases of a stream with 2,000 aliases of an empirical value.
  std::string arrivals =
      "arrivals:\n  - &a {queue: support, rate_per_hour: 1, handle_time: {dist: empirical, "
      "values: [&v 1";
  for (int i = 1; i < 2000; ++i) arrivals += ", *v";
  arrivals += "]}}\n";
  for (int i = 1; i < 2000; ++i) arrivals += "  - *a\n";
  yaml = Replace(Replace(Replace(Replace(kBase, 10, "#"), 9, "#"), 8, "#"), 7, arrivals);
  problems = Check(yaml);
  EXPECT_TRUE(Refused(problems)) << Describe(problems).substr(0, 2000);
}

TEST(ScenarioFileTest, DeepNestingIsAProblemNotACrash) {
  EXPECT_FALSE(Check(Replace(kBase, 7, "arrivals: " + std::string(100000, '['))).empty());
  std::string maps = "agents: ";
  for (int i = 0; i < 20000; ++i) maps += "{a: ";
  EXPECT_FALSE(Check(Replace(kBase, 11, maps)).empty());
}

TEST(ScenarioFileTest, WindowsLineEndings) {
  std::string crlf;
  for (char c : kSpecExample) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  Scenario s;
  std::vector<ConfigProblem> problems = Check(crlf, &s);
  ASSERT_TRUE(problems.empty()) << Describe(problems);
  EXPECT_EQ(s.center.queues.size(), 2u);
  problems = Check(Replace(crlf, 11, "    agent_order: fastest\r"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  ExpectProblem(problems, 11, "queues[0].agent_order", "unknown preset 'fastest'");
}

TEST(ScenarioFileTest, UnservedQueueReportedWithOtherProblems) {
  std::string yaml = Replace(Replace(kBase, 13, "    skills: {sales: 3}"), 3, "horizon: -1h");
  std::vector<ConfigProblem> problems = Check(yaml);
  ASSERT_EQ(problems.size(), 2u) << Describe(problems);
  ExpectProblem(problems, 3, "horizon", "must not be negative");
  ExpectProblem(problems, 8, "arrivals[0].queue", "no agent group can serve it");
  // A stream with a problem of its own is not checked: its channel may be the mistake.
  problems = Check(Replace(kBase, 9, "    rate_per_hour: 1\n    channel: chta"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].key, "arrivals[0].channel");
}

TEST(ScenarioFileTest, TruncatedPrefixesNeverCrash) {
  std::string dir = TempDirFor("prefixes");
  WriteFile(dir, "hotline.yaml", kCenterFile);
  for (std::string_view text : {kSpecExample, kWhatIf}) {
    for (size_t n = 0; n <= text.size(); ++n) {
      Scenario s;
      std::vector<ConfigProblem> problems = Check(text.substr(0, n), &s, dir);
      if (problems.empty()) {
        EXPECT_FALSE(s.name.empty());
        EXPECT_FALSE(s.arrivals.empty());
        EXPECT_FALSE(s.agents.empty());
      }
      for (const ConfigProblem& p : problems) EXPECT_FALSE(p.message.empty());
    }
  }
}

TEST(ScenarioFileTest, DroppedLinesNeverCrash) {
  std::string dir = TempDirFor("dropped");
  WriteFile(dir, "hotline.yaml", kCenterFile);
  for (std::string_view text : {kSpecExample, kWhatIf}) {
    int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (int line = 1; line <= lines; ++line) {
      Scenario s;
      std::vector<ConfigProblem> problems = Check(Replace(text, line, ""), &s, dir);
      for (const ConfigProblem& p : problems) EXPECT_FALSE(p.message.empty());
    }
  }
}

TEST(ScenarioFileTest, ExampleFilesTruncatedNeverCrash) {
  std::string text = ReadTestFile("examples/sim/demo-what-if.yaml");
  ASSERT_FALSE(text.empty());
  for (size_t n = 0; n <= text.size(); n += 7) {
    CheckScenarioYaml(std::string_view(text).substr(0, n), "demo-what-if.yaml", "examples/sim",
                      nullptr);
  }
}

}  // namespace
}  // namespace hotline::sim
