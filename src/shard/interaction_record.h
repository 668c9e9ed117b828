// One interaction as history shows it, and its encoding in the store's interaction table
// (store::InteractionRow): a JSON object with short keys, text in the table, CBOR in snapshots.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/center.h"
#include "core/states.h"

namespace hotline::shard {

struct InteractionRecord {
  uint64_t id = 0;
  core::Channel channel = core::Channel::kVoice;
  core::QueueId entry_queue;
  core::QueueId queue;
  core::InteractionState state = core::InteractionState::kCreated;
  std::optional<core::AgentId> agent;
  int priority = 0;
  Instant created_at{};
  std::optional<Instant> connected_at;
  std::optional<Instant> wrapup_at;  // conversation over
  std::optional<Instant> ended_at;   // terminal state reached
  std::optional<double> wait_s;      // until connected or ended in queue
  std::string disposition;
  std::string notes;
  std::string end_reason;
  nlohmann::json customer = nlohmann::json::object();
  nlohmann::json attributes = nlohmann::json::object();
};

// The record as a JSON object, and back. FromJson checks every field and that queues and agents
// lie within `center`; anything else is kDataLoss naming the interaction.
nlohmann::json RecordToJson(const InteractionRecord& record);
Result<InteractionRecord> RecordFromJson(const nlohmann::json& j,
                                         const core::CenterDefinition& center);
// The table's text form (RecordToJson dumped), and back.
Result<InteractionRecord> RecordFromText(std::string_view text,
                                         const core::CenterDefinition& center);

// Every identifier value of a customer object: {"phone": "+886...", "email": "..."}.
std::vector<std::string> CustomerKeys(const nlohmann::json& customer);
// Whether `key` is one of CustomerKeys(customer), without building the list.
bool HasCustomerKey(const nlohmann::json& customer, std::string_view key);

}  // namespace hotline::shard
