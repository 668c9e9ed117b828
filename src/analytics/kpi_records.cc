// Figures of spec/KPI.md that come from other records than routing events: FCR, survey scores,
// IVR containment, adherence.
#include <algorithm>
#include <numeric>
#include <tuple>
#include <utility>

#include "analytics/kpi.h"

namespace hotline::analytics {

// A completed contact is resolved when the same customer made no new contact on the same queue
// from its completion up to `window` later (both ends included). Contacts created before the
// completion (even while it was in progress) are not "after" it.
std::optional<double> FirstContactResolution(const std::vector<ContactRecord>& contacts,
                                             Duration window) {
  std::vector<size_t> order(contacts.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto key = [&](size_t i) {
    const ContactRecord& c = contacts[i];
    return std::tuple(c.customer, c.queue.value(), c.created);
  };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });

  int64_t completed = 0;
  int64_t resolved = 0;
  size_t group_begin = 0;
  while (group_begin < order.size()) {
    const ContactRecord& first = contacts[order[group_begin]];
    size_t group_end = group_begin + 1;
    while (group_end < order.size() && contacts[order[group_end]].customer == first.customer &&
           contacts[order[group_end]].queue == first.queue) {
      ++group_end;
    }
    for (size_t g = group_begin; g < group_end; ++g) {
      const ContactRecord& c = contacts[order[g]];
      if (!c.completed) continue;
      ++completed;
      const Instant until = c.completed_at + window;
      auto it =
          std::partition_point(order.begin() + static_cast<std::ptrdiff_t>(group_begin),
                               order.begin() + static_cast<std::ptrdiff_t>(group_end),
                               [&](size_t i) { return contacts[i].created < c.completed_at; });
      bool repeat = false;
      for (; it != order.begin() + static_cast<std::ptrdiff_t>(group_end); ++it) {
        if (contacts[*it].created > until) break;
        if (*it != order[g]) {
          repeat = true;
          break;
        }
      }
      if (!repeat) ++resolved;
    }
    group_begin = group_end;
  }
  if (completed == 0) return std::nullopt;
  return static_cast<double>(resolved) / static_cast<double>(completed);
}

std::optional<double> Csat(const std::vector<int>& answers) {
  int64_t valid = 0;
  int64_t satisfied = 0;
  for (int a : answers) {
    if (a < 1 || a > 5) continue;
    ++valid;
    satisfied += a >= 4;
  }
  if (valid == 0) return std::nullopt;
  return static_cast<double>(satisfied) / static_cast<double>(valid);
}

std::optional<double> Nps(const std::vector<int>& answers) {
  int64_t valid = 0;
  int64_t promoters = 0;
  int64_t detractors = 0;
  for (int a : answers) {
    if (a < 0 || a > 10) continue;
    ++valid;
    promoters += a >= 9;
    detractors += a <= 6;
  }
  if (valid == 0) return std::nullopt;
  return 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(valid);
}

std::optional<double> Ces(const std::vector<int>& answers) {
  int64_t valid = 0;
  int64_t sum = 0;
  for (int a : answers) {
    if (a < 1 || a > 7) continue;
    ++valid;
    sum += a;
  }
  if (valid == 0) return std::nullopt;
  return static_cast<double>(sum) / static_cast<double>(valid);
}

std::optional<double> IvrContainment(int64_t entered_flow, int64_t contained_with_success) {
  if (entered_flow <= 0) return std::nullopt;
  return static_cast<double>(contained_with_success) / static_cast<double>(entered_flow);
}

// Time is measured exactly (microseconds), which is the minute count when spans fall on minutes.
// The agent is on the phone during the union of its on_phone spans and off it at every other
// instant (not-ready, logged out, or no record). Each scheduled span counts on its own.
std::optional<double> Adherence(const std::vector<ScheduledSpan>& schedule,
                                const std::vector<StateSpan>& actual) {
  // The union of on-phone time, as sorted disjoint [from, to) spans.
  std::vector<std::pair<Instant, Instant>> on;
  for (const StateSpan& s : actual) {
    if (s.on_phone && s.from < s.to) on.emplace_back(s.from, s.to);
  }
  std::sort(on.begin(), on.end());
  std::vector<std::pair<Instant, Instant>> merged;
  for (const auto& span : on) {
    if (!merged.empty() && span.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, span.second);
    } else {
      merged.push_back(span);
    }
  }

  Duration scheduled{0};
  Duration matched{0};
  for (const ScheduledSpan& s : schedule) {
    if (s.to <= s.from) continue;
    const Duration length = s.to - s.from;
    Duration on_phone{0};
    auto it = std::partition_point(merged.begin(), merged.end(),
                                   [&](const auto& m) { return m.second <= s.from; });
    for (; it != merged.end() && it->first < s.to; ++it) {
      on_phone += std::min(s.to, it->second) - std::max(s.from, it->first);
    }
    scheduled += length;
    matched += s.on_phone ? on_phone : length - on_phone;
  }
  if (scheduled.count() == 0) return std::nullopt;
  return static_cast<double>(matched.count()) / static_cast<double>(scheduled.count());
}

}  // namespace hotline::analytics
