#include "flow/run.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace hotline::flow {
namespace {

// 2026-11-23 is a Monday; 10:00 UTC.
const Instant kT0 =
    FromMicros(0) +
    std::chrono::sys_days(std::chrono::year(2026) / std::chrono::November / 23).time_since_epoch() +
    std::chrono::hours(10);

Prompt Text(std::string text) { return {std::move(text), "en", ""}; }

Node Say(std::string name, std::string text, std::string next) {
  Node n{.name = std::move(name), .kind = NodeKind::kSay, .next = std::move(next)};
  n.prompt = {Text(std::move(text))};
  return n;
}

Node Hangup(std::string name, std::string reason = "done") {
  return Node{.name = std::move(name), .kind = NodeKind::kHangup, .reason = std::move(reason)};
}

Node Menu(std::string name, std::map<char, std::string> options, std::string next) {
  Node n{.name = std::move(name), .kind = NodeKind::kMenu, .next = std::move(next)};
  n.prompt = {Text("press 1 or 2")};
  n.menu.options = std::move(options);
  n.menu.timeout = Seconds(5);
  n.menu.retries = 2;
  n.menu.invalid = {Text("not a choice")};
  return n;
}

Node Queue(std::string name, std::string queue) {
  Node n{.name = std::move(name), .kind = NodeKind::kQueue};
  n.queue.queue = std::move(queue);
  n.queue.announce_every = Seconds(30);
  n.queue.announcement = {Text("You are number {position}; about {wait_minutes} minutes.")};
  n.queue.callback_key = '*';
  n.queue.callback_prompt = {Text("We will call you back.")};
  n.queue.voicemail_key = '#';
  n.queue.voicemail = "vm";
  return n;
}

Node Voicemail(std::string name, std::string next) {
  Node n{.name = std::move(name), .kind = NodeKind::kVoicemail, .next = std::move(next)};
  n.prompt = {Text("Leave a message after the tone.")};
  n.max_duration = Seconds(90);
  return n;
}

// A book with one flow "main" made of `nodes`, starting at the first.
std::shared_ptr<FlowBook> Book(std::vector<Node> nodes) {
  auto book = std::make_shared<FlowBook>();
  Flow& flow = book->flows["main"];
  flow.id = "main";
  flow.start = nodes.front().name;
  for (Node& n : nodes) flow.nodes[n.name] = std::move(n);
  book->numbers["1000"] = "main";
  return book;
}

// A run with a scripted clock; each call returns the effects it produced.
class Caller {
 public:
  explicit Caller(std::shared_ptr<FlowBook> book)
      : book_(std::move(book)), run_(book_, *book_->FlowForNumber("1000"), "0912", "1000") {}

  std::vector<Effect> Start() {
    return Take([&] { run_.Start(now_); });
  }
  std::vector<Effect> AudioDone() {
    return Take([&] { run_.AudioDone(now_); });
  }
  std::vector<Effect> Press(char d) {
    return Take([&] { run_.Digit(d, now_); });
  }
  // Moves the clock to the run's next deadline and fires the timer there.
  std::vector<Effect> WaitForTimer() {
    EXPECT_NE(run_.NextDeadline(), Instant::max());
    now_ = run_.NextDeadline();
    return Take([&] { run_.Timer(now_); });
  }
  std::vector<Effect> Status(int position, Duration wait) {
    return Take([&] { run_.QueueStatus(position, wait, now_); });
  }
  std::vector<Effect> Ended(QueueOutcome o) {
    return Take([&] { run_.QueueEnded(o, now_); });
  }
  std::vector<Effect> VoicemailDone() {
    return Take([&] { run_.VoicemailDone(now_); });
  }
  void Advance(Duration d) { now_ += d; }

  FlowRun& run() { return run_; }
  Instant now() const { return now_; }
  std::vector<std::string> Details() {
    std::vector<std::string> out;
    for (const StepRecord& s : run_.steps()) out.push_back(s.detail);
    return out;
  }

 private:
  template <typename F>
  std::vector<Effect> Take(F f) {
    f();
    std::vector<Effect> out = run_.effects();
    run_.ClearEffects();
    return out;
  }
  std::shared_ptr<FlowBook> book_;
  FlowRun run_;
  Instant now_ = kT0;
};

std::vector<EffectType> Types(const std::vector<Effect>& effects) {
  std::vector<EffectType> out;
  for (const Effect& e : effects) out.push_back(e.type);
  return out;
}

using E = EffectType;

TEST(FlowRunTest, MenuChoiceLeadsToTheOptionsNode) {
  Caller c(Book({Say("hello", "Welcome", "menu"), Menu("menu", {{'1', "one"}, {'2', "two"}}, ""),
                 Hangup("one", "one"), Hangup("two", "two")}));
  auto start = c.Start();
  ASSERT_EQ(Types(start), std::vector<E>{E::kSay});
  EXPECT_EQ(start[0].text, "Welcome");
  EXPECT_EQ(Types(c.AudioDone()), std::vector<E>{E::kSay});  // the menu prompt
  EXPECT_EQ(c.run().NextDeadline(), Instant::max());         // no timer while it plays
  c.AudioDone();
  EXPECT_EQ(c.run().NextDeadline(), c.now() + Seconds(5));
  auto effects = c.Press('2');
  ASSERT_EQ(Types(effects), std::vector<E>{E::kHangup});
  EXPECT_EQ(effects[0].reason, "two");
  EXPECT_TRUE(c.run().finished());
  std::vector<std::string> details = c.Details();
  EXPECT_NE(std::find(details.begin(), details.end(), "menu choice 2"), details.end());
}

TEST(FlowRunTest, InvalidDigitSaysSoThenPromptsAgain) {
  Caller c(Book({Menu("menu", {{'1', "one"}}, ""), Hangup("one", "one")}));
  c.Start();
  c.AudioDone();
  auto effects = c.Press('7');
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kSay, E::kSay}));
  EXPECT_EQ(effects[0].text, "not a choice");
  EXPECT_EQ(effects[1].text, "press 1 or 2");
  c.AudioDone();
  EXPECT_EQ(c.Press('1').back().reason, "one");
  std::vector<std::string> details = c.Details();
  EXPECT_NE(std::find(details.begin(), details.end(), "invalid 7"), details.end());
}

TEST(FlowRunTest, TimeoutsRetryThenFallBackToNext) {
  Caller c(Book({Menu("menu", {{'1', "one"}}, "operator"), Hangup("one", "one"),
                 Node{.name = "operator", .kind = NodeKind::kTransfer, .target = "sip:op@x"}}));
  c.Start();
  c.AudioDone();
  for (int retry = 0; retry < 2; ++retry) {
    Instant before = c.now();
    auto again = c.WaitForTimer();
    EXPECT_EQ(c.now(), before + Seconds(5));
    ASSERT_EQ(Types(again), std::vector<E>{E::kSay}) << "retry " << retry;  // no "invalid"
    EXPECT_EQ(again[0].text, "press 1 or 2");
    c.AudioDone();
  }
  auto last = c.WaitForTimer();
  ASSERT_EQ(Types(last), std::vector<E>{E::kTransfer});
  EXPECT_EQ(last[0].target, "sip:op@x");
  EXPECT_TRUE(c.run().finished());
}

TEST(FlowRunTest, RetriesRunOutWithoutNextHangsUpInvalid) {
  Caller c(Book({Menu("menu", {{'1', "one"}}, ""), Hangup("one")}));
  c.Start();
  c.AudioDone();
  c.Press('5');
  c.AudioDone();
  c.Press('5');
  c.AudioDone();
  auto effects = c.Press('5');
  ASSERT_EQ(Types(effects), std::vector<E>{E::kHangup});
  EXPECT_EQ(effects[0].reason, "invalid");
}

TEST(FlowRunTest, DigitDuringMenuPromptStopsItAndIsTaken) {
  Caller c(Book({Menu("menu", {{'1', "one"}}, ""), Hangup("one", "one")}));
  c.Start();
  auto effects = c.Press('1');
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kStopAudio, E::kHangup}));
  EXPECT_EQ(effects[1].reason, "one");
}

TEST(FlowRunTest, DigitsTypedAheadDuringGreetingAnswerTheNextMenus) {
  Node second = Menu("second", {{'3', "three"}}, "");
  Caller c(Book({Say("hello", "Welcome", "first"), Menu("first", {{'2', "second"}}, ""), second,
                 Hangup("three", "three")}));
  c.Start();
  EXPECT_TRUE(c.Press('2').empty());  // the greeting goes on
  EXPECT_TRUE(c.Press('3').empty());
  auto effects = c.AudioDone();
  ASSERT_EQ(Types(effects), std::vector<E>{E::kHangup});  // both menus answered, no prompt
  EXPECT_EQ(effects[0].reason, "three");
}

TEST(FlowRunTest, CollectStoresDigitsEndedByTerminator) {
  Node collect{.name = "account", .kind = NodeKind::kCollect, .next = "queue"};
  collect.prompt = {Text("Enter your account number, then hash.")};
  collect.collect = {.min_digits = 4, .max_digits = 8, .attribute = "account"};
  Caller c(Book({collect, Queue("queue", "billing"), Voicemail("vm", "")}));
  c.Start();
  c.AudioDone();
  for (char d : std::string("12345")) EXPECT_TRUE(c.Press(d).empty());
  auto effects = c.Press('#');
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kSetAttributes, E::kEnqueue, E::kPlay}));
  EXPECT_EQ(effects[0].attributes.at("account"), "12345");
  EXPECT_EQ(effects[1].attributes.at("account"), "12345");
  EXPECT_EQ(effects[1].queue, "billing");
  EXPECT_EQ(c.run().attributes().at("account"), "12345");
  for (const StepRecord& s : c.run().steps()) {
    EXPECT_EQ(s.detail.find("12345"), std::string::npos) << "digits in the log: " << s.detail;
  }
}

TEST(FlowRunTest, CollectWithTooFewDigitsRetriesThenFails) {
  Node collect{.name = "pin", .kind = NodeKind::kCollect, .next = "ok"};
  collect.prompt = {Text("PIN?")};
  collect.collect = {.min_digits = 4,
                     .max_digits = 4,
                     .retries = 1,
                     .invalid = {Text("Too short.")},
                     .attribute = "pin",
                     .failure = "bad"};
  Caller c(Book({collect, Hangup("ok", "ok"), Hangup("bad", "bad")}));
  c.Start();
  c.AudioDone();
  c.Press('1');
  auto retry = c.Press('#');
  ASSERT_EQ(Types(retry), (std::vector<E>{E::kSay, E::kSay}));
  EXPECT_EQ(retry[0].text, "Too short.");
  c.AudioDone();
  c.Press('9');
  c.Advance(Seconds(1));
  EXPECT_EQ(c.run().NextDeadline(), c.now() + Seconds(4));  // inter-digit timeout from the '9'
  auto failed = c.WaitForTimer();
  ASSERT_EQ(Types(failed), std::vector<E>{E::kHangup});
  EXPECT_EQ(failed[0].reason, "bad");
}

TEST(FlowRunTest, CollectEndsAtMaxDigits) {
  Node collect{.name = "pin", .kind = NodeKind::kCollect, .next = "ok"};
  collect.collect = {.min_digits = 2, .max_digits = 2, .attribute = "pin"};
  Caller c(Book({collect, Hangup("ok", "ok")}));
  EXPECT_TRUE(c.Start().empty());  // no prompt: waits at once
  c.Press('4');
  auto effects = c.Press('2');
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kSetAttributes, E::kHangup}));
  EXPECT_EQ(effects[0].attributes.at("pin"), "42");
}

TEST(FlowRunTest, SetAttributesAndPriorityGoWithTheEnqueue) {
  Node set{.name = "set", .kind = NodeKind::kSet, .next = "queue"};
  set.attributes = {{"language", "zh"}};
  set.set_priority = true;
  set.priority = 3;
  Caller c(Book({set, Queue("queue", "general"), Voicemail("vm", "")}));
  auto effects = c.Start();
  ASSERT_EQ(Types(effects),
            (std::vector<E>{E::kSetAttributes, E::kSetPriority, E::kEnqueue, E::kPlay}));
  EXPECT_EQ(effects[2].priority, 3);
  EXPECT_EQ(effects[2].attributes.at("language"), "zh");
  EXPECT_EQ(effects[3].sound, "music");
  EXPECT_TRUE(effects[3].loop);
}

TEST(FlowRunTest, QueueAnnouncesPositionAndWaitEveryPeriod) {
  Caller c(Book({Queue("queue", "general"), Voicemail("vm", "")}));
  Instant enqueued = c.now();
  c.Start();
  EXPECT_EQ(c.run().NextDeadline(), enqueued + Seconds(30));
  auto request = c.WaitForTimer();
  ASSERT_EQ(Types(request), std::vector<E>{E::kRequestQueueStatus});
  EXPECT_EQ(request[0].queue, "general");
  auto say = c.Status(3, Seconds(61));
  ASSERT_EQ(Types(say), (std::vector<E>{E::kStopAudio, E::kSay}));
  EXPECT_EQ(say[1].text, "You are number 3; about 2 minutes.");
  auto music = c.AudioDone();
  ASSERT_EQ(Types(music), std::vector<E>{E::kPlay});
  EXPECT_TRUE(music[0].loop);
  EXPECT_EQ(c.run().NextDeadline(), enqueued + Seconds(60));  // on the period, not after audio
  c.WaitForTimer();
  EXPECT_EQ(c.Status(1, Seconds(0))[1].text, "You are number 1; about 1 minutes.");
  auto connected = c.Ended(QueueOutcome::kConnected);
  EXPECT_EQ(Types(connected), std::vector<E>{E::kStopAudio});
  EXPECT_TRUE(c.run().finished());
  EXPECT_EQ(c.run().NextDeadline(), Instant::max());
}

TEST(FlowRunTest, ExitKeyBooksCallbackConfirmsAndHangsUp) {
  Caller c(Book({Queue("queue", "general"), Voicemail("vm", "")}));
  c.Start();
  auto effects = c.Press('*');
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kStopAudio, E::kBookCallback, E::kSay}));
  EXPECT_EQ(effects[1].queue, "general");
  EXPECT_FALSE(c.run().finished());
  auto bye = c.AudioDone();
  ASSERT_EQ(Types(bye), std::vector<E>{E::kHangup});
  EXPECT_EQ(bye[0].reason, "callback");
}

TEST(FlowRunTest, VoicemailKeyLeavesTheQueueAndRecords) {
  Caller c(Book({Queue("queue", "general"), Voicemail("vm", "bye"), Hangup("bye", "done")}));
  c.Start();
  auto effects = c.Press('#');
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kStopAudio, E::kLeaveQueue, E::kSay}));
  EXPECT_EQ(effects[1].reason, "voicemail");
  auto record = c.AudioDone();
  ASSERT_EQ(Types(record), std::vector<E>{E::kRecordVoicemail});
  EXPECT_EQ(record[0].max_duration, Seconds(90));
  EXPECT_EQ(c.VoicemailDone().back().type, E::kHangup);
  EXPECT_TRUE(c.run().finished());
}

TEST(FlowRunTest, QueueTimeoutLeavesForVoicemail) {
  Node queue = Queue("queue", "general");
  queue.queue.timeout = Seconds(45);
  Caller c(Book({queue, Voicemail("vm", "")}));
  c.Start();
  c.WaitForTimer();  // announcement at 30 s
  c.Status(2, Seconds(30));
  c.AudioDone();
  Instant before = c.now();
  auto effects = c.WaitForTimer();
  EXPECT_EQ(c.now(), before + Seconds(15));
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kStopAudio, E::kLeaveQueue, E::kSay}));
  EXPECT_EQ(effects[1].reason, "timeout");
}

TEST(FlowRunTest, RejectedByTheQueueGoesToNext) {
  Node queue = Queue("queue", "general");
  queue.next = "sorry";
  Caller c(Book({queue, Voicemail("vm", ""), Say("sorry", "Sorry, we are full.", "")}));
  c.Start();
  auto effects = c.Ended(QueueOutcome::kRejected);
  ASSERT_EQ(Types(effects), (std::vector<E>{E::kStopAudio, E::kSay}));
  EXPECT_EQ(c.AudioDone().back().reason, "done");
}

TEST(FlowRunTest, SilentLoopHangsUpWithReasonLoop) {
  Node a{.name = "a", .kind = NodeKind::kSet, .next = "b"};
  Node b{.name = "b", .kind = NodeKind::kSet, .next = "a"};
  Caller c(Book({a, b}));
  auto effects = c.Start();
  ASSERT_FALSE(effects.empty());
  EXPECT_EQ(effects.back().type, E::kHangup);
  EXPECT_EQ(effects.back().reason, "loop");
  EXPECT_EQ(c.run().steps().size(), static_cast<size_t>(kMaxSilentNodes + 1));
}

TEST(FlowRunTest, InputResetsTheLoopGuard) {
  // say -> menu; the menu's only option goes back to the say: a caller pressing 1 forever is
  // not a loop, however many nodes that makes.
  Caller c(Book({Say("hello", "Hi", "menu"), Menu("menu", {{'1', "hello"}}, "")}));
  c.Start();
  for (int i = 0; i < kMaxSilentNodes; ++i) {
    c.AudioDone();
    c.AudioDone();
    ASSERT_FALSE(c.Press('1').empty());
  }
  EXPECT_FALSE(c.run().finished());
}

TEST(FlowRunTest, EventsOutOfPlaceAreIgnored) {
  Caller c(Book({Say("hello", "Hi", "")}));
  c.Start();
  EXPECT_TRUE(c.Status(1, Seconds(1)).empty());
  EXPECT_TRUE(c.Ended(QueueOutcome::kConnected).empty());
  EXPECT_TRUE(c.VoicemailDone().empty());
  EXPECT_EQ(c.AudioDone().back().type, E::kHangup);
  EXPECT_TRUE(c.AudioDone().empty());
  EXPECT_TRUE(c.Press('1').empty());
}

}  // namespace
}  // namespace hotline::flow
