#include "wfm/erlang.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

#include "base/check.h"

namespace hotline::wfm {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Stopping tolerance of the series and continued fractions: a little above double epsilon, so
// that rounding noise cannot keep a loop from ending.
constexpr double kTolerance = 1e-16;
constexpr double kTiny = 1e-300;  // Lentz's guard against a zero denominator
// A loop that runs this long has met an input outside the documented range; stop rather than
// spin (see the bounds in ValidateQueue).
constexpr long kMaxIterations = 200'000'000;

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status RequireFinite(double v, const char* field) {
  if (!std::isfinite(v)) {
    return Error::InvalidArgument(
        std::string(field) + " must be a finite number (got " + Number(v) + ")", field);
  }
  return Status::Ok();
}

Status RequireNonNegative(double v, const char* field) {
  if (auto s = RequireFinite(v, field); !s) return s;
  if (v < 0) {
    return Error::InvalidArgument(
        std::string(field) + " must not be negative (got " + Number(v) + ")", field);
  }
  return Status::Ok();
}

Status RequirePositive(double v, const char* field) {
  if (auto s = RequireFinite(v, field); !s) return s;
  if (v <= 0) {
    return Error::InvalidArgument(std::string(field) + " must be positive (got " + Number(v) + ")",
                                  field);
  }
  return Status::Ok();
}

Status ValidateQueue(const QueueInputs& in) {
  if (auto s = RequireNonNegative(in.arrivals_per_s, "arrivals_per_s"); !s) return s;
  if (auto s = RequirePositive(in.aht_s, "aht_s"); !s) return s;
  if (in.agents < 1) {
    return Error::InvalidArgument(
        "agents must be at least 1 (got " + std::to_string(in.agents) + ")", "agents");
  }
  if (auto s = RequireNonNegative(in.threshold_s, "threshold_s"); !s) return s;
  double load = in.arrivals_per_s * in.aht_s;
  if (!std::isfinite(load) || load > 1e9) {
    return Error::InvalidArgument("the offered load arrivals_per_s * aht_s is too large (" +
                                      Number(load) + " Erlangs; at most 1e9)",
                                  "arrivals_per_s");
  }
  if (in.patience_s) {
    if (auto s = RequirePositive(*in.patience_s, "patience_s"); !s) return s;
    // Beyond this ratio Erlang A is Erlang C to about 1e-9, and the incomplete gamma evaluations
    // would need millions of terms near n = A.
    if (*in.patience_s > 1e9 * in.aht_s) {
      return Error::InvalidArgument(
          "patience_s is more than 1e9 times aht_s; leave the patience out (Erlang C) instead",
          "patience_s");
    }
  }
  return Status::Ok();
}

// t - log(1 + t) for t > -1, without the cancellation of the direct formula near t = 0.
double TMinusLog1p(double t) {
  if (std::fabs(t) >= 0.1) return t - std::log1p(t);
  // t^2/2 - t^3/3 + t^4/4 - ...
  double sum = 0;
  double power = t;
  for (int k = 2; k < 40; ++k) {
    power *= -t;
    double term = -power / k;  // (-1)^k t^k / k
    sum += term;
    if (std::fabs(term) <= kTolerance * std::fabs(sum)) break;
  }
  return sum;
}

// log Gamma(a + 1) - (a log a - a + log(2 pi a) / 2): the Stirling series, for a >= 15 where six
// terms give double precision.
double StirlingCorrection(double a) {
  double r = 1 / a;
  double r2 = r * r;
  return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

// log(x^a e^{-x} / Gamma(a + 1)), the log of the Poisson-like prefactor of the incomplete gamma
// function. For large a the terms a log x, x and log Gamma(a + 1) are each huge and cancel; the
// form -a (t - log(1 + t)) with t = (x - a) / a keeps the absolute error near eps * |x - a|.
double LogPoissonTerm(double a, double x) {
  if (x == 0) return a == 0 ? 0 : -kInfinity;
  if (a < 15) return a * std::log(x) - x - std::lgamma(a + 1);
  double t = (x - a) / a;
  return -a * TMinusLog1p(t) - 0.5 * std::log(2 * std::numbers::pi * a) - StirlingCorrection(a);
}

// The sums of the waiting states of a birth-death queue, relative to the state "all agents busy,
// nobody waiting": R_j = x^j / ((b+1)(b+2)...(b+j)), j >= 0.
struct QueueSums {
  double log_sum = 0;  // log sum_j R_j
  double mean_j = 0;   // sum_j j R_j / sum_j R_j
};

// Direct summation, for x < b + 1 where the terms decrease from the start. Stops when the
// geometric bound on the remaining tail is below the tolerance for both sums.
QueueSums SumSeries(double b, double x) {
  double sum = 1;
  double j_sum = 0;
  double term = 1;
  for (long j = 1; j < kMaxIterations; ++j) {
    double ratio = x / (b + j);
    term *= ratio;
    sum += term;
    j_sum += j * term;
    double next = ratio;  // later ratios are smaller: the tail is below a geometric series
    double tail = term * next / (1 - next);
    if (tail <= kTolerance * sum && tail * (j + 1 / (1 - next)) <= kTolerance * j_sum) break;
    if (term == 0) break;
  }
  return {std::log(sum), j_sum / sum};
}

// log Q(b, x) = log(1 - P(b, x)) by the modified Lentz continued fraction (x >= b + 1).
double LogRegularizedGammaQFraction(double b, double x) {
  double bb = x + 1 - b;
  double c = 1 / kTiny;
  double d = 1 / bb;
  double h = d;
  for (long i = 1; i < kMaxIterations; ++i) {
    double an = -i * (i - b);
    bb += 2;
    d = an * d + bb;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = bb + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) <= 4 * std::numeric_limits<double>::epsilon()) break;
  }
  // Q = x^b e^{-x} / Gamma(b) * h = exp(LogPoissonTerm(b, x)) * b * h.
  return LogPoissonTerm(b, x) + std::log(b) + std::log(h);
}

// The queue sums for any x > 0: directly below the mode, through the incomplete gamma function
// above it (sum_j R_j = P(b, x) / prefactor, and sum_j j R_j = (x - b) sum_j R_j + b).
QueueSums QueueSumsOf(double b, double x) {
  if (x < b + 1) return SumSeries(b, x);
  double log_p = std::log1p(-std::exp(LogRegularizedGammaQFraction(b, x)));
  QueueSums sums;
  sums.log_sum = log_p - LogPoissonTerm(b, x);
  // Both terms positive here (x > b): no cancellation.
  sums.mean_j = (x - b) + b * std::exp(-sums.log_sum);
  return sums;
}

QueueMetrics NoTraffic(QueueModel model) {
  QueueMetrics m;
  m.model = model;
  m.load_erlangs = 0;
  m.p_wait = 0;
  m.service_level = 1;
  m.asa_s = 0.0;
  m.occupancy = 0;
  if (model == QueueModel::kErlangA) m.p_abandon = 0.0;
  return m;
}

// 1 / (1 + e^v) without overflow.
double Logistic(double v) {
  if (v > 0) {
    double e = std::exp(-v);
    return e / (1 + e);
  }
  return 1 / (1 + std::exp(v));
}

}  // namespace

double LogRegularizedGammaP(double a, double x) {
  HOTLINE_CHECK(a > 0 && x >= 0 && std::isfinite(a) && std::isfinite(x),
                "LogRegularizedGammaP needs a > 0 and finite x >= 0");
  if (x == 0) return -kInfinity;
  if (x < a + 1) return LogPoissonTerm(a, x) + SumSeries(a, x).log_sum;
  return std::log1p(-std::exp(LogRegularizedGammaQFraction(a, x)));
}

Result<double> LogErlangB(int servers, double load_erlangs) {
  if (servers < 0) {
    return Error::InvalidArgument(
        "servers must not be negative (got " + std::to_string(servers) + ")", "servers");
  }
  if (auto s = RequireNonNegative(load_erlangs, "load_erlangs"); !s) return s.error();
  if (servers == 0) return 0.0;
  if (load_erlangs == 0) return -kInfinity;
  // B_k = A B_{k-1} / (k + A B_{k-1}): every step is a ratio of positive numbers, so the
  // recursion is stable. Carried in plain doubles while B is comfortably representable, then
  // in log space (log B_k = log A + log B_{k-1} - log(k + A B_{k-1})).
  const double a = load_erlangs;
  double b = 1;
  int k = 1;
  for (; k <= servers; ++k) {
    b = a * b / (k + a * b);
    if (b < 1e-250) break;
  }
  if (k > servers) return std::log(b);
  double log_b = std::log(b);
  const double log_a = std::log(a);
  for (++k; k <= servers; ++k) log_b = log_a + log_b - std::log(k + std::exp(log_a + log_b));
  return log_b;
}

Result<double> ErlangB(int servers, double load_erlangs) {
  auto log_b = LogErlangB(servers, load_erlangs);
  if (!log_b) return log_b.error();
  return std::exp(*log_b);
}

Result<double> ErlangC(int agents, double load_erlangs) {
  if (agents < 1) {
    return Error::InvalidArgument("agents must be at least 1 (got " + std::to_string(agents) + ")",
                                  "agents");
  }
  auto log_b = LogErlangB(agents, load_erlangs);
  if (!log_b) return log_b.error();
  const double n = agents;
  const double a = load_erlangs;
  if (n <= a) return 1.0;
  // C = B / (1 - (A/n)(1 - B)) = n B / (n - A + A B); n - A > 0 is exact enough (A is the only
  // rounded quantity) and A B >= 0, so the denominator has no cancellation.
  double b = std::exp(*log_b);
  return n * b / (n - a + a * b);
}

int SquareRootStaffing(double load_erlangs, double beta) {
  if (!(load_erlangs > 0)) return 1;
  double n = std::ceil(load_erlangs + beta * std::sqrt(load_erlangs));
  if (!(n >= 1)) return 1;
  if (n > 2e9) return 2'000'000'000;
  return static_cast<int>(n);
}

const char* QueueModelName(QueueModel model) {
  switch (model) {
    case QueueModel::kErlangC:
      return "erlang_c";
    case QueueModel::kErlangA:
      return "erlang_a";
  }
  return "unknown";
}

Result<QueueMetrics> ErlangCMetrics(const QueueInputs& in) {
  QueueInputs c = in;
  c.patience_s.reset();
  if (auto s = ValidateQueue(c); !s) return s.error();
  if (in.arrivals_per_s == 0) return NoTraffic(QueueModel::kErlangC);
  const double a = in.arrivals_per_s * in.aht_s;
  const double n = in.agents;
  QueueMetrics m;
  m.model = QueueModel::kErlangC;
  m.load_erlangs = a;
  if (n <= a) {
    m.stable = false;
    m.p_wait = 1;
    m.service_level = 0;
    m.asa_s.reset();
    m.occupancy = 1;
    m.warning = "unstable: " + std::to_string(in.agents) + " agents cannot carry " + Number(a) +
                " Erlangs; the queue grows without bound (add agents, or give a patience for "
                "Erlang A)";
    return m;
  }
  auto c_wait = ErlangC(in.agents, a);
  if (!c_wait) return c_wait.error();
  m.p_wait = *c_wait;
  // P(W > t) = C e^{-(n - A) t / AHT}: the wait of a queued call is exponential with rate
  // n mu - lambda.
  m.service_level = 1 - m.p_wait * std::exp(-(n - a) * in.threshold_s / in.aht_s);
  m.asa_s = m.p_wait * in.aht_s / (n - a);
  m.occupancy = a / n;
  return m;
}

Result<QueueMetrics> ErlangAMetrics(const QueueInputs& in) {
  if (!in.patience_s) {
    return Error::InvalidArgument("Erlang A needs a mean patience", "patience_s");
  }
  if (auto s = ValidateQueue(in); !s) return s.error();
  if (in.arrivals_per_s == 0) return NoTraffic(QueueModel::kErlangA);

  // States k = 0..n: birth lambda, death k mu. States n + j: death n mu + j theta. With
  // b = n mu / theta and y = lambda / theta, pi_{n+j} / pi_n = R_j = y^j / ((b+1)...(b+j)).
  const double lambda = in.arrivals_per_s;
  const double n = in.agents;
  const double load = lambda * in.aht_s;
  const double b = n * *in.patience_s / in.aht_s;
  const double y = lambda * *in.patience_s;

  // log sum_{k<n} pi_k / pi_n = log((n / A) / B(n - 1, A)), from 1/B_n = 1 + (n/A)/B_{n-1}.
  auto log_b_below = LogErlangB(in.agents - 1, load);
  if (!log_b_below) return log_b_below.error();
  const double log_below = std::log(n / load) - *log_b_below;
  const QueueSums waiting = QueueSumsOf(b, y);

  QueueMetrics m;
  m.model = QueueModel::kErlangA;
  m.load_erlangs = load;
  m.p_wait = Logistic(log_below - waiting.log_sum);
  const double p_no_wait = Logistic(waiting.log_sum - log_below);
  // E[queue length] = pi_n sum_j j R_j; abandonment rate theta E[Q] = lambda P(abandon).
  const double p_abandon = m.p_wait * waiting.mean_j / y;
  m.p_abandon = p_abandon;
  // Little's law on the queue: mean wait over all arrivals = E[Q] / lambda.
  m.asa_s = m.p_wait * waiting.mean_j / lambda;

  // An arrival that finds j waiting is served with probability b / (b + j + 1), and then its
  // wait, tilted by the survival of its patience, is a sum of exponentials with rates
  // theta (b + 1) ... theta (b + j + 1): P(U >= e^{-theta t}) for U ~ Beta(b + 1, j + 1).
  // Summed over j this telescopes into
  //   P(served, 0 < W <= T) = pi_n (b / (b+1)) S(b+1, y) (1 - P(b+1, y e^{-theta T}) / P(b+1, y))
  // with S(b+1, y) = sum_j y^j / ((b+2)...(b+j+1)) = P(b+1, y) / prefactor.
  const QueueSums served = QueueSumsOf(b + 1, y);
  const double served_after_wait =
      m.p_wait * (b / (b + 1)) * std::exp(served.log_sum - waiting.log_sum);
  double within = 0;
  if (in.threshold_s > 0) {
    const double log_p_all = served.log_sum + LogPoissonTerm(b + 1, y);
    const double log_p_late =
        LogRegularizedGammaP(b + 1, y * std::exp(-in.threshold_s / *in.patience_s));
    within = served_after_wait * -std::expm1(log_p_late - log_p_all);
  }
  m.service_level = p_no_wait + within;
  m.occupancy = std::min(1.0, load * (1 - p_abandon) / n);
  return m;
}

Result<QueueMetrics> EvaluateQueue(const QueueInputs& in) {
  return in.patience_s ? ErlangAMetrics(in) : ErlangCMetrics(in);
}

}  // namespace hotline::wfm
