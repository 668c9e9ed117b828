#include "shard/projections.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace hotline::shard {
namespace {

using core::EventType;
using core::InteractionState;

}  // namespace

analytics::KpiSettings Projections::FoldSettings(Instant origin, Duration interval) {
  analytics::KpiSettings s;
  s.interval = interval;
  s.origin = origin;
  s.count_from = origin;  // rows are kept from here on: nothing earlier exists
  return s;
}

Projections::Projections(const core::CenterDefinition& center, const store::EventLog* log)
    : center_(center), log_(log) {}

Projections::~Projections() = default;

Instant Projections::LocalMidnight(Instant t) const {
  Duration offset = Seconds(center_.settings.utc_offset_minutes * 60);
  auto local = t + offset;
  auto day = std::chrono::floor<std::chrono::days>(local);
  return Instant(std::chrono::duration_cast<Duration>(day.time_since_epoch())) - offset;
}

void Projections::Reconfigure(const core::CenterDefinition& center) {
  center_ = center;
  if (all_time_) all_time_->Reconfigure(center);
  if (today_) today_->Reconfigure(center);
}

void Projections::Apply(const core::Event& e) {
  // Today's fold starts afresh at local midnight.
  if (!today_ || e.at >= today_start_ + kDay) {
    today_start_ = LocalMidnight(e.at);
    today_ = std::make_unique<analytics::KpiFold>(center_, FoldSettings(today_start_, kDay));
  }
  // Folds keep a row per interval from their origin: start them at the first event's day.
  if (!all_time_) {
    all_time_origin_ = LocalMidnight(e.at);
    all_time_ = std::make_unique<analytics::KpiFold>(
        center_, FoldSettings(all_time_origin_, kFifteenMinutes));
  }
  all_time_->Apply(e);
  today_->Apply(e);
  if (e.type == EventType::kAgentPresenceChanged) presence_since_[e.agent.value()] = e.at;

  if (e.interaction.value() == 0) return;
  uint64_t id = e.interaction.value();
  if (e.type == EventType::kInteractionCreated) {
    held_[id] = Held{};
    InteractionRecord& r = *Change(id);
    r.id = id;
    r.channel = e.channel;
    r.entry_queue = e.queue;
    r.queue = e.queue;
    r.priority = e.priority;
    r.created_at = e.at;
    return;
  }
  // Not held: closed and durable; nothing changes a closed interaction.
  auto it = held_.find(id);
  if (it == held_.end()) return;
  InteractionRecord& r = it->second.record;
  bool changed = true;
  auto end = [&](InteractionState s) {
    r.state = s;
    r.ended_at = e.at;
    if (!r.wait_s) r.wait_s = ToSeconds(e.wait);
    if (!e.reason.empty()) r.end_reason = e.reason;
  };
  switch (e.type) {
    case EventType::kInteractionQueued:
      r.state = InteractionState::kQueued;
      r.queue = e.queue;
      break;
    case EventType::kInteractionStepChanged:
      r.queue = e.queue;
      break;
    case EventType::kInteractionPriorityChanged:
      r.priority = e.priority;
      break;
    case EventType::kInteractionOffered:
      r.state = InteractionState::kOffering;
      break;
    case EventType::kInteractionConnected:
      r.state = InteractionState::kAssigned;
      r.agent = e.agent;
      r.connected_at = e.at;
      r.wait_s = ToSeconds(e.wait);
      break;
    case EventType::kInteractionTransferred:
      r.state = InteractionState::kQueued;
      r.queue = e.queue;
      break;
    case EventType::kInteractionWrapupStarted:
      r.state = InteractionState::kWrapping;
      r.wrapup_at = e.at;
      break;
    case EventType::kInteractionCompleted:
      r.state = InteractionState::kCompleted;
      r.ended_at = e.at;
      r.disposition = e.reason;
      break;
    case EventType::kInteractionAbandoned:
      end(InteractionState::kAbandoned);
      break;
    case EventType::kInteractionTimedOut:
      end(InteractionState::kTimedOut);
      break;
    case EventType::kInteractionExited:
      end(InteractionState::kExited);
      break;
    case EventType::kInteractionRejected:
      end(InteractionState::kRejected);
      break;
    case EventType::kInteractionCanceled:
      end(InteractionState::kCanceled);
      break;
    case EventType::kInteractionCallbackBooked:
      r.channel = core::Channel::kCallback;
      break;
    default:
      changed = false;
      break;
  }
  if (changed) Change(id);
}

InteractionRecord* Projections::Change(uint64_t id) {
  auto it = held_.find(id);
  if (it == held_.end()) return nullptr;
  if (!it->second.changed) {
    it->second.changed = true;
    changed_.push_back(id);
  }
  return &it->second.record;
}

void Projections::SetContact(uint64_t id, nlohmann::json customer, nlohmann::json attributes) {
  InteractionRecord* r = Change(id);
  if (!r) return;
  held_[id].keys_changed = true;
  r->customer = std::move(customer);
  r->attributes = std::move(attributes);
}

void Projections::SetNotes(uint64_t id, std::string notes) {
  if (InteractionRecord* r = Change(id)) r->notes = std::move(notes);
}

void Projections::SetAttributes(uint64_t id, nlohmann::json attributes) {
  if (InteractionRecord* r = Change(id)) r->attributes = std::move(attributes);
}

std::vector<store::InteractionRow> Projections::TakeChanged(uint64_t ticket) {
  std::vector<store::InteractionRow> rows;
  rows.reserve(changed_.size());
  for (uint64_t id : changed_) {
    Held& held = held_.at(id);
    store::InteractionRow& row = rows.emplace_back();
    row.id = id;
    row.created_at = held.record.created_at;
    if (held.keys_changed) row.customer_keys = CustomerKeys(held.record.customer);
    row.record = RecordToJson(held.record).dump();
    held.changed = false;
    held.keys_changed = false;
    held.written_in = ticket;
    if (core::IsTerminal(held.record.state)) closing_.emplace_back(ticket, id);
  }
  changed_.clear();
  return rows;
}

void Projections::Durable(uint64_t ticket) {
  while (!closing_.empty() && closing_.front().first <= ticket) {
    auto it = held_.find(closing_.front().second);
    closing_.pop_front();
    if (it != held_.end() && !it->second.changed && it->second.written_in <= ticket) {
      held_.erase(it);
    }
  }
}

void Projections::DropChanged() {
  for (uint64_t id : changed_) {
    auto it = held_.find(id);
    if (core::IsTerminal(it->second.record.state)) {
      held_.erase(it);
    } else {
      it->second.changed = false;
      it->second.keys_changed = false;
    }
  }
  changed_.clear();
}

const InteractionRecord* Projections::FindHeld(uint64_t id) const {
  auto it = held_.find(id);
  return it == held_.end() ? nullptr : &it->second.record;
}

Result<std::optional<InteractionRecord>> Projections::Find(uint64_t id) const {
  if (const InteractionRecord* r = FindHeld(id)) return std::optional<InteractionRecord>(*r);
  auto row = log_->ReadInteraction(id);
  if (!row.ok()) return row.error();
  if (!row->has_value()) return std::optional<InteractionRecord>();
  auto record = RecordFromText((*row)->record, center_);
  if (!record.ok()) return record.error();
  return std::optional<InteractionRecord>(std::move(*record));
}

template <typename Keep>
Result<std::vector<InteractionRecord>> Projections::Merge(
    Result<std::vector<store::InteractionRow>> rows, Instant from, Instant to, size_t limit,
    Keep keep) const {
  if (!rows.ok()) return rows.error();
  // Held records first: they are newer than their rows in the table.
  std::vector<InteractionRecord> out;
  for (const auto& [id, held] : held_) {
    const InteractionRecord& r = held.record;
    if (r.created_at >= from && r.created_at < to && keep(r)) out.push_back(r);
  }
  for (const store::InteractionRow& row : *rows) {
    if (held_.contains(row.id)) continue;
    auto record = RecordFromText(row.record, center_);
    if (!record.ok()) return record.error();
    out.push_back(std::move(*record));
  }
  std::sort(out.begin(), out.end(), [](const InteractionRecord& a, const InteractionRecord& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<std::vector<InteractionRecord>> Projections::History(const std::string& customer,
                                                            Instant from, Instant to,
                                                            size_t limit) const {
  return Merge(
      log_->ReadCustomerInteractions(customer, from, to, limit), from, to, limit,
      [&customer](const InteractionRecord& r) { return HasCustomerKey(r.customer, customer); });
}

Result<std::vector<InteractionRecord>> Projections::Recent(Instant from, Instant to,
                                                           size_t limit) const {
  return Merge(log_->ReadRecentInteractions(from, to, limit), from, to, limit,
               [](const InteractionRecord&) { return true; });
}

analytics::Figures Projections::Today(core::QueueId queue, Instant now) const {
  if (!today_ || now >= today_start_ + kDay || now < today_start_) return {};
  return today_->Queue(queue);
}

std::vector<analytics::IntervalRow> Projections::Intervals(std::optional<core::QueueId> queue,
                                                           Instant from, Instant to,
                                                           Duration interval) const {
  Instant origin = LocalMidnight(from);
  std::map<Instant, analytics::Figures> grouped;
  if (!all_time_) return {};
  for (const auto& row : all_time_->Intervals()) {
    if (row.queue != queue || row.start < from || row.start >= to) continue;
    Instant start = origin + ((row.start - origin) / interval) * interval;
    grouped[start] += row.figures;
  }
  std::vector<analytics::IntervalRow> out;
  for (auto& [start, figures] : grouped) {
    analytics::IntervalRow row;
    row.start = start;
    row.queue = queue;
    row.figures = figures;
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<const InteractionRecord*> Projections::Open() const {
  std::vector<const InteractionRecord*> out;
  for (const auto& [id, held] : held_) {
    if (!core::IsTerminal(held.record.state)) out.push_back(&held.record);
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->id < b->id; });
  return out;
}

std::optional<Instant> Projections::PresenceSince(core::AgentId agent) const {
  auto it = presence_since_.find(agent.value());
  if (it == presence_since_.end()) return std::nullopt;
  return it->second;
}

}  // namespace hotline::shard
