#include "shard/projections.h"

#include <algorithm>
#include <map>
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

std::vector<std::string> Projections::CustomerKeys(const nlohmann::json& customer) {
  std::vector<std::string> keys;
  if (!customer.is_object()) return keys;
  for (const auto& [name, value] : customer.items()) {
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
      keys.push_back(value.get<std::string>());
    } else if (value.is_number_integer()) {
      keys.push_back(std::to_string(value.get<int64_t>()));
    }
  }
  return keys;
}

Projections::Projections(const core::CenterDefinition& center) : center_(center) {}

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

  if (e.interaction.value() == 0) return;
  uint64_t id = e.interaction.value();
  if (e.type == EventType::kInteractionCreated) {
    InteractionRecord& r = records_[id];
    r.id = id;
    r.channel = e.channel;
    r.entry_queue = e.queue;
    r.queue = e.queue;
    r.priority = e.priority;
    r.created_at = e.at;
    order_.push_back(id);
    return;
  }
  auto it = records_.find(id);
  if (it == records_.end()) return;
  InteractionRecord& r = it->second;
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
      break;
  }
}

void Projections::SetContact(uint64_t id, nlohmann::json customer, nlohmann::json attributes) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  for (const auto& key : CustomerKeys(customer)) by_customer_[key].push_back(id);
  it->second.customer = std::move(customer);
  it->second.attributes = std::move(attributes);
}

void Projections::SetNotes(uint64_t id, std::string notes) {
  auto it = records_.find(id);
  if (it != records_.end()) it->second.notes = std::move(notes);
}

void Projections::SetAttributes(uint64_t id, nlohmann::json attributes) {
  auto it = records_.find(id);
  if (it != records_.end()) it->second.attributes = std::move(attributes);
}

const InteractionRecord* Projections::Find(uint64_t id) const {
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : &it->second;
}

std::vector<const InteractionRecord*> Projections::History(const std::string& customer,
                                                           Instant from, Instant to,
                                                           size_t limit) const {
  std::vector<const InteractionRecord*> out;
  auto it = by_customer_.find(customer);
  if (it == by_customer_.end()) return out;
  for (auto id = it->second.rbegin(); id != it->second.rend() && out.size() < limit; ++id) {
    const InteractionRecord* r = Find(*id);
    if (r && r->created_at >= from && r->created_at < to) out.push_back(r);
  }
  return out;
}

std::vector<const InteractionRecord*> Projections::Recent(Instant from, Instant to,
                                                          size_t limit) const {
  std::vector<const InteractionRecord*> out;
  for (auto id = order_.rbegin(); id != order_.rend() && out.size() < limit; ++id) {
    const InteractionRecord* r = Find(*id);
    if (!r) continue;
    if (r->created_at < from) break;  // creation order is time order
    if (r->created_at < to) out.push_back(r);
  }
  return out;
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

}  // namespace hotline::shard
