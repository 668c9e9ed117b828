// KpiFold: folds the engine's events into per-(interval, queue) sums of spec/KPI.md.
//
// Hot path (Apply, ~10 events per contact): no allocation in steady state. Live interactions sit
// in an open-addressing table keyed by interaction id (erased when they end), agents in a vector
// indexed by agent id, interval rows in a vector indexed by interval × queue. Sums are kept in
// integer microseconds (exact, and cheaper than doubles) and turned into seconds on the way out.
#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <utility>

#include "analytics/kpi.h"
#include "analytics/live_table.h"
#include "base/check.h"
#include "core/snapshot_codec.h"

namespace hotline::analytics {

using core::Event;
using core::EventType;
using core::Presence;
using core::RoutingState;
using internal::Live;
using internal::LiveTable;

// ---- The fold's state -------------------------------------------------------------------------

namespace {

// Interaction figures of one (interval, queue), in integer microseconds.
struct Counts {
  int64_t offered = 0;
  int64_t answered = 0;
  int64_t abandoned = 0;
  int64_t short_abandoned = 0;
  int64_t answered_within_t = 0;
  int64_t abandoned_within_t = 0;
  int64_t waited = 0;
  int64_t still_waiting = 0;
  int64_t timed_out = 0;
  int64_t exited = 0;
  int64_t rejected = 0;
  int64_t transferred = 0;
  int64_t completed = 0;
  int64_t rona = 0;
  int64_t wait_answered_us = 0;
  int64_t wait_abandoned_us = 0;
  int64_t talk_us = 0;
  int64_t acw_us = 0;

  bool operator==(const Counts&) const = default;

  Counts& operator+=(const Counts& o) {
    offered += o.offered;
    answered += o.answered;
    abandoned += o.abandoned;
    short_abandoned += o.short_abandoned;
    answered_within_t += o.answered_within_t;
    abandoned_within_t += o.abandoned_within_t;
    waited += o.waited;
    still_waiting += o.still_waiting;
    timed_out += o.timed_out;
    exited += o.exited;
    rejected += o.rejected;
    transferred += o.transferred;
    completed += o.completed;
    rona += o.rona;
    wait_answered_us += o.wait_answered_us;
    wait_abandoned_us += o.wait_abandoned_us;
    talk_us += o.talk_us;
    acw_us += o.acw_us;
    return *this;
  }
};

// Agent time of one interval, in microseconds, by category.
enum AgentBucket : int { kBusy, kWrapup, kIdle, kNotReady, kLoggedIn, kBucketCount };
using AgentTime = std::array<int64_t, kBucketCount>;

double Secs(int64_t us) { return static_cast<double>(us) / 1e6; }

void AddCounts(Figures& f, const Counts& c) {
  f.offered += c.offered;
  f.answered += c.answered;
  f.abandoned += c.abandoned;
  f.short_abandoned += c.short_abandoned;
  f.answered_within_t += c.answered_within_t;
  f.abandoned_within_t += c.abandoned_within_t;
  f.waited += c.waited;
  f.still_waiting += c.still_waiting;
  f.timed_out += c.timed_out;
  f.exited += c.exited;
  f.rejected += c.rejected;
  f.transferred += c.transferred;
  f.completed += c.completed;
  f.rona += c.rona;
  f.wait_answered_s += Secs(c.wait_answered_us);
  f.wait_abandoned_s += Secs(c.wait_abandoned_us);
  f.talk_s += Secs(c.talk_us);
  f.acw_s += Secs(c.acw_us);
}

void AddAgentTime(Figures& f, const AgentTime& t) {
  f.agent_busy_s += Secs(t[kBusy]);
  f.agent_wrapup_s += Secs(t[kWrapup]);
  f.agent_idle_s += Secs(t[kIdle]);
  f.agent_not_ready_s += Secs(t[kNotReady]);
  f.agent_logged_in_s += Secs(t[kLoggedIn]);
}

struct AgentState {
  Presence presence = Presence::kLoggedOut;
  RoutingState routing = RoutingState::kIdle;
  int64_t since_us = 0;
};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

struct KpiFold::State {
  int64_t origin_us = 0;
  int64_t interval_us = 0;
  int64_t count_from_us = 0;
  int64_t base_k = 0;  // absolute number of the interval holding count_from: row 0
  uint32_t queues = 0;
  std::vector<int64_t> t_us;  // per queue: service-level threshold T
  std::vector<int64_t> s_us;  // per queue: short-abandon threshold S (0: disabled)

  std::vector<Counts> rows;           // [interval * queues + queue]
  std::vector<AgentTime> agent_time;  // [interval]
  size_t intervals = 0;               // allocated intervals (rows.size() / queues)
  size_t used = 0;                    // 1 + the last interval touched

  // The interval of the latest event: most lookups hit it without dividing.
  int64_t cur_start_us = 0;
  int64_t cur_end_us = 0;  // cur_end <= cur_start: nothing cached
  size_t cur_index = 0;

  LiveTable live;
  std::vector<AgentState> agents;
  bool finished = false;

  // Relative interval number of `us` (>= count_from), with rows allocated for it.
  size_t IntervalOf(int64_t us) {
    if (us >= cur_start_us && us < cur_end_us) return cur_index;
    int64_t k = FloorDiv(us - origin_us, interval_us);
    size_t index = static_cast<size_t>(k - base_k);
    Ensure(index);
    if (us >= cur_end_us) {  // time moves forward: cache the newest interval
      cur_start_us = origin_us + k * interval_us;
      cur_end_us = cur_start_us + interval_us;
      cur_index = index;
    }
    return index;
  }

  void Ensure(size_t index) {
    if (index >= used) used = index + 1;
    if (index < intervals) return;
    size_t n = std::max<size_t>(index + 1, std::max<size_t>(16, intervals * 2));
    rows.resize(n * queues);
    agent_time.resize(n);
    intervals = n;
  }

  Counts& Row(const Live& l) { return rows[l.row]; }

  // Adds the agent's time from its `since` to `to` to the buckets of its current state, split
  // at interval boundaries and clipped at count_from.
  void Accrue(AgentState& a, int64_t to) {
    if (a.presence == Presence::kLoggedOut) return;
    int64_t from = std::max(a.since_us, count_from_us);
    if (to <= from) return;
    AgentBucket bucket;
    switch (a.routing) {
      case RoutingState::kOffered:
      case RoutingState::kBusy:
        bucket = kBusy;
        break;
      case RoutingState::kWrapup:
        bucket = kWrapup;
        break;
      default:  // idle, backoff
        bucket = a.presence == Presence::kReady ? kIdle : kNotReady;
        break;
    }
    if (from >= cur_start_us && to <= cur_end_us) {  // the common case: within one interval
      AgentTime& t = agent_time[cur_index];
      t[bucket] += to - from;
      t[kLoggedIn] += to - from;
      return;
    }
    while (from < to) {
      int64_t k = FloorDiv(from - origin_us, interval_us);
      int64_t end = std::min(to, origin_us + (k + 1) * interval_us);
      size_t index = static_cast<size_t>(k - base_k);
      Ensure(index);
      AgentTime& t = agent_time[index];
      t[bucket] += end - from;
      t[kLoggedIn] += end - from;
      from = end;
    }
  }

  AgentState& Agent(core::AgentId id) {
    uint32_t i = id.value();
    if (i >= agents.size()) [[unlikely]] {
      HOTLINE_CHECK(id.valid(), "agent event without an agent");
      agents.resize(i + 1);
    }
    return agents[i];
  }

  void Queued(const Event& e, int64_t at) {
    if (at < count_from_us) return;  // warm-up: never counted, nor anything that follows
    uint32_t q = e.queue.value();
    if (q >= queues) [[unlikely]]
      return;
    size_t index = IntervalOf(at);
    uint32_t row = static_cast<uint32_t>(index * queues + q);
    ++rows[row].offered;
    Live& l = live.Upsert(e.interaction.value());
    l.row = row;
    l.queue = q;
    l.connected_us = -1;
    l.wrapup_us = -1;
  }

  void Connected(const Event& e, int64_t at) {
    Live* l = live.Find(e.interaction.value());
    if (l == nullptr) return;
    Counts& c = Row(*l);
    int64_t wait = e.wait.count();
    ++c.answered;
    c.wait_answered_us += wait;
    c.answered_within_t += wait <= t_us[l->queue];
    c.waited += wait > 0;
    l->connected_us = at;
  }

  void Abandoned(const Event& e) {
    Live* l = live.Find(e.interaction.value());
    if (l == nullptr) return;
    Counts& c = Row(*l);
    int64_t wait = e.wait.count();
    int64_t s = s_us[l->queue];
    ++c.abandoned;
    c.wait_abandoned_us += wait;
    c.short_abandoned += s > 0 && wait < s;
    c.abandoned_within_t += wait <= t_us[l->queue];
    c.waited += wait > 0;
    live.Erase(l);
  }

  void Completed(const Event& e, int64_t at) {
    Live* l = live.Find(e.interaction.value());
    if (l == nullptr) return;
    Counts& c = Row(*l);
    ++c.completed;
    if (l->connected_us >= 0) {
      int64_t talk_end = l->wrapup_us >= 0 ? l->wrapup_us : at;
      c.talk_us += talk_end - l->connected_us;
      if (l->wrapup_us >= 0) c.acw_us += at - l->wrapup_us;
    }
    live.Erase(l);
  }

  void Apply(const Event& e) {
    HOTLINE_CHECK(!finished, "KpiFold::Apply after Finish");
    const int64_t at = ToMicros(e.at);
    switch (e.type) {
      case EventType::kInteractionQueued:
        Queued(e, at);
        return;
      case EventType::kInteractionConnected:
        Connected(e, at);
        return;
      case EventType::kInteractionWrapupStarted:
        if (Live* l = live.Find(e.interaction.value())) l->wrapup_us = at;
        return;
      case EventType::kInteractionCompleted:
        Completed(e, at);
        return;
      case EventType::kInteractionAbandoned:
        Abandoned(e);
        return;
      case EventType::kInteractionTimedOut:
        if (Live* l = live.Find(e.interaction.value())) {
          ++Row(*l).timed_out;
          live.Erase(l);
        }
        return;
      case EventType::kInteractionExited:
        if (Live* l = live.Find(e.interaction.value())) {
          ++Row(*l).exited;
          live.Erase(l);
        }
        return;
      case EventType::kInteractionCanceled:
        if (Live* l = live.Find(e.interaction.value())) live.Erase(l);
        return;
      case EventType::kInteractionTransferred:
        // Its life in this queue ends, answered and transferred; interaction.queued follows and
        // starts a new one in the target queue.
        if (Live* l = live.Find(e.interaction.value())) {
          ++Row(*l).transferred;
          live.Erase(l);
        }
        return;
      case EventType::kInteractionRejected: {
        // Never entered the queue: not offered, counted only as rejected.
        uint32_t q = e.queue.value();
        if (at < count_from_us || q >= queues) return;
        ++rows[IntervalOf(at) * queues + q].rejected;
        return;
      }
      case EventType::kOfferTimedOut:
        if (Live* l = live.Find(e.interaction.value())) ++Row(*l).rona;
        return;
      case EventType::kAgentPresenceChanged:
      case EventType::kAgentLoggedOut: {
        AgentState& a = Agent(e.agent);
        if (at >= count_from_us) IntervalOf(at);
        Accrue(a, at);
        a.since_us = at;
        a.presence = e.type == EventType::kAgentLoggedOut ? Presence::kLoggedOut : e.presence;
        // Routing state is reported for logged-in agents only; a logged-out agent holds
        // nothing, so it comes back idle.
        if (a.presence == Presence::kLoggedOut) a.routing = RoutingState::kIdle;
        return;
      }
      case EventType::kAgentRoutingStateChanged: {
        AgentState& a = Agent(e.agent);
        if (at >= count_from_us) IntervalOf(at);
        Accrue(a, at);
        a.since_us = at;
        a.routing = e.routing_state;
        return;
      }
      default:
        // created, step_changed (a move keeps the entry queue and interval), offered,
        // priority/attributes changed, callback booked, offer accepted/rejected/rescinded,
        // logged in (presence_changed follows), skill changed.
        return;
    }
  }

  void Finish(Instant end) {
    HOTLINE_CHECK(!finished, "KpiFold::Finish called twice");
    const int64_t end_us = ToMicros(end);
    for (AgentState& a : agents) {
      Accrue(a, end_us);
      a.since_us = end_us;
    }
    live.ForEach([&](const Live& l) {
      if (l.connected_us < 0) ++rows[l.row].still_waiting;
    });
    finished = true;
  }

  // The rows as read now. Before Finish, an interaction still waiting counts as still_waiting in
  // its row (KPI.md: the period read so far ends now), so a live service level or abandon rate
  // leaves it out of the denominator instead of counting it as a miss.
  std::vector<Counts> RowsAsOfNow() const {
    std::vector<Counts> out = rows;
    if (!finished) {
      live.ForEach([&](const Live& l) {
        if (l.connected_us < 0) ++out[l.row].still_waiting;
      });
    }
    return out;
  }

  Instant IntervalStart(size_t index) const {
    return FromMicros(origin_us + (base_k + static_cast<int64_t>(index)) * interval_us);
  }
};

// ---- KpiFold ----------------------------------------------------------------------------------

KpiFold::KpiFold(const core::CenterDefinition& center, KpiSettings settings)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  HOTLINE_CHECK(settings.interval.count() > 0, "KPI interval must be positive");
  s.origin_us = ToMicros(settings.origin);
  s.interval_us = settings.interval.count();
  s.count_from_us = ToMicros(settings.count_from);
  s.base_k = FloorDiv(s.count_from_us - s.origin_us, s.interval_us);
  s.queues = static_cast<uint32_t>(center.queues.size());
  for (const core::Queue& q : center.queues) {
    s.t_us.push_back(q.sl_threshold.count());
    s.s_us.push_back(q.short_abandon.count());
  }
  s.agents.resize(center.agents.size());
  s.Ensure(0);  // rows for the first interval up front
  s.used = 0;
}

KpiFold::~KpiFold() = default;
KpiFold::KpiFold(KpiFold&&) noexcept = default;
KpiFold& KpiFold::operator=(KpiFold&&) noexcept = default;

void KpiFold::Apply(const core::Event& event) { state_->Apply(event); }

void KpiFold::Reconfigure(const core::CenterDefinition& next) {
  State& s = *state_;
  HOTLINE_CHECK(next.queues.size() >= s.queues, "KpiFold::Reconfigure removed queues");
  const uint32_t queues = static_cast<uint32_t>(next.queues.size());
  s.t_us.clear();
  s.s_us.clear();
  for (const core::Queue& q : next.queues) {
    s.t_us.push_back(q.sl_threshold.count());
    s.s_us.push_back(q.short_abandon.count());
  }
  if (next.agents.size() > s.agents.size()) s.agents.resize(next.agents.size());
  if (queues == s.queues) return;
  // Rows are [interval * queues + queue]: lay them out again for the new width, and move the row
  // of every interaction being followed with them.
  const uint32_t old_queues = s.queues;
  std::vector<Counts> rows(s.intervals * queues);
  for (size_t k = 0; k < s.intervals; ++k) {
    for (uint32_t q = 0; q < old_queues; ++q) rows[k * queues + q] = s.rows[k * old_queues + q];
  }
  s.rows = std::move(rows);
  s.live.ForEachMutable([&](Live& l) { l.row = l.row / old_queues * queues + l.row % old_queues; });
  s.queues = queues;
}

void KpiFold::Finish(Instant end) { state_->Finish(end); }
bool KpiFold::finished() const { return state_->finished; }

Figures KpiFold::Total() const {
  const State& s = *state_;
  const std::vector<Counts> rows = s.RowsAsOfNow();
  Counts sum;
  AgentTime time{};
  for (size_t k = 0; k < s.used; ++k) {
    for (uint32_t q = 0; q < s.queues; ++q) sum += rows[k * s.queues + q];
    for (int b = 0; b < kBucketCount; ++b) time[b] += s.agent_time[k][b];
  }
  Figures f;
  AddCounts(f, sum);
  AddAgentTime(f, time);
  return f;
}

Figures KpiFold::Queue(core::QueueId queue) const {
  const State& s = *state_;
  const std::vector<Counts> rows = s.RowsAsOfNow();
  Counts sum;
  if (queue.value() < s.queues) {
    for (size_t k = 0; k < s.used; ++k) sum += rows[k * s.queues + queue.value()];
  }
  Figures f;
  AddCounts(f, sum);
  return f;
}

std::vector<IntervalRow> KpiFold::Intervals() const {
  const State& s = *state_;
  const std::vector<Counts> rows = s.RowsAsOfNow();
  const Counts zero;
  const AgentTime no_time{};
  std::vector<IntervalRow> out;
  for (size_t k = 0; k < s.used; ++k) {
    const Instant start = s.IntervalStart(k);
    Counts sum;
    bool any = false;
    for (uint32_t q = 0; q < s.queues; ++q) {
      const Counts& c = rows[k * s.queues + q];
      if (c == zero) continue;
      any = true;
      sum += c;
      IntervalRow row;
      row.start = start;
      row.queue = core::QueueId(q);
      AddCounts(row.figures, c);
      out.push_back(std::move(row));
    }
    if (!any && s.agent_time[k] == no_time) continue;
    IntervalRow overall;
    overall.start = start;
    AddCounts(overall.figures, sum);
    AddAgentTime(overall.figures, s.agent_time[k]);
    out.push_back(std::move(overall));
  }
  return out;
}

// ---- Snapshots ----------------------------------------------------------------------------------
//
// Format, version 1, inside the envelope of core/snapshot_codec.h (magic "HLKPIFLD"); integers
// little-endian, count = u32, bool = u8 0/1:
//
//   i64 origin, i64 interval, i64 count_from       (us; must equal the settings given to Restore)
//   count queues; per queue: i64 T, i64 S           (us; must equal the center's)
//   bool finished
//   count intervals (those allocated up to the last one touched); per interval:
//     count rows with anything in them; per row: u32 queue (ascending), i64 x18 sums (Counts, in
//       declaration order)
//     bool agent time; when set: i64 x5 (busy, wrap-up, idle, not ready, logged in)
//   count agents; per agent: u8 presence, u8 routing state, i64 since
//   count live interactions, by id; per one: u64 id, u32 interval, u32 queue, i64 connected,
//     i64 wrap-up started (-1: not yet)
//
// Which interval is cached for the latest event is not saved: it changes no figure. Restore
// rebuilds the rows interval by interval as it reads them, so a corrupt count fails when the bytes
// run out instead of allocating for it.

namespace {

constexpr std::string_view kFoldMagic = "HLKPIFLD";
constexpr uint32_t kFoldVersion = 1;

constexpr int64_t Counts::*kCountFields[] = {&Counts::offered,
                                             &Counts::answered,
                                             &Counts::abandoned,
                                             &Counts::short_abandoned,
                                             &Counts::answered_within_t,
                                             &Counts::abandoned_within_t,
                                             &Counts::waited,
                                             &Counts::still_waiting,
                                             &Counts::timed_out,
                                             &Counts::exited,
                                             &Counts::rejected,
                                             &Counts::transferred,
                                             &Counts::completed,
                                             &Counts::rona,
                                             &Counts::wait_answered_us,
                                             &Counts::wait_abandoned_us,
                                             &Counts::talk_us,
                                             &Counts::acw_us};
constexpr size_t kCountFieldCount = std::size(kCountFields);
static_assert(sizeof(Counts) == kCountFieldCount * sizeof(int64_t),
              "a field was added to Counts: add it to kCountFields (and bump kFoldVersion)");

// Sums stay below 2^62 in absolute value, added over every row: no later sum can overflow.
constexpr uint64_t kMaxSum = uint64_t{1} << 62;

bool AddAbs(uint64_t& total, int64_t v) {
  uint64_t a = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  if (a > kMaxSum) return false;
  total += a;
  return total <= kMaxSum;
}

}  // namespace

std::string KpiFold::Save() const {
  const State& s = *state_;
  core::SnapshotWriter w(kFoldMagic, kFoldVersion);
  w.I64(s.origin_us);
  w.I64(s.interval_us);
  w.I64(s.count_from_us);
  w.U32(s.queues);
  for (uint32_t q = 0; q < s.queues; ++q) {
    w.I64(s.t_us[q]);
    w.I64(s.s_us[q]);
  }
  w.Bool(s.finished);
  const Counts zero;
  const AgentTime no_time{};
  w.U32(static_cast<uint32_t>(s.used));
  for (size_t k = 0; k < s.used; ++k) {
    uint32_t rows = 0;
    for (uint32_t q = 0; q < s.queues; ++q) rows += !(s.rows[k * s.queues + q] == zero);
    w.U32(rows);
    for (uint32_t q = 0; q < s.queues; ++q) {
      const Counts& c = s.rows[k * s.queues + q];
      if (c == zero) continue;
      w.U32(q);
      for (auto field : kCountFields) w.I64(c.*field);
    }
    const AgentTime& t = s.agent_time[k];
    w.Bool(t != no_time);
    if (t != no_time) {
      for (int64_t v : t) w.I64(v);
    }
  }
  w.U32(static_cast<uint32_t>(s.agents.size()));
  for (const AgentState& a : s.agents) {
    w.U8(static_cast<uint8_t>(a.presence));
    w.U8(static_cast<uint8_t>(a.routing));
    w.I64(a.since_us);
  }
  std::vector<Live> live;
  live.reserve(s.live.size());
  s.live.ForEach([&](const Live& l) { live.push_back(l); });
  std::sort(live.begin(), live.end(), [](const Live& x, const Live& y) { return x.id < y.id; });
  w.U32(static_cast<uint32_t>(live.size()));
  for (const Live& l : live) {
    w.U64(l.id);
    w.U32(l.row / s.queues);
    w.U32(l.queue);
    w.I64(l.connected_us);
    w.I64(l.wrapup_us);
  }
  return std::move(w).Seal();
}

Result<KpiFold> KpiFold::Restore(const core::CenterDefinition& center, KpiSettings settings,
                                 std::string_view blob) {
  if (settings.interval.count() <= 0) {
    return Error::InvalidArgument("the KPI interval must be positive", "settings");
  }
  core::SnapshotReader r(blob, kFoldMagic, kFoldVersion, "KPI fold snapshot");
  const int64_t origin = r.I64();
  const int64_t interval = r.I64();
  const int64_t count_from = r.I64();
  if (!r.ok()) return r.error();
  if (origin != ToMicros(settings.origin) || interval != settings.interval.count() ||
      count_from != ToMicros(settings.count_from)) {
    return Error::InvalidArgument(
        "the KPI settings (interval, origin, count_from) differ from those the fold was saved "
        "with",
        "settings");
  }
  KpiFold fold(center, settings);
  State& s = *fold.state_;
  r.Context("thresholds");
  const uint32_t queues = r.Count(16, "queues");
  bool same_center = queues == s.queues;
  for (uint32_t q = 0; q < queues && r.ok(); ++q) {
    int64_t t = r.I64();
    int64_t sa = r.I64();
    same_center = same_center && t == s.t_us[q] && sa == s.s_us[q];
  }
  if (!r.ok()) return r.error();
  if (!same_center) {
    return Error::InvalidArgument(
        "the center's queues or their thresholds (T, S) differ from those the fold was saved with",
        "center");
  }
  s.finished = r.Bool();
  // Interval rows, allocated as they are read.
  std::array<uint64_t, kCountFieldCount> count_totals{};
  std::array<uint64_t, kBucketCount> time_totals{};
  const uint32_t intervals = r.Count(5, "intervals");
  for (uint32_t k = 0; k < intervals && r.ok(); ++k) {
    r.Context("interval " + std::to_string(k));
    s.Ensure(k);
    const uint32_t rows = r.Count(4 + 8 * kCountFieldCount, "rows");
    int64_t last_queue = -1;
    for (uint32_t i = 0; i < rows && r.ok(); ++i) {
      const uint32_t q = r.U32();
      if (r.ok() && (q >= s.queues || static_cast<int64_t>(q) <= last_queue)) {
        r.Fail("a row's queue out of range or order");
      }
      last_queue = q;
      Counts c;
      for (size_t f = 0; f < kCountFieldCount; ++f) {
        c.*kCountFields[f] = r.I64();
        if (r.ok() && !AddAbs(count_totals[f], c.*kCountFields[f])) r.Fail("sums too large");
      }
      if (r.ok()) s.rows[static_cast<size_t>(k) * s.queues + q] = c;
    }
    if (r.Bool()) {
      AgentTime t{};
      for (int b = 0; b < kBucketCount; ++b) {
        t[b] = r.I64();
        if (r.ok() && !AddAbs(time_totals[b], t[b])) r.Fail("agent time too large");
      }
      if (r.ok()) s.agent_time[k] = t;
    }
  }
  if (!r.ok()) return r.error();
  s.used = intervals;
  r.Context("agents");
  const uint32_t agents = r.Count(10, "agents");
  s.agents.assign(std::max<size_t>(agents, center.agents.size()), AgentState{});
  for (uint32_t i = 0; i < agents && r.ok(); ++i) {
    AgentState& a = s.agents[i];
    a.presence = r.Enum(Presence::kNotReady, "presence");
    a.routing = r.Enum(RoutingState::kBackoff, "routing state");
    a.since_us = r.I64();
    if (r.ok() &&
        (a.since_us < -core::kSnapshotMaxMicros || a.since_us > core::kSnapshotMaxMicros)) {
      r.Fail("an instant out of range");
    }
  }
  r.Context("live interactions");
  const uint32_t live = r.Count(32, "live interactions");
  uint64_t last_id = 0;
  for (uint32_t i = 0; i < live && r.ok(); ++i) {
    const uint64_t id = r.U64();
    const uint32_t k = r.U32();
    const uint32_t q = r.U32();
    const int64_t connected = r.I64();
    const int64_t wrapup = r.I64();
    if (!r.ok()) break;
    auto instant = [](int64_t us) { return us >= -1 && us <= core::kSnapshotMaxMicros; };
    if ((i > 0 && id <= last_id) || id == Live::kEmpty) {
      r.Fail("interaction ids out of order");
    } else if (k >= s.used || q >= s.queues || !instant(connected) || !instant(wrapup)) {
      r.Fail("interaction " + std::to_string(id) + " out of range");
    } else {
      Live& l = s.live.Upsert(id);
      l.row = k * s.queues + q;
      l.queue = q;
      l.connected_us = connected;
      l.wrapup_us = wrapup;
    }
    last_id = id;
  }
  if (r.ok() && !r.AtEnd()) r.Fail("bytes after the last record");
  if (!r.ok()) return r.error();
  return fold;
}

}  // namespace hotline::analytics
