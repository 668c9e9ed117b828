// Runs the real `hotline serve` as a child process for integration tests.
//
//   ServerProcess server;                       // a fresh temporary data directory
//   ASSERT_TRUE(server.Start());                // waits for the ready file (deadline)
//   HttpClient http(server.port());
//   std::string password = server.AdminPassword();
//   ...
//   EXPECT_EQ(server.Stop(), 0);                // SIGTERM, then the exit code
//   ASSERT_TRUE(server.Start());                // again, on the same data directory
//
// The child runs `hotline serve --data DIR --http 127.0.0.1:0 --ready-file FILE [--config FILE]`
// with its stdout and stderr appended to log_path() (read it with Log() when a test fails: Start
// does, in its failure message). It gets SIGKILL if the test process dies (PR_SET_PDEATHSIG), and
// from the destructor if it is still running, so no server outlives its test.
//
// Files: everything lives under one temporary directory that the ServerProcess owns and removes
// on destruction (unless Options::keep_files): data/ (the data directory, unless Options::data_dir
// names another), ready, server.log.
//
// Errors: Start returns a gtest AssertionResult whose message says what went wrong (the child
// exited, the deadline passed) with the end of the server's log. Nothing throws.
// Thread-safety: none; one thread owns a ServerProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hotline::itest {

// A directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "hotline-test-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Keeps the directory on destruction (to look at after a failure).
  void Keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

class ServerProcess {
 public:
  struct Options {
    // The hotline program; default: the one this build made (HOTLINE_BINARY).
    std::string binary;
    // --config FILE; none: the bundled demo center.
    std::optional<std::filesystem::path> config;
    // The data directory; none: data/ in the ServerProcess's own temporary directory. Give one
    // to share it between two ServerProcess objects (a restart by another owner).
    std::optional<std::filesystem::path> data_dir;
    // More arguments after the ones above.
    std::vector<std::string> extra_args;
    // How long Start waits for the ready file, and Stop for the exit.
    std::chrono::milliseconds start_deadline{20'000};
    std::chrono::milliseconds stop_deadline{20'000};
    bool keep_files = false;
  };

  // The hotline program this build made (the compile definition HOTLINE_BINARY).
  static std::string DefaultBinary();

  ServerProcess();
  explicit ServerProcess(Options options);
  ~ServerProcess();  // SIGKILL and reap when still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits until it listens (it wrote the ready file). Fails when it is
  // already running, exits first, or the deadline passes (then it is killed).
  ::testing::AssertionResult Start();
  // SIGTERM, then waits for the exit. Returns the exit code (0: clean stop), 128 + the signal
  // when a signal ended it, or -1 when it was still running at the deadline (it is then killed).
  // -2 when it was not running.
  int Stop();
  // Sends `signal` (SIGKILL: a crash) and reaps; returns the status as Stop does.
  int Kill(int signal = SIGKILL);

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The HTTP port of the running server (from the ready file); 0 when not started.
  uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& log_path() const { return log_path_; }

  // DATA/initial-admin-password without the newline; empty when it does not exist.
  std::string AdminPassword() const;
  // The server's stdout and stderr so far (all runs); at most the last `max_bytes`.
  std::string Log(size_t max_bytes = 64 * 1024) const;

 private:
  // Waits for the child to exit until `deadline`; its status as Stop returns it, or -1.
  int Reap(std::chrono::steady_clock::time_point deadline);

  Options options_;
  TempDir work_;
  std::filesystem::path data_dir_;
  std::filesystem::path ready_path_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace hotline::itest
