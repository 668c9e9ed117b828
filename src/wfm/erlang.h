// Queueing formulas of workforce management: Erlang B (blocking), Erlang C (M/M/n, infinite
// patience) and Erlang A (the exact Palm M/M/n+M model: exponential patience, abandonment).
// See docs/wfm.md for the formulas and how each one is evaluated.
//
// Every figure is computed without factorials or powers that overflow: Erlang B by its recursion
// carried in log space, Erlang A through the regularized incomplete gamma function written with
// log-space prefactors. Relative error below 1e-10 (typically 1e-15) against high-precision
// references, from 1 to well over 5,000 agents and 4,000 Erlangs.
//
// Service level and ASA follow spec/KPI.md under Erlang assumptions (no short abandons, nothing
// still waiting): service level is the probability that an arriving customer is ANSWERED within
// the threshold T (over all arrivals, abandoned ones included in the denominator); ASA is the
// mean wait over all arrivals (for Erlang A, abandoned customers count with the time they waited).
//
// Error contract: bad inputs (negative, zero where a positive value is needed, NaN, infinite)
// return an InvalidArgument Error whose `field` is the input's name ("arrivals_per_s", "aht_s",
// "agents", "threshold_s", "patience_s", "load_erlangs", "servers"). An unstable Erlang C system
// (agents <= load) is not an error: see QueueMetrics::stable.
//
// Thread-safety: pure functions, no shared state.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"

namespace hotline::wfm {

// Erlang B: the probability that an arrival finds all `servers` busy in an M/M/n/n loss system
// offered `load_erlangs` (arrival rate × mean holding time). servers >= 0, load >= 0.
// B(0, A) = 1; B(n, 0) = 0 for n >= 1. Never overflows; returns 0 when B underflows a double.
[[nodiscard]] Result<double> ErlangB(int servers, double load_erlangs);

// The natural logarithm of Erlang B: finite even where B itself underflows (B(5000, 10) is
// about 1e-13,000). -infinity only for load 0 and servers >= 1.
[[nodiscard]] Result<double> LogErlangB(int servers, double load_erlangs);

// Erlang C: the probability that an arrival waits in an M/M/n queue with `agents` agents and
// offered load `load_erlangs`. agents >= 1, load >= 0. Returns 1 when agents <= load (the queue
// grows without bound: every arrival eventually waits).
[[nodiscard]] Result<double> ErlangC(int agents, double load_erlangs);

// Square-root staffing: ceil(A + beta * sqrt(A)), at least 1. The classical first guess
// (Halfin-Whitt regime); beta around 0.5-2 for usual service levels.
int SquareRootStaffing(double load_erlangs, double beta);

enum class QueueModel {
  kErlangC,  // M/M/n: customers never abandon
  kErlangA,  // M/M/n+M: exponential patience with mean patience_s
};

// "erlang_c" or "erlang_a" (the spelling of CLI.md's `model` field).
const char* QueueModelName(QueueModel model);

// One queue in steady state: Poisson arrivals, exponential handle times, `agents` identical
// agents, first come first served.
struct QueueInputs {
  double arrivals_per_s = 0;  // lambda; >= 0
  double aht_s = 0;           // mean handle time 1/mu; > 0
  int agents = 0;             // n; >= 1
  double threshold_s = 20;    // service-level threshold T; >= 0
  // Mean patience 1/theta (> 0). Set: Erlang A; unset: Erlang C.
  std::optional<double> patience_s;
};

// The figures of one queue. Probabilities are over all arrivals.
struct QueueMetrics {
  QueueModel model = QueueModel::kErlangC;
  double load_erlangs = 0;   // offered load A = lambda * AHT
  double p_wait = 0;         // P(an arrival finds every agent busy)
  double service_level = 0;  // P(answered with wait <= T)
  // Mean wait over all arrivals; nullopt for an unstable Erlang C queue (infinite).
  std::optional<double> asa_s;
  double occupancy = 0;  // carried load / agents = lambda (1 - P(abandon)) AHT / n, at most 1
  std::optional<double> p_abandon;  // Erlang A only
  // Erlang C with agents <= load: the queue grows without bound. p_wait 1, service level 0,
  // asa_s nullopt, occupancy 1, and `warning` says so. Always true for Erlang A.
  bool stable = true;
  std::string warning;  // empty unless the figures need a caveat
};

// Erlang C figures (patience ignored). SL = 1 - C e^{-(n-A) T / AHT}, ASA = C AHT / (n - A).
[[nodiscard]] Result<QueueMetrics> ErlangCMetrics(const QueueInputs& in);

// Erlang A figures; requires in.patience_s. Stable for every n >= 1.
[[nodiscard]] Result<QueueMetrics> ErlangAMetrics(const QueueInputs& in);

// Erlang A when in.patience_s is set, Erlang C otherwise.
[[nodiscard]] Result<QueueMetrics> EvaluateQueue(const QueueInputs& in);

// Regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0, as its
// natural logarithm (so that values far below 1e-308 stay usable). Series for x < a + 1, Lentz
// continued fraction for Q = 1 - P otherwise. Exposed for tests.
double LogRegularizedGammaP(double a, double x);

}  // namespace hotline::wfm
