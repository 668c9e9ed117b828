// Internal to the scenario runner: one run of a scenario against a fresh engine. runner.cc holds
// the commands and the report, expectations.cc the checks.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/engine.h"
#include "tests/scenario/runner.h"

namespace hotline::testing::internal {

using core::AgentId;
using core::InteractionId;
using core::OfferId;
using core::QueueId;

// Thrown by Run only; RunScenario turns it into an Error.
struct RunFailure {
  std::string message;
};

std::string Join(const std::vector<std::string>& v);  // "a b c", or "none"

// One run of a scenario: a fresh engine, the names the scenario gave its interactions, every
// event and effect so far. Fails by throwing RunFailure with the whole report.
class Run {
 public:
  Run(const Scenario& s, core::CenterDefinition center)
      : s_(s), engine_(std::move(center), s.seed), center_yaml_(s.center_yaml) {}

  void Execute() {
    for (size_t i = 0; i < s_.lines.size(); ++i) {
      line_ = &s_.lines[i];
      if (IsCommand(line_->op)) {
        Step(i + 1 < s_.lines.size() && s_.lines[i + 1].op == Op::kExpectError ? &s_.lines[++i]
                                                                               : nullptr);
      } else {
        Check(*line_);
      }
    }
  }

  const std::vector<core::Event>& events() const { return events_; }
  std::string FormatEvent(const core::Event& e) const;

 private:
  [[noreturn]] void Fail(const ScenarioLine& l, const std::string& what) const;
  void Expect(bool ok, const std::string& expected, const std::string& got) const {
    if (!ok) Fail(*line_, "expected " + expected + ", got " + got);
  }

  void Drain();
  void Step(const ScenarioLine* expect_error);
  Status Apply(const ScenarioLine& l);
  Status Reconfigure(const ScenarioLine& l);
  void Check(const ScenarioLine& l);
  void CheckHappened(const ScenarioLine& l);

  AgentId Agent(const std::string& name) const {
    std::optional<AgentId> id = engine_.center().FindAgent(name);
    if (!id) Fail(*line_, "unknown agent '" + name + "'");
    return *id;
  }
  QueueId Queue(const std::string& name) const {
    std::optional<QueueId> id = engine_.center().FindQueue(name);
    if (!id) Fail(*line_, "unknown queue '" + name + "'");
    return *id;
  }
  InteractionId Interaction(const std::string& name) const {
    auto it = interactions_.find(name);
    if (it == interactions_.end()) Fail(*line_, "unknown interaction '" + name + "'");
    return it->second;
  }
  core::InteractionView View(const std::string& name) const {
    std::optional<core::InteractionView> v = engine_.interaction(Interaction(name));
    if (!v) Fail(*line_, "interaction " + name + " is no longer live (" + StateOf(name) + ")");
    return *v;
  }
  std::string StateOf(const std::string& name) const;
  std::string AgentName(AgentId id) const {
    return id.valid() && id.value() < engine_.center().agents.size()
               ? engine_.center().agents[id.value()].id
               : "?";
  }
  std::string InteractionName(InteractionId id) const {
    auto it = interaction_names_.find(id);
    return it == interaction_names_.end() ? "#" + std::to_string(id.value()) : it->second;
  }
  std::vector<std::string> PendingAgents(InteractionId id) const;

  const Scenario& s_;
  core::Engine engine_;
  std::string center_yaml_;  // the center in force, as text (reconfigure replaces sections)
  const ScenarioLine* line_ = nullptr;
  Instant now_{};
  std::map<std::string, InteractionId> interactions_;
  std::map<InteractionId, std::string> interaction_names_;
  std::map<InteractionId, core::InteractionState> terminal_;
  std::map<std::pair<InteractionId, AgentId>, OfferId> latest_offer_;
  std::vector<core::Event> events_;
  std::vector<core::Effect> effects_;
  size_t step_events_ = 0;  // events_[step_events_..] were emitted by the latest `at`
  size_t step_effects_ = 0;
};

}  // namespace hotline::testing::internal
