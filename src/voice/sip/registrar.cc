#include "voice/sip/registrar.h"

#include <algorithm>

namespace hotline::voice::sip {

namespace {

// Removes the bindings matching `drop`; erases the agent's entry when none is left.
template <typename Predicate>
size_t EraseBindings(std::map<std::string, std::vector<Binding>>& bindings,
                     std::map<std::string, std::vector<Binding>>::iterator it, Predicate drop) {
  size_t removed = std::erase_if(it->second, drop);
  if (it->second.empty()) bindings.erase(it);
  return removed;
}

}  // namespace

Duration Registrar::Bind(const std::string& agent, const std::string& contact, Duration expires,
                         std::string user_agent, Instant now) {
  if (contact == "*") {
    UnbindAll(agent);
    return Duration::zero();
  }
  if (expires == Duration::zero()) {
    Unbind(agent, contact);
    return Duration::zero();
  }
  const Duration granted = std::clamp(expires, kMinExpires, kMaxExpires);
  std::lock_guard lock(mutex_);
  std::vector<Binding>& list = bindings_[agent];
  std::erase_if(list, [&](const Binding& b) { return b.expires <= now || b.contact == contact; });
  if (list.size() >= kMaxContactsPerAgent) list.erase(list.begin());
  list.push_back({agent, contact, now + granted, std::move(user_agent)});
  return granted;
}

void Registrar::Unbind(const std::string& agent, const std::string& contact) {
  std::lock_guard lock(mutex_);
  auto it = bindings_.find(agent);
  if (it == bindings_.end()) return;
  EraseBindings(bindings_, it, [&](const Binding& b) { return b.contact == contact; });
}

void Registrar::UnbindAll(const std::string& agent) {
  std::lock_guard lock(mutex_);
  bindings_.erase(agent);
}

std::vector<Binding> Registrar::Contacts(const std::string& agent, Instant now) const {
  std::lock_guard lock(mutex_);
  std::vector<Binding> out;
  auto it = bindings_.find(agent);
  if (it == bindings_.end()) return out;
  for (const Binding& b : it->second) {
    if (b.expires > now) out.push_back(b);
  }
  return out;
}

std::vector<Binding> Registrar::All(Instant now) const {
  std::lock_guard lock(mutex_);
  std::vector<Binding> out;
  for (const auto& [agent, list] : bindings_) {
    for (const Binding& b : list) {
      if (b.expires > now) out.push_back(b);
    }
  }
  return out;
}

size_t Registrar::Expire(Instant now) {
  std::lock_guard lock(mutex_);
  size_t removed = 0;
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    auto next = std::next(it);
    removed += EraseBindings(bindings_, it, [&](const Binding& b) { return b.expires <= now; });
    it = next;
  }
  return removed;
}

size_t Registrar::size() const {
  std::lock_guard lock(mutex_);
  size_t total = 0;
  for (const auto& [agent, list] : bindings_) total += list.size();
  return total;
}

}  // namespace hotline::voice::sip
