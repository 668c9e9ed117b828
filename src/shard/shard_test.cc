#include "shard/shard.h"

#include <gtest/gtest.h>

#include <deque>

#include "base/clock.h"
#include "store/memory_event_log.h"

namespace hotline::shard {
namespace {

using nlohmann::json;

constexpr const char* kCenter = R"(
center: {name: Test}
settings: {offer_timeout: 20s, wrapup: {mode: timed, duration: 30s}}
skills: [{id: billing, name: Billing}, {id: tech, name: Tech}]
dispositions: [{id: resolved, name: Resolved}]
agents:
  - {id: a1, name: Ann, skills: {billing: 3}}
  - {id: a2, name: Bob, skills: {tech: 2}}
queues:
  - id: billing
    name: Billing
    requires: {billing: 1}
)";

// The host loop, run by hand: posted work and one timer on the simulated clock.
class ManualLoop final : public Loop {
 public:
  explicit ManualLoop(SimulatedClock* clock) : clock_(clock) {}
  void Post(std::function<void()> fn) override { posted_.push_back(std::move(fn)); }
  void SetTimer(Instant deadline, std::function<void()> fn) override {
    deadline_ = deadline;
    timer_ = std::move(fn);
  }
  void RunPosted() {
    while (!posted_.empty()) {
      auto fn = std::move(posted_.front());
      posted_.pop_front();
      fn();
    }
  }
  // Moves the clock to the timer and fires it.
  bool FireTimer() {
    if (!timer_ || deadline_ == Instant::max()) return false;
    clock_->AdvanceTo(std::max(deadline_, clock_->Now()));
    auto fn = std::move(timer_);
    timer_ = nullptr;
    fn();
    RunPosted();
    return true;
  }
  Instant deadline() const { return timer_ ? deadline_ : Instant::max(); }

 private:
  SimulatedClock* clock_;
  std::deque<std::function<void()>> posted_;
  Instant deadline_ = Instant::max();
  std::function<void()> timer_;
};

class ShardTest : public ::testing::Test {
 protected:
  explicit ShardTest(store::MemoryLogOptions options = {})
      : clock_(FromMicros(1'800'000'000'000'000)), loop_(&clock_), log_(options) {}

  std::unique_ptr<Shard> Open() { return OpenOn(log_); }

  std::unique_ptr<Shard> OpenOn(store::EventLog& log) {
    auto shard = Shard::Open(&log, &loop_, &clock_, std::string(kCenter), {});
    EXPECT_TRUE(shard.ok()) << (shard.ok() ? "" : shard.error().message);
    loop_.RunPosted();
    return shard.ok() ? std::move(*shard) : nullptr;
  }

  // Runs a command and waits for its durable answer.
  Result<json> Run(Shard& shard, json command) {
    std::optional<Result<json>> answer;
    shard.Execute(std::move(command), "user:1", [&](Result<json> r) { answer = std::move(r); });
    loop_.RunPosted();
    EXPECT_TRUE(answer.has_value()) << "no answer";
    return answer ? std::move(*answer) : Result<json>(Error::InvalidArgument("no answer"));
  }

  std::vector<store::EventRecord> Events() {
    auto events = log_.ReadEvents(0, 10000);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<store::EventRecord>{};
  }

  SimulatedClock clock_;
  ManualLoop loop_;
  store::MemoryEventLog log_;
};

TEST_F(ShardTest, FirstOpenLogsTheCenterAndReopenReplaysToTheSameState) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  ASSERT_TRUE(Run(*shard, {{"op", "agent.presence"}, {"agent", "a1"}, {"presence", "ready"}}).ok());
  auto created = Run(*shard, {{"op", "interaction.create"},
                              {"channel", "voice"},
                              {"queue", "billing"},
                              {"customer", {{"phone", "+886200000001"}}}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ((*created)["state"], "offering");
  uint64_t id = (*created)["id"];
  auto offers = shard->engine().OffersOf(*shard->document().center().FindAgent("a1"));
  ASSERT_EQ(offers.size(), 1u);
  ASSERT_TRUE(Run(*shard, {{"op", "offer.accept"}, {"offer", offers[0].id.value()}}).ok());
  uint64_t seq_before = shard->last_seq();
  shard.reset();

  auto again = Open();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->counters().replay_divergences, 0u);
  EXPECT_EQ(again->last_seq(), seq_before);
  auto view = again->engine().interaction(core::InteractionId(id));
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->state, core::InteractionState::kAssigned);
  auto record = again->projections().Find(id);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->customer["phone"], "+886200000001");
  auto history = again->projections().History("+886200000001", Instant{}, Instant::max(), 10);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 1u);
}

TEST_F(ShardTest, ARefusedCommandChangesNothingAndIsNotLogged) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  size_t before = Events().size();
  auto r = Run(*shard, {{"op", "interaction.create"}, {"channel", "voice"}, {"queue", "nope"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "queue");
  auto w = Run(*shard, {{"op", "interaction.wrapup"}, {"interaction", 99}, {"disposition", "x"}});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Events().size(), before);
  EXPECT_EQ(log_.head().last_command, 1u);  // center.load only
}

TEST_F(ShardTest, OfferTimeoutFiresOnTheTimerAndIsReplayed) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  ASSERT_TRUE(Run(*shard, {{"op", "agent.presence"}, {"agent", "a1"}, {"presence", "ready"}}).ok());
  ASSERT_TRUE(
      Run(*shard, {{"op", "interaction.create"}, {"channel", "voice"}, {"queue", "billing"}}).ok());
  Instant deadline = loop_.deadline();
  ASSERT_NE(deadline, Instant::max());
  ASSERT_TRUE(loop_.FireTimer());
  bool timed_out = false;
  for (const auto& e : Events()) timed_out |= e.type == "offer.timed_out";
  EXPECT_TRUE(timed_out);
  EXPECT_GE(shard->counters().offers_by_outcome.at("timed_out"), 1u);
  uint64_t seq = shard->last_seq();
  shard.reset();
  auto again = Open();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->last_seq(), seq);
  EXPECT_EQ(again->counters().replay_divergences, 0u);
}

TEST_F(ShardTest, QueueEditsApplyLiveAndSurviveRestart) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  auto bad = Run(*shard, {{"op", "object.put"},
                          {"section", "queues"},
                          {"id", "tech"},
                          {"body", {{"name", "Tech"}, {"requires", {{"nosuch", 1}}}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().field.find("requires"), std::string::npos) << bad.error().field;
  auto good = Run(*shard, {{"op", "object.put"},
                           {"section", "queues"},
                           {"id", "tech"},
                           {"body", {{"name", "Tech"}, {"requires", {{"tech", 1}}}}}});
  ASSERT_TRUE(good.ok()) << good.error().message;
  ASSERT_TRUE(Run(*shard, {{"op", "agent.presence"}, {"agent", "a2"}, {"presence", "ready"}}).ok());
  auto created =
      Run(*shard, {{"op", "interaction.create"}, {"channel", "voice"}, {"queue", "tech"}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ((*created)["state"], "offering");
  shard.reset();
  auto again = Open();
  ASSERT_TRUE(again);
  EXPECT_NE(again->document().Find(Section::kQueues, "tech"), nullptr);
  EXPECT_EQ(again->counters().replay_divergences, 0u);
}

TEST_F(ShardTest, DeletingAUsedSkillIsRefusedAndAnUnusedOneDisappears) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  auto used = Run(*shard, {{"op", "object.delete"}, {"section", "skills"}, {"id", "billing"}});
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(Run(*shard, {{"op", "object.put"},
                           {"section", "skills"},
                           {"id", "french"},
                           {"body", {{"name", "French"}}}})
                  .ok());
  ASSERT_TRUE(Run(*shard, {{"op", "object.delete"}, {"section", "skills"}, {"id", "french"}}).ok());
  EXPECT_EQ(shard->document().Find(Section::kSkills, "french"), nullptr);
  EXPECT_EQ(shard->document().List(Section::kSkills).size(), 2u);
}

// What a restart must reproduce: agents, live interactions, history, users, the log position.
std::string Fingerprint(const Shard& shard) {
  json out;
  const core::CenterDefinition& center = shard.document().center();
  for (uint32_t a = 0; a < center.agents.size(); ++a) {
    core::AgentView v = shard.engine().agent(core::AgentId(a));
    auto presence_since = shard.projections().PresenceSince(core::AgentId(a));
    out["agents"].push_back(
        {core::PresenceName(v.presence), core::RoutingStateName(v.routing_state), v.handled,
         ToMicros(v.state_since), presence_since ? ToMicros(*presence_since) : -1});
  }
  for (const InteractionRecord* r : shard.projections().Open()) out["open"].push_back(r->id);
  for (core::InteractionId id : shard.engine().LiveInteractions()) {
    auto v = shard.engine().interaction(id);
    out["live"].push_back({id.value(), core::InteractionStateName(v->state), v->priority,
                           ToMicros(v->age_since), v->pending_offers.size()});
  }
  auto history = shard.projections().Recent(Instant{}, Instant::max(), 1000);
  for (const InteractionRecord& r : *history) out["history"].push_back(RecordToJson(r));
  out["held"] = shard.projections().held();
  out["users"] = shard.users().size();
  out["seq"] = shard.last_seq();
  out["next_deadline"] = ToMicros(shard.engine().NextDeadline());
  return out.dump();
}

TEST_F(ShardTest, RestartFromASnapshotEqualsAFullReplay) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  ASSERT_TRUE(Run(*shard, {{"op", "agent.presence"}, {"agent", "a1"}, {"presence", "ready"}}).ok());
  ASSERT_TRUE(
      Run(*shard, {{"op", "interaction.create"}, {"channel", "voice"}, {"queue", "billing"}}).ok());
  ASSERT_TRUE(shard->WriteSnapshot().ok());
  // More after the snapshot: these are replayed on top of it.
  ASSERT_TRUE(
      Run(*shard, {{"op", "interaction.create"}, {"channel", "chat"}, {"queue", "billing"}}).ok());
  clock_.AdvanceBy(Seconds(5));
  ASSERT_TRUE(Run(*shard, {{"op", "agent.presence"}, {"agent", "a2"}, {"presence", "ready"}}).ok());
  std::string before = Fingerprint(*shard);
  shard.reset();

  auto again = Open();
  ASSERT_TRUE(again);
  EXPECT_GT(again->counters().snapshot_command, 0u);
  EXPECT_EQ(again->counters().replayed_commands, 2u);
  EXPECT_EQ(again->counters().replay_divergences, 0u);
  EXPECT_EQ(Fingerprint(*again), before);
  // a1's presence changed before the snapshot: its time came through it.
  EXPECT_TRUE(again->projections().PresenceSince(core::AgentId(0)).has_value());
  EXPECT_EQ(again->projections().Open().size(), 2u);
  // And it goes on exactly as the original would: the pending offer times out on the timer.
  ASSERT_TRUE(loop_.FireTimer());
  bool timed_out = false;
  for (const auto& e : Events()) timed_out |= e.type == "offer.timed_out";
  EXPECT_TRUE(timed_out);
}

TEST_F(ShardTest, ADamagedSnapshotFallsBackToAFullReplay) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  ASSERT_TRUE(Run(*shard, {{"op", "agent.presence"}, {"agent", "a1"}, {"presence", "ready"}}).ok());
  std::string before = Fingerprint(*shard);
  ASSERT_TRUE(log_.WriteSnapshot({2, log_.head().last_event, "hotline-snapshot 1\n\x03"}).ok());
  shard.reset();
  auto again = Open();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->counters().snapshot_command, 0u);
  EXPECT_EQ(again->counters().replayed_commands, 2u);
  EXPECT_EQ(Fingerprint(*again), before);
}

class HistoryTest : public ShardTest {
 protected:
  using ShardTest::ShardTest;

  // Stops `shard` and opens the log again.
  std::unique_ptr<Shard> Restart(std::unique_ptr<Shard> shard) {
    shard.reset();
    return Open();
  }

  uint64_t Create(Shard& shard, const char* phone) {
    auto created = Run(shard, {{"op", "interaction.create"},
                               {"channel", "voice"},
                               {"queue", "billing"},
                               {"customer", {{"phone", phone}}}});
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? (*created)["id"].get<uint64_t>() : 0;
  }

  // Ann takes a call from `phone` and wraps it up with notes: a closed interaction.
  uint64_t HandleOneCall(Shard& shard, const char* phone) {
    EXPECT_TRUE(
        Run(shard, {{"op", "agent.presence"}, {"agent", "a1"}, {"presence", "ready"}}).ok());
    uint64_t id = Create(shard, phone);
    auto offers = shard.engine().OffersOf(*shard.document().center().FindAgent("a1"));
    EXPECT_EQ(offers.size(), 1u);
    if (offers.empty()) return id;
    EXPECT_TRUE(Run(shard, {{"op", "offer.accept"}, {"offer", offers[0].id.value()}}).ok());
    EXPECT_TRUE(Run(shard, {{"op", "interaction.end"}, {"interaction", id}}).ok());
    auto wrapped = Run(shard, {{"op", "interaction.wrapup"},
                               {"interaction", id},
                               {"disposition", "resolved"},
                               {"notes", "refund sent"}});
    EXPECT_TRUE(wrapped.ok()) << wrapped.error().message;
    return id;
  }

  void ExpectCompletedWithNotes(const Shard& shard, uint64_t id, const char* phone) {
    auto record = shard.projections().Find(id);
    ASSERT_TRUE(record.ok()) << record.error().message;
    ASSERT_TRUE(record->has_value()) << "interaction " << id << " not found";
    EXPECT_EQ((*record)->state, core::InteractionState::kCompleted);
    EXPECT_EQ((*record)->notes, "refund sent");
    EXPECT_EQ((*record)->disposition, "resolved");
    EXPECT_EQ((*record)->customer["phone"], phone);
    auto history = shard.projections().History(phone, Instant{}, Instant::max(), 10);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ((*history)[0].id, id);
  }
};

TEST_F(HistoryTest, MemoryHoldsOnlyOpenInteractionsOnceTheirWritesAreDurable) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  uint64_t closed = HandleOneCall(*shard, "+886200000001");
  uint64_t open = Create(*shard, "+886200000002");  // queued: nobody is ready

  EXPECT_EQ(shard->projections().held(), 1u);
  EXPECT_NE(shard->projections().FindHeld(open), nullptr);
  EXPECT_EQ(shard->projections().FindHeld(closed), nullptr);
  ExpectCompletedWithNotes(*shard, closed, "+886200000001");
  auto recent = shard->projections().Recent(Instant{}, Instant::max(), 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].id, open);  // newest first
  EXPECT_EQ((*recent)[1].id, closed);
}

TEST_F(HistoryTest, ClosedInteractionIsFoundAfterARestartWithoutASnapshot) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  uint64_t id = HandleOneCall(*shard, "+886200000001");

  auto again = Restart(std::move(shard));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->counters().snapshot_command, 0u);
  EXPECT_EQ(again->projections().held(), 0u);
  ExpectCompletedWithNotes(*again, id, "+886200000001");
}

TEST_F(HistoryTest, ClosedInteractionsAreFoundAfterARestartFromASnapshot) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  uint64_t before = HandleOneCall(*shard, "+886200000001");
  uint64_t open = Create(*shard, "+886200000003");
  ASSERT_TRUE(shard->WriteSnapshot().ok());
  // Closed after the snapshot: replay closes it again and finds its row already in the table.
  ASSERT_TRUE(Run(*shard, {{"op", "interaction.cancel"}, {"interaction", open}}).ok());
  uint64_t after = HandleOneCall(*shard, "+886200000002");
  std::string fingerprint = Fingerprint(*shard);

  auto again = Restart(std::move(shard));
  ASSERT_TRUE(again);
  EXPECT_GT(again->counters().snapshot_command, 0u);
  EXPECT_EQ(again->projections().held(), 0u);
  ExpectCompletedWithNotes(*again, before, "+886200000001");
  ExpectCompletedWithNotes(*again, after, "+886200000002");
  auto canceled = again->projections().Find(open);
  ASSERT_TRUE(canceled.ok() && canceled->has_value());
  EXPECT_EQ((*canceled)->state, core::InteractionState::kCanceled);
  EXPECT_EQ(Fingerprint(*again), fingerprint);
}

TEST_F(HistoryTest, AnUpgradedLogWithoutTheTableGetsItRebuiltOnce) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  uint64_t id = HandleOneCall(*shard, "+886200000001");
  shard.reset();
  // The same commands and events in a log without interaction rows, marked as the SQLite
  // migration marks an older data directory.
  store::MemoryEventLog old_log;
  store::WriteBatch copy;
  copy.commands = *log_.ReadCommands(0, 10000);
  copy.events = Events();
  copy.state = {{std::string(store::kRebuildInteractionsKey), "schema 2"}};
  ASSERT_TRUE(old_log.Flush().ok());
  old_log.Append(std::move(copy), nullptr);
  ASSERT_FALSE(old_log.ReadInteraction(id)->has_value());

  auto upgraded = OpenOn(old_log);
  ASSERT_TRUE(upgraded);

  ASSERT_TRUE(old_log.ReadInteraction(id)->has_value());
  EXPECT_TRUE(old_log.ReadState(store::kRebuildInteractionsKey)->empty());
  ExpectCompletedWithNotes(*upgraded, id, "+886200000001");
}

class HeldCommitsTest : public HistoryTest {
 protected:
  HeldCommitsTest() : HistoryTest({.hold_commits = true}) {}
};

TEST_F(HeldCommitsTest, AClosedRecordIsFoundBetweenItsAppendAndDurabilityThenLeavesMemory) {
  auto shard = Open();
  ASSERT_TRUE(shard);
  std::optional<Result<json>> created;
  shard->Execute({{"op", "interaction.create"}, {"channel", "chat"}, {"queue", "billing"}},
                 "user:1", [&](Result<json> r) { created = std::move(r); });
  ASSERT_FALSE(created.has_value());  // appended, not durable
  log_.CommitHeld();
  loop_.RunPosted();
  ASSERT_TRUE(created.has_value() && created->ok());
  uint64_t id = (**created)["id"];

  std::optional<Result<json>> canceled;
  shard->Execute({{"op", "interaction.cancel"}, {"interaction", id}}, "user:1",
                 [&](Result<json> r) { canceled = std::move(r); });
  loop_.RunPosted();
  ASSERT_FALSE(canceled.has_value());

  // The table still has the open version; memory answers with the appended one.
  auto stored = log_.ReadInteraction(id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  auto stored_record = RecordFromText((*stored)->record, shard->document().center());
  ASSERT_TRUE(stored_record.ok());
  EXPECT_EQ(stored_record->state, core::InteractionState::kQueued);
  auto found = shard->projections().Find(id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, core::InteractionState::kCanceled);
  EXPECT_EQ(shard->projections().held(), 1u);

  log_.CommitHeld();
  loop_.RunPosted();
  ASSERT_TRUE(canceled.has_value() && canceled->ok());
  EXPECT_EQ(shard->projections().held(), 0u);
  found = shard->projections().Find(id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, core::InteractionState::kCanceled);
}

}  // namespace
}  // namespace hotline::shard
