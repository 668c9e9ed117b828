// One shard's running center: the routing engine, its configuration document, users, and the
// read models, over a durable event log. The API drives it with commands; it answers after the
// command's events are durable.
//
// Every change is a command (a JSON object with an "op") run at an instant by an actor. A command
// that fails changes nothing and is not logged. One that succeeds is logged together with the
// events it caused, in one durable batch; the caller's `done` runs once that batch is durable.
// On start the shard replays the logged commands in order, at their recorded instants, into a
// fresh engine: same commands, same instants, same events (the engine is deterministic). Each
// replayed command's events are hashed and compared with the hash logged live; a mismatch (a new
// build that routes differently) is counted in `replay_divergences` and reported.
//
// Time: the shard reads the Clock once per command and never goes backwards (a clock step back
// is held at the last instant). Engine timers (offer timeouts, wrap-up ends, rings...) are one
// host timer at the engine's next deadline; when it fires the shard runs "clock.advance".
//
// Commands (docs/api.md "Commands" lists their fields):
//   center.load, object.put, object.delete, user.put, user.delete, agent.presence,
//   interaction.create, offer.accept, offer.reject, interaction.end, interaction.wrapup,
//   interaction.cancel, interaction.patch, interaction.callback, interaction.recording,
//   call.event, clock.advance
//
// Thread-safety: everything runs on the loop thread (the host's event loop), except where noted.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "core/engine.h"
#include "shard/center_document.h"
#include "shard/projections.h"
#include "store/event_log.h"

namespace hotline::shard {

// The host's event loop, as the shard needs it.
class Loop {
 public:
  virtual ~Loop() = default;
  // Runs `fn` on the loop thread. Callable from any thread.
  virtual void Post(std::function<void()> fn) = 0;
  // Runs `fn` on the loop thread at `deadline` (UTC), replacing the previous timer.
  // Instant::max(): no timer.
  virtual void SetTimer(Instant deadline, std::function<void()> fn) = 0;
};

struct User {
  uint64_t id = 0;
  std::string username;
  std::vector<std::string> roles;  // "admin", "supervisor", "agent", "analyst"
  std::string agent_id;            // the agent this user may act as (empty: none)
  std::string password_hash;       // argon2id, PHC string
  Instant created_at{};
  // Sessions opened before this instant are void (set when the password changes).
  Instant sessions_valid_from{};
};

// An event as the API and the stream show it: {"seq","type","at","actor","data"}.
struct PublishedEvent {
  uint64_t seq = 0;
  std::string json;
};

struct ShardCounters {
  uint64_t commands = 0;
  uint64_t commands_failed = 0;  // refused with an error (nothing logged)
  uint64_t events = 0;
  uint64_t replayed_commands = 0;
  uint64_t snapshot_command = 0;  // the snapshot the last start restored (0: none)
  uint64_t snapshots_written = 0;
  uint64_t replay_divergences = 0;
  double replay_seconds = 0;
  std::map<std::string, uint64_t> offers_by_outcome;  // "accepted", "rejected", "timed_out"...
};

class Shard {
 public:
  struct Options {
    uint64_t seed = 1;  // the engine's seed for random agent orders (logged with center.load)
    // A snapshot is written after this many commands (and after a long replay at open), so a
    // restart replays at most about this many. 0: never automatically.
    uint64_t snapshot_every = 200'000;
  };

  // Opens the shard over `log`: replays its commands. On an empty log, `initial` is loaded as
  // the first command (it must then be given). When the log is not empty and `initial` differs
  // from the logged center's source, it is NOT applied (the log, with its API edits, wins) and
  // `config_changed()` turns true so the host can say so.
  // `log`, `loop` and `clock` must outlive the shard.
  static Result<std::unique_ptr<Shard>> Open(store::EventLog* log, Loop* loop, const Clock* clock,
                                             const std::optional<std::string>& initial_yaml,
                                             Options options);
  ~Shard();

  using Done = std::function<void(Result<nlohmann::json>)>;
  // Runs `command` as `actor` (e.g. "user:3"). `done` runs on the loop thread, once: with the
  // command's result after its events are durable, or at once with the error (nothing changed).
  void Execute(nlohmann::json command, std::string actor, Done done);
  // Durable key/value writes that are not routing facts (sessions). `done` on the loop thread.
  void WriteState(std::vector<store::StateWrite> writes, std::function<void(Status)> done);

  // Runs `fn` on the loop thread (from any thread): for work finished elsewhere (hashing).
  void Post(std::function<void()> fn) { loop_->Post(std::move(fn)); }

  // Called on the loop thread with every batch of events once durable, in order. Listeners are
  // named ("api", "voice"); setting a name again replaces that listener, an empty function
  // removes it.
  using Listener = std::function<void(const std::vector<PublishedEvent>&)>;
  void SetListener(const std::string& name, Listener listener);

  // Writes a snapshot of the whole shard (engine, center document, users, read models) at the
  // last logged command, durably. Blocks the loop while it encodes and writes (tens of ms for a
  // large center). Open restores the newest snapshot and replays only the commands after it.
  Status WriteSnapshot();

  // From now on every Execute fails with kUnavailable ("shutting down").
  void StopAccepting();
  bool accepting() const { return accepting_ && !failed_; }
  bool failed() const { return failed_; }

  // ---- Reads (loop thread) ----
  const core::Engine& engine() const { return *engine_; }
  const CenterDocument& document() const { return *document_; }
  const Projections& projections() const { return *projections_; }
  const std::map<uint64_t, User>& users() const { return users_; }
  const User* FindUser(uint64_t id) const;
  const User* FindUserByName(const std::string& username) const;
  // The id for a new user: above every id ever given, deleted users' too. Ids are never reused,
  // so an actor in the log ("user:3"), a persisted session or an agent's user_id names one user.
  uint64_t next_user_id() const {
    return std::max(max_user_id_, users_.empty() ? 0 : users_.rbegin()->first) + 1;
  }
  store::EventLog& log() const { return *log_; }
  uint64_t last_seq() const { return next_seq_ - 1; }
  uint64_t durable_seq() const { return durable_seq_; }
  bool config_changed() const { return config_changed_; }
  Instant Now();  // the clock, never before the last command's instant
  ShardCounters counters() const { return counters_; }

  struct Context;

 private:
  Shard(store::EventLog* log, Loop* loop, const Clock* clock, Options options);
  Status Replay();
  std::string EncodeSnapshot() const;
  // Restores the shard from `snapshot`; on error the shard is left without an engine.
  Status RestoreSnapshot(const store::Snapshot& snapshot);
  // Runs one command on the engine at `now`; fills `ctx` with the events to log.
  Result<nlohmann::json> Run(const nlohmann::json& command, Instant now, Context& ctx);
  Result<nlohmann::json> RunConfig(const nlohmann::json& command, Instant now, Context& ctx);
  Result<nlohmann::json> RunInteraction(const nlohmann::json& command, Instant now, Context& ctx);
  void Collect(Context& ctx);  // engine output -> ctx, projections
  void Commit(const nlohmann::json& command, Instant now, const std::string& actor, Context& ctx,
              Done done, nlohmann::json result);
  void ArmTimer();
  Status ApplyCenter(CenterDocument next, Instant now, Context& ctx);
  // An agent may be deleted once logged out, holding nothing, and linked to no user.
  Status CanDeleteAgent(const std::string& id) const;

  store::EventLog* log_;
  Loop* loop_;
  const Clock* clock_;
  Options options_;
  std::unique_ptr<core::Engine> engine_;
  std::unique_ptr<CenterDocument> document_;
  std::unique_ptr<Projections> projections_;
  std::map<uint64_t, User> users_;
  std::map<std::string, uint64_t> user_by_name_;
  uint64_t max_user_id_ = 0;   // the highest user id ever put
  std::string center_source_;  // the hotline.yaml text the log was loaded from
  uint64_t next_seq_ = 1;
  uint64_t next_command_ = 1;
  uint64_t durable_seq_ = 0;
  uint64_t commands_since_snapshot_ = 0;
  uint64_t last_snapshot_command_ = 0;  // the newest snapshot stored (restored or written)
  bool snapshot_posted_ = false;
  Instant last_now_{};
  Instant timer_at_ = Instant::max();
  bool replaying_ = false;
  bool accepting_ = true;
  bool failed_ = false;
  bool config_changed_ = false;
  ShardCounters counters_;
  std::map<std::string, Listener> listeners_;
};

}  // namespace hotline::shard
