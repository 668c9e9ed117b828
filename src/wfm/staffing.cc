#include "wfm/staffing.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "base/time.h"

namespace hotline::wfm {
namespace {

// Figures within this of a target meet it: a service level computed as 0.79999999999999993 for
// a mathematically exact 0.8 must not cost an agent.
constexpr double kSlack = 1e-12;

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status ValidateTargets(const StaffingInputs& in) {
  const StaffingTargets& t = in.targets;
  if (!(t.service_level > 0 && t.service_level < 1)) {
    return Error::InvalidArgument("target_sl must be a fraction between 0 and 1, exclusive (got " +
                                      Number(t.service_level) + ")",
                                  "target_sl");
  }
  if (!(std::isfinite(t.threshold_s) && t.threshold_s >= 0)) {
    return Error::InvalidArgument(
        "threshold_s must be a duration >= 0 (got " + Number(t.threshold_s) + ")", "threshold_s");
  }
  if (t.max_asa_s && !(std::isfinite(*t.max_asa_s) && *t.max_asa_s > 0)) {
    return Error::InvalidArgument("max_asa_s must be positive (got " + Number(*t.max_asa_s) + ")",
                                  "max_asa_s");
  }
  if (t.max_occupancy && !(*t.max_occupancy > 0 && *t.max_occupancy <= 1)) {
    return Error::InvalidArgument(
        "max_occupancy must be a fraction in (0, 1] (got " + Number(*t.max_occupancy) + ")",
        "max_occupancy");
  }
  if (!(in.shrinkage >= 0 && in.shrinkage < 1)) {
    return Error::InvalidArgument(
        "shrinkage must be a fraction in [0, 1) (got " + Number(in.shrinkage) + ")", "shrinkage");
  }
  return Status::Ok();
}

QueueInputs QueueFor(const StaffingInputs& in, int agents) {
  QueueInputs q;
  q.arrivals_per_s = in.arrivals_per_s;
  q.aht_s = in.aht_s;
  q.agents = agents;
  q.threshold_s = in.targets.threshold_s;
  q.patience_s = in.patience_s;
  return q;
}

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }
double NormalPdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); }

// Halfin-Whitt: with n = A + beta sqrt(A), P(wait) ~ 1 / (1 + beta Phi(beta) / phi(beta)).
double HalfinWhittPWait(double beta) {
  if (beta <= 0) return 1;
  return 1 / (1 + beta * NormalCdf(beta) / NormalPdf(beta));
}

bool ApproximationMeets(double beta, double load, double aht_s, const StaffingTargets& t) {
  if (beta <= 0) return false;
  double p_wait = HalfinWhittPWait(beta);
  double excess = beta * std::sqrt(load);  // n - A
  double sl = 1 - p_wait * std::exp(-excess * t.threshold_s / aht_s);
  if (sl < t.service_level) return false;
  if (t.max_asa_s && p_wait * aht_s / excess > *t.max_asa_s) return false;
  return true;
}

// RFC 4180 fields of one line: comma-separated, optionally double-quoted ("" is a quote).
// Returns false on an unterminated quote or text after a closing quote.
bool SplitCsvLine(std::string_view line, std::vector<std::string>* fields, size_t* bad_column) {
  fields->clear();
  std::string field;
  size_t i = 0;
  while (true) {
    field.clear();
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (!closed || (i < line.size() && line[i] != ',')) {
        *bad_column = fields->size() + 1;
        return false;
      }
    } else {
      while (i < line.size() && line[i] != ',') field += line[i++];
      while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.pop_back();
    }
    fields->push_back(field);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

enum class Column { kIntervalStart, kArrivals, kAht };

}  // namespace

bool MeetsTargets(const QueueMetrics& m, const StaffingTargets& t) {
  if (!m.stable) return false;
  if (m.service_level < t.service_level - kSlack) return false;
  if (t.max_asa_s && (!m.asa_s || *m.asa_s > *t.max_asa_s * (1 + kSlack))) return false;
  if (t.max_occupancy && m.occupancy > *t.max_occupancy + kSlack) return false;
  return true;
}

int ScheduledAgents(int agents, double shrinkage) {
  if (agents <= 0) return 0;
  if (shrinkage <= 0) return agents;
  double exact = agents / (1 - shrinkage);
  // 7 / (1 - 0.3) is 10.000000000000002 in binary: a quotient within rounding noise of an
  // integer is that integer.
  double nearest = std::round(exact);
  if (std::fabs(exact - nearest) <= 1e-9 * std::max(1.0, exact)) return static_cast<int>(nearest);
  return static_cast<int>(std::ceil(exact));
}

double HalfinWhittBeta(double load_erlangs, double aht_s, const StaffingTargets& targets) {
  if (!(load_erlangs > 0) || !(aht_s > 0)) return 0;
  double lo = 0;
  double hi = 10;
  if (!ApproximationMeets(hi, load_erlangs, aht_s, targets)) return hi;
  for (int i = 0; i < 50; ++i) {
    double mid = 0.5 * (lo + hi);
    (ApproximationMeets(mid, load_erlangs, aht_s, targets) ? hi : lo) = mid;
  }
  return hi;
}

Result<Requirement> RequiredAgents(const StaffingInputs& in) {
  if (auto s = ValidateTargets(in); !s) return s.error();
  // Validates the traffic (arrivals, AHT, patience) with the queue's own messages.
  auto probe = EvaluateQueue(QueueFor(in, 1));
  if (!probe) return probe.error();
  if (in.arrivals_per_s == 0) {
    Requirement none;
    none.metrics = *probe;  // no traffic: service level 1, everything else 0
    return none;
  }

  const double load = in.arrivals_per_s * in.aht_s;
  const StaffingTargets& targets = in.targets;
  // Below n_min no staffing can work: Erlang C needs n > A, and its occupancy is A / n.
  int n_min = 1;
  if (!in.patience_s) {
    n_min = static_cast<int>(std::min(std::floor(load) + 1, double{kMaxAgents}));
    if (targets.max_occupancy) {
      double by_occupancy = std::ceil(load / *targets.max_occupancy * (1 - kSlack));
      n_min = std::max(n_min, static_cast<int>(std::min(by_occupancy, double{kMaxAgents})));
    }
  }

  // meets(n) is false below the answer and true from it on: service level rises and ASA and
  // occupancy fall as agents are added, in both models.
  auto meets = [&](int n) -> Result<bool> {
    auto m = EvaluateQueue(QueueFor(in, n));
    if (!m) return m.error();
    return MeetsTargets(*m, targets);
  };

  int guess = SquareRootStaffing(load, HalfinWhittBeta(load, in.aht_s, targets));
  guess = std::clamp(guess, n_min, kMaxAgents);
  int lo;  // fails, or is below n_min
  int hi;  // meets
  auto at_guess = meets(guess);
  if (!at_guess) return at_guess.error();
  if (*at_guess) {
    hi = guess;
    int step = 1;
    while (true) {
      lo = hi - step;
      if (lo < n_min) {
        lo = n_min - 1;
        break;
      }
      auto ok = meets(lo);
      if (!ok) return ok.error();
      if (!*ok) break;
      hi = lo;
      step *= 2;
    }
  } else {
    lo = guess;
    int step = 1;
    while (true) {
      if (lo >= kMaxAgents) {
        return Error::ResourceExhausted(
            "no staffing up to " + std::to_string(kMaxAgents) + " agents meets the targets",
            "target_sl");
      }
      hi = static_cast<int>(std::min<long long>(static_cast<long long>(lo) + step, kMaxAgents));
      auto ok = meets(hi);
      if (!ok) return ok.error();
      if (*ok) break;
      lo = hi;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    auto ok = meets(mid);
    if (!ok) return ok.error();
    (*ok ? hi : lo) = mid;
  }

  Requirement r;
  r.agents = hi;
  r.scheduled = ScheduledAgents(hi, in.shrinkage);
  auto metrics = EvaluateQueue(QueueFor(in, hi));
  if (!metrics) return metrics.error();
  r.metrics = *metrics;
  return r;
}

Result<std::vector<IntervalForecast>> ParseIntervalCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<IntervalForecast> rows;
  std::vector<Column> columns;
  std::vector<std::string> names;
  std::vector<std::string> fields;
  int line_number = 0;
  bool have_header = false;
  auto at = [&](size_t column) {
    std::string where =
        "line " + std::to_string(line_number) + ", column " + std::to_string(column);
    if (column >= 1 && column <= names.size()) where += " (" + names[column - 1] + ")";
    return where + ": ";
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      if (end == text.size()) break;
      continue;
    }
    size_t bad_column = 0;
    if (!SplitCsvLine(line, &fields, &bad_column)) {
      return Error::InvalidArgument(at(bad_column) + "unterminated or misplaced double quote");
    }
    if (!have_header) {
      have_header = true;
      bool seen[3] = {false, false, false};
      for (size_t i = 0; i < fields.size(); ++i) {
        const std::string& name = fields[i];
        names.push_back(name);
        Column c;
        if (name == "interval_start") {
          c = Column::kIntervalStart;
        } else if (name == "arrivals") {
          c = Column::kArrivals;
        } else if (name == "aht") {
          c = Column::kAht;
        } else {
          return Error::InvalidArgument(
              at(i + 1) +
                  "unknown column; the columns are interval_start, arrivals and "
                  "optionally aht",
              name);
        }
        if (seen[static_cast<int>(c)]) {
          return Error::InvalidArgument(at(i + 1) + "the column appears twice", name);
        }
        seen[static_cast<int>(c)] = true;
        columns.push_back(c);
      }
      for (const char* required : {"interval_start", "arrivals"}) {
        if (std::find(names.begin(), names.end(), required) == names.end()) {
          return Error::InvalidArgument("line " + std::to_string(line_number) +
                                            ": the header has no '" + required +
                                            "' column (expected interval_start,arrivals)",
                                        required);
        }
      }
      if (end == text.size()) break;
      continue;
    }
    if (fields.size() > columns.size()) {
      return Error::InvalidArgument(at(columns.size() + 1) + "unexpected extra field '" +
                                    fields[columns.size()] + "' (the header has " +
                                    std::to_string(columns.size()) + " columns)");
    }
    IntervalForecast row;
    row.line = line_number;
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string& name = names[i];
      if (i >= fields.size()) {
        return Error::InvalidArgument(at(i + 1) + "missing (the row has " +
                                          std::to_string(fields.size()) +
                                          (fields.size() == 1 ? " field" : " fields") +
                                          ", the header " + std::to_string(columns.size()) + ")",
                                      name);
      }
      const std::string& value = fields[i];
      switch (columns[i]) {
        case Column::kIntervalStart:
          if (value.empty()) return Error::InvalidArgument(at(i + 1) + "empty", name);
          row.interval_start = value;
          break;
        case Column::kArrivals: {
          if (value.empty()) return Error::InvalidArgument(at(i + 1) + "empty", name);
          double v = 0;
          auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
          if (ec != std::errc() || ptr != value.data() + value.size()) {
            return Error::InvalidArgument(at(i + 1) + "'" + value + "' is not a number", name);
          }
          if (!std::isfinite(v)) {
            return Error::InvalidArgument(at(i + 1) + "'" + value + "' is not a finite number",
                                          name);
          }
          if (v < 0) {
            return Error::InvalidArgument(at(i + 1) + "'" + value + "' is negative", name);
          }
          row.arrivals = v;
          break;
        }
        case Column::kAht: {
          if (value.empty()) break;  // this interval uses the command's AHT
          auto d = ParseDuration(value);
          if (!d) return Error::InvalidArgument(at(i + 1) + d.error().message, name);
          if (d->count() <= 0) {
            return Error::InvalidArgument(at(i + 1) + "the handle time must be positive", name);
          }
          row.aht_s = ToSeconds(*d);
          break;
        }
      }
    }
    rows.push_back(std::move(row));
    if (end == text.size()) break;
  }
  if (!have_header) {
    return Error::InvalidArgument(
        "the CSV is empty; expected a header line interval_start,arrivals");
  }
  if (rows.empty()) {
    return Error::InvalidArgument("line " + std::to_string(line_number) +
                                  ": no interval rows after the header");
  }
  return rows;
}

Result<std::vector<IntervalRequirement>> PlanIntervals(const std::vector<IntervalForecast>& rows,
                                                       double interval_s,
                                                       const StaffingInputs& base) {
  if (!(std::isfinite(interval_s) && interval_s > 0)) {
    return Error::InvalidArgument(
        "the interval length must be positive (got " + Number(interval_s) + ")", "interval_s");
  }
  std::vector<IntervalRequirement> out;
  out.reserve(rows.size());
  for (const IntervalForecast& row : rows) {
    StaffingInputs in = base;
    in.arrivals_per_s = row.arrivals / interval_s;
    if (row.aht_s) in.aht_s = *row.aht_s;
    auto r = RequiredAgents(in);
    if (!r) {
      Error e = r.error();
      e.message = "line " + std::to_string(row.line) + ": " + e.message;
      return e;
    }
    out.push_back({row, in.arrivals_per_s, in.aht_s, std::move(r).value()});
  }
  return out;
}

}  // namespace hotline::wfm
