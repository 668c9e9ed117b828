// An EventLog kept in memory: the fake that shard and API tests use instead of SQLite. It keeps
// the same contract as the SQLite backend (the contract suite in event_log_contract_test.cc runs
// over both): seq validation, failure after the first error, the read limit, newest two
// snapshots. It keeps nothing across process restarts and computes no checksums.
//
// Durability is simulated. By default every Append is "durable" at once: `done` runs on the thread
// that called Append, before Append returns (the SQLite backend runs it on its writer thread). With
// `hold_commits`, batches wait until the test calls CommitHeld() (one group commit for all of
// them) or Flush(), so a test can observe a batch that is appended but not yet durable.
// FailNextCommit() simulates a disk failure.
//
// Thread-safety: Append, Flush, CommitHeld and WriteSnapshot from one thread; reads, head() and
// counters() from any thread. `done` is called without internal locks held, so it may call back
// into the log.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/event_log.h"

namespace hotline::store {

struct MemoryLogOptions {
  bool hold_commits = false;  // see the file comment
};

class MemoryEventLog final : public EventLog {
 public:
  explicit MemoryEventLog(MemoryLogOptions options = {});

  LogHead head() const override;
  void Append(WriteBatch batch, std::function<void(Status)> done) override;
  // Commits held batches (with hold_commits), then returns the first failure, if any.
  Status Flush() override;

  Result<std::vector<EventRecord>> ReadEvents(uint64_t after, size_t limit) const override;
  Result<std::vector<EventRecord>> ReadEventsBetween(Instant from, Instant to, uint64_t after,
                                                     size_t limit) const override;
  Result<std::vector<EventRecord>> ReadInteractionEvents(uint64_t interaction) const override;
  Result<std::vector<CommandRecord>> ReadCommands(uint64_t after, size_t limit) const override;
  Result<std::vector<std::pair<std::string, std::string>>> ReadState(
      std::string_view prefix) const override;
  Result<std::optional<InteractionRow>> ReadInteraction(uint64_t id) const override;
  Result<std::vector<InteractionRow>> ReadCustomerInteractions(std::string_view customer_key,
                                                               Instant from, Instant to,
                                                               size_t limit) const override;
  Result<std::vector<InteractionRow>> ReadRecentInteractions(Instant from, Instant to,
                                                             size_t limit) const override;

  // Commits held batches first. Keeps the newest two snapshots (by command_seq).
  Status WriteSnapshot(const Snapshot& snapshot) override;
  Result<std::optional<Snapshot>> LatestSnapshot() const override;

  LogCounters counters() const override;

  // Commits every held batch in one group commit, calling their `done` in order on this thread.
  // Returns how many batches it completed (committed or failed).
  size_t CommitHeld();
  // The next commit fails with `error` as a disk failure would: its batches get `error`, nothing
  // of them is stored, and the log refuses every later Append.
  void FailNextCommit(Error error);

 private:
  struct Pending {
    WriteBatch batch;
    std::function<void(Status)> done;
    std::optional<Error> rejected;  // set at Append time: never committed
  };

  // Commits `batches` as one group; returns the statuses to hand to their `done`.
  std::vector<Status> CommitLocked(std::deque<Pending>& batches);
  void UpsertLocked(InteractionRow& row);
  // The rows of `ids` (nullptr: all) in [from, to), newest first, at most `limit`.
  std::vector<InteractionRow> NewestLocked(const std::set<uint64_t>* ids, Instant from, Instant to,
                                           size_t limit) const;

  const MemoryLogOptions options_;

  mutable std::mutex mu_;
  LogHead appended_head_;
  std::optional<Error> failure_;         // the first failure; the log refuses Appends after it
  std::optional<Error> commit_failure_;  // a failed commit: later commits are refused
  std::optional<Error> fail_next_commit_;
  std::deque<Pending> held_;
  std::vector<EventRecord> events_;      // events_[i].seq == i + 1
  std::vector<CommandRecord> commands_;  // commands_[i].seq == i + 1
  std::unordered_map<uint64_t, std::vector<size_t>> events_by_interaction_;
  std::map<std::string, std::string> state_;
  std::map<uint64_t, InteractionRow> interactions_;  // keys kept in customer_keys
  std::map<std::string, std::set<uint64_t>, std::less<>> by_customer_;
  std::map<uint64_t, Snapshot> snapshots_;  // by command_seq; the newest two
  LogCounters counters_;
};

}  // namespace hotline::store
