// What the in-memory fake adds to the EventLog contract: control over when batches become durable
// and simulated commit failures.
#include "store/memory_event_log.h"

#include <gtest/gtest.h>

#include <vector>

#include "store/store_test_support.h"

namespace hotline::store {
namespace {

using testing::EventsBatch;

TEST(MemoryEventLogTest, DoneRunsBeforeAppendReturnsByDefault) {
  MemoryEventLog log;
  bool done = false;

  log.Append(EventsBatch(1, 1), [&](Status s) { done = s.ok(); });

  EXPECT_TRUE(done);
}

TEST(MemoryEventLogTest, HeldBatchesAreInvisibleUntilCommittedTogether) {
  MemoryEventLog log({.hold_commits = true});
  std::vector<int> done;
  log.Append(EventsBatch(1, 1), [&](Status) { done.push_back(1); });
  log.Append(EventsBatch(2, 3), [&](Status) { done.push_back(2); });

  EXPECT_TRUE(done.empty());
  EXPECT_TRUE(log.ReadEvents(0, 10)->empty());
  EXPECT_EQ(log.head().last_event, 3u);
  EXPECT_EQ(log.counters().pending_batches, 2u);
  EXPECT_EQ(log.CommitHeld(), 2u);
  EXPECT_EQ(done, (std::vector<int>{1, 2}));
  EXPECT_EQ(log.ReadEvents(0, 10)->size(), 3u);
  EXPECT_EQ(log.counters().commits, 1u);
}

TEST(MemoryEventLogTest, FlushCommitsHeldBatches) {
  MemoryEventLog log({.hold_commits = true});
  log.Append(EventsBatch(1, 2), nullptr);

  EXPECT_TRUE(log.Flush().ok());
  EXPECT_EQ(log.ReadEvents(0, 10)->size(), 2u);
}

TEST(MemoryEventLogTest, FailedCommitFailsItsBatchesAndStopsTheLog) {
  MemoryEventLog log;
  log.FailNextCommit(Error{ErrorCode::kInternal, "disk I/O error", {}});
  Status first, second;

  log.Append(EventsBatch(1, 1), [&](Status s) { first = s; });
  log.Append(EventsBatch(2, 2), [&](Status s) { second = s; });

  EXPECT_EQ(first.error().message, "disk I/O error");
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(second.error().message,
            "the event log stopped after an earlier failure: disk I/O error");
  EXPECT_TRUE(log.ReadEvents(0, 10)->empty());
  EXPECT_EQ(log.Flush().error().message, "disk I/O error");
}

}  // namespace
}  // namespace hotline::store
