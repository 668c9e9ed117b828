// Figures: sums of one row and the ratios of spec/KPI.md computed from them.
#include <optional>

#include "analytics/kpi.h"

namespace hotline::analytics {

Figures& Figures::operator+=(const Figures& o) {
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
  wait_answered_s += o.wait_answered_s;
  wait_abandoned_s += o.wait_abandoned_s;
  talk_s += o.talk_s;
  hold_s += o.hold_s;
  acw_s += o.acw_s;
  agent_busy_s += o.agent_busy_s;
  agent_wrapup_s += o.agent_wrapup_s;
  agent_idle_s += o.agent_idle_s;
  agent_not_ready_s += o.agent_not_ready_s;
  agent_logged_in_s += o.agent_logged_in_s;
  return *this;
}

namespace {

std::optional<double> Ratio(double numerator, double denominator) {
  if (denominator <= 0) return std::nullopt;
  return numerator / denominator;
}

std::optional<double> Ratio(int64_t numerator, int64_t denominator) {
  return Ratio(static_cast<double>(numerator), static_cast<double>(denominator));
}

}  // namespace

std::optional<double> Figures::ServiceLevel() const {
  return Ratio(answered_within_t, offered - short_abandoned - still_waiting);
}

std::optional<double> Figures::ServiceLevelAnsweredOnly() const {
  return Ratio(answered_within_t, answered);
}

std::optional<double> Figures::ServiceLevelWithAbandons() const {
  return Ratio(answered_within_t + abandoned_within_t, answered + abandoned);
}

std::optional<double> Figures::PWait() const { return Ratio(waited, answered + abandoned); }

std::optional<double> Figures::AsaS() const {
  return Ratio(wait_answered_s, static_cast<double>(answered));
}

std::optional<double> Figures::AverageWaitToAbandonS() const {
  return Ratio(wait_abandoned_s, static_cast<double>(abandoned));
}

std::optional<double> Figures::AbandonRate() const {
  return Ratio(abandoned - short_abandoned, offered - short_abandoned - still_waiting);
}

std::optional<double> Figures::AhtS() const {
  return Ratio(talk_s + hold_s + acw_s, static_cast<double>(completed));
}

std::optional<double> Figures::AcwS() const { return Ratio(acw_s, static_cast<double>(completed)); }

std::optional<double> Figures::Occupancy() const {
  const double working = agent_busy_s + agent_wrapup_s;
  return Ratio(working, working + agent_idle_s);
}

std::optional<double> Figures::Utilization() const {
  return Ratio(agent_busy_s + agent_wrapup_s, agent_logged_in_s);
}

std::optional<double> Figures::TransferRate() const { return Ratio(transferred, answered); }

std::optional<double> Figures::IvrRoutingAccuracy() const {
  return Ratio(answered - transferred, answered);
}

}  // namespace hotline::analytics
