#include "shard/interaction_record.h"

#include <exception>
#include <functional>
#include <utility>

namespace hotline::shard {

using nlohmann::json;

json RecordToJson(const InteractionRecord& r) {
  auto t = [](const std::optional<Instant>& v) { return v ? json(ToMicros(*v)) : json(nullptr); };
  return json{{"id", r.id},
              {"ch", static_cast<int>(r.channel)},
              {"eq", r.entry_queue.value()},
              {"q", r.queue.value()},
              {"st", static_cast<int>(r.state)},
              {"ag", r.agent ? json(r.agent->value()) : json(nullptr)},
              {"pr", r.priority},
              {"cr", ToMicros(r.created_at)},
              {"co", t(r.connected_at)},
              {"wu", t(r.wrapup_at)},
              {"en", t(r.ended_at)},
              {"w", r.wait_s ? json(*r.wait_s) : json(nullptr)},
              {"di", r.disposition},
              {"no", r.notes},
              {"er", r.end_reason},
              {"cu", r.customer},
              {"at", r.attributes}};
}

Result<InteractionRecord> RecordFromJson(const json& j, const core::CenterDefinition& center) {
  auto damaged = [&j](const std::string& what) {
    std::string id = j.is_object() && j.contains("id") ? j["id"].dump() : "?";
    return Error{ErrorCode::kDataLoss, "interaction " + id + "'s stored record is damaged: " + what,
                 ""};
  };
  auto t = [&j](const char* key) -> std::optional<Instant> {
    const auto& v = j.at(key);
    if (v.is_null()) return std::nullopt;
    return FromMicros(v.get<int64_t>());
  };
  InteractionRecord r;
  try {
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
  } catch (const std::exception& e) {
    return damaged(e.what());
  }
  if (r.entry_queue.value() >= center.queues.size() || r.queue.value() >= center.queues.size() ||
      (r.agent && r.agent->value() >= center.agents.size())) {
    return damaged("it names an unknown queue or agent");
  }
  return r;
}

Result<InteractionRecord> RecordFromText(std::string_view text,
                                         const core::CenterDefinition& center) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) {
    return Error{ErrorCode::kDataLoss, "a stored interaction record is not a JSON object", ""};
  }
  return RecordFromJson(j, center);
}

namespace {

// Calls `fn` with each identifier value of `customer` until it returns true.
bool AnyCustomerKey(const json& customer, const std::function<bool(const std::string&)>& fn) {
  if (!customer.is_object()) return false;
  for (const auto& [name, value] : customer.items()) {
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
      if (fn(value.get_ref<const std::string&>())) return true;
    } else if (value.is_number_integer()) {
      if (fn(std::to_string(value.get<int64_t>()))) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> CustomerKeys(const json& customer) {
  std::vector<std::string> keys;
  AnyCustomerKey(customer, [&keys](const std::string& key) {
    keys.push_back(key);
    return false;
  });
  return keys;
}

bool HasCustomerKey(const json& customer, std::string_view key) {
  return AnyCustomerKey(customer, [key](const std::string& value) { return value == key; });
}

}  // namespace hotline::shard
