#include "shard/shard.h"

#include <chrono>
#include <unordered_map>
#include <utility>

#include "base/log.h"
#include "shard/event_codec.h"

namespace hotline::shard {

using nlohmann::json;

// What one command produced, before it is logged.
struct Shard::Context {
  struct Extra {  // an event the shard writes itself (config, users)
    std::string type;
    json data;
  };
  std::vector<Extra> extras;         // come first
  std::vector<core::Event> events;   // the engine's, in order
  json created_contact;              // interaction.create: customer and attributes
  uint64_t created = 0;              // the interaction it created
  std::optional<std::string> notes;  // interaction.wrapup
  uint64_t notes_for = 0;
};

namespace {

constexpr size_t kReplayPage = 5000;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<uint64_t> Id(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
    return Error::InvalidArgument(std::string("'") + key + "' must be a positive integer id", key);
  }
  return it->get<uint64_t>();
}

Result<Section> ParseSection(const std::string& name) {
  for (Section s : {Section::kSkills, Section::kQueues, Section::kAgents, Section::kDispositions}) {
    if (SectionName(s) == name) return s;
  }
  return Error::InvalidArgument("unknown section '" + name + "'", "section");
}

// "queues" -> "queue".
std::string Singular(Section s) {
  std::string name(SectionName(s));
  name.pop_back();
  return name;
}

uint64_t HashExtra(uint64_t h, const std::string& type, const json& data) {
  std::string text = type + data.dump();
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

json UserJson(const User& u) {
  return json{{"id", u.id},
              {"username", u.username},
              {"roles", u.roles},
              {"agent_id", u.agent_id.empty() ? json(nullptr) : json(u.agent_id)}};
}

Error NotFound(const std::string& what, const std::string& field) {
  return Error::NotFound(what + " does not exist", field);
}

// Writes the interaction table of a log from before it existed, from the rows a full replay
// produces: each interaction once per chunk of kReplayPage rows (its latest version), appended
// as interaction-only batches; Finish deletes the rebuild marker and waits for durability.
class HistoryRebuild {
 public:
  explicit HistoryRebuild(store::EventLog* log) : log_(log) {}

  void Add(std::vector<store::InteractionRow> rows) {
    for (store::InteractionRow& row : rows) {
      auto [it, added] = index_.try_emplace(row.id, batch_.interactions.size());
      if (added) {
        batch_.interactions.push_back(std::move(row));
        continue;
      }
      store::InteractionRow& kept = batch_.interactions[it->second];
      if (!row.customer_keys) row.customer_keys = std::move(kept.customer_keys);
      kept = std::move(row);
    }
    if (batch_.interactions.size() >= kReplayPage) Append();
  }

  Status Finish() {
    batch_.state.push_back({std::string(store::kRebuildInteractionsKey), std::nullopt});
    Append();
    return log_->Flush();
  }

 private:
  void Append() {
    log_->Append(std::move(batch_), nullptr);
    batch_ = {};
    index_.clear();
  }

  store::EventLog* log_;
  store::WriteBatch batch_;
  std::unordered_map<uint64_t, size_t> index_;  // id -> its row in batch_
};

}  // namespace

Shard::Shard(store::EventLog* log, Loop* loop, const Clock* clock, Options options)
    : log_(log), loop_(loop), clock_(clock), options_(options) {}

Shard::~Shard() = default;

Result<std::unique_ptr<Shard>> Shard::Open(store::EventLog* log, Loop* loop, const Clock* clock,
                                           const std::optional<std::string>& initial_yaml,
                                           Options options) {
  std::unique_ptr<Shard> shard(new Shard(log, loop, clock, options));
  Status replayed = shard->Replay();
  if (!replayed.ok()) return replayed.error();
  if (!shard->engine_) {
    if (!initial_yaml) {
      return Error::FailedPrecondition("the event log is empty and no center was given");
    }
    auto doc = CenterDocument::FromYaml(*initial_yaml, "hotline.yaml");
    if (!doc.ok()) return doc.error();
    json command = {{"op", "center.load"},
                    {"source", *initial_yaml},
                    {"center", doc->Stored()},
                    {"seed", options.seed}};
    // Errors come back at once; the durable callback is posted to the loop (not running yet).
    auto loaded = std::make_shared<std::optional<Error>>();
    shard->Execute(command, "system", [loaded](Result<json> r) {
      if (!r.ok()) *loaded = r.error();
    });
    if (loaded->has_value()) return **loaded;
    Status flushed = log->Flush();
    if (!flushed.ok()) return flushed.error();
    shard->durable_seq_ = shard->last_seq();
  } else if (initial_yaml && *initial_yaml != shard->center_source_) {
    shard->config_changed_ = true;
  }
  shard->ArmTimer();
  return shard;
}

Instant Shard::Now() {
  Instant now = clock_->Now();
  if (now < last_now_) now = last_now_;
  return now;
}

const User* Shard::FindUser(uint64_t id) const {
  auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

const User* Shard::FindUserByName(const std::string& username) const {
  auto it = user_by_name_.find(username);
  return it == user_by_name_.end() ? nullptr : FindUser(it->second);
}

Status Shard::Replay() {
  auto started = std::chrono::steady_clock::now();
  replaying_ = true;
  store::LogHead head = log_->head();
  uint64_t after = 0;
  // A data directory from before the interaction table: a full replay writes the table.
  auto marker = log_->ReadState(store::kRebuildInteractionsKey);
  if (!marker.ok()) return marker.error();
  std::optional<HistoryRebuild> rebuild;
  if (!marker->empty()) {
    Log(LogLevel::kInfo, "shard",
        "rebuilding the interaction history table from the log ({} commands), once, after an "
        "upgrade",
        head.last_command);
    rebuild.emplace(log_);
  }
  auto snapshot =
      rebuild ? Result<std::optional<store::Snapshot>>(std::nullopt) : log_->LatestSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  if (snapshot->has_value()) {
    Status restored = RestoreSnapshot(**snapshot);
    if (restored.ok()) {
      after = (*snapshot)->command_seq;
    } else {
      // The commands are all still there: a full replay rebuilds the same state.
      Log(LogLevel::kWarn, "shard", "snapshot at command {} not usable ({}); replaying the log",
          (*snapshot)->command_seq, restored.error().message);
      engine_.reset();
      document_.reset();
      projections_.reset();
      users_.clear();
      user_by_name_.clear();
      max_user_id_ = 0;
      counters_.offers_by_outcome.clear();
      counters_.snapshot_command = 0;
    }
  }
  while (after < head.last_command) {
    auto page = log_->ReadCommands(after, kReplayPage);
    if (!page.ok()) return page.error();
    if (page->empty()) break;
    for (const store::CommandRecord& record : *page) {
      json command = json::parse(record.body, nullptr, false);
      if (command.is_discarded()) {
        return Error{ErrorCode::kDataLoss,
                     "command " + std::to_string(record.seq) + " in the log is not JSON", ""};
      }
      Context ctx;
      last_now_ = record.at;
      auto result = Run(command, record.at, ctx);
      if (!result.ok()) {
        ++counters_.replay_divergences;
        Log(LogLevel::kError, "shard", "replay: command {} ({}) failed: {}", record.seq,
            Str(command, "op"), result.error().message);
      }
      uint64_t hash = 0;
      for (const auto& extra : ctx.extras) hash = HashExtra(hash, extra.type, extra.data);
      for (const auto& e : ctx.events) hash = HashEvent(hash, e);
      if (hash != record.events_hash) {
        if (counters_.replay_divergences++ == 0) {
          Log(LogLevel::kWarn, "shard",
              "replay: command {} ({}) produced other events than when it ran (a build that "
              "routes differently?); the stored events stay the record",
              record.seq, Str(command, "op"));
        }
      }
      // The table already holds what replayed commands wrote (except in a rebuild).
      if (projections_ && rebuild) {
        rebuild->Add(projections_->TakeChanged(record.seq));
        projections_->Durable(record.seq);
      } else if (projections_) {
        projections_->DropChanged();
      }
      next_seq_ = record.last_event + 1;
      next_command_ = record.seq + 1;
      ++counters_.replayed_commands;
      after = record.seq;
    }
  }
  if (rebuild) {
    if (Status done = rebuild->Finish(); !done.ok()) return done;
  }
  next_seq_ = std::max(next_seq_, head.last_event + 1);
  durable_seq_ = head.last_event;
  replaying_ = false;
  counters_.replay_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // A long replay is worth a snapshot, so the next start skips it. It is written once the loop
  // runs, after the server has started serving, not before.
  if (engine_ && options_.snapshot_every > 0 &&
      counters_.replayed_commands >= options_.snapshot_every / 2) {
    loop_->Post([this] {
      if (!accepting()) return;
      if (Status s = WriteSnapshot(); !s.ok()) {
        Log(LogLevel::kWarn, "shard", "snapshot after replay failed: {}", s.error().message);
      }
    });
  }
  return Status();
}

void Shard::Execute(json command, std::string actor, Done done) {
  if (failed_) {
    done(Error{ErrorCode::kUnavailable, "the event log failed; the server must restart", ""});
    return;
  }
  if (!accepting_) {
    done(Error{ErrorCode::kUnavailable, "the server is shutting down", ""});
    return;
  }
  Instant now = Now();
  Context ctx;
  auto result = Run(command, now, ctx);
  last_now_ = now;
  if (!result.ok()) {
    ++counters_.commands_failed;
    // Timers that came due before the command still fired: they are logged as what they are.
    if (!ctx.events.empty()) {
      Context timers;
      timers.events = std::move(ctx.events);
      Commit(json{{"op", "clock.advance"}}, now, "timer", timers, [](Result<json>) {}, {});
      ArmTimer();
    }
    done(result.error());
    return;
  }
  if (ctx.extras.empty() && ctx.events.empty() && Str(command, "op") == "clock.advance") {
    ArmTimer();
    done(std::move(result));
    return;
  }
  Commit(command, now, actor, ctx, std::move(done), std::move(*result));
  ArmTimer();
}

void Shard::Commit(const json& command, Instant now, const std::string& actor, Context& ctx,
                   Done done, json result) {
  store::WriteBatch batch;
  auto published = std::make_shared<std::vector<PublishedEvent>>();
  uint64_t hash = 0;
  auto add = [&](std::string type, json data, uint64_t interaction, Instant at) {
    store::EventRecord record;
    record.seq = next_seq_++;
    record.at = at;
    record.type = std::move(type);
    record.actor = actor;
    record.interaction = interaction;
    record.data = data.dump();
    json full = {{"seq", record.seq},
                 {"type", record.type},
                 {"at", FormatRfc3339(at)},
                 {"actor", actor},
                 {"data", std::move(data)}};
    published->push_back({record.seq, full.dump()});
    batch.events.push_back(std::move(record));
  };
  for (auto& extra : ctx.extras) {
    hash = HashExtra(hash, extra.type, extra.data);
    add(extra.type, std::move(extra.data), 0, now);
  }
  const core::CenterDefinition& center = document_->center();
  for (const core::Event& e : ctx.events) {
    hash = HashEvent(hash, e);
    json data = EventData(e, center);
    uint64_t id = e.interaction.value();
    if (e.type == core::EventType::kInteractionCreated && id == ctx.created) {
      data["customer"] = ctx.created_contact.value("customer", json::object());
      data["attributes"] = ctx.created_contact.value("attributes", json::object());
    }
    if (e.type == core::EventType::kInteractionCompleted && ctx.notes && id == ctx.notes_for) {
      data["notes"] = *ctx.notes;
    }
    if (e.type == core::EventType::kInteractionAttributesChanged) {
      if (const InteractionRecord* r = projections_->FindHeld(id)) {
        data["attributes"] = r->attributes;
      }
    }
    if (e.type == core::EventType::kOfferAccepted) ++counters_.offers_by_outcome["accepted"];
    if (e.type == core::EventType::kOfferRejected) ++counters_.offers_by_outcome["rejected"];
    if (e.type == core::EventType::kOfferTimedOut) ++counters_.offers_by_outcome["timed_out"];
    if (e.type == core::EventType::kOfferRescinded) ++counters_.offers_by_outcome["rescinded"];
    add(std::string(core::EventTypeName(e.type)), std::move(data), id, e.at);
  }
  store::CommandRecord record;
  record.seq = next_command_++;
  record.at = now;
  record.actor = actor;
  record.body = command.dump();
  record.last_event = next_seq_ - 1;
  record.events_hash = hash;
  const uint64_t command_seq = record.seq;
  batch.commands.push_back(std::move(record));
  batch.interactions = projections_->TakeChanged(command_seq);
  ++counters_.commands;
  counters_.events += published->size();
  if (options_.snapshot_every > 0 && ++commands_since_snapshot_ >= options_.snapshot_every &&
      !snapshot_posted_) {
    snapshot_posted_ = true;  // after the work already queued on the loop
    loop_->Post([this] {
      snapshot_posted_ = false;
      if (!accepting() || commands_since_snapshot_ < options_.snapshot_every) return;
      if (Status s = WriteSnapshot(); !s.ok()) {
        Log(LogLevel::kWarn, "shard", "snapshot failed: {}", s.error().message);
      }
    });
  }

  auto shared_done = std::make_shared<Done>(std::move(done));
  auto shared_result = std::make_shared<json>(std::move(result));
  log_->Append(
      std::move(batch), [this, command_seq, published, shared_done, shared_result](Status s) {
        loop_->Post([this, command_seq, published, shared_done, shared_result, s] {
          if (!s.ok()) {
            if (!failed_) {
              Log(LogLevel::kError, "shard", "event log append failed: {}", s.error().message);
            }
            failed_ = true;
            (*shared_done)(
                Error{ErrorCode::kUnavailable,
                      "the event log failed; nothing more is accepted: " + s.error().message, ""});
            return;
          }
          if (!published->empty()) durable_seq_ = published->back().seq;
          projections_->Durable(command_seq);
          if (!published->empty()) {
            for (const auto& [name, listener] : listeners_) listener(*published);
          }
          (*shared_done)(std::move(*shared_result));
        });
      });
}

void Shard::WriteState(std::vector<store::StateWrite> writes, std::function<void(Status)> done) {
  if (failed_ || !accepting_) {
    done(Error{ErrorCode::kUnavailable, "the server is not accepting writes", ""});
    return;
  }
  store::WriteBatch batch;
  batch.state = std::move(writes);
  auto shared = std::make_shared<std::function<void(Status)>>(std::move(done));
  log_->Append(std::move(batch), [this, shared](Status s) {
    loop_->Post([this, shared, s] {
      if (!s.ok()) failed_ = true;
      (*shared)(s);
    });
  });
}

void Shard::SetListener(const std::string& name, Listener listener) {
  if (listener) {
    listeners_[name] = std::move(listener);
  } else {
    listeners_.erase(name);
  }
}

void Shard::StopAccepting() {
  accepting_ = false;
  loop_->SetTimer(Instant::max(), nullptr);
}

void Shard::ArmTimer() {
  if (replaying_ || !engine_ || !accepting_) return;
  Instant next = engine_->NextDeadline();
  if (next == timer_at_) return;
  timer_at_ = next;
  loop_->SetTimer(next, [this] {
    timer_at_ = Instant::max();
    Execute(json{{"op", "clock.advance"}}, "timer", [](Result<json>) {});
    ArmTimer();
  });
}

void Shard::Collect(Context& ctx) {
  core::Output& out = engine_->output();
  for (core::Event& e : out.events) {
    projections_->Apply(e);
    ctx.events.push_back(std::move(e));
  }
  engine_->ClearOutput();
}

Status Shard::CanDeleteAgent(const std::string& id) const {
  if (auto agent = document_->center().FindAgent(id)) {
    core::AgentView view = engine_->agent(*agent);
    if (view.presence != core::Presence::kLoggedOut) {
      return Error::FailedPrecondition("agent '" + id + "' is logged in; log it out first", "id");
    }
    for (int load : view.load) {
      if (load > 0) {
        return Error::FailedPrecondition("agent '" + id + "' still holds interactions", "id");
      }
    }
  }
  for (const auto& [user_id, user] : users_) {
    if (user.agent_id == id) {
      return Error::FailedPrecondition(
          "agent '" + id + "' is linked to user " + std::to_string(user_id) + "; unlink it first",
          "id");
    }
  }
  return Status();
}

Status Shard::ApplyCenter(CenterDocument next, Instant now, Context& ctx) {
  Status s = engine_->Reconfigure(next.center(), now);
  if (!s.ok()) return s;
  projections_->Reconfigure(next.center());
  document_ = std::make_unique<CenterDocument>(std::move(next));
  Collect(ctx);
  return Status();
}

Result<json> Shard::Run(const json& command, Instant now, Context& ctx) {
  if (!command.is_object()) return Error::InvalidArgument("a command is a JSON object");
  std::string op = Str(command, "op");
  if (op == "center.load") {
    if (engine_) return Error::FailedPrecondition("the center is already loaded");
    auto doc = CenterDocument::FromStored(command.value("center", json()));
    if (!doc.ok()) return doc.error();
    center_source_ = Str(command, "source");
    uint64_t seed = command.value("seed", uint64_t{1});
    engine_ = std::make_unique<core::Engine>(doc->center(), seed);
    projections_ = std::make_unique<Projections>(doc->center(), log_);
    document_ = std::make_unique<CenterDocument>(std::move(*doc));
    ctx.extras.push_back({"center.loaded", {{"name", document_->center().name}}});
    engine_->AdvanceTo(now);
    Collect(ctx);
    return json{{"loaded", true}};
  }
  if (!engine_) return Error::FailedPrecondition("no center is loaded");
  engine_->AdvanceTo(now);  // timers due before this command fire first
  Collect(ctx);
  if (op.starts_with("object.") || op.starts_with("user.")) return RunConfig(command, now, ctx);
  return RunInteraction(command, now, ctx);
}

Result<json> Shard::RunConfig(const json& command, Instant now, Context& ctx) {
  std::string op = Str(command, "op");
  if (op == "object.put" || op == "object.delete") {
    auto section = ParseSection(Str(command, "section"));
    if (!section.ok()) return section.error();
    std::string id = Str(command, "id");
    bool existed = document_->Find(*section, id) != nullptr;
    Result<CenterDocument> next = Error::InvalidArgument("");
    if (op == "object.put") {
      next = document_->Put(*section, id, command.value("body", json()));
    } else {
      if (*section == Section::kAgents) {
        if (Status s = CanDeleteAgent(id); !s.ok()) return s.error();
      }
      if (*section == Section::kQueues) {
        if (auto q = document_->center().FindQueue(id)) {
          if (engine_->queue(*q).waiting > 0) {
            return Error::FailedPrecondition("queue '" + id + "' has interactions waiting", "id");
          }
          for (core::InteractionId live : engine_->LiveInteractions()) {
            auto view = engine_->interaction(live);
            if (view && (view->queue == *q || view->entry_queue == *q)) {
              return Error::FailedPrecondition("queue '" + id + "' has interactions in progress",
                                               "id");
            }
          }
        }
      }
      next = document_->Delete(*section, id);
    }
    if (!next.ok()) return next.error();
    json data = {{"id", id}};
    if (op == "object.put") {
      if (const json* object = next->Find(*section, id)) data["object"] = *object;
    }
    std::string verb = op == "object.delete" ? "deleted" : existed ? "updated" : "created";
    ctx.extras.push_back({Singular(*section) + "." + verb, std::move(data)});
    Status applied = ApplyCenter(std::move(*next), now, ctx);
    if (!applied.ok()) return applied.error();
    if (op == "object.delete") return json{{"deleted", id}};
    return *document_->Find(*section, id);
  }
  if (op == "user.put") {
    auto id = Id(command, "id");
    if (!id.ok()) return id.error();
    User user;
    user.id = *id;
    user.username = Str(command, "username");
    user.roles = command.value("roles", std::vector<std::string>{});
    user.agent_id = Str(command, "agent_id");
    user.password_hash = Str(command, "password_hash");
    if (user.username.empty()) return Error::InvalidArgument("a username is needed", "username");
    if (const User* other = FindUserByName(user.username); other && other->id != user.id) {
      return Error{ErrorCode::kAlreadyExists, "username '" + user.username + "' is taken",
                   "username"};
    }
    if (!user.agent_id.empty() && !document_->Find(Section::kAgents, user.agent_id)) {
      return NotFound("agent '" + user.agent_id + "'", "agent_id");
    }
    auto existing = users_.find(user.id);
    bool existed = existing != users_.end();
    if (existed) {
      user.sessions_valid_from = existing->second.sessions_valid_from;
      if (user.password_hash.empty()) {
        user.password_hash = existing->second.password_hash;
      } else if (user.password_hash != existing->second.password_hash) {
        user.sessions_valid_from = now;  // a new password logs out every session
      }
      user.created_at = existing->second.created_at;
      user_by_name_.erase(existing->second.username);
    } else {
      user.created_at = now;
    }
    if (user.password_hash.empty())
      return Error::InvalidArgument("a password is needed", "password");
    json data = UserJson(user);
    user_by_name_[user.username] = user.id;
    users_[user.id] = user;
    max_user_id_ = std::max(max_user_id_, user.id);
    ctx.extras.push_back({existed ? "user.updated" : "user.created", data});
    return data;
  }
  if (op == "user.delete") {
    auto id = Id(command, "id");
    if (!id.ok()) return id.error();
    auto it = users_.find(*id);
    if (it == users_.end()) return NotFound("user " + std::to_string(*id), "id");
    user_by_name_.erase(it->second.username);
    users_.erase(it);
    ctx.extras.push_back({"user.deleted", {{"id", *id}}});
    return json{{"deleted", *id}};
  }
  return Error::InvalidArgument("unknown command '" + op + "'", "op");
}

Result<json> Shard::RunInteraction(const json& command, Instant now, Context& ctx) {
  std::string op = Str(command, "op");
  const core::CenterDefinition& center = document_->center();
  auto interaction_id = [&]() -> Result<core::InteractionId> {
    auto id = Id(command, "interaction");
    if (!id.ok()) return id.error();
    if (engine_->interaction(core::InteractionId(*id))) return core::InteractionId(*id);
    auto record = projections_->Find(*id);
    if (!record.ok()) return record.error();
    if (!*record) return NotFound("interaction " + std::to_string(*id), "id");
    return core::InteractionId(*id);
  };
  auto state_of = [&](uint64_t id) -> json {
    if (auto view = engine_->interaction(core::InteractionId(id))) {
      return core::InteractionStateName(view->state);
    }
    auto record = projections_->Find(id);
    return record.ok() && *record ? json(core::InteractionStateName((*record)->state))
                                  : json(nullptr);
  };
  Status s;
  json result = json::object();
  if (op == "clock.advance") {
    return json::object();  // Run() already advanced the engine
  } else if (op == "agent.presence") {
    std::string agent_id = Str(command, "agent");
    auto agent = center.FindAgent(agent_id);
    if (!agent || !document_->Find(Section::kAgents, agent_id)) {
      return NotFound("agent '" + agent_id + "'", "agent");
    }
    auto presence = core::ParsePresence(Str(command, "presence"));
    if (!presence) {
      return Error::InvalidArgument("presence is ready, not_ready or logged_out", "presence");
    }
    s = engine_->SetPresence(*agent, *presence, Str(command, "reason"), now);
    if (s.ok()) {
      const core::AgentView view = engine_->agent(*agent);
      result = {{"agent", agent_id},
                {"presence", core::PresenceName(view.presence)},
                {"routing_state", core::RoutingStateName(view.routing_state)}};
    }
  } else if (op == "interaction.create") {
    core::InteractionSpec spec;
    auto channel = core::ParseChannel(Str(command, "channel"));
    if (!channel) return Error::InvalidArgument("unknown channel", "channel");
    spec.channel = *channel;
    std::string queue_id = Str(command, "queue");
    auto queue = center.FindQueue(queue_id);
    if (!queue || document_->IsDeleted(Section::kQueues, queue_id)) {
      return Error::InvalidArgument("queue '" + queue_id + "' does not exist", "queue");
    }
    spec.queue = *queue;
    spec.priority = command.value("priority", 0);
    auto attributes = AttributesFromJson(command.value("attributes", json::object()), "attributes");
    if (!attributes.ok()) return attributes.error();
    spec.attributes = std::move(*attributes);
    auto id = engine_->CreateInteraction(spec, now);
    if (!id.ok()) return id.error();
    ctx.created = id->value();
    ctx.created_contact = {{"customer", command.value("customer", json::object())},
                           {"attributes", command.value("attributes", json::object())}};
    Collect(ctx);
    projections_->SetContact(id->value(), ctx.created_contact["customer"],
                             ctx.created_contact["attributes"]);
    return json{{"id", id->value()}, {"state", state_of(id->value())}};
  } else if (op == "offer.accept" || op == "offer.reject") {
    auto offer = Id(command, "offer");
    if (!offer.ok()) return offer.error();
    if (op == "offer.accept") {
      s = engine_->AcceptOffer(core::OfferId(*offer), now);
    } else {
      auto reason = Str(command, "reason") == "busy" ? core::RejectReason::kBusy
                                                     : core::RejectReason::kDeclined;
      s = engine_->RejectOffer(core::OfferId(*offer), reason, now);
    }
    result = {{"offer", *offer}, {"state", op == "offer.accept" ? "accepted" : "rejected"}};
  } else if (op == "call.event") {
    // What happened to a phone call outside the engine (voice): started, its flow's steps, ended.
    std::string type = Str(command, "type");
    if (type != "call.started" && type != "call.flow" && type != "call.ended") {
      return Error::InvalidArgument("type must be call.started, call.flow or call.ended", "type");
    }
    auto call = Id(command, "call");
    if (!call.ok()) return call.error();
    json data = command.value("data", json::object());
    if (!data.is_object() || data.dump().size() > 4096) {
      return Error::InvalidArgument("data must be an object of at most 4 KiB", "data");
    }
    data["call"] = *call;
    ctx.extras.push_back({type, std::move(data)});
    return json{{"call", *call}};
  } else if (op == "interaction.recording") {
    // A finished recording of the call (voice): a fact about the interaction, whatever its state.
    auto id = interaction_id();
    if (!id.ok()) return id.error();
    std::string file = Str(command, "file");
    if (file.empty() || file.size() > 255 || file.find('/') != std::string::npos) {
      return Error::InvalidArgument("file must be a plain file name", "file");
    }
    ctx.extras.push_back({"interaction.recorded",
                          {{"interaction", id->value()},
                           {"file", file},
                           {"seconds", command.value("seconds", 0.0)}}});
    return json{{"id", id->value()}, {"file", file}};
  } else if (op == "interaction.end" || op == "interaction.wrapup" || op == "interaction.cancel" ||
             op == "interaction.patch" || op == "interaction.callback") {
    auto id = interaction_id();
    if (!id.ok()) return id.error();
    // It exists but has ended: a conflict with its state (409), not a missing one (404).
    if (!engine_->interaction(*id)) {
      return Error::FailedPrecondition("interaction " + std::to_string(id->value()) + " is " +
                                           state_of(id->value()).get<std::string>() + ", over",
                                       "id");
    }
    if (op == "interaction.end") {
      s = engine_->EndInteraction(*id, now);
    } else if (op == "interaction.callback") {
      s = engine_->BookCallback(*id, now);
    } else if (op == "interaction.wrapup") {
      std::string disposition = Str(command, "disposition");
      if (!center.HasDisposition(disposition)) {
        return Error::InvalidArgument("disposition '" + disposition + "' does not exist",
                                      "disposition");
      }
      s = engine_->CompleteWrapup(*id, disposition, now);
      if (s.ok()) {
        ctx.notes = Str(command, "notes");
        ctx.notes_for = id->value();
        projections_->SetNotes(id->value(), *ctx.notes);
      }
    } else if (op == "interaction.cancel") {
      std::string reason = Str(command, "reason");
      auto why = reason == "abandoned" ? core::CancelReason::kAbandoned
                 : reason == "exited"  ? core::CancelReason::kExited
                                       : core::CancelReason::kCanceled;
      s = engine_->CancelInteraction(*id, why, now);
    } else {
      // Both checked before either applies: a rejected patch changes nothing.
      std::optional<std::map<std::string, core::Value>> attributes;
      if (auto it = command.find("attributes"); it != command.end()) {
        auto parsed = AttributesFromJson(*it, "attributes");
        if (!parsed.ok()) return parsed.error();
        attributes = std::move(*parsed);
      }
      auto view = engine_->interaction(*id);
      if (!view || (view->state != core::InteractionState::kQueued &&
                    view->state != core::InteractionState::kOffering)) {
        return Error::FailedPrecondition("only a waiting interaction can be changed", "id");
      }
      if (auto it = command.find("priority"); it != command.end() && it->is_number_integer()) {
        s = engine_->ChangePriority(*id, it->get<int>(), now);
      }
      if (attributes && s.ok()) {
        s = engine_->SetAttributes(*id, std::move(*attributes), now);
        if (s.ok()) projections_->SetAttributes(id->value(), command.at("attributes"));
      }
    }
    if (s.ok()) result = {{"id", id->value()}};
    Collect(ctx);
    if (s.ok()) result["state"] = state_of(id->value());
  } else {
    return Error::InvalidArgument("unknown command '" + op + "'", "op");
  }
  if (!s.ok()) return s.error();
  Collect(ctx);
  return result;
}

}  // namespace hotline::shard
