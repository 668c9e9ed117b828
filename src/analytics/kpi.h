// KPI figures of spec/KPI.md, folded from the engine's events. One implementation, used by the
// simulator now and by the server's reports later, so a simulated service level and a measured
// one mean the same thing.
//
// Feed events in order with Apply(); call Finish(end) once at the end of the period (it closes
// open agent spans and counts interactions still waiting). Figures are sums; the ratios are
// computed from them by the functions on Figures, so rows can be added together (a day is the
// sum of its intervals).
//
// Thread-safety: a KpiFold belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/center.h"
#include "core/events.h"

namespace hotline::analytics {

// Sums for one queue (or all) over one interval (or the whole period).
struct Figures {
  // Interactions, attributed to the interval in which they entered the queue (KPI.md).
  int64_t offered = 0;
  int64_t answered = 0;
  int64_t abandoned = 0;
  int64_t short_abandoned = 0;     // abandoned with wait < S
  int64_t answered_within_t = 0;   // answered with wait <= T
  int64_t abandoned_within_t = 0;  // abandoned with wait <= T (for the Asterisk SL2 variant)
  int64_t waited = 0;              // answered or abandoned with wait > 0
  int64_t still_waiting = 0;       // at Finish: entered, not yet answered or ended
  int64_t timed_out = 0;
  int64_t exited = 0;
  int64_t rejected = 0;
  int64_t transferred = 0;  // by an agent, out of this queue
  int64_t completed = 0;
  int64_t rona = 0;             // offers that timed out (ring no answer)
  double wait_answered_s = 0;   // sum of waits of answered
  double wait_abandoned_s = 0;  // sum of waits of abandoned
  double talk_s = 0;            // connected -> wrap-up started, of completed
  double hold_s = 0;            // (no hold events yet: 0)
  double acw_s = 0;             // wrap-up started -> completed, of completed
  // Agent time, attributed to the interval in which it passed (overall rows only: agents serve
  // several queues, so per-queue rows leave these 0).
  double agent_busy_s = 0;  // routing state offered or busy
  double agent_wrapup_s = 0;
  double agent_idle_s = 0;  // ready and idle (back-off counts as idle)
  double agent_not_ready_s = 0;
  double agent_logged_in_s = 0;

  Figures& operator+=(const Figures& other);

  // Ratios of KPI.md. Each returns nullopt when its denominator is 0.
  std::optional<double> ServiceLevel() const;              // default variant
  std::optional<double> ServiceLevelAnsweredOnly() const;  // Asterisk SL
  std::optional<double> ServiceLevelWithAbandons() const;  // Asterisk SL2
  std::optional<double> PWait() const;
  std::optional<double> AsaS() const;
  std::optional<double> AverageWaitToAbandonS() const;
  std::optional<double> AbandonRate() const;
  std::optional<double> AhtS() const;
  std::optional<double> AcwS() const;
  std::optional<double> Occupancy() const;
  std::optional<double> Utilization() const;
  std::optional<double> TransferRate() const;
  std::optional<double> IvrRoutingAccuracy() const;
};

struct KpiSettings {
  Duration interval = Seconds(15 * 60);  // 15, 30, 60 minutes, a day...
  Instant origin{};                      // interval boundaries are origin + k * interval
  // Interactions entering a queue before this instant, and agent time before it, are not
  // counted (the simulator's warm-up).
  Instant count_from{};
};

struct IntervalRow {
  Instant start{};
  std::optional<core::QueueId> queue;  // nullopt: all queues
  Figures figures;
};

class KpiFold {
 public:
  // Service-level threshold T and short-abandon threshold S come from each queue of `center`.
  KpiFold(const core::CenterDefinition& center, KpiSettings settings);
  ~KpiFold();
  KpiFold(KpiFold&&) noexcept;
  KpiFold& operator=(KpiFold&&) noexcept;

  void Apply(const core::Event& event);
  // The center changed while events flow (core::Engine::Reconfigure, same rule: every queue and
  // agent keeps its index; new ones are appended). Queues appended get their own rows from now
  // on; a changed service-level or short-abandon threshold applies to the answers and abandons
  // folded from now on, including those of interactions that entered before. Figures already
  // folded do not change. Breaking the index rule is a bug of the caller (fatal).
  void Reconfigure(const core::CenterDefinition& next);
  // Ends the period at `end`: open agent spans are closed there; interactions still waiting are
  // counted as still_waiting. Apply must not be called afterwards.
  void Finish(Instant end);
  bool finished() const;  // Finish was called

  Figures Total() const;                     // all queues, whole period (agent time included)
  Figures Queue(core::QueueId queue) const;  // one queue, whole period
  // Rows in time order; for each interval one row per queue that had traffic, then the overall
  // row (queue nullopt). Intervals with nothing in them are left out.
  std::vector<IntervalRow> Intervals() const;

  // ---- Snapshots (format: kpi_fold.cc) ----
  // The fold's state as a self-contained binary blob: its settings and the thresholds in force,
  // every interval's sums and agent time, each agent's current state and the interactions being
  // followed. Cost: O(intervals x queues with traffic + live interactions + agents).
  std::string Save() const;

  // A fold in the state `blob` was saved in. `settings` must be those the fold was constructed
  // with; `center` must have the queues and the thresholds (T, S) the fold had when saved (the
  // center of its construction or of its last Reconfigure).
  //
  // Contract: applying the rest of the events to the restored fold gives exactly the figures and
  // rows that applying every event to one fold would have; Save of it gives the same bytes.
  //
  // Errors: InvalidArgument when `blob` is not a KPI fold snapshot or of a version this build does
  // not read, when `settings` differ (field "settings") or when `center` does not have the saved
  // queues and thresholds (field "center"); DataLoss when the blob is truncated, fails its
  // checksum, or holds values out of range or inconsistent. A blob of any content gives an error
  // or a fold; it is never read out of bounds.
  [[nodiscard]] static Result<KpiFold> Restore(const core::CenterDefinition& center,
                                               KpiSettings settings, std::string_view blob);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// ---- Figures that come from other records than routing events -----------------------------

// FCR: completed interactions after which the same customer made no new contact on the same
// queue within `window` ÷ completed.
struct ContactRecord {
  uint64_t customer = 0;
  core::QueueId queue;
  Instant created{};
  bool completed = false;
  Instant completed_at{};
};
std::optional<double> FirstContactResolution(const std::vector<ContactRecord>& contacts,
                                             Duration window = Seconds(7 * 86400));

// Survey scores: CSAT (share of 4 or 5 on 1-5), NPS (% 9-10 minus % 0-6 on 0-10, as a number
// from -100 to 100), CES (mean on 1-7). Answers outside the scale are ignored.
std::optional<double> Csat(const std::vector<int>& answers);
std::optional<double> Nps(const std::vector<int>& answers);
std::optional<double> Ces(const std::vector<int>& answers);

// IVR containment: ended in a flow without reaching a queue or agent, with a success outcome ÷
// entered a flow.
std::optional<double> IvrContainment(int64_t entered_flow, int64_t contained_with_success);

// Adherence: minutes in which the agent's state matched the schedule ÷ scheduled minutes.
struct ScheduledSpan {
  Instant from{};
  Instant to{};
  bool on_phone = true;  // scheduled to be logged in and routable (false: break, lunch...)
};
struct StateSpan {
  Instant from{};
  Instant to{};
  bool on_phone = true;  // logged in and ready or working (false: not ready, logged out)
};
std::optional<double> Adherence(const std::vector<ScheduledSpan>& schedule,
                                const std::vector<StateSpan>& actual);

}  // namespace hotline::analytics
