// The SQLite event log's schema and its versions.
//
// `PRAGMA user_version` holds the schema version of a database; `PRAGMA application_id` marks it
// as a Hotline event log. kSqliteMigrations lists, in order, the SQL that takes a database from
// version N-1 to N; version 1 creates everything. Opening applies every missing migration in one
// transaction (all or nothing), and refuses a database written by a newer Hotline or by something
// else. To change the schema, append a migration and raise kSqliteSchemaVersion (README.md).
//
// Thread-safety: functions on one connection; the caller serializes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "base/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

struct SqliteMigration {
  int version;      // the version the database has after this migration
  const char* sql;  // statements run in the migration's transaction
};

// Every migration, oldest first: kSqliteMigrations[i].version == i + 1.
std::span<const SqliteMigration> SqliteMigrations();
inline constexpr int kSqliteSchemaVersion = 2;
inline constexpr int32_t kSqliteApplicationId = 0x484c4f47;  // "HLOG"

// Brings `db` up to the last of `migrations` (by default SqliteMigrations()). A database from a
// newer build, or one holding tables Hotline did not create, is refused with kFailedPrecondition
// and left unchanged; `data_dir` names the directory in that error. A failing migration rolls
// back every migration of this call and returns its error.
Status MigrateSqliteSchema(SqliteDb& db, const std::filesystem::path& data_dir);
Status MigrateSqliteSchema(SqliteDb& db, const std::filesystem::path& data_dir,
                           std::span<const SqliteMigration> migrations);

}  // namespace hotline::store
