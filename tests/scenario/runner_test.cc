// Runs every tests/scenarios/routing/*.scenario (one test each, named after the file) and checks
// that the scenario parser names the file and line of a mistake. The working directory is the
// repository root (ctest's WORKING_DIRECTORY).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/scenario/runner.h"

namespace hotline::testing {
namespace {

constexpr const char* kScenarioDir = "tests/scenarios/routing";

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kScenarioDir, ec)) {
    if (entry.path().extension() == ".scenario") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TestName(const std::string& path) {
  std::string name = std::filesystem::path(path).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class RoutingScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(RoutingScenario, Passes) {
  Status status = RunScenarioFile(GetParam());
  EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
}

INSTANTIATE_TEST_SUITE_P(Routing, RoutingScenario, ::testing::ValuesIn(ScenarioFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return TestName(info.param);
                         });

TEST(RoutingScenarioDirectory, HoldsScenarios) {
  EXPECT_GE(ScenarioFiles().size(), 40u) << "run from the repository root";
}

constexpr const char* kCenter = "center: {name: t}\nagents: [{id: a1}]\nqueues: [{id: q}]\n";

std::string ParseError(const std::string& steps) {
  Result<Scenario> s = ParseScenario(std::string(kCenter) + "---\n" + steps, "x.scenario");
  return s.ok() ? "(parsed)" : s.error().message;
}

TEST(ScenarioParser, ReadsStepsAndExpectations) {
  Result<Scenario> s = ParseScenario(std::string(kCenter) +
                                         "---\n"
                                         "seed 7\n"
                                         "at 0s login a1   # comment\n"
                                         "\n"
                                         "at 1.5s create c1 chat q priority=2 attr.lang=zh "
                                         "attr.n=3 attr.l=[a,b] known=a1\n"
                                         "expect offered c1 a1\n"
                                         "at 2s accept c1 a1\n"
                                         "expect error failed_precondition\n"
                                         "expect event-count offer.accepted c1 a1 1\n",
                                     "x.scenario");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->center_yaml, kCenter);
  ASSERT_EQ(s->lines.size(), 6u);
  const ScenarioLine& create = s->lines[1];
  EXPECT_EQ(create.line, 8);
  EXPECT_EQ(create.op, Op::kCreate);
  EXPECT_EQ(create.at, Seconds(1.5));
  EXPECT_EQ(create.channel, core::Channel::kChat);
  EXPECT_EQ(create.number, 2);
  EXPECT_EQ(create.known, "a1");
  EXPECT_EQ(create.values.at("lang"), core::Value("zh"));
  EXPECT_EQ(create.values.at("n"), core::Value(3));
  EXPECT_EQ(create.values.at("l"), core::Value(core::Value::List{"a", "b"}));
  EXPECT_EQ(s->lines[2].at, Seconds(1.5));  // an expectation is checked at the latest `at`
  EXPECT_EQ(s->lines[4].word, "failed_precondition");
  EXPECT_EQ(s->lines[5].number, 1);
  EXPECT_EQ(s->lines[5].subjects, (std::vector<std::string>{"c1", "a1"}));
}

TEST(ScenarioParser, MissingSeparatorIsAnError) {
  Result<Scenario> s = ParseScenario(kCenter, "x.scenario");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "x.scenario:1: no '---' line between the center and the steps");
}

TEST(ScenarioParser, UnknownCommandNamesFileAndLine) {
  EXPECT_EQ(ParseError("at 0s login a1\nat 1s dance a1\n"),
            "x.scenario:6: unknown command 'dance'");
}

TEST(ScenarioParser, UnknownLineNamesFileAndLine) {
  EXPECT_EQ(ParseError("# first\nwait 3s\n"),
            "x.scenario:6: unknown line 'wait' (expected at, expect or seed)");
}

TEST(ScenarioParser, BadArgumentsNameFileAndLine) {
  EXPECT_EQ(ParseError("at soon login a1\n").substr(0, 31), "x.scenario:5: bad time 'soon': ");
  EXPECT_EQ(ParseError("at 0s create c1 fax q\n"),
            "x.scenario:5: unknown channel 'fax' (voice, chat, email, callback, task)");
  EXPECT_EQ(ParseError("at 0s priority c1 high\n"),
            "x.scenario:5: priority must be an integer, got 'high'");
  EXPECT_EQ(ParseError("at 0s reject c1 a1 maybe\n"),
            "x.scenario:5: reject reason must be declined or busy");
  EXPECT_EQ(ParseError("at 0s accept c1\n"), "x.scenario:5: missing agent");
  EXPECT_EQ(ParseError("at 0s end c1 now\n"), "x.scenario:5: unexpected 'now'");
  EXPECT_EQ(ParseError("at 0s create c1 voice q colour=red\n"),
            "x.scenario:5: unknown option 'colour' (priority=, known=, attr.KEY=)");
}

TEST(ScenarioParser, BadExpectationsNameFileAndLine) {
  EXPECT_EQ(ParseError("expect state c1 sleeping\n"), "x.scenario:5: unknown state 'sleeping'");
  EXPECT_EQ(ParseError("expect event offer.vanished c1\n"),
            "x.scenario:5: unknown event type 'offer.vanished'");
  EXPECT_EQ(ParseError("expect explain c1 a1 grumpy\n"), "x.scenario:5: unknown reason 'grumpy'");
  EXPECT_EQ(ParseError("expect agent a1 mood happy\n"),
            "x.scenario:5: unknown agent expectation 'mood'");
  EXPECT_EQ(ParseError("expect event-count offer.accepted c1\n"),
            "x.scenario:5: the last word must be a count, got 'c1'");
  EXPECT_EQ(ParseError("expect sunshine\n"), "x.scenario:5: unknown expectation 'sunshine'");
}

TEST(ScenarioParser, ExpectErrorMustFollowACommand) {
  EXPECT_EQ(ParseError("at 1s\nexpect error\n"),
            "x.scenario:6: 'expect error' must directly follow an 'at' line with a command");
  EXPECT_EQ(ParseError("at 1s end c1\nexpect state c1 queued\nexpect error\n"),
            "x.scenario:7: 'expect error' must directly follow an 'at' line with a command");
}

TEST(ScenarioParser, TimeMustNotGoBack) {
  EXPECT_EQ(ParseError("at 10s\nat 5s\n"), "x.scenario:6: time goes back: 5s < 10s");
  EXPECT_EQ(ParseError("at 1s\nseed 3\n"), "x.scenario:6: seed must come before the first 'at'");
}

TEST(ScenarioParser, ReconfigureReadsTheIndentedBlockBelowIt) {
  Result<Scenario> s = ParseScenario(std::string(kCenter) +
                                         "---\n"
                                         "at 1s reconfigure   # a2 joins\n"
                                         "  agents:\n"
                                         "\n"
                                         "    - {id: a1}   # stays\n"
                                         "    - {id: a2}\n"
                                         "\n"
                                         "expect waiting q 0\n",
                                     "x.scenario");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->lines.size(), 2u);
  EXPECT_EQ(s->lines[0].op, Op::kReconfigure);
  EXPECT_EQ(s->lines[0].yaml, "agents:\n\n  - {id: a1}   # stays\n  - {id: a2}\n");
  EXPECT_EQ(s->lines[1].line, 11);
  EXPECT_EQ(ParseError("at 1s reconfigure\nat 2s\n"),
            "x.scenario:5: reconfigure needs an indented hotline.yaml block below it");
}

TEST(ScenarioParser, ReplaceSectionsSwapsWholeTopLevelSections) {
  EXPECT_EQ(ReplaceSections("# c\ncenter: {name: t}\nagents:\n  - {id: a1}\nqueues: [{id: q}]\n",
                            "agents:\n  - {id: a1}\n  - {id: a2}\nskills: [{id: s}]\n"),
            "# c\ncenter: {name: t}\nagents:\n  - {id: a1}\n  - {id: a2}\nqueues: [{id: q}]\n"
            "skills: [{id: s}]\n");
}

// Runtime failures (these run the engine): the report names the file and line, says what was
// expected and what happened, and lists the events so far.
std::string RunError(const std::string& steps) {
  Result<Scenario> s = ParseScenario(std::string(kCenter) + "---\n" + steps, "x.scenario");
  if (!s.ok()) return "parse error: " + s.error().message;
  Status status = RunScenario(*s);
  return status.ok() ? "(passed)" : status.error().message;
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(ScenarioRunner, FailingExpectationNamesFileLineAndEvents) {
  std::string report = RunError("at 0s login a1\nat 1s create c1 voice q\nexpect offers c1 none\n");
  EXPECT_TRUE(StartsWith(report,
                         "x.scenario:7: expected c1 offered to exactly none, got offered "
                         "to a1 (offering)\n"))
      << report;
  EXPECT_NE(report.find("line: expect offers c1 none"), std::string::npos) << report;
  EXPECT_NE(report.find("1s interaction.offered c1 agent=a1"), std::string::npos) << report;
}

TEST(ScenarioRunner, RefusedCommandFailsWithoutExpectError) {
  std::string report = RunError("at 1s create c1 voice q\nat 2s end c1\n");
  EXPECT_TRUE(StartsWith(report, "x.scenario:6: the command failed: ")) << report;
  EXPECT_EQ(RunError("at 1s create c1 voice q\nat 2s end c1\nexpect error\n"), "(passed)");
}

TEST(ScenarioRunner, ExpectErrorAfterASuccessFails) {
  std::string report = RunError("at 1s login a1\nexpect error\n");
  EXPECT_TRUE(StartsWith(report, "x.scenario:6: expected an error, got success")) << report;
}

TEST(ScenarioRunner, EventExpectationsLookAtTheLatestStepOnly) {
  EXPECT_EQ(RunError("at 0s login a1\nexpect event agent.logged_in a1\nat 1s\n"
                     "expect no-event agent.logged_in\nexpect event-count agent.logged_in a1 1\n"),
            "(passed)");
  std::string report = RunError("at 0s login a1\nat 1s\nexpect event agent.logged_in a1\n");
  EXPECT_TRUE(StartsWith(report,
                         "x.scenario:7: expected agent.logged_in a1 during this step, "
                         "got 0 matching"))
      << report;
}

TEST(ScenarioRunner, UnknownNamesAreReported) {
  EXPECT_TRUE(StartsWith(RunError("at 0s login zed\n"), "x.scenario:5: unknown agent 'zed'"));
  EXPECT_TRUE(StartsWith(RunError("at 0s end c9\n"), "x.scenario:5: unknown interaction 'c9'"));
  EXPECT_TRUE(
      StartsWith(RunError("at 0s create a1 voice q\n"), "x.scenario:5: the name 'a1' is taken"));
}

TEST(ScenarioRunner, ReconfigureAppliesTheChangedCenterAndReportsWhatIsWrong) {
  EXPECT_EQ(RunError("at 0s create c1 voice q\n"
                     "at 1s reconfigure\n"
                     "  agents: [{id: a1}, {id: a2}]\n"
                     "at 2s login a2\n"
                     "expect offers c1 a2\n"),
            "(passed)");
  EXPECT_EQ(RunError("at 1s reconfigure\n  agents: []\nexpect error invalid_argument\n"),
            "(passed)");
  std::string report = RunError("at 1s reconfigure\n  agents: [{id: a1, colour: red}]\n");
  EXPECT_TRUE(StartsWith(report, "x.scenario:5: the center after reconfigure does not load"))
      << report;
}

TEST(ScenarioRunner, BadCenterIsReported) {
  Result<Scenario> s =
      ParseScenario("center: {name: t}\nqueues: [{id: q, colour: red}]\n---\n", "x.scenario");
  ASSERT_TRUE(s.ok());
  Status status = RunScenario(*s);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(StartsWith(status.error().message, "center: x.scenario:2:"))
      << status.error().message;
}

}  // namespace
}  // namespace hotline::testing
