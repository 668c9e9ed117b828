// Engine::SaveState / Engine::Restore (engine.h): the format's errors one at a time, and twin
// engines — one never stopped, one saved and restored again and again — driven by the same random
// commands over a center using the features the fuzz center leaves out (step filters, rings that
// add agents by expression, skip-when-empty, no-agents rules, callbacks, transfers). The
// fuzz test (engine_fuzz_test.cc) restores at random steps of its own runs as well.
//
// HOTLINE_SNAPSHOT_SEEDS=<n> (default 30) seeds for the twin test, HOTLINE_SNAPSHOT_MUTATIONS=<n>
// (default 3000) corrupted blobs per state for the corruption test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/random.h"
#include "core/center.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/snapshot_codec.h"

namespace hotline::core {
namespace {

constexpr int kAgents = 14;
enum : uint32_t { kGeneral, kSpanish, kBilling, kSkills };
enum : uint32_t { kMain, kOverflow, kChat, kBack, kQueues };

Instant At(double s) { return FromMicros(1'767'603'600'000'000) + Seconds(s); }

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

Expression MustParse(std::string_view text) {
  Result<Expression> e = Expression::Parse(text);
  HOTLINE_CHECK(e.ok(), "bad test expression");
  return *e;
}

// A center using what the fuzz center does not: filters, rings adding agents by expression,
// skip-when-empty, "no agents" rules and limits, leave-when-empty on no ready agent, a plan whose
// exhaustion offers a callback, estimated-wait and queue-length rules, discretionary wrap-up.
CenterDefinition MakeCenter(uint64_t seed) {
  Random r(seed + 1000);
  CenterDefinition c;
  c.name = "snapshot";
  c.settings.offer_timeout = Seconds(12);
  c.settings.backoff_reject = Seconds(3);
  c.settings.backoff_no_answer = Seconds(8);
  c.settings.max_missed_offers = 2;
  c.settings.wrapup = WrapupPolicy{WrapupMode::kTimed, Seconds(6)};
  c.skills = {{"general", ""}, {"spanish", ""}, {"billing", ""}};
  c.dispositions = {{"done", "Done"}};
  for (int i = 0; i < kAgents; ++i) {
    AgentDefinition a;
    a.id = fmt::format("a{}", i);
    for (uint32_t s = 0; s < kSkills; ++s) {
      if (r.Below(100) < (s == kGeneral ? 80u : 45u)) {
        a.skills[SkillId(s)] = 1 + static_cast<int>(r.Below(4));
      }
    }
    a.capacity[static_cast<int>(Channel::kVoice)] = 1;
    a.capacity[static_cast<int>(Channel::kChat)] = 1 + static_cast<int>(r.Below(3));
    a.capacity[static_cast<int>(Channel::kCallback)] = 1;
    a.cross_channel = static_cast<CrossChannelRule>(r.Below(3));
    if (r.Below(3) == 0) a.profile = ProfileId(0);
    a.attributes["team"] = Value(r.Below(2) == 0 ? "red" : "blue");
    a.weight = 0.5 + r.Unit();
    c.agents.push_back(std::move(a));
  }
  {  // main: a Spanish step only for Spanish speakers, rings widening by tier and by expression
    Queue q;
    q.id = "main";
    for (int i = 0; i < kAgents; i += 2) q.members.push_back({AgentId(i), 1 + i % 3, i});
    q.agent_order = {AgentOrder::kTier, AgentOrder::kLongestIdle};
    Step spanish;
    spanish.when = MustParse("task.language == \"es\"");
    spanish.requirements = {{SkillId(kSpanish), 2, false}, {SkillId(kBilling), 2, true}};
    Ring first;
    first.max_tier = 1;
    Ring second;
    second.after = Seconds(10);
    second.drop_optional = true;
    second.priority_add = 1;
    Ring third;
    third.after = Seconds(25);
    third.add = MustParse("agent.team == \"red\" AND task.priority >= 1");
    spanish.rings = {first, second, third};
    spanish.skip_when_empty = true;
    spanish.timeout = Seconds(40);
    Step general;
    general.requirements = {{SkillId(kGeneral), 1, false}};
    general.timeout = Seconds(60);
    general.known_agent_window = Seconds(8);
    q.plan = {spanish, general};
    ExceptionRule callback;
    callback.trigger = ExceptionTrigger::kPlanExhausted;
    callback.action = ExceptionAction::kOfferCallback;
    ExceptionRule priority;
    priority.trigger = ExceptionTrigger::kWaitAtLeast;
    priority.threshold = Seconds(50);
    priority.action = ExceptionAction::kSetPriority;
    priority.priority = 7;
    ExceptionRule move;
    move.trigger = ExceptionTrigger::kNoEligibleAgentsFor;
    move.threshold = Seconds(30);
    move.action = ExceptionAction::kMoveToQueue;
    move.queue = QueueId(kOverflow);
    q.exceptions = {callback, priority, move};
    c.queues.push_back(std::move(q));
  }
  {  // overflow: ring all at random, time offset, limits
    Queue q;
    q.id = "overflow";
    q.agent_order = {AgentOrder::kRandom};
    q.offer_mode = OfferMode::kRingAll;
    q.task_order = TaskOrder::kTimeOffset;
    q.seconds_per_point = Seconds(20);
    Step s;
    s.requirements = {{SkillId(kGeneral), 2, false}};
    q.plan = {s};
    q.admission.max_wait = Seconds(200);
    q.admission.max_wait_no_agents = Seconds(45);
    q.admission.leave_when_empty = EmptyWhen::kNoReady;
    c.queues.push_back(std::move(q));
  }
  {  // chat: progressive, least occupied then round robin, discretionary wrap-up
    Queue q;
    q.id = "chat";
    q.agent_order = {AgentOrder::kLeastOccupied, AgentOrder::kRoundRobin};
    q.offer_mode = OfferMode::kProgressive;
    q.progressive_step = Seconds(3);
    q.plan = {Step{}};
    q.wrapup = WrapupPolicy{WrapupMode::kDiscretionary, Seconds(15)};
    ExceptionRule length;
    length.trigger = ExceptionTrigger::kQueueLengthAtLeast;
    length.count = 3;
    length.action = ExceptionAction::kSetPriority;
    length.priority = 2;
    q.exceptions = {length};
    c.queues.push_back(std::move(q));
  }
  {  // back: parallel, weighted random, LIFO, membership by expression, estimated-wait rule
    Queue q;
    q.id = "back";
    q.agent_order = {AgentOrder::kWeightedRandom};
    q.offer_mode = OfferMode::kParallel;
    q.parallel_count = 2;
    q.lifo = true;
    q.membership = MustParse("agent.team == \"blue\"");
    Step s;
    s.requirements = {{SkillId(kBilling), 1, false}};
    q.plan = {s};
    q.admission.join_when_empty = EmptyWhen::kNoLoggedIn;
    ExceptionRule estimate;
    estimate.trigger = ExceptionTrigger::kEstimatedWaitAtLeast;
    estimate.threshold = Seconds(400);
    estimate.action = ExceptionAction::kRouteElsewhere;
    estimate.target = "voicemail";
    q.exceptions = {estimate};
    c.queues.push_back(std::move(q));
  }
  c.profiles = {{"p",
                 {{QueueId(kChat), 0, Seconds(0)},
                  {QueueId(kMain), 1, Seconds(5)},
                  {QueueId(kBack), 1, Seconds(0)},
                  {QueueId(kOverflow), 2, Seconds(0)}},
                 false}};
  return c;
}

std::string Format(const Output& out) {
  std::string s;
  for (const Event& e : out.events) {
    s += fmt::format(
        "{} @{} i={} a={} q={} o={} s={} ch={} p={} r={} st={} step={} lvl={} w={} "
        "'{}'\n",
        EventTypeName(e.type), ToMicros(e.at), e.interaction.value(), e.agent.value(),
        e.queue.value(), e.offer.value(), e.skill.value(), static_cast<int>(e.channel),
        static_cast<int>(e.presence), static_cast<int>(e.routing_state), e.priority, e.step,
        e.level, e.wait.count(), e.reason);
  }
  for (const Effect& e : out.effects) {
    s += fmt::format("{} i={} a={} o={} until {} '{}'\n", EffectTypeName(e.type),
                     e.interaction.value(), e.agent.value(), e.offer.value(), ToMicros(e.deadline),
                     e.target);
  }
  return s;
}

// Every command the engine has, chosen at random from what `e` shows, applied to each engine.
class TwinDriver {
 public:
  explicit TwinDriver(uint64_t seed)
      : rng_(seed),
        center_(MakeCenter(seed)),
        a_(std::make_unique<Engine>(center_, seed)),
        b_(std::make_unique<Engine>(center_, seed)) {}

  // Returns a description of the first difference, or "" after `steps` steps.
  std::string Run(int steps, int restore_one_in, int* restores) {
    for (int step = 0; step < steps; ++step) {
      a_->ClearOutput();
      b_->ClearOutput();
      std::string what = Step();
      std::string out_a = Format(a_->output());
      std::string out_b = Format(b_->output());
      if (out_a != out_b) {
        return fmt::format("step {} ({}): outputs differ\nnever stopped:\n{}restored:\n{}", step,
                           what, out_a, out_b);
      }
      a_->ClearOutput();
      b_->ClearOutput();
      if (a_->SaveState() != b_->SaveState()) {
        return fmt::format("step {} ({}): saved states differ", step, what);
      }
      if (rng_.Below(static_cast<uint64_t>(restore_one_in)) == 0) {
        Result<std::unique_ptr<Engine>> r = Engine::Restore(b_->center(), b_->SaveState());
        if (!r.ok()) return "restore failed: " + r.error().message;
        b_ = std::move(*r);
        ++*restores;
      }
    }
    return "";
  }

 private:
  template <typename F>
  void Both(F f) {
    f(*a_);
    f(*b_);
  }

  std::string Step() {
    now_ += Duration(static_cast<int64_t>(rng_.Below(4'000'000)));
    const Instant now = now_;
    std::vector<OfferView> offers;
    for (uint32_t a = 0; a < kAgents; ++a) {
      for (const OfferView& o : a_->OffersOf(AgentId(a))) offers.push_back(o);
    }
    std::vector<InteractionView> live;
    for (InteractionId id : a_->LiveInteractions()) live.push_back(*a_->interaction(id));
    auto pick_live = [&](auto pred) -> std::optional<InteractionView> {
      std::vector<InteractionView> some;
      for (const InteractionView& v : live) {
        if (pred(v)) some.push_back(v);
      }
      if (some.empty()) return std::nullopt;
      return some[rng_.Below(some.size())];
    };
    auto waiting = [](const InteractionView& v) {
      return v.state == InteractionState::kQueued || v.state == InteractionState::kOffering;
    };
    const AgentId agent(static_cast<uint32_t>(rng_.Below(kAgents)));
    switch (rng_.Below(16)) {
      case 0:
      case 1:
        Both([&](Engine& e) { e.AdvanceTo(now); });
        return "advance";
      case 2: {
        Presence p = rng_.Below(4) == 0   ? Presence::kNotReady
                     : rng_.Below(8) == 0 ? Presence::kLoggedOut
                                          : Presence::kReady;
        Both([&](Engine& e) { (void)e.SetPresence(agent, p, "break", now); });
        return "presence";
      }
      case 3:
      case 4: {
        InteractionSpec spec;
        spec.queue = QueueId(static_cast<uint32_t>(rng_.Below(kQueues)));
        spec.channel = spec.queue == QueueId(kChat) ? Channel::kChat : Channel::kVoice;
        spec.priority = static_cast<int>(rng_.Below(3));
        if (rng_.Below(2) == 0) spec.attributes["language"] = Value("es");
        if (rng_.Below(4) == 0) spec.attributes["tags"] = Value(Value::List{Value(1), Value("x")});
        if (rng_.Below(5) == 0) spec.known_agent = agent;
        Both([&](Engine& e) { (void)e.CreateInteraction(spec, now); });
        return "create";
      }
      case 5:
      case 6:
        if (offers.empty()) return "nothing";
        {
          OfferId o = offers[rng_.Below(offers.size())].id;
          Both([&](Engine& e) { (void)e.AcceptOffer(o, now); });
        }
        return "accept";
      case 7:
        if (offers.empty()) return "nothing";
        {
          OfferId o = offers[rng_.Below(offers.size())].id;
          RejectReason why = rng_.Below(2) ? RejectReason::kBusy : RejectReason::kDeclined;
          Both([&](Engine& e) { (void)e.RejectOffer(o, why, now); });
        }
        return "reject";
      case 8:
        if (auto v = pick_live([](auto& v) { return v.state == InteractionState::kAssigned; })) {
          if (rng_.Below(4) == 0) {
            QueueId to(static_cast<uint32_t>(rng_.Below(kQueues)));
            Both([&](Engine& e) { (void)e.TransferInteraction(v->id, to, now); });
            return "transfer";
          }
          Both([&](Engine& e) { (void)e.EndInteraction(v->id, now); });
          return "end";
        }
        return "nothing";
      case 9:
        if (auto v = pick_live([](auto& v) { return v.state == InteractionState::kWrapping; })) {
          Both([&](Engine& e) { (void)e.CompleteWrapup(v->id, "done", now); });
          return "wrap-up";
        }
        Both([&](Engine& e) { (void)e.EndAgentWrapup(agent, now); });
        return "end agent wrap-up";
      case 10:
        if (auto v = pick_live(waiting)) {
          CancelReason why = static_cast<CancelReason>(rng_.Below(3));
          Both([&](Engine& e) { (void)e.CancelInteraction(v->id, why, now); });
          return "cancel";
        }
        return "nothing";
      case 11:
        if (auto v = pick_live(waiting)) {
          Both([&](Engine& e) { (void)e.BookCallback(v->id, now); });
          return "callback";
        }
        return "nothing";
      case 12:
        if (auto v = pick_live(waiting)) {
          int p = static_cast<int>(rng_.Below(5));
          Both([&](Engine& e) { (void)e.ChangePriority(v->id, p, now); });
          return "priority";
        }
        return "nothing";
      case 13:
        if (auto v = pick_live(waiting)) {
          std::map<std::string, Value> attributes{{"language", Value("es")}, {"n", Value(2.5)}};
          Both([&](Engine& e) { (void)e.SetAttributes(v->id, attributes, now); });
          return "attributes";
        }
        return "nothing";
      case 14: {
        SkillId skill(static_cast<uint32_t>(rng_.Below(kSkills)));
        int level = static_cast<int>(rng_.Below(5));
        Both([&](Engine& e) { (void)e.SetAgentSkill(agent, skill, level, now); });
        return "skill";
      }
      default: {
        Instant next = a_->NextDeadline();
        if (next == Instant::max()) return "nothing";
        now_ = std::max(now_, next);
        Both([&](Engine& e) { e.AdvanceTo(now_); });
        return "next deadline";
      }
    }
  }

  Random rng_;
  CenterDefinition center_;
  std::unique_ptr<Engine> a_;  // never stopped
  std::unique_ptr<Engine> b_;  // saved and restored from time to time
  Instant now_ = At(0);
};

TEST(EngineSnapshotTest, RestoredTwinGivesTheSameEventsAsTheEngineNeverStopped) {
  const int seeds = EnvInt("HOTLINE_SNAPSHOT_SEEDS", 30);
  int restores = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    std::string diff = TwinDriver(static_cast<uint64_t>(seed)).Run(1500, 10, &restores);
    ASSERT_EQ(diff, "") << "seed " << seed;
  }
  EXPECT_GT(restores, seeds * 50);
}

// A lane that empties, fills and empties again restarts its "no agents" clock: the clock of the
// first emptying, still in the timer queue, must stay a no-op after a restore (the lane's
// empty_since is state, not derived).
TEST(EngineSnapshotTest, ANoAgentsClockRestartedBeforeTheSnapshotKeepsCountingFromTheRestart) {
  CenterDefinition c;
  c.name = "clock";
  AgentDefinition agent;
  agent.id = "a0";
  agent.capacity[static_cast<int>(Channel::kVoice)] = 1;
  c.agents = {agent};
  Queue q;
  q.id = "q";
  q.plan = {Step{}};
  q.admission.max_wait_no_agents = Seconds(30);
  c.queues = {q};
  Engine engine(c);
  InteractionSpec spec;
  spec.queue = QueueId(0);
  Result<InteractionId> id = engine.CreateInteraction(spec, At(0));  // empty lane: exits at 30...
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(engine.SetPresence(AgentId(0), Presence::kNotReady, "away", At(10)).ok());
  ASSERT_TRUE(engine.SetPresence(AgentId(0), Presence::kLoggedOut, "", At(20)).ok());  // ...at 50
  engine.ClearOutput();
  Result<std::unique_ptr<Engine>> restored = Engine::Restore(c, engine.SaveState());
  ASSERT_TRUE(restored.ok());
  for (Engine* e : {&engine, restored->get()}) {
    e->AdvanceTo(At(49));
    EXPECT_TRUE(e->output().events.empty());
    e->AdvanceTo(At(50));
    ASSERT_EQ(e->output().events.size(), 1u);
    EXPECT_EQ(e->output().events[0].type, EventType::kInteractionExited);
  }
}

// ---- A small engine with a bit of everything, for the format tests ----------------------------

struct Busy {
  CenterDefinition center;
  std::unique_ptr<Engine> engine;
};

// An engine some way into a random run of the twin driver's center.
Busy BusyEngine(uint64_t seed, int steps) {
  Busy b{MakeCenter(seed), nullptr};
  b.engine = std::make_unique<Engine>(b.center, seed);
  Random rng(seed);
  Instant now = At(0);
  for (int i = 0; i < kAgents; ++i) {
    (void)b.engine->SetPresence(AgentId(i), Presence::kReady, "", now);
  }
  for (int step = 0; step < steps; ++step) {
    now += Seconds(static_cast<double>(rng.Below(3)));
    b.engine->AdvanceTo(now);
    InteractionSpec spec;
    spec.queue = QueueId(static_cast<uint32_t>(rng.Below(kQueues)));
    spec.channel = spec.queue == QueueId(kChat) ? Channel::kChat : Channel::kVoice;
    if (rng.Below(2) == 0) spec.attributes["language"] = Value("es");
    (void)b.engine->CreateInteraction(spec, now);
    for (uint32_t a = 0; a < kAgents; ++a) {
      for (const OfferView& o : b.engine->OffersOf(AgentId(a))) {
        if (rng.Below(3) == 0) (void)b.engine->AcceptOffer(o.id, now);
      }
    }
    if (rng.Below(4) == 0) {
      std::vector<InteractionId> live = b.engine->LiveInteractions();
      if (!live.empty()) (void)b.engine->EndInteraction(live[rng.Below(live.size())], now);
    }
    b.engine->ClearOutput();
  }
  return b;
}

Status Restores(const CenterDefinition& center, std::string_view blob) {
  Result<std::unique_ptr<Engine>> r = Engine::Restore(center, blob);
  return r.ok() ? Status::Ok() : Status(r.error());
}

// Recomputes the checksum after the payload was changed on purpose.
std::string Reseal(std::string blob) {
  uint64_t sum = Checksum(std::string_view(blob).substr(kSnapshotHeaderBytes));
  for (int i = 0; i < 8; ++i) blob[24 + i] = static_cast<char>(sum >> (8 * i));
  return blob;
}

TEST(EngineSnapshotTest, AFreshEngineRoundTrips) {
  CenterDefinition center = MakeCenter(1);
  Engine engine(center, 5);
  std::string blob = engine.SaveState();
  Result<std::unique_ptr<Engine>> restored = Engine::Restore(center, blob);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ((*restored)->SaveState(), blob);
  EXPECT_EQ((*restored)->NextDeadline(), Instant::max());
}

TEST(EngineSnapshotTest, ABusyEngineRoundTripsByteForByte) {
  Busy b = BusyEngine(3, 200);
  ASSERT_FALSE(b.engine->LiveInteractions().empty());
  std::string blob = b.engine->SaveState();
  Result<std::unique_ptr<Engine>> restored = Engine::Restore(b.engine->center(), blob);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ((*restored)->SaveState(), blob);
  EXPECT_EQ((*restored)->LiveInteractions(), b.engine->LiveInteractions());
  EXPECT_EQ((*restored)->NextDeadline(), b.engine->NextDeadline());
}

TEST(EngineSnapshotTest, PendingOutputIsNotPartOfTheState) {
  CenterDefinition center = MakeCenter(1);
  Engine engine(center);
  ASSERT_TRUE(engine.SetPresence(AgentId(0), Presence::kReady, "", At(0)).ok());
  ASSERT_FALSE(engine.output().events.empty());
  Result<std::unique_ptr<Engine>> restored = Engine::Restore(center, engine.SaveState());
  ASSERT_TRUE(restored.ok());
  EXPECT_TRUE((*restored)->output().events.empty());
  EXPECT_EQ((*restored)->agent(AgentId(0)).presence, Presence::kReady);
}

TEST(EngineSnapshotTest, EmptyInputIsATruncatedSnapshot) {
  Status s = Restores(MakeCenter(1), "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kDataLoss);
}

TEST(EngineSnapshotTest, OtherBytesAreNotAnEngineSnapshot) {
  Status s = Restores(MakeCenter(1), "{\"agents\": []}                         ");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("not an engine snapshot"), std::string::npos);
}

TEST(EngineSnapshotTest, AnotherVersionIsRefusedByName) {
  CenterDefinition center = MakeCenter(1);
  std::string blob = Engine(center).SaveState();
  blob[8] = 2;
  Status s = Restores(center, blob);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("version 2"), std::string::npos) << s.error().message;
}

TEST(EngineSnapshotTest, EveryTruncationIsDataLoss) {
  Busy b = BusyEngine(4, 60);
  std::string blob = b.engine->SaveState();
  const CenterDefinition& center = b.engine->center();
  for (size_t n = 0; n < blob.size(); n += (n < 4096 ? 1 : 97)) {
    Status s = Restores(center, std::string_view(blob).substr(0, n));
    ASSERT_FALSE(s.ok()) << n;
    ASSERT_EQ(s.error().code, ErrorCode::kDataLoss) << n << ": " << s.error().message;
  }
}

TEST(EngineSnapshotTest, BytesAfterTheEndAreDataLoss) {
  CenterDefinition center = MakeCenter(1);
  Status s = Restores(center, Engine(center).SaveState() + "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kDataLoss);
}

TEST(EngineSnapshotTest, AnyFlippedPayloadByteFailsTheChecksum) {
  Busy b = BusyEngine(5, 40);
  const std::string blob = b.engine->SaveState();
  for (size_t i = kSnapshotHeaderBytes; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    Status s = Restores(b.engine->center(), bad);
    ASSERT_FALSE(s.ok()) << i;
    ASSERT_EQ(s.error().code, ErrorCode::kDataLoss) << i;
  }
}

TEST(EngineSnapshotTest, ARecordCountLargerThanTheInputIsDataLossWithoutAllocating) {
  CenterDefinition center = MakeCenter(1);
  std::string blob = Engine(center).SaveState();
  // The queue count follows the fingerprint, five counters and the generator: 10 words.
  const size_t at = kSnapshotHeaderBytes + 10 * 8;
  for (int i = 0; i < 4; ++i) blob[at + i] = static_cast<char>(0xFF);
  Status s = Restores(center, Reseal(blob));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(s.error().message.find("count of queues"), std::string::npos) << s.error().message;
}

TEST(EngineSnapshotTest, AnotherCenterIsInvalidArgumentNamingTheCenter) {
  Busy b = BusyEngine(6, 30);
  std::string blob = b.engine->SaveState();
  CenterDefinition other = b.engine->center();
  other.settings.offer_timeout += Seconds(1);
  Status s = Restores(other, blob);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "center");
  other = b.engine->center();
  other.agents[3].attributes["team"] = Value("green");
  EXPECT_FALSE(Restores(other, blob).ok());
  other = b.engine->center();
  other.queues[kMain].plan[0].when = MustParse("task.language == \"fr\"");
  EXPECT_FALSE(Restores(other, blob).ok());
}

TEST(EngineSnapshotTest, TheCenterInForceIncludesSkillChanges) {
  CenterDefinition center = MakeCenter(7);
  Engine engine(center);
  ASSERT_TRUE(engine.SetAgentSkill(AgentId(2), SkillId(kBilling), 4, At(0)).ok());
  std::string blob = engine.SaveState();
  EXPECT_FALSE(Restores(center, blob).ok());  // the definition before the change
  EXPECT_TRUE(Restores(engine.center(), blob).ok());
}

TEST(EngineSnapshotTest, AnInvalidCenterIsInvalidArgument) {
  CenterDefinition center = MakeCenter(1);
  std::string blob = Engine(center).SaveState();
  center.queues[0].plan.clear();
  Status s = Restores(center, blob);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

// Corruption that keeps the checksum right (resealed on purpose) reaches the decoder: every
// outcome is an error or an engine that keeps working (views, saving, time passing, commands).
// Run it under -fsanitize=address,undefined to see that nothing is read out of bounds.
TEST(EngineSnapshotTest, ResealedCorruptionGivesAnErrorOrAWorkingEngine) {
  const int mutations = EnvInt("HOTLINE_SNAPSHOT_MUTATIONS", 3000);
  int engines = 0, errors = 0;
  for (uint64_t seed : {11u, 12u, 13u}) {
    Busy b = BusyEngine(seed, 80 + 40 * static_cast<int>(seed % 3));
    const CenterDefinition& center = b.engine->center();
    const std::string blob = b.engine->SaveState();
    Random rng(seed);
    for (int m = 0; m < mutations; ++m) {
      std::string bad = blob;
      const uint64_t how = rng.Below(4);
      const size_t payload = bad.size() - kSnapshotHeaderBytes;
      size_t at = kSnapshotHeaderBytes + rng.Below(payload);
      if (how == 0) {  // a bit
        bad[at] = static_cast<char>(bad[at] ^ (1 << rng.Below(8)));
      } else if (how == 1) {  // a byte
        bad[at] = static_cast<char>(rng.Below(256));
      } else if (how == 2) {  // a run of bytes
        for (size_t k = 0; k < 1 + rng.Below(12) && at + k < bad.size(); ++k) {
          bad[at + k] = static_cast<char>(rng.Below(256));
        }
      } else {  // cut the payload short, or drop bytes inside it
        size_t n = 1 + rng.Below(std::min<size_t>(64, bad.size() - at));
        bad.erase(at, n);
        uint64_t length = bad.size() - kSnapshotHeaderBytes;
        for (int i = 0; i < 8; ++i) bad[16 + i] = static_cast<char>(length >> (8 * i));
      }
      Result<std::unique_ptr<Engine>> r = Engine::Restore(center, Reseal(bad));
      if (!r.ok()) {
        ++errors;
        ASSERT_TRUE(r.error().code == ErrorCode::kDataLoss ||
                    r.error().code == ErrorCode::kInvalidArgument)
            << r.error().message;
        continue;
      }
      ++engines;
      Engine& e = **r;
      (void)e.SaveState();
      Instant now = At(10'000);
      for (InteractionId id : e.LiveInteractions()) {
        (void)e.interaction(id);
        (void)e.Explain(id, now);
      }
      for (uint32_t q = 0; q < kQueues; ++q) (void)e.queue(QueueId(q));
      e.AdvanceTo(now);
      for (uint32_t a = 0; a < kAgents; ++a) {
        (void)e.SetPresence(AgentId(a), Presence::kReady, "", now);
        for (const OfferView& o : e.OffersOf(AgentId(a))) (void)e.AcceptOffer(o.id, now);
      }
      for (InteractionId id : e.LiveInteractions()) (void)e.EndInteraction(id, now);
      e.AdvanceTo(now + Seconds(86400));
      e.ClearOutput();
    }
  }
  fmt::print("snapshot corruption: {} errors, {} working engines\n", errors, engines);
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace hotline::core
