// `hotline erlang` and `hotline staff` (CLI.md): thin handlers over src/wfm. Arguments are
// parsed and range-checked by CLI11 (a bad value exits 2 with one line naming the option), the
// figures come from wfm::EvaluateQueue / wfm::RequiredAgents, and the output is a table, one
// JSON object (--json), or for `staff --intervals` a CSV or a JSON array.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "base/time.h"
#include "cli/commands.h"
#include "wfm/erlang.h"
#include "wfm/staffing.h"

namespace hotline::cli {
namespace {

using Json = nlohmann::ordered_json;

// --- Argument checks. Each is a CLI11 transform: it rewrites the text into a plain number of
// seconds (or a fraction), or returns the message of the error CLI11 reports with the option.

enum class Bound { kZeroAllowed, kPositive };

CLI::Validator DurationSeconds(Bound bound) {
  return CLI::Validator(
      [bound](std::string& text) -> std::string {
        auto d = ParseDuration(text);
        if (!d) return d.error().message;
        if (bound == Bound::kPositive && d->count() <= 0) {
          return "'" + text + "' must be a positive duration";
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", ToSeconds(*d));
        text = buf;
        return {};
      },
      "");
}

// A number >= 0 (NaN and infinity refused).
CLI::Validator NonNegativeNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double v = 0;
        try {
          size_t used = 0;
          v = std::stod(text, &used);
          if (used != text.size()) throw std::invalid_argument(text);
        } catch (const std::exception&) {
          return "'" + text + "' is not a number";
        }
        if (!std::isfinite(v)) return "'" + text + "' is not a finite number";
        if (v < 0) return "'" + text + "' must not be negative";
        return {};
      },
      "");
}

// A whole number of agents, 1 to kMaxAgents.
CLI::Validator AgentCount() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        long long v = 0;
        try {
          size_t used = 0;
          v = std::stoll(text, &used);
          if (used != text.size()) throw std::invalid_argument(text);
        } catch (const std::exception&) {
          return "'" + text + "' is not a whole number of agents";
        }
        if (v < 1 || v > wfm::kMaxAgents) {
          return "'" + text + "' must be between 1 and " + std::to_string(wfm::kMaxAgents);
        }
        return {};
      },
      "");
}

enum class FractionRange {
  kOpen,      // (0, 1)
  kUpToOne,   // (0, 1]
  kFromZero,  // [0, 1)
};

// "0.8" or "80%", within the range.
CLI::Validator Fraction(FractionRange range) {
  return CLI::Validator(
      [range](std::string& text) -> std::string {
        std::string number = text;
        double scale = 1;
        if (!number.empty() && number.back() == '%') {
          number.pop_back();
          scale = 0.01;
        }
        double v = 0;
        try {
          size_t used = 0;
          v = std::stod(number, &used);
          if (used != number.size()) throw std::invalid_argument(number);
        } catch (const std::exception&) {
          return "'" + text + "' is not a fraction (write e.g. 0.8 or 80%)";
        }
        v *= scale;
        bool ok = std::isfinite(v);
        const char* want = "";
        switch (range) {
          case FractionRange::kOpen:
            ok = ok && v > 0 && v < 1;
            want = "between 0 and 1, both excluded";
            break;
          case FractionRange::kUpToOne:
            ok = ok && v > 0 && v <= 1;
            want = "above 0 and at most 1";
            break;
          case FractionRange::kFromZero:
            ok = ok && v >= 0 && v < 1;
            want = "at least 0 and below 1";
            break;
        }
        if (!ok) return "'" + text + "' must be a fraction " + want + " (e.g. 0.8 or 80%)";
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        text = buf;
        return {};
      },
      "");
}

// The option a wfm field comes from, for errors the library finds (e.g. a load too large).
std::string OptionOf(const std::string& field) {
  if (field == "arrivals_per_s") return "--arrivals";
  if (field == "aht_s") return "--aht";
  if (field == "agents") return "--agents";
  if (field == "threshold_s") return "--threshold";
  if (field == "patience_s") return "--patience";
  if (field == "target_sl") return "--target-sl";
  if (field == "max_asa_s") return "--max-asa";
  if (field == "max_occupancy") return "--max-occupancy";
  if (field == "shrinkage") return "--shrinkage";
  if (field == "interval_s") return "--per";
  return field.empty() ? "hotline" : field;
}

[[noreturn]] void ThrowBadArgument(const Error& error) {
  throw CLI::ValidationError(OptionOf(error.field), error.message);
}

// --- Formatting.

std::string DurationText(double s) { return FormatDuration(Seconds(s)); }

std::string ModelLine(const wfm::QueueMetrics& m, std::optional<double> patience_s) {
  if (m.model == wfm::QueueModel::kErlangA) {
    return "Erlang A (M/M/n+M: exponential patience, mean " + DurationText(*patience_s) + ")";
  }
  return "Erlang C (M/M/n: nobody abandons)";
}

// The figures CLI.md names, plus the model's, in one JSON object.
void AddMetrics(Json& out, const wfm::QueueMetrics& m) {
  out["service_level"] = m.service_level;
  out["asa_s"] = m.asa_s ? Json(*m.asa_s) : Json(nullptr);
  out["occupancy"] = m.occupancy;
  out["p_wait"] = m.p_wait;
  if (m.p_abandon) out["p_abandon"] = *m.p_abandon;
}

void AddTraffic(Json& out, double arrivals, double per_s, double aht_s,
                std::optional<double> patience_s) {
  out["arrivals"] = arrivals;
  out["per_s"] = per_s;
  out["arrivals_per_hour"] = arrivals / per_s * 3600;
  out["aht_s"] = aht_s;
  if (patience_s) out["patience_s"] = *patience_s;
}

void PrintMetricsTable(const wfm::QueueMetrics& m, double threshold_s) {
  std::printf("P(wait)          %.6f  (%.1f%% of arrivals wait)\n", m.p_wait, 100 * m.p_wait);
  if (m.p_abandon) {
    std::printf("P(abandon)       %.6f  (%.2f%% of arrivals abandon)\n", *m.p_abandon,
                100 * *m.p_abandon);
  }
  std::printf("service level    %.6f  (answered within %s, over all arrivals)\n", m.service_level,
              DurationText(threshold_s).c_str());
  if (m.asa_s) {
    std::printf("ASA              %.2f s  (mean wait over all arrivals)\n", *m.asa_s);
  } else {
    std::printf("ASA              infinite (the queue grows without bound)\n");
  }
  std::printf("occupancy        %.6f\n", m.occupancy);
}

// --- hotline erlang

struct ErlangOptions {
  double arrivals = 0;
  double per_s = 0;
  double aht_s = 0;
  int agents = 0;
  double threshold_s = 0;
  std::optional<double> patience_s;
  bool json = false;
};

int RunErlang(const ErlangOptions& o) {
  wfm::QueueInputs in;
  in.arrivals_per_s = o.arrivals / o.per_s;
  in.aht_s = o.aht_s;
  in.agents = o.agents;
  in.threshold_s = o.threshold_s;
  in.patience_s = o.patience_s;
  auto result = wfm::EvaluateQueue(in);
  if (!result) ThrowBadArgument(result.error());
  const wfm::QueueMetrics& m = *result;
  if (o.json) {
    Json out;
    out["model"] = wfm::QueueModelName(m.model);
    out["load_erlangs"] = m.load_erlangs;
    out["p_wait"] = m.p_wait;
    out["service_level"] = m.service_level;
    out["asa_s"] = m.asa_s ? Json(*m.asa_s) : Json(nullptr);
    out["occupancy"] = m.occupancy;
    if (m.p_abandon) out["p_abandon"] = *m.p_abandon;
    if (!m.warning.empty()) out["warning"] = m.warning;
    out["stable"] = m.stable;
    out["agents"] = o.agents;
    out["threshold_s"] = o.threshold_s;
    AddTraffic(out, o.arrivals, o.per_s, o.aht_s, o.patience_s);
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf("%s\n", ModelLine(m, o.patience_s).c_str());
  std::printf("load             %.4f Erlangs  (%g arrivals per %s = %.1f/h, AHT %s)\n",
              m.load_erlangs, o.arrivals, DurationText(o.per_s).c_str(), in.arrivals_per_s * 3600,
              DurationText(o.aht_s).c_str());
  std::printf("agents           %d\n", o.agents);
  PrintMetricsTable(m, o.threshold_s);
  if (!m.warning.empty()) std::printf("warning          %s\n", m.warning.c_str());
  return 0;
}

// --- hotline staff

struct StaffOptions {
  std::optional<double> arrivals;
  std::string intervals;
  double per_s = 0;
  double aht_s = 0;
  double target_sl = 0;
  double threshold_s = 0;
  std::optional<double> patience_s;
  std::optional<double> max_occupancy;
  std::optional<double> max_asa_s;
  double shrinkage = 0;
  bool json = false;
};

wfm::StaffingInputs StaffingOf(const StaffOptions& o) {
  wfm::StaffingInputs in;
  in.arrivals_per_s = o.arrivals.value_or(0) / o.per_s;
  in.aht_s = o.aht_s;
  in.patience_s = o.patience_s;
  in.targets.service_level = o.target_sl;
  in.targets.threshold_s = o.threshold_s;
  in.targets.max_asa_s = o.max_asa_s;
  in.targets.max_occupancy = o.max_occupancy;
  in.shrinkage = o.shrinkage;
  return in;
}

std::string TargetsLine(const StaffOptions& o) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%g%% answered within %s", 100 * o.target_sl,
                DurationText(o.threshold_s).c_str());
  std::string line = buf;
  if (o.max_asa_s) line += ", ASA at most " + DurationText(*o.max_asa_s);
  if (o.max_occupancy) {
    std::snprintf(buf, sizeof buf, ", occupancy at most %g%%", 100 * *o.max_occupancy);
    line += buf;
  }
  return line;
}

void AddTargets(Json& out, const StaffOptions& o) {
  out["target_sl"] = o.target_sl;
  out["threshold_s"] = o.threshold_s;
  if (o.max_asa_s) out["max_asa_s"] = *o.max_asa_s;
  if (o.max_occupancy) out["max_occupancy"] = *o.max_occupancy;
  out["shrinkage"] = o.shrinkage;
}

int RunStaffOne(const StaffOptions& o) {
  wfm::StaffingInputs in = StaffingOf(o);
  auto result = wfm::RequiredAgents(in);
  if (!result) {
    if (result.error().code == ErrorCode::kInvalidArgument) ThrowBadArgument(result.error());
    std::fprintf(stderr, "hotline staff: %s\n", result.error().message.c_str());
    return 1;
  }
  const wfm::Requirement& r = *result;
  if (o.json) {
    Json out;
    out["agents"] = r.agents;
    out["scheduled"] = r.scheduled;
    AddMetrics(out, r.metrics);
    out["model"] = wfm::QueueModelName(r.metrics.model);
    out["load_erlangs"] = r.metrics.load_erlangs;
    AddTargets(out, o);
    AddTraffic(out, *o.arrivals, o.per_s, o.aht_s, o.patience_s);
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf("%s\n", ModelLine(r.metrics, o.patience_s).c_str());
  std::printf("load             %.4f Erlangs  (%g arrivals per %s = %.1f/h, AHT %s)\n",
              r.metrics.load_erlangs, *o.arrivals, DurationText(o.per_s).c_str(),
              in.arrivals_per_s * 3600, DurationText(o.aht_s).c_str());
  std::printf("targets          %s\n", TargetsLine(o).c_str());
  std::printf("agents           %d  (on the phones: the fewest meeting every target)\n", r.agents);
  std::printf("scheduled        %d  (with %g%% shrinkage)\n", r.scheduled, 100 * o.shrinkage);
  PrintMetricsTable(r.metrics, o.threshold_s);
  return 0;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

int RunStaffIntervals(const StaffOptions& o) {
  std::ifstream file(o.intervals, std::ios::binary);
  if (!file) throw CLI::ValidationError("--intervals", "cannot read '" + o.intervals + "'");
  std::stringstream text;
  text << file.rdbuf();
  auto rows = wfm::ParseIntervalCsv(text.str());
  if (!rows) {
    std::fprintf(stderr, "hotline staff: %s: %s\n", o.intervals.c_str(),
                 rows.error().message.c_str());
    return 2;
  }
  auto plan = wfm::PlanIntervals(*rows, o.per_s, StaffingOf(o));
  if (!plan) {
    std::fprintf(stderr, "hotline staff: %s: %s\n", o.intervals.c_str(),
                 plan.error().message.c_str());
    return plan.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  const bool abandon = o.patience_s.has_value();
  if (o.json) {
    Json out = Json::array();
    for (const auto& row : *plan) {
      Json item;
      item["interval_start"] = row.forecast.interval_start;
      item["arrivals"] = row.forecast.arrivals;
      item["agents"] = row.requirement.agents;
      item["scheduled"] = row.requirement.scheduled;
      AddMetrics(item, row.requirement.metrics);
      item["load_erlangs"] = row.requirement.metrics.load_erlangs;
      item["aht_s"] = row.aht_s;
      item["line"] = row.forecast.line;
      out.push_back(std::move(item));
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf(
      "interval_start,arrivals,load_erlangs,agents,scheduled,service_level,asa_s,"
      "occupancy,p_wait%s\n",
      abandon ? ",p_abandon" : "");
  int peak = 0;
  std::string peak_at;
  double scheduled_hours = 0;
  for (const auto& row : *plan) {
    const wfm::QueueMetrics& m = row.requirement.metrics;
    std::printf("%s,%g,%.4f,%d,%d,%.6f,%.3f,%.6f,%.6f",
                CsvField(row.forecast.interval_start).c_str(), row.forecast.arrivals,
                m.load_erlangs, row.requirement.agents, row.requirement.scheduled, m.service_level,
                m.asa_s.value_or(0), m.occupancy, m.p_wait);
    if (abandon) std::printf(",%.6f", m.p_abandon.value_or(0));
    std::printf("\n");
    if (row.requirement.agents > peak) {
      peak = row.requirement.agents;
      peak_at = row.forecast.interval_start;
    }
    scheduled_hours += row.requirement.scheduled * o.per_s / 3600;
  }
  // A summary for the person reading; stdout stays a clean CSV.
  std::fflush(stdout);
  std::fprintf(stderr, "%zu intervals of %s; peak %d agents at %s; %.1f scheduled agent-hours\n",
               plan->size(), DurationText(o.per_s).c_str(), peak, peak_at.c_str(), scheduled_hours);
  return 0;
}

int RunStaff(const StaffOptions& o) {
  if (o.arrivals.has_value() == !o.intervals.empty()) {
    throw CLI::ValidationError("--arrivals", "give either --arrivals N or --intervals FILE.csv");
  }
  return o.intervals.empty() ? RunStaffOne(o) : RunStaffIntervals(o);
}

}  // namespace

void AddWfmCommands(CLI::App& app, int* exit_code) {
  // hotline erlang
  auto erlang_options = std::make_shared<ErlangOptions>();
  auto* erlang = app.add_subcommand(
      "erlang",
      "Queue figures for a staffing level: Erlang C, or Erlang A (exact M/M/n+M model) when "
      "--patience is given");
  erlang->footer(
      "Service level is the share of all arrivals answered within --threshold; ASA is the mean "
      "wait over all arrivals. An unstable Erlang C queue (agents <= load) is reported, not an "
      "error.\n"
      "Example: hotline erlang --arrivals 100 --per 30m --aht 3m --agents 14 --threshold 20s "
      "--patience 5m\n"
      "Formulas: docs/wfm.md\n");
  erlang->add_option("--arrivals", erlang_options->arrivals, "Contacts arriving per --per")
      ->required()
      ->check(NonNegativeNumber())
      ->type_name("N");
  erlang
      ->add_option("--per", erlang_options->per_s,
                   "The period --arrivals is counted over, e.g. 30m")
      ->required()
      ->transform(DurationSeconds(Bound::kPositive))
      ->type_name("DURATION");
  erlang->add_option("--aht", erlang_options->aht_s, "Average handle time (talk, hold, wrap-up)")
      ->required()
      ->transform(DurationSeconds(Bound::kPositive))
      ->type_name("DURATION");
  erlang->add_option("--agents", erlang_options->agents, "Agents on the phones")
      ->required()
      ->check(AgentCount())
      ->type_name("N");
  erlang
      ->add_option("--threshold", erlang_options->threshold_s,
                   "Service-level threshold T: answered within T counts, e.g. 20s")
      ->required()
      ->transform(DurationSeconds(Bound::kZeroAllowed))
      ->type_name("DURATION");
  erlang
      ->add_option("--patience", erlang_options->patience_s,
                   "Mean patience before abandoning (exponential): selects Erlang A")
      ->transform(DurationSeconds(Bound::kPositive))
      ->type_name("DURATION");
  erlang->add_flag("--json", erlang_options->json, "Print one JSON object on stdout");
  erlang->callback([=] { *exit_code = RunErlang(*erlang_options); });

  // hotline staff
  auto staff_options = std::make_shared<StaffOptions>();
  auto* staff = app.add_subcommand(
      "staff",
      "The fewest agents meeting a service level (and optionally an ASA and a maximum "
      "occupancy), and the agents to schedule after shrinkage; per interval with --intervals");
  staff->footer(
      "--intervals FILE.csv reads a forecast with the header interval_start,arrivals (and "
      "optionally aht), one row per interval of length --per, and prints a CSV of requirements "
      "(a JSON array with --json).\n"
      "Example: hotline staff --arrivals 100 --per 30m --aht 3m --target-sl 0.8 --threshold 20s "
      "--shrinkage 30%\n"
      "Formulas: docs/wfm.md\n");
  auto* arrivals =
      staff->add_option("--arrivals", staff_options->arrivals, "Contacts arriving per --per")
          ->check(NonNegativeNumber())
          ->type_name("N");
  auto* intervals = staff
                        ->add_option("--intervals", staff_options->intervals,
                                     "CSV forecast (interval_start,arrivals[,aht]): plan every "
                                     "row; --per is the interval length")
                        ->type_name("FILE.csv");
  arrivals->excludes(intervals);
  staff
      ->add_option("--per", staff_options->per_s,
                   "The period --arrivals is counted over; with --intervals, the interval length")
      ->required()
      ->transform(DurationSeconds(Bound::kPositive))
      ->type_name("DURATION");
  staff->add_option("--aht", staff_options->aht_s, "Average handle time (talk, hold, wrap-up)")
      ->required()
      ->transform(DurationSeconds(Bound::kPositive))
      ->type_name("DURATION");
  staff
      ->add_option("--target-sl", staff_options->target_sl,
                   "Target share of arrivals answered within --threshold (0.8 or 80%)")
      ->required()
      ->transform(Fraction(FractionRange::kOpen))
      ->type_name("FRACTION");
  staff
      ->add_option("--threshold", staff_options->threshold_s,
                   "Service-level threshold T: answered within T counts, e.g. 20s")
      ->required()
      ->transform(DurationSeconds(Bound::kZeroAllowed))
      ->type_name("DURATION");
  staff
      ->add_option("--patience", staff_options->patience_s,
                   "Mean patience before abandoning (exponential): plan with Erlang A")
      ->transform(DurationSeconds(Bound::kPositive))
      ->type_name("DURATION");
  staff
      ->add_option("--max-occupancy", staff_options->max_occupancy,
                   "Keep occupancy (busy share of agent time) at most this (0.85 or 85%)")
      ->transform(Fraction(FractionRange::kUpToOne))
      ->type_name("FRACTION");
  staff
      ->add_option("--max-asa", staff_options->max_asa_s,
                   "Keep the mean wait over all arrivals at most this")
      ->transform(DurationSeconds(Bound::kPositive))
      ->type_name("DURATION");
  staff
      ->add_option("--shrinkage", staff_options->shrinkage,
                   "Share of paid time off the phones (breaks, meetings, absence): scheduled = "
                   "ceil(agents / (1 - shrinkage))")
      ->transform(Fraction(FractionRange::kFromZero))
      ->type_name("FRACTION")
      ->capture_default_str();
  staff->add_flag("--json", staff_options->json,
                  "Print one JSON object on stdout (a JSON array with --intervals)");
  staff->callback([=] { *exit_code = RunStaff(*staff_options); });
}

}  // namespace hotline::cli
