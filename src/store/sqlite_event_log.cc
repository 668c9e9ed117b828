#include "store/sqlite_event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <initializer_list>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "base/check.h"
#include "store/log_head_file.h"
#include "store/log_rules.h"
#include "store/sqlite_db.h"
#include "store/sqlite_schema.h"

namespace hotline::store {
namespace {

constexpr const char* kDatabaseFile = "events.db";
constexpr const char* kHeadFile = "log-head";

// Seqs and hashes are unsigned in the API and signed in SQLite; both conversions keep the bits.
int64_t ToSql(uint64_t value) { return static_cast<int64_t>(value); }
uint64_t FromSql(int64_t value) { return static_cast<uint64_t>(value); }
// A seq bound used in `seq > ?`: past the largest storable seq means "nothing".
int64_t AfterParam(uint64_t after) {
  return static_cast<int64_t>(
      std::min<uint64_t>(after, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}
int64_t LimitParam(size_t limit) { return static_cast<int64_t>(std::min(limit, kMaxReadLimit)); }

Error DataLoss(const std::filesystem::path& data_dir, const std::string& what, std::string field) {
  return Error{ErrorCode::kDataLoss,
               fmt::format("event log {}: {}; restore the data directory from a backup; see "
                           "docs/operations.md",
                           (data_dir / kDatabaseFile).string(), what),
               std::move(field)};
}

// The smallest string greater than every string starting with `prefix`, or nullopt when there is
// none ("" or all 0xff bytes). SQLite compares TEXT with memcmp (BINARY collation), as this does.
std::optional<std::string> PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::nullopt;
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

// Where a table ends: its last seq and that row's chain.
struct TableTip {
  uint64_t last_seq = 0;
  uint64_t chain = 0;
};

// The seq that breaks the 1, 2, 3... sequence at `seq` after `previous`.
Error SeqError(const std::filesystem::path& data_dir, const char* table, uint64_t previous,
               int64_t seq) {
  if (seq > 0 && FromSql(seq) > previous + 1) {
    return DataLoss(data_dir,
                    fmt::format("{} seq {} is missing (the row after seq {} is seq {})", table,
                                previous + 1, previous, seq),
                    table);
  }
  return DataLoss(
      data_dir,
      fmt::format("{} holds seq {} after seq {}, which Hotline never writes", table, seq, previous),
      table);
}

Error ChecksumError(const std::filesystem::path& data_dir, const char* table, uint64_t seq) {
  return DataLoss(data_dir,
                  fmt::format("{} seq {} does not match its checksum chain (the row, or its "
                              "stored checksum, was changed outside Hotline or damaged on disk)",
                              table, seq),
                  table);
}

// Streams every event row, checking seqs and the chain. The hot loop of a restart: column views,
// no copies.
Result<TableTip> VerifyEvents(SqliteDb& db, const std::filesystem::path& data_dir) {
  Result<SqliteStatement> rows =
      db.Prepare("verifying events",
                 "SELECT seq, at, type, actor, interaction, data, chain FROM events ORDER BY seq");
  if (!rows.ok()) return rows.error();
  StatementReset reset(*rows);
  TableTip tip;
  for (;;) {
    Result<bool> row = rows->Step();
    if (!row.ok()) return row.error();
    if (!*row) return tip;
    const int64_t seq = rows->ColumnInt64(0);
    if (seq <= 0 || FromSql(seq) != tip.last_seq + 1) {
      return SeqError(data_dir, "events", tip.last_seq, seq);
    }
    const uint64_t chain =
        ChainEvent(tip.chain, FromSql(seq), rows->ColumnInt64(1), rows->ColumnText(2),
                   rows->ColumnText(3), FromSql(rows->ColumnInt64(4)), rows->ColumnText(5));
    if (chain != FromSql(rows->ColumnInt64(6))) {
      return ChecksumError(data_dir, "events", FromSql(seq));
    }
    tip = {FromSql(seq), chain};
  }
}

Result<TableTip> VerifyCommands(SqliteDb& db, const std::filesystem::path& data_dir,
                                uint64_t last_event) {
  Result<SqliteStatement> rows = db.Prepare(
      "verifying commands",
      "SELECT seq, at, actor, body, last_event, events_hash, chain FROM commands ORDER BY seq");
  if (!rows.ok()) return rows.error();
  StatementReset reset(*rows);
  TableTip tip;
  for (;;) {
    Result<bool> row = rows->Step();
    if (!row.ok()) return row.error();
    if (!*row) return tip;
    const int64_t seq = rows->ColumnInt64(0);
    if (seq <= 0 || FromSql(seq) != tip.last_seq + 1) {
      return SeqError(data_dir, "commands", tip.last_seq, seq);
    }
    const uint64_t command_last_event = FromSql(rows->ColumnInt64(4));
    const uint64_t chain =
        ChainCommand(tip.chain, FromSql(seq), rows->ColumnInt64(1), rows->ColumnText(2),
                     rows->ColumnText(3), command_last_event, FromSql(rows->ColumnInt64(5)));
    if (chain != FromSql(rows->ColumnInt64(6))) {
      return ChecksumError(data_dir, "commands", FromSql(seq));
    }
    if (command_last_event > last_event) {
      return DataLoss(data_dir,
                      fmt::format("commands seq {} names event {}, but events end at seq {}", seq,
                                  command_last_event, last_event),
                      "events");
    }
    tip = {FromSql(seq), chain};
  }
}

// The last row of `table` without reading the others (verify_on_open = false).
Result<TableTip> ReadTip(SqliteDb& db, const char* table) {
  Result<SqliteStatement> last =
      db.Prepare(fmt::format("reading the end of {}", table),
                 fmt::format("SELECT seq, chain FROM {} ORDER BY seq DESC LIMIT 1", table));
  if (!last.ok()) return last.error();
  StatementReset reset(*last);
  Result<bool> row = last->Step();
  if (!row.ok()) return row.error();
  if (!*row) return TableTip{};
  return TableTip{FromSql(last->ColumnInt64(0)), FromSql(last->ColumnInt64(1))};
}

Status CheckReachesAcknowledged(const std::filesystem::path& data_dir, const char* table,
                                uint64_t last_seq, uint64_t acknowledged) {
  if (last_seq >= acknowledged) return Status::Ok();
  return DataLoss(data_dir,
                  fmt::format("{} end at seq {} but seq {} was acknowledged (recorded in {}): "
                              "{} seq {} to {} are missing",
                              table, last_seq, acknowledged, (data_dir / kHeadFile).string(), table,
                              last_seq + 1, acknowledged),
                  table);
}

// Makes the creation of events.db, its WAL and log-head durable.
Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    Error error{ErrorCode::kInternal,
                fmt::format("syncing data directory {} failed: {}", dir.string(),
                            std::generic_category().message(errno)),
                {}};
    if (fd >= 0) ::close(fd);
    return error;
  }
  ::close(fd);
  return Status::Ok();
}

// The writer connection's statements.
struct WriterStatements {
  SqliteStatement begin, commit, rollback;
  SqliteStatement insert_event, insert_command, upsert_state, delete_state;
  SqliteStatement upsert_interaction, delete_customer_keys, insert_customer_key;
  SqliteStatement insert_snapshot, prune_snapshots;

  static Result<WriterStatements> Prepare(SqliteDb& db) {
    WriterStatements s;
    struct Item {
      SqliteStatement* statement;
      const char* operation;
      const char* sql;
    };
    const Item items[] = {
        {&s.begin, "beginning a commit", "BEGIN IMMEDIATE"},
        {&s.commit, "committing", "COMMIT"},
        {&s.rollback, "rolling back", "ROLLBACK"},
        {&s.insert_event, "writing an event",
         "INSERT INTO events(seq, at, type, actor, interaction, data, chain) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&s.insert_command, "writing a command",
         "INSERT INTO commands(seq, at, actor, body, last_event, events_hash, chain) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&s.upsert_state, "writing a state record",
         "INSERT INTO state(key, value) VALUES(?1, ?2) "
         "ON CONFLICT(key) DO UPDATE SET value = excluded.value"},
        {&s.delete_state, "deleting a state record", "DELETE FROM state WHERE key = ?1"},
        {&s.upsert_interaction, "writing an interaction",
         "INSERT INTO interactions(id, created_at, record) VALUES(?1, ?2, ?3) "
         "ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at, "
         "record = excluded.record"},
        {&s.delete_customer_keys, "replacing an interaction's customer keys",
         "DELETE FROM interaction_customers WHERE interaction = ?1"},
        {&s.insert_customer_key, "writing an interaction's customer key",
         "INSERT INTO interaction_customers(interaction, customer, created_at) "
         "VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING"},
        {&s.insert_snapshot, "writing a snapshot",
         "INSERT OR REPLACE INTO snapshots(command_seq, event_seq, blob) VALUES(?1, ?2, ?3)"},
        {&s.prune_snapshots, "dropping old snapshots",
         "DELETE FROM snapshots WHERE command_seq NOT IN "
         "(SELECT command_seq FROM snapshots ORDER BY command_seq DESC LIMIT 2)"},
    };
    for (const Item& item : items) {
      Result<SqliteStatement> prepared = db.Prepare(item.operation, item.sql);
      if (!prepared.ok()) return prepared.error();
      *item.statement = std::move(prepared).value();
    }
    return s;
  }
};

// The read connection's statements.
struct ReaderStatements {
  SqliteStatement events_after, events_between, interaction_events, commands_after;
  SqliteStatement state_from, state_range, latest_snapshot;
  SqliteStatement interaction, customer_interactions, recent_interactions;

  static Result<ReaderStatements> Prepare(SqliteDb& db) {
    ReaderStatements s;
    struct Item {
      SqliteStatement* statement;
      const char* operation;
      const char* sql;
    };
    const Item items[] = {
        {&s.events_after, "reading events",
         "SELECT seq, at, type, actor, interaction, data FROM events WHERE seq > ?1 "
         "ORDER BY seq LIMIT ?2"},
        {&s.events_between, "reading events between instants",
         "SELECT seq, at, type, actor, interaction, data FROM events "
         "WHERE at >= ?1 AND at < ?2 AND seq > ?3 ORDER BY seq LIMIT ?4"},
        // `interaction <> 0` lets SQLite use the partial index.
        {&s.interaction_events, "reading an interaction's events",
         "SELECT seq, at, type, actor, interaction, data FROM events "
         "WHERE interaction = ?1 AND interaction <> 0 ORDER BY seq"},
        {&s.commands_after, "reading commands",
         "SELECT seq, at, actor, body, last_event, events_hash FROM commands WHERE seq > ?1 "
         "ORDER BY seq LIMIT ?2"},
        {&s.state_from, "reading state",
         "SELECT key, value FROM state WHERE key >= ?1 ORDER BY key"},
        {&s.state_range, "reading state",
         "SELECT key, value FROM state WHERE key >= ?1 AND key < ?2 ORDER BY key"},
        {&s.latest_snapshot, "reading the latest snapshot",
         "SELECT command_seq, event_seq, blob FROM snapshots ORDER BY command_seq DESC LIMIT 1"},
        {&s.interaction, "reading an interaction",
         "SELECT id, created_at, record FROM interactions WHERE id = ?1"},
        {&s.customer_interactions, "reading a customer's interactions",
         "SELECT i.id, i.created_at, i.record FROM interaction_customers c "
         "JOIN interactions i ON i.id = c.interaction "
         "WHERE c.customer = ?1 AND c.created_at >= ?2 AND c.created_at < ?3 "
         "ORDER BY c.created_at DESC, c.interaction DESC LIMIT ?4"},
        {&s.recent_interactions, "reading recent interactions",
         "SELECT id, created_at, record FROM interactions WHERE created_at >= ?1 AND "
         "created_at < ?2 ORDER BY created_at DESC, id DESC LIMIT ?3"},
    };
    for (const Item& item : items) {
      Result<SqliteStatement> prepared = db.Prepare(item.operation, item.sql);
      if (!prepared.ok()) return prepared.error();
      *item.statement = std::move(prepared).value();
    }
    return s;
  }
};

// One bound parameter of a read: an integer or text (bound without a copy).
using SqlParam = std::variant<int64_t, std::string_view>;

// Binds `params` (from ?1), steps `statement` to its end and turns each row into a record with
// `row`; resets the statement whatever happens. Every read goes through here.
template <typename Record>
Result<std::vector<Record>> ReadRows(SqliteStatement& statement,
                                     std::initializer_list<SqlParam> params,
                                     Record (*row)(const SqliteStatement&)) {
  StatementReset reset(statement);
  int index = 1;
  for (const SqlParam& param : params) {
    if (const int64_t* value = std::get_if<int64_t>(&param)) {
      statement.BindInt64(index++, *value);
    } else {
      statement.BindText(index++, std::get<std::string_view>(param));
    }
  }
  std::vector<Record> records;
  for (;;) {
    Result<bool> stepped = statement.Step();
    if (!stepped.ok()) return stepped.error();
    if (!*stepped) return records;
    records.push_back(row(statement));
  }
}

// Row decoders, columns as in the matching SELECTs above.
EventRecord EventFromRow(const SqliteStatement& s) {
  return EventRecord{FromSql(s.ColumnInt64(0)),    FromMicros(s.ColumnInt64(1)),
                     std::string(s.ColumnText(2)), std::string(s.ColumnText(3)),
                     FromSql(s.ColumnInt64(4)),    std::string(s.ColumnText(5))};
}
CommandRecord CommandFromRow(const SqliteStatement& s) {
  return CommandRecord{FromSql(s.ColumnInt64(0)),    FromMicros(s.ColumnInt64(1)),
                       std::string(s.ColumnText(2)), std::string(s.ColumnText(3)),
                       FromSql(s.ColumnInt64(4)),    FromSql(s.ColumnInt64(5))};
}
std::pair<std::string, std::string> StateFromRow(const SqliteStatement& s) {
  return {std::string(s.ColumnText(0)), std::string(s.ColumnText(1))};
}
Snapshot SnapshotFromRow(const SqliteStatement& s) {
  return Snapshot{FromSql(s.ColumnInt64(0)), FromSql(s.ColumnInt64(1)),
                  std::string(s.ColumnBlob(2))};
}
InteractionRow InteractionFromRow(const SqliteStatement& s) {
  return InteractionRow{FromSql(s.ColumnInt64(0)), FromMicros(s.ColumnInt64(1)), std::nullopt,
                        std::string(s.ColumnText(2))};
}

// The first record of `rows`, if any.
template <typename Record>
Result<std::optional<Record>> First(Result<std::vector<Record>> rows) {
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Record>();
  return std::optional<Record>(std::move(rows->front()));
}

class SqliteEventLog final : public EventLog {
 public:
  struct Parts {
    std::filesystem::path data_dir;
    SqliteLogOptions options;
    LogHeadFile head_file;
    SqliteDb writer_db;
    WriterStatements writer;
    SqliteDb reader_db;
    ReaderStatements reader;
    TableTip events;
    TableTip commands;
  };

  explicit SqliteEventLog(Parts parts)
      : data_dir_(std::move(parts.data_dir)),
        options_(std::move(parts.options)),
        appended_head_{parts.events.last_seq, parts.commands.last_seq},
        head_file_(std::move(parts.head_file)),
        writer_db_(std::move(parts.writer_db)),
        writer_(std::move(parts.writer)),
        durable_head_(appended_head_),
        event_chain_(parts.events.chain),
        command_chain_(parts.commands.chain),
        reader_db_(std::move(parts.reader_db)),
        reader_(std::move(parts.reader)) {
    writer_thread_ = std::thread([this] { WriterLoop(); });
  }

  ~SqliteEventLog() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_one();
    writer_thread_.join();
  }

  LogHead head() const override {
    std::lock_guard lock(mu_);
    return appended_head_;
  }

  void Append(WriteBatch batch, std::function<void(Status)> done) override {
    pending_batches_.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard lock(mu_);
      QueuedBatch queued{std::move(batch), std::move(done), std::nullopt};
      if (failure_) {
        queued.rejected = LogStoppedError(*failure_);
      } else if (Status valid = ValidateBatch(appended_head_, queued.batch); !valid.ok()) {
        failure_ = valid.error();
        queued.rejected = valid.error();
      } else {
        appended_head_ = HeadAfter(appended_head_, queued.batch);
      }
      queue_.emplace_back(std::move(queued));
      ++enqueued_;
    }
    work_cv_.notify_one();
  }

  Status Flush() override {
    HOTLINE_CHECK(std::this_thread::get_id() != writer_thread_.get_id(),
                  "Flush from a `done` callback would wait for itself");
    std::unique_lock lock(mu_);
    const uint64_t ticket = enqueued_;
    idle_cv_.wait(lock, [&] { return completed_ >= ticket; });
    if (failure_) return *failure_;
    return Status::Ok();
  }

  Result<std::vector<EventRecord>> ReadEvents(uint64_t after, size_t limit) const override {
    std::lock_guard lock(read_mu_);
    return ReadRows(reader_.events_after, {AfterParam(after), LimitParam(limit)}, EventFromRow);
  }

  Result<std::vector<EventRecord>> ReadEventsBetween(Instant from, Instant to, uint64_t after,
                                                     size_t limit) const override {
    std::lock_guard lock(read_mu_);
    return ReadRows(reader_.events_between,
                    {ToMicros(from), ToMicros(to), AfterParam(after), LimitParam(limit)},
                    EventFromRow);
  }

  Result<std::vector<EventRecord>> ReadInteractionEvents(uint64_t interaction) const override {
    std::lock_guard lock(read_mu_);
    return ReadRows(reader_.interaction_events, {ToSql(interaction)}, EventFromRow);
  }

  Result<std::vector<CommandRecord>> ReadCommands(uint64_t after, size_t limit) const override {
    std::lock_guard lock(read_mu_);
    return ReadRows(reader_.commands_after, {AfterParam(after), LimitParam(limit)}, CommandFromRow);
  }

  Result<std::vector<std::pair<std::string, std::string>>> ReadState(
      std::string_view prefix) const override {
    const std::optional<std::string> end = PrefixEnd(prefix);
    std::lock_guard lock(read_mu_);
    if (!end) return ReadRows(reader_.state_from, {prefix}, StateFromRow);
    return ReadRows(reader_.state_range, {prefix, std::string_view(*end)}, StateFromRow);
  }

  Result<std::optional<InteractionRow>> ReadInteraction(uint64_t id) const override {
    std::lock_guard lock(read_mu_);
    return First(ReadRows(reader_.interaction, {ToSql(id)}, InteractionFromRow));
  }

  Result<std::vector<InteractionRow>> ReadCustomerInteractions(std::string_view customer_key,
                                                               Instant from, Instant to,
                                                               size_t limit) const override {
    std::lock_guard lock(read_mu_);
    return ReadRows(reader_.customer_interactions,
                    {customer_key, ToMicros(from), ToMicros(to), LimitParam(limit)},
                    InteractionFromRow);
  }

  Result<std::vector<InteractionRow>> ReadRecentInteractions(Instant from, Instant to,
                                                             size_t limit) const override {
    std::lock_guard lock(read_mu_);
    return ReadRows(reader_.recent_interactions, {ToMicros(from), ToMicros(to), LimitParam(limit)},
                    InteractionFromRow);
  }

  Status WriteSnapshot(const Snapshot& snapshot) override {
    HOTLINE_CHECK(std::this_thread::get_id() != writer_thread_.get_id(),
                  "WriteSnapshot from a `done` callback would wait for itself");
    std::promise<Status> written;
    std::future<Status> result = written.get_future();
    {
      std::lock_guard lock(mu_);
      if (failure_) return LogStoppedError(*failure_);
      if (Status valid = ValidateSnapshot(appended_head_, snapshot); !valid.ok()) return valid;
      queue_.emplace_back(QueuedSnapshot{&snapshot, &written});
      ++enqueued_;
    }
    work_cv_.notify_one();
    return result.get();
  }

  Result<std::optional<Snapshot>> LatestSnapshot() const override {
    std::lock_guard lock(read_mu_);
    return First(ReadRows(reader_.latest_snapshot, {}, SnapshotFromRow));
  }

  LogCounters counters() const override {
    LogCounters c;
    c.events_appended = events_appended_.load(std::memory_order_relaxed);
    c.commands_appended = commands_appended_.load(std::memory_order_relaxed);
    c.batches_appended = batches_appended_.load(std::memory_order_relaxed);
    c.commits = commits_.load(std::memory_order_relaxed);
    c.pending_batches = pending_batches_.load(std::memory_order_relaxed);
    return c;
  }

 private:
  struct QueuedBatch {
    WriteBatch batch;
    std::function<void(Status)> done;
    std::optional<Error> rejected;  // set by Append: never written
  };
  struct QueuedSnapshot {
    const Snapshot* snapshot;  // owned by the waiting WriteSnapshot call
    std::promise<Status>* written;
  };
  using QueueItem = std::variant<QueuedBatch, QueuedSnapshot>;

  // The writer thread: waits for work, takes all of it, writes it, reports, until stopped and
  // drained.
  void WriterLoop() {
    std::vector<QueueItem> work;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;
      }
      if (options_.before_group_commit) options_.before_group_commit();
      {
        std::lock_guard lock(mu_);
        work.swap(queue_);
      }
      Process(work);
      {
        std::lock_guard lock(mu_);
        completed_ += work.size();
      }
      work.clear();
      idle_cv_.notify_all();
    }
  }

  // Writes `work` in order: each run of consecutive batches in one commit, snapshots alone.
  void Process(std::vector<QueueItem>& work) {
    size_t begin = 0;
    while (begin < work.size()) {
      if (auto* snapshot = std::get_if<QueuedSnapshot>(&work[begin])) {
        snapshot->written->set_value(commit_failure_ ? Status(LogStoppedError(*commit_failure_))
                                                     : WriteSnapshotRows(*snapshot->snapshot));
        ++begin;
        continue;
      }
      size_t end = begin;
      while (end < work.size() && std::holds_alternative<QueuedBatch>(work[end])) ++end;
      CommitBatches(work, begin, end);
      begin = end;
    }
  }

  // Commits the batches work[begin, end) that may be written in one transaction, then calls every
  // `done` of the range in order.
  void CommitBatches(std::vector<QueueItem>& work, size_t begin, size_t end) {
    std::vector<Status> statuses(end - begin);
    std::vector<QueuedBatch*> to_commit;
    std::vector<size_t> committed_index;
    for (size_t i = begin; i < end; ++i) {
      QueuedBatch& batch = std::get<QueuedBatch>(work[i]);
      if (batch.rejected) {
        statuses[i - begin] = *batch.rejected;
      } else if (commit_failure_) {
        statuses[i - begin] = LogStoppedError(*commit_failure_);
      } else {
        to_commit.push_back(&batch);
        committed_index.push_back(i - begin);
      }
    }
    if (!to_commit.empty()) {
      Status committed = Commit(to_commit);
      if (!committed.ok()) RecordCommitFailure(committed.error());
      for (size_t index : committed_index) statuses[index] = committed;
    }
    for (size_t i = begin; i < end; ++i) {
      QueuedBatch& batch = std::get<QueuedBatch>(work[i]);
      if (batch.done) batch.done(std::move(statuses[i - begin]));
      pending_batches_.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  void RecordCommitFailure(const Error& error) {
    commit_failure_ = error;
    std::lock_guard lock(mu_);
    if (!failure_) failure_ = error;
  }

  // One transaction for all of `batches`; the chains and the durable head advance only once it is
  // committed.
  Status Commit(const std::vector<QueuedBatch*>& batches) {
    uint64_t event_chain = event_chain_;
    uint64_t command_chain = command_chain_;
    LogHead head = durable_head_;
    uint64_t events = 0;
    uint64_t commands = 0;
    if (Status begun = writer_.begin.Run(); !begun.ok()) return begun;
    Status written = Status::Ok();
    for (const QueuedBatch* queued : batches) {
      written = WriteBatchRows(queued->batch, event_chain, command_chain);
      if (!written.ok()) break;
      events += queued->batch.events.size();
      commands += queued->batch.commands.size();
      head = HeadAfter(head, queued->batch);
    }
    if (written.ok()) written = writer_.commit.Run();
    if (!written.ok()) {
      (void)writer_.rollback.Run();  // may fail when SQLite already rolled back; nothing to add
      return written;
    }
    event_chain_ = event_chain;
    command_chain_ = command_chain;
    durable_head_ = head;
    events_appended_.fetch_add(events, std::memory_order_relaxed);
    commands_appended_.fetch_add(commands, std::memory_order_relaxed);
    batches_appended_.fetch_add(batches.size(), std::memory_order_relaxed);
    commits_.fetch_add(1, std::memory_order_relaxed);
    // Before any `done`: log-head must cover every acknowledged position. The commit itself is
    // durable, so its batches still succeed if this fails, but the log stops.
    if (Status recorded = head_file_.Write(durable_head_); !recorded.ok()) {
      RecordCommitFailure(
          Error{ErrorCode::kInternal,
                "recording the acknowledged head failed: " + recorded.error().message, kHeadFile});
    }
    return Status::Ok();
  }

  Status WriteBatchRows(const WriteBatch& batch, uint64_t& event_chain, uint64_t& command_chain) {
    SqliteStatement& command_row = writer_.insert_command;
    for (const CommandRecord& command : batch.commands) {
      command_chain = ChainCommand(command_chain, command);
      command_row.BindInt64(1, ToSql(command.seq));
      command_row.BindInt64(2, ToMicros(command.at));
      command_row.BindText(3, command.actor);
      command_row.BindText(4, command.body);
      command_row.BindInt64(5, ToSql(command.last_event));
      command_row.BindInt64(6, ToSql(command.events_hash));
      command_row.BindInt64(7, ToSql(command_chain));
      if (Status ok = command_row.Run(); !ok.ok()) return ok;
    }
    SqliteStatement& event_row = writer_.insert_event;
    for (const EventRecord& event : batch.events) {
      event_chain = ChainEvent(event_chain, event);
      event_row.BindInt64(1, ToSql(event.seq));
      event_row.BindInt64(2, ToMicros(event.at));
      event_row.BindText(3, event.type);
      event_row.BindText(4, event.actor);
      event_row.BindInt64(5, ToSql(event.interaction));
      event_row.BindText(6, event.data);
      event_row.BindInt64(7, ToSql(event_chain));
      if (Status ok = event_row.Run(); !ok.ok()) return ok;
    }
    for (const StateWrite& write : batch.state) {
      SqliteStatement& state_row = write.value ? writer_.upsert_state : writer_.delete_state;
      state_row.BindText(1, write.key);
      if (write.value) state_row.BindText(2, *write.value);
      if (Status ok = state_row.Run(); !ok.ok()) return ok;
    }
    for (const InteractionRow& row : batch.interactions) {
      if (Status ok = WriteInteractionRow(row); !ok.ok()) return ok;
    }
    return Status::Ok();
  }

  Status WriteInteractionRow(const InteractionRow& row) {
    SqliteStatement& upsert = writer_.upsert_interaction;
    upsert.BindInt64(1, ToSql(row.id));
    upsert.BindInt64(2, ToMicros(row.created_at));
    upsert.BindText(3, row.record);
    if (Status ok = upsert.Run(); !ok.ok()) return ok;
    if (!row.customer_keys) return Status::Ok();
    writer_.delete_customer_keys.BindInt64(1, ToSql(row.id));
    if (Status ok = writer_.delete_customer_keys.Run(); !ok.ok()) return ok;
    SqliteStatement& key_row = writer_.insert_customer_key;
    for (const std::string& key : *row.customer_keys) {
      key_row.BindInt64(1, ToSql(row.id));
      key_row.BindText(2, key);
      key_row.BindInt64(3, ToMicros(row.created_at));
      if (Status ok = key_row.Run(); !ok.ok()) return ok;
    }
    return Status::Ok();
  }

  // A snapshot failing to be written does not stop the log: the log itself is intact.
  Status WriteSnapshotRows(const Snapshot& snapshot) {
    if (Status begun = writer_.begin.Run(); !begun.ok()) return begun;
    SqliteStatement& row = writer_.insert_snapshot;
    row.BindInt64(1, ToSql(snapshot.command_seq));
    row.BindInt64(2, ToSql(snapshot.event_seq));
    row.BindBlob(3, snapshot.blob);
    Status written = row.Run();
    if (written.ok()) written = writer_.prune_snapshots.Run();
    if (written.ok()) written = writer_.commit.Run();
    if (!written.ok()) (void)writer_.rollback.Run();
    return written;
  }

  const std::filesystem::path data_dir_;
  const SqliteLogOptions options_;

  // Shared between the loop thread, the writer thread and readers of head().
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // queue_ gained work, or stopping_
  std::condition_variable idle_cv_;  // completed_ moved
  std::vector<QueueItem> queue_;
  LogHead appended_head_;
  std::optional<Error> failure_;  // the first failure; every later Append is refused
  uint64_t enqueued_ = 0;         // items ever queued
  uint64_t completed_ = 0;        // items ever finished (done called, snapshot answered)
  bool stopping_ = false;

  // The writer thread's alone (the constructor sets them before starting it).
  LogHeadFile head_file_;
  SqliteDb writer_db_;
  WriterStatements writer_;
  LogHead durable_head_;
  uint64_t event_chain_;
  uint64_t command_chain_;
  std::optional<Error> commit_failure_;
  std::thread writer_thread_;

  // Reads.
  mutable std::mutex read_mu_;
  SqliteDb reader_db_;
  mutable ReaderStatements reader_;

  std::atomic<uint64_t> events_appended_{0};
  std::atomic<uint64_t> commands_appended_{0};
  std::atomic<uint64_t> batches_appended_{0};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> pending_batches_{0};
};

// Everything OpenSqliteEventLog does before the log exists, with errors returned early.
Result<SqliteEventLog::Parts> OpenParts(const std::filesystem::path& data_dir,
                                        SqliteLogOptions options) {
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    return Error{
        ErrorCode::kInternal,
        fmt::format("creating data directory {} failed: {}", data_dir.string(), error.message()),
        "data_dir"};
  }
  Result<LogHeadFile> head_file = LogHeadFile::Open(data_dir / kHeadFile);
  if (!head_file.ok()) return head_file.error();
  Result<std::optional<LogHead>> acknowledged = head_file->Read();
  if (!acknowledged.ok()) return acknowledged.error();

  const std::filesystem::path database = data_dir / kDatabaseFile;
  Result<SqliteDb> writer_db = SqliteDb::Open(database, /*create=*/true, options.busy_timeout_ms);
  if (!writer_db.ok()) return writer_db.error();
  SqliteDb& db = *writer_db;
  if (Status ok = db.Exec("setting synchronous=FULL", "PRAGMA synchronous = FULL"); !ok.ok()) {
    return ok.error();
  }
  // The schema check comes first, so a database from a newer build is left untouched.
  if (Status ok = MigrateSqliteSchema(db, data_dir); !ok.ok()) return ok.error();
  Result<std::string> mode = db.QueryText("setting WAL mode", "PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.error();
  if (*mode != "wal") {
    return Error{ErrorCode::kInternal,
                 fmt::format("setting WAL mode on {} failed: the journal mode stayed {}",
                             database.string(), *mode),
                 {}};
  }
  // A large group commit grows the WAL; after the next checkpoint it shrinks back to this.
  if (Status ok = db.Exec("limiting the WAL size", "PRAGMA journal_size_limit = 67108864");
      !ok.ok()) {
    return ok.error();
  }

  // Each table is checked against log-head right after its own rows, so a lost tail of events is
  // reported as such rather than as commands naming missing events.
  const LogHead claimed = acknowledged->value_or(LogHead{});
  Result<TableTip> events =
      options.verify_on_open ? VerifyEvents(db, data_dir) : ReadTip(db, "events");
  if (!events.ok()) return events.error();
  if (Status ok =
          CheckReachesAcknowledged(data_dir, "events", events->last_seq, claimed.last_event);
      !ok.ok()) {
    return ok.error();
  }
  Result<TableTip> commands = options.verify_on_open
                                  ? VerifyCommands(db, data_dir, events->last_seq)
                                  : ReadTip(db, "commands");
  if (!commands.ok()) return commands.error();
  if (Status ok =
          CheckReachesAcknowledged(data_dir, "commands", commands->last_seq, claimed.last_command);
      !ok.ok()) {
    return ok.error();
  }

  Result<WriterStatements> writer = WriterStatements::Prepare(db);
  if (!writer.ok()) return writer.error();
  Result<SqliteDb> reader_db = SqliteDb::Open(database, /*create=*/false, options.busy_timeout_ms);
  if (!reader_db.ok()) return reader_db.error();
  if (Status ok = reader_db->Exec("making the read connection read-only", "PRAGMA query_only = 1");
      !ok.ok()) {
    return ok.error();
  }
  Result<ReaderStatements> reader = ReaderStatements::Prepare(*reader_db);
  if (!reader.ok()) return reader.error();

  // The database may be ahead of log-head (a power loss after a commit); record where it is.
  if (Status ok = head_file->Write({events->last_seq, commands->last_seq}); !ok.ok()) {
    return ok.error();
  }
  if (Status ok = SyncDirectory(data_dir); !ok.ok()) return ok.error();

  return SqliteEventLog::Parts{data_dir,
                               std::move(options),
                               std::move(head_file).value(),
                               std::move(writer_db).value(),
                               std::move(writer).value(),
                               std::move(reader_db).value(),
                               std::move(reader).value(),
                               *events,
                               *commands};
}

}  // namespace

Result<std::unique_ptr<EventLog>> OpenSqliteEventLog(const std::filesystem::path& data_dir,
                                                     SqliteLogOptions options) {
  Result<SqliteEventLog::Parts> parts = OpenParts(data_dir, std::move(options));
  if (!parts.ok()) return parts.error();
  return std::unique_ptr<EventLog>(std::make_unique<SqliteEventLog>(std::move(parts).value()));
}

}  // namespace hotline::store
