// Randomized property test of the routing engine: random command sequences against a center that
// uses most routing features, with invariants checked after every step, from the views and from the
// events the step emitted.
//
// Each seed builds its own center (the queues are fixed, the agents' skills, capacities,
// cross-channel rules and profiles are random), runs `steps` random commands (time advances,
// presence, arrivals, accept / reject, end, wrap-up, cancel, transfer, priority, callback, skills,
// and commands that must fail), then drains: every agent ready, every offer accepted, everything
// ended and wrapped up, the rest canceled, time moved far ahead.
//
// Checked after every step:
//  - a failed command emitted nothing; commands the header says fail (accepting an answered offer,
//    ending a queued interaction, ...) fail, and those that must work (accepting a pending offer)
//    work;
//  - no agent over capacity, cross-channel rules kept, a logged-out agent holds nothing;
//  - every offer went to a ready agent out of back-off, a member of the step's queue within the
//    open ring, meeting the (not dropped) requirements, not excluded, past the known-agent window
//    and the profile delay; ring_all rang every ready eligible agent of the best tier, parallel(n)
//    rang n when it could;
//  - no queued interaction is left while a routable agent may take it (by IsEligible and by the
//    center definition), and no deadline (step timeout, max wait, wait rule) is overdue;
//  - in kFront (single, strict, FIFO) an agent is never offered an interaction while one it may
//  take
//    waits in the same lane with a higher priority or, at equal priority, an older place in line;
//  - at most one terminal event per interaction and nothing about it afterwards; LiveInteractions()
//    holds exactly the non-terminal ones; the state rebuilt from the events (queue, step, priority,
//    channel, presence, open offers, connected agent) matches the views; offers and interactions
//    agree; QueueView.waiting counts the waiting interactions;
// and after the drain every interaction reached exactly one terminal state, nobody holds anything,
// no timer is left. A second test runs seeds twice and compares the event and effect streams.
//
// About 2% of the commands reconfigure the engine with a randomly changed center (requirement
// levels, agent order, offer mode, task order, rings, step timeouts, a step removed or added,
// admission and rule thresholds, static members, capacity, profiles, skills in the definition,
// settings, an appended agent or queue; kFront keeps what its exact checks need), or try one that
// breaks the index rule and must be refused; the oracle follows the new center. Offers rung before
// a reconfiguration are exempt from the new offer mode's count, and the ring open then stays open
// (engine.h). A third test reconfigures with the running center after every few time advances and
// requires the very same event stream as without.
//
// Environment knobs, to reproduce one failure:
//   HOTLINE_FUZZ_SEED=<n>     run only this seed
//   HOTLINE_FUZZ_SEEDS=<n>    number of seeds (default 200), HOTLINE_FUZZ_FIRST_SEED=<n>
//   HOTLINE_FUZZ_STEPS=<n>    steps per seed (default 500)
//   HOTLINE_FUZZ_VERBOSE=1    print every command with the events it produced
//   HOTLINE_FUZZ_IGNORE=a,b   do not fail on these kinds of violation (to find the next ones)
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/random.h"
#include "base/time.h"
#include "core/center.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/expression.h"
#include "core/states.h"

namespace hotline::core {
namespace {

// ---- The center ---------------------------------------------------------------------------------

enum SkillIndex : uint32_t { kGeneral, kBilling, kTech, kSpanish, kVip, kWriting, kSkillCount };
// Queue kFront is the one where "higher priority first" is checked exactly: single offer, strict
// task order, FIFO, no rings, no profile delay, no known-agent window, one step.
enum QueueIndex : uint32_t { kFront, kBillingQ, kTechQ, kSpanishQ, kVipQ, kEmailQ, kQueueCount };
constexpr int kAgentCount = 20;
const Instant kT0 = FromMicros(1'767'603'600'000'000);  // 2026-01-05 09:00:00 UTC

Expression MustParse(std::string_view text) {
  Result<Expression> e = Expression::Parse(text);
  HOTLINE_CHECK(e.ok(), "test expression does not parse");
  return std::move(e).value();
}

// The only membership expression of the center is `agent.team == "blue"` on kTechQ; this is its
// meaning, used by the eligibility oracle.
bool AgentIsBlue(const AgentDefinition& a) {
  auto it = a.attributes.find("team");
  return it != a.attributes.end() && it->second == Value("blue");
}

SkillRequirement Req(SkillIndex skill, int min_level, bool optional = false) {
  return SkillRequirement{SkillId(skill), min_level, optional};
}

Ring MakeRing(double after_s, std::optional<int> max_tier, bool drop_optional, int priority_add) {
  Ring r;
  r.after = Seconds(after_s);
  r.max_tier = max_tier;
  r.drop_optional = drop_optional;
  r.priority_add = priority_add;
  return r;
}

ExceptionRule MakeRule(ExceptionTrigger trigger, ExceptionAction action) {
  ExceptionRule r;
  r.trigger = trigger;
  r.action = action;
  return r;
}

// One agent with random skills, capacities, cross-channel rule, profile and team.
AgentDefinition MakeAgent(Random& r, int i) {
  AgentDefinition a;
  a.id = fmt::format("a{}", i);
  a.name = fmt::format("Agent {}", i);
  for (uint32_t s = 0; s < kSkillCount; ++s) {
    bool has = s == kGeneral ? r.Below(100) < 85 : r.Below(100) < 45;
    if (has) a.skills[SkillId(s)] = 1 + static_cast<int>(r.Below(5));
  }
  auto cap = [&](Channel ch) -> int& { return a.capacity[static_cast<int>(ch)]; };
  cap(Channel::kVoice) = r.Below(10) < 9 ? 1 : 0;
  cap(Channel::kChat) = 1 + static_cast<int>(r.Below(3));
  cap(Channel::kEmail) = static_cast<int>(r.Below(6));
  // The engine lets a callback use the voice capacity when the callback capacity is 0 (not
  // what "0 = not on this channel" says); agents here keep the two equal so that the oracle and
  // the engine agree either way.
  cap(Channel::kCallback) = cap(Channel::kVoice);
  cap(Channel::kTask) = static_cast<int>(r.Below(3));
  a.cross_channel = static_cast<CrossChannelRule>(r.Below(3));
  uint64_t p = r.Below(3);
  if (p > 0) a.profile = ProfileId(static_cast<uint32_t>(p - 1));
  a.attributes["team"] = Value(r.Below(2) == 0 ? "blue" : "red");
  a.weight = 0.5 + r.Unit() * 2.5;
  return a;
}

CenterDefinition MakeCenter(uint64_t seed) {
  Random r(seed * 0x9E3779B97F4A7C15ULL + 12345);
  CenterDefinition c;
  c.name = "fuzz";
  c.settings.offer_timeout = Seconds(20);
  c.settings.backoff_reject = Seconds(5);
  c.settings.backoff_busy = Seconds(10);
  c.settings.backoff_no_answer = Seconds(15);
  c.settings.max_missed_offers = 3;
  c.settings.wrapup = WrapupPolicy{WrapupMode::kTimed, Seconds(10)};
  for (const char* s : {"general", "billing", "tech", "spanish", "vip", "writing"}) {
    c.skills.push_back(Skill{s, s});
  }
  c.dispositions = {{"resolved", "Resolved"}, {"follow_up", "Follow up"}};

  // Agents.
  for (int i = 0; i < kAgentCount; ++i) c.agents.push_back(MakeAgent(r, i));

  // kFront: defaults everywhere (longest idle, single, strict, FIFO), every agent a member.
  {
    Queue q;
    q.id = "front";
    q.name = "Front desk";
    Step s;
    s.requirements = {Req(kGeneral, 1)};
    q.plan = {s};
    q.wrapup = WrapupPolicy{WrapupMode::kNone, Seconds(0)};
    q.exceptions = {MakeRule(ExceptionTrigger::kWaitAtLeast, ExceptionAction::kOfferCallback)};
    q.exceptions[0].threshold = Seconds(240);
    c.queues.push_back(std::move(q));
  }
  // kBillingQ: composed order (tier, then weighted random), parallel(2), time offset, static
  // members with tiers, rings widening the tier window and dropping an optional requirement.
  {
    Queue q;
    q.id = "billing";
    q.name = "Billing";
    q.agent_order = {AgentOrder::kTier, AgentOrder::kWeightedRandom};
    q.offer_mode = OfferMode::kParallel;
    q.parallel_count = 2;
    q.task_order = TaskOrder::kTimeOffset;
    q.seconds_per_point = Seconds(30);
    int position = 0;
    for (int i = 0; i < kAgentCount; ++i) {
      if (i % 3 == 2) continue;
      q.members.push_back(QueueMember{AgentId(i), 1 + static_cast<int>(r.Below(3)), position++});
    }
    Step s;
    s.requirements = {Req(kBilling, 1), Req(kVip, 2, /*optional=*/true)};
    s.rings = {MakeRing(0, 1, false, 0), MakeRing(20, 2, false, 1),
               MakeRing(45, std::nullopt, true, 0)};
    q.plan = {s};
    q.offer_timeout = Seconds(15);
    c.queues.push_back(std::move(q));
  }
  // kTechQ: random order, ring_all, LIFO, membership by expression (tier 1) plus a few static
  // members on worse tiers, max length, a priority rule.
  {
    Queue q;
    q.id = "tech";
    q.name = "Tech";
    q.agent_order = {AgentOrder::kRandom};
    q.offer_mode = OfferMode::kRingAll;
    q.lifo = true;
    q.membership = MustParse("agent.team == \"blue\"");
    for (int i = 0; i < kAgentCount; i += 4) {
      q.members.push_back(QueueMember{AgentId(i), 2 + static_cast<int>(r.Below(2)), i});
    }
    Step s;
    s.requirements = {Req(kTech, 2)};
    q.plan = {s};
    q.admission.max_length = 6;
    q.exceptions = {MakeRule(ExceptionTrigger::kQueueLengthAtLeast, ExceptionAction::kSetPriority)};
    q.exceptions[0].count = 3;
    q.exceptions[0].priority = 5;
    q.wrapup = WrapupPolicy{WrapupMode::kDiscretionary, Seconds(40)};
    c.queues.push_back(std::move(q));
  }
  // kSpanishQ: most skilled then round robin, progressive, two steps with timeouts (the second
  // takes its agents from kBillingQ), plan exhausted -> route elsewhere.
  {
    Queue q;
    q.id = "spanish";
    q.name = "Español";
    q.agent_order = {AgentOrder::kMostSkilled, AgentOrder::kRoundRobin};
    q.offer_mode = OfferMode::kProgressive;
    q.progressive_step = Seconds(4);
    Step s0;
    s0.requirements = {Req(kSpanish, 2)};
    s0.timeout = Seconds(60);
    Step s1;
    s1.queue = QueueId(kBillingQ);
    s1.requirements = {Req(kSpanish, 1)};
    s1.priority = 3;
    s1.timeout = Seconds(90);
    q.plan = {s0, s1};
    q.exceptions = {MakeRule(ExceptionTrigger::kPlanExhausted, ExceptionAction::kRouteElsewhere)};
    q.exceptions[0].target = "voicemail";
    c.queues.push_back(std::move(q));
  }
  // kVipQ: composed order, static members, known-agent window, max length and max wait, and an
  // overflow to kFront after 90 s.
  {
    Queue q;
    q.id = "vip";
    q.name = "VIP";
    q.agent_order = {AgentOrder::kLeastOccupied, AgentOrder::kMostAvailableCapacity,
                     AgentOrder::kLongestIdle};
    for (int i = 0; i < 8; ++i) q.members.push_back(QueueMember{AgentId(i), 1, 8 - i});
    Step s;
    s.requirements = {Req(kVip, 1)};
    s.known_agent_window = Seconds(30);
    q.plan = {s};
    q.admission.max_length = 8;
    q.admission.max_wait = Seconds(180);
    q.exceptions = {MakeRule(ExceptionTrigger::kWaitAtLeast, ExceptionAction::kMoveToQueue)};
    q.exceptions[0].threshold = Seconds(90);
    q.exceptions[0].queue = QueueId(kFront);
    q.wrapup = WrapupPolicy{WrapupMode::kTimed, Seconds(5)};
    q.offer_timeout = Seconds(10);
    c.queues.push_back(std::move(q));
  }
  // kEmailQ: top down over static members, join/leave when nobody is logged in, max wait with no
  // agents, a time-out rule.
  {
    Queue q;
    q.id = "email";
    q.name = "Email";
    q.agent_order = {AgentOrder::kTopDown};
    int position = 0;
    for (int i = 1; i < kAgentCount; i += 2) {
      q.members.push_back(QueueMember{AgentId(i), 1, position++});
    }
    Step s;
    s.requirements = {Req(kWriting, 1)};
    q.plan = {s};
    q.admission.join_when_empty = EmptyWhen::kNoLoggedIn;
    q.admission.leave_when_empty = EmptyWhen::kNoLoggedIn;
    q.admission.max_wait_no_agents = Seconds(120);
    q.exceptions = {MakeRule(ExceptionTrigger::kWaitAtLeast, ExceptionAction::kTimeOut)};
    q.exceptions[0].threshold = Seconds(300);
    c.queues.push_back(std::move(q));
  }

  // Profiles list every queue (so they never narrow membership); kFront has no delay anywhere.
  auto pq = [](QueueIndex q, int priority, double delay_s) {
    return ProfileQueue{QueueId(q), priority, Seconds(delay_s)};
  };
  c.profiles.push_back(RoutingProfile{"frontline",
                                      {pq(kFront, 0, 0), pq(kVipQ, 0, 0), pq(kBillingQ, 1, 0),
                                       pq(kTechQ, 1, 10), pq(kSpanishQ, 2, 0), pq(kEmailQ, 3, 30)},
                                      false});
  c.profiles.push_back(RoutingProfile{"backoffice",
                                      {pq(kFront, 0, 0), pq(kBillingQ, 0, 15), pq(kTechQ, 0, 0),
                                       pq(kSpanishQ, 1, 20), pq(kVipQ, 1, 0), pq(kEmailQ, 1, 0)},
                                      true});
  return c;
}

// ---- Formatting ---------------------------------------------------------------------------------

template <typename Id>
std::string IdText(Id id) {
  return id.valid() ? std::to_string(id.value()) : "-";
}

double Rel(Instant t) { return ToSeconds(t - kT0); }

std::string FormatEvent(const Event& e) {
  return fmt::format(
      "{:.6f} {} i={} a={} q={} o={} sk={} ch={} pres={} rs={} prio={} step={} lvl={} wait={} "
      "r='{}'",
      Rel(e.at), EventTypeName(e.type), IdText(e.interaction), IdText(e.agent), IdText(e.queue),
      IdText(e.offer), IdText(e.skill), ChannelName(e.channel), PresenceName(e.presence),
      RoutingStateName(e.routing_state), e.priority, e.step, e.level, e.wait.count(), e.reason);
}

std::string FormatEffect(const Effect& e) {
  return fmt::format("  effect {} i={} a={} o={} deadline={:.6f} target='{}'",
                     EffectTypeName(e.type), IdText(e.interaction), IdText(e.agent),
                     IdText(e.offer), Rel(e.deadline), e.target);
}

bool IsTerminalEvent(EventType t) {
  switch (t) {
    case EventType::kInteractionCompleted:
    case EventType::kInteractionAbandoned:
    case EventType::kInteractionTimedOut:
    case EventType::kInteractionExited:
    case EventType::kInteractionRejected:
    case EventType::kInteractionCanceled:
      return true;
    default:
      return false;
  }
}

// Events that always name an agent.
bool NeedsAgent(EventType t) {
  switch (t) {
    case EventType::kInteractionOffered:
    case EventType::kInteractionConnected:
    case EventType::kInteractionTransferred:
    case EventType::kInteractionWrapupStarted:
    case EventType::kOfferAccepted:
    case EventType::kOfferRejected:
    case EventType::kOfferTimedOut:
    case EventType::kOfferRescinded:
    case EventType::kAgentLoggedIn:
    case EventType::kAgentLoggedOut:
    case EventType::kAgentPresenceChanged:
    case EventType::kAgentRoutingStateChanged:
    case EventType::kAgentSkillChanged:
      return true;
    default:
      return false;
  }
}

// HOTLINE_FUZZ_IGNORE=kind1,kind2 skips known violations to look for the next ones.
bool IgnoredKind(std::string_view kind) {
  const char* v = std::getenv("HOTLINE_FUZZ_IGNORE");
  if (v == nullptr) return false;
  std::string_view list(v);
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (list.substr(0, comma) == kind) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// ---- What the events say ------------------------------------------------------------------------

struct TrackedInteraction {
  InteractionId id;
  Channel channel = Channel::kVoice;
  bool in_plan = false;  // a queued / step_changed / transferred event has been seen
  QueueId queue;
  int step = 0;
  Instant step_entered{};
  Instant queue_entered{};
  int priority = 0;
  Instant created_at{};
  std::optional<Instant> age_since;  // from the view, after the last step it was live
  std::optional<AgentId> known_agent;
  bool connected = false;  // assigned or wrapping
  AgentId agent;
  std::set<uint64_t> open_offers;
  std::set<uint32_t> excluded_in_step;  // declined or missed since it entered its current step
  // Rings open when the center last changed stay open (engine.h, Reconfigure): the ring the old
  // timings had opened, a floor for judging offers (not for judging agents left idle).
  int ring_floor = 0;
  std::set<uint32_t> ever_refused;  // rejected (any reason) or missed, ever
  std::optional<EventType> terminal;
  int terminal_events = 0;
  std::optional<AgentId> transferred_by;  // the last transfer's agent, and when
  Instant transferred_at{};
};

struct TrackedOffer {
  InteractionId interaction;
  AgentId agent;
  Channel channel = Channel::kVoice;
  bool open = true;
};

struct TrackedAgent {
  Presence presence = Presence::kLoggedOut;
  std::map<uint32_t, int> skills;
  Instant backoff_until{};
};

// A "higher priority first" check recorded at an offer of kFront, evaluated after the step (it
// needs the views for ages and exclusions).
struct OrderCheck {
  size_t event_index = 0;
  InteractionId offered;
  AgentId agent;
  int offered_priority = 0;
  std::vector<std::pair<InteractionId, int>> waiting;  // same lane, no offer, priority then
  QueueId queue;  // the lane's queue and step at the offer (it may move later in the step)
  int step = 0;
};

enum class Expect { kAny, kOk, kFail };

struct RunResult {
  std::vector<std::string> stream;  // every event and effect, formatted
  bool failed = false;
  std::string kind;
  std::string report;
  int failed_step = -1;
  int interactions = 0;
  int offers = 0;
  int connected = 0;
  std::map<std::string, int> terminal_counts;
  std::map<std::string, long> probes;  // how often each check had something to look at
};

class Fuzzer;
Fuzzer* g_current = nullptr;

class Fuzzer {
 public:
  // `identity_every` > 0: every that many steps, right after a time advance, the engine is also
  // reconfigured with its own center, which must emit nothing and change nothing (the event
  // stream is compared with a run without it).
  // `snapshot_one_in` > 0: after a step, with that odds (from a generator of its own, so the
  // commands stay those of the run without), the engine is saved, restored from the blob and
  // replaced by the restored one (SnapshotAndRestore).
  // `record_views`: every step also appends a digest of every view to the stream.
  Fuzzer(uint64_t seed, int steps, bool verbose, int identity_every = 0, int snapshot_one_in = 0,
         bool record_views = false)
      : seed_(seed),
        steps_(steps),
        verbose_(verbose),
        identity_every_(identity_every),
        snapshot_one_in_(snapshot_one_in),
        record_views_(record_views),
        snapshot_rng_(seed * 0x2545F4914F6CDD1DULL + 99),
        rng_(seed),
        center_(MakeCenter(seed)),
        now_(kT0) {
    Status valid = ValidateCenter(center_);
    HOTLINE_CHECK(valid.ok(), "the fuzz center does not validate");
    engine_ = std::make_unique<Engine>(center_, seed * 31 + 7);
    agents_.resize(center_.agents.size());
    for (size_t i = 0; i < center_.agents.size(); ++i) {
      for (const auto& [skill, level] : center_.agents[i].skills) {
        agents_[i].skills[skill.value()] = level;
      }
    }
  }

  RunResult Run() {
    g_current = this;
    try {
      for (step_budget_ = 0; step_budget_ < steps_ && !result_.failed; ++step_budget_) {
        RandomStep();
        if (identity_every_ > 0 && just_advanced_ && step_budget_ % identity_every_ == 0) {
          IdentityReconfigure();
        }
        MaybeSnapshot();
      }
      in_drain_ = true;
      if (!result_.failed) Drain();
    } catch (const std::exception& e) {
      // Nothing may throw out of the engine (STYLE.md: no exception crosses a module boundary).
      result_.failed = false;
      Violation("exception", std::string("an exception escaped: ") + e.what());
    }
    g_current = nullptr;
    result_.interactions = static_cast<int>(interactions_.size());
    return std::move(result_);
  }

  // Printed by the SIGABRT handler when the engine trips a HOTLINE_CHECK.
  std::string Context() const {
    std::string s =
        fmt::format("seed {} step {} now +{:.3f}s\nlast commands:\n", seed_, step_, Rel(now_));
    for (const std::string& c : recent_) s += "  " + c + "\n";
    return s;
  }

 private:
  // ---- Reporting ----

  void Violation(std::string_view kind, std::string detail) {
    if (result_.failed || IgnoredKind(kind)) return;
    result_.failed = true;
    result_.kind = std::string(kind);
    result_.failed_step = step_;
    std::string s = fmt::format("seed {} step {} (now +{:.3f}s): [{}] {}\n", seed_, step_,
                                Rel(now_), kind, detail);
    s += "last commands (oldest first):\n";
    for (const std::string& c : recent_) s += "  " + c + "\n";
    s += "events of the failing step:\n";
    for (const Event& e : engine_->output().events) s += "  " + FormatEvent(e) + "\n";
    for (const Effect& e : engine_->output().effects) s += FormatEffect(e) + "\n";
    s += fmt::format("reproduce: HOTLINE_FUZZ_SEED={} HOTLINE_FUZZ_STEPS={} HOTLINE_FUZZ_VERBOSE=1",
                     seed_, in_drain_ ? steps_ : step_budget_ + 1);
    if (in_drain_) s += " (during the final drain)";
    result_.report = std::move(s);
  }

  std::string A(AgentId a) const {
    return a.valid() && a.value() < center_.agents.size() ? center_.agents[a.value()].id
                                                          : "agent#" + IdText(a);
  }
  std::string Q(QueueId q) const {
    return q.valid() && q.value() < center_.queues.size() ? center_.queues[q.value()].id
                                                          : "queue#" + IdText(q);
  }

  // ---- The step machinery: Begin, run one command, Finish ----

  void Begin(std::string desc) {
    engine_->ClearOutput();
    step_start_ = now_;
    ++step_;
    recent_.push_back(fmt::format("#{} +{:.3f}s {}", step_, Rel(now_), desc));
    if (recent_.size() > 15) recent_.pop_front();
    if (verbose_) fmt::print("#{} +{:.3f}s {}\n", step_, Rel(now_), desc);
  }

  void Finish(std::optional<Status> status, Expect expect) {
    const Output& out = engine_->output();
    if (verbose_) {
      if (status && !status->ok()) fmt::print("   -> error: {}\n", status->error().message);
      for (const Event& e : out.events) fmt::print("   {}\n", FormatEvent(e));
      for (const Effect& e : out.effects) fmt::print(" {}\n", FormatEffect(e));
    }
    if (status) {
      if (!status->ok()) ++result_.probes["failed commands"];
      if (expect == Expect::kFail) ++result_.probes["should-fail commands"];
      if (!status->ok() && (!out.events.empty() || !out.effects.empty())) {
        Violation("error-with-output",
                  fmt::format("the command failed ({}) but emitted {} events and {} effects",
                              status->error().message, out.events.size(), out.effects.size()));
      }
      if (expect == Expect::kOk && !status->ok()) {
        Violation("unexpected-error",
                  "a command that should succeed failed: " + status->error().message);
      }
      if (expect == Expect::kFail && status->ok()) {
        Violation("unexpected-success", "a command that should fail succeeded");
      }
    }
    for (const Event& e : out.events) result_.stream.push_back(FormatEvent(e));
    for (const Effect& e : out.effects) result_.stream.push_back(FormatEffect(e));
    if (record_views_) {
      result_.stream.push_back(
          fmt::format("views {:016x}", std::hash<std::string>()(ViewsText(*engine_, false))));
    }

    order_checks_.clear();
    newly_terminal_.clear();
    touched_agents_.clear();
    multi_offers_.clear();
    front_offers_.clear();
    for (size_t i = 0; i < out.events.size(); ++i) ProcessEvent(out.events[i], i);
    CheckRingEffects(out);
    CheckViews();
    CheckOrder();
    CheckRingAll();
    CheckLongestIdle();
  }

  // ---- Commands ----

  void CmdAdvance(Instant to) {
    Begin(fmt::format("AdvanceTo(+{:.3f}s)", Rel(to)));
    if (to > now_) now_ = to;
    last_advance_ = now_;
    engine_->AdvanceTo(now_);
    Finish(std::nullopt, Expect::kAny);
    just_advanced_ = true;
  }

  // The engine reconfigured with its own center: nothing may happen, now or later.
  void IdentityReconfigure() {
    engine_->ClearOutput();
    Status s = engine_->Reconfigure(engine_->center(), now_);
    ++result_.probes["identity reconfigurations"];
    if (!s.ok()) {
      return Violation("identity-reconfigure-failed",
                       "Reconfigure with the running center failed: " + s.error().message);
    }
    const Output& out = engine_->output();
    if (!out.events.empty() || !out.effects.empty()) {
      Violation("identity-reconfigure-emitted",
                fmt::format("Reconfigure with the running center emitted {} events and {} effects",
                            out.events.size(), out.effects.size()));
    }
  }

  // A random change of the center (see Mutate), or one that breaks the index rule and must be
  // refused without any effect.
  void CmdReconfigure() {
    CenterDefinition next = center_;
    if (rng_.Below(8) == 0) {
      std::string how = BreakIndices(next);
      Begin("Reconfigure(invalid: " + how + ")");
      Status s = engine_->Reconfigure(next, now_);
      Finish(s, Expect::kFail);
      if (!s.ok() && s.error().code != ErrorCode::kInvalidArgument) {
        Violation("reconfigure-error-code",
                  "an index violation is not InvalidArgument: " + s.error().message);
      }
      if (engine_->center().queues.size() != center_.queues.size() ||
          engine_->center().agents.size() != center_.agents.size() ||
          engine_->center().queues.back().id != center_.queues.back().id) {
        Violation("refused-reconfigure-changed", "a refused Reconfigure changed the center");
      }
      return;
    }
    std::string what;
    for (int n = 1 + static_cast<int>(rng_.Below(3)); n > 0; --n) what += Mutate(next);
    Begin("Reconfigure(" + what + ")");
    // The ring each waiting interaction has open under the old timings stays open.
    std::map<uint64_t, int> floors;
    for (uint64_t id : live_ids_) {
      const TrackedInteraction& t = interactions_.at(id);
      if (!t.in_plan || t.connected) continue;
      const Step& st = center_.queues[t.queue.value()].plan[t.step];
      int open = 0;
      for (size_t r = 0; r < st.rings.size(); ++r) {
        if (st.rings[r].after <= now_ - t.step_entered) open = static_cast<int>(r);
      }
      floors[id] = std::max(open, t.ring_floor);
    }
    Status s = engine_->Reconfigure(next, now_);
    if (s.ok()) {
      center_ = std::move(next);
      for (size_t a = agents_.size(); a < center_.agents.size(); ++a) {
        TrackedAgent t;
        for (const auto& [skill, level] : center_.agents[a].skills) t.skills[skill.value()] = level;
        agents_.push_back(std::move(t));
      }
      for (auto& [id, floor] : floors) interactions_.at(id).ring_floor = floor;
      for (const auto& [id, o] : offers_) {
        if (o.open) grandfathered_.insert(id);
      }
      ++result_.probes["reconfigurations"];
    }
    for (const Event& e : engine_->output().events) {
      if (e.type == EventType::kInteractionOffered)
        ++result_.probes["offers made by a reconfiguration"];
      if (e.type == EventType::kInteractionStepChanged)
        ++result_.probes["steps gone by a reconfiguration"];
      if (e.type == EventType::kAgentSkillChanged)
        ++result_.probes["skills changed by a reconfiguration"];
      if (IsTerminalEvent(e.type)) ++result_.probes["ended by a reconfiguration"];
    }
    Finish(s, Expect::kOk);
    if (s.ok()) CheckCenterInForce();
  }

  // The engine's center() is the fuzzer's (skills included: SetAgentSkill changes it too).
  void CheckCenterInForce() {
    const CenterDefinition& c = engine_->center();
    if (c.queues.size() != center_.queues.size() || c.agents.size() != center_.agents.size()) {
      return Violation("center-in-force", "center() has other queues or agents than were given");
    }
    for (size_t a = 0; a < c.agents.size(); ++a) {
      if (c.agents[a].skills != center_.agents[a].skills) {
        return Violation("center-in-force",
                         fmt::format("center() has other skills for {}", center_.agents[a].id));
      }
    }
  }

  // ---- Snapshots ----

  void MaybeSnapshot() {
    if (snapshot_one_in_ <= 0 || result_.failed) return;
    if (snapshot_rng_.Below(static_cast<uint64_t>(snapshot_one_in_)) != 0) return;
    SnapshotAndRestore();
  }

  // engine.h: "the restored engine behaves exactly like the saved one". It must come back with
  // the same views (Explain included) and save to the same bytes; it then replaces the engine, so
  // the rest of the run (compared with a run without snapshots) drives the restored one.
  void SnapshotAndRestore() {
    ++result_.probes["snapshots"];
    const std::string blob = engine_->SaveState();
    result_.probes["snapshot bytes"] += static_cast<long>(blob.size());
    Result<std::unique_ptr<Engine>> restored = Engine::Restore(engine_->center(), blob);
    if (!restored.ok()) {
      return Violation("restore-failed", "Restore of a fresh SaveState failed: " +
                                             std::string(ErrorCodeName(restored.error().code)) +
                                             ": " + restored.error().message);
    }
    Engine& twin = **restored;
    if (twin.SaveState() != blob) {
      return Violation("restore-resave-differs",
                       "SaveState of the restored engine differs from the blob it came from");
    }
    const std::string before = ViewsText(*engine_, true);
    const std::string after = ViewsText(twin, true);
    if (before != after) {
      size_t at = 0;
      while (at < before.size() && at < after.size() && before[at] == after[at]) ++at;
      size_t line = before.rfind('\n', at);
      line = line == std::string::npos ? 0 : line + 1;
      return Violation("restore-views-differ",
                       fmt::format("views of the restored engine differ:\n  saved:    {}\n  "
                                   "restored: {}",
                                   before.substr(line, before.find('\n', at) - line),
                                   after.substr(line, after.find('\n', at) - line)));
    }
    engine_ = std::move(*restored);
  }

  // Everything the views say, one line per item. `explain`: Explain and IsEligible of every live
  // interaction for every agent too (they read the lanes and pools that Restore rebuilds).
  std::string ViewsText(const Engine& engine, bool explain) const {
    std::string s = fmt::format("next deadline {}\n", ToMicros(engine.NextDeadline()));
    for (size_t a = 0; a < center_.agents.size(); ++a) {
      const AgentId id(static_cast<uint32_t>(a));
      const AgentView v = engine.agent(id);
      s += fmt::format(
          "agent {} {} '{}' {} since {} backoff {} load {} pending {} missed {} handled {} talk {} "
          "idle since {}\n",
          a, PresenceName(v.presence), v.reason, RoutingStateName(v.routing_state),
          ToMicros(v.state_since), ToMicros(v.backoff_until), fmt::join(v.load, ","),
          v.pending_offers, v.missed_in_row, v.handled, v.talk_time.count(),
          ToMicros(v.last_acd_end));
      for (const OfferView& o : engine.OffersOf(id)) {
        s += fmt::format("  offer {} i={} {} at {} until {}\n", o.id.value(), o.interaction.value(),
                         OfferStateName(o.state), ToMicros(o.offered_at), ToMicros(o.deadline));
      }
    }
    for (InteractionId id : engine.LiveInteractions()) {
      std::optional<InteractionView> v = engine.interaction(id);
      if (!v) {
        s += fmt::format("interaction {} listed but not viewable\n", id.value());
        continue;
      }
      std::vector<uint64_t> offers, excluded;
      for (OfferId o : v->pending_offers) offers.push_back(o.value());
      for (AgentId a : v->excluded) excluded.push_back(a.value());
      s += fmt::format(
          "interaction {} {} {} entry {} queue {} step {} prio {} created {} age {} agent {} "
          "offers [{}] excluded [{}]\n",
          id.value(), InteractionStateName(v->state), ChannelName(v->channel),
          v->entry_queue.value(), v->queue.value(), v->step, v->priority, ToMicros(v->created_at),
          ToMicros(v->age_since), IdText(v->agent), fmt::join(offers, ","),
          fmt::join(excluded, ","));
      if (!explain) continue;
      Result<Explanation> x = engine.Explain(id, now_);
      if (!x.ok()) {
        s += "  explain: " + x.error().message + "\n";
        continue;
      }
      for (const CandidateExplanation& c : x->candidates) {
        s += fmt::format("  {} {} '{}' {} eligible {}\n", c.agent.value(),
                         IneligibilityName(c.reason), c.detail, ToMicros(c.until),
                         engine.IsEligible(c.agent, id, now_));
      }
    }
    for (size_t q = 0; q < center_.queues.size(); ++q) {
      const QueueView v = engine.queue(QueueId(static_cast<uint32_t>(q)));
      s += fmt::format("queue {} waiting {} oldest {} ready {} busy {} wrapup {} nr {} in {}\n", q,
                       v.waiting, v.waiting > 0 ? ToMicros(v.oldest_since) : 0, v.agents_ready,
                       v.agents_busy, v.agents_wrapup, v.agents_not_ready, v.agents_logged_in);
    }
    return s;
  }

  // Breaks the index rule of Reconfigure in one random way.
  std::string BreakIndices(CenterDefinition& c) {
    switch (rng_.Below(4)) {
      case 0:
        std::swap(c.queues[kBillingQ].id, c.queues[kTechQ].id);
        return "queues swapped";
      case 1:
        c.agents.pop_back();
        return "last agent removed";
      case 2:
        c.skills[kVip].id = "very_important";
        return "skill renamed";
      default:
        c.profiles.erase(c.profiles.begin());
        for (AgentDefinition& a : c.agents) a.profile.reset();
        return "profile removed";
    }
  }

  // One random change that keeps the center valid and kFront as the exact checks need it
  // (single, strict, FIFO, longest idle, no rings or delays). Returns a description.
  std::string Mutate(CenterDefinition& c) {
    const uint32_t queues = static_cast<uint32_t>(c.queues.size());
    auto other_queue = [&] { return 1 + static_cast<uint32_t>(rng_.Below(queues - 1)); };
    auto agent = [&] { return static_cast<uint32_t>(rng_.Below(c.agents.size())); };
    switch (rng_.Below(16)) {
      case 0: {  // a requirement's level
        uint32_t q = static_cast<uint32_t>(rng_.Below(queues));
        Step& st = c.queues[q].plan[rng_.Below(c.queues[q].plan.size())];
        if (st.requirements.empty()) return " (nothing)";
        SkillRequirement& r = st.requirements[rng_.Below(st.requirements.size())];
        r.min_level = 1 + static_cast<int>(rng_.Below(q == kFront ? 2 : 4));
        return fmt::format(" {}.requires.{}>={}", c.queues[q].id, c.skills[r.skill.value()].id,
                           r.min_level);
      }
      case 1: {  // agent order
        static const std::vector<std::vector<AgentOrder>> kOrders = {
            {AgentOrder::kLongestIdle},
            {AgentOrder::kMostSkilled, AgentOrder::kRoundRobin},
            {AgentOrder::kTier, AgentOrder::kWeightedRandom},
            {AgentOrder::kRandom},
            {AgentOrder::kTopDown},
            {AgentOrder::kFewestHandled, AgentOrder::kLeastTalkTime},
            {AgentOrder::kLeastOccupied, AgentOrder::kMostAvailableCapacity,
             AgentOrder::kLongestIdle},
            {AgentOrder::kSequentialByPosition}};
        uint32_t q = other_queue();
        c.queues[q].agent_order = kOrders[rng_.Below(kOrders.size())];
        return fmt::format(" {}.agent_order", c.queues[q].id);
      }
      case 2: {  // offer mode
        uint32_t q = other_queue();
        Queue& def = c.queues[q];
        def.offer_mode = static_cast<OfferMode>(rng_.Below(4));
        def.parallel_count = 1 + static_cast<int>(rng_.Below(3));
        def.progressive_step = Seconds(2 + static_cast<double>(rng_.Below(5)));
        return fmt::format(" {}.offer_mode={}", def.id, static_cast<int>(def.offer_mode));
      }
      case 3: {  // task order
        uint32_t q = other_queue();
        Queue& def = c.queues[q];
        def.task_order = rng_.Below(2) ? TaskOrder::kStrict : TaskOrder::kTimeOffset;
        def.lifo = rng_.Below(3) == 0;
        def.seconds_per_point = Seconds(10 + static_cast<double>(rng_.Below(50)));
        return fmt::format(" {}.task_order", def.id);
      }
      case 4: {  // a new agent, sometimes a static member of billing, vip or email
        int i = static_cast<int>(c.agents.size());
        c.agents.push_back(MakeAgent(rng_, i));
        c.agents.back().id = fmt::format("new{}", i);
        const AgentId id(static_cast<uint32_t>(i));
        for (uint32_t q : {uint32_t{kBillingQ}, uint32_t{kVipQ}, uint32_t{kEmailQ}}) {
          if (rng_.Below(2) == 0) {
            c.queues[q].members.push_back(QueueMember{id, 1 + static_cast<int>(rng_.Below(3)),
                                                      static_cast<int>(rng_.Below(9))});
          }
        }
        return " +agent " + c.agents.back().id;
      }
      case 5: {  // a new queue, a copy of another one
        Queue q = c.queues[other_queue()];
        q.id = fmt::format("extra{}", c.queues.size());
        c.queues.push_back(std::move(q));
        return " +queue " + c.queues.back().id;
      }
      case 6: {  // billing's rings: when they open and how far
        Step& st = c.queues[kBillingQ].plan[0];
        if (st.rings.size() != 3) return " (nothing)";
        double first = static_cast<double>(rng_.Below(60));
        st.rings[1].after = Seconds(first);
        st.rings[2].after = Seconds(first + static_cast<double>(rng_.Below(60)));
        st.rings[1].max_tier = 1 + static_cast<int>(rng_.Below(3));
        return fmt::format(" billing.rings after {}s/{}s", first, ToSeconds(st.rings[2].after));
      }
      case 7: {  // spanish: step timeouts, a step removed or added back
        Queue& q = c.queues[kSpanishQ];
        uint64_t k = rng_.Below(3);
        if (k == 0 && q.plan.size() > 1) {
          q.plan.pop_back();
          return " spanish: last step removed";
        }
        if (k == 1 && q.plan.size() < 3) {
          Step st = q.plan.back();
          st.requirements = {Req(kGeneral, 1)};
          st.queue.reset();
          q.plan.push_back(std::move(st));
          return " spanish: step added";
        }
        Step& st = q.plan[rng_.Below(q.plan.size())];
        st.timeout = Seconds(10 + static_cast<double>(rng_.Below(120)));
        return fmt::format(" spanish: step timeout {}s", ToSeconds(*st.timeout));
      }
      case 8: {  // vip: max wait, the move rule, the known-agent window
        Queue& q = c.queues[kVipQ];
        q.admission.max_wait = Seconds(60 + static_cast<double>(rng_.Below(200)));
        q.exceptions[0].threshold = Seconds(20 + static_cast<double>(rng_.Below(120)));
        q.plan[0].known_agent_window = Seconds(static_cast<double>(rng_.Below(60)));
        return " vip: max wait, move rule, known window";
      }
      case 9: {  // email: no-agents limit, wait rule, leave/join when empty
        Queue& q = c.queues[kEmailQ];
        q.admission.max_wait_no_agents = Seconds(30 + static_cast<double>(rng_.Below(200)));
        q.exceptions[0].threshold = Seconds(60 + static_cast<double>(rng_.Below(300)));
        EmptyWhen w = rng_.Below(2) ? EmptyWhen::kNoLoggedIn : EmptyWhen::kNever;
        q.admission.leave_when_empty = w;
        q.admission.join_when_empty = w;
        return " email: admission";
      }
      case 10: {  // static members: one in or out, or a tier
        uint32_t q = rng_.Below(2) ? uint32_t{kBillingQ} : uint32_t{kVipQ};
        auto& members = c.queues[q].members;
        const AgentId id(agent());
        auto it = std::find_if(members.begin(), members.end(),
                               [&](const QueueMember& m) { return m.agent == id; });
        if (it == members.end()) {
          members.push_back(QueueMember{id, 1 + static_cast<int>(rng_.Below(3)), 0});
          return fmt::format(" {} +member {}", c.queues[q].id, c.agents[id.value()].id);
        }
        if (members.size() > 1 && rng_.Below(2) == 0) {
          members.erase(it);
          return fmt::format(" {} -member {}", c.queues[q].id, c.agents[id.value()].id);
        }
        it->tier = 1 + static_cast<int>(rng_.Below(3));
        return fmt::format(" {} member {} tier {}", c.queues[q].id, c.agents[id.value()].id,
                           it->tier);
      }
      case 11: {  // more capacity, or a looser cross-channel rule
        AgentDefinition& a = c.agents[agent()];
        if (rng_.Below(2) == 0) {
          a.cross_channel = CrossChannelRule::kAny;
          return " " + a.id + " cross_channel any";
        }
        Channel ch = static_cast<Channel>(rng_.Below(kChannelCount));
        if (ch == Channel::kCallback) ch = Channel::kVoice;
        ++a.capacity[static_cast<int>(ch)];
        a.capacity[static_cast<int>(Channel::kCallback)] =
            a.capacity[static_cast<int>(Channel::kVoice)];
        return fmt::format(" {} capacity {}+1", a.id, ChannelName(ch));
      }
      case 12: {  // a profile delay (never for kFront)
        RoutingProfile& p = c.profiles[rng_.Below(c.profiles.size())];
        ProfileQueue& pq = p.queues[rng_.Below(p.queues.size())];
        if (pq.queue == QueueId(kFront)) return " (nothing)";
        pq.delay = Seconds(static_cast<double>(rng_.Below(4) * 10));
        return fmt::format(" {} delay {} {}s", p.id, c.queues[pq.queue.value()].id,
                           ToSeconds(pq.delay));
      }
      case 13: {  // an agent's skill level in the definition
        AgentDefinition& a = c.agents[agent()];
        SkillId skill(static_cast<uint32_t>(rng_.Below(kSkillCount)));
        int level = static_cast<int>(rng_.Below(5));
        if (level == 0) {
          a.skills.erase(skill);
        } else {
          a.skills[skill] = level;
        }
        return fmt::format(" {} {}={}", a.id, c.skills[skill.value()].id, level);
      }
      case 14: {  // an agent's team (tech's membership) or profile
        AgentDefinition& a = c.agents[agent()];
        if (rng_.Below(2) == 0) {
          a.attributes["team"] = Value(AgentIsBlue(a) ? "red" : "blue");
          return " " + a.id + " team";
        }
        uint64_t p = rng_.Below(3);
        a.profile.reset();
        if (p > 0) a.profile = ProfileId(static_cast<uint32_t>(p - 1));
        return " " + a.id + " profile";
      }
      default: {  // settings
        c.settings.offer_timeout = Seconds(10 + static_cast<double>(rng_.Below(30)));
        c.settings.backoff_reject = Seconds(static_cast<double>(rng_.Below(10)));
        return " settings";
      }
    }
  }

  void CmdPresence(AgentId a, Presence p, std::string reason, Expect expect) {
    Begin(fmt::format("SetPresence({}, {}, '{}')", A(a), PresenceName(p), reason));
    Status s = engine_->SetPresence(a, p, reason, now_);
    if (s.ok() && a.value() < agents_.size()) {
      agents_[a.value()].presence = p;
      agents_[a.value()].backoff_until = Instant{};
    }
    Finish(s, expect);
  }

  void CmdSkill(AgentId a, SkillId skill, int level, Expect expect) {
    Begin(fmt::format("SetAgentSkill({}, {}, {})", A(a), center_.skills[skill.value()].id, level));
    Status s = engine_->SetAgentSkill(a, skill, level, now_);
    if (s.ok()) {
      if (level == 0) {
        agents_[a.value()].skills.erase(skill.value());
        center_.agents[a.value()].skills.erase(skill);
      } else {
        agents_[a.value()].skills[skill.value()] = level;
        center_.agents[a.value()].skills[skill] = level;
      }
    }
    Finish(s, expect);
  }

  void CmdCreate(const InteractionSpec& spec, Expect expect) {
    Begin(fmt::format("CreateInteraction({}, {}, prio {}{})", ChannelName(spec.channel),
                      Q(spec.queue), spec.priority,
                      spec.known_agent ? ", known " + A(*spec.known_agent) : ""));
    Result<InteractionId> r = engine_->CreateInteraction(spec, now_);
    Status s = r.ok() ? Status::Ok() : Status(r.error());
    if (r.ok()) recent_.back() += " -> i=" + IdText(*r);
    // The known agent is not in the events: note it before reading them (the created event
    // comes first, the offers after it).
    if (r.ok()) pending_known_agent_ = {*r, spec.known_agent};
    Finish(s, expect);
    pending_known_agent_.reset();
    if (r.ok() && !interactions_.count(r->value())) {
      Violation(
          "created-without-event",
          fmt::format("CreateInteraction returned i={} but emitted no created event", r->value()));
    }
  }

  void CmdAccept(OfferId o, Expect expect) {
    Begin(fmt::format("AcceptOffer(o={})", IdText(o)));
    Status s = engine_->AcceptOffer(o, now_);
    Finish(s, expect);
    if (s.ok()) accepted_.push_back(o);
  }

  void CmdReject(OfferId o, RejectReason reason, Expect expect) {
    Begin(fmt::format("RejectOffer(o={}, {})", IdText(o),
                      reason == RejectReason::kBusy ? "busy" : "declined"));
    Finish(engine_->RejectOffer(o, reason, now_), expect);
  }

  void CmdEnd(InteractionId i, Expect expect) {
    Begin(fmt::format("EndInteraction(i={})", IdText(i)));
    Finish(engine_->EndInteraction(i, now_), expect);
  }

  void CmdWrapup(InteractionId i, std::string disposition, Expect expect) {
    Begin(fmt::format("CompleteWrapup(i={}, '{}')", IdText(i), disposition));
    Finish(engine_->CompleteWrapup(i, disposition, now_), expect);
  }

  void CmdCancel(InteractionId i, CancelReason reason, Expect expect) {
    static constexpr const char* kNames[] = {"abandoned", "exited", "canceled"};
    Begin(fmt::format("CancelInteraction(i={}, {})", IdText(i), kNames[static_cast<int>(reason)]));
    Finish(engine_->CancelInteraction(i, reason, now_), expect);
  }

  void CmdTransfer(InteractionId i, QueueId to, Expect expect) {
    Begin(fmt::format("TransferInteraction(i={}, {})", IdText(i), Q(to)));
    std::optional<InteractionView> before = engine_->interaction(i);
    std::optional<AgentView> agent_before;
    if (before && before->agent.valid()) agent_before = engine_->agent(before->agent);
    Status s = engine_->TransferInteraction(i, to, now_);
    Finish(s, expect);
    // engine.h: "The agent goes to wrap-up for its leg": the agent keeps holding the channel.
    if (s.ok() && agent_before) {
      const Queue& from = center_.queues[before->queue.value()];
      WrapupPolicy policy = from.wrapup.value_or(center_.settings.wrapup);
      const int k = static_cast<int>(before->channel);
      AgentView after = engine_->agent(before->agent);
      if (policy.mode != WrapupMode::kNone && after.load[k] < agent_before->load[k]) {
        Violation(
            "transfer-without-wrapup",
            fmt::format("{} transferred i={} ({} wrap-up in {}) and its {} load went from "
                        "{} to {}",
                        A(before->agent), i.value(),
                        policy.mode == WrapupMode::kTimed ? "timed" : "discretionary", from.id,
                        ChannelName(before->channel), agent_before->load[k], after.load[k]));
      }
    }
  }

  void CmdEndAgentWrapup(AgentId a, Expect expect) {
    Begin(fmt::format("EndAgentWrapup({})", A(a)));
    Finish(engine_->EndAgentWrapup(a, now_), expect);
  }

  void CmdPriority(InteractionId i, int priority, Expect expect) {
    Begin(fmt::format("ChangePriority(i={}, {})", IdText(i), priority));
    Finish(engine_->ChangePriority(i, priority, now_), expect);
  }

  void CmdAttributes(InteractionId i, Expect expect) {
    Begin(fmt::format("SetAttributes(i={}, language=es)", IdText(i)));
    Finish(engine_->SetAttributes(i, {{"language", Value("es")}}, now_), expect);
  }

  void CmdCallback(InteractionId i, Expect expect) {
    Begin(fmt::format("BookCallback(i={})", IdText(i)));
    Finish(engine_->BookCallback(i, now_), expect);
  }

  void CmdExplain(InteractionId i) {
    Begin(fmt::format("Explain(i={})", IdText(i)));
    Result<Explanation> x = engine_->Explain(i, now_);
    ++result_.probes["explain"];
    if (!x.ok()) {
      Violation("explain-failed", "Explain of a live interaction failed: " + x.error().message);
    } else if (x->candidates.size() != center_.agents.size()) {
      Violation("explain-incomplete",
                fmt::format("Explain lists {} candidates, the center has {} agents",
                            x->candidates.size(), center_.agents.size()));
    } else {
      for (const CandidateExplanation& c : x->candidates) {
        bool eligible = engine_->IsEligible(c.agent, i, now_);
        if (eligible != (c.reason == Ineligibility::kEligible)) {
          Violation("explain-vs-is-eligible",
                    fmt::format("Explain says {} is {} ('{}'), IsEligible says {}", A(c.agent),
                                IneligibilityName(c.reason), c.detail, eligible));
          break;
        }
      }
    }
    Finish(Status::Ok(), Expect::kAny);
  }

  // ---- Random command choice ----

  struct Snapshot {
    std::vector<OfferView> offers;
    std::vector<InteractionView> waiting, assigned, wrapping, live;
  };

  Snapshot Look() const {
    Snapshot s;
    for (size_t a = 0; a < center_.agents.size(); ++a) {
      for (OfferView& o : engine_->OffersOf(AgentId(static_cast<uint32_t>(a)))) {
        s.offers.push_back(std::move(o));
      }
    }
    for (InteractionId id : engine_->LiveInteractions()) {
      std::optional<InteractionView> v = engine_->interaction(id);
      if (!v) continue;
      switch (v->state) {
        case InteractionState::kQueued:
        case InteractionState::kOffering:
          s.waiting.push_back(*v);
          break;
        case InteractionState::kAssigned:
          s.assigned.push_back(*v);
          break;
        case InteractionState::kWrapping:
          s.wrapping.push_back(*v);
          break;
        default:
          break;
      }
      s.live.push_back(std::move(*v));
    }
    return s;
  }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng_.Below(v.size())];
  }
  AgentId RandomAgent() {
    return AgentId(static_cast<uint32_t>(rng_.Below(center_.agents.size())));
  }
  int RandomPriority() {
    return rng_.Below(10) == 0 ? static_cast<int>(rng_.Below(10)) : static_cast<int>(rng_.Below(4));
  }
  std::string RandomDisposition() {
    return rng_.Below(3) == 0 ? "" : center_.dispositions[rng_.Below(2)].id;
  }

  void RandomStep() {
    if (accept_again_) {  // the second half of "accept an offer twice"
      OfferId o = *accept_again_;
      accept_again_.reset();
      CmdAccept(o, Expect::kFail);
      return;
    }
    Snapshot s = Look();
    just_advanced_ = false;
    const uint64_t queue_count = center_.queues.size();
    uint64_t roll = rng_.Below(100);
    if (roll < 14) {
      CmdAdvance(now_ + Duration(static_cast<int64_t>(rng_.Below(15'000'000))));
    } else if (roll < 20) {
      Instant next = engine_->NextDeadline();
      if (next != Instant::max() && next <= now_ + Seconds(600)) {
        CmdAdvance(next);
      } else {
        CmdAdvance(now_ + Seconds(1));
      }
    } else if (roll < 22) {
      CmdAdvance(now_ + Seconds(30 + static_cast<double>(rng_.Below(270))));
    } else if (roll < 32) {
      uint64_t p = rng_.Below(20);
      if (p < 12) {
        CmdPresence(RandomAgent(), Presence::kReady, "", Expect::kAny);
      } else if (p < 17) {
        CmdPresence(RandomAgent(), Presence::kNotReady, rng_.Below(2) ? "lunch" : "training",
                    Expect::kAny);
      } else {
        CmdPresence(RandomAgent(), Presence::kLoggedOut, "", Expect::kAny);
      }
    } else if (roll < 45) {
      InteractionSpec spec;
      static constexpr Channel kChannels[] = {Channel::kVoice, Channel::kVoice,   Channel::kVoice,
                                              Channel::kVoice, Channel::kChat,    Channel::kChat,
                                              Channel::kChat,  Channel::kEmail,   Channel::kEmail,
                                              Channel::kTask,  Channel::kCallback};
      spec.channel = kChannels[rng_.Below(std::size(kChannels))];
      // kFront twice as often: its lanes carry the exact priority-order check.
      uint64_t q = rng_.Below(queue_count + 1);
      spec.queue = QueueId(q == queue_count ? uint32_t{kFront} : static_cast<uint32_t>(q));
      spec.priority = RandomPriority();
      if (spec.queue == QueueId(kVipQ) && rng_.Below(2) == 0) spec.known_agent = RandomAgent();
      CmdCreate(spec, Expect::kAny);
    } else if (roll < 60) {
      if (s.offers.empty()) return CmdAdvance(now_ + Seconds(1));
      OfferId o = Pick(s.offers).id;
      CmdAccept(o, Expect::kOk);
      if (rng_.Below(4) == 0) accept_again_ = o;
    } else if (roll < 65) {
      if (s.offers.empty()) return CmdAdvance(now_ + Seconds(1));
      CmdReject(Pick(s.offers).id, rng_.Below(3) ? RejectReason::kDeclined : RejectReason::kBusy,
                Expect::kOk);
    } else if (roll < 73) {
      if (s.assigned.empty()) return CmdAdvance(now_ + Seconds(2));
      CmdEnd(Pick(s.assigned).id, Expect::kOk);
    } else if (roll < 78) {
      if (s.wrapping.empty()) return CmdAdvance(now_ + Seconds(2));
      CmdWrapup(Pick(s.wrapping).id, RandomDisposition(), Expect::kAny);
    } else if (roll < 81) {
      if (s.waiting.empty()) return CmdAdvance(now_ + Seconds(1));
      CmdCancel(Pick(s.waiting).id, static_cast<CancelReason>(rng_.Below(3)), Expect::kOk);
    } else if (roll < 83) {
      if (s.assigned.empty()) return CmdAdvance(now_ + Seconds(1));
      CmdTransfer(Pick(s.assigned).id, QueueId(static_cast<uint32_t>(rng_.Below(queue_count))),
                  Expect::kAny);
    } else if (roll < 86) {
      if (s.live.empty()) return CmdAdvance(now_ + Seconds(1));
      const InteractionView& v = Pick(s.live);
      const bool waiting =
          v.state == InteractionState::kQueued || v.state == InteractionState::kOffering;
      CmdPriority(v.id, RandomPriority(), waiting ? Expect::kOk : Expect::kAny);
    } else if (roll < 88) {
      if (s.live.empty()) return CmdAdvance(now_ + Seconds(1));
      CmdCallback(Pick(s.live).id, Expect::kAny);
    } else if (roll < 89) {
      if (s.live.empty()) return CmdAdvance(now_ + Seconds(1));
      CmdAttributes(Pick(s.live).id, Expect::kAny);
    } else if (roll < 90) {
      if (rng_.Below(2) == 0) return CmdEndAgentWrapup(RandomAgent(), Expect::kAny);
      CmdSkill(RandomAgent(), SkillId(static_cast<uint32_t>(rng_.Below(kSkillCount))),
               static_cast<int>(rng_.Below(6)), Expect::kOk);
    } else if (roll < 92) {
      if (s.waiting.empty()) return CmdAdvance(now_ + Seconds(1));
      CmdExplain(Pick(s.waiting).id);
    } else if (roll < 94) {
      CmdReconfigure();
    } else {
      ShouldFailStep(s);
    }
  }

  // Commands whose failure the header promises; they must change nothing and emit nothing.
  void ShouldFailStep(const Snapshot& s) {
    std::vector<InteractionId> terminal;
    if (!terminal_ids_.empty()) {
      terminal.push_back(InteractionId(terminal_ids_[rng_.Below(terminal_ids_.size())]));
    }
    const InteractionId unknown(0x7FFF'FFFF'FFFFull);
    switch (rng_.Below(12)) {
      case 0:  // "ending a queued call"
        if (!s.waiting.empty()) return CmdEnd(Pick(s.waiting).id, Expect::kFail);
        break;
      case 1:  // an offer that is no longer pending
        if (!accepted_.empty()) {
          OfferId o = Pick(accepted_);
          if (!engine_->offer(o)) return CmdAccept(o, Expect::kFail);
        }
        break;
      case 2:
        if (!accepted_.empty()) {
          OfferId o = Pick(accepted_);
          if (!engine_->offer(o)) return CmdReject(o, RejectReason::kDeclined, Expect::kFail);
        }
        break;
      case 3:  // the wrap-up of something not wrapping
        if (!s.waiting.empty()) return CmdWrapup(Pick(s.waiting).id, "resolved", Expect::kFail);
        break;
      case 4:  // cancel is "before connection"
        if (!s.assigned.empty()) {
          return CmdCancel(Pick(s.assigned).id, CancelReason::kAbandoned, Expect::kFail);
        }
        break;
      case 5:  // transfer is for an assigned interaction
        if (!s.waiting.empty()) {
          return CmdTransfer(Pick(s.waiting).id, QueueId(kFront), Expect::kFail);
        }
        break;
      case 6:  // the conversation cannot end twice
        if (!s.wrapping.empty()) return CmdEnd(Pick(s.wrapping).id, Expect::kFail);
        break;
      case 7:  // anything on a finished interaction
        if (!terminal.empty()) {
          InteractionId i = terminal[0];
          switch (rng_.Below(6)) {
            case 0:
              return CmdEnd(i, Expect::kFail);
            case 1:
              return CmdCancel(i, CancelReason::kCanceled, Expect::kFail);
            case 2:
              return CmdPriority(i, 3, Expect::kFail);
            case 3:
              return CmdWrapup(i, "resolved", Expect::kFail);
            case 4:
              return CmdCallback(i, Expect::kFail);
            default:
              return CmdTransfer(i, QueueId(kFront), Expect::kFail);
          }
        }
        break;
      case 8:
        return CmdEnd(unknown, Expect::kFail);
      case 9:
        return CmdAccept(OfferId(0x7FFF'FFFF'FFFFull), Expect::kFail);
      case 10:
        if (rng_.Below(2) == 0) return CmdEndAgentWrapup(AgentId(999), Expect::kFail);
        return CmdPresence(AgentId(999), Presence::kReady, "", Expect::kFail);
      case 11: {
        InteractionSpec spec;
        spec.queue = QueueId(77);
        return CmdCreate(spec, Expect::kFail);
      }
    }
    CmdAdvance(now_ + Seconds(1));
  }

  // ---- The end: everything must reach exactly one terminal state ----

  void Drain() {
    for (int round = 0; round < 80 && !result_.failed; ++round) {
      MaybeSnapshot();
      if (engine_->LiveInteractions().empty()) break;
      for (size_t a = 0; a < center_.agents.size() && !result_.failed; ++a) {
        AgentId id(static_cast<uint32_t>(a));
        if (engine_->agent(id).presence != Presence::kReady) {
          CmdPresence(id, Presence::kReady, "", Expect::kOk);
        }
      }
      for (size_t a = 0; a < center_.agents.size() && !result_.failed; ++a) {
        AgentId id(static_cast<uint32_t>(a));
        for (int guard = 0; guard < 20 && !result_.failed; ++guard) {
          std::vector<OfferView> offers = engine_->OffersOf(id);
          if (offers.empty()) break;
          CmdAccept(offers.front().id, Expect::kOk);
        }
      }
      Snapshot s = Look();
      for (const InteractionView& v : s.assigned) {
        if (!result_.failed) CmdEnd(v.id, Expect::kOk);
      }
      for (const InteractionView& v : Look().wrapping) {
        if (!result_.failed) CmdWrapup(v.id, "resolved", Expect::kAny);
      }
      for (size_t a = 0; a < center_.agents.size() && !result_.failed; ++a) {
        AgentId id(static_cast<uint32_t>(a));
        if (engine_->agent(id).routing_state == RoutingState::kWrapup) {
          CmdEndAgentWrapup(id, Expect::kAny);
        }
      }
      if (round >= 20) {
        for (const InteractionView& v : Look().waiting) {
          if (!result_.failed) CmdCancel(v.id, CancelReason::kCanceled, Expect::kOk);
        }
      }
      if (!result_.failed) CmdAdvance(now_ + Seconds(30));
    }
    if (result_.failed) return;
    CmdAdvance(now_ + Seconds(7200));
    if (result_.failed) return;
    std::vector<InteractionId> live = engine_->LiveInteractions();
    if (!live.empty()) {
      std::string list;
      for (InteractionId id : live) {
        std::optional<InteractionView> v = engine_->interaction(id);
        list += fmt::format(" i={}({})", id.value(),
                            v ? InteractionStateName(v->state) : std::string_view("?"));
      }
      return Violation("drain-incomplete", "still live after the drain:" + list);
    }
    // Everything ended long ago: nobody holds anything, no timer is left.
    for (size_t a = 0; a < center_.agents.size(); ++a) {
      AgentView v = engine_->agent(AgentId(static_cast<uint32_t>(a)));
      int total = 0;
      for (int l : v.load) total += l;
      if (total != 0 || v.pending_offers != 0) {
        return Violation("load-leak",
                         fmt::format("{} still holds {} interactions and {} offers after the drain "
                                     "(routing state {})",
                                     center_.agents[a].id, total, v.pending_offers,
                                     RoutingStateName(v.routing_state)));
      }
    }
    if (engine_->NextDeadline() != Instant::max()) {
      return Violation("timer-leak", fmt::format("a timer is still due at +{:.3f}s after the drain",
                                                 Rel(engine_->NextDeadline())));
    }
    for (const auto& [id, t] : interactions_) {
      if (t.terminal_events != 1) {
        return Violation("terminal-count",
                         fmt::format("i={} reached {} terminal states", id, t.terminal_events));
      }
      result_.terminal_counts[std::string(EventTypeName(*t.terminal))]++;
    }
  }

  // ---- Event checks ----

  void ProcessEvent(const Event& e, size_t index) {
    if (e.at < last_event_at_) {
      Violation("event-time-order", fmt::format("{} is earlier than the previous event (+{:.6f}s)",
                                                FormatEvent(e), Rel(last_event_at_)));
    }
    if (e.at > now_) Violation("event-in-future", FormatEvent(e) + " is later than now");
    last_event_at_ = std::max(last_event_at_, e.at);
    if (e.agent.valid()) touched_agents_.insert(e.agent.value());
    if (e.agent.valid() && e.agent.value() >= center_.agents.size()) {
      return Violation("bad-agent", FormatEvent(e));
    }
    const bool about_interaction = e.type <= EventType::kOfferRescinded;
    const bool about_agent = NeedsAgent(e.type);
    if (about_interaction && !e.interaction.valid()) {
      return Violation("missing-interaction-id", FormatEvent(e));
    }
    if (about_agent && !e.agent.valid()) {
      return Violation("missing-agent-id", FormatEvent(e));
    }

    TrackedInteraction* t = nullptr;
    if (e.type == EventType::kInteractionCreated) {
      if (interactions_.count(e.interaction.value())) {
        return Violation("created-twice", FormatEvent(e));
      }
      t = &interactions_[e.interaction.value()];
      t->id = e.interaction;
      t->channel = e.channel;
      t->priority = e.priority;
      t->created_at = e.at;
      t->queue = e.queue;
      if (pending_known_agent_ && pending_known_agent_->first == e.interaction) {
        t->known_agent = pending_known_agent_->second;
      }
      live_ids_.insert(e.interaction.value());
    } else if (e.interaction.valid()) {
      auto it = interactions_.find(e.interaction.value());
      if (it == interactions_.end()) {
        return Violation("unknown-interaction",
                         "event about an interaction never created: " + FormatEvent(e));
      }
      t = &it->second;
      if (t->terminal) {
        return Violation("event-after-terminal",
                         fmt::format("{} after its terminal event {}", FormatEvent(e),
                                     EventTypeName(*t->terminal)));
      }
    }

    auto enter_step = [&](QueueId q, int step) {
      t->in_plan = true;
      t->queue = q;
      t->step = step;
      t->step_entered = e.at;
      if (step == 0 || e.type == EventType::kInteractionQueued) t->queue_entered = e.at;
      t->excluded_in_step.clear();
      t->ring_floor = 0;
      multi_offers_.erase(t->id.value());  // rung under another step (and maybe offer mode)
      if (!q.valid() || q.value() >= center_.queues.size() || step < 0 ||
          step >= static_cast<int>(center_.queues[q.value()].plan.size())) {
        Violation("bad-queue-step", FormatEvent(e));
      }
    };

    switch (e.type) {
      case EventType::kInteractionQueued:
      case EventType::kInteractionStepChanged:
        enter_step(e.queue, e.step);
        // A transfer's queued event keeps the transferring agent out (see kInteractionTransferred).
        if (e.type == EventType::kInteractionQueued && t->transferred_by &&
            t->transferred_at == e.at) {
          t->excluded_in_step.insert(t->transferred_by->value());
        }
        break;
      case EventType::kInteractionPriorityChanged:
        t->priority = e.priority;
        break;
      case EventType::kInteractionOffered: {
        if (!e.offer.valid() || offers_.count(e.offer.value())) {
          return Violation("bad-offer-id", FormatEvent(e));
        }
        CheckOfferEligibility(e, *t);
        CheckRingAllAddition(e, *t);
        if (t->in_plan && t->queue == QueueId(kFront)) {
          front_offers_.push_back({t->id, e.agent, e.at});
        }
        if (t->in_plan && !center_.queues[t->queue.value()].plan[t->step].queue &&
            (center_.queues[t->queue.value()].offer_mode == OfferMode::kRingAll ||
             center_.queues[t->queue.value()].offer_mode == OfferMode::kParallel)) {
          auto [it, fresh] = multi_offers_.try_emplace(t->id.value(), e.at, std::set<uint32_t>{});
          it->second.second.insert(e.agent.value());
        }
        ++result_.probes["offer eligibility"];
        RecordOrderCheck(e, index, *t);
        offers_[e.offer.value()] = TrackedOffer{e.interaction, e.agent, t->channel, true};
        t->open_offers.insert(e.offer.value());
        ++result_.offers;
        break;
      }
      case EventType::kInteractionConnected:
        if (t->connected) Violation("connected-twice", FormatEvent(e));
        t->connected = true;
        t->agent = e.agent;
        ++result_.connected;
        break;
      case EventType::kInteractionTransferred:
        if (!t->connected) Violation("transfer-not-connected", FormatEvent(e));
        t->connected = false;
        t->agent = AgentId();
        enter_step(e.queue, 0);
        // engine.h: the agent "is excluded from the interaction in the new queue".
        t->excluded_in_step.insert(e.agent.value());
        t->transferred_by = e.agent;
        t->transferred_at = e.at;
        break;
      case EventType::kInteractionCallbackBooked:
        t->channel = Channel::kCallback;
        break;
      case EventType::kOfferAccepted:
      case EventType::kOfferRejected:
      case EventType::kOfferTimedOut:
      case EventType::kOfferRescinded: {
        auto it = offers_.find(e.offer.value());
        if (it == offers_.end()) return Violation("unknown-offer", FormatEvent(e));
        TrackedOffer& o = it->second;
        if (!o.open) return Violation("offer-closed-twice", FormatEvent(e));
        if (o.agent != e.agent || o.interaction != e.interaction) {
          Violation("offer-mismatch", FormatEvent(e));
        }
        o.open = false;
        if (t) t->open_offers.erase(e.offer.value());
        TrackedAgent& ag = agents_[o.agent.value()];
        if (e.type == EventType::kOfferRejected) {
          bool busy = e.reason == "busy";
          bool declined = e.reason == "declined";
          Duration backoff =
              busy       ? center_.settings.backoff_busy
              : declined ? center_.settings.backoff_reject
                         : std::min(center_.settings.backoff_busy, center_.settings.backoff_reject);
          ag.backoff_until = std::max(ag.backoff_until, e.at + backoff);
          if (t) {
            if (!busy) t->excluded_in_step.insert(o.agent.value());
            t->ever_refused.insert(o.agent.value());
          }
        } else if (e.type == EventType::kOfferTimedOut) {
          ag.backoff_until = std::max(ag.backoff_until, e.at + center_.settings.backoff_no_answer);
          if (t) {
            t->excluded_in_step.insert(o.agent.value());
            t->ever_refused.insert(o.agent.value());
          }
        }
        break;
      }
      case EventType::kAgentLoggedOut:
        agents_[e.agent.value()].presence = Presence::kLoggedOut;
        agents_[e.agent.value()].backoff_until = Instant{};
        break;
      case EventType::kAgentPresenceChanged:
        agents_[e.agent.value()].presence = e.presence;
        agents_[e.agent.value()].backoff_until = Instant{};
        break;
      case EventType::kAgentLoggedIn:
        agents_[e.agent.value()].backoff_until = Instant{};
        break;
      case EventType::kAgentSkillChanged:
        if (e.level == 0) {
          agents_[e.agent.value()].skills.erase(e.skill.value());
        } else {
          agents_[e.agent.value()].skills[e.skill.value()] = e.level;
        }
        break;
      default:
        break;
    }

    if (t && IsTerminalEvent(e.type)) {
      ++t->terminal_events;
      t->terminal = e.type;
      t->connected = false;
      live_ids_.erase(t->id.value());
      terminal_ids_.push_back(t->id.value());
      newly_terminal_.push_back(t->id.value());
    }
  }

  // The agent's tier in the queue when it is a member: static members (with their tier) and/or the
  // membership expression (tier 1); with neither, everyone (tier 1).
  std::optional<int> MemberTier(AgentId a, const Queue& q) const {
    for (const QueueMember& m : q.members) {
      if (m.agent == a) return m.tier;
    }
    if (q.members.empty() && !q.membership) return 1;
    // The only membership expression is on kTechQ (see MakeCenter).
    if (q.membership && AgentIsBlue(center_.agents[a.value()])) return 1;
    return std::nullopt;
  }

  // Why agent `a` may not take `t` at `at` by the center definition and the events (membership of
  // the step's queue, the open ring's tier window and dropped optional requirements, the step's
  // requirements, exclusions, the known-agent window, the profile delay); nullopt when it may.
  // Presence, back-off and capacity are the caller's. Where the spec leaves room, the doubt goes
  // to the engine: `strict` false judges an offer the engine made (a narrow notion of
  // ineligible), `strict` true judges an offer it did not make (a narrow notion of eligible).
  std::optional<std::string> Ineligible(AgentId a, const TrackedInteraction& t, Instant at,
                                        bool strict, const InteractionView* view) const {
    const AgentDefinition& def = center_.agents[a.value()];
    const TrackedAgent& ta = agents_[a.value()];
    if (def.capacity[static_cast<int>(t.channel)] == 0) {
      return fmt::format("capacity 0 for {}", ChannelName(t.channel));
    }
    if (!t.in_plan) return "the interaction was never queued";
    const Queue& plan = center_.queues[t.queue.value()];
    const Step& st = plan.plan[t.step];
    const QueueId source = st.queue.value_or(t.queue);
    const Queue& sq = center_.queues[source.value()];
    const std::optional<int> member_tier = MemberTier(a, sq);
    if (!member_tier) return "not a member of " + sq.id;
    const int tier = *member_tier;
    const Duration elapsed = at - t.step_entered;
    bool drop_optional = false;
    if (!st.rings.empty()) {
      const Ring* open = nullptr;
      for (const Ring& ring : st.rings) {
        if (ring.after <= elapsed) open = &ring;
      }
      if (!strict && t.ring_floor > 0) {
        const Ring* floor = &st.rings[std::min<size_t>(t.ring_floor, st.rings.size() - 1)];
        if (open == nullptr || open < floor) open = floor;
      }
      if (!open) return "no ring is open yet";
      if (open->max_tier && tier > *open->max_tier) {
        return fmt::format("tier {} is outside the open ring (max_tier {})", tier, *open->max_tier);
      }
      drop_optional = open->drop_optional;
    }
    for (const SkillRequirement& req : st.requirements) {
      if (req.optional && drop_optional) continue;
      auto it = ta.skills.find(req.skill.value());
      int level = it == ta.skills.end() ? 0 : it->second;
      if (level < req.min_level) {
        return fmt::format("requirement {} >= {}{} not met (level {})",
                           center_.skills[req.skill.value()].id, req.min_level,
                           req.optional ? " (optional, not dropped)" : "", level);
      }
    }
    if (t.excluded_in_step.count(a.value())) return "declined or missed it in this step";
    if (strict) {
      if (t.ever_refused.count(a.value())) return "refused or missed it before";
      if (view &&
          std::find(view->excluded.begin(), view->excluded.end(), a) != view->excluded.end()) {
        return "excluded (view)";
      }
    }
    if (st.known_agent_window && t.known_agent && *t.known_agent != a &&
        (strict ? elapsed <= *st.known_agent_window : elapsed < *st.known_agent_window)) {
      return fmt::format("reserved for the known agent {} for {}s", A(*t.known_agent),
                         ToSeconds(*st.known_agent_window));
    }
    if (def.profile) {
      // Which queue's delay applies (the plan's or the agents') and from when (created, or the
      // place in line) is open: lenient takes the smallest delay over the longest wait, strict the
      // largest delay over the shortest.
      std::optional<Duration> delay;
      bool lists_plan = false;
      for (const ProfileQueue& pq : center_.profiles[def.profile->value()].queues) {
        if (pq.queue == t.queue || pq.queue == source) {
          delay = !delay   ? pq.delay
                  : strict ? std::max(*delay, pq.delay)
                           : std::min(*delay, pq.delay);
        }
        lists_plan |= pq.queue == t.queue;
      }
      // A plan's queue the profile does not list (one appended by a reconfiguration) has no
      // delay of its own.
      if (!strict && !lists_plan) delay.reset();
      Instant since = t.created_at;
      if (strict) {
        since = std::max({since, t.queue_entered, t.age_since.value_or(since)});
        if (view) since = std::max(since, view->age_since);
      }
      if (delay && at - since < *delay) {
        return fmt::format("profile {} delays {} by {}s; it waited {}s",
                           center_.profiles[def.profile->value()].id, plan.id, ToSeconds(*delay),
                           ToSeconds(at - since));
      }
    }
    return std::nullopt;
  }

  // Whether the agent (by its view after the step) could take one more interaction of `ch`: ready,
  // out of back-off, spare capacity, allowed by its cross-channel rule.
  bool Routable(AgentId a, const AgentView& v, Channel ch) const {
    const AgentDefinition& def = center_.agents[a.value()];
    if (v.presence != Presence::kReady || v.routing_state == RoutingState::kBackoff ||
        v.backoff_until > now_) {
      return false;
    }
    const int k = static_cast<int>(ch);
    if (v.load[k] >= def.capacity[k]) return false;
    int total = 0;
    for (int l : v.load) total += l;
    const int calls =
        v.load[static_cast<int>(Channel::kVoice)] + v.load[static_cast<int>(Channel::kCallback)];
    const bool is_call = ch == Channel::kVoice || ch == Channel::kCallback;
    switch (def.cross_channel) {
      case CrossChannelRule::kAny:
        return true;
      case CrossChannelRule::kSameChannelOnly:
        return total == v.load[k];
      case CrossChannelRule::kExclusive:
        return is_call ? total == 0 : calls == 0;
    }
    return false;
  }

  // The offered agent must be ready, out of back-off, not already ringing with it, and eligible.
  void CheckOfferEligibility(const Event& e, const TrackedInteraction& t) {
    const AgentId a = e.agent;
    const TrackedAgent& ta = agents_[a.value()];
    std::string where =
        fmt::format("{} offered i={} ({} {} step {}, {}s in step)", A(a), t.id.value(),
                    ChannelName(t.channel), Q(t.queue), t.step, ToSeconds(e.at - t.step_entered));
    auto bad = [&](std::string why) { Violation("offer-to-ineligible-agent", where + ": " + why); };
    if (t.connected) return bad("the interaction is already connected");
    if (ta.presence != Presence::kReady) {
      return bad(fmt::format("the agent is {}", PresenceName(ta.presence)));
    }
    if (e.at < ta.backoff_until) {
      return bad(fmt::format("the agent is in back-off until +{:.3f}s (after a reject or a miss)",
                             Rel(ta.backoff_until)));
    }
    for (uint64_t o : t.open_offers) {
      if (offers_.at(o).agent == a) return bad(fmt::format("already ringing (offer {})", o));
    }
    if (std::optional<std::string> why = Ineligible(a, t, e.at, /*strict=*/false, nullptr)) {
      bad(*why);
    }
  }

  // Which interaction first: when agent A is offered X, no interaction Y waiting (no pending offer)
  // in the same lane (queue, step, channel) that A could take just before may come first in the
  // queue's task order (strict: priority, then age, FIFO or LIFO; time_offset: age with priority
  // as seconds). In kFront (single, strict, FIFO, one step, no delays) every such Y is as eligible
  // as X, so the check is exact there ("priority-order"); elsewhere it leans on the eligibility
  // oracle ("task-order").
  void RecordOrderCheck(const Event& e, size_t index, const TrackedInteraction& t) {
    if (!t.in_plan) return;
    OrderCheck c{index, t.id, e.agent, t.priority, {}, t.queue, t.step};
    for (uint64_t id : live_ids_) {
      const TrackedInteraction& y = interactions_[id];
      if (y.id == t.id || y.connected || !y.in_plan || y.queue != t.queue || y.step != t.step ||
          y.channel != t.channel || !y.open_offers.empty() ||
          y.ever_refused.count(e.agent.value()) ||
          Ineligible(e.agent, y, e.at - Duration(1), /*strict=*/true, nullptr)) {
        continue;
      }
      c.waiting.emplace_back(y.id, y.priority);
    }
    if (!c.waiting.empty()) order_checks_.push_back(std::move(c));
  }

  void CheckOrder() {
    for (const OrderCheck& c : order_checks_) {
      const TrackedInteraction& tx = interactions_.at(c.offered.value());
      const Queue& q = center_.queues[c.queue.value()];
      auto age_of = [&](InteractionId id) -> std::optional<Instant> {
        if (std::optional<InteractionView> v = engine_->interaction(id)) return v->age_since;
        return interactions_.at(id.value()).age_since;
      };
      // Lower comes first; nullopt when the age is unknown.
      auto key = [&](int priority,
                     std::optional<Instant> age) -> std::optional<std::pair<int64_t, int64_t>> {
        if (q.task_order == TaskOrder::kStrict) {
          if (!age) return std::pair<int64_t, int64_t>{-priority, 0};  // priority only
          int64_t a = ToMicros(*age);
          return std::pair<int64_t, int64_t>{-priority, q.lifo ? -a : a};
        }
        if (!age) return std::nullopt;
        int64_t a = ToMicros(*age);
        int64_t boost = static_cast<int64_t>(priority) * q.seconds_per_point.count();
        return std::pair<int64_t, int64_t>{q.lifo ? -a - boost : a - boost, 0};
      };
      const std::optional<Instant> x_age = age_of(c.offered);
      for (const auto& [yid, ypriority] : c.waiting) {
        std::optional<InteractionView> y = engine_->interaction(yid);
        if (y && std::find(y->excluded.begin(), y->excluded.end(), c.agent) != y->excluded.end()) {
          continue;
        }
        std::optional<Instant> y_age = age_of(yid);
        if (q.task_order == TaskOrder::kStrict && (!x_age || !y_age)) {
          y_age.reset();  // compare priorities only
        }
        std::optional<std::pair<int64_t, int64_t>> kx =
            key(c.offered_priority, y_age ? x_age : std::nullopt);
        std::optional<std::pair<int64_t, int64_t>> ky = key(ypriority, y_age);
        if (!kx || !ky) continue;
        ++result_.probes["task order pairs"];
        if (*ky < *kx) {
          const bool front = c.queue == QueueId(kFront);
          return Violation(
              front ? "priority-order" : "task-order",
              fmt::format(
                  "event #{}: {} was offered i={} (priority {}{}) while i={} (priority "
                  "{}{}) waited in the same lane ({} step {} {}, {}{}) and {} could take it",
                  c.event_index, A(c.agent), c.offered.value(), c.offered_priority,
                  x_age ? fmt::format(", in line since +{:.3f}s", Rel(*x_age)) : "", yid.value(),
                  ypriority, y_age ? fmt::format(", in line since +{:.3f}s", Rel(*y_age)) : "",
                  q.id, c.step, ChannelName(tx.channel),
                  q.task_order == TaskOrder::kStrict ? "strict" : "time_offset",
                  q.lifo ? " lifo" : "", A(c.agent)));
        }
      }
    }
  }

  // Whether the agent's state (presence, routing state, load, back-off) was the same all step long:
  // no event named it and its view did not change (a back-off can end silently).
  bool Unchanged(size_t a) const {
    if (touched_agents_.count(static_cast<uint32_t>(a)) || a >= views_before_.size()) return false;
    const AgentView& before = views_before_[a];
    const AgentView& after = agent_views_[a];
    return before.presence == after.presence && before.routing_state == after.routing_state &&
           before.load == after.load && before.backoff_until == after.backoff_until &&
           before.backoff_until <= step_start_ && before.last_acd_end == after.last_acd_end;
  }

  // Which agent first in kFront (longest idle): no agent idle longer (an earlier end of its last
  // ACD interaction, or login), routable and eligible all step long, was passed over.
  void CheckLongestIdle() {
    if (result_.failed || views_before_.empty()) return;
    for (const FrontOffer& f : front_offers_) {
      auto it = interactions_.find(f.interaction.value());
      if (it == interactions_.end()) continue;
      const TrackedInteraction& t = it->second;
      std::optional<InteractionView> v = engine_->interaction(f.interaction);
      if (f.agent.value() >= views_before_.size()) continue;
      const Instant chosen_idle = views_before_[f.agent.value()].last_acd_end;  // a lower bound
      for (size_t a = 0; a < center_.agents.size(); ++a) {
        const AgentId ag(static_cast<uint32_t>(a));
        if (ag == f.agent || !Unchanged(a)) continue;
        const AgentView& b = agent_views_[a];
        if (!(b.last_acd_end < chosen_idle) || !Routable(ag, b, t.channel)) continue;
        if (Ineligible(ag, t, f.at - Duration(1), /*strict=*/true, v ? &*v : nullptr)) continue;
        ++result_.probes["longest idle passed over"];
        return Violation(
            "agent-order",
            fmt::format("{} (idle since +{:.3f}s or later) was offered i={} in {} (longest idle) "
                        "while {} (idle since +{:.3f}s) was ready and eligible",
                        A(f.agent), Rel(chosen_idle), f.interaction.value(), Q(t.queue), A(ag),
                        Rel(b.last_acd_end)));
      }
    }
  }

  // An agent added to a ring_all interaction that already rings is of the best tier: no worse than
  // the agents ringing.
  void CheckRingAllAddition(const Event& e, const TrackedInteraction& t) {
    if (!t.in_plan || t.open_offers.empty()) return;
    const Queue& q = center_.queues[t.queue.value()];
    if (q.offer_mode != OfferMode::kRingAll || q.plan[t.step].queue) return;
    std::optional<int> tier = MemberTier(e.agent, q);
    for (uint64_t o : t.open_offers) {
      const AgentId other = offers_.at(o).agent;
      // An agent rung before it stopped qualifying (a skill change) no longer sets the tier.
      bool qualifies = true;
      for (const SkillRequirement& req : q.plan[t.step].requirements) {
        const auto& skills = agents_[other.value()].skills;
        auto it = skills.find(req.skill.value());
        qualifies &= req.optional || (it != skills.end() && it->second >= req.min_level);
      }
      if (!qualifies) continue;
      std::optional<int> other_tier = MemberTier(other, q);
      if (tier && other_tier && *tier > *other_tier) {
        return Violation("ring-all-worse-tier-added",
                         fmt::format("ring_all {} added {} (tier {}) to i={} while {} (tier {}) "
                                     "rings it",
                                     q.id, A(e.agent), *tier, t.id.value(), A(other), *other_tier));
      }
    }
  }

  // ring_all rings "every eligible agent of the best tier at once"; parallel(n) "the best n agents
  // at once". Judged only against agents no event of this step named and whose view did not change
  // (a back-off can end silently): their presence, back-off and load were the same all step long.
  void CheckRingAll() {
    if (result_.failed || views_before_.empty()) return;
    for (const auto& [id, offered] : multi_offers_) {
      std::optional<InteractionView> v = engine_->interaction(InteractionId(id));
      if (!v || v->state != InteractionState::kOffering) continue;
      const TrackedInteraction& t = interactions_.at(id);
      const Queue& q = center_.queues[t.queue.value()];
      const bool parallel = q.offer_mode == OfferMode::kParallel;
      if (parallel) {
        // Only a decision made whole in this step, that rang fewer than n.
        bool all_new = true;
        for (OfferId o : v->pending_offers) {
          std::optional<OfferView> ov = engine_->offer(o);
          all_new &= ov && offered.second.count(ov->agent.value()) > 0;
        }
        if (!all_new || static_cast<int>(v->pending_offers.size()) >= q.parallel_count) continue;
      }
      // Who rings now (offers of earlier steps included), and the best tier among them.
      std::set<uint32_t> ringing;
      for (OfferId o : v->pending_offers) {
        if (std::optional<OfferView> ov = engine_->offer(o)) ringing.insert(ov->agent.value());
      }
      int best = std::numeric_limits<int>::max();
      for (uint32_t a : ringing) best = std::min(best, MemberTier(AgentId(a), q).value_or(best));
      for (size_t a = 0; a < center_.agents.size(); ++a) {
        const AgentId ag(static_cast<uint32_t>(a));
        if (ringing.count(ag.value()) || !Unchanged(a)) continue;
        const AgentView& after = agent_views_[a];
        std::optional<int> tier = MemberTier(ag, q);
        if (!tier || (!parallel && *tier > best)) continue;
        if (!Routable(ag, after, t.channel)) continue;
        // Eligible already just before the offer: a delay or ring ending at that very instant
        // is a tie with the timer that made the offer, in an order the spec leaves open.
        if (Ineligible(ag, t, offered.first - Duration(1), /*strict=*/true, &*v)) continue;
        if (parallel) {
          return Violation(
              "parallel-missed-agent",
              fmt::format("parallel({}) {} rang i={} on {} agent(s) but {} was ready "
                          "and eligible and not rung",
                          q.parallel_count, q.id, id, v->pending_offers.size(), A(ag)));
        }
        return Violation(*tier < best ? "ring-all-not-best-tier" : "ring-all-missed-agent",
                         fmt::format("ring_all {} rang i={} on tier {} ({} agents) but {} (tier "
                                     "{}) was ready and eligible and not rung",
                                     q.id, id, best, ringing.size(), A(ag), *tier));
      }
    }
  }

  void CheckRingEffects(const Output& out) {
    std::set<uint64_t> rung;
    for (const Effect& f : out.effects) {
      if (f.type == EffectType::kRingAgent) rung.insert(f.offer.value());
    }
    for (const Event& e : out.events) {
      if (e.type == EventType::kInteractionOffered && !rung.count(e.offer.value())) {
        return Violation("offer-without-ring", FormatEvent(e) + " has no RingAgent effect");
      }
    }
  }

  // A waiting interaction must not outlive a deadline that has passed in an AdvanceTo: its step
  // timeout, the queue's max wait, a wait rule that takes it out of the queue. Waits count from
  // the later of entering the queue and its place in line, so the doubt goes to the engine.
  void CheckDeadlines(const TrackedInteraction& t, const InteractionView& v) {
    const Queue& q = center_.queues[v.queue.value()];
    const Step& st = q.plan[v.step];
    auto missed = [&](std::string what, Instant deadline) {
      Violation("deadline-missed",
                fmt::format("i={} ({}, {} step {}) is still waiting at +{:.3f}s; its {} was due "
                            "at +{:.3f}s",
                            v.id.value(), InteractionStateName(v.state), q.id, v.step, Rel(now_),
                            what, Rel(deadline)));
    };
    if (st.timeout && t.step_entered + *st.timeout <= last_advance_) {
      return missed("step timeout", t.step_entered + *st.timeout);
    }
    const Instant base = std::max(t.queue_entered, v.age_since);
    if (q.admission.max_wait && base + *q.admission.max_wait <= last_advance_) {
      return missed("max wait", base + *q.admission.max_wait);
    }
    for (const ExceptionRule& r : q.exceptions) {
      const bool removes = r.action == ExceptionAction::kMoveToQueue ||
                           r.action == ExceptionAction::kTimeOut ||
                           r.action == ExceptionAction::kRouteElsewhere;
      if (r.trigger == ExceptionTrigger::kWaitAtLeast && removes &&
          base + r.threshold <= last_advance_) {
        return missed("wait rule", base + r.threshold);
      }
    }
  }

  // ---- View checks, after every step ----

  void CheckViews() {
    if (result_.failed) return;
    views_before_ = std::move(agent_views_);
    agent_views_.clear();
    for (size_t a = 0; a < center_.agents.size(); ++a) {
      agent_views_.push_back(engine_->agent(AgentId(static_cast<uint32_t>(a))));
    }
    const std::vector<AgentView>& agent_views = agent_views_;
    // Interactions.
    std::vector<InteractionId> live = engine_->LiveInteractions();
    std::set<uint64_t> live_set;
    std::map<uint32_t, std::array<int, kChannelCount>> held;  // agent -> offers + connected
    std::vector<int> waiting_per_queue(center_.queues.size());
    for (size_t k = 0; k < live.size(); ++k) {
      const InteractionId id = live[k];
      if (k > 0 && !(live[k - 1] < id)) {
        return Violation("live-order", "LiveInteractions() is not in id order");
      }
      live_set.insert(id.value());
      std::optional<InteractionView> v = engine_->interaction(id);
      if (!v) return Violation("live-without-view", fmt::format("i={}", id.value()));
      auto it = interactions_.find(id.value());
      if (it == interactions_.end()) {
        return Violation("live-untracked", fmt::format("i={} has no created event", id.value()));
      }
      TrackedInteraction& t = it->second;
      std::string who = fmt::format("i={} ({})", id.value(), InteractionStateName(v->state));
      if (IsTerminal(v->state) || t.terminal) {
        return Violation("terminal-in-live",
                         who + " is in LiveInteractions() but is terminal (state or event)");
      }
      if (v->state == InteractionState::kCreated) {
        return Violation("created-after-command", who + " is still in the transient state");
      }
      if (v->priority != t.priority) {
        return Violation("events-vs-view", fmt::format("{}: view priority {}, events say {}", who,
                                                       v->priority, t.priority));
      }
      if (v->channel != t.channel) {
        return Violation("events-vs-view",
                         fmt::format("{}: view channel {}, events say {}", who,
                                     ChannelName(v->channel), ChannelName(t.channel)));
      }
      if (!t.in_plan || v->queue != t.queue || v->step != t.step) {
        return Violation("events-vs-view",
                         fmt::format("{}: view {} step {}, events say {} step {}", who, Q(v->queue),
                                     v->step, t.in_plan ? Q(t.queue) : "no queue", t.step));
      }
      if (v->created_at != t.created_at) {
        return Violation("events-vs-view", who + ": created_at differs from the created event");
      }
      t.age_since = v->age_since;
      std::set<uint64_t> pending;
      for (OfferId o : v->pending_offers) pending.insert(o.value());
      if (pending != t.open_offers) {
        return Violation("events-vs-view",
                         fmt::format("{}: {} pending offers in the view, {} open per the events",
                                     who, pending.size(), t.open_offers.size()));
      }
      const bool waiting =
          v->state == InteractionState::kQueued || v->state == InteractionState::kOffering;
      if ((v->state == InteractionState::kOffering) != !pending.empty()) {
        return Violation("offering-vs-offers",
                         fmt::format("{} has {} pending offers", who, pending.size()));
      }
      if (waiting == t.connected) {
        return Violation("events-vs-view",
                         who + ": connected per the events: " + (t.connected ? "yes" : "no"));
      }
      if (!waiting && v->agent != t.agent) {
        return Violation("events-vs-view", fmt::format("{}: view agent {}, connected to {}", who,
                                                       A(v->agent), A(t.agent)));
      }
      const Queue& q = center_.queues[v->queue.value()];
      bool from_before = false;  // rung before the center changed: the new mode is not theirs
      for (uint64_t o : pending) from_before |= grandfathered_.count(o) > 0;
      if (from_before) {
        ++result_.probes["offers from before a reconfiguration"];
      } else if (q.offer_mode == OfferMode::kSingle && pending.size() > 1) {
        return Violation("single-mode", fmt::format("{} in single-offer {} rings {} agents", who,
                                                    q.id, pending.size()));
      }
      if (!from_before && q.offer_mode == OfferMode::kParallel &&
          static_cast<int>(pending.size()) > q.parallel_count) {
        return Violation("parallel-mode", fmt::format("{} in parallel({}) {} rings {} agents", who,
                                                      q.parallel_count, q.id, pending.size()));
      }
      for (uint64_t o : pending) {
        std::optional<OfferView> ov = engine_->offer(OfferId(o));
        if (!ov || ov->interaction != id || ov->state != OfferState::kPending) {
          return Violation("offer-view",
                           fmt::format("{}: pending offer {} has no matching view", who, o));
        }
        held[ov->agent.value()][static_cast<int>(v->channel)]++;
      }
      if (!waiting) held[v->agent.value()][static_cast<int>(v->channel)]++;
      if (waiting) waiting_per_queue[v->queue.value()]++;
      if (waiting) CheckDeadlines(t, *v);
      // Work conservation: nobody IsEligible for an interaction left queued.
      if (v->state == InteractionState::kQueued) {
        ++result_.probes["queued idle-agent scans"];
        for (size_t a = 0; a < center_.agents.size(); ++a) {
          AgentId ag(static_cast<uint32_t>(a));
          if (engine_->IsEligible(ag, id, now_)) {
            return Violation("eligible-agent-left-idle",
                             fmt::format("{} in {} is queued with no offer, yet IsEligible({}) "
                                         "is true after the step",
                                         who, q.id, A(ag)));
          }
          // The same by the center definition: a routable agent the oracle finds eligible.
          if (Routable(ag, agent_views[a], v->channel) &&
              !Ineligible(ag, t, now_, /*strict=*/true, &*v)) {
            return Violation(
                "idle-agent-not-offered",
                fmt::format("{} in {} step {} ({}s in step) is queued with no offer, yet {} is "
                            "ready, has room for {} and meets every rule (IsEligible: {})",
                            who, q.id, v->step, ToSeconds(now_ - t.step_entered), A(ag),
                            ChannelName(v->channel), engine_->IsEligible(ag, id, now_)));
          }
        }
      }
    }
    if (live_set.size() != live_ids_.size() ||
        !std::equal(live_set.begin(), live_set.end(), live_ids_.begin())) {
      std::string diff;
      for (uint64_t id : live_ids_) {
        if (!live_set.count(id)) diff += fmt::format(" i={} missing from LiveInteractions()", id);
      }
      for (uint64_t id : live_set) {
        if (!live_ids_.count(id)) diff += fmt::format(" i={} live but terminal per events", id);
      }
      return Violation("live-set", "LiveInteractions() differs from the events:" + diff);
    }
    for (uint64_t id : newly_terminal_) {
      if (engine_->interaction(InteractionId(id))) {
        return Violation("terminal-has-view",
                         fmt::format("i={} is terminal but interaction() still returns it", id));
      }
    }

    // Offers and agents.
    size_t open_total = 0;
    for (const auto& [id, o] : offers_) open_total += o.open;
    size_t pending_total = 0;
    for (size_t a = 0; a < center_.agents.size(); ++a) {
      const AgentId ag(static_cast<uint32_t>(a));
      const AgentDefinition& def = center_.agents[a];
      const AgentView& view = agent_views[a];
      std::vector<OfferView> offers = engine_->OffersOf(ag);
      pending_total += offers.size();
      std::string who = fmt::format("{} ({}, {})", def.id, PresenceName(view.presence),
                                    CrossChannelRuleName(def.cross_channel));
      auto loads = [&] {
        std::string s;
        for (Channel c : kAllChannels) {
          s += fmt::format(" {}={}/{}", ChannelName(c), view.load[static_cast<int>(c)],
                           def.capacity[static_cast<int>(c)]);
        }
        return s;
      };
      if (view.presence != agents_[a].presence) {
        return Violation("events-vs-view", fmt::format("{}: view presence {}, events say {}", who,
                                                       PresenceName(view.presence),
                                                       PresenceName(agents_[a].presence)));
      }
      if (view.pending_offers != static_cast<int>(offers.size())) {
        return Violation("agent-offers", fmt::format("{}: pending_offers {} but OffersOf has {}",
                                                     who, view.pending_offers, offers.size()));
      }
      for (const OfferView& o : offers) {
        auto it = offers_.find(o.id.value());
        if (o.agent != ag || o.state != OfferState::kPending || it == offers_.end() ||
            !it->second.open) {
          return Violation("agent-offers",
                           fmt::format("{}: OffersOf lists offer {} that is not an open offer of "
                                       "this agent per the events",
                                       who, o.id.value()));
        }
        std::optional<InteractionView> iv = engine_->interaction(o.interaction);
        if (!iv || iv->state != InteractionState::kOffering) {
          return Violation(
              "offer-vs-interaction",
              fmt::format("{}: pending offer {} of i={} whose state is {}", who, o.id.value(),
                          o.interaction.value(), iv ? InteractionStateName(iv->state) : "gone"));
        }
      }
      int channels_used = 0;
      for (Channel c : kAllChannels) {
        int k = static_cast<int>(c);
        if (view.load[k] > def.capacity[k]) {
          return Violation("over-capacity", who + " holds more than its capacity:" + loads());
        }
        if (view.load[k] < held[a][k]) {
          return Violation("load-too-low",
                           fmt::format("{}: load {} on {} but {} offers/connected interactions",
                                       who, view.load[k], ChannelName(c), held[a][k]));
        }
        channels_used += view.load[k] > 0;
      }
      const int voice = view.load[static_cast<int>(Channel::kVoice)];
      const int callback = view.load[static_cast<int>(Channel::kCallback)];
      int total = 0;
      for (int l : view.load) total += l;
      // Exclusive: calls (voice and callback) share the voice capacity and exclude the rest.
      const int calls = voice + callback;
      if (def.cross_channel == CrossChannelRule::kExclusive &&
          ((calls > 0 && total > calls) ||
           calls > std::max(1, def.capacity[static_cast<int>(Channel::kVoice)]))) {
        return Violation("cross-channel", who + " holds a call and other work:" + loads());
      }
      if (def.cross_channel == CrossChannelRule::kSameChannelOnly && channels_used > 1) {
        return Violation("cross-channel", who + " holds work on several channels:" + loads());
      }
      if (view.presence == Presence::kLoggedOut && (total > 0 || !offers.empty())) {
        return Violation("logged-out-holds-work", who + " is logged out but holds:" + loads());
      }
    }
    if (pending_total != open_total) {
      return Violation("offer-count", fmt::format("{} pending offers in the views, {} open per "
                                                  "the events",
                                                  pending_total, open_total));
    }

    // Queues.
    for (size_t q = 0; q < center_.queues.size(); ++q) {
      QueueView qv = engine_->queue(QueueId(static_cast<uint32_t>(q)));
      if (qv.waiting != waiting_per_queue[q]) {
        return Violation("queue-waiting",
                         fmt::format("{}: QueueView.waiting {} but {} live interactions wait there",
                                     center_.queues[q].id, qv.waiting, waiting_per_queue[q]));
      }
    }
  }

  const uint64_t seed_;
  const int steps_;
  const bool verbose_;
  const int identity_every_;
  const int snapshot_one_in_;
  const bool record_views_;
  Random snapshot_rng_;
  bool just_advanced_ = false;
  std::set<uint64_t> grandfathered_;  // offers pending when the center last changed
  Random rng_;
  CenterDefinition center_;
  std::unique_ptr<Engine> engine_;
  Instant now_;
  Instant last_event_at_{};
  Instant last_advance_{};  // every timer due at or before this has fired
  int step_ = 0;
  int step_budget_ = 0;
  bool in_drain_ = false;
  std::deque<std::string> recent_;
  RunResult result_;

  std::map<uint64_t, TrackedInteraction> interactions_;
  std::set<uint64_t> live_ids_;
  std::vector<uint64_t> terminal_ids_;
  std::vector<uint64_t> newly_terminal_;
  std::map<uint64_t, TrackedOffer> offers_;
  std::vector<TrackedAgent> agents_;
  std::vector<OrderCheck> order_checks_;
  std::set<uint32_t> touched_agents_;    // agents named by an event of this step
  Instant step_start_{};                 // now_ when the step began
  std::vector<AgentView> agent_views_;   // after this step (CheckViews)
  std::vector<AgentView> views_before_;  // after the previous step
  struct FrontOffer {
    InteractionId interaction;
    AgentId agent;
    Instant at;
  };
  std::vector<FrontOffer> front_offers_;  // kFront offers of this step
  // Ring-all interactions offered in this step: when first, and to whom.
  std::map<uint64_t, std::pair<Instant, std::set<uint32_t>>> multi_offers_;
  std::vector<OfferId> accepted_;
  std::optional<OfferId> accept_again_;
  std::optional<std::pair<InteractionId, std::optional<AgentId>>> pending_known_agent_;
};

void OnAbort(int) {
  if (g_current) {
    std::string c = "engine aborted during the fuzz run at " + g_current->Context();
    std::fputs(c.c_str(), stderr);
    std::fflush(stderr);
  }
  std::signal(SIGABRT, SIG_DFL);
  std::raise(SIGABRT);
}

struct SeedRange {
  uint64_t first;
  int count;
  int steps;
  bool verbose;
};

SeedRange Seeds(int default_count) {
  SeedRange r{static_cast<uint64_t>(EnvInt("HOTLINE_FUZZ_FIRST_SEED", 1)),
              EnvInt("HOTLINE_FUZZ_SEEDS", default_count), EnvInt("HOTLINE_FUZZ_STEPS", 500),
              EnvInt("HOTLINE_FUZZ_VERBOSE", 0) != 0};
  if (int one = EnvInt("HOTLINE_FUZZ_SEED", 0); one > 0) {
    r.first = static_cast<uint64_t>(one);
    r.count = 1;
  }
  return r;
}

TEST(EngineFuzz, InvariantsHoldOverRandomCommandSequences) {
  std::signal(SIGABRT, OnAbort);
  SeedRange seeds = Seeds(200);
  int failures = 0;
  std::map<std::string, uint64_t> first_seed_by_kind;
  long interactions = 0, offers = 0, connected = 0;
  std::map<std::string, int> terminal_counts;
  std::map<std::string, long> probes;
  for (int k = 0; k < seeds.count; ++k) {
    const uint64_t seed = seeds.first + static_cast<uint64_t>(k);
    RunResult r = Fuzzer(seed, seeds.steps, seeds.verbose).Run();
    interactions += r.interactions;
    offers += r.offers;
    connected += r.connected;
    for (const auto& [name, n] : r.terminal_counts) terminal_counts[name] += n;
    for (const auto& [name, n] : r.probes) probes[name] += n;
    if (r.failed) {
      // One full report per kind of violation; the others only counted.
      if (first_seed_by_kind.emplace(r.kind, seed).second) ADD_FAILURE() << r.report;
      if (++failures <= 20) fmt::print("fuzz: {}\n", r.report.substr(0, r.report.find('\n')));
    }
  }
  std::string terminals;
  for (const auto& [name, n] : terminal_counts) terminals += fmt::format(" {}={}", name, n);
  fmt::print("fuzz: {} seeds x {} steps: {} interactions, {} offers, {} connected;{}\n",
             seeds.count, seeds.steps, interactions, offers, connected, terminals);
  std::string probe_text;
  for (const auto& [name, n] : probes) probe_text += fmt::format(" {}={}", name, n);
  fmt::print("fuzz: checks:{}\n", probe_text);
  for (const auto& [kind, seed] : first_seed_by_kind) {
    fmt::print("fuzz: violation '{}' first at seed {}\n", kind, seed);
  }
  EXPECT_EQ(failures, 0) << failures << " of " << seeds.count << " seeds broke an invariant";
  EXPECT_GT(connected, 0) << "the run never connected anything: the test drives nothing";
  std::signal(SIGABRT, SIG_DFL);
}

TEST(EngineFuzz, SameSeedSameEventStream) {
  std::signal(SIGABRT, OnAbort);
  SeedRange seeds = Seeds(50);
  for (int k = 0; k < seeds.count; ++k) {
    const uint64_t seed = seeds.first + static_cast<uint64_t>(k);
    RunResult a = Fuzzer(seed, seeds.steps, false).Run();
    RunResult b = Fuzzer(seed, seeds.steps, false).Run();
    ASSERT_FALSE(a.stream.empty());
    size_t n = std::min(a.stream.size(), b.stream.size());
    size_t i = 0;
    while (i < n && a.stream[i] == b.stream[i]) ++i;
    ASSERT_TRUE(i == n && a.stream.size() == b.stream.size())
        << "seed " << seed << ": the streams differ at item " << i << " of " << a.stream.size()
        << "/" << b.stream.size() << ":\n  first run:  " << (i < a.stream.size() ? a.stream[i] : "")
        << "\n  second run: " << (i < b.stream.size() ? b.stream[i] : "");
  }
  std::signal(SIGABRT, SIG_DFL);
}

// Reconfigure with the running center is invisible: the same seed, with such a reconfiguration
// after every few time advances, gives the same event and effect stream as without.
TEST(EngineFuzz, ReconfiguringWithTheRunningCenterChangesNothing) {
  std::signal(SIGABRT, OnAbort);
  SeedRange seeds = Seeds(50);
  for (int k = 0; k < seeds.count; ++k) {
    const uint64_t seed = seeds.first + static_cast<uint64_t>(k);
    RunResult plain = Fuzzer(seed, seeds.steps, false).Run();
    RunResult again = Fuzzer(seed, seeds.steps, false, /*identity_every=*/3).Run();
    ASSERT_FALSE(again.failed) << again.report;
    ASSERT_GT(again.probes["identity reconfigurations"], 0);
    size_t n = std::min(plain.stream.size(), again.stream.size());
    size_t i = 0;
    while (i < n && plain.stream[i] == again.stream[i]) ++i;
    ASSERT_TRUE(i == n && plain.stream.size() == again.stream.size())
        << "seed " << seed << ": the streams differ at item " << i << " of " << plain.stream.size()
        << "/" << again.stream.size()
        << ":\n  without:           " << (i < plain.stream.size() ? plain.stream[i] : "")
        << "\n  with reconfigure: " << (i < again.stream.size() ? again.stream[i] : "");
  }
  std::signal(SIGABRT, SIG_DFL);
}

// engine.h: an engine restored from SaveState behaves exactly like the one saved. The same seed
// runs twice: once plainly, once saving, restoring and carrying on with the restored engine after
// about one step in 20 (and checking, each time, that the restored engine has the same views,
// Explain included, and saves to the same bytes). Both runs must give the same events, effects
// and views, step by step, and pass every invariant.
TEST(EngineFuzz, RestoredEngineBehavesAsTheSavedOne) {
  std::signal(SIGABRT, OnAbort);
  SeedRange seeds = Seeds(50);
  long snapshots = 0, bytes = 0;
  for (int k = 0; k < seeds.count; ++k) {
    const uint64_t seed = seeds.first + static_cast<uint64_t>(k);
    RunResult plain = Fuzzer(seed, seeds.steps, false, 0, 0, /*record_views=*/true).Run();
    RunResult again = Fuzzer(seed, seeds.steps, seeds.verbose, 0, /*snapshot_one_in=*/20,
                             /*record_views=*/true)
                          .Run();
    ASSERT_FALSE(plain.failed) << plain.report;
    ASSERT_FALSE(again.failed) << again.report;
    ASSERT_GT(again.probes["snapshots"], 0);
    snapshots += again.probes["snapshots"];
    bytes += again.probes["snapshot bytes"];
    size_t n = std::min(plain.stream.size(), again.stream.size());
    size_t i = 0;
    while (i < n && plain.stream[i] == again.stream[i]) ++i;
    ASSERT_TRUE(i == n && plain.stream.size() == again.stream.size())
        << "seed " << seed << ": the streams differ at item " << i << " of " << plain.stream.size()
        << "/" << again.stream.size()
        << ":\n  without snapshots: " << (i < plain.stream.size() ? plain.stream[i] : "")
        << "\n  with snapshots:    " << (i < again.stream.size() ? again.stream[i] : "");
  }
  fmt::print("fuzz: {} seeds, {} snapshots restored, {:.0f} bytes on average\n", seeds.count,
             snapshots, snapshots > 0 ? static_cast<double>(bytes) / snapshots : 0.0);
  std::signal(SIGABRT, SIG_DFL);
}

}  // namespace
}  // namespace hotline::core
