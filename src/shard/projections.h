// Read models folded from the shard's events: interaction history (by id, by customer, recent),
// today's queue figures, and interval KPIs (the same analytics::KpiFold the simulator uses, so a
// report and a simulation mean the same thing).
//
// History lives in the store's interaction table (store::InteractionRow), written in the same
// batch as the events that change it. Memory holds only what the table cannot answer yet: the
// open interactions (not in a terminal state) and closed ones whose last change is appended but
// not yet durable. Every change marks its record; the shard takes the changed rows into the
// batch it appends (TakeChanged) and reports when that batch is durable (Durable), which lets
// closed records go. Reads look in memory first, then in the table, so a write is readable as
// soon as it is appended.
//
// On start: a snapshot restores the open records and the KPI folds; replaying later commands
// rebuilds the rest of memory. Rows replayed commands produce are already in the table (the
// durable truth) and are dropped, not rewritten.
//
// Thread-safety: owned by the shard's loop thread; the log's reads are thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analytics/kpi.h"
#include "base/result.h"
#include "base/time.h"
#include "core/center.h"
#include "core/events.h"
#include "shard/interaction_record.h"
#include "store/event_log.h"

namespace hotline::shard {

class Projections {
 public:
  // `log` holds the interaction table; it must outlive *this.
  Projections(const core::CenterDefinition& center, const store::EventLog* log);
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

  // The rows of the records changed since the last call, for the batch `ticket` (ascending: the
  // command's seq). Once that batch is durable, call Durable(ticket).
  std::vector<store::InteractionRow> TakeChanged(uint64_t ticket);
  // Every batch up to `ticket` is durable: closed records written in them leave memory.
  void Durable(uint64_t ticket);
  // The changed records are already in the table as they are (a replayed command): nothing to
  // encode, and closed ones leave memory at once.
  void DropChanged();

  // Record `id` (memory, then the table), or nullopt. Errors are the store's.
  Result<std::optional<InteractionRecord>> Find(uint64_t id) const;
  // An open (or not yet durable) record, from memory only.
  const InteractionRecord* FindHeld(uint64_t id) const;
  // Interactions of a customer (any identifier value: phone, email, id) created in [from, to),
  // newest first, at most `limit`.
  Result<std::vector<InteractionRecord>> History(const std::string& customer, Instant from,
                                                 Instant to, size_t limit) const;
  // Interactions created in [from, to), newest first, at most `limit` (no customer filter).
  Result<std::vector<InteractionRecord>> Recent(Instant from, Instant to, size_t limit) const;

  // Figures of `queue` for the center's current day (local midnight from the center's UTC
  // offset) as of `now`.
  analytics::Figures Today(core::QueueId queue, Instant now) const;
  // 15-minute rows in [from, to) for `queue` (nullopt: all queues), regrouped into `interval`
  // (a multiple of 15 minutes, aligned to local midnight).
  std::vector<analytics::IntervalRow> Intervals(std::optional<core::QueueId> queue, Instant from,
                                                Instant to, Duration interval) const;

  // Records held in memory: open interactions plus closed ones not yet durable.
  size_t held() const { return held_.size(); }
  // The open records held (not in a terminal state), in id order: the interactions waiting,
  // connected or in wrap-up now.
  std::vector<const InteractionRecord*> Open() const;
  // When `agent`'s presence last changed (agent.presence_changed), or nullopt when it never did.
  std::optional<Instant> PresenceSince(core::AgentId agent) const;

  // The open records and the KPI folds as a snapshot section (binary: CBOR records, the folds'
  // own encoding), and back (into a Projections constructed with the same center). Closed
  // records are in the table by the time the snapshot is stored (it is written after the batches
  // before it). A damaged blob is kDataLoss and leaves *this empty.
  std::string Save() const;
  Status Restore(std::string_view blob);

 private:
  static constexpr Duration kFifteenMinutes = Seconds(15 * 60);
  static constexpr Duration kDay = Seconds(86400);
  struct Held {
    InteractionRecord record;
    uint64_t written_in = 0;    // the ticket of the last batch that carried it
    bool changed = false;       // since the last TakeChanged
    bool keys_changed = false;  // its customer keys too
  };
  // Folds keep rows from `origin` on (count_from = origin: nothing earlier exists).
  static analytics::KpiSettings FoldSettings(Instant origin, Duration interval);
  Instant LocalMidnight(Instant t) const;
  // The held record `id` marked changed, or nullptr when it is not held.
  InteractionRecord* Change(uint64_t id);
  // Decodes table rows and merges them with the held records that `keep` accepts, newest first.
  template <typename Keep>
  Result<std::vector<InteractionRecord>> Merge(Result<std::vector<store::InteractionRow>> rows,
                                               Instant from, Instant to, size_t limit,
                                               Keep keep) const;

  core::CenterDefinition center_;
  const store::EventLog* log_;
  std::unordered_map<uint64_t, Held> held_;
  std::unordered_map<uint32_t, Instant> presence_since_;  // agent index -> last presence change
  std::vector<uint64_t> changed_;                         // ids, each once, since TakeChanged
  std::deque<std::pair<uint64_t, uint64_t>> closing_;     // (ticket, id) of closed rows taken
  std::unique_ptr<analytics::KpiFold> all_time_;
  std::unique_ptr<analytics::KpiFold> today_;
  Instant today_start_{};
  Instant all_time_origin_{};
};

}  // namespace hotline::shard
