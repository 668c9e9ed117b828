// The SQLite backend of EventLog: one database `<data_dir>/events.db` (schema in sqlite_schema.h)
// plus the acknowledged-head file `<data_dir>/log-head` (log_head_file.h). README.md describes
// the layout, the durability rules and how to add a migration.
//
// Durability. WAL mode with synchronous=FULL: a commit returns after its WAL frames are fsynced,
// so an acknowledged batch survives SIGKILL and power loss. One writer thread with its own
// connection does group commit: Append() queues the batch and wakes the writer; the writer takes
// every queued batch, writes them in one BEGIN IMMEDIATE ... COMMIT, records the new head in
// log-head, then calls each batch's `done` in append order. After any failure (a seq that does
// not continue the log, a SQLite error) every later Append gets kUnavailable naming the first
// failure; the shard must stop.
//
// Integrity. Every event and command row carries a chained checksum (log_rules.h). Opening
// verifies both chains row by row (streaming: about 0.4 s of CPU for a million events and 200,000
// commands), that seqs have no gaps, and that the log reaches the positions in log-head. Any
// mismatch is kDataLoss naming the table and the first bad seq; nothing is repaired or dropped
// silently.
//
// Reads use a second connection (guarded by a mutex, statements prepared once) and see committed
// records only. ReadEvents, ReadEventsBetween, ReadCommands and the interaction reads return at
// most kMaxReadLimit records per call; the interaction reads are index lookups (no scan).
//
// Thread-safety: as EventLog. Append, Flush and WriteSnapshot from one thread (the shard's loop);
// `done` runs on the writer thread, and every `done` of the batches appended before a Flush has
// returned when that Flush returns. `done` may read the log but must not call Flush or
// WriteSnapshot (they wait for the thread running it: a fatal check). Reads, head() and
// counters() from any thread. The destructor commits what is queued, calls the remaining `done`s
// and joins the writer.
//
// Errors: SQLite failures become kInternal (kUnavailable when the database is locked by another
// connection, kDataLoss when SQLite finds the file corrupt), naming the operation and SQLite's
// message. Nothing throws.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "base/result.h"
#include "store/event_log.h"

namespace hotline::store {

struct SqliteLogOptions {
  // Verify every row's checksum chain and the seqs at open. When false, open still checks that
  // the log reaches the acknowledged head in log-head (cheap), but not the rows themselves.
  bool verify_on_open = true;
  // How long a statement waits for a lock held by another connection before failing with
  // kUnavailable. Only another process (a backup, the sqlite3 shell) can hold one.
  int busy_timeout_ms = 5000;
  // Test hook: runs on the writer thread each time it has found queued work, before it takes the
  // queue. A test that blocks here queues batches that then share one commit.
  std::function<void()> before_group_commit;
};

// Opens the log in `data_dir`, creating the directory and an empty log when missing, migrating an
// older schema, and verifying it (see the file comment). Errors: kFailedPrecondition when the
// database was written by a newer Hotline ("... (schema N, this build knows M)"), is not a Hotline
// event log, or the directory is in use by another open log; kDataLoss when verification fails;
// kInternal on I/O and SQLite errors.
Result<std::unique_ptr<EventLog>> OpenSqliteEventLog(const std::filesystem::path& data_dir,
                                                     SqliteLogOptions options = {});

}  // namespace hotline::store
