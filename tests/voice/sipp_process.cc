#include "voice/sipp_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/wait.h"

namespace hotline::itest {

SippProcess::SippProcess(std::string name, std::vector<std::string> args, std::filesystem::path dir)
    : name_(std::move(name)), args_(std::move(args)), dir_(std::move(dir)) {}

SippProcess::~SippProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool SippProcess::Start() {
  std::vector<std::string> all = {"/usr/bin/sipp"};
  all.insert(all.end(), args_.begin(), args_.end());
  for (std::string extra : {"-nostdin", "-trace_err", "-error_file"}) all.push_back(extra);
  all.push_back((dir_ / (name_ + ".errors")).string());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string out = (dir_ / (name_ + ".out")).string();
  std::string cwd = dir_.string();
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  return true;
}

int SippProcess::Wait(std::chrono::milliseconds deadline) {
  if (pid_ <= 0) return -2;
  int status = 0;
  bool ended = WaitUntil([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, deadline);
  if (!ended) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return -1;
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

std::string SippProcess::Output() const {
  std::ostringstream text;
  for (const char* suffix : {".out", ".errors"}) {
    std::ifstream in(dir_ / (name_ + suffix));
    std::string content((std::istreambuf_iterator<char>(in)), {});
    if (content.size() > 6000) content = content.substr(content.size() - 6000);
    text << "---- " << name_ << suffix << " ----\n" << content << "\n";
  }
  return text.str();
}

void Fill(const std::filesystem::path& from, const std::filesystem::path& to,
          const std::map<std::string, std::string>& values) {
  std::ifstream in(from);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  for (const auto& [key, value] : values) {
    std::string mark = "@" + key + "@";
    for (size_t at = text.find(mark); at != std::string::npos;
         at = text.find(mark, at + value.size())) {
      text.replace(at, mark.size(), value);
    }
  }
  std::ofstream(to) << text;
}

uint16_t FreePort(bool even) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(udp, reinterpret_cast<sockaddr*>(&addr), &len);
    uint16_t port = ntohs(addr.sin_port);
    int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    bool tcp_free = ::bind(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(tcp);
    ::close(udp);
    if (tcp_free && (!even || port % 2 == 0) && port < 65000) return port;
  }
  return 0;
}

}  // namespace hotline::itest
