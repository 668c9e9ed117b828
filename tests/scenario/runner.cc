// Runs a parsed scenario against core::Engine (see runner.h for the language).
#include "tests/scenario/runner.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "config/center_file.h"
#include "tests/scenario/run.h"

namespace hotline::testing {
namespace internal {

constexpr size_t kEventsShown = 30;  // in a failure report

std::string Run::FormatEvent(const core::Event& e) const {
  std::ostringstream o;
  o << FormatDuration(e.at - Instant{}) << " " << core::EventTypeName(e.type);
  if (e.interaction.valid()) o << " " << InteractionName(e.interaction);
  if (e.agent.valid()) o << " agent=" << AgentName(e.agent);
  if (e.queue.valid() && e.queue.value() < engine_.center().queues.size()) {
    o << " queue=" << engine_.center().queues[e.queue.value()].id;
  }
  if (e.offer.valid()) o << " offer=#" << e.offer.value();
  if (e.skill.valid()) o << " skill=" << e.skill.value() << " level=" << e.level;
  switch (e.type) {
    case core::EventType::kInteractionCreated:
      o << " channel=" << core::ChannelName(e.channel) << " priority=" << e.priority;
      break;
    case core::EventType::kInteractionQueued:
    case core::EventType::kInteractionStepChanged:
      o << " step=" << e.step;
      break;
    case core::EventType::kInteractionPriorityChanged:
      o << " priority=" << e.priority;
      break;
    case core::EventType::kAgentPresenceChanged:
      o << " presence=" << core::PresenceName(e.presence);
      break;
    case core::EventType::kAgentRoutingStateChanged:
      o << " state=" << core::RoutingStateName(e.routing_state);
      break;
    default:
      break;
  }
  if (e.wait != Duration::zero()) o << " wait=" << FormatDuration(e.wait);
  if (!e.reason.empty()) o << " reason=" << e.reason;
  return o.str();
}

void Run::Fail(const ScenarioLine& l, const std::string& what) const {
  std::ostringstream o;
  o << s_.file << ":" << l.line << ": " << what << "\n  at " << FormatDuration(now_ - Instant{})
    << ", line: " << l.text << "\n  events so far (" << events_.size() << "):\n";
  size_t first = events_.size() > kEventsShown ? events_.size() - kEventsShown : 0;
  if (first > 0) o << "    ...\n";
  for (size_t i = first; i < events_.size(); ++i) o << "    " << FormatEvent(events_[i]) << "\n";
  throw RunFailure{o.str()};
}

void Run::Drain() {
  for (const core::Event& e : engine_.output().events) {
    events_.push_back(e);
    if (e.type == core::EventType::kInteractionOffered) {
      latest_offer_[{e.interaction, e.agent}] = e.offer;
    }
    static const std::map<core::EventType, core::InteractionState> kTerminal = {
        {core::EventType::kInteractionCompleted, core::InteractionState::kCompleted},
        {core::EventType::kInteractionAbandoned, core::InteractionState::kAbandoned},
        {core::EventType::kInteractionTimedOut, core::InteractionState::kTimedOut},
        {core::EventType::kInteractionExited, core::InteractionState::kExited},
        {core::EventType::kInteractionRejected, core::InteractionState::kRejected},
        {core::EventType::kInteractionCanceled, core::InteractionState::kCanceled},
    };
    auto t = kTerminal.find(e.type);
    if (t != kTerminal.end()) terminal_[e.interaction] = t->second;
  }
  for (const core::Effect& e : engine_.output().effects) effects_.push_back(e);
  engine_.ClearOutput();
}

void Run::Step(const ScenarioLine* expect_error) {
  step_events_ = events_.size();
  step_effects_ = effects_.size();
  now_ = Instant{} + line_->at;
  engine_.AdvanceTo(now_);
  Drain();
  if (line_->op == Op::kAdvance) return;
  size_t before = events_.size();
  Status status = Apply(*line_);
  Drain();
  if (!status.ok() && events_.size() != before) {
    // engine.h: a command that cannot apply changes nothing and emits nothing.
    Fail(*line_, "the command was refused (" + status.error().message + ") but emitted " +
                     FormatEvent(events_[before]));
  }
  if (expect_error == nullptr) {
    if (!status.ok()) {
      Fail(*line_, std::string("the command failed: ") + ErrorCodeName(status.error().code) + ": " +
                       status.error().message);
    }
    return;
  }
  line_ = expect_error;
  if (status.ok()) {
    Expect(false, "an error" + (expect_error->word.empty() ? "" : " " + expect_error->word),
           "success");
  }
  std::string code = ErrorCodeName(status.error().code);
  Expect(expect_error->word.empty() || code == expect_error->word, "error " + expect_error->word,
         code + ": " + status.error().message);
}

Status Run::Apply(const ScenarioLine& l) {
  auto offer = [&]() -> OfferId {
    auto it = latest_offer_.find({Interaction(l.names[0]), Agent(l.names[1])});
    if (it == latest_offer_.end())
      Fail(l, "no offer of " + l.names[0] + " to " + l.names[1] + " was ever made");
    return it->second;
  };
  switch (l.op) {
    case Op::kLogin:
    case Op::kLogout:
      for (const std::string& a : l.names) {
        Status st = engine_.SetPresence(
            Agent(a), l.op == Op::kLogin ? core::Presence::kReady : core::Presence::kLoggedOut, "",
            now_);
        if (!st.ok()) return st;
      }
      return Status::Ok();
    case Op::kNotReady:
      return engine_.SetPresence(Agent(l.names[0]), core::Presence::kNotReady, l.word, now_);
    case Op::kCreate: {
      const std::string& name = l.names[0];
      if (interactions_.count(name) || engine_.center().FindAgent(name) ||
          engine_.center().FindQueue(name)) {
        Fail(l, "the name '" + name + "' is taken");
      }
      core::InteractionSpec spec;
      spec.channel = l.channel;
      spec.queue = Queue(l.word);
      spec.priority = l.number;
      spec.attributes = l.values;
      if (l.known) spec.known_agent = Agent(*l.known);
      Result<InteractionId> id = engine_.CreateInteraction(spec, now_);
      if (!id.ok()) return id.error();
      interactions_[name] = *id;
      interaction_names_[*id] = name;
      return Status::Ok();
    }
    case Op::kAccept:
      return engine_.AcceptOffer(offer(), now_);
    case Op::kReject:
      return engine_.RejectOffer(offer(), l.reject, now_);
    case Op::kEnd:
      return engine_.EndInteraction(Interaction(l.names[0]), now_);
    case Op::kWrapup:
      return engine_.CompleteWrapup(Interaction(l.names[0]), l.word, now_);
    case Op::kAbandon:
    case Op::kExit:
    case Op::kCancel:
      return engine_.CancelInteraction(Interaction(l.names[0]),
                                       l.op == Op::kAbandon ? core::CancelReason::kAbandoned
                                       : l.op == Op::kExit  ? core::CancelReason::kExited
                                                            : core::CancelReason::kCanceled,
                                       now_);
    case Op::kTransfer:
      return engine_.TransferInteraction(Interaction(l.names[0]), Queue(l.word), now_);
    case Op::kPriority:
      return engine_.ChangePriority(Interaction(l.names[0]), l.number, now_);
    case Op::kCallback:
      return engine_.BookCallback(Interaction(l.names[0]), now_);
    case Op::kSkill: {
      std::optional<core::SkillId> skill = engine_.center().FindSkill(l.word);
      if (!skill) Fail(l, "unknown skill '" + l.word + "'");
      return engine_.SetAgentSkill(Agent(l.names[0]), *skill, l.number, now_);
    }
    case Op::kAttrs:
      return engine_.SetAttributes(Interaction(l.names[0]), l.values, now_);
    case Op::kReconfigure:
      return Reconfigure(l);
    default:
      Fail(l, "not a command");
  }
}

Status Run::Reconfigure(const ScenarioLine& l) {
  std::string text = ReplaceSections(center_yaml_, l.yaml);
  Result<core::CenterDefinition> next =
      config::ParseCenterYaml(text, s_.file + ":" + std::to_string(l.line) + " reconfigure");
  if (!next.ok()) {
    Fail(l,
         "the center after reconfigure does not load (line numbers count in the whole center "
         "text): " +
             next.error().message);
  }
  Status status = engine_.Reconfigure(std::move(next).value(), now_);
  if (status.ok()) center_yaml_ = std::move(text);
  return status;
}

std::string Join(const std::vector<std::string>& v) {
  if (v.empty()) return "none";
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace internal

namespace {

Result<core::CenterDefinition> LoadCenter(const Scenario& s) {
  Result<core::CenterDefinition> center = config::ParseCenterYaml(s.center_yaml, s.file);
  if (!center.ok()) return Error::InvalidArgument("center: " + center.error().message);
  return center;
}

}  // namespace

Status RunScenario(const Scenario& scenario) {
  using internal::Run;
  using internal::RunFailure;
  Result<core::CenterDefinition> center = LoadCenter(scenario);
  if (!center.ok()) return center.error();
  std::vector<std::string> first;
  for (int round = 0; round < 2; ++round) {
    Run run(scenario, *center);
    try {
      run.Execute();
    } catch (const RunFailure& failure) {
      std::string again = round == 0 ? "" : " (on the second run, which must repeat the first)";
      return Error{ErrorCode::kFailedPrecondition, failure.message + again, {}};
    }
    std::vector<std::string> events;
    for (const core::Event& e : run.events()) events.push_back(run.FormatEvent(e));
    if (round == 0) {
      first = std::move(events);
      continue;
    }
    for (size_t i = 0; i < std::max(first.size(), events.size()); ++i) {
      std::string a = i < first.size() ? first[i] : "(nothing)";
      std::string b = i < events.size() ? events[i] : "(nothing)";
      if (a != b) {
        return Error{ErrorCode::kFailedPrecondition,
                     scenario.file + ": not deterministic: event " + std::to_string(i) + " was '" +
                         a + "' and is now '" + b + "'",
                     {}};
      }
    }
  }
  return Status::Ok();
}

Status RunScenarioFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound(path + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  Result<Scenario> scenario = ParseScenario(text.str(), path);
  if (!scenario.ok()) return scenario.error();
  return RunScenario(*scenario);
}

}  // namespace hotline::testing
