// Shard snapshots: sections [meta JSON][engine state][read models] in a snapshot_codec container.
// The meta holds the position, the clock, the center document and its source, the users (with
// their password hashes: the snapshot lives in the same database as the commands that carry
// them) and the offer counters.
#include <chrono>

#include "base/log.h"
#include "shard/shard.h"
#include "shard/snapshot_codec.h"

namespace hotline::shard {

using nlohmann::json;

namespace {
// 2: the read models hold only open interactions (history is in the store's table).
constexpr int kSnapshotVersion = 2;
}  // namespace

std::string Shard::EncodeSnapshot() const {
  json users = json::array();
  for (const auto& [id, u] : users_) {
    users.push_back(json{{"id", u.id},
                         {"username", u.username},
                         {"roles", u.roles},
                         {"agent_id", u.agent_id},
                         {"password_hash", u.password_hash},
                         {"created_us", ToMicros(u.created_at)},
                         {"sessions_valid_from_us", ToMicros(u.sessions_valid_from)}});
  }
  json meta = {{"version", kSnapshotVersion},
               {"command_seq", next_command_ - 1},
               {"event_seq", next_seq_ - 1},
               {"last_now_us", ToMicros(last_now_)},
               {"center_source", center_source_},
               {"center", document_->Stored()},
               {"users", std::move(users)},
               {"max_user_id", max_user_id_},
               {"offers_by_outcome", counters_.offers_by_outcome}};
  return PackSections({meta.dump(), engine_->SaveState(), projections_->Save()});
}

Status Shard::RestoreSnapshot(const store::Snapshot& snapshot) {
  auto sections = UnpackSections(snapshot.blob);
  if (!sections.ok()) return sections.error();
  auto damaged = [](const std::string& what) {
    return Error{ErrorCode::kDataLoss, "the snapshot is damaged: " + what, ""};
  };
  if (sections->size() != 3) return damaged("expected 3 sections");
  json meta = json::parse((*sections)[0], nullptr, false);
  if (!meta.is_object() || meta.value("version", 0) != kSnapshotVersion) {
    return damaged("unknown meta version (an older build's snapshot: a full replay follows)");
  }
  try {
    if (meta.at("command_seq").get<uint64_t>() != snapshot.command_seq ||
        meta.at("event_seq").get<uint64_t>() != snapshot.event_seq) {
      return damaged("its position does not match the log's record of it");
    }
    auto doc = CenterDocument::FromStored(meta.at("center"));
    if (!doc.ok()) return doc.error();
    auto engine = core::Engine::Restore(doc->center(), (*sections)[1]);
    if (!engine.ok()) return engine.error();
    auto projections = std::make_unique<Projections>(doc->center(), log_);
    if (Status s = projections->Restore((*sections)[2]); !s.ok()) return s;
    std::map<uint64_t, User> users;
    std::map<std::string, uint64_t> by_name;
    for (const auto& j : meta.at("users")) {
      User u;
      u.id = j.at("id").get<uint64_t>();
      u.username = j.at("username").get<std::string>();
      u.roles = j.at("roles").get<std::vector<std::string>>();
      u.agent_id = j.at("agent_id").get<std::string>();
      u.password_hash = j.at("password_hash").get<std::string>();
      u.created_at = FromMicros(j.at("created_us").get<int64_t>());
      u.sessions_valid_from = FromMicros(j.at("sessions_valid_from_us").get<int64_t>());
      by_name[u.username] = u.id;
      users[u.id] = std::move(u);
    }
    engine_ = std::move(*engine);
    document_ = std::make_unique<CenterDocument>(std::move(*doc));
    projections_ = std::move(projections);
    users_ = std::move(users);
    user_by_name_ = std::move(by_name);
    max_user_id_ = meta.at("max_user_id").get<uint64_t>();
    center_source_ = meta.at("center_source").get<std::string>();
    last_now_ = FromMicros(meta.at("last_now_us").get<int64_t>());
    counters_.offers_by_outcome =
        meta.at("offers_by_outcome").get<std::map<std::string, uint64_t>>();
    next_command_ = snapshot.command_seq + 1;
    next_seq_ = snapshot.event_seq + 1;
    counters_.snapshot_command = snapshot.command_seq;
    last_snapshot_command_ = snapshot.command_seq;
  } catch (const std::exception& e) {
    return damaged(e.what());
  }
  return Status();
}

Status Shard::WriteSnapshot() {
  if (!engine_) return Error::FailedPrecondition("no center is loaded");
  if (next_command_ - 1 == last_snapshot_command_) return Status();  // nothing new since
  auto started = std::chrono::steady_clock::now();
  store::Snapshot snapshot;
  snapshot.command_seq = next_command_ - 1;
  snapshot.event_seq = next_seq_ - 1;
  snapshot.blob = EncodeSnapshot();
  Status s = log_->WriteSnapshot(snapshot);
  if (!s.ok()) return s;
  commands_since_snapshot_ = 0;
  last_snapshot_command_ = snapshot.command_seq;
  ++counters_.snapshots_written;
  Log(LogLevel::kInfo, "shard", "snapshot at command {} ({} bytes) in {:.3f} s",
      snapshot.command_seq, snapshot.blob.size(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return Status();
}

}  // namespace hotline::shard
