// Projections::Save and Restore: the open records and the KPI folds as a snapshot section.
#include <algorithm>
#include <map>

#include "shard/projections.h"
#include "shard/snapshot_codec.h"

namespace hotline::shard {

std::string Projections::Save() const {
  // Closed records are in the table once the snapshot is stored: only open ones, in id order.
  std::vector<uint64_t> open;
  for (const auto& [id, held] : held_) {
    if (!core::IsTerminal(held.record.state)) open.push_back(id);
  }
  std::sort(open.begin(), open.end());
  nlohmann::json records = nlohmann::json::array();
  for (uint64_t id : open) records.push_back(RecordToJson(held_.at(id).record));
  std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(records);
  // [[agent, us], ...] in agent order: the same state, the same bytes.
  std::map<uint32_t, int64_t> by_agent;
  for (const auto& [agent, at] : presence_since_) by_agent[agent] = ToMicros(at);
  nlohmann::json presence = nlohmann::json::array();
  for (const auto& [agent, us] : by_agent) presence.push_back({agent, us});
  nlohmann::json meta = {{"today_start_us", ToMicros(today_start_)},
                         {"all_time_origin_us", ToMicros(all_time_origin_)},
                         {"all_time", all_time_ != nullptr},
                         {"today", today_ != nullptr},
                         {"presence_since_us", presence}};
  return PackSections({meta.dump(), std::string(cbor.begin(), cbor.end()),
                       all_time_ ? all_time_->Save() : std::string(),
                       today_ ? today_->Save() : std::string()});
}

Status Projections::Restore(std::string_view blob) {
  auto damaged = [](const std::string& what) {
    return Error{ErrorCode::kDataLoss, "the snapshot's read models are damaged: " + what, ""};
  };
  auto sections = UnpackSections(blob);
  if (!sections.ok()) return sections.error();
  if (sections->size() != 4) return damaged("expected 4 sections");
  auto meta = nlohmann::json::parse((*sections)[0], nullptr, false);
  auto records = nlohmann::json::from_cbor((*sections)[1], true, false);
  if (!meta.is_object() || !records.is_array()) return damaged("unreadable records");
  try {
    for (const auto& j : records) {
      auto r = RecordFromJson(j, center_);
      if (!r.ok()) {
        held_.clear();
        return r.error();
      }
      uint64_t id = r->id;
      held_[id] = Held{std::move(*r), 0, false, false};
    }
    today_start_ = FromMicros(meta.at("today_start_us").get<int64_t>());
    all_time_origin_ = FromMicros(meta.at("all_time_origin_us").get<int64_t>());
    // Absent in snapshots from before presence times were kept: unknown until the next change.
    for (const auto& pair : meta.value("presence_since_us", nlohmann::json::array())) {
      auto agent = pair.at(0).get<uint32_t>();
      if (agent >= center_.agents.size()) return damaged("presence of an unknown agent");
      presence_since_[agent] = FromMicros(pair.at(1).get<int64_t>());
    }
    if (meta.at("all_time").get<bool>()) {
      auto fold = analytics::KpiFold::Restore(
          center_, FoldSettings(all_time_origin_, kFifteenMinutes), (*sections)[2]);
      if (!fold.ok()) return fold.error();
      all_time_ = std::make_unique<analytics::KpiFold>(std::move(*fold));
    }
    if (meta.at("today").get<bool>()) {
      auto fold =
          analytics::KpiFold::Restore(center_, FoldSettings(today_start_, kDay), (*sections)[3]);
      if (!fold.ok()) return fold.error();
      today_ = std::make_unique<analytics::KpiFold>(std::move(*fold));
    }
  } catch (const std::exception& e) {
    held_.clear();
    return damaged(e.what());
  }
  return Status();
}

}  // namespace hotline::shard
