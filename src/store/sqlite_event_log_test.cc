// What the SQLite backend adds to the EventLog contract: durability across reopen, group commit,
// the schema version check, and integrity verification at open.
#include "store/sqlite_event_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <string>

#include "store/log_head_file.h"
#include "store/sqlite_schema.h"
#include "store/store_test_support.h"

namespace hotline::store {
namespace {

namespace fs = std::filesystem;
using testing::AppendAndWait;
using testing::EventsBatch;
using testing::MakeCommand;
using testing::RawExec;
using testing::RawQuery;
using testing::ReadWholeFile;
using testing::ScratchDir;
using testing::WriteWholeFile;

std::unique_ptr<EventLog> OpenOrFail(const fs::path& dir, SqliteLogOptions options = {}) {
  Result<std::unique_ptr<EventLog>> log = OpenSqliteEventLog(dir, std::move(options));
  if (!log.ok()) {
    ADD_FAILURE() << log.error().message;
    return nullptr;
  }
  return std::move(log).value();
}

// The error opening `dir` gives (an ok open is a test failure).
Error OpenError(const fs::path& dir, SqliteLogOptions options = {}) {
  Result<std::unique_ptr<EventLog>> log = OpenSqliteEventLog(dir, std::move(options));
  if (log.ok()) {
    ADD_FAILURE() << "the log opened";
    return {};
  }
  return log.error();
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Writes events 1..10, each batch of one event with one command naming it, and closes the log.
void WriteTenEvents(const fs::path& dir) {
  std::unique_ptr<EventLog> log = OpenOrFail(dir);
  ASSERT_NE(log, nullptr);
  for (uint64_t seq = 1; seq <= 10; ++seq) log->Append(EventsBatch(seq, seq, seq), nullptr);
  ASSERT_TRUE(log->Flush().ok());
}

TEST(SqliteEventLogTest, ReopenedLogHoldsEverythingWrittenBefore) {
  ScratchDir dir;
  {
    std::unique_ptr<EventLog> log = OpenOrFail(dir.path());
    ASSERT_NE(log, nullptr);
    WriteBatch batch = EventsBatch(1, 3, 1);
    batch.state = {{"user/7", "seven"}, {"user/8", "eight"}};
    ASSERT_TRUE(AppendAndWait(*log, std::move(batch)).ok());
    ASSERT_TRUE(log->WriteSnapshot({1, 3, "blob"}).ok());
    WriteBatch more = EventsBatch(4, 4, 2);
    more.state = {{"user/8", std::nullopt}};
    ASSERT_TRUE(AppendAndWait(*log, std::move(more)).ok());
  }

  std::unique_ptr<EventLog> log = OpenOrFail(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head().last_event, 4u);
  EXPECT_EQ(log->head().last_command, 2u);
  EXPECT_EQ(log->ReadEvents(0, 100)->size(), 4u);
  EXPECT_EQ(log->ReadCommands(0, 100)->size(), 2u);
  using Records = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(*log->ReadState("user/"), (Records{{"user/7", "seven"}}));
  EXPECT_EQ((*log->LatestSnapshot())->blob, "blob");
}

TEST(SqliteEventLogTest, ReopenedLogContinuesItsChains) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  {
    std::unique_ptr<EventLog> log = OpenOrFail(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(AppendAndWait(*log, EventsBatch(11, 12, 11)).ok());
  }

  std::unique_ptr<EventLog> log = OpenOrFail(dir.path());  // verifies all twelve rows

  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head().last_event, 12u);
}

TEST(SqliteEventLogTest, OpenCreatesAMissingDataDirectory) {
  ScratchDir dir;
  const fs::path nested = dir.path() / "a" / "b";

  std::unique_ptr<EventLog> log = OpenOrFail(nested);

  EXPECT_TRUE(fs::exists(nested / "events.db"));
  EXPECT_TRUE(fs::exists(nested / "log-head"));
}

TEST(SqliteEventLogTest, DatabaseIsInWalMode) {
  ScratchDir dir;
  std::unique_ptr<EventLog> log = OpenOrFail(dir.path());

  EXPECT_EQ(RawQuery(dir.path() / "events.db", "PRAGMA journal_mode"), "wal");
}

TEST(SqliteEventLogTest, SecondOpenOfTheSameDirectoryIsRefused) {
  ScratchDir dir;
  std::unique_ptr<EventLog> first = OpenOrFail(dir.path());

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(error.message, "in use")) << error.message;
  first.reset();
  EXPECT_NE(OpenOrFail(dir.path()), nullptr);
}

TEST(SqliteEventLogTest, BatchesQueuedWhileTheWriterIsBusyShareOneCommit) {
  ScratchDir dir;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  SqliteLogOptions options;
  options.before_group_commit = [released] { released.wait(); };
  std::unique_ptr<EventLog> log = OpenOrFail(dir.path(), options);
  if (log == nullptr) return;

  // The writer cannot take the queue until released, so all 100 batches wait for one commit.
  for (uint64_t seq = 1; seq <= 100; ++seq) log->Append(EventsBatch(seq, seq, seq), nullptr);
  const LogCounters queued = log->counters();
  const LogHead head = log->head();
  const size_t visible = log->ReadEvents(0, 1000)->size();
  release.set_value();
  Status flushed = log->Flush();

  EXPECT_EQ(queued.pending_batches, 100u);
  EXPECT_EQ(queued.commits, 0u);
  EXPECT_EQ(head.last_event, 100u);  // head() counts what is queued...
  EXPECT_EQ(visible, 0u);            // ...reads see only what is committed
  EXPECT_TRUE(flushed.ok());
  const LogCounters after = log->counters();
  EXPECT_EQ(after.batches_appended, 100u);
  EXPECT_EQ(after.events_appended, 100u);
  EXPECT_EQ(after.commits, 1u);
  EXPECT_EQ(after.pending_batches, 0u);
  EXPECT_EQ(log->ReadEvents(0, 1000)->size(), 100u);
}

TEST(SqliteEventLogTest, DestructorCommitsQueuedBatchesAndCallsTheirDone) {
  ScratchDir dir;
  std::atomic<int> ok = 0;
  {
    std::unique_ptr<EventLog> log = OpenOrFail(dir.path());
    ASSERT_NE(log, nullptr);
    for (uint64_t seq = 1; seq <= 20; ++seq) {
      log->Append(EventsBatch(seq, seq), [&ok](Status s) { ok += s.ok() ? 1 : 0; });
    }
  }

  EXPECT_EQ(ok.load(), 20);
  std::unique_ptr<EventLog> log = OpenOrFail(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head().last_event, 20u);
}

TEST(SqliteEventLogTest, AcknowledgedHeadIsRecordedBeforeDoneRuns) {
  ScratchDir dir;
  std::unique_ptr<EventLog> log = OpenOrFail(dir.path());
  ASSERT_NE(log, nullptr);
  std::promise<std::string> file;

  log->Append(EventsBatch(1, 3, 1),
              [&](Status) { file.set_value(ReadWholeFile(dir.path() / "log-head")); });

  Result<std::optional<LogHead>> head = DecodeLogHead(file.get_future().get());
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->last_event, 3u);
  EXPECT_EQ((*head)->last_command, 1u);
}

TEST(SqliteEventLogTest, OnlyTheNewestTwoSnapshotsAreKept) {
  ScratchDir dir;
  {
    std::unique_ptr<EventLog> log = OpenOrFail(dir.path());
    ASSERT_NE(log, nullptr);
    for (uint64_t seq = 1; seq <= 3; ++seq) {
      ASSERT_TRUE(AppendAndWait(*log, EventsBatch(seq, seq, seq)).ok());
      ASSERT_TRUE(log->WriteSnapshot({seq, seq, "s" + std::to_string(seq)}).ok());
    }
  }

  const fs::path db = dir.path() / "events.db";
  EXPECT_EQ(RawQuery(db, "SELECT group_concat(command_seq) FROM snapshots"), "2,3");
}

TEST(SqliteEventLogTest, CommitFailureFailsItsBatchAndStopsTheLog) {
  ScratchDir dir;
  SqliteLogOptions options;
  options.busy_timeout_ms = 0;
  std::unique_ptr<EventLog> log = OpenOrFail(dir.path(), options);
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(AppendAndWait(*log, EventsBatch(1, 1)).ok());
  // Another connection holds the write lock, so the writer's BEGIN IMMEDIATE fails at once.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "events.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  Status failed = AppendAndWait(*log, EventsBatch(2, 2));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  Status next = AppendAndWait(*log, EventsBatch(3, 3));

  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(Contains(failed.error().message, "database is locked")) << failed.error().message;
  EXPECT_EQ(next.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(Contains(next.error().message, "stopped after an earlier failure: beginning"))
      << next.error().message;
  log.reset();
  log = OpenOrFail(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head().last_event, 1u);
}

TEST(SqliteEventLogTest, DatabaseOfANewerSchemaIsRefusedAndLeftUntouched) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "PRAGMA user_version = 99");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(
      Contains(error.message, "was written by a newer Hotline (schema 99, this build knows " +
                                  std::to_string(kSqliteSchemaVersion) + ")"))
      << error.message;
  EXPECT_EQ(RawQuery(dir.path() / "events.db", "PRAGMA user_version"), "99");
}

TEST(SqliteEventLogTest, DatabaseOfAnotherProgramIsRefused) {
  ScratchDir dir;
  RawExec(dir.path() / "events.db", "CREATE TABLE invoices(id INTEGER)");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(error.message, "is not a Hotline event log")) << error.message;
}

TEST(SqliteEventLogTest, ChangedEventIsDataLossNamingItsSeq) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "UPDATE events SET data = '{\"n\":70}' WHERE seq = 7");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_EQ(error.field, "events");
  EXPECT_TRUE(Contains(error.message, "events seq 7 does not match its checksum")) << error.message;
  EXPECT_TRUE(Contains(error.message,
                       "restore the data directory from a backup; see "
                       "docs/operations.md"));
}

TEST(SqliteEventLogTest, ChangedStoredChecksumIsDataLossNamingItsSeq) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "UPDATE events SET chain = chain + 1 WHERE seq = 4");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_TRUE(Contains(error.message, "events seq 4 ")) << error.message;
}

TEST(SqliteEventLogTest, ChangedCommandIsDataLossNamingItsSeq) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "UPDATE commands SET body = '{}' WHERE seq = 3");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_EQ(error.field, "commands");
  EXPECT_TRUE(Contains(error.message, "commands seq 3 does not match")) << error.message;
}

TEST(SqliteEventLogTest, MissingEventInTheMiddleIsDataLossNamingIt) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "DELETE FROM events WHERE seq = 5");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_TRUE(Contains(error.message, "events seq 5 is missing")) << error.message;
}

TEST(SqliteEventLogTest, LostAcknowledgedTailIsDataLossNamingTheMissingSeqs) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "DELETE FROM events WHERE seq > 7");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_TRUE(Contains(error.message, "events end at seq 7 but seq 10 was acknowledged"))
      << error.message;
  EXPECT_TRUE(Contains(error.message, "seq 8 to 10 are missing")) << error.message;
}

TEST(SqliteEventLogTest, LostAcknowledgedCommandsAreDataLoss) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "DELETE FROM commands WHERE seq > 8");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_TRUE(Contains(error.message, "commands seq 9 to 10 are missing")) << error.message;
}

TEST(SqliteEventLogTest, LostDatabaseIsDataLossWhenLogHeadRemembersIt) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  fs::remove(dir.path() / "events.db");

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_TRUE(Contains(error.message, "events end at seq 0 but seq 10 was acknowledged"))
      << error.message;
}

TEST(SqliteEventLogTest, LostTailIsDataLossEvenWithoutVerification) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "DELETE FROM events WHERE seq > 7");
  SqliteLogOptions options;
  options.verify_on_open = false;

  Error error = OpenError(dir.path(), options);

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
}

TEST(SqliteEventLogTest, WithoutVerificationAChangedRowGoesUnnoticed) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "UPDATE events SET data = '{}' WHERE seq = 7");
  SqliteLogOptions options;
  options.verify_on_open = false;

  std::unique_ptr<EventLog> log = OpenOrFail(dir.path(), options);

  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head().last_event, 10u);
  ASSERT_TRUE(AppendAndWait(*log, EventsBatch(11, 11)).ok());  // the chain continues from the end
}

TEST(SqliteEventLogTest, CorruptLogHeadIsDataLoss) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  std::string head = ReadWholeFile(dir.path() / "log-head");
  head[head.find("00010")] = '9';  // event 90010
  WriteWholeFile(dir.path() / "log-head", head);

  Error error = OpenError(dir.path());

  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_EQ(error.field, "log-head");
}

TEST(SqliteEventLogTest, EmptyLogHeadClaimsNothing) {
  ScratchDir dir;
  WriteTenEvents(dir.path());
  RawExec(dir.path() / "events.db", "DELETE FROM events WHERE seq > 7; DELETE FROM commands");
  WriteWholeFile(dir.path() / "log-head", "");

  std::unique_ptr<EventLog> log = OpenOrFail(dir.path());

  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head().last_event, 7u);
  EXPECT_EQ(log->head().last_command, 0u);
}

// Sets up a data directory as a crash in the middle of writing the WAL frames of a commit leaves
// it: `live` has events 1..10 acknowledged (batch A), then 11..20 (batch B); the copy gets the
// database and WAL as they are after B with the WAL's last frame (B's commit frame) cut in half,
// and the log-head file as it was after A (`head_after_b` false) or after B (true).
void CopyWithTornLastCommit(const fs::path& live, const fs::path& copy, bool head_after_b) {
  std::unique_ptr<EventLog> log = OpenOrFail(live);
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(AppendAndWait(*log, EventsBatch(1, 10)).ok());
  const std::string head_a = ReadWholeFile(live / "log-head");
  ASSERT_TRUE(AppendAndWait(*log, EventsBatch(11, 20)).ok());
  const std::string head_b = ReadWholeFile(live / "log-head");
  // The log is still open: nothing is checkpointed, so events.db is stable and the WAL holds
  // every frame since open, B's last.
  fs::copy_file(live / "events.db", copy / "events.db");
  fs::copy_file(live / "events.db-wal", copy / "events.db-wal");
  WriteWholeFile(copy / "log-head", head_after_b ? head_b : head_a);
  const uintmax_t page = std::stoul(RawQuery(copy / "events.db", "PRAGMA page_size"));
  const uintmax_t wal_size = fs::file_size(copy / "events.db-wal");
  ASSERT_EQ((wal_size - 32) % (24 + page), 0u) << "the WAL is not a header and whole frames";
  fs::resize_file(copy / "events.db-wal", wal_size - page / 2);
}

TEST(SqliteEventLogTest, TornUnacknowledgedCommitIsDroppedAndTheLogOpens) {
  ScratchDir live, copy;
  CopyWithTornLastCommit(live.path(), copy.path(), /*head_after_b=*/false);

  std::unique_ptr<EventLog> log = OpenOrFail(copy.path());

  // SQLite's WAL recovery drops a commit whose frames are incomplete; it was never acknowledged,
  // so the log is consistent and continues where it ends.
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head().last_event, 10u);
  EXPECT_EQ(log->ReadEvents(0, 100)->size(), 10u);
  EXPECT_TRUE(AppendAndWait(*log, EventsBatch(11, 11)).ok());
}

TEST(SqliteEventLogTest, TornAcknowledgedCommitIsDataLoss) {
  ScratchDir live, copy;
  CopyWithTornLastCommit(live.path(), copy.path(), /*head_after_b=*/true);

  Error error = OpenError(copy.path());

  // The same torn WAL, but this commit had been acknowledged: its loss must not go unnoticed.
  EXPECT_EQ(error.code, ErrorCode::kDataLoss);
  EXPECT_TRUE(Contains(error.message, "events end at seq 10 but seq 20 was acknowledged"))
      << error.message;
}

}  // namespace
}  // namespace hotline::store
