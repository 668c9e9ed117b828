#include "store/sqlite_db.h"

#include <fmt/format.h>

#include <utility>

namespace hotline::store {

Error SqliteError(std::string_view operation, sqlite3* db, int rc) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  ErrorCode code = ErrorCode::kInternal;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ErrorCode::kUnavailable;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = ErrorCode::kDataLoss;
      break;
    default:
      break;
  }
  return Error{code, fmt::format("{} failed: {} (sqlite error {})", operation, message, rc), {}};
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      operation_(std::move(other.operation_)),
      bind_rc_(other.bind_rc_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    operation_ = std::move(other.operation_);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

void SqliteStatement::BindInt64(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindText(int index, std::string_view text) {
  // A non-null pointer even for "" so SQLite stores an empty string, not NULL.
  int rc = sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                               SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindBlob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                               SQLITE_STATIC);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> SqliteStatement::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return SqliteError(operation_ + " (binding a parameter)", sqlite3_db_handle(stmt_), bind_rc_);
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(operation_, sqlite3_db_handle(stmt_), rc);
}

Status SqliteStatement::Run() {
  StatementReset reset(*this);
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.error();
    if (!*row) return Status::Ok();
  }
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::string_view SqliteStatement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

std::string_view SqliteStatement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  if (blob == nullptr) return {};
  return {static_cast<const char*>(blob), static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

Result<SqliteDb> SqliteDb::Open(const std::filesystem::path& file, bool create,
                                int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  SqliteDb owned(db);  // closes `db` on every return below, even when the open failed
  if (rc != SQLITE_OK) return SqliteError("opening " + file.string(), db, rc);
  sqlite3_extended_result_codes(db, 1);
  rc = sqlite3_busy_timeout(db, busy_timeout_ms);
  if (rc != SQLITE_OK) return SqliteError("setting the busy timeout", db, rc);
  return owned;
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Status SqliteDb::Exec(std::string_view operation, const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(operation, db_, rc);
  return Status::Ok();
}

Result<SqliteStatement> SqliteDb::Prepare(std::string operation, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError("preparing " + operation, db_, rc);
  }
  return SqliteStatement(stmt, std::move(operation));
}

Result<int64_t> SqliteDb::QueryInt64(std::string operation, std::string_view sql) {
  Result<SqliteStatement> statement = Prepare(operation, sql);
  if (!statement.ok()) return statement.error();
  Result<bool> row = statement->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{ErrorCode::kInternal, operation + " returned no row", {}};
  return statement->ColumnInt64(0);
}

Result<std::string> SqliteDb::QueryText(std::string operation, std::string_view sql) {
  Result<SqliteStatement> statement = Prepare(operation, sql);
  if (!statement.ok()) return statement.error();
  Result<bool> row = statement->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{ErrorCode::kInternal, operation + " returned no row", {}};
  return std::string(statement->ColumnText(0));
}

}  // namespace hotline::store
