// Measurements of the SQLite backend, disabled by default (they take seconds and assert nothing
// about speed). Run them with:
//   build-store/src/store/store_test --gtest_also_run_disabled_tests
//       --gtest_filter='SqliteEventLogMeasure.*'
// and record the figures with the machine in docs/performance.md.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdio>
#include <semaphore>
#include <string>

#include "base/clock.h"
#include "store/sqlite_event_log.h"
#include "store/store_test_support.h"

namespace hotline::store {
namespace {

using testing::ScratchDir;

// A realistic event: about 150 bytes of JSON.
EventRecord RealisticEvent(uint64_t seq) {
  EventRecord event;
  event.seq = seq;
  event.at = FromMicros(1'780'000'000'000'000 + static_cast<int64_t>(seq) * 20'000);
  event.type = "offer.accepted";
  event.actor = "user:1042";
  event.interaction = 1 + seq / 8;
  event.data = "{\"interaction\":" + std::to_string(event.interaction) +
               ",\"queue\":\"support-zh\",\"agent\":\"a-1042\",\"offer\":" + std::to_string(seq) +
               ",\"wait_ms\":18250,\"skills\":[\"cantonese\",\"billing\"],\"tier\":2}";
  return event;
}

// Batch number `n` (from 0): events 5n+1..5n+5 and command n+1.
WriteBatch RealisticBatch(uint64_t n, uint64_t events_per_batch) {
  WriteBatch batch;
  for (uint64_t i = 1; i <= events_per_batch; ++i) {
    batch.events.push_back(RealisticEvent(n * events_per_batch + i));
  }
  CommandRecord command = testing::MakeCommand(n + 1, (n + 1) * events_per_batch);
  command.body =
      "{\"type\":\"accept_offer\",\"agent\":\"a-1042\",\"offer\":" + std::to_string(n) + "}";
  batch.commands.push_back(std::move(command));
  return batch;
}

double SecondsSince(const RealClock& clock, Instant start) {
  return ToSeconds(clock.MonotonicNow() - start);
}

// CPU seconds this process has used (user + system, all threads): on a busy machine the wall
// time of a single-threaded step says more about the neighbours than about the step.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

TEST(SqliteEventLogMeasure, DISABLED_GroupCommitThroughput) {
  RealClock clock;
  ScratchDir dir;
  Result<std::unique_ptr<EventLog>> log = OpenSqliteEventLog(dir.path());
  ASSERT_TRUE(log.ok()) << log.error().message;

  // One batch at a time: every batch waits for its own commit (the fsync rate of this disk).
  const uint64_t single = 300;
  Instant start = clock.MonotonicNow();
  for (uint64_t n = 0; n < single; ++n) {
    ASSERT_TRUE(testing::AppendAndWait(**log, RealisticBatch(n, 5)).ok());
  }
  double seconds = SecondsSince(clock, start);
  std::printf(
      "one batch per commit: %llu batches of 5 events in %.3f s: %.0f events/s, %.0f "
      "commits/s\n",
      static_cast<unsigned long long>(single), seconds, 5 * single / seconds, single / seconds);

  // Group commit: batches queue while a commit runs and share the next one. First with at most
  // 64 batches awaiting `done` (a shard answering 64 requests at once), then as fast as the loop
  // can append.
  uint64_t next = single;
  for (ptrdiff_t in_flight : {ptrdiff_t{64}, ptrdiff_t{1'000'000}}) {
    const uint64_t batches = in_flight == 64 ? 20'000 : 200'000;
    std::counting_semaphore<> slots(in_flight);
    const LogCounters before = (*log)->counters();
    start = clock.MonotonicNow();
    for (uint64_t n = next; n < next + batches; ++n) {
      slots.acquire();
      (*log)->Append(RealisticBatch(n, 5), [&slots](Status) { slots.release(); });
    }
    ASSERT_TRUE((*log)->Flush().ok());
    seconds = SecondsSince(clock, start);
    next += batches;
    const uint64_t commits = (*log)->counters().commits - before.commits;
    std::printf(
        "group commit, at most %lld batches in flight: %llu batches of 5 events in %.3f "
        "s: %.0f events/s, %llu commits (%.0f commits/s, %.1f batches per commit)\n",
        static_cast<long long>(in_flight), static_cast<unsigned long long>(batches), seconds,
        5 * batches / seconds, static_cast<unsigned long long>(commits), commits / seconds,
        static_cast<double>(batches) / static_cast<double>(commits));
  }
}

TEST(SqliteEventLogMeasure, DISABLED_OpenVerifiesOneMillionEvents) {
  RealClock clock;
  ScratchDir dir;
  {
    Result<std::unique_ptr<EventLog>> log = OpenSqliteEventLog(dir.path());
    ASSERT_TRUE(log.ok()) << log.error().message;
    for (uint64_t n = 0; n < 200'000; ++n) (*log)->Append(RealisticBatch(n, 5), nullptr);
    ASSERT_TRUE((*log)->Flush().ok());
  }
  std::printf("events.db: %.0f MB\n",
              static_cast<double>(std::filesystem::file_size(dir.path() / "events.db")) / 1e6);
  for (bool verify : {true, false, true, false}) {
    SqliteLogOptions options;
    options.verify_on_open = verify;
    const Instant start = clock.MonotonicNow();
    const double cpu_start = CpuSeconds();
    Result<std::unique_ptr<EventLog>> log = OpenSqliteEventLog(dir.path(), options);
    const double cpu = CpuSeconds() - cpu_start;
    const double seconds = SecondsSince(clock, start);
    ASSERT_TRUE(log.ok()) << log.error().message;
    ASSERT_EQ((*log)->head().last_event, 1'000'000u);
    std::printf(
        "open of 1,000,000 events and 200,000 commands, verify_on_open=%d: %.3f s "
        "(%.3f s of CPU)\n",
        verify, seconds, cpu);
  }
}

}  // namespace
}  // namespace hotline::store
