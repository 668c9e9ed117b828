// The acknowledged-head file `<data_dir>/log-head`: the last event and command seqs the SQLite
// log has acknowledged as durable. Opening the log checks that the database still reaches them, so
// a lost acknowledged tail (a restored old events.db, a truncated WAL, deleted rows) is reported
// instead of silently served.
//
// It is written after every commit, before any `done` of that commit runs, by overwriting the file
// in place with one pwrite(2) and no fsync. That is enough: after a process crash (even SIGKILL)
// the kernel's page cache still holds the write; after a power loss the file may be older than
// the last acknowledgement, never newer than the database, because each commit's WAL is fsynced
// before its head is written. An older head only weakens the check; it never rejects a good log.
//
// Format (text, fixed width, so an overwrite never leaves stale bytes and `cat` shows it):
//   hotline-log-head 1\n
//   event 00000000000000000123\n        (20 decimal digits)
//   command 00000000000000000045\n
//   check 1f2e3d4c5b6a7988\n             (ChainHasher of the lines above, 16 hex digits)
// An empty or all-zero file (never written, or lost with a power failure right after creation)
// claims nothing. Anything else that does not parse is kDataLoss.
//
// The open file also holds an exclusive flock(2), so one data directory serves one log at a time.
//
// Thread-safety: one thread at a time (the log's opener, then its writer thread).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/event_log.h"

namespace hotline::store {

inline constexpr size_t kLogHeadFileSize = 19 + 27 + 29 + 23;

std::string EncodeLogHead(const LogHead& head);
// nullopt when `text` claims nothing (empty or all zero bytes); kDataLoss when it does not parse
// or its check does not match.
Result<std::optional<LogHead>> DecodeLogHead(std::string_view text);

class LogHeadFile {
 public:
  // Opens `path`, creating it if missing, and locks it. kFailedPrecondition when another open
  // log (in this process or another) holds the lock; kInternal on I/O errors.
  static Result<LogHeadFile> Open(const std::filesystem::path& path);

  LogHeadFile(LogHeadFile&& other) noexcept;
  LogHeadFile& operator=(LogHeadFile&& other) noexcept;
  LogHeadFile(const LogHeadFile&) = delete;
  LogHeadFile& operator=(const LogHeadFile&) = delete;
  ~LogHeadFile();  // closes the file, releasing the lock

  // What the file claims (see DecodeLogHead).
  Result<std::optional<LogHead>> Read() const;
  // Overwrites the file with `head` (one pwrite, no fsync; see the file comment).
  Status Write(const LogHead& head);

  const std::filesystem::path& path() const { return path_; }

 private:
  LogHeadFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace hotline::store
