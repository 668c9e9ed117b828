// The event log of one shard: the source of truth of a running center (ARCHITECTURE.md).
//
// It holds four kinds of records, written together in one durable transaction per batch:
//  - events: the facts ("interaction.created"), numbered 1, 2, 3... per shard without gaps. They
//    are the audit trail and what every report and the live stream read.
//  - commands: the inputs the shard's engine was given (a JSON body chosen by the shard), numbered
//    1, 2, 3... Replaying them in order into a fresh engine rebuilds the routing state; each
//    carries a hash of the events it produced so a replay that diverges is detected.
//  - state: small durable key/value records that are not routing facts (users, password hashes,
//    sessions). A write with no value deletes the key.
//  - interactions: the interaction history table, a projection of the events kept by the shard
//    (one row per interaction, upserted in the same transaction as the events that change it),
//    so history need not live in memory. Found by id, by customer key, or by creation time.
// Snapshots (a blob at a command/event position) let a restart skip old commands.
//
// Durability: Append() queues a batch; batches queued while a commit runs share the next commit
// (group commit: one fsync for many writes). `done` is called once the batch is durable, or
// failed. After a failure the log refuses every later Append (the shard must stop): a gap in the
// sequence would be worse than stopping.
//
// Integrity: every event and command row carries a chained checksum. Opening the log verifies the
// chain and that the log reaches the last position ever acknowledged; a corrupt row or a missing
// acknowledged tail is reported as kDataLoss naming the first bad position. Nothing is silently
// replayed or dropped.
//
// Thread-safety: Append and Flush are called from one thread (the shard's loop); `done` runs on
// the log's writer thread. Reads may be called from any thread and see committed records only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace hotline::store {

struct EventRecord {
  uint64_t seq = 0;  // from 1, no gaps
  Instant at{};
  std::string type;          // "interaction.created", "queue.updated", ...
  std::string actor;         // "user:7", "system", "timer"
  uint64_t interaction = 0;  // the interaction it is about (0: none); indexed for history
  std::string data;          // a JSON object's text; the store does not parse it
};

struct CommandRecord {
  uint64_t seq = 0;  // from 1, no gaps
  Instant at{};      // the `now` the engine was given
  std::string actor;
  std::string body;          // the shard's encoding of the command (JSON text)
  uint64_t last_event = 0;   // the last event seq once this command had run
  uint64_t events_hash = 0;  // the shard's hash of the events it produced
};

struct StateWrite {
  std::string key;                   // "user/7", "session/<hash>"
  std::optional<std::string> value;  // nullopt: delete
};

// One interaction's history row. The store keeps `record` opaque and finds rows by id, by
// creation time and by the customer's identifier values.
struct InteractionRow {
  uint64_t id = 0;
  Instant created_at{};  // the same in every upsert of one id
  // The identifier values the row is found by ("+886...", "ann@example.com"). nullopt keeps the
  // keys already stored (none for a new row); a value replaces them. Reads leave it nullopt.
  std::optional<std::vector<std::string>> customer_keys;
  std::string record;  // the shard's encoding (JSON text)
};

// A state key the SQLite schema migration sets when it adds the interactions table to a log that
// already holds commands (a data directory written before the table existed): the shard then
// rebuilds the table from the log and deletes the key in the batch that finishes it.
inline constexpr std::string_view kRebuildInteractionsKey = "store/rebuild-interactions";

// One transaction. Sequence numbers must continue the log exactly (the shard assigns them).
struct WriteBatch {
  std::vector<CommandRecord> commands;
  std::vector<EventRecord> events;
  std::vector<StateWrite> state;
  std::vector<InteractionRow> interactions;  // upserts by id, in order (a later one wins)
};

struct LogHead {
  uint64_t last_event = 0;
  uint64_t last_command = 0;
};

struct Snapshot {
  uint64_t command_seq = 0;  // state after this command
  uint64_t event_seq = 0;
  std::string blob;  // the shard's encoding
};

struct LogCounters {
  uint64_t events_appended = 0;
  uint64_t commands_appended = 0;
  uint64_t batches_appended = 0;
  uint64_t commits = 0;  // durable commits (each one fsync of the log)
  uint64_t pending_batches = 0;
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Where the log ends (including batches appended but not yet durable).
  virtual LogHead head() const = 0;

  // Queues `batch` for the next group commit. `done` runs on the writer thread exactly once: ok
  // once everything in the batch is durable, or the error (then nothing of it is stored).
  virtual void Append(WriteBatch batch, std::function<void(Status)> done) = 0;
  // Blocks until every batch appended so far is durable or failed; returns the first failure.
  virtual Status Flush() = 0;

  // Events with seq > after, in order, at most `limit`.
  virtual Result<std::vector<EventRecord>> ReadEvents(uint64_t after, size_t limit) const = 0;
  // Events with from <= at < to and seq > after, in seq order, at most `limit`.
  virtual Result<std::vector<EventRecord>> ReadEventsBetween(Instant from, Instant to,
                                                             uint64_t after,
                                                             size_t limit) const = 0;
  // Every event about `interaction`, in order.
  virtual Result<std::vector<EventRecord>> ReadInteractionEvents(uint64_t interaction) const = 0;
  // Commands with seq > after, in order, at most `limit`.
  virtual Result<std::vector<CommandRecord>> ReadCommands(uint64_t after, size_t limit) const = 0;
  // Every state record whose key starts with `prefix`, in key order.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ReadState(
      std::string_view prefix) const = 0;

  // The interaction row `id`, or nullopt.
  virtual Result<std::optional<InteractionRow>> ReadInteraction(uint64_t id) const = 0;
  // Rows with `customer_key` among their keys and from <= created_at < to, newest first (ties:
  // higher id first), at most `limit` (and kMaxReadLimit).
  virtual Result<std::vector<InteractionRow>> ReadCustomerInteractions(
      std::string_view customer_key, Instant from, Instant to, size_t limit) const = 0;
  // Rows with from <= created_at < to, newest first (ties: higher id first), at most `limit` (and
  // kMaxReadLimit).
  virtual Result<std::vector<InteractionRow>> ReadRecentInteractions(Instant from, Instant to,
                                                                     size_t limit) const = 0;

  // Stores a snapshot durably (waits for it). Older snapshots may be dropped.
  virtual Status WriteSnapshot(const Snapshot& snapshot) = 0;
  // The newest snapshot, if any.
  virtual Result<std::optional<Snapshot>> LatestSnapshot() const = 0;

  virtual LogCounters counters() const = 0;
};

}  // namespace hotline::store
