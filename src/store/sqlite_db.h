// A thin layer over the SQLite C API for the store's SQLite backend: a connection and a prepared
// statement that own their handles, and SQLite failures turned into hotline::Error. Nothing here
// throws; every failure is a Result naming the operation and SQLite's own message.
//
// Thread-safety: connections are opened with SQLITE_OPEN_NOMUTEX, so a SqliteDb and its
// statements must be used by one thread at a time; the owner serializes.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace hotline::store {

// The Error for SQLite result code `rc` during `operation` on `db` (may be null):
// SQLITE_BUSY/LOCKED → kUnavailable, SQLITE_CORRUPT/NOTADB → kDataLoss, anything else →
// kInternal. The message names the operation, sqlite3_errmsg and the code.
Error SqliteError(std::string_view operation, sqlite3* db, int rc);

// A prepared statement. Binds never fail silently: the first failing bind is remembered and
// returned by the next Step.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3_stmt* stmt, std::string operation)
      : stmt_(stmt), operation_(std::move(operation)) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are numbered from 1. Text and blobs are bound without a copy (SQLITE_STATIC): they
  // must stay alive and unchanged until Reset().
  void BindInt64(int index, int64_t value);
  void BindText(int index, std::string_view text);
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);

  // One step: true with a row, false when done, or the error (named after the statement's
  // operation). After false or an error, call Reset() before binding again.
  Result<bool> Step();
  // Steps to completion, expecting no rows (INSERT, UPDATE, DELETE, BEGIN...), then resets.
  Status Run();
  // Makes the statement ready to run again and releases its bindings and read transaction.
  void Reset();

  // Columns are numbered from 0. Views stay valid until the next Step or Reset.
  int64_t ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }
  std::string_view ColumnText(int index) const;
  std::string_view ColumnBlob(int index) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string operation_;
  int bind_rc_ = SQLITE_OK;
};

// Resets a statement when it goes out of scope, so a read never holds its read transaction open.
class StatementReset {
 public:
  explicit StatementReset(SqliteStatement& statement) : statement_(statement) {}
  ~StatementReset() { statement_.Reset(); }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  SqliteStatement& statement_;
};

// A connection.
class SqliteDb {
 public:
  // Opens (creating when `create`) the database file in multi-thread mode with extended result
  // codes and `busy_timeout_ms` as its busy timeout.
  static Result<SqliteDb> Open(const std::filesystem::path& file, bool create, int busy_timeout_ms);

  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(SqliteDb&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  sqlite3* get() const { return db_; }

  // Runs `sql` (one or more statements, no rows expected) for `operation`.
  Status Exec(std::string_view operation, const char* sql);
  // Prepares one statement for repeated use; `operation` names it in errors.
  Result<SqliteStatement> Prepare(std::string operation, std::string_view sql);
  // The first column of the first row of `sql` as an integer or text (pragmas, counts).
  Result<int64_t> QueryInt64(std::string operation, std::string_view sql);
  Result<std::string> QueryText(std::string operation, std::string_view sql);

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace hotline::store
