// The EventLog contract, run over every backend: what the shard may rely on whichever store it
// is given. Backend-specific behaviour (durability, verification, group commit) has its own
// tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "store/event_log.h"
#include "store/log_rules.h"
#include "store/memory_event_log.h"
#include "store/sqlite_event_log.h"
#include "store/store_test_support.h"

namespace hotline::store {
namespace {

using testing::AppendAndWait;
using testing::EventsBatch;
using testing::MakeCommand;
using testing::MakeEvent;
using testing::ScratchDir;

struct MemoryBackend {
  static std::unique_ptr<EventLog> Open(const std::filesystem::path&) {
    return std::make_unique<MemoryEventLog>();
  }
};

struct SqliteBackend {
  static std::unique_ptr<EventLog> Open(const std::filesystem::path& dir) {
    Result<std::unique_ptr<EventLog>> log = OpenSqliteEventLog(dir);
    if (!log.ok()) {
      ADD_FAILURE() << log.error().message;
      return nullptr;
    }
    return std::move(log).value();
  }
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<T, MemoryBackend>) return "Memory";
    return "Sqlite";
  }
};

auto Fields(const EventRecord& e) {
  return std::make_tuple(e.seq, ToMicros(e.at), e.type, e.actor, e.interaction, e.data);
}
auto Fields(const CommandRecord& c) {
  return std::make_tuple(c.seq, ToMicros(c.at), c.actor, c.body, c.last_event, c.events_hash);
}

std::vector<uint64_t> Seqs(const std::vector<EventRecord>& events) {
  std::vector<uint64_t> seqs;
  for (const EventRecord& event : events) seqs.push_back(event.seq);
  return seqs;
}

template <typename Backend>
class EventLogContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = Backend::Open(dir_.path());
    ASSERT_NE(log_, nullptr);
  }
  void TearDown() override { log_.reset(); }

  EventLog& log() { return *log_; }

  ScratchDir dir_;
  std::unique_ptr<EventLog> log_;
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend>;
TYPED_TEST_SUITE(EventLogContractTest, Backends, BackendNames);

TYPED_TEST(EventLogContractTest, AppendedRecordsReadBackFieldForField) {
  WriteBatch batch;
  EventRecord odd;
  odd.seq = 1;
  odd.at = FromMicros(-1);  // before 1970 is still an instant
  odd.type = "";
  odd.actor = "user:\"7\"";
  odd.interaction = std::numeric_limits<uint64_t>::max();
  odd.data = std::string("{\"text\":\"您好\",\"nul\":\"\0\"}", 28);
  batch.events = {odd, MakeEvent(2, 5), MakeEvent(3)};
  batch.commands = {MakeCommand(1, 1), MakeCommand(2, 3)};
  batch.commands[1].events_hash = std::numeric_limits<uint64_t>::max();
  const WriteBatch written = batch;

  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());

  Result<std::vector<EventRecord>> events = this->log().ReadEvents(0, 100);
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(Fields((*events)[i]), Fields(written.events[i]));
  Result<std::vector<CommandRecord>> commands = this->log().ReadCommands(0, 100);
  ASSERT_TRUE(commands.ok()) << commands.error().message;
  ASSERT_EQ(commands->size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(Fields((*commands)[i]), Fields(written.commands[i]));
}

TYPED_TEST(EventLogContractTest, DoneRunsOncePerBatchInAppendOrder) {
  std::mutex mu;
  std::vector<int> order;
  for (int i = 0; i < 50; ++i) {
    this->log().Append(EventsBatch(i + 1, i + 1), [&mu, &order, i](Status status) {
      EXPECT_TRUE(status.ok());
      std::lock_guard lock(mu);
      order.push_back(i);
    });
  }
  ASSERT_TRUE(this->log().Flush().ok());

  std::lock_guard lock(mu);
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
}

TYPED_TEST(EventLogContractTest, HeadIsWhereTheAppendedRecordsEnd) {
  EXPECT_EQ(this->log().head().last_event, 0u);
  this->log().Append(EventsBatch(1, 3, 1), nullptr);
  this->log().Append(EventsBatch(4, 4, 2), nullptr);

  EXPECT_EQ(this->log().head().last_event, 4u);
  EXPECT_EQ(this->log().head().last_command, 2u);
  ASSERT_TRUE(this->log().Flush().ok());
  EXPECT_EQ(this->log().head().last_event, 4u);
}

TYPED_TEST(EventLogContractTest, BatchOfOnlyStateKeepsTheHead) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 2, 1)).ok());
  WriteBatch batch;
  batch.state.push_back({"user/7", "{}"});

  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());

  EXPECT_EQ(this->log().head().last_event, 2u);
  EXPECT_EQ(this->log().head().last_command, 1u);
  EXPECT_EQ(this->log().ReadState("user/")->size(), 1u);
}

TYPED_TEST(EventLogContractTest, ReadEventsStartsAfterTheGivenSeqAndStopsAtTheLimit) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 10)).ok());

  EXPECT_EQ(Seqs(*this->log().ReadEvents(3, 4)), (std::vector<uint64_t>{4, 5, 6, 7}));
  EXPECT_EQ(Seqs(*this->log().ReadEvents(8, 100)), (std::vector<uint64_t>{9, 10}));
  EXPECT_TRUE(this->log().ReadEvents(10, 100)->empty());
  EXPECT_TRUE(this->log().ReadEvents(0, 0)->empty());
  EXPECT_TRUE(this->log().ReadEvents(std::numeric_limits<uint64_t>::max(), 100)->empty());
}

TYPED_TEST(EventLogContractTest, OneReadReturnsAtMostTheReadLimit) {
  const uint64_t total = kMaxReadLimit + 50;
  WriteBatch batch = EventsBatch(1, total);
  for (uint64_t seq = 1; seq <= total; ++seq) batch.commands.push_back(MakeCommand(seq, 0));
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());
  const size_t no_limit = std::numeric_limits<size_t>::max();

  EXPECT_EQ(this->log().ReadEvents(0, no_limit)->size(), kMaxReadLimit);
  EXPECT_EQ(this->log().ReadEvents(kMaxReadLimit, no_limit)->size(), 50u);
  EXPECT_EQ(this->log().ReadEventsBetween(Instant::min(), Instant::max(), 0, no_limit)->size(),
            kMaxReadLimit);
  EXPECT_EQ(this->log().ReadCommands(0, no_limit)->size(), kMaxReadLimit);
}

TYPED_TEST(EventLogContractTest, ReadEventsBetweenTakesAHalfOpenRangeAndPagesBySeq) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 10)).ok());
  const Instant from = MakeEvent(3).at;  // events are 1 ms apart
  const Instant to = MakeEvent(8).at;

  EXPECT_EQ(Seqs(*this->log().ReadEventsBetween(from, to, 0, 100)),
            (std::vector<uint64_t>{3, 4, 5, 6, 7}));
  EXPECT_EQ(Seqs(*this->log().ReadEventsBetween(from, to, 4, 2)), (std::vector<uint64_t>{5, 6}));
  EXPECT_TRUE(this->log().ReadEventsBetween(to, from, 0, 100)->empty());
}

TYPED_TEST(EventLogContractTest, ReadInteractionEventsReturnsThatInteractionsEventsInOrder) {
  WriteBatch batch;
  for (uint64_t seq = 1; seq <= 9; ++seq) batch.events.push_back(MakeEvent(seq, seq % 3));
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());

  EXPECT_EQ(Seqs(*this->log().ReadInteractionEvents(1)), (std::vector<uint64_t>{1, 4, 7}));
  EXPECT_EQ(Seqs(*this->log().ReadInteractionEvents(2)), (std::vector<uint64_t>{2, 5, 8}));
  EXPECT_TRUE(this->log().ReadInteractionEvents(42)->empty());
}

TYPED_TEST(EventLogContractTest, InteractionZeroIsNoInteractionAndHasNoEvents) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 3)).ok());  // interaction 0

  EXPECT_TRUE(this->log().ReadInteractionEvents(0)->empty());
}

TYPED_TEST(EventLogContractTest, ReadCommandsStartsAfterTheGivenSeqAndStopsAtTheLimit) {
  WriteBatch batch = EventsBatch(1, 1);
  for (uint64_t seq = 1; seq <= 6; ++seq) batch.commands.push_back(MakeCommand(seq, 1));
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());

  Result<std::vector<CommandRecord>> commands = this->log().ReadCommands(2, 3);
  ASSERT_TRUE(commands.ok());
  ASSERT_EQ(commands->size(), 3u);
  EXPECT_EQ((*commands)[0].seq, 3u);
  EXPECT_EQ((*commands)[2].seq, 5u);
  EXPECT_TRUE(this->log().ReadCommands(6, 10)->empty());
}

TYPED_TEST(EventLogContractTest, StateWriteReplacesTheValueAndAMissingValueDeletes) {
  WriteBatch first;
  first.state = {{"user/7", "old"}, {"user/8", "eight"}};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(first)).ok());
  WriteBatch second;
  second.state = {{"user/7", "new"}, {"user/8", std::nullopt}, {"user/9", std::nullopt}};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(second)).ok());

  using Records = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(*this->log().ReadState("user/"), (Records{{"user/7", "new"}}));
}

TYPED_TEST(EventLogContractTest, ReadStateReturnsExactlyTheKeysWithThePrefixInKeyOrder) {
  WriteBatch batch;
  for (std::string key : {"user/7", "user/10", "users", "user", "session/a", "a%b", "a_b", "axb",
                          "user/\xff\xff", "\xff", "\xff\x01"}) {
    batch.state.push_back({key, "v"});
  }
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());
  auto keys = [this](std::string_view prefix) {
    Result<std::vector<std::pair<std::string, std::string>>> records =
        this->log().ReadState(prefix);
    std::vector<std::string> out;
    for (auto& [key, value] : *records) out.push_back(key);
    return out;
  };

  using Keys = std::vector<std::string>;
  EXPECT_EQ(keys("user/"), (Keys{"user/10", "user/7", "user/\xff\xff"}));
  EXPECT_EQ(keys("a%"), (Keys{"a%b"}));
  EXPECT_EQ(keys("a_"), (Keys{"a_b"}));
  EXPECT_EQ(keys("\xff"), (Keys{"\xff", "\xff\x01"}));
  EXPECT_EQ(keys("").size(), 11u);
  EXPECT_TRUE(keys("nobody").empty());
}

TYPED_TEST(EventLogContractTest, EventSeqGapIsRejectedAndNothingOfTheBatchIsStored) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 2)).ok());
  WriteBatch gap = EventsBatch(4, 4, 1);
  gap.state.push_back({"k", "v"});

  Status status = AppendAndWait(this->log(), std::move(gap));

  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
  EXPECT_NE(status.error().message.find("event seq 4"), std::string::npos);
  EXPECT_EQ(Seqs(*this->log().ReadEvents(0, 10)), (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(this->log().ReadCommands(0, 10)->empty());
  EXPECT_TRUE(this->log().ReadState("k")->empty());
  EXPECT_EQ(this->log().head().last_event, 2u);
}

TYPED_TEST(EventLogContractTest, CommandSeqGapIsRejected) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 1, 1)).ok());

  Status status = AppendAndWait(this->log(), EventsBatch(2, 2, 3));

  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
  EXPECT_NE(status.error().message.find("command seq 3"), std::string::npos);
  EXPECT_EQ(this->log().ReadEvents(0, 10)->size(), 1u);
}

TYPED_TEST(EventLogContractTest, CommandNamingAnEventBeyondTheLogIsRejected) {
  WriteBatch batch = EventsBatch(1, 2);
  batch.commands.push_back(MakeCommand(1, 3));

  Status status = AppendAndWait(this->log(), std::move(batch));

  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(this->log().ReadEvents(0, 10)->empty());
}

TYPED_TEST(EventLogContractTest, AfterAFailureEveryAppendIsUnavailableNamingTheFirstFailure) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 1)).ok());
  ASSERT_FALSE(AppendAndWait(this->log(), EventsBatch(5, 5)).ok());

  Status next = AppendAndWait(this->log(), EventsBatch(2, 2));
  Status flushed = this->log().Flush();

  EXPECT_EQ(next.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(next.error().message.find("event seq 5 does not continue"), std::string::npos);
  EXPECT_EQ(flushed.error().code, ErrorCode::kInternal);
  EXPECT_EQ(this->log().ReadEvents(0, 10)->size(), 1u);
}

TYPED_TEST(EventLogContractTest, BatchesAppendedBeforeABadOneAreStillStored) {
  std::vector<Status> statuses(3);
  this->log().Append(EventsBatch(1, 1), [&](Status s) { statuses[0] = s; });
  this->log().Append(EventsBatch(2, 2), [&](Status s) { statuses[1] = s; });
  this->log().Append(EventsBatch(9, 9), [&](Status s) { statuses[2] = s; });
  (void)this->log().Flush();

  EXPECT_TRUE(statuses[0].ok());
  EXPECT_TRUE(statuses[1].ok());
  EXPECT_FALSE(statuses[2].ok());
  EXPECT_EQ(Seqs(*this->log().ReadEvents(0, 10)), (std::vector<uint64_t>{1, 2}));
}

TYPED_TEST(EventLogContractTest, DoneMayReadTheLogAndSeesItsBatch) {
  std::promise<size_t> seen;
  this->log().Append(EventsBatch(1, 3), [&](Status status) {
    EXPECT_TRUE(status.ok());
    seen.set_value(this->log().ReadEvents(0, 10)->size() + this->log().head().last_event);
  });

  EXPECT_EQ(seen.get_future().get(), 6u);
}

TYPED_TEST(EventLogContractTest, LatestSnapshotIsTheNewestWritten) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 3, 1)).ok());
  WriteBatch more = EventsBatch(4, 4);
  more.commands = {MakeCommand(2, 4), MakeCommand(3, 4)};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(more)).ok());
  const std::string blob("snap\0shot\xff", 10);

  ASSERT_TRUE(this->log().WriteSnapshot({1, 3, "one"}).ok());
  ASSERT_TRUE(this->log().WriteSnapshot({2, 4, "two"}).ok());
  ASSERT_TRUE(this->log().WriteSnapshot({3, 4, blob}).ok());

  Result<std::optional<Snapshot>> latest = this->log().LatestSnapshot();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->command_seq, 3u);
  EXPECT_EQ((*latest)->event_seq, 4u);
  EXPECT_EQ((*latest)->blob, blob);
}

TYPED_TEST(EventLogContractTest, NewLogHasNoSnapshot) {
  Result<std::optional<Snapshot>> latest = this->log().LatestSnapshot();

  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
}

TYPED_TEST(EventLogContractTest, SnapshotWaitsForTheBatchesAppendedBeforeIt) {
  this->log().Append(EventsBatch(1, 2, 1), nullptr);

  EXPECT_TRUE(this->log().WriteSnapshot({1, 2, "s"}).ok());
  EXPECT_EQ(this->log().ReadEvents(0, 10)->size(), 2u);
}

TYPED_TEST(EventLogContractTest, SnapshotBeyondTheLogIsRefused) {
  ASSERT_TRUE(AppendAndWait(this->log(), EventsBatch(1, 2, 1)).ok());

  EXPECT_EQ(this->log().WriteSnapshot({2, 2, "s"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(this->log().WriteSnapshot({1, 3, "s"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(this->log().LatestSnapshot()->has_value());
}

TYPED_TEST(EventLogContractTest, SnapshotAfterAFailureIsRefused) {
  ASSERT_FALSE(AppendAndWait(this->log(), EventsBatch(2, 2)).ok());

  EXPECT_EQ(this->log().WriteSnapshot({0, 0, "s"}).error().code, ErrorCode::kUnavailable);
}

TYPED_TEST(EventLogContractTest, CountersCountDurableRecordsAndCommits) {
  for (uint64_t i = 1; i <= 10; ++i) this->log().Append(EventsBatch(2 * i - 1, 2 * i, i), nullptr);
  ASSERT_TRUE(this->log().Flush().ok());

  LogCounters counters = this->log().counters();
  EXPECT_EQ(counters.events_appended, 20u);
  EXPECT_EQ(counters.commands_appended, 10u);
  EXPECT_EQ(counters.batches_appended, 10u);
  EXPECT_GE(counters.commits, 1u);
  EXPECT_LE(counters.commits, 10u);
  EXPECT_EQ(counters.pending_batches, 0u);
}

TYPED_TEST(EventLogContractTest, FlushOfAnIdleLogSucceeds) {
  EXPECT_TRUE(this->log().Flush().ok());
}

// An interaction row created at base + `minute` minutes with `keys` (nullopt: keep the stored).
InteractionRow Row(uint64_t id, int minute, std::optional<std::vector<std::string>> keys,
                   std::string record = "") {
  InteractionRow row;
  row.id = id;
  row.created_at = FromMicros(1'780'000'000'000'000 + int64_t{minute} * 60'000'000);
  row.customer_keys = std::move(keys);
  row.record = record.empty() ? "{\"id\":" + std::to_string(id) + "}" : std::move(record);
  return row;
}

std::vector<uint64_t> Ids(const Result<std::vector<InteractionRow>>& rows) {
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  std::vector<uint64_t> ids;
  if (rows.ok()) {
    for (const InteractionRow& row : *rows) ids.push_back(row.id);
  }
  return ids;
}

Instant Minute(int minute) { return Row(0, minute, std::nullopt).created_at; }

TYPED_TEST(EventLogContractTest, InteractionRowReadsBackByIdWithItsRecord) {
  WriteBatch batch = EventsBatch(1, 1, 1);
  batch.interactions = {Row(7, 3, std::vector<std::string>{"+886200000001"}, "{\"s\":\"您好\"}")};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());

  Result<std::optional<InteractionRow>> row = this->log().ReadInteraction(7);

  ASSERT_TRUE(row.ok()) << row.error().message;
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->id, 7u);
  EXPECT_EQ((*row)->created_at, Minute(3));
  EXPECT_EQ((*row)->record, "{\"s\":\"您好\"}");
  EXPECT_FALSE((*row)->customer_keys.has_value());
  EXPECT_FALSE(this->log().ReadInteraction(8)->has_value());
}

TYPED_TEST(EventLogContractTest, InteractionUpsertReplacesTheRecordAndKeepsOrReplacesKeys) {
  WriteBatch first;
  first.interactions = {Row(1, 0, std::vector<std::string>{"ann", "+886"}, "v1")};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(first)).ok());
  WriteBatch second;  // keys kept, record replaced; then a later upsert in the batch wins
  second.interactions = {Row(1, 0, std::nullopt, "v2"), Row(1, 0, std::nullopt, "v3")};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(second)).ok());

  EXPECT_EQ((*this->log().ReadInteraction(1))->record, "v3");
  EXPECT_EQ(Ids(this->log().ReadCustomerInteractions("ann", Minute(0), Minute(1), 10)),
            (std::vector<uint64_t>{1}));

  WriteBatch third;
  third.interactions = {Row(1, 0, std::vector<std::string>{"bob"}, "v4")};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(third)).ok());

  EXPECT_TRUE(Ids(this->log().ReadCustomerInteractions("ann", Minute(0), Minute(1), 10)).empty());
  EXPECT_TRUE(Ids(this->log().ReadCustomerInteractions("+886", Minute(0), Minute(1), 10)).empty());
  EXPECT_EQ(Ids(this->log().ReadCustomerInteractions("bob", Minute(0), Minute(1), 10)),
            (std::vector<uint64_t>{1}));
  EXPECT_EQ(Ids(this->log().ReadRecentInteractions(Minute(0), Minute(1), 10)),
            (std::vector<uint64_t>{1}));
}

TYPED_TEST(EventLogContractTest, CustomerInteractionsAreTheirsInRangeNewestFirstUpToTheLimit) {
  WriteBatch batch;
  const std::vector<std::string> ann{"ann"};
  batch.interactions = {Row(1, 1, ann), Row(2, 5, ann), Row(3, 3, std::vector<std::string>{"bob"}),
                        Row(4, 3, ann), Row(5, 9, ann), Row(6, 3, ann)};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());

  // [1, 9): 5 at minute 9 is out; ties at minute 3 by higher id first; bob's 3 is not ann's.
  EXPECT_EQ(Ids(this->log().ReadCustomerInteractions("ann", Minute(1), Minute(9), 10)),
            (std::vector<uint64_t>{2, 6, 4, 1}));
  EXPECT_EQ(Ids(this->log().ReadCustomerInteractions("ann", Minute(1), Minute(9), 2)),
            (std::vector<uint64_t>{2, 6}));
  EXPECT_EQ(Ids(this->log().ReadCustomerInteractions("ann", Minute(2), Minute(5), 10)),
            (std::vector<uint64_t>{6, 4}));
  EXPECT_TRUE(Ids(this->log().ReadCustomerInteractions("an", Minute(0), Minute(99), 10)).empty());
}

TYPED_TEST(EventLogContractTest, RecentInteractionsAreInRangeNewestFirstUpToTheLimit) {
  WriteBatch batch;
  batch.interactions = {Row(1, 1, std::nullopt), Row(2, 5, std::nullopt), Row(3, 3, std::nullopt),
                        Row(4, 3, std::nullopt), Row(5, 9, std::nullopt)};
  ASSERT_TRUE(AppendAndWait(this->log(), std::move(batch)).ok());

  EXPECT_EQ(Ids(this->log().ReadRecentInteractions(Minute(1), Minute(9), 10)),
            (std::vector<uint64_t>{2, 4, 3, 1}));
  EXPECT_EQ(Ids(this->log().ReadRecentInteractions(Minute(0), Minute(99), 3)),
            (std::vector<uint64_t>{5, 2, 4}));
  EXPECT_TRUE(Ids(this->log().ReadRecentInteractions(Minute(6), Minute(9), 10)).empty());
}

TYPED_TEST(EventLogContractTest, InteractionRowsOfAFailedBatchAreNotStored) {
  WriteBatch bad = EventsBatch(2, 2);  // seq 1 is missing
  bad.interactions = {Row(1, 0, std::vector<std::string>{"ann"})};

  ASSERT_FALSE(AppendAndWait(this->log(), std::move(bad)).ok());

  EXPECT_FALSE(this->log().ReadInteraction(1)->has_value());
  EXPECT_TRUE(Ids(this->log().ReadRecentInteractions(Minute(0), Minute(1), 10)).empty());
}

}  // namespace
}  // namespace hotline::store
