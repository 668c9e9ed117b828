// Projections::Save and Restore: the read models as a snapshot section.
#include "shard/projections.h"
#include "shard/snapshot_codec.h"

namespace hotline::shard {
namespace {

nlohmann::json RecordJson(const InteractionRecord& r) {
  auto t = [](const std::optional<Instant>& v) {
    return v ? nlohmann::json(ToMicros(*v)) : nlohmann::json(nullptr);
  };
  return nlohmann::json{
      {"id", r.id},
      {"ch", static_cast<int>(r.channel)},
      {"eq", r.entry_queue.value()},
      {"q", r.queue.value()},
      {"st", static_cast<int>(r.state)},
      {"ag", r.agent ? nlohmann::json(r.agent->value()) : nlohmann::json(nullptr)},
      {"pr", r.priority},
      {"cr", ToMicros(r.created_at)},
      {"co", t(r.connected_at)},
      {"wu", t(r.wrapup_at)},
      {"en", t(r.ended_at)},
      {"w", r.wait_s ? nlohmann::json(*r.wait_s) : nlohmann::json(nullptr)},
      {"di", r.disposition},
      {"no", r.notes},
      {"er", r.end_reason},
      {"cu", r.customer},
      {"at", r.attributes}};
}

InteractionRecord RecordFrom(const nlohmann::json& j) {
  auto t = [&](const char* key) -> std::optional<Instant> {
    const auto& v = j.at(key);
    if (v.is_null()) return std::nullopt;
    return FromMicros(v.get<int64_t>());
  };
  InteractionRecord r;
  r.id = j.at("id").get<uint64_t>();
  r.channel = static_cast<core::Channel>(j.at("ch").get<int>());
  r.entry_queue = core::QueueId(j.at("eq").get<uint32_t>());
  r.queue = core::QueueId(j.at("q").get<uint32_t>());
  r.state = static_cast<core::InteractionState>(j.at("st").get<int>());
  if (!j.at("ag").is_null()) r.agent = core::AgentId(j.at("ag").get<uint32_t>());
  r.priority = j.at("pr").get<int>();
  r.created_at = FromMicros(j.at("cr").get<int64_t>());
  r.connected_at = t("co");
  r.wrapup_at = t("wu");
  r.ended_at = t("en");
  if (!j.at("w").is_null()) r.wait_s = j.at("w").get<double>();
  r.disposition = j.at("di").get<std::string>();
  r.notes = j.at("no").get<std::string>();
  r.end_reason = j.at("er").get<std::string>();
  r.customer = j.at("cu");
  r.attributes = j.at("at");
  return r;
}

}  // namespace

std::string Projections::Save() const {
  nlohmann::json records = nlohmann::json::array();
  for (uint64_t id : order_) records.push_back(RecordJson(records_.at(id)));
  nlohmann::json meta = {{"today_start_us", ToMicros(today_start_)},
                         {"all_time_origin_us", ToMicros(all_time_origin_)},
                         {"all_time", all_time_ != nullptr},
                         {"today", today_ != nullptr}};
  return PackSections({meta.dump(), records.dump(), all_time_ ? all_time_->Save() : std::string(),
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
  auto records = nlohmann::json::parse((*sections)[1], nullptr, false);
  if (!meta.is_object() || !records.is_array()) return damaged("not JSON");
  try {
    for (const auto& j : records) {
      InteractionRecord r = RecordFrom(j);
      if (r.entry_queue.value() >= center_.queues.size() ||
          r.queue.value() >= center_.queues.size() ||
          (r.agent && r.agent->value() >= center_.agents.size())) {
        return damaged("interaction " + std::to_string(r.id) + " names an unknown queue or agent");
      }
      order_.push_back(r.id);
      uint64_t id = r.id;
      nlohmann::json customer = r.customer;
      records_.emplace(id, std::move(r));
      for (const auto& key : CustomerKeys(customer)) by_customer_[key].push_back(id);
    }
    today_start_ = FromMicros(meta.at("today_start_us").get<int64_t>());
    all_time_origin_ = FromMicros(meta.at("all_time_origin_us").get<int64_t>());
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
    records_.clear();
    order_.clear();
    by_customer_.clear();
    return damaged(e.what());
  }
  return Status();
}

}  // namespace hotline::shard
