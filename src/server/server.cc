#include "server/server.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "api/api.h"
#include "api/auth/password.h"
#include "api/http/server.h"
#include "base/clock.h"
#include "base/log.h"
#include "server/voice_service.h"
#include "shard/shard.h"
#include "store/sqlite_event_log.h"

namespace hotline::server {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

// The shard's loop on an io_context run by one thread.
class AsioLoop final : public shard::Loop {
 public:
  AsioLoop(asio::io_context& io, const Clock& clock) : io_(io), timer_(io), clock_(clock) {}

  void Post(std::function<void()> fn) override { asio::post(io_, std::move(fn)); }

  void SetTimer(Instant deadline, std::function<void()> fn) override {
    timer_.cancel();
    if (deadline == Instant::max() || !fn) return;
    Duration delay = deadline - clock_.Now();
    if (delay < Duration(0)) delay = Duration(0);
    timer_.expires_after(delay);
    timer_.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) {
      if (!ec) fn();
    });
  }

 private:
  asio::io_context& io_;
  asio::steady_timer timer_;
  const Clock& clock_;
};

bool ParseHostPort(const std::string& text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = text.substr(0, colon);
  std::string p = text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int v = std::stoi(p);
  if (v > 65535) return false;
  *port = static_cast<uint16_t>(v);
  return true;
}

// Holds an exclusive lock on DATA/lock for the life of the server.
class DataDirLock {
 public:
  Status Acquire(const std::filesystem::path& dir) {
    std::string path = (dir / "lock").string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      return Error{ErrorCode::kUnavailable, "cannot open " + path + ": " + std::strerror(errno),
                   "data"};
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      return Error{ErrorCode::kUnavailable, "another hotline server is using " + dir.string(),
                   "data"};
    }
    return Status();
  }
  ~DataDirLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

Status WritePrivateFile(const std::filesystem::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{ErrorCode::kInternal,
                 "cannot write " + path.string() + ": " + std::strerror(errno), ""};
  }
  ::fchmod(fd, 0600);
  ssize_t n = ::write(fd, text.data(), text.size());
  ::fsync(fd);
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return Error{ErrorCode::kInternal, "short write to " + path.string(), ""};
  }
  return Status();
}

// First start: user `admin` with a random password, printed once and kept in a 0600 file.
Status CreateInitialAdmin(shard::Shard& shard, const std::filesystem::path& data_dir) {
  if (!shard.users().empty()) return Status();
  std::string password = api::auth::GeneratePassword();
  auto hash = api::auth::HashPassword(password);
  if (!hash.ok()) return hash.error();
  auto failed = std::make_shared<std::optional<Error>>();
  shard.Execute(json{{"op", "user.put"},
                     {"id", 1},
                     {"username", "admin"},
                     {"roles", {"admin"}},
                     {"agent_id", ""},
                     {"password_hash", *hash}},
                "system", [failed](Result<json> r) {
                  if (!r.ok()) *failed = r.error();
                });
  if (failed->has_value()) return **failed;
  if (Status s = shard.log().Flush(); !s.ok()) return s;
  std::filesystem::path file = data_dir / "initial-admin-password";
  if (Status s = WritePrivateFile(file, password + "\n"); !s.ok()) return s;
  std::fprintf(stderr,
               "\n  First start: created user 'admin' with password  %s\n"
               "  (also in %s, readable only by you; change it after logging in)\n\n",
               password.c_str(), file.c_str());
  return Status();
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot read " + path, "config");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int Serve(const ServeOptions& options) {
  std::string host;
  uint16_t port = 0;
  if (!ParseHostPort(options.http, &host, &port)) {
    std::fprintf(stderr, "hotline serve: --http must be HOST:PORT, not '%s'\n",
                 options.http.c_str());
    return 2;
  }
  std::string config_text;
  if (options.config_path) {
    auto text = ReadText(*options.config_path);
    if (!text.ok()) {
      std::fprintf(stderr, "hotline serve: %s\n", text.error().message.c_str());
      return 2;
    }
    config_text = std::move(*text);
  } else {
    config_text = std::string(DemoCenterYaml());
  }

  std::filesystem::path data_dir(options.data_dir);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "hotline serve: cannot create %s: %s\n", data_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  DataDirLock lock;
  if (Status s = lock.Acquire(data_dir); !s.ok()) {
    std::fprintf(stderr, "hotline serve: %s\n", s.error().message.c_str());
    return 1;
  }

  auto log = store::OpenSqliteEventLog(data_dir);
  if (!log.ok()) {
    std::fprintf(stderr, "hotline serve: %s: %s\n", ErrorCodeName(log.error().code),
                 log.error().message.c_str());
    return 1;
  }
  asio::io_context io(1);
  RealClock clock;
  AsioLoop loop(io, clock);
  auto shard = shard::Shard::Open(log->get(), &loop, &clock, config_text, {});
  if (!shard.ok()) {
    std::fprintf(stderr, "hotline serve: %s\n", shard.error().message.c_str());
    return shard.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  shard::Shard& center = **shard;
  Log(LogLevel::kInfo, "serve",
      "center '{}': snapshot at command {}, then {} commands replayed in {:.2f} s; log at seq {}",
      center.document().center().name, center.counters().snapshot_command,
      center.counters().replayed_commands, center.counters().replay_seconds, center.last_seq());
  if (center.counters().replay_divergences > 0) {
    Log(LogLevel::kWarn, "serve", "{} replayed commands produced other events than logged",
        center.counters().replay_divergences);
  }
  if (center.config_changed()) {
    Log(LogLevel::kWarn, "serve",
        "the center file differs from the one this data directory was created with; the log "
        "(with its API edits) is kept and the file is not applied (docs/operations.md)");
  }
  if (Status s = CreateInitialAdmin(center, data_dir); !s.ok()) {
    std::fprintf(stderr, "hotline serve: %s\n", s.error().message.c_str());
    return 1;
  }

  api::ApiOptions api_options;
  api_options.version = "0.1.0";
  api::Api api(center, api_options);
  if (Status s = api.RestoreSessions(); !s.ok()) {
    Log(LogLevel::kWarn, "serve", "sessions not restored: {}", s.error().message);
  }
  api::http::ServerOptions http_options;
  http_options.address = host;
  http_options.port = port;
  api::http::Server http(io, http_options, api.Handlers());
  api.SetServerCounters([&http] { return http.counters(); });
  if (Status s = http.Start(); !s.ok()) {
    std::fprintf(stderr, "hotline serve: %s\n", s.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "hotline: serving '%s' at http://%s:%u/ (data: %s)\n",
               center.document().center().name.c_str(), host.c_str(), http.port(),
               data_dir.c_str());
  std::unique_ptr<VoiceService> voice;
  if (options.sip) {
    VoiceOptions voice_options{*options.sip, data_dir, config_text,
                               options.config_path.value_or("demo center")};
    auto started = VoiceService::Start(io, center, voice_options);
    if (!started.ok()) {
      std::string field = started.error().field.empty() ? "" : started.error().field + ": ";
      std::fprintf(stderr, "hotline serve: voice: %s%s\n", field.c_str(),
                   started.error().message.c_str());
      return started.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    voice = std::move(*started);
    api.SetVoice(voice->api_port());
    std::fprintf(stderr, "hotline: answering SIP calls at %s (udp, tcp)\n", options.sip->c_str());
  }
  if (options.ready_file) {  // written whole, then renamed: a reader never sees half of it
    std::string temp = *options.ready_file + ".tmp";
    {
      std::ofstream ready(temp);
      ready << "http=" << host << ":" << http.port() << "\n";
      if (voice) ready << "sip=" << *options.sip << "\n";
    }
    std::filesystem::rename(temp, *options.ready_file, ec);
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stopping = false;
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) return;
    stopping = true;
    Log(LogLevel::kInfo, "serve", "signal {}: stopping", signal);
    if (voice) {
      api.SetVoice(nullptr);
      voice->Stop();
    }
    center.StopAccepting();
    http.Stop();
    api.Shutdown();
    // Writes still in flight are acknowledged once durable; then the loop ends.
    asio::post(io, [&] {
      Status flushed = center.log().Flush();
      if (!flushed.ok()) Log(LogLevel::kError, "serve", "flush: {}", flushed.error().message);
      asio::post(io, [&] { io.stop(); });
    });
  });
  io.run();
  Status flushed = center.log().Flush();
  if (flushed.ok() && !center.failed()) {
    // The next start restores this instead of replaying the log.
    if (Status s = center.WriteSnapshot(); !s.ok()) {
      Log(LogLevel::kWarn, "serve", "snapshot at shutdown failed: {}", s.error().message);
    }
  }
  if (!stopping || !flushed.ok() || center.failed()) {
    Log(LogLevel::kError, "serve", "stopped {}", center.failed() ? "after a log failure" : "");
    return 1;
  }
  Log(LogLevel::kInfo, "serve", "stopped cleanly at seq {}", center.last_seq());
  return 0;
}

}  // namespace hotline::server
