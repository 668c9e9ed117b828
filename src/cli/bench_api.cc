#include "cli/bench_api.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cli/load_client.h"

namespace hotline::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr int64_t kSecondNs = 1'000'000'000;

void Progress(const std::string& text) { std::fprintf(stderr, "bench api: %s\n", text.c_str()); }

double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }
double Round(double v, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string LoadAverage() {
  std::string text = ReadFile("/proc/loadavg");
  // "2.00 3.12 2.99 1/234 5678" -> the three averages.
  size_t n = 0, at = 0;
  while (n < 3 && (at = text.find(' ', at + 1)) != std::string::npos) ++n;
  return text.substr(0, at);
}

Json Machine() {
  std::string mem = ReadFile("/proc/meminfo");
  double mem_gib = 0;
  if (size_t at = mem.find("MemTotal:"); at != std::string::npos) {
    mem_gib = std::strtod(mem.c_str() + at + 9, nullptr) / (1024.0 * 1024.0);
  }
  return Json{{"cpus", std::thread::hardware_concurrency()}, {"mem_gib", Round(mem_gib, 1)}};
}

Result<cpu_set_t> ParseCpus(const std::string& list) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos ||
        item.size() > 4) {
      return Error::InvalidArgument("'" + list + "' is not a list of CPU numbers like 0,1", "cpus");
    }
    CPU_SET(std::stoi(item), &set);
  }
  return set;
}

// VmRSS and VmHWM of a process, in MB.
struct Memory {
  double rss_mb = 0;
  double hwm_mb = 0;
};

Memory MemoryOf(pid_t pid) {
  std::string status = ReadFile(fmt::format("/proc/{}/status", pid));
  auto field = [&](const char* name) {
    size_t at = status.find(name);
    return at == std::string::npos
               ? 0.0
               : std::strtod(status.c_str() + at + std::strlen(name), nullptr) / 1024.0;
  };
  return Memory{Round(field("VmRSS:"), 1), Round(field("VmHWM:"), 1)};
}

std::map<std::string, double> ParseMetrics(const std::string& text) {
  std::map<std::string, double> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return out;
}

// ---- The server under test ----

// `hotline serve` started from this binary in its own data directory; killed if still running
// when destroyed.
class BenchServer {
 public:
  static Result<std::unique_ptr<BenchServer>> Start(const fs::path& config,
                                                    const fs::path& data_dir,
                                                    const std::string& cpus) {
    std::unique_ptr<BenchServer> s(new BenchServer);
    s->data_dir_ = data_dir;
    s->log_ = data_dir.string() + ".log";
    fs::path ready = data_dir.string() + ".ready";
    std::error_code ec;
    fs::remove(ready, ec);
    std::optional<cpu_set_t> affinity;
    if (!cpus.empty()) {
      auto set = ParseCpus(cpus);
      if (!set.ok()) return set.error();
      affinity = *set;
    }
    std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) return Error{ErrorCode::kInternal, "cannot find this program: " + ec.message(), ""};
    std::vector<std::string> args = {
        exe,           "serve",    "--data",        data_dir,       "--http",
        "127.0.0.1:0", "--config", config.string(), "--ready-file", ready.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    s->started_ns_ = MonotonicNs();
    pid_t pid = ::fork();
    if (pid < 0) return Error{ErrorCode::kInternal, "fork failed", ""};
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // no server outlives an interrupted bench
      if (affinity) ::sched_setaffinity(0, sizeof *affinity, &*affinity);
      int fd = ::open(s->log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    s->pid_ = pid;
    // Wait for "http=HOST:PORT\n" in the ready file, or the server's exit.
    int64_t deadline = MonotonicNs() + 300 * kSecondNs;
    for (;;) {
      std::string text = ReadFile(ready);
      if (text.starts_with("http=") && text.ends_with("\n")) {
        s->ready_ns_ = MonotonicNs();
        text.pop_back();
        auto endpoint = ParseEndpoint(text.substr(5));
        if (!endpoint.ok()) return endpoint.error();
        s->endpoint_ = *endpoint;
        return s;
      }
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        s->pid_ = -1;
        return Error{ErrorCode::kUnavailable,
                     fmt::format("hotline serve exited ({}) before listening: {}",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, s->LogTail()),
                     ""};
      }
      if (MonotonicNs() > deadline) {
        return Error{ErrorCode::kUnavailable, "hotline serve did not listen within 300 s", ""};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  ~BenchServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // SIGTERM, then waits for the exit. Returns the exit status.
  Result<int> Stop() {
    if (pid_ <= 0) return Error{ErrorCode::kInternal, "the server is not running", ""};
    ::kill(pid_, SIGTERM);
    int64_t deadline = MonotonicNs() + 120 * kSecondNs;
    for (;;) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (MonotonicNs() > deadline) {
        return Error{ErrorCode::kUnavailable, "the server did not stop within 120 s of SIGTERM",
                     ""};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  // SIGKILL (a crash), then reaps.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string LogTail() const {
    std::string text = ReadFile(log_);
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
  }
  std::string Log() const { return ReadFile(log_); }

  const Endpoint& endpoint() const { return endpoint_; }
  pid_t pid() const { return pid_; }
  Memory memory() const { return MemoryOf(pid_); }
  int64_t started_ns() const { return started_ns_; }
  int64_t ready_ns() const { return ready_ns_; }
  const fs::path& data_dir() const { return data_dir_; }

 private:
  BenchServer() = default;

  pid_t pid_ = -1;
  fs::path data_dir_;
  std::string log_;
  Endpoint endpoint_;
  int64_t started_ns_ = 0;
  int64_t ready_ns_ = 0;
};

// The server being measured and how to call it.
struct Target {
  Endpoint endpoint;
  std::string token;
  BenchServer* server = nullptr;  // null with --url
  uint64_t routed = 0;            // creates answered "offering", over the server's life

  Result<HttpReply> Call(std::string_view method, std::string_view target,
                         std::string_view body = {}) {
    if (!connection_) {
      auto c = HttpConnection::Open(endpoint);
      if (!c.ok()) return c.error();
      connection_ = std::move(*c);
    }
    auto reply = connection_->Send(method, target, token, body);
    if (!reply.ok()) connection_.reset();
    return reply;
  }

  Result<nlohmann::json> CallJson(std::string_view method, std::string_view target,
                                  std::string_view body = {}, int expect = 200) {
    auto reply = Call(method, target, body);
    if (!reply.ok()) return reply.error();
    if (reply->status != expect) {
      return Error{ErrorCode::kUnavailable,
                   fmt::format("{} {} answered {}: {}", method, target, reply->status,
                               reply->body.substr(0, 300)),
                   ""};
    }
    auto parsed = nlohmann::json::parse(reply->body, nullptr, false);
    if (parsed.is_discarded()) {
      return Error{ErrorCode::kInternal, fmt::format("{} {}: not JSON", method, target), ""};
    }
    return parsed;
  }

  Result<std::map<std::string, double>> Metrics() {
    auto reply = Call("GET", "/metrics");
    if (!reply.ok()) return reply.error();
    return ParseMetrics(reply->body);
  }

  std::optional<HttpConnection> connection_;  // opened on first use
};

Result<std::string> Login(const Endpoint& endpoint, const fs::path& data_dir) {
  std::string password = ReadFile(data_dir / "initial-admin-password");
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  if (password.empty()) {
    return Error::NotFound("no initial-admin-password in " + data_dir.string());
  }
  Target t;
  t.endpoint = endpoint;
  auto r = t.CallJson("POST", "/api/v1/login",
                      nlohmann::json{{"username", "admin"}, {"password", password}}.dump());
  if (!r.ok()) return r.error();
  return r->value("token", "");
}

// Every agent of the center ready, through POST /agents/{id}/presence on many connections.
Status SetAgentsReady(Target& t, int connections) {
  auto agents = t.CallJson("GET", "/api/v1/agents");
  if (!agents.ok()) return agents.error();
  std::vector<std::string> ids;
  for (const auto& a : (*agents)["agents"]) ids.push_back(a.value("id", ""));
  size_t next_index = 0;
  uint64_t failed = 0;
  std::string first_failure;
  const std::string body = R"({"presence":"ready"})";
  auto next = [&](int) -> std::optional<std::string> {
    if (next_index >= ids.size()) return std::nullopt;
    return RequestText("POST", "/api/v1/agents/" + ids[next_index++] + "/presence", t.endpoint,
                       t.token, body);
  };
  auto on_reply = [&](const LoadReply& r) {
    if (r.status != 200) {
      if (failed++ == 0) first_failure = fmt::format("{} {}", r.status, r.body);
    }
  };
  auto run = RunLoad(t.endpoint, std::min<int>(connections, std::max<int>(1, ids.size())),
                     MonotonicNs() + 3600 * kSecondNs, next, on_reply);
  if (!run.ok()) return run.error();
  if (failed > 0) {
    return Error{ErrorCode::kUnavailable,
                 fmt::format("{} of {} presence changes failed; first: {}", failed, ids.size(),
                             first_failure.substr(0, 300)),
                 ""};
  }
  Progress(fmt::format("{} agents ready", ids.size()));
  return Status::Ok();
}

// Waits until every interaction routed so far has had its offer rescinded (max_wait ended it),
// so the next phase starts on a quiet center.
Status WaitForDrain(Target& t, double timeout_s) {
  int64_t deadline = MonotonicNs() + static_cast<int64_t>(timeout_s * 1e9);
  for (;;) {
    auto m = t.Metrics();
    if (!m.ok()) return m.error();
    double rescinded = (*m)["hotline_offers_total{outcome=\"rescinded\"}"];
    if (rescinded >= static_cast<double>(t.routed)) return Status::Ok();
    if (MonotonicNs() > deadline) {
      return Error{ErrorCode::kUnavailable,
                   fmt::format("{} of {} routed interactions still live after {} s",
                               t.routed - static_cast<uint64_t>(rescinded), t.routed, timeout_s),
                   ""};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// ---- Figures ----

// Nearest-rank percentiles of a sample, in milliseconds.
Json Latency(std::vector<int64_t> ns) {
  if (ns.empty()) return Json{{"n", 0}};
  std::sort(ns.begin(), ns.end());
  auto rank = [&](double p) {
    size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(ns.size())));
    return ns[std::min(ns.size() - 1, i == 0 ? 0 : i - 1)];
  };
  return Json{{"n", ns.size()},
              {"min_ms", Round(Ms(ns.front()), 3)},
              {"p50_ms", Round(Ms(rank(0.50)), 3)},
              {"p90_ms", Round(Ms(rank(0.90)), 3)},
              {"p99_ms", Round(Ms(rank(0.99)), 3)},
              {"p999_ms", Round(Ms(rank(0.999)), 3)},
              {"max_ms", Round(Ms(ns.back()), 3)}};
}

// Completions per whole second of the measured window.
struct PerSecond {
  std::vector<uint64_t> counts;
  void Add(int64_t since_start_ns) {
    size_t s = static_cast<size_t>(since_start_ns / kSecondNs);
    if (counts.size() <= s) counts.resize(s + 1);
    ++counts[s];
  }
  Json Summary(double duration_s) const {
    std::vector<uint64_t> full(
        counts.begin(),
        counts.begin() + std::min<size_t>(counts.size(), static_cast<size_t>(duration_s)));
    if (full.empty()) return Json::object();
    size_t half = full.size() / 2;
    auto rate = [&](size_t b, size_t e) {
      uint64_t sum = 0;
      for (size_t i = b; i < e; ++i) sum += full[i];
      return e > b ? Round(static_cast<double>(sum) / static_cast<double>(e - b), 0) : 0.0;
    };
    return Json{{"min", *std::min_element(full.begin(), full.end())},
                {"max", *std::max_element(full.begin(), full.end())},
                {"first_half_per_s", rate(0, half)},
                {"second_half_per_s", rate(half, full.size())},
                {"series", full}};
  }
};

// "...,"id":123,..." -> 123 (0 when absent).
uint64_t NumberAfter(std::string_view text, std::string_view key) {
  size_t at = text.find(key);
  if (at == std::string_view::npos) return 0;
  uint64_t v = 0;
  for (size_t i = at + key.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    v = v * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  return v;
}

// ---- Phases ----

// Creates on `connections` connections for warm-up + duration; with `with_stream`, a stream
// client watches and the stream delivery latency of the measured creates is reported too.
Json CreatePhase(Target& t, const ApiBenchOptions& o, int connections,
                 const std::vector<std::string>& queues, bool with_stream) {
  // The stream: when each interaction.created arrived (its frame's read time).
  std::mutex seen_mutex;
  std::unordered_map<uint64_t, int64_t> seen;
  std::atomic<uint64_t> stream_events{0};
  std::unique_ptr<EventStream> stream;
  if (with_stream) {
    auto opened = EventStream::Open(
        t.endpoint, "/api/v1/stream?token=" + t.token,
        [&](std::string_view text, int64_t received) {
          std::vector<std::string_view> events = FrameEvents(text);
          stream_events += events.size();
          for (std::string_view e : events) {
            if (e.find("\"type\":\"interaction.created\"") == std::string_view::npos) continue;
            uint64_t id = NumberAfter(e, "\"interaction\":");
            std::lock_guard lock(seen_mutex);
            seen.emplace(id, received);
          }
        });
    if (!opened.ok()) return Json{{"error", opened.error().message}};
    stream = std::move(*opened);
  }

  auto before = t.Metrics();
  std::vector<uint64_t> sequence(static_cast<size_t>(connections), 0);
  auto next = [&](int c) -> std::optional<std::string> {
    uint64_t n = sequence[static_cast<size_t>(c)]++;
    const std::string& queue = queues[(static_cast<size_t>(c) + n) % queues.size()];
    std::string body =
        fmt::format(R"({{"channel":"{}","queue":"{}","customer":{{"id":"bench-{}-{}"}}}})",
                    o.channel, queue, c, n);
    return RequestText("POST", "/api/v1/interactions", t.endpoint, t.token, body);
  };
  const int64_t start = MonotonicNs();
  const int64_t measure_from = start + static_cast<int64_t>(o.warmup_s * 1e9);
  const int64_t deadline = measure_from + static_cast<int64_t>(o.duration_s * 1e9);
  std::vector<int64_t> latencies;
  std::map<int, uint64_t> statuses;
  PerSecond per_second;
  uint64_t created = 0, routed = 0, measured_routed = 0;
  std::string first_error;
  struct Created {
    uint64_t id;
    int64_t sent_ns;
    int64_t received_ns;
  };
  std::vector<Created> measured;
  auto on_reply = [&](const LoadReply& r) {
    bool in_window = r.received_ns >= measure_from && r.received_ns < deadline;
    bool offering = false;
    if (r.status == 201) {
      ++created;
      offering = r.body.find("\"state\":\"offering\"") != std::string_view::npos;
      if (offering) ++routed;
    } else if (first_error.empty()) {
      first_error = fmt::format("{} {}", r.status, r.body.substr(0, 200));
    }
    if (!in_window) return;
    ++statuses[r.status];
    latencies.push_back(r.received_ns - r.sent_ns);
    per_second.Add(r.received_ns - measure_from);
    if (r.status == 201) {
      if (offering) ++measured_routed;
      measured.push_back({NumberAfter(r.body, "\"id\":"), r.sent_ns, r.received_ns});
    }
  };
  auto run = RunLoad(t.endpoint, connections, deadline, next, on_reply);
  if (!run.ok()) return Json{{"error", run.error().message}};
  t.routed += routed;
  auto after = t.Metrics();

  uint64_t in_window = 0;
  for (const auto& [status, n] : statuses) in_window += n;
  const double ok = static_cast<double>(statuses[201]);
  Json out = {
      {"connections", connections},
      {"warmup_s", o.warmup_s},
      {"duration_s", o.duration_s},
      {"requests", in_window},
      {"created", statuses[201]},
      {"creates_per_s", Round(ok / o.duration_s, 0)},
      {"routed_per_s", Round(static_cast<double>(measured_routed) / o.duration_s, 0)},
      {"routed_fraction", ok == 0 ? 0.0 : Round(static_cast<double>(measured_routed) / ok, 4)},
      {"errors", in_window - statuses[201]},
      {"connection_errors", run->connection_errors},
      {"latency", Latency(latencies)},
      {"per_second", per_second.Summary(o.duration_s)}};
  if (!first_error.empty()) out["first_error"] = first_error;
  if (before.ok() && after.ok()) {
    auto delta = [&](const char* name) { return (*after)[name] - (*before)[name]; };
    double events = delta("hotline_events_appended_total");
    double commits = delta("hotline_log_commits_total");
    double batches = delta("hotline_log_batches_total");
    out["server"] = {
        {"events", events},
        {"events_per_create", created ? Round(events / static_cast<double>(created), 2) : 0.0},
        {"commits", commits},
        {"batches_per_commit", commits > 0 ? Round(batches / commits, 1) : 0.0}};
  }
  if (t.server) out["server_rss_mb"] = t.server->memory().rss_mb;
  if (!stream) return out;

  // Let the stream catch up with every create (it may trail under load), then compare.
  int64_t catch_up_deadline = MonotonicNs() + 30 * kSecondNs;
  for (;;) {
    size_t have = 0;
    {
      std::lock_guard lock(seen_mutex);
      have = seen.size();
    }
    if (have >= created || MonotonicNs() > catch_up_deadline || !stream->error().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string stream_error = stream->error();
  uint64_t stream_messages = stream->messages(), stream_reads = stream->reads();
  stream.reset();  // joins the reader: `seen` is ours now
  std::vector<int64_t> after_response, after_request;
  std::vector<std::vector<int64_t>> by_second;  // after_response by the second of the response
  int64_t negative = 0, missing = 0;
  for (const Created& c : measured) {
    auto it = seen.find(c.id);
    if (it == seen.end()) {
      ++missing;
      continue;
    }
    int64_t d = it->second - c.received_ns;
    if (d < 0) ++negative;
    after_response.push_back(d);
    after_request.push_back(it->second - c.sent_ns);
    size_t second = static_cast<size_t>((c.received_ns - measure_from) / kSecondNs);
    if (by_second.size() <= second) by_second.resize(second + 1);
    by_second[second].push_back(d);
  }
  Json p99_by_second = Json::array();
  for (auto& sample : by_second) p99_by_second.push_back(Latency(std::move(sample))["p99_ms"]);
  // Signed figures: sorting works on negatives too, so Latency() gives signed percentiles.
  Json stream_json = {
      {"definition",
       "stream frame of interaction.created read minus the 201 response read (same process, "
       "steady_clock); negative: the frame came first"},
      {"after_response", Latency(after_response)},
      {"after_request_sent", Latency(after_request)},
      {"after_response_p99_ms_by_second", std::move(p99_by_second)},
      {"frame_before_response_fraction",
       after_response.empty()
           ? 0.0
           : Round(static_cast<double>(negative) / static_cast<double>(after_response.size()), 4)},
      {"missing", missing},
      {"messages", stream_messages},
      {"events_per_message", stream_messages ? Round(static_cast<double>(stream_events.load()) /
                                                         static_cast<double>(stream_messages),
                                                     1)
                                             : 0.0},
      {"messages_per_read",
       stream_reads
           ? Round(static_cast<double>(stream_messages) / static_cast<double>(stream_reads), 1)
           : 0.0}};
  if (!stream_error.empty()) stream_json["error"] = stream_error;
  out["stream"] = std::move(stream_json);
  return out;
}

Json StatsPhase(Target& t, const ApiBenchOptions& o) {
  const std::string request =
      RequestText("GET", "/api/v1/queues/" + o.queue + "/stats", t.endpoint, t.token);
  auto next = [&](int) -> std::optional<std::string> { return request; };
  const int64_t start = MonotonicNs();
  const int64_t measure_from = start + static_cast<int64_t>(o.warmup_s * 1e9);
  const int64_t deadline = measure_from + static_cast<int64_t>(o.duration_s * 1e9);
  std::vector<int64_t> latencies;
  uint64_t ok = 0, errors = 0;
  std::string first_error;
  PerSecond per_second;
  auto on_reply = [&](const LoadReply& r) {
    if (r.received_ns < measure_from || r.received_ns >= deadline) return;
    if (r.status == 200) {
      ++ok;
    } else if (errors++ == 0) {
      first_error = fmt::format("{} {}", r.status, r.body.substr(0, 200));
    }
    latencies.push_back(r.received_ns - r.sent_ns);
    per_second.Add(r.received_ns - measure_from);
  };
  auto run = RunLoad(t.endpoint, o.connections, deadline, next, on_reply);
  if (!run.ok()) return Json{{"error", run.error().message}};
  Json out = {{"connections", o.connections},
              {"duration_s", o.duration_s},
              {"reads", ok},
              {"reads_per_s", Round(static_cast<double>(ok) / o.duration_s, 0)},
              {"errors", errors},
              {"latency", Latency(latencies)},
              {"per_second", per_second.Summary(o.duration_s)}};
  if (!first_error.empty()) out["first_error"] = first_error;
  return out;
}

uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

// Starts a server in `data_dir` and logs in (first start: the initial admin).
Result<std::unique_ptr<BenchServer>> StartServer(const fs::path& config, const fs::path& data_dir,
                                                 const ApiBenchOptions& o, Target* target) {
  auto server = BenchServer::Start(config, data_dir, o.server_cpus);
  if (!server.ok()) return server.error();
  target->endpoint = (*server)->endpoint();
  target->server = server->get();
  if (target->token.empty()) {
    auto token = Login(target->endpoint, data_dir);
    if (!token.ok()) return token.error();
    target->token = *token;
  }
  return server;
}

// Deletes every snapshot row of DATA/events.db (no server may be running on it). Snapshots are a
// cache of the log (docs/operations.md): without them a start replays every command.
Status DeleteSnapshots(const fs::path& data) {
  sqlite3* db = nullptr;
  std::string path = (data / "events.db").string();
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error{ErrorCode::kInternal, "opening " + path + ": " + message, ""};
  }
  char* error = nullptr;
  int rc = sqlite3_exec(db, "DELETE FROM snapshots", nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) {
    return Error{ErrorCode::kInternal, "deleting the snapshots of " + path + ": " + message, ""};
  }
  return Status::Ok();
}

// Starts a server on the existing `data` and times it: from fork to the ready file and to the
// first /healthz 200; the replay figures it logs and exports. The server is left running.
Json TimedStart(const ApiBenchOptions& o, const fs::path& data, std::unique_ptr<BenchServer>* out) {
  auto started = BenchServer::Start(o.config, data, o.server_cpus);
  if (!started.ok()) return Json{{"error", started.error().message}};
  BenchServer& server = **started;
  Target t;
  t.endpoint = server.endpoint();
  int64_t healthy_ns = 0;
  int64_t deadline = MonotonicNs() + 60 * kSecondNs;
  while (MonotonicNs() < deadline) {
    auto r = t.Call("GET", "/healthz");
    if (r.ok() && r->status == 200) {
      healthy_ns = MonotonicNs();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto metrics = t.Metrics();
  // "center 'API bench': 271234 commands replayed in 2.34 s, log at seq 1000123", or with a
  // snapshot "center '...': snapshot at command N, then M commands replayed in ...".
  std::string log = server.Log();
  Json logged;
  if (size_t at = log.rfind(" commands replayed in "); at != std::string::npos) {
    size_t begin = log.rfind(' ', at - 1) + 1;
    logged["commands_replayed"] = std::strtoull(log.c_str() + begin, nullptr, 10);
    logged["seconds"] = std::strtod(log.c_str() + at + 22, nullptr);
    size_t line = log.rfind('\n', at);
    line = line == std::string::npos ? 0 : line;
    if (size_t snap = log.find("snapshot at command ", line);
        snap != std::string::npos && snap < at) {
      logged["snapshot_at_command"] = std::strtoull(log.c_str() + snap + 20, nullptr, 10);
    }
    if (size_t seq = log.find("log at seq ", at); seq != std::string::npos) {
      logged["log_at_seq"] = std::strtoull(log.c_str() + seq + 11, nullptr, 10);
    }
  }
  Json result = {
      {"to_ready_file_s",
       Round(static_cast<double>(server.ready_ns() - server.started_ns()) / 1e9, 3)},
      {"to_healthz_s",
       healthy_ns ? Round(static_cast<double>(healthy_ns - server.started_ns()) / 1e9, 3) : -1.0},
      {"log", logged},
      {"hotline_replay_seconds", metrics.ok() ? (*metrics)["hotline_replay_seconds"] : -1.0},
      {"hotline_replay_divergences",
       metrics.ok() ? (*metrics)["hotline_replay_divergences"] : -1.0},
      {"server_rss_mb", server.memory().rss_mb}};
  *out = std::move(*started);
  return result;
}

Json RestartPhase(const ApiBenchOptions& o, const fs::path& work) {
  Json out;
  fs::path data = work / "restart-data";
  Target t;
  auto server = StartServer(o.config, data, o, &t);
  if (!server.ok()) return Json{{"error", server.error().message}};
  if (Status s = SetAgentsReady(t, o.connections); !s.ok())
    return Json{{"error", s.error().message}};

  // Fill through the API: creates until the log holds restart_events events.
  Progress(fmt::format("restart: filling the log to {} events through POST /interactions",
                       o.restart_events));
  Target poller;
  poller.endpoint = t.endpoint;
  poller.token = t.token;
  uint64_t issued = 0, routed = 0, failed = 0;
  bool enough = false;
  double events_now = 0;
  std::vector<uint64_t> sequence(static_cast<size_t>(o.connections), 0);
  int64_t fill_start = MonotonicNs();
  PerSecond per_second;
  auto next = [&](int c) -> std::optional<std::string> {
    if (enough) return std::nullopt;
    if (++issued % 5000 == 0) {
      auto m = poller.Metrics();
      if (m.ok()) events_now = (*m)["hotline_events_appended_total"];
      if (events_now >= static_cast<double>(o.restart_events)) enough = true;
      if (issued % 100000 == 0) {
        Progress(fmt::format("restart: {} creates, {:.0f} events", issued, events_now));
      }
    }
    uint64_t n = sequence[static_cast<size_t>(c)]++;
    return RequestText(
        "POST", "/api/v1/interactions", t.endpoint, t.token,
        fmt::format(R"({{"channel":"{}","queue":"{}","customer":{{"id":"fill-{}-{}"}}}})",
                    o.channel, o.queue, c, n));
  };
  auto on_reply = [&](const LoadReply& r) {
    if (r.status == 201) {
      if (r.body.find("\"state\":\"offering\"") != std::string_view::npos) ++routed;
      per_second.Add(r.received_ns - fill_start);
    } else {
      ++failed;
    }
  };
  auto run = RunLoad(t.endpoint, o.connections, MonotonicNs() + 3600 * kSecondNs, next, on_reply);
  if (!run.ok()) return Json{{"error", run.error().message}};
  double fill_s = static_cast<double>(MonotonicNs() - fill_start) / 1e9;
  auto m = t.Metrics();
  out["fill"] = {{"creates", issued},
                 {"failed", failed},
                 {"routed", routed},
                 {"seconds", Round(fill_s, 1)},
                 {"creates_per_s", Round(static_cast<double>(issued) / fill_s, 0)},
                 {"per_second", per_second.Summary(fill_s)},
                 {"events", m.ok() ? (*m)["hotline_events_appended_total"] : 0.0},
                 {"commands", m.ok() ? (*m)["hotline_commands_total"] : 0.0},
                 {"server_rss_mb", (*server)->memory().rss_mb}};

  // A crash: whatever the server keeps for a fast start (snapshots) is only what it wrote while
  // running.
  (*server)->Kill();
  server->reset();
  Progress("restart: SIGKILL, then starting again on the same data directory");
  std::unique_ptr<BenchServer> restarted;
  out["after_sigkill"] = TimedStart(o, data, &restarted);
  if (!restarted) return out;
  out["data_dir_mb"] = Round(static_cast<double>(DirectoryBytes(data)) / 1e6, 1);

  // A clean stop (SIGTERM), then a start.
  int64_t stop_start = MonotonicNs();
  auto code = restarted->Stop();
  if (!code.ok()) {
    out["error"] = code.error().message;
    return out;
  }
  out["sigterm_stop"] = {
      {"exit_code", *code},
      {"seconds", Round(static_cast<double>(MonotonicNs() - stop_start) / 1e9, 3)}};
  restarted.reset();
  Progress("restart: SIGTERM, then starting again on the same data directory");
  out["after_sigterm"] = TimedStart(o, data, &restarted);
  if (!restarted) return out;

  // The worst case: no usable snapshot (a damaged one, or a log written before snapshots), so
  // the whole log is replayed. Killed first, so that no snapshot is written at the stop.
  restarted->Kill();
  restarted.reset();
  if (Status s = DeleteSnapshots(data); !s.ok()) {
    out["without_snapshots"] = Json{{"error", s.error().message}};
    return out;
  }
  Progress("restart: snapshots deleted, starting again (the whole log is replayed)");
  out["without_snapshots"] = TimedStart(o, data, &restarted);
  if (restarted) {
    auto stopped = restarted->Stop();
    out["without_snapshots"]["exit_code"] = stopped.ok() ? *stopped : -1;
  }
  return out;
}

// A center of `agents` agents: 50 skills, one queue per skill, each agent with 3 of them, voice 1
// and chat 50 (enough slots that no queue saturates); the bench queue's settings otherwise.
std::string GeneratedCenter(int agents) {
  constexpr int kSkills = 50;
  std::string y =
      "# Generated by hotline bench api (rss phase).\n"
      "center: {name: RSS bench}\n"
      "settings: {offer_timeout: 1h, max_missed_offers: 0, wrapup: {mode: none}}\n"
      "skills:\n";
  for (int s = 0; s < kSkills; ++s) y += fmt::format("  - {{id: s{}}}\n", s);
  y += "dispositions:\n  - {id: resolved}\nagents:\n";
  for (int a = 0; a < agents; ++a) {
    // Three different skills: offsets 1-24 and 25-48 from the first never meet.
    int first = a % kSkills;
    int second = (first + 1 + (a / kSkills) % 24) % kSkills;
    int third = (first + 25 + (a / (kSkills * 24)) % 24) % kSkills;
    y += fmt::format(
        "  - {{id: agent{:05}, skills: {{s{}: 3, s{}: 2, s{}: 1}}, capacity: {{voice: 1, chat: "
        "50}}}}\n",
        a, first, second, third);
  }
  y += "queues:\n";
  for (int s = 0; s < kSkills; ++s) {
    y += fmt::format(
        "  - {{id: q{}, requires: {{s{}: 1}}, agent_order: longest_idle, admission: {{max_wait: "
        "5s}}}}\n",
        s, s);
  }
  return y;
}

Json RssPhase(const ApiBenchOptions& o, const fs::path& work) {
  fs::path config = work / "rss-center.yaml";
  std::ofstream(config) << GeneratedCenter(o.rss_agents);
  Json out = {{"agents", o.rss_agents}, {"center_file", config.string()}};
  Target t;
  auto server = StartServer(config, work / "rss-data", o, &t);
  if (!server.ok()) return Json{{"error", server.error().message}};
  out["start_s"] =
      Round(static_cast<double>((*server)->ready_ns() - (*server)->started_ns()) / 1e9, 3);
  auto idle = (*server)->memory();
  out["idle_rss_mb"] = idle.rss_mb;
  if (Status s = SetAgentsReady(t, o.connections); !s.ok()) {
    out["error"] = s.error().message;
    return out;
  }
  out["ready_rss_mb"] = (*server)->memory().rss_mb;
  std::vector<std::string> queues;
  for (int s = 0; s < 50; ++s) queues.push_back(fmt::format("q{}", s));
  ApiBenchOptions load = o;
  load.queue = queues[0];
  Progress(fmt::format("rss: creating for {} s on {} agents", o.duration_s, o.rss_agents));
  Json creates = CreatePhase(t, load, o.connections, queues, /*with_stream=*/false);
  auto loaded = (*server)->memory();
  out["load"] = {{"created", creates.value("created", 0)},
                 {"creates_per_s", creates.value("creates_per_s", 0.0)},
                 {"routed_fraction", creates.value("routed_fraction", 0.0)}};
  if (creates.contains("error")) out["load"]["error"] = creates["error"];
  out["after_load_rss_mb"] = loaded.rss_mb;
  if (Status s = WaitForDrain(t, 120); !s.ok()) out["drain_error"] = s.error().message;
  auto drained = (*server)->memory();
  out["drained_rss_mb"] = drained.rss_mb;
  out["peak_rss_mb"] = drained.hwm_mb;
  auto stopped = (*server)->Stop();
  out["exit_code"] = stopped.ok() ? *stopped : -1;
  return out;
}

}  // namespace

Result<Json> RunApiBench(const ApiBenchOptions& o) {
  if (!o.client_cpus.empty()) {
    auto set = ParseCpus(o.client_cpus);
    if (!set.ok()) return set.error();
    ::sched_setaffinity(0, sizeof *set, &*set);
  }
  bool local = o.url.empty();
  fs::path work = o.work_dir;
  std::error_code ec;
  if (work.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    work = fs::path(tmp && *tmp ? tmp : "/tmp") / fmt::format("hotline-bench-api-{}", ::getpid());
  }
  fs::create_directories(work, ec);
  if (ec) return Error::InvalidArgument("cannot create " + work.string() + ": " + ec.message());
  if (local && (o.phases.count("ws") || o.phases.count("create") || o.phases.count("stats") ||
                o.phases.count("restart"))) {
    if (!fs::exists(o.config)) {
      return Error::InvalidArgument(
          "center file '" + o.config +
              "' not found (run from the repository root or give --config)",
          "config");
    }
  }
  Json out = {{"machine", Machine()},
              {"loadavg_start", LoadAverage()},
              {"server", local ? "started here" : o.url},
              {"client_cpus", o.client_cpus.empty() ? "any" : o.client_cpus},
              {"server_cpus", o.server_cpus.empty() ? "any" : o.server_cpus}};

  bool main_phases = o.phases.count("ws") || o.phases.count("create") || o.phases.count("stats");
  if (main_phases) {
    Target t;
    std::unique_ptr<BenchServer> server;
    if (local) {
      auto started = StartServer(o.config, work / "data", o, &t);
      if (!started.ok()) return started.error();
      server = std::move(*started);
      Progress(
          fmt::format("server pid {} at {}:{}", server->pid(), t.endpoint.host, t.endpoint.port));
    } else {
      auto endpoint = ParseEndpoint(o.url);
      if (!endpoint.ok()) return endpoint.error();
      t.endpoint = *endpoint;
      t.token = o.token;
    }
    if (auto q = t.CallJson("GET", "/api/v1/queues/" + o.queue); !q.ok()) return q.error();
    if (Status s = SetAgentsReady(t, o.connections); !s.ok()) return s.error();
    if (server) out["server_rss_mb_ready"] = server->memory().rss_mb;
    if (o.phases.count("ws")) {
      Progress(fmt::format("ws: one connection creating for {} s, stream watching", o.duration_s));
      out["ws"] = CreatePhase(t, o, 1, {o.queue}, /*with_stream=*/true);
      if (local) {
        if (Status s = WaitForDrain(t, 60); !s.ok()) out["ws"]["drain_error"] = s.error().message;
      }
    }
    if (o.phases.count("create")) {
      Progress(
          fmt::format("create: {} connections creating for {} s", o.connections, o.duration_s));
      out["create"] = CreatePhase(t, o, o.connections, {o.queue}, o.stream_during_create);
      if (local) {
        if (Status s = WaitForDrain(t, 120); !s.ok()) {
          out["create"]["drain_error"] = s.error().message;
        }
      }
    }
    if (o.phases.count("stats")) {
      Progress(fmt::format("stats: {} connections reading queue stats for {} s", o.connections,
                           o.duration_s));
      out["stats"] = StatsPhase(t, o);
    }
    if (server) {
      out["server_rss_mb_end"] = server->memory().rss_mb;
      auto code = server->Stop();
      out["server_exit_code"] = code.ok() ? *code : -1;
    }
  }
  if (o.phases.count("restart")) {
    out["restart"] =
        local ? RestartPhase(o, work) : Json{{"skipped", "needs a server started here (no --url)"}};
  }
  if (o.phases.count("rss")) {
    out["rss"] =
        local ? RssPhase(o, work) : Json{{"skipped", "needs a server started here (no --url)"}};
  }
  out["loadavg_end"] = LoadAverage();
  if (o.keep || !o.work_dir.empty()) {
    out["work_dir"] = work.string();
  } else {
    fs::remove_all(work, ec);
  }
  return out;
}

}  // namespace hotline::cli
