#include "store/memory_event_log.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "store/log_rules.h"

namespace hotline::store {
namespace {

// A row as reads return it: keys are not read back.
InteractionRow WithoutKeys(const InteractionRow& row) {
  return InteractionRow{row.id, row.created_at, std::nullopt, row.record};
}

}  // namespace

MemoryEventLog::MemoryEventLog(MemoryLogOptions options) : options_(options) {}

LogHead MemoryEventLog::head() const {
  std::lock_guard lock(mu_);
  return appended_head_;
}

void MemoryEventLog::Append(WriteBatch batch, std::function<void(Status)> done) {
  {
    std::lock_guard lock(mu_);
    Pending pending{std::move(batch), std::move(done), std::nullopt};
    if (failure_) {
      pending.rejected = LogStoppedError(*failure_);
    } else if (Status valid = ValidateBatch(appended_head_, pending.batch); !valid.ok()) {
      failure_ = valid.error();
      pending.rejected = valid.error();
    } else {
      appended_head_ = HeadAfter(appended_head_, pending.batch);
    }
    held_.push_back(std::move(pending));
    ++counters_.pending_batches;
    if (options_.hold_commits) return;
  }
  CommitHeld();
}

size_t MemoryEventLog::CommitHeld() {
  std::deque<Pending> batches;
  std::vector<Status> statuses;
  {
    std::lock_guard lock(mu_);
    batches.swap(held_);
    statuses = CommitLocked(batches);
    counters_.pending_batches -= batches.size();
  }
  for (size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].done) batches[i].done(std::move(statuses[i]));
  }
  return batches.size();
}

std::vector<Status> MemoryEventLog::CommitLocked(std::deque<Pending>& batches) {
  std::vector<Status> statuses(batches.size());
  std::vector<size_t> to_commit;
  for (size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].rejected) {
      statuses[i] = *batches[i].rejected;
    } else if (commit_failure_) {
      statuses[i] = LogStoppedError(*commit_failure_);
    } else {
      to_commit.push_back(i);
    }
  }
  if (to_commit.empty()) return statuses;
  if (fail_next_commit_) {
    commit_failure_ = *fail_next_commit_;
    fail_next_commit_.reset();
    if (!failure_) failure_ = commit_failure_;
    for (size_t i : to_commit) statuses[i] = *commit_failure_;
    return statuses;
  }
  for (size_t i : to_commit) {
    WriteBatch& batch = batches[i].batch;
    counters_.events_appended += batch.events.size();
    counters_.commands_appended += batch.commands.size();
    for (CommandRecord& command : batch.commands) commands_.push_back(std::move(command));
    for (EventRecord& event : batch.events) {
      if (event.interaction != 0) {
        events_by_interaction_[event.interaction].push_back(events_.size());
      }
      events_.push_back(std::move(event));
    }
    for (StateWrite& write : batch.state) {
      if (write.value) {
        state_[write.key] = std::move(*write.value);
      } else {
        state_.erase(write.key);
      }
    }
    for (InteractionRow& row : batch.interactions) UpsertLocked(row);
  }
  counters_.batches_appended += to_commit.size();
  ++counters_.commits;
  return statuses;
}

void MemoryEventLog::UpsertLocked(InteractionRow& row) {
  InteractionRow& stored = interactions_[row.id];
  if (row.customer_keys) {
    if (stored.customer_keys) {
      for (const std::string& key : *stored.customer_keys) by_customer_[key].erase(row.id);
    }
    for (const std::string& key : *row.customer_keys) by_customer_[key].insert(row.id);
  } else {
    row.customer_keys = std::move(stored.customer_keys);
  }
  stored = std::move(row);
}

std::vector<InteractionRow> MemoryEventLog::NewestLocked(const std::set<uint64_t>* ids,
                                                         Instant from, Instant to,
                                                         size_t limit) const {
  std::vector<InteractionRow> out;
  for (const auto& [id, row] : interactions_) {
    if ((ids && !ids->contains(id)) || row.created_at < from || row.created_at >= to) continue;
    out.push_back(WithoutKeys(row));
  }
  std::sort(out.begin(), out.end(), [](const InteractionRow& a, const InteractionRow& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
  out.resize(std::min({out.size(), limit, kMaxReadLimit}));
  return out;
}

Result<std::optional<InteractionRow>> MemoryEventLog::ReadInteraction(uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = interactions_.find(id);
  if (it == interactions_.end()) return std::optional<InteractionRow>();
  return std::optional<InteractionRow>(WithoutKeys(it->second));
}

Result<std::vector<InteractionRow>> MemoryEventLog::ReadCustomerInteractions(
    std::string_view customer_key, Instant from, Instant to, size_t limit) const {
  std::lock_guard lock(mu_);
  auto it = by_customer_.find(customer_key);
  if (it == by_customer_.end()) return std::vector<InteractionRow>();
  return NewestLocked(&it->second, from, to, limit);
}

Result<std::vector<InteractionRow>> MemoryEventLog::ReadRecentInteractions(Instant from, Instant to,
                                                                           size_t limit) const {
  std::lock_guard lock(mu_);
  return NewestLocked(nullptr, from, to, limit);
}

void MemoryEventLog::FailNextCommit(Error error) {
  std::lock_guard lock(mu_);
  fail_next_commit_ = std::move(error);
}

Status MemoryEventLog::Flush() {
  CommitHeld();
  std::lock_guard lock(mu_);
  if (failure_) return *failure_;
  return Status::Ok();
}

Result<std::vector<EventRecord>> MemoryEventLog::ReadEvents(uint64_t after, size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<EventRecord> out;
  limit = std::min(limit, kMaxReadLimit);
  for (uint64_t i = after; i < events_.size() && out.size() < limit; ++i) {
    out.push_back(events_[i]);
  }
  return out;
}

Result<std::vector<EventRecord>> MemoryEventLog::ReadEventsBetween(Instant from, Instant to,
                                                                   uint64_t after,
                                                                   size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<EventRecord> out;
  limit = std::min(limit, kMaxReadLimit);
  for (uint64_t i = after; i < events_.size() && out.size() < limit; ++i) {
    if (events_[i].at >= from && events_[i].at < to) out.push_back(events_[i]);
  }
  return out;
}

Result<std::vector<EventRecord>> MemoryEventLog::ReadInteractionEvents(uint64_t interaction) const {
  std::lock_guard lock(mu_);
  std::vector<EventRecord> out;
  auto it = events_by_interaction_.find(interaction);
  if (it == events_by_interaction_.end()) return out;
  out.reserve(it->second.size());
  for (size_t index : it->second) out.push_back(events_[index]);
  return out;
}

Result<std::vector<CommandRecord>> MemoryEventLog::ReadCommands(uint64_t after,
                                                                size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<CommandRecord> out;
  limit = std::min(limit, kMaxReadLimit);
  for (uint64_t i = after; i < commands_.size() && out.size() < limit; ++i) {
    out.push_back(commands_[i]);
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> MemoryEventLog::ReadState(
    std::string_view prefix) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = state_.lower_bound(std::string(prefix));
       it != state_.end() && std::string_view(it->first).starts_with(prefix); ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

Status MemoryEventLog::WriteSnapshot(const Snapshot& snapshot) {
  CommitHeld();
  std::lock_guard lock(mu_);
  if (failure_) return LogStoppedError(*failure_);
  if (Status valid = ValidateSnapshot(appended_head_, snapshot); !valid.ok()) return valid;
  snapshots_[snapshot.command_seq] = snapshot;
  while (snapshots_.size() > 2) snapshots_.erase(snapshots_.begin());
  return Status::Ok();
}

Result<std::optional<Snapshot>> MemoryEventLog::LatestSnapshot() const {
  std::lock_guard lock(mu_);
  if (snapshots_.empty()) return std::optional<Snapshot>();
  return std::optional<Snapshot>(std::prev(snapshots_.end())->second);
}

LogCounters MemoryEventLog::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

}  // namespace hotline::store
