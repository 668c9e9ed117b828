// Crash tests of the real `hotline serve` (README in ../support): what a client was told is
// durable survives SIGKILL, the state a restart rebuilds agrees with the log, and a log damaged
// behind the server's back stops the start with exit code 1 and a message naming the damage.
//
//  - A burst of concurrent writes from several clients (creates, presence changes, accept / end /
//    wrap-up) is cut by SIGKILL. After a restart on the same data directory every write that got
//    a 2xx is in the log, every interaction's state, every agent's presence and the queue's
//    waiting count match what the log says, the replay diverged nowhere, the event seqs have no
//    gap, and new writes continue the log.
//  - A changed event row, a changed command row, a torn WAL tail that loses acknowledged commits,
//    a damaged log-head and a log-head claiming more than the log holds: each makes the next start
//    exit 1 naming the problem; the server never listens, never replays silently. Putting the
//    file back makes the server start again (the refusal changed nothing).
//
// No test sleeps: each waits for a condition with a deadline (support/wait.h).
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/log_head_file.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/wait.h"

namespace hotline::itest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr Millis kBurstDeadline{90'000};

std::string CenterPath() { return HOTLINE_CRASH_CENTER; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string Login(HttpClient& http, const std::string& password) {
  HttpResponse r =
      http.Post("/api/v1/login", json{{"username", "admin"}, {"password", password}}.dump());
  EXPECT_EQ(r.status, 200) << r.body << http.error();
  return r.status == 200 ? r.Json()["token"].get<std::string>() : std::string();
}

// Every event of the log, in order (GET /api/v1/events, page by page).
std::vector<json> AllEvents(HttpClient& http, const std::string& token) {
  std::vector<json> events;
  uint64_t after = 0;
  for (;;) {
    HttpResponse r = http.Get("/api/v1/events?limit=1000&after=" + std::to_string(after), token);
    EXPECT_EQ(r.status, 200) << r.body << http.error();
    if (r.status != 200) return events;
    json page = r.Json();
    if (page["events"].empty()) return events;
    for (auto& e : page["events"]) events.push_back(e);
    after = events.back()["seq"].get<uint64_t>();
  }
}

// The interaction's state as its events tell it (ROUTING.md's state machine, as far as this
// center can drive it).
std::string StateFromEvents(const std::vector<json>& events) {
  static const std::map<std::string, std::string> kTerminal = {
      {"interaction.completed", "completed"}, {"interaction.abandoned", "abandoned"},
      {"interaction.timed_out", "timed_out"}, {"interaction.exited", "exited"},
      {"interaction.rejected", "rejected"},   {"interaction.canceled", "canceled"}};
  std::string state;
  int pending = 0;
  for (const json& e : events) {
    const std::string type = e["type"];
    if (type == "interaction.created") {
      state = "created";
    } else if (type == "interaction.queued") {
      state = "queued";
    } else if (type == "interaction.offered") {
      state = "offering";
      ++pending;
    } else if (type == "offer.accepted") {
      --pending;
    } else if (type == "offer.rejected" || type == "offer.timed_out" || type == "offer.rescinded") {
      if (--pending == 0 && state == "offering") state = "queued";
    } else if (type == "interaction.connected") {
      state = "assigned";
    } else if (type == "interaction.wrapup_started") {
      state = "wrapping";
    } else if (auto it = kTerminal.find(type); it != kTerminal.end()) {
      state = it->second;
    }
  }
  return state;
}

// True when `wanted` appears in `seen` in order (other items may come between).
bool IsSubsequence(const std::vector<std::string>& wanted, const std::vector<std::string>& seen) {
  size_t i = 0;
  for (const std::string& s : seen) {
    if (i < wanted.size() && s == wanted[i]) ++i;
  }
  return i == wanted.size();
}

// The writes that got a 2xx, by kind.
struct Acknowledged {
  std::vector<uint64_t> created;
  std::map<std::string, std::vector<std::string>> presence;  // agent -> presences, in order
  std::vector<uint64_t> accepted_offers;
  std::vector<uint64_t> ended;
  std::vector<uint64_t> wrapped_up;
};

// One client of the burst: its own connection, writing until told to stop or the server is gone.
class BurstClient {
 public:
  BurstClient(uint16_t port, std::string token, std::atomic<bool>* stop, std::atomic<int>* writes)
      : http_(port, Millis(5000)), token_(std::move(token)), stop_(stop), writes_(writes) {}

  void Creates(int client) {
    for (int n = 0; !Done(); ++n) {
      json body = {
          {"channel", "chat"},
          {"queue", "support"},
          {"customer", {{"id", "crash-" + std::to_string(client) + "-" + std::to_string(n)}}}};
      HttpResponse r = Post("/api/v1/interactions", body);
      if (r.status == 201) {
        acked.created.push_back(r.Json()["id"].get<uint64_t>());
        ++*writes_;
      }
    }
  }

  void Presence(const std::vector<std::string>& agents) {
    std::map<std::string, bool> ready;
    for (const auto& a : agents) ready[a] = true;  // set ready before the burst
    for (size_t n = 0; !Done(); ++n) {
      const std::string& agent = agents[n % agents.size()];
      std::string presence = ready[agent] ? "not_ready" : "ready";
      HttpResponse r = Post("/api/v1/agents/" + agent + "/presence",
                            json{{"presence", presence}, {"reason", "crash test"}});
      if (r.status == 200) {
        ready[agent] = !ready[agent];
        acked.presence[agent].push_back(presence);
        ++*writes_;
      }
    }
  }

  void Handle(const std::vector<std::string>& agents) {
    for (size_t n = 0; !Done(); ++n) {
      const std::string& agent = agents[n % agents.size()];
      HttpResponse offers = http_.Get("/api/v1/agents/" + agent + "/offers", token_);
      if (offers.status == 0) {
        failed_ = true;
        return;
      }
      json list = offers.status == 200 ? offers.Json()["offers"] : json::array();
      if (!list.is_array() || list.empty()) continue;
      const json& offer = list[0];
      uint64_t offer_id = offer["id"], interaction = offer["interaction"];
      if (Post("/api/v1/offers/" + std::to_string(offer_id) + "/accept", json::object()).status !=
          200) {
        continue;
      }
      acked.accepted_offers.push_back(offer_id);
      ++*writes_;
      std::string base = "/api/v1/interactions/" + std::to_string(interaction);
      if (Post(base + "/end", json::object()).status != 200) continue;
      acked.ended.push_back(interaction);
      ++*writes_;
      if (Post(base + "/wrapup", json{{"disposition", "resolved"}, {"notes", "crash test"}})
              .status != 200) {
        continue;
      }
      acked.wrapped_up.push_back(interaction);
      ++*writes_;
    }
  }

  Acknowledged acked;

 private:
  bool Done() const { return failed_ || stop_->load(); }

  HttpResponse Post(const std::string& target, const json& body) {
    HttpResponse r = http_.Post(target, body.dump(), token_);
    if (r.status == 0) failed_ = true;  // the server is gone: no retry, nothing sent twice
    return r;
  }

  HttpClient http_;
  std::string token_;
  std::atomic<bool>* stop_;
  std::atomic<int>* writes_;
  bool failed_ = false;
};

TEST(Crash, AcknowledgedWritesSurviveSigkillMidBurstAndTheRebuiltStateMatchesTheLog) {
  ServerProcess::Options options;
  options.config = CenterPath();
  ServerProcess server(options);
  ASSERT_TRUE(server.Start());
  HttpClient http(server.port());
  const std::string token = Login(http, server.AdminPassword());
  ASSERT_FALSE(token.empty());
  const std::vector<std::string> handlers = {"h1", "h2", "h3", "h4"};
  const std::vector<std::string> flippers = {"p1", "p2", "p3", "p4"};
  for (const auto& agent : {"h1", "h2", "h3", "h4", "p1", "p2", "p3", "p4"}) {
    ASSERT_EQ(http.Post(std::string("/api/v1/agents/") + agent + "/presence",
                        R"({"presence":"ready"})", token)
                  .status,
              200);
  }

  // The burst: three creators, one presence flipper, one agent answering offers.
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::vector<std::unique_ptr<BurstClient>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<BurstClient>(server.port(), token, &stop, &writes));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&, i] { clients[i]->Creates(i); });
  threads.emplace_back([&] { clients[3]->Presence(flippers); });
  threads.emplace_back([&] { clients[4]->Handle(handlers); });
  // Mid-burst: once a few hundred writes of every kind are acknowledged, with requests in flight.
  bool enough = WaitUntil(
      [&] {
        return writes.load() >= 400 && clients[4]->acked.wrapped_up.size() >= 5 &&
               clients[3]->acked.presence.size() == flippers.size();
      },
      kBurstDeadline);
  EXPECT_EQ(server.Kill(SIGKILL), 128 + SIGKILL);
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(enough) << "the burst did not reach 400 acknowledged writes of every kind in time ("
                      << writes.load() << ")";

  Acknowledged acked;
  for (auto& c : clients) {
    acked.created.insert(acked.created.end(), c->acked.created.begin(), c->acked.created.end());
    for (auto& [agent, list] : c->acked.presence) acked.presence[agent] = list;
    acked.accepted_offers.insert(acked.accepted_offers.end(), c->acked.accepted_offers.begin(),
                                 c->acked.accepted_offers.end());
    acked.ended.insert(acked.ended.end(), c->acked.ended.begin(), c->acked.ended.end());
    acked.wrapped_up.insert(acked.wrapped_up.end(), c->acked.wrapped_up.begin(),
                            c->acked.wrapped_up.end());
  }

  ASSERT_TRUE(server.Start());
  http.SetPort(server.port());
  EXPECT_EQ(http.Get("/healthz").status, 200);
  // The login was acknowledged before the burst: its session survived the crash too.
  ASSERT_EQ(http.Get("/api/v1/me", token).status, 200);
  EXPECT_NE(http.Get("/metrics").body.find("hotline_replay_divergences 0\n"), std::string::npos)
      << "the replay produced other events than the log holds";

  // The log: seqs 1, 2, 3... without a gap, and what it says about each interaction and agent.
  std::vector<json> events = AllEvents(http, token);
  ASSERT_FALSE(events.empty());
  std::map<uint64_t, std::vector<json>> by_interaction;
  std::set<uint64_t> accepted_offers, ended, completed;
  std::map<std::string, std::vector<std::string>> presence_events;
  std::map<std::string, std::string> last_presence;
  for (size_t i = 0; i < events.size(); ++i) {
    const json& e = events[i];
    ASSERT_EQ(e["seq"].get<uint64_t>(), i + 1) << "a gap in the event seqs";
    const std::string type = e["type"];
    const json& data = e["data"];
    if (data.contains("interaction") && type.starts_with("interaction.")) {
      by_interaction[data["interaction"].get<uint64_t>()].push_back(e);
    } else if (type.starts_with("offer.") && data.contains("interaction")) {
      by_interaction[data["interaction"].get<uint64_t>()].push_back(e);
    }
    if (type == "offer.accepted") accepted_offers.insert(data["offer"].get<uint64_t>());
    if (type == "interaction.wrapup_started") ended.insert(data["interaction"].get<uint64_t>());
    if (type == "interaction.completed") completed.insert(data["interaction"].get<uint64_t>());
    if (type == "agent.presence_changed") {
      presence_events[data["agent"]].push_back(data["presence"]);
      last_presence[data["agent"]] = data["presence"];
    }
    if (type == "agent.logged_out") last_presence[data["agent"]] = "logged_out";
  }

  // Every acknowledged write is there.
  EXPECT_GE(acked.created.size(), 100u);
  for (uint64_t id : acked.created) {
    auto it = by_interaction.find(id);
    ASSERT_TRUE(it != by_interaction.end()) << "acknowledged interaction " << id << " is lost";
    EXPECT_EQ(it->second.front()["type"], "interaction.created") << id;
    HttpResponse r = http.Get("/api/v1/interactions/" + std::to_string(id), token);
    ASSERT_EQ(r.status, 200) << "acknowledged interaction " << id << ": " << r.body;
    json own = r.Json()["events"];
    ASSERT_FALSE(own.empty());
    EXPECT_EQ(own[0]["type"], "interaction.created") << id;
  }
  for (uint64_t offer : acked.accepted_offers) {
    EXPECT_TRUE(accepted_offers.count(offer)) << "acknowledged accept of offer " << offer;
  }
  for (uint64_t id : acked.ended) {
    EXPECT_TRUE(ended.count(id)) << "acknowledged end of " << id;
  }
  for (uint64_t id : acked.wrapped_up) {
    EXPECT_TRUE(completed.count(id)) << "acknowledged wrap-up of " << id;
  }
  for (const auto& [agent, list] : acked.presence) {
    EXPECT_TRUE(IsSubsequence(list, presence_events[agent]))
        << "acknowledged presence changes of " << agent << " are missing from the log";
  }

  // The rebuilt state is the log's: each interaction, each agent, the waiting line.
  int queued = 0, offering = 0;
  for (const auto& [id, list] : by_interaction) {
    HttpResponse r = http.Get("/api/v1/interactions/" + std::to_string(id), token);
    ASSERT_EQ(r.status, 200) << id;
    std::string state = r.Json()["state"];
    EXPECT_EQ(state, StateFromEvents(list)) << "interaction " << id;
    if (state == "queued") ++queued;
    if (state == "offering") ++offering;
  }
  EXPECT_GT(queued, 0) << "the burst should leave interactions waiting";
  for (const auto& [agent, presence] : last_presence) {
    HttpResponse r = http.Get("/api/v1/agents/" + agent, token);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Json()["presence"], presence) << "agent " << agent;
  }
  json stats = http.Get("/api/v1/queues/support/stats", token).Json();
  // Waiting: not yet connected, whether an offer is ringing or not.
  EXPECT_EQ(stats["waiting"], queued + offering) << stats.dump();

  // And the log goes on from where it stopped.
  HttpResponse more =
      http.Post("/api/v1/interactions", R"({"channel":"chat","queue":"support"})", token);
  ASSERT_EQ(more.status, 201) << more.body;
  std::vector<json> after = AllEvents(http, token);
  ASSERT_GT(after.size(), events.size());
  EXPECT_EQ(after[events.size()]["seq"].get<uint64_t>(), events.size() + 1);
  EXPECT_EQ(after[events.size()]["data"]["interaction"], more.Json()["id"]);
  EXPECT_EQ(server.Stop(), 0) << server.Log(4096);
}

// ---- Damage behind the server's back ----

// What a start on a damaged data directory did.
struct RefusedStart {
  int exit_code = -1;  // -1: it was still running at the deadline (it served: a failure)
  bool listened = false;
  std::string output;
};

// Runs `hotline serve` on `data_dir` and waits for it to exit.
RefusedStart StartExpectingRefusal(const fs::path& data_dir, const fs::path& work) {
  fs::path ready = work / "refused.ready", log = work / "refused.log";
  fs::remove(ready);
  std::string binary = ServerProcess::DefaultBinary();
  std::vector<std::string> args = {binary,     "serve",       "--data",       data_dir.string(),
                                   "--http",   "127.0.0.1:0", "--ready-file", ready.string(),
                                   "--config", CenterPath()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  RefusedStart result;
  int status = 0;
  bool exited = WaitUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, Millis(30'000));
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  } else {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.listened = fs::exists(ready) && !ReadFile(ready).empty();
  result.output = ReadFile(log);
  return result;
}

// A data directory with a few interactions in its log, its server stopped by `how`.
class DamagedLog : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcess::Options options;
    options.config = CenterPath();
    options.data_dir = work_.path() / "data";
    server_ = std::make_unique<ServerProcess>(options);
    ASSERT_TRUE(server_->Start());
    HttpClient http(server_->port());
    token_ = Login(http, server_->AdminPassword());
    ASSERT_EQ(http.Post("/api/v1/agents/h1/presence", R"({"presence":"ready"})", token_).status,
              200);
    for (int i = 0; i < 6; ++i) {
      HttpResponse r =
          http.Post("/api/v1/interactions", R"({"channel":"chat","queue":"support"})", token_);
      ASSERT_EQ(r.status, 201) << r.body;
    }
    events_ = AllEvents(http, token_);
    ASSERT_GE(events_.size(), 15u);
  }

  // The seq of the first event of `type`.
  uint64_t FirstSeqOf(const std::string& type) const {
    for (const json& e : events_) {
      if (e["type"] == type) return e["seq"];
    }
    ADD_FAILURE() << "no " << type << " event";
    return 0;
  }

  fs::path data() const { return work_.path() / "data"; }

  // Runs one SQL statement on events.db (the server must be stopped).
  void Sql(const std::string& statement) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data() / "events.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    ASSERT_EQ(sqlite3_changes(db), 1) << statement;
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << statement << ": " << message;
  }

  // The start is refused: exit 1, never listening, with each of `problem` in what it printed.
  void ExpectRefused(std::initializer_list<std::string> problem) {
    RefusedStart start = StartExpectingRefusal(data(), work_.path());
    EXPECT_EQ(start.exit_code, 1) << start.output;
    EXPECT_FALSE(start.listened) << "the server served a damaged log";
    for (const std::string& words : problem) {
      EXPECT_NE(start.output.find(words), std::string::npos)
          << "the message does not name the problem (" << words << "):\n"
          << start.output;
    }
  }

  // After the damage is undone the server starts and serves the same log.
  void ExpectStartsAgain() {
    ASSERT_TRUE(server_->Start());
    HttpClient http(server_->port());
    std::vector<json> events = AllEvents(http, token_);
    ASSERT_GE(events.size(), events_.size());
    for (size_t i = 0; i < events_.size(); ++i) EXPECT_EQ(events[i], events_[i]) << i;
    EXPECT_EQ(server_->Stop(), 0) << server_->Log(4096);
  }

  TempDir work_;
  std::unique_ptr<ServerProcess> server_;
  std::string token_;
  std::vector<json> events_;
};

TEST_F(DamagedLog, AChangedEventRowStopsTheStartNamingItsSeq) {
  ASSERT_EQ(server_->Stop(), 0);
  uint64_t seq = FirstSeqOf("interaction.offered");
  Sql("UPDATE events SET data = '{\"agent\":\"h2\"}' WHERE seq = " + std::to_string(seq));
  ExpectRefused(
      {"data_loss", "events seq " + std::to_string(seq) + " does not match its checksum chain"});
}

TEST_F(DamagedLog, AChangedCommandRowStopsTheStartNamingItsSeq) {
  ASSERT_EQ(server_->Stop(), 0);
  // Command 3 is the first presence change (1: center.load, 2: the admin user); replaying a
  // changed input would rebuild another state than the one the log's events describe.
  Sql("UPDATE commands SET body = replace(body, 'ready', 'not_ready') WHERE seq = 3");
  ExpectRefused({"commands seq 3 does not match its checksum chain"});
}

TEST_F(DamagedLog, ADeletedRowInTheMiddleStopsTheStart) {
  ASSERT_EQ(server_->Stop(), 0);
  uint64_t seq = FirstSeqOf("interaction.queued");
  Sql("DELETE FROM events WHERE seq = " + std::to_string(seq));
  ExpectRefused({"events seq " + std::to_string(seq) + " is missing"});
}

TEST_F(DamagedLog, ATornWalTailThatLosesAcknowledgedCommitsStopsTheStart) {
  // A crash while idle: every write above was acknowledged, the WAL was never checkpointed
  // (SIGKILL), so its last frames are the last acknowledged commit.
  EXPECT_EQ(server_->Kill(SIGKILL), 128 + SIGKILL);
  fs::path wal = data() / "events.db-wal";
  ASSERT_TRUE(fs::exists(wal));
  uintmax_t size = fs::file_size(wal);
  ASSERT_GT(size, 32u + 4096u) << "no frames in the WAL";
  ASSERT_LT(size, 1000u * (24 + 4096)) << "an automatic checkpoint may have emptied the WAL";
  // Tear the last frame: SQLite drops the whole last transaction on recovery, as after a power
  // loss that lost the end of the file.
  std::string whole = ReadFile(wal);
  fs::resize_file(wal, size - 100);
  ExpectRefused({"was acknowledged", "are missing", "log-head"});
  WriteFile(wal, whole);
  ExpectStartsAgain();
}

TEST_F(DamagedLog, ADamagedLogHeadStopsTheStart) {
  ASSERT_EQ(server_->Stop(), 0);
  fs::path head = data() / "log-head";
  std::string original = ReadFile(head);
  std::string damaged = original;
  size_t digit = damaged.find("event ") + 6 + 19;  // the last digit of the event seq
  ASSERT_LT(digit, damaged.size());
  damaged[digit] = damaged[digit] == '7' ? '8' : '7';
  WriteFile(head, damaged);
  ExpectRefused({"log-head is corrupt"});
  WriteFile(head, original);
  ExpectStartsAgain();
}

TEST_F(DamagedLog, ALogHeadAheadOfTheLogStopsTheStart) {
  ASSERT_EQ(server_->Stop(), 0);
  fs::path head = data() / "log-head";
  std::string original = ReadFile(head);
  auto decoded = store::DecodeLogHead(original);
  ASSERT_TRUE(decoded.ok() && decoded->has_value());
  store::LogHead claimed = **decoded;
  claimed.last_event += 3;
  WriteFile(head, store::EncodeLogHead(claimed));
  ExpectRefused({"but seq " + std::to_string(claimed.last_event) + " was acknowledged"});
  WriteFile(head, original);
  ExpectStartsAgain();
}

}  // namespace
}  // namespace hotline::itest
