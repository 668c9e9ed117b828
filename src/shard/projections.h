// Read models folded from the shard's events: interaction history (by id and by customer),
// today's queue figures, and interval KPIs (the same analytics::KpiFold the simulator uses, so a
// report and a simulation mean the same thing). Rebuilt on start by replaying the log.
//
// Thread-safety: owned by the shard's loop thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analytics/kpi.h"
#include "base/time.h"
#include "core/center.h"
#include "core/events.h"

namespace hotline::shard {

// One interaction as history shows it.
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

class Projections {
 public:
  explicit Projections(const core::CenterDefinition& center);
  ~Projections();

  // The center changed (indices stable; new queues appended).
  void Reconfigure(const core::CenterDefinition& center);
  // An engine event, in log order.
  void Apply(const core::Event& event);
  // Facts the engine does not carry, from the commands that created or wrapped up `id`.
  void SetContact(uint64_t id, nlohmann::json customer, nlohmann::json attributes);
  void SetNotes(uint64_t id, std::string notes);
  // interaction.patch replaced the attributes of waiting `id`.
  void SetAttributes(uint64_t id, nlohmann::json attributes);

  const InteractionRecord* Find(uint64_t id) const;
  // Interactions of a customer (any identifier value: phone, email, id) created in [from, to),
  // newest first, at most `limit`.
  std::vector<const InteractionRecord*> History(const std::string& customer, Instant from,
                                                Instant to, size_t limit) const;
  // Interactions created in [from, to), newest first, at most `limit` (no customer filter).
  std::vector<const InteractionRecord*> Recent(Instant from, Instant to, size_t limit) const;

  // Figures of `queue` for the center's current day (local midnight from the center's UTC
  // offset) as of `now`.
  analytics::Figures Today(core::QueueId queue, Instant now) const;
  // 15-minute rows in [from, to) for `queue` (nullopt: all queues), regrouped into `interval`
  // (a multiple of 15 minutes, aligned to local midnight).
  std::vector<analytics::IntervalRow> Intervals(std::optional<core::QueueId> queue, Instant from,
                                                Instant to, Duration interval) const;

  size_t interactions() const { return records_.size(); }

  // The whole read model as a snapshot section, and back (into a Projections constructed with
  // the same center). Restoring then applying the rest of the events gives what applying every
  // event would have. A damaged blob is kDataLoss and leaves *this empty.
  std::string Save() const;
  Status Restore(std::string_view blob);

  // Every identifier value of a customer object: {"phone": "+886...", "email": "..."}.
  static std::vector<std::string> CustomerKeys(const nlohmann::json& customer);

 private:
  static constexpr Duration kFifteenMinutes = Seconds(15 * 60);
  static constexpr Duration kDay = Seconds(86400);
  // Folds keep rows from `origin` on (count_from = origin: nothing earlier exists).
  static analytics::KpiSettings FoldSettings(Instant origin, Duration interval);
  Instant LocalMidnight(Instant t) const;

  core::CenterDefinition center_;
  std::unordered_map<uint64_t, InteractionRecord> records_;
  std::vector<uint64_t> order_;  // ids in creation order
  std::unordered_map<std::string, std::vector<uint64_t>> by_customer_;
  std::unique_ptr<analytics::KpiFold> all_time_;
  std::unique_ptr<analytics::KpiFold> today_;
  Instant today_start_{};
  Instant all_time_origin_{};
};

}  // namespace hotline::shard
