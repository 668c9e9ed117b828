#include "store/sqlite_schema.h"

#include <fmt/format.h>

#include <iterator>
#include <string>

namespace hotline::store {
namespace {

// Version 1. `seq` is the rowid, so rows are stored and scanned in seq order and an index on
// another column ends with seq (ReadInteractionEvents needs no sort). `chain` is the unsigned
// 64-bit checksum of log_rules.h stored as signed (SQLite integers are signed).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE events(
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  interaction INTEGER NOT NULL,
  data TEXT NOT NULL,
  chain INTEGER NOT NULL
);
CREATE INDEX events_by_interaction ON events(interaction) WHERE interaction <> 0;
CREATE INDEX events_by_at ON events(at);
CREATE TABLE commands(
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  body TEXT NOT NULL,
  last_event INTEGER NOT NULL,
  events_hash INTEGER NOT NULL,
  chain INTEGER NOT NULL
);
CREATE TABLE state(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE snapshots(
  command_seq INTEGER PRIMARY KEY,
  event_seq INTEGER NOT NULL,
  blob BLOB NOT NULL
);
)sql";

// Version 2: the interaction history table (event_log.h, InteractionRow). `id` is the rowid, so
// interactions_by_created ends with it and serves "newest first" without a sort. A customer's
// keys live in their own table (its key starts with the interaction: replacing the keys of one
// row is a range delete), with an index that serves "this customer's, newest first". A log that
// already holds commands gets the rebuild marker: its history is still only in the events.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE interactions(
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX interactions_by_created ON interactions(created_at);
CREATE TABLE interaction_customers(
  interaction INTEGER NOT NULL,
  customer TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY(interaction, customer)
) WITHOUT ROWID;
CREATE INDEX interaction_customers_by_customer
  ON interaction_customers(customer, created_at, interaction);
INSERT INTO state(key, value)
  SELECT 'store/rebuild-interactions', 'schema 2' WHERE EXISTS (SELECT 1 FROM commands);
)sql";

constexpr SqliteMigration kMigrations[] = {
    {1, kSchemaV1},
    {2, kSchemaV2},
};
static_assert(std::size(kMigrations) == kSqliteSchemaVersion);

Error NewerSchemaError(const std::filesystem::path& data_dir, int64_t found, int known) {
  return Error::FailedPrecondition(
      fmt::format("data directory {} was written by a newer Hotline (schema {}, this build knows "
                  "{}); run a Hotline at least as new as the one that wrote it",
                  data_dir.string(), found, known),
      "user_version");
}

Error ForeignDatabaseError(const std::filesystem::path& data_dir, std::string_view why) {
  return Error::FailedPrecondition(
      fmt::format("{} is not a Hotline event log ({}); point the data directory elsewhere",
                  (data_dir / "events.db").string(), why),
      "events.db");
}

// Refuses what this build must not touch. Reads only.
Status CheckCanMigrate(SqliteDb& db, const std::filesystem::path& data_dir, int known) {
  Result<int64_t> version = db.QueryInt64("reading the schema version", "PRAGMA user_version");
  if (!version.ok()) return version.error();
  if (*version > known) return NewerSchemaError(data_dir, *version, known);
  if (*version == 0) {
    Result<int64_t> objects =
        db.QueryInt64("reading the schema", "SELECT count(*) FROM sqlite_master");
    if (!objects.ok()) return objects.error();
    if (*objects != 0) return ForeignDatabaseError(data_dir, "it holds tables but no version");
    return Status::Ok();
  }
  Result<int64_t> application =
      db.QueryInt64("reading the application id", "PRAGMA application_id");
  if (!application.ok()) return application.error();
  if (*application != kSqliteApplicationId) {
    return ForeignDatabaseError(data_dir, fmt::format("application_id {}", *application));
  }
  return Status::Ok();
}

}  // namespace

std::span<const SqliteMigration> SqliteMigrations() { return kMigrations; }

Status MigrateSqliteSchema(SqliteDb& db, const std::filesystem::path& data_dir) {
  return MigrateSqliteSchema(db, data_dir, SqliteMigrations());
}

Status MigrateSqliteSchema(SqliteDb& db, const std::filesystem::path& data_dir,
                           std::span<const SqliteMigration> migrations) {
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (Status ok = CheckCanMigrate(db, data_dir, known); !ok.ok()) return ok;
  if (Status ok = db.Exec("beginning the schema migration", "BEGIN IMMEDIATE"); !ok.ok()) {
    return ok;
  }
  auto fail = [&db](Error error) -> Status {
    (void)db.Exec("rolling back the schema migration", "ROLLBACK");
    return error;
  };
  // Again inside the write transaction: another process may have migrated in between.
  if (Status ok = CheckCanMigrate(db, data_dir, known); !ok.ok()) return fail(ok.error());
  Result<int64_t> version = db.QueryInt64("reading the schema version", "PRAGMA user_version");
  if (!version.ok()) return fail(version.error());
  if (*version == known) return db.Exec("ending the schema check", "COMMIT");
  if (*version == 0) {
    std::string mark = fmt::format("PRAGMA application_id = {}", kSqliteApplicationId);
    if (Status ok = db.Exec("marking the database", mark.c_str()); !ok.ok()) {
      return fail(ok.error());
    }
  }
  for (const SqliteMigration& migration : migrations) {
    if (migration.version <= *version) continue;
    std::string operation = fmt::format("migrating the schema to version {}", migration.version);
    if (Status ok = db.Exec(operation, migration.sql); !ok.ok()) return fail(ok.error());
  }
  std::string set_version = fmt::format("PRAGMA user_version = {}", known);
  if (Status ok = db.Exec("recording the schema version", set_version.c_str()); !ok.ok()) {
    return fail(ok.error());
  }
  if (Status ok = db.Exec("committing the schema migration", "COMMIT"); !ok.ok()) {
    return fail(ok.error());
  }
  return Status::Ok();
}

}  // namespace hotline::store
