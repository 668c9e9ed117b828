#include "store/sqlite_schema.h"

#include <gtest/gtest.h>

#include "store/event_log.h"
#include "store/store_test_support.h"

namespace hotline::store {
namespace {

using testing::RawQuery;
using testing::ScratchDir;

class SqliteSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SqliteDb> db = SqliteDb::Open(file(), /*create=*/true, 1000);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
  }
  std::filesystem::path file() const { return dir_.path() / "events.db"; }
  std::string Query(const std::string& sql) { return RawQuery(file(), sql); }

  ScratchDir dir_;
  SqliteDb db_;
};

TEST_F(SqliteSchemaTest, NewDatabaseGetsEveryMigrationAndTheHotlineMark) {
  ASSERT_TRUE(MigrateSqliteSchema(db_, dir_.path()).ok());

  EXPECT_EQ(Query("PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
  EXPECT_EQ(Query("PRAGMA application_id"), std::to_string(kSqliteApplicationId));
  EXPECT_EQ(Query("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE "
                  "type = 'table' ORDER BY name)"),
            "commands,events,interaction_customers,interactions,snapshots,state");
}

TEST_F(SqliteSchemaTest, Version1LogWithCommandsGetsTheInteractionsTableAndTheRebuildMarker) {
  ASSERT_TRUE(MigrateSqliteSchema(db_, dir_.path(), SqliteMigrations().first(1)).ok());
  ASSERT_TRUE(db_.Exec("test", "INSERT INTO commands VALUES(1, 0, 'system', '{}', 0, 0, 0)").ok());

  Status migrated = MigrateSqliteSchema(db_, dir_.path());

  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  EXPECT_EQ(Query("PRAGMA user_version"), "2");
  EXPECT_EQ(Query("SELECT count(*) FROM interactions"), "0");
  EXPECT_EQ(Query("SELECT count(*) FROM state WHERE key = '" +
                  std::string(kRebuildInteractionsKey) + "'"),
            "1");
}

TEST_F(SqliteSchemaTest, NewDatabaseHasNothingToRebuild) {
  ASSERT_TRUE(MigrateSqliteSchema(db_, dir_.path()).ok());

  EXPECT_EQ(Query("SELECT count(*) FROM state"), "0");
}

TEST_F(SqliteSchemaTest, MigratingAnUpToDateDatabaseChangesNothing) {
  ASSERT_TRUE(MigrateSqliteSchema(db_, dir_.path()).ok());

  EXPECT_TRUE(MigrateSqliteSchema(db_, dir_.path()).ok());
  EXPECT_EQ(Query("PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
}

TEST_F(SqliteSchemaTest, OnlyTheMissingMigrationsRunInOrder) {
  const SqliteMigration v1[] = {{1, "CREATE TABLE a(x INTEGER);"}};
  const SqliteMigration v3[] = {{1, "CREATE TABLE a(x INTEGER);"},
                                {2, "CREATE TABLE b(y INTEGER);"},
                                {3, "ALTER TABLE b ADD COLUMN z TEXT;"}};
  ASSERT_TRUE(MigrateSqliteSchema(db_, dir_.path(), v1).ok());

  Status migrated = MigrateSqliteSchema(db_, dir_.path(), v3);

  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  EXPECT_EQ(Query("PRAGMA user_version"), "3");
  EXPECT_EQ(Query("SELECT count(*) FROM pragma_table_info('b')"), "2");
}

TEST_F(SqliteSchemaTest, FailingMigrationRollsBackEveryMigrationOfTheCall) {
  const SqliteMigration v1[] = {{1, "CREATE TABLE a(x INTEGER);"}};
  const SqliteMigration v3[] = {{1, "CREATE TABLE a(x INTEGER);"},
                                {2, "CREATE TABLE b(y INTEGER);"},
                                {3, "CREATE TABLE c(; -- broken"}};
  ASSERT_TRUE(MigrateSqliteSchema(db_, dir_.path(), v1).ok());

  Status migrated = MigrateSqliteSchema(db_, dir_.path(), v3);

  EXPECT_EQ(migrated.error().code, ErrorCode::kInternal);
  EXPECT_NE(migrated.error().message.find("migrating the schema to version 3"), std::string::npos);
  EXPECT_EQ(Query("PRAGMA user_version"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), "0");
}

TEST_F(SqliteSchemaTest, NewerDatabaseIsRefusedNamingBothVersions) {
  ASSERT_TRUE(db_.Exec("test", "PRAGMA user_version = 7").ok());

  Status migrated = MigrateSqliteSchema(db_, dir_.path());

  EXPECT_EQ(migrated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(migrated.error().message.find("(schema 7, this build knows 2)"), std::string::npos);
}

TEST_F(SqliteSchemaTest, VersionedDatabaseWithoutTheHotlineMarkIsRefused) {
  ASSERT_TRUE(db_.Exec("test", "PRAGMA user_version = 1").ok());

  Status migrated = MigrateSqliteSchema(db_, dir_.path());

  EXPECT_EQ(migrated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(migrated.error().message.find("application_id 0"), std::string::npos);
}

}  // namespace
}  // namespace hotline::store
