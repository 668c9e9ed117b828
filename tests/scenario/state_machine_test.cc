// Exhaustive tables of the engine's two state machines (states.h), built through the Engine API:
// every interaction command in every reachable interaction state, and every presence target from
// every presence with and without held work. A transition either succeeds with the stated result
// or returns an Error and changes nothing, emitting nothing (engine.h, "Errors").
//
// Readings of ROUTING.md / engine.h this table pins down:
//  - accept/reject apply to a pending offer only; end to an assigned interaction; a disposition to
//    a wrapping one; cancel only before connection; transfer to an assigned one;
//  - priority and callback change a *waiting* interaction (queued or offering) only;
//  - logged_out "holds nothing": logging out with connected or wrapping work is refused, while a
//    ringing offer is withdrawn (OfferState canceled) and the interaction waits again;
//  - setting the presence an agent already has succeeds and emits no second login/logout.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/engine.h"

namespace hotline::core {
namespace {

constexpr AgentId kA1{0};
constexpr QueueId kSupport{0};
constexpr QueueId kBilling{1};
constexpr QueueId kSmall{2};  // max_length 1
constexpr QueueId kBrief{3};  // max_wait 10s

Instant At(double s) { return Instant{} + Seconds(s); }

CenterDefinition MakeCenter() {
  CenterDefinition c;
  c.name = "state machines";
  // Discretionary wrap-up without a maximum: wrapping lasts until the disposition.
  c.settings.wrapup = {WrapupMode::kDiscretionary, Duration(0)};
  c.dispositions = {{"resolved", "Resolved"}};
  AgentDefinition a1;
  a1.id = "a1";
  a1.capacity[static_cast<size_t>(Channel::kVoice)] = 1;
  a1.capacity[static_cast<size_t>(Channel::kCallback)] = 1;
  c.agents = {a1};
  for (const char* id : {"support", "billing", "small", "brief"}) {
    Queue q;
    q.id = id;
    q.plan = {Step{}};
    c.queues.push_back(q);
  }
  c.queues[kSmall.value()].admission.max_length = 1;
  c.queues[kBrief.value()].admission.max_wait = Seconds(10);
  return c;
}

// Everything observable about the interaction and the agent, for "changes nothing".
std::string Snapshot(const Engine& e, InteractionId id) {
  std::ostringstream o;
  if (std::optional<InteractionView> v = e.interaction(id)) {
    o << "state=" << InteractionStateName(v->state) << " channel=" << ChannelName(v->channel)
      << " queue=" << v->queue.value() << " step=" << v->step << " priority=" << v->priority
      << " age=" << ToMicros(v->age_since) << " agent=" << v->agent.value() << " offers=";
    for (OfferId of : v->pending_offers) o << of.value() << ",";
    o << " excluded=" << v->excluded.size();
  } else {
    o << "not live";
  }
  AgentView a = e.agent(kA1);
  o << " | a1 " << PresenceName(a.presence) << "(" << a.reason << ") "
    << RoutingStateName(a.routing_state) << " since=" << ToMicros(a.state_since)
    << " backoff=" << ToMicros(a.backoff_until) << " pending=" << a.pending_offers
    << " missed=" << a.missed_in_row << " handled=" << a.handled << " load=";
  for (int l : a.load) o << l << ",";
  for (QueueId q : {kSupport, kBilling, kSmall, kBrief}) o << " w" << e.queue(q).waiting;
  return o.str();
}

// The state of `id`, live or (from the events) terminal.
std::string StateOf(Engine& e, InteractionId id, const std::vector<Event>& events) {
  if (std::optional<InteractionView> v = e.interaction(id)) {
    return std::string(InteractionStateName(v->state));
  }
  std::string state = "gone";
  for (const Event& ev : events) {
    if (ev.interaction != id) continue;
    switch (ev.type) {
      case EventType::kInteractionCompleted:
        state = "completed";
        break;
      case EventType::kInteractionAbandoned:
        state = "abandoned";
        break;
      case EventType::kInteractionTimedOut:
        state = "timed_out";
        break;
      case EventType::kInteractionExited:
        state = "exited";
        break;
      case EventType::kInteractionRejected:
        state = "rejected";
        break;
      case EventType::kInteractionCanceled:
        state = "canceled";
        break;
      default:
        break;
    }
  }
  return state;
}

// ---- The interaction machine ------------------------------------------------------------------

enum class From {
  kQueued,
  kOffering,
  kAssigned,
  kWrapping,
  kCompleted,
  kAbandoned,
  kExited,
  kCanceled,
  kRejected,
  kTimedOut
};
constexpr std::array<InteractionState, 10> kFromState = {
    InteractionState::kQueued,   InteractionState::kOffering,  InteractionState::kAssigned,
    InteractionState::kWrapping, InteractionState::kCompleted, InteractionState::kAbandoned,
    InteractionState::kExited,   InteractionState::kCanceled,  InteractionState::kRejected,
    InteractionState::kTimedOut};
constexpr std::array<const char*, 10> kFromNames = {
    "Queued",    "Offering", "Assigned", "Wrapping", "Completed",
    "Abandoned", "Exited",   "Canceled", "Rejected", "TimedOut"};
enum class Cmd { kAccept, kReject, kEnd, kWrapup, kCancel, kTransfer, kPriority, kCallback };
constexpr std::array<const char*, 8> kCmdNames = {"Accept", "Reject",   "End",      "Wrapup",
                                                  "Cancel", "Transfer", "Priority", "Callback"};

// Resulting state of each command from each state; "-" = refused with an Error. Columns in Cmd
// order. "queued|offering": either (a booked callback may be offered again at once).
// clang-format off
constexpr const char* kTable[10][8] = {
    //             accept      reject    end         wrapup       cancel       transfer  priority    callback
    /*queued   */ {"-",        "-",      "-",        "-",         "abandoned", "-",      "queued",   "queued"},
    /*offering */ {"assigned", "queued", "-",        "-",         "abandoned", "-",      "offering", "queued|offering"},
    /*assigned */ {"-",        "-",      "wrapping", "-",         "-",         "queued", "-",        "-"},
    /*wrapping */ {"-",        "-",      "-",        "completed", "-",         "-",      "-",        "-"},
    /*completed*/ {"-",        "-",      "-",        "-",         "-",         "-",      "-",        "-"},
    /*abandoned*/ {"-",        "-",      "-",        "-",         "-",         "-",      "-",        "-"},
    /*exited   */ {"-",        "-",      "-",        "-",         "-",         "-",      "-",        "-"},
    /*canceled */ {"-",        "-",      "-",        "-",         "-",         "-",      "-",        "-"},
    /*rejected */ {"-",        "-",      "-",        "-",         "-",         "-",      "-",        "-"},
    /*timed_out*/ {"-",        "-",      "-",        "-",         "-",         "-",      "-",        "-"},
};
// clang-format on

struct Built {
  std::unique_ptr<Engine> engine;
  InteractionId id;
  OfferId offer{999999};  // the latest offer made for it (possibly answered); a bogus id if none
  Instant now;
};

OfferId PendingOffer(const Engine& e, InteractionId id) {
  std::optional<InteractionView> v = e.interaction(id);
  EXPECT_TRUE(v && !v->pending_offers.empty());
  return v && !v->pending_offers.empty() ? v->pending_offers.front() : OfferId{};
}

// Reaches `from` through the API; every setup command must succeed.
Built Build(From from) {
  Built b{std::make_unique<Engine>(MakeCenter(), 1), {}, OfferId{999999}, At(1)};
  Engine& e = *b.engine;
  auto ok = [](const Status& s) { ASSERT_TRUE(s.ok()) << s.error().message; };
  InteractionSpec spec;
  spec.queue = kSupport;
  if (from == From::kRejected || from == From::kTimedOut) {
    spec.queue = from == From::kRejected ? kSmall : kBrief;
    if (from == From::kRejected) {
      EXPECT_TRUE(e.CreateInteraction(spec, At(1)).ok());  // fills the queue
    }
    Result<InteractionId> id = e.CreateInteraction(spec, At(1));
    EXPECT_TRUE(id.ok());
    b.id = *id;
    if (from == From::kTimedOut) {
      b.now = At(11);
      e.AdvanceTo(b.now);
    }
    return b;
  }
  ok(e.SetPresence(kA1, Presence::kReady, "", At(1)));
  Result<InteractionId> id = e.CreateInteraction(spec, At(1));
  EXPECT_TRUE(id.ok());
  b.id = *id;
  b.offer = PendingOffer(e, b.id);
  switch (from) {
    case From::kQueued:
      ok(e.RejectOffer(b.offer, RejectReason::kDeclined, At(1)));
      break;
    case From::kAbandoned:
    case From::kExited:
    case From::kCanceled:
      ok(e.CancelInteraction(b.id,
                             from == From::kAbandoned ? CancelReason::kAbandoned
                             : from == From::kExited  ? CancelReason::kExited
                                                      : CancelReason::kCanceled,
                             At(1)));
      break;
    case From::kAssigned:
    case From::kWrapping:
    case From::kCompleted:
      ok(e.AcceptOffer(b.offer, At(1)));
      if (from != From::kAssigned) ok(e.EndInteraction(b.id, At(1)));
      if (from == From::kCompleted) ok(e.CompleteWrapup(b.id, "resolved", At(1)));
      break;
    default:
      break;
  }
  return b;
}

Status Apply(Cmd cmd, Built& b) {
  Engine& e = *b.engine;
  switch (cmd) {
    case Cmd::kAccept:
      return e.AcceptOffer(b.offer, b.now);
    case Cmd::kReject:
      return e.RejectOffer(b.offer, RejectReason::kDeclined, b.now);
    case Cmd::kEnd:
      return e.EndInteraction(b.id, b.now);
    case Cmd::kWrapup:
      return e.CompleteWrapup(b.id, "resolved", b.now);
    case Cmd::kCancel:
      return e.CancelInteraction(b.id, CancelReason::kAbandoned, b.now);
    case Cmd::kTransfer:
      return e.TransferInteraction(b.id, kBilling, b.now);
    case Cmd::kPriority:
      return e.ChangePriority(b.id, 7, b.now);
    case Cmd::kCallback:
      return e.BookCallback(b.id, b.now);
  }
  return Status::Ok();
}

using Cell = std::tuple<From, Cmd>;

class InteractionMachine : public ::testing::TestWithParam<Cell> {};

TEST_P(InteractionMachine, TransitionMatchesTable) {
  auto [from, cmd] = GetParam();
  Built b = Build(from);
  ASSERT_FALSE(HasFatalFailure());
  Engine& e = *b.engine;
  std::vector<Event> history = e.output().events;
  InteractionState start = kFromState[static_cast<int>(from)];
  ASSERT_EQ(StateOf(e, b.id, history), InteractionStateName(start));
  e.ClearOutput();
  std::string before = Snapshot(e, b.id);
  std::string want = kTable[static_cast<int>(from)][static_cast<int>(cmd)];

  Status status = Apply(cmd, b);
  if (want == "-") {
    ASSERT_FALSE(status.ok()) << "succeeded; now " << Snapshot(e, b.id);
    if (!IsTerminal(start)) {
      EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition) << status.error().message;
    } else {
      EXPECT_TRUE(status.error().code == ErrorCode::kFailedPrecondition ||
                  status.error().code == ErrorCode::kNotFound)
          << ErrorCodeName(status.error().code);
    }
    EXPECT_TRUE(e.output().events.empty()) << EventTypeName(e.output().events.front().type);
    EXPECT_TRUE(e.output().effects.empty());
    EXPECT_EQ(Snapshot(e, b.id), before);
    return;
  }
  ASSERT_TRUE(status.ok()) << status.error().message;
  history.insert(history.end(), e.output().events.begin(), e.output().events.end());
  std::string got = StateOf(e, b.id, history);
  EXPECT_NE(want.find(got), std::string::npos) << "want " << want << ", got " << got;
  EXPECT_FALSE(e.output().events.empty());
  std::optional<InteractionView> v = e.interaction(b.id);
  AgentView a1 = e.agent(kA1);
  switch (cmd) {
    case Cmd::kAccept:
      EXPECT_EQ(a1.routing_state, RoutingState::kBusy);
      break;
    case Cmd::kReject:
      EXPECT_EQ(a1.routing_state, RoutingState::kBackoff);
      ASSERT_TRUE(v);
      EXPECT_EQ(v->excluded, std::vector<AgentId>{kA1});
      break;
    case Cmd::kEnd:
    case Cmd::kTransfer:
      EXPECT_EQ(a1.routing_state, RoutingState::kWrapup);
      if (cmd == Cmd::kTransfer) {
        ASSERT_TRUE(v);
        EXPECT_EQ(v->queue, kBilling);
      }
      break;
    case Cmd::kWrapup:
      EXPECT_EQ(a1.routing_state, RoutingState::kIdle);
      EXPECT_EQ(a1.handled, 1);
      break;
    case Cmd::kPriority:
      ASSERT_TRUE(v);
      EXPECT_EQ(v->priority, 7);
      break;
    case Cmd::kCallback:
      ASSERT_TRUE(v);
      EXPECT_EQ(v->channel, Channel::kCallback);
      EXPECT_EQ(v->age_since, At(1));
      break;
    case Cmd::kCancel:
      EXPECT_EQ(a1.pending_offers, 0);
      break;
  }
}

std::vector<Cell> AllCells() {
  std::vector<Cell> cells;
  for (int f = 0; f < 10; ++f) {
    for (int c = 0; c < 8; ++c) cells.emplace_back(static_cast<From>(f), static_cast<Cmd>(c));
  }
  return cells;
}

std::string CellName(const ::testing::TestParamInfo<Cell>& info) {
  auto [from, cmd] = info.param;
  std::string want = kTable[static_cast<int>(from)][static_cast<int>(cmd)];
  return std::string(kFromNames[static_cast<int>(from)]) + "_" + kCmdNames[static_cast<int>(cmd)] +
         (want == "-" ? "_IsRefused" : "_Succeeds");
}

INSTANTIATE_TEST_SUITE_P(Table, InteractionMachine, ::testing::ValuesIn(AllCells()), CellName);

// ---- The presence machine ---------------------------------------------------------------------

enum class Holding { kNothing, kOffer, kAssigned, kWrapping };
constexpr std::array<const char*, 4> kHoldingNames = {"Nothing", "Offer", "Assigned", "Wrapping"};
constexpr std::array<Presence, 3> kPresences = {Presence::kLoggedOut, Presence::kReady,
                                                Presence::kNotReady};
constexpr std::array<const char*, 3> kPresenceNames = {"LoggedOut", "Ready", "NotReady"};

struct AgentSetup {
  Presence presence;
  Holding holding;
};

// Reachable (presence, held work) pairs. An offer is only made to a ready agent.
std::vector<AgentSetup> AgentSetups() {
  return {{Presence::kLoggedOut, Holding::kNothing}, {Presence::kReady, Holding::kNothing},
          {Presence::kReady, Holding::kOffer},       {Presence::kReady, Holding::kAssigned},
          {Presence::kReady, Holding::kWrapping},    {Presence::kNotReady, Holding::kNothing},
          {Presence::kNotReady, Holding::kAssigned}, {Presence::kNotReady, Holding::kWrapping}};
}

struct AgentBuilt {
  std::unique_ptr<Engine> engine;
  InteractionId id;  // the held interaction, if any
};

AgentBuilt BuildAgent(AgentSetup setup) {
  AgentBuilt b{std::make_unique<Engine>(MakeCenter(), 1), {}};
  Engine& e = *b.engine;
  auto ok = [](const Status& s) { ASSERT_TRUE(s.ok()) << s.error().message; };
  if (setup.presence == Presence::kLoggedOut) return b;
  ok(e.SetPresence(kA1, Presence::kReady, "", At(1)));
  if (setup.holding != Holding::kNothing) {
    InteractionSpec spec;
    spec.queue = kSupport;
    Result<InteractionId> id = e.CreateInteraction(spec, At(1));
    EXPECT_TRUE(id.ok());
    b.id = *id;
    if (setup.holding != Holding::kOffer) ok(e.AcceptOffer(PendingOffer(e, b.id), At(1)));
    if (setup.holding == Holding::kWrapping) ok(e.EndInteraction(b.id, At(1)));
  }
  if (setup.presence == Presence::kNotReady)
    ok(e.SetPresence(kA1, Presence::kNotReady, "lunch", At(1)));
  return b;
}

using PresenceCell = std::tuple<AgentSetup, Presence>;

class PresenceMachine : public ::testing::TestWithParam<PresenceCell> {};

TEST_P(PresenceMachine, TransitionMatchesTable) {
  auto [setup, target] = GetParam();
  AgentBuilt b = BuildAgent(setup);
  ASSERT_FALSE(HasFatalFailure());
  Engine& e = *b.engine;
  ASSERT_EQ(e.agent(kA1).presence, setup.presence);
  e.ClearOutput();
  std::string before = Snapshot(e, b.id);
  bool holds_work = setup.holding == Holding::kAssigned || setup.holding == Holding::kWrapping;

  Status status = e.SetPresence(kA1, target, "break", At(2));
  if (target == Presence::kLoggedOut && holds_work) {
    // logged_out holds nothing: the agent must finish the interaction first.
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition) << status.error().message;
    EXPECT_TRUE(e.output().events.empty());
    EXPECT_TRUE(e.output().effects.empty());
    EXPECT_EQ(Snapshot(e, b.id), before);
    return;
  }
  ASSERT_TRUE(status.ok()) << status.error().message;
  AgentView a = e.agent(kA1);
  EXPECT_EQ(a.presence, target);
  if (target == Presence::kNotReady) {
    EXPECT_EQ(a.reason, "break");
  }
  int logins = 0, logouts = 0;
  for (const Event& ev : e.output().events) {
    logins += ev.type == EventType::kAgentLoggedIn;
    logouts += ev.type == EventType::kAgentLoggedOut;
  }
  bool was_in = setup.presence != Presence::kLoggedOut;
  bool is_in = target != Presence::kLoggedOut;
  EXPECT_EQ(logins, !was_in && is_in ? 1 : 0);
  EXPECT_EQ(logouts, was_in && !is_in ? 1 : 0);
  if (!is_in) {
    EXPECT_EQ(a.pending_offers, 0);
    for (int l : a.load) EXPECT_EQ(l, 0);
    if (setup.holding == Holding::kOffer) {
      // The ringing offer is withdrawn; the interaction waits again (nobody else to take it).
      std::optional<InteractionView> v = e.interaction(b.id);
      ASSERT_TRUE(v);
      EXPECT_EQ(v->state, InteractionState::kQueued);
      EXPECT_TRUE(v->pending_offers.empty());
    }
    return;
  }
  // Work held stays held, whatever the presence.
  if (setup.holding == Holding::kAssigned) {
    EXPECT_EQ(a.routing_state, RoutingState::kBusy);
    EXPECT_EQ(e.interaction(b.id)->state, InteractionState::kAssigned);
  } else if (setup.holding == Holding::kWrapping) {
    EXPECT_EQ(a.routing_state, RoutingState::kWrapup);
    EXPECT_EQ(e.interaction(b.id)->state, InteractionState::kWrapping);
  } else if (setup.holding == Holding::kNothing) {
    EXPECT_EQ(a.routing_state, RoutingState::kIdle);
  } else if (target == Presence::kReady) {
    EXPECT_EQ(a.routing_state, RoutingState::kOffered);
    EXPECT_EQ(e.interaction(b.id)->state, InteractionState::kOffering);
  }
}

std::vector<PresenceCell> AllPresenceCells() {
  std::vector<PresenceCell> cells;
  for (AgentSetup s : AgentSetups()) {
    for (Presence p : kPresences) cells.emplace_back(s, p);
  }
  return cells;
}

std::string PresenceCellName(const ::testing::TestParamInfo<PresenceCell>& info) {
  auto [setup, target] = info.param;
  bool refused = target == Presence::kLoggedOut &&
                 (setup.holding == Holding::kAssigned || setup.holding == Holding::kWrapping);
  return std::string(kPresenceNames[static_cast<int>(setup.presence)]) + "Holding" +
         kHoldingNames[static_cast<int>(setup.holding)] + "_To" +
         kPresenceNames[static_cast<int>(target)] + (refused ? "_IsRefused" : "_Succeeds");
}

INSTANTIATE_TEST_SUITE_P(Table, PresenceMachine, ::testing::ValuesIn(AllPresenceCells()),
                         PresenceCellName);

}  // namespace
}  // namespace hotline::core
