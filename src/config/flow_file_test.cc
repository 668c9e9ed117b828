#include "config/flow_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flow/run.h"

namespace hotline::config {
namespace {

// A center with two queues and one flow of every kind of node.
constexpr std::string_view kFile = R"(center:
  name: Demo
  utc_offset: "+08:00"
queues:
  - id: support
  - id: billing
voice:
  anything: the voice module's
hours:
  - id: office
    weekly: {mon-fri: "09:00-18:00", sat: ["10:00-12:00", "13:00-15:00"]}
    holidays: ["2026-12-25"]
numbers:
  "1000": main
flows:
  - id: main
    voice: en
    start: check
    nodes:
      check: {type: hours, hours: office, open: hello, closed: bye, holiday: bye}
      hello: {type: say, voice: cmn-latn-pinyin, text: "ni3 hao3", next: menu}
      menu:
        type: menu
        prompt: ["Press 1 for support.", {sound: /var/lib/hotline/beep.wav}]
        options: {1: account, "*": operator}
        timeout: 4s
        retries: 1
        invalid: {voice: en, text: "Not a choice."}
        next: bye
      account:
        type: collect
        prompt: "Your account number, then hash."
        min_digits: 4
        max_digits: 10
        terminator: "#"
        attribute: account
        next: vip
        failure: bye
      vip: {type: set, attributes: {tier: gold}, priority: 5, next: wait}
      wait:
        type: queue
        queue: support
        music: music
        announce_every: 30s
        announcement: "You are number {position}."
        callback_key: "*"
        callback_prompt: "We will call you."
        voicemail_key: "#"
        timeout: 10m
        voicemail: vm
      vm: {type: voicemail, prompt: "After the tone.", max_duration: 1m, next: bye}
      operator: {type: transfer, target: "sip:operator@example.com"}
      beep: {type: play, sound: music, next: bye}
      bye: {type: hangup, reason: done}
)";

std::vector<ConfigProblem> Problems(std::string_view text) {
  return CheckFlowsYaml(text, "hotline.yaml", nullptr);
}

// The file with `from` replaced by `to` (once).
std::string Edit(std::string_view from, std::string_view to) {
  std::string text(kFile);
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(FlowFileTest, CompleteExampleLoads) {
  flow::FlowBook book;
  auto problems = CheckFlowsYaml(kFile, "hotline.yaml", &book);
  for (const auto& p : problems) ADD_FAILURE() << FormatProblem(p);
  ASSERT_TRUE(problems.empty());
  EXPECT_EQ(book.utc_offset, std::chrono::hours(8));
  const flow::Flow* main = book.FlowForNumber("1000");
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(book.FlowForNumber("1001"), nullptr);
  EXPECT_EQ(main->start, "check");
  EXPECT_EQ(main->nodes.size(), 10u);
  const flow::Node& menu = main->nodes.at("menu");
  EXPECT_EQ(menu.kind, flow::NodeKind::kMenu);
  ASSERT_EQ(menu.prompt.size(), 2u);
  EXPECT_EQ(menu.prompt[0].voice, "en");
  EXPECT_EQ(menu.prompt[1].sound, "/var/lib/hotline/beep.wav");
  EXPECT_EQ(menu.menu.options.at('*'), "operator");
  EXPECT_EQ(menu.menu.timeout, Seconds(4));
  EXPECT_EQ(menu.menu.retries, 1);
  EXPECT_EQ(main->nodes.at("hello").prompt[0].voice, "cmn-latn-pinyin");
  const flow::Node& account = main->nodes.at("account");
  EXPECT_EQ(account.collect.min_digits, 4);
  EXPECT_EQ(account.collect.terminator, '#');
  EXPECT_EQ(account.collect.failure, "bye");
  const flow::Node& wait = main->nodes.at("wait");
  EXPECT_EQ(wait.queue.queue, "support");
  EXPECT_EQ(wait.queue.announce_every, Seconds(30));
  EXPECT_EQ(wait.queue.callback_key, '*');
  EXPECT_EQ(wait.queue.voicemail_key, '#');
  EXPECT_EQ(wait.queue.timeout, Seconds(600));
  EXPECT_EQ(main->nodes.at("vip").priority, 5);
  EXPECT_TRUE(main->nodes.at("vip").set_priority);
  const flow::Hours& office = book.hours.at("office");
  EXPECT_EQ(office.weekly[4].size(), 1u);
  EXPECT_EQ(office.weekly[5].size(), 2u);
  EXPECT_TRUE(office.weekly[6].empty());
  EXPECT_EQ(office.holidays.size(), 1u);
}

TEST(FlowFileTest, CenterParserSkipsTheFlowSections) {
  auto problems = CheckCenterYaml(kFile, "hotline.yaml", nullptr);
  for (const auto& p : problems) ADD_FAILURE() << FormatProblem(p);
}

TEST(FlowFileTest, FileWithoutFlowsGivesAnEmptyBook) {
  flow::FlowBook book;
  book.numbers["x"] = "y";
  EXPECT_TRUE(CheckFlowsYaml("center: {name: X}\n", "f", &book).empty());
  EXPECT_TRUE(book.numbers.empty());
  EXPECT_TRUE(book.flows.empty());
}

struct Case {
  const char* from;
  const char* to;
  int line;
  int column;
  const char* key;
  const char* message_part;
};

class FlowProblemTest : public testing::TestWithParam<Case> {};

TEST_P(FlowProblemTest, IsReportedWithLineColumnAndKey) {
  const Case& c = GetParam();
  auto problems = Problems(Edit(c.from, c.to));
  ASSERT_EQ(problems.size(), 1u) << (problems.empty() ? "none" : FormatProblem(problems[1]));
  EXPECT_EQ(problems[0].line, c.line) << FormatProblem(problems[0]);
  EXPECT_EQ(problems[0].column, c.column) << FormatProblem(problems[0]);
  EXPECT_EQ(problems[0].key, c.key);
  EXPECT_NE(problems[0].message.find(c.message_part), std::string::npos) << problems[0].message;
}

INSTANTIATE_TEST_SUITE_P(
    Flows, FlowProblemTest,
    testing::Values(
        Case{"{1: account,", "{1: acount,", 25, 22, "flows[0].nodes.menu.options.1",
             "node 'acount' is not defined in this flow's nodes, did you mean 'account'?"},
        Case{"{1: account,", "{7x: account,", 25, 19, "flows[0].nodes.menu.options.7x",
             "expected one telephone key"},
        Case{"queue: support", "queue: sales", 42, 16, "flows[0].nodes.wait.queue",
             "queue 'sales' is not defined in 'queues'"},
        Case{"voice: cmn-latn-pinyin", "voice: klingon", 21, 33, "flows[0].nodes.hello.voice",
             "unknown voice 'klingon'"},
        Case{"hours: office,", "hours: ofice,", 20, 35, "flows[0].nodes.check.hours",
             "hours 'ofice' is not defined"},
        Case{"\"1000\": main", "\"1000\": mian", 14, 11, "numbers.1000",
             "flow 'mian' is not defined"},
        Case{"mon-fri:", "mon-fry:", 11, 14, "hours[0].weekly.mon-fry", "expected a weekday"},
        Case{"\"09:00-18:00\"", "\"18:00-09:00\"", 11, 23, "hours[0].weekly.mon-fri",
             "expected an open range"},
        Case{"\"2026-12-25\"", "\"2026-13-25\"", 12, 16, "hours[0].holidays[0]", "expected a date"},
        Case{"min_digits: 4", "min_digits: 12", 31, 9, "flows[0].nodes.account",
             "min_digits (12) is above max_digits (10)"},
        Case{"voicemail_key: \"#\"", "voicemail_key: \"*\"", 48, 24,
             "flows[0].nodes.wait.voicemail_key", "also the callback key"},
        Case{"{type: voicemail,", "{type: voicemale,", 51, 18, "flows[0].nodes.vm.type",
             "unknown node type 'voicemale', did you mean 'voicemail'?"},
        Case{"type: transfer, target", "type: transfer, next: bye, target", 52, 34,
             "flows[0].nodes.operator.next", "unknown key 'next'"},
        Case{"sound: music, next: bye", "sound: tune.mp3, next: bye", 53, 33,
             "flows[0].nodes.beep.sound", "a sound is \"music\""},
        Case{"start: check", "start: chek", 18, 12, "flows[0].start", "node 'chek' is not defined"},
        Case{"priority: 5, next: wait}", "priority: 5, next: vip}", 39, 12, "flows[0].nodes.vip",
             "loop of nodes that never wait for the caller"},
        Case{"announce_every: 30s", "announce_every: 2s", 44, 25,
             "flows[0].nodes.wait.announce_every", "at most every 5s"}));

TEST(FlowFileTest, LoopThroughSaysIsRejectedButOneThroughAMenuIsNot) {
  auto problems = Problems(Edit("next: menu}", "next: beep}"));  // beep (play) -> bye: fine
  EXPECT_TRUE(problems.empty());
  problems = Problems(Edit("sound: music, next: bye}", "sound: music, next: hello}"));
  ASSERT_EQ(problems.size(), 0u) << FormatProblem(problems[0]);  // hello -> menu waits
  problems = Problems(Edit("text: \"ni3 hao3\", next: menu", "text: \"ni3 hao3\", next: beep"));
  ASSERT_EQ(problems.size(), 0u);
}

TEST(FlowFileTest, SyntaxErrorIsOneProblem) {
  auto problems = Problems("flows: [\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(FlowFileTest, ParseReturnsTheFirstProblemAsError) {
  auto book = ParseFlowsYaml(Edit("queue: support", "queue: sales"), "hotline.yaml");
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.error().field, "flows[0].nodes.wait.queue");
  EXPECT_TRUE(ParseFlowsYaml(kFile, "hotline.yaml").ok());
}

// The demo: number 1000 answers in Mandarin then English, the language menu routes to a
// department menu in that language, and the department's queue gets the language attribute.
TEST(FlowFileTest, DemoFlowRoutesEnglishBillingToTheBillingQueue) {
  EXPECT_TRUE(CheckCenterFile("examples/demo/hotline.yaml", nullptr).empty());
  flow::FlowBook book;
  auto problems = CheckFlowsFile("examples/demo/hotline.yaml", &book);
  for (const auto& p : problems) ADD_FAILURE() << FormatProblem(p);
  ASSERT_TRUE(problems.empty());
  auto shared = std::make_shared<flow::FlowBook>(std::move(book));
  const flow::Flow* main = shared->FlowForNumber("1000");
  ASSERT_NE(main, nullptr);
  flow::FlowRun run(shared, *main, "caller", "1000");
  Instant now = FromMicros(1'800'000'000'000'000);  // 2027-01-15
  run.Start(now);
  ASSERT_FALSE(run.effects().empty());
  EXPECT_EQ(run.effects()[0].voice, "cmn-latn-pinyin");
  run.AudioDone(now);  // welcome_zh
  run.AudioDone(now);  // welcome_en
  run.AudioDone(now);  // the language menu's prompts
  run.Digit('2', now);
  run.ClearEffects();
  run.Digit('2', now);  // billing (barging in on the English department prompt)
  std::vector<flow::Effect>& effects = run.effects();
  ASSERT_GE(effects.size(), 2u);
  const flow::Effect& enqueue = effects[effects.size() - 2];
  EXPECT_EQ(enqueue.type, flow::EffectType::kEnqueue);
  EXPECT_EQ(enqueue.queue, "billing");
  EXPECT_EQ(enqueue.attributes.at("language"), "en");
  // In the queue, '*' books a callback.
  run.ClearEffects();
  run.Digit('*', now);
  ASSERT_GE(run.effects().size(), 2u);
  EXPECT_EQ(run.effects()[1].type, flow::EffectType::kBookCallback);
}

}  // namespace
}  // namespace hotline::config
