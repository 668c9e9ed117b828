// Test support for the store's tests: a scratch directory per test and small record builders.
// Not part of the module's API.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <string>
#include <utility>

#include "base/check.h"
#include "store/event_log.h"

namespace hotline::store::testing {

// A fresh directory under ::testing::TempDir(), removed with everything in it at destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = ::testing::TempDir() + "hotline-store-XXXXXX";
    HOTLINE_CHECK(mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteWholeFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline EventRecord MakeEvent(uint64_t seq, uint64_t interaction = 0) {
  EventRecord event;
  event.seq = seq;
  event.at = FromMicros(1'780'000'000'000'000 + static_cast<int64_t>(seq) * 1'000);
  event.type = "interaction.created";
  event.actor = "system";
  event.interaction = interaction;
  event.data = "{\"n\":" + std::to_string(seq) + "}";
  return event;
}

inline CommandRecord MakeCommand(uint64_t seq, uint64_t last_event) {
  CommandRecord command;
  command.seq = seq;
  command.at = FromMicros(1'780'000'000'000'000 + static_cast<int64_t>(seq) * 1'000);
  command.actor = "user:7";
  command.body = "{\"command\":" + std::to_string(seq) + "}";
  command.last_event = last_event;
  command.events_hash = 0x9e3779b97f4a7c15ull * seq;  // high bit set for some seqs
  return command;
}

// A batch of events first..last (inclusive) and, when `command` is set, one command after them.
inline WriteBatch EventsBatch(uint64_t first, uint64_t last, uint64_t command = 0) {
  WriteBatch batch;
  for (uint64_t seq = first; seq <= last; ++seq) batch.events.push_back(MakeEvent(seq));
  if (command != 0) batch.commands.push_back(MakeCommand(command, last));
  return batch;
}

// Runs `sql` on the database file through a connection of its own, behind any log's back.
inline void RawExec(const std::filesystem::path& database, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open(database.c_str(), &db);
  char* error = nullptr;
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : sqlite3_errmsg(db);
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << message;
}

// The first column of the first row of `sql` as text ("" when there is no row).
inline std::string RawQuery(const std::filesystem::path& database, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_open(database.c_str(), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// Appends `batch` and waits for its `done`.
inline Status AppendAndWait(EventLog& log, WriteBatch batch) {
  std::promise<Status> done;
  std::future<Status> result = done.get_future();
  log.Append(std::move(batch), [&done](Status status) { done.set_value(std::move(status)); });
  return result.get();
}

}  // namespace hotline::store::testing
