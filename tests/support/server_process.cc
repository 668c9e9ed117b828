#include "support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "support/wait.h"

#ifndef HOTLINE_BINARY
#error "HOTLINE_BINARY (the path of the hotline program) must be defined by the build"
#endif

namespace hotline::itest {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Exit status as Stop() reports it.
int StatusOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      (std::filesystem::path(base && *base ? base : "/tmp") / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << ": " << std::strerror(errno);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (keep_ || path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ServerProcess::DefaultBinary() { return HOTLINE_BINARY; }

ServerProcess::ServerProcess() : ServerProcess(Options{}) {}

ServerProcess::ServerProcess(Options options) : options_(std::move(options)) {
  if (options_.binary.empty()) options_.binary = DefaultBinary();
  if (options_.keep_files) work_.Keep();
  data_dir_ = options_.data_dir ? *options_.data_dir : work_.path() / "data";
  ready_path_ = work_.path() / "ready";
  log_path_ = work_.path() / "server.log";
}

ServerProcess::~ServerProcess() {
  if (running()) Kill(SIGKILL);
}

::testing::AssertionResult ServerProcess::Start() {
  if (running()) return ::testing::AssertionFailure() << "the server is already running";
  std::error_code ignored;
  std::filesystem::remove(ready_path_, ignored);
  port_ = 0;

  std::vector<std::string> args = {
      options_.binary, "serve",       "--data",       data_dir_.string(),
      "--http",        "127.0.0.1:0", "--ready-file", ready_path_.string()};
  if (options_.config) {
    args.push_back("--config");
    args.push_back(options_.config->string());
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  // Everything the child needs is made before fork: after it only async-signal-safe calls.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return ::testing::AssertionFailure() << "cannot open " << log_path_ << ": " << strerror(errno);
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the test died before prctl
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;

  int exited = -1;
  std::string ready;
  bool listening = WaitUntil(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          exited = StatusOf(status);
          return true;
        }
        ready = ReadFile(ready_path_);
        return ready.find('\n') != std::string::npos;  // written whole
      },
      options_.start_deadline);
  if (exited >= 0) {
    pid_ = -1;
    return ::testing::AssertionFailure()
           << options_.binary << " exited with status " << exited << " before listening; log:\n"
           << Log(8192);
  }
  if (!listening) {
    Kill(SIGKILL);
    return ::testing::AssertionFailure()
           << "no ready file after " << options_.start_deadline.count() << " ms; log:\n"
           << Log(8192);
  }
  ready = ready.substr(0, ready.find('\n'));  // "http=HOST:PORT" (a "sip=" line may follow)
  size_t colon = ready.rfind(':');
  if (!ready.starts_with("http=") || colon == std::string::npos) {
    Kill(SIGKILL);
    return ::testing::AssertionFailure() << "unexpected ready file: '" << ready << "'";
  }
  port_ = static_cast<uint16_t>(std::atoi(ready.c_str() + colon + 1));
  if (port_ == 0) {
    Kill(SIGKILL);
    return ::testing::AssertionFailure() << "no port in the ready file: '" << ready << "'";
  }
  return ::testing::AssertionSuccess();
}

int ServerProcess::Reap(std::chrono::steady_clock::time_point deadline) {
  int result = -1;
  bool done = WaitUntil(
      [&] {
        int status = 0;
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
          result = StatusOf(status);
          return true;
        }
        if (r < 0 && errno != EINTR) return true;  // not our child any more
        return false;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                            std::chrono::steady_clock::now()));
  if (done) {
    pid_ = -1;
    port_ = 0;
  }
  return result;
}

int ServerProcess::Stop() {
  if (!running()) return -2;
  ::kill(pid_, SIGTERM);
  int status = Reap(std::chrono::steady_clock::now() + options_.stop_deadline);
  if (running()) {
    Kill(SIGKILL);
    return -1;
  }
  return status;
}

int ServerProcess::Kill(int signal) {
  if (!running()) return -2;
  ::kill(pid_, signal);
  int status = Reap(std::chrono::steady_clock::now() + options_.stop_deadline);
  if (running()) {  // the signal did not end it
    ::kill(pid_, SIGKILL);
    Reap(std::chrono::steady_clock::now() + options_.stop_deadline);
  }
  return status;
}

std::string ServerProcess::AdminPassword() const {
  std::string text = ReadFile(data_dir_ / "initial-admin-password");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::string ServerProcess::Log(size_t max_bytes) const {
  std::string text = ReadFile(log_path_);
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

}  // namespace hotline::itest
