// The expectations of a scenario (runner.h), checked against the engine's views and output.
#include <algorithm>
#include <string>
#include <vector>

#include "tests/scenario/run.h"

namespace hotline::testing::internal {

std::string Run::StateOf(const std::string& name) const {
  InteractionId id = Interaction(name);
  if (std::optional<core::InteractionView> v = engine_.interaction(id)) {
    return std::string(core::InteractionStateName(v->state));
  }
  auto t = terminal_.find(id);
  return t == terminal_.end() ? "gone without a terminal event"
                              : std::string(core::InteractionStateName(t->second));
}

std::vector<std::string> Run::PendingAgents(InteractionId id) const {
  std::vector<std::string> agents;
  std::optional<core::InteractionView> v = engine_.interaction(id);
  if (!v) return agents;
  for (OfferId o : v->pending_offers) {
    if (std::optional<core::OfferView> offer = engine_.offer(o)) {
      agents.push_back(AgentName(offer->agent));
    }
  }
  std::sort(agents.begin(), agents.end());
  return agents;
}

void Run::Check(const ScenarioLine& l) {
  const std::vector<std::string>& n = l.names;
  switch (l.op) {
    case Op::kExpectOffered:
    case Op::kExpectNotOffered: {
      InteractionId id = Interaction(n[0]);
      std::vector<core::OfferView> offers = engine_.OffersOf(Agent(n[1]));
      bool found = std::any_of(offers.begin(), offers.end(),
                               [&](const core::OfferView& o) { return o.interaction == id; });
      std::vector<std::string> ringing;
      for (const core::OfferView& o : offers) ringing.push_back(InteractionName(o.interaction));
      bool want = l.op == Op::kExpectOffered;
      Expect(found == want,
             std::string(want ? "a" : "no") + " pending offer of " + n[0] + " to " + n[1],
             n[1] + " ringing with " + Join(ringing) + "; " + n[0] + " offered to " +
                 Join(PendingAgents(id)) + " (" + StateOf(n[0]) + ")");
      return;
    }
    case Op::kExpectOffers:
    case Op::kExpectOfferedAmong: {
      std::vector<std::string> got = PendingAgents(Interaction(n[0]));
      std::vector<std::string> want(n.begin() + 1, n.end());
      std::sort(want.begin(), want.end());
      bool ok = l.op == Op::kExpectOffers
                    ? got == want
                    : !got.empty() && std::all_of(got.begin(), got.end(), [&](const auto& a) {
                        return std::binary_search(want.begin(), want.end(), a);
                      });
      Expect(ok,
             n[0] + (l.op == Op::kExpectOffers ? " offered to exactly " : " offered among ") +
                 Join(want),
             "offered to " + Join(got) + " (" + StateOf(n[0]) + ")");
      return;
    }
    case Op::kExpectState: {
      std::string got = StateOf(n[0]);
      Expect(got == l.word, n[0] + " " + l.word, got);
      return;
    }
    case Op::kExpectPriority:
      Expect(View(n[0]).priority == l.number, "priority " + std::to_string(l.number),
             std::to_string(View(n[0]).priority));
      return;
    case Op::kExpectStep:
      Expect(View(n[0]).step == l.number, "step " + std::to_string(l.number),
             std::to_string(View(n[0]).step));
      return;
    case Op::kExpectQueue: {
      QueueId q = View(n[0]).queue;
      Expect(q == Queue(n[1]), "queue " + n[1], engine_.center().queues[q.value()].id);
      return;
    }
    case Op::kExpectChannel: {
      core::Channel c = View(n[0]).channel;
      Expect(c == l.channel, std::string("channel ") + std::string(core::ChannelName(l.channel)),
             std::string(core::ChannelName(c)));
      return;
    }
    case Op::kExpectAgentOf: {
      AgentId a = View(n[0]).agent;
      Expect(a == Agent(n[1]), n[0] + " with agent " + n[1], a.valid() ? AgentName(a) : "none");
      return;
    }
    case Op::kExpectAge: {
      Duration age = View(n[0]).age_since - Instant{};
      Expect(age == l.duration, "age_since " + FormatDuration(l.duration), FormatDuration(age));
      return;
    }
    case Op::kExpectAgentPresence: {
      core::AgentView a = engine_.agent(Agent(n[0]));
      std::string got = std::string(core::PresenceName(a.presence));
      bool ok = got == l.word && (!l.reason || a.reason == *l.reason);
      Expect(ok, n[0] + " " + l.word + (l.reason ? " (" + *l.reason + ")" : ""),
             got + " (" + a.reason + ")");
      return;
    }
    case Op::kExpectAgentState: {
      core::AgentView a = engine_.agent(Agent(n[0]));
      std::string got = std::string(core::RoutingStateName(a.routing_state));
      Expect(got == l.word, n[0] + " " + l.word, got);
      return;
    }
    case Op::kExpectAgentLoad:
    case Op::kExpectAgentMissed:
    case Op::kExpectAgentHandled: {
      core::AgentView a = engine_.agent(Agent(n[0]));
      int got = l.op == Op::kExpectAgentLoad     ? a.load[static_cast<size_t>(l.channel)]
                : l.op == Op::kExpectAgentMissed ? a.missed_in_row
                                                 : a.handled;
      Expect(got == l.number, n[0] + " " + l.text.substr(l.text.find(n[0]) + n[0].size() + 1),
             std::to_string(got));
      return;
    }
    case Op::kExpectWaiting: {
      int got = engine_.queue(Queue(n[0])).waiting;
      Expect(got == l.number, std::to_string(l.number) + " waiting in " + n[0],
             std::to_string(got));
      return;
    }
    case Op::kExpectExplain: {
      AgentId agent = Agent(n[1]);
      Result<core::Explanation> e = engine_.Explain(Interaction(n[0]), now_);
      if (!e.ok()) Fail(l, "expected an explanation, got error " + e.error().message);
      std::string got = "no entry for " + n[1];
      for (const core::CandidateExplanation& c : e->candidates) {
        if (c.agent != agent) continue;
        got = std::string(core::IneligibilityName(c.reason));
        if (got == l.word) return;
        if (!c.detail.empty()) got += " (" + c.detail + ")";
        if (c.until != Instant{}) got += " until " + FormatDuration(c.until - Instant{});
      }
      Fail(l, "expected " + n[1] + " " + l.word + " for " + n[0] + ", got " + got);
    }
    case Op::kExpectEligible:
    case Op::kExpectNotEligible: {
      bool got = engine_.IsEligible(Agent(n[1]), Interaction(n[0]), now_);
      bool want = l.op == Op::kExpectEligible;
      Expect(got == want, n[1] + (want ? " eligible" : " not eligible") + " for " + n[0],
             got ? "eligible" : "not eligible");
      return;
    }
    default:
      CheckHappened(l);
  }
}

// expect event / no-event / event-count / effect / no-effect.
void Run::CheckHappened(const ScenarioLine& l) {
  bool effect = l.op == Op::kExpectEffect || l.op == Op::kExpectNoEffect;
  auto matches = [&](auto type_name, InteractionId i, AgentId a, QueueId q,
                     const std::string& reason) {
    if (type_name != l.word) return false;
    for (const std::string& s : l.subjects) {
      size_t eq = s.find('=');
      if (eq != std::string::npos) {
        std::string key = s.substr(0, eq);
        if (key != (effect ? "target" : "reason")) Fail(l, "unknown subject '" + s + "'");
        if (reason != s.substr(eq + 1)) return false;
      } else if (interactions_.count(s)) {
        if (i != interactions_.at(s)) return false;
      } else if (engine_.center().FindAgent(s)) {
        if (a != Agent(s)) return false;
      } else if (!effect && engine_.center().FindQueue(s)) {
        if (q != Queue(s)) return false;
      } else {
        Fail(l, "unknown subject '" + s + "'");
      }
    }
    return true;
  };
  int count = 0;
  std::vector<std::string> seen;
  if (effect) {
    for (size_t k = step_effects_; k < effects_.size(); ++k) {
      const core::Effect& e = effects_[k];
      count += matches(core::EffectTypeName(e.type), e.interaction, e.agent, QueueId{}, e.target);
      seen.push_back(std::string(core::EffectTypeName(e.type)) + " " +
                     InteractionName(e.interaction) +
                     (e.agent.valid() ? " agent=" + AgentName(e.agent) : "") +
                     (e.target.empty() ? "" : " target=" + e.target));
    }
  } else {
    size_t from = l.op == Op::kExpectEventCount ? 0 : step_events_;
    for (size_t k = from; k < events_.size(); ++k) {
      const core::Event& e = events_[k];
      count += matches(core::EventTypeName(e.type), e.interaction, e.agent, e.queue, e.reason);
    }
  }
  std::string what = l.word + (l.subjects.empty() ? "" : " " + Join(l.subjects));
  std::string got = std::to_string(count) + " matching";
  if (effect) got += "; effects of this step: " + (seen.empty() ? "none" : Join(seen));
  switch (l.op) {
    case Op::kExpectEvent:
    case Op::kExpectEffect:
      Expect(count > 0, what + " during this step", got);
      return;
    case Op::kExpectNoEvent:
    case Op::kExpectNoEffect:
      Expect(count == 0, "no " + what + " during this step", got);
      return;
    default:
      Expect(count == l.number, std::to_string(l.number) + " x " + what + " so far", got);
  }
}

}  // namespace hotline::testing::internal
