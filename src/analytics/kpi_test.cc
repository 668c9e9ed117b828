#include "analytics/kpi.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analytics/random_day_step.h"
#include "base/random.h"
#include "core/engine.h"

namespace hotline::analytics {
namespace {

using core::AgentId;
using core::Event;
using core::EventType;
using core::InteractionId;
using core::OfferId;
using core::Presence;
using core::QueueId;
using core::RoutingState;

constexpr uint32_t kSupport = 0;  // T = 20 s, S = 5 s (the defaults)
constexpr uint32_t kBilling = 1;  // T = 10 s, S = 0 (short abandons disabled)

core::CenterDefinition TwoQueues() {
  core::CenterDefinition c;
  c.name = "Test";
  for (const char* id : {"a0", "a1"}) {
    core::AgentDefinition a;
    a.id = id;
    a.capacity[static_cast<size_t>(core::Channel::kVoice)] = 1;
    c.agents.push_back(a);
  }
  core::Queue support;
  support.id = "support";
  support.plan = {core::Step{}};
  core::Queue billing;
  billing.id = "billing";
  billing.sl_threshold = Seconds(10);
  billing.short_abandon = Seconds(0);
  billing.plan = {core::Step{}};
  c.queues = {support, billing};
  return c;
}

Instant At(double s) { return Instant{} + Seconds(s); }

Event Make(EventType type, double at) {
  Event e;
  e.type = type;
  e.at = At(at);
  return e;
}

Event Ix(EventType type, uint64_t id, double at) {
  Event e = Make(type, at);
  e.interaction = InteractionId(id);
  return e;
}

Event Queued(uint64_t id, uint32_t queue, double at) {
  Event e = Ix(EventType::kInteractionQueued, id, at);
  e.queue = QueueId(queue);
  return e;
}

Event Moved(uint64_t id, uint32_t to, double at) {
  Event e = Ix(EventType::kInteractionStepChanged, id, at);
  e.queue = QueueId(to);
  e.reason = "moved";
  return e;
}

Event Connected(uint64_t id, double at, double wait, uint32_t agent = 0) {
  Event e = Ix(EventType::kInteractionConnected, id, at);
  e.agent = AgentId(agent);
  e.wait = Seconds(wait);
  return e;
}

Event WrapupStarted(uint64_t id, double at) {
  return Ix(EventType::kInteractionWrapupStarted, id, at);
}

Event Completed(uint64_t id, double at) { return Ix(EventType::kInteractionCompleted, id, at); }

Event Ended(EventType type, uint64_t id, double at, double wait) {
  Event e = Ix(type, id, at);
  e.wait = Seconds(wait);
  return e;
}

Event Abandoned(uint64_t id, double at, double wait) {
  return Ended(EventType::kInteractionAbandoned, id, at, wait);
}

Event Rejected(uint64_t id, uint32_t queue, double at) {
  Event e = Ix(EventType::kInteractionRejected, id, at);
  e.queue = QueueId(queue);
  e.reason = "full";
  return e;
}

Event Transferred(uint64_t id, uint32_t to, double at) {
  Event e = Ix(EventType::kInteractionTransferred, id, at);
  e.queue = QueueId(to);
  return e;
}

Event OfferTimedOut(uint64_t id, uint64_t offer, double at) {
  Event e = Ix(EventType::kOfferTimedOut, id, at);
  e.offer = OfferId(offer);
  return e;
}

Event PresenceChanged(uint32_t agent, Presence p, double at) {
  Event e = Make(EventType::kAgentPresenceChanged, at);
  e.agent = AgentId(agent);
  e.presence = p;
  return e;
}

Event RoutingChanged(uint32_t agent, RoutingState s, double at) {
  Event e = Make(EventType::kAgentRoutingStateChanged, at);
  e.agent = AgentId(agent);
  e.routing_state = s;
  return e;
}

KpiSettings Settings(double interval_s = 900, double origin_s = 0, double count_from_s = 0) {
  KpiSettings s;
  s.interval = Seconds(interval_s);
  s.origin = At(origin_s);
  s.count_from = At(count_from_s);
  return s;
}

// Folds `events`, finishes at `end`.
KpiFold Fold(const std::vector<Event>& events, double end, KpiSettings settings = Settings()) {
  KpiFold fold(TwoQueues(), settings);
  for (const Event& e : events) fold.Apply(e);
  fold.Finish(At(end));
  return fold;
}

// An answered interaction: queued, connected after `wait`, talk, wrap-up, completed.
void AddAnswered(std::vector<Event>& ev, uint64_t id, uint32_t queue, double at, double wait,
                 double talk = 60, double acw = 30) {
  ev.push_back(Queued(id, queue, at));
  ev.push_back(Connected(id, at + wait, wait));
  ev.push_back(WrapupStarted(id, at + wait + talk));
  ev.push_back(Completed(id, at + wait + talk + acw));
}

void AddAbandoned(std::vector<Event>& ev, uint64_t id, uint32_t queue, double at, double wait) {
  ev.push_back(Queued(id, queue, at));
  ev.push_back(Abandoned(id, at + wait, wait));
}

// ---- Interaction counts and service level -----------------------------------------------------

TEST(KpiFoldTest, ServiceLevelIsAnsweredWithinTOverOfferedLessShortAbandonsAndStillWaiting) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10);     // within T
  AddAnswered(ev, 2, kSupport, 0, 30);     // not within T
  AddAbandoned(ev, 3, kSupport, 0, 3);     // short
  AddAbandoned(ev, 4, kSupport, 0, 40);    // counted abandon
  ev.push_back(Queued(5, kSupport, 100));  // still waiting at 200
  ev.push_back(Queued(6, kSupport, 100));
  ev.push_back(Ended(EventType::kInteractionTimedOut, 6, 160, 60));
  Figures f = Fold(ev, 200).Queue(QueueId(kSupport));
  EXPECT_EQ(f.offered, 6);
  EXPECT_EQ(f.answered, 2);
  EXPECT_EQ(f.abandoned, 2);
  EXPECT_EQ(f.short_abandoned, 1);
  EXPECT_EQ(f.still_waiting, 1);
  EXPECT_EQ(f.timed_out, 1);
  EXPECT_EQ(f.answered_within_t, 1);
  EXPECT_DOUBLE_EQ(*f.ServiceLevel(), 1.0 / 4.0);
  EXPECT_DOUBLE_EQ(*f.AbandonRate(), 1.0 / 4.0);
}

TEST(KpiFoldTest, ShortAbandonsLeaveTheServiceLevelDenominator) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10);
  AddAbandoned(ev, 2, kSupport, 0, 4.999);
  Figures f = Fold(ev, 500).Queue(QueueId(kSupport));
  EXPECT_EQ(f.short_abandoned, 1);
  EXPECT_DOUBLE_EQ(*f.ServiceLevel(), 1.0);
  EXPECT_DOUBLE_EQ(*f.AbandonRate(), 0.0);
}

TEST(KpiFoldTest, AbandonAfterExactlySIsNotShort) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10);
  AddAbandoned(ev, 2, kSupport, 0, 5);
  Figures f = Fold(ev, 500).Queue(QueueId(kSupport));
  EXPECT_EQ(f.short_abandoned, 0);
  EXPECT_DOUBLE_EQ(*f.ServiceLevel(), 0.5);
  EXPECT_DOUBLE_EQ(*f.AbandonRate(), 0.5);
}

TEST(KpiFoldTest, ShortAbandonThresholdZeroCountsEveryAbandon) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kBilling, 0, 1);
  AddAbandoned(ev, 2, kBilling, 0, 0);
  AddAbandoned(ev, 3, kBilling, 0, 1);
  Figures f = Fold(ev, 500).Queue(QueueId(kBilling));
  EXPECT_EQ(f.abandoned, 2);
  EXPECT_EQ(f.short_abandoned, 0);
  EXPECT_DOUBLE_EQ(*f.ServiceLevel(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(*f.AbandonRate(), 2.0 / 3.0);
}

TEST(KpiFoldTest, WaitExactlyTCountsAsWithinT) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 20);         // == T
  AddAnswered(ev, 2, kSupport, 0, 20.000001);  // 1 µs over
  AddAbandoned(ev, 3, kSupport, 0, 20);
  AddAbandoned(ev, 4, kSupport, 0, 20.000001);
  AddAnswered(ev, 5, kBilling, 0, 10);  // billing's own T
  AddAnswered(ev, 6, kBilling, 0, 11);
  KpiFold fold = Fold(ev, 500);
  Figures s = fold.Queue(QueueId(kSupport));
  EXPECT_EQ(s.answered_within_t, 1);
  EXPECT_EQ(s.abandoned_within_t, 1);
  Figures b = fold.Queue(QueueId(kBilling));
  EXPECT_EQ(b.answered_within_t, 1);
  EXPECT_DOUBLE_EQ(*b.ServiceLevel(), 0.5);
}

TEST(KpiFoldTest, InteractionsStillWaitingAtFinishLeaveTheDenominators) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10);
  AddAbandoned(ev, 2, kSupport, 0, 30);
  ev.push_back(Queued(3, kSupport, 100));
  ev.push_back(Queued(4, kSupport, 110));
  ev.push_back(Connected(4, 115, 5));  // answered, still talking at Finish: not waiting
  Figures f = Fold(ev, 120).Queue(QueueId(kSupport));
  EXPECT_EQ(f.offered, 4);
  EXPECT_EQ(f.still_waiting, 1);
  EXPECT_DOUBLE_EQ(*f.ServiceLevel(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*f.AbandonRate(), 1.0 / 3.0);
}

TEST(KpiFoldTest, OnlyStillWaitingInteractionsGiveNoServiceLevel) {
  Figures f = Fold({Queued(1, kSupport, 10)}, 20).Total();
  EXPECT_EQ(f.offered, 1);
  EXPECT_EQ(f.still_waiting, 1);
  EXPECT_EQ(f.ServiceLevel(), std::nullopt);
  EXPECT_EQ(f.AbandonRate(), std::nullopt);
}

TEST(KpiFoldTest, BeforeFinishInteractionsWaitingNowAreStillWaitingInEveryReading) {
  // A live reading (the wallboard's "today") is a period that ends now: what waits now leaves the
  // denominators, in Queue, Total and Intervals alike, and stops counting once it is answered.
  KpiFold fold(TwoQueues(), Settings());
  fold.Apply(Queued(1, kSupport, 10));
  Figures waiting = fold.Queue(QueueId(kSupport));
  EXPECT_EQ(waiting.offered, 1);
  EXPECT_EQ(waiting.still_waiting, 1);
  EXPECT_EQ(waiting.ServiceLevel(), std::nullopt);
  EXPECT_EQ(waiting.AbandonRate(), std::nullopt);
  EXPECT_EQ(fold.Total().still_waiting, 1);
  ASSERT_FALSE(fold.Intervals().empty());
  EXPECT_EQ(fold.Intervals().front().figures.still_waiting, 1);

  fold.Apply(Connected(1, 15, 5));
  Figures answered = fold.Queue(QueueId(kSupport));
  EXPECT_EQ(answered.still_waiting, 0);
  EXPECT_DOUBLE_EQ(*answered.ServiceLevel(), 1.0);
  fold.Finish(At(100));
  EXPECT_EQ(fold.Queue(QueueId(kSupport)).still_waiting, 0);  // not counted twice
}

TEST(KpiFoldTest, StillWaitingIsCountedOnceWhenFinishFollowsALiveReading) {
  KpiFold fold(TwoQueues(), Settings());
  fold.Apply(Queued(1, kSupport, 10));
  EXPECT_EQ(fold.Queue(QueueId(kSupport)).still_waiting, 1);
  fold.Finish(At(100));
  EXPECT_EQ(fold.Queue(QueueId(kSupport)).still_waiting, 1);
  EXPECT_EQ(fold.Total().still_waiting, 1);
}

TEST(KpiFoldTest, ServiceLevelAnsweredOnlyIgnoresAbandons) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10);
  AddAnswered(ev, 2, kSupport, 0, 25);
  AddAbandoned(ev, 3, kSupport, 0, 50);
  Figures f = Fold(ev, 500).Total();
  EXPECT_DOUBLE_EQ(*f.ServiceLevelAnsweredOnly(), 0.5);
}

TEST(KpiFoldTest, ServiceLevelWithAbandonsCountsEarlyAbandonsAsMet) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10);   // met
  AddAnswered(ev, 2, kSupport, 0, 25);   // missed
  AddAbandoned(ev, 3, kSupport, 0, 2);   // abandoned within T: met (SL2)
  AddAbandoned(ev, 4, kSupport, 0, 50);  // missed
  ev.push_back(Queued(5, kSupport, 0));
  ev.push_back(Ended(EventType::kInteractionExited, 5, 3, 3));  // not in SL2 at all
  Figures f = Fold(ev, 500).Total();
  EXPECT_EQ(f.abandoned_within_t, 1);
  EXPECT_DOUBLE_EQ(*f.ServiceLevelWithAbandons(), 2.0 / 4.0);
}

TEST(KpiFoldTest, PWaitCountsAnsweredAndAbandonedWithPositiveWait) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 0);
  AddAnswered(ev, 2, kSupport, 0, 5);
  AddAbandoned(ev, 3, kSupport, 0, 0);
  AddAbandoned(ev, 4, kSupport, 0, 10);
  Figures f = Fold(ev, 500).Total();
  EXPECT_EQ(f.waited, 2);
  EXPECT_DOUBLE_EQ(*f.PWait(), 0.5);
}

TEST(KpiFoldTest, AsaAndAverageWaitToAbandonAreMeanWaits) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10);
  AddAnswered(ev, 2, kSupport, 0, 30);
  AddAbandoned(ev, 3, kSupport, 0, 3);
  AddAbandoned(ev, 4, kSupport, 0, 40);
  Figures f = Fold(ev, 500).Total();
  EXPECT_DOUBLE_EQ(f.wait_answered_s, 40);
  EXPECT_DOUBLE_EQ(f.wait_abandoned_s, 43);
  EXPECT_DOUBLE_EQ(*f.AsaS(), 20);
  EXPECT_DOUBLE_EQ(*f.AverageWaitToAbandonS(), 21.5);
}

TEST(KpiFoldTest, AhtIsTalkPlusAcwOfCompletedInteractions) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 10, /*talk=*/60, /*acw=*/30);
  AddAnswered(ev, 2, kSupport, 0, 10, /*talk=*/120, /*acw=*/0);  // wrap-up none
  ev.push_back(Queued(3, kSupport, 0));
  ev.push_back(Connected(3, 5, 5));  // still talking at Finish: not in AHT
  Figures f = Fold(ev, 500).Total();
  EXPECT_EQ(f.completed, 2);
  EXPECT_DOUBLE_EQ(f.talk_s, 180);
  EXPECT_DOUBLE_EQ(f.acw_s, 30);
  EXPECT_DOUBLE_EQ(f.hold_s, 0);
  EXPECT_DOUBLE_EQ(*f.AhtS(), 105);
  EXPECT_DOUBLE_EQ(*f.AcwS(), 15);
}

TEST(KpiFoldTest, TimedOutExitedAndCanceledAreOfferedButNotAnsweredNorAbandoned) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 0));
  ev.push_back(Ended(EventType::kInteractionTimedOut, 1, 600, 600));
  ev.push_back(Queued(2, kSupport, 0));
  ev.push_back(Ended(EventType::kInteractionExited, 2, 10, 10));
  ev.push_back(Queued(3, kSupport, 0));
  ev.push_back(Ended(EventType::kInteractionCanceled, 3, 10, 10));
  Figures f = Fold(ev, 900).Total();
  EXPECT_EQ(f.offered, 3);
  EXPECT_EQ(f.timed_out, 1);
  EXPECT_EQ(f.exited, 1);
  EXPECT_EQ(f.answered, 0);
  EXPECT_EQ(f.abandoned, 0);
  EXPECT_EQ(f.still_waiting, 0);
  EXPECT_DOUBLE_EQ(*f.ServiceLevel(), 0.0);
  EXPECT_EQ(f.PWait(), std::nullopt);
}

TEST(KpiFoldTest, RejectedInteractionsAreNotOffered) {
  Figures f =
      Fold({Rejected(1, kBilling, 10), Rejected(2, kBilling, 20)}, 100).Queue(QueueId(kBilling));
  EXPECT_EQ(f.rejected, 2);
  EXPECT_EQ(f.offered, 0);
  EXPECT_EQ(f.ServiceLevel(), std::nullopt);
}

TEST(KpiFoldTest, RonaCountsOfferTimeoutsOnTheInteractionsEntryQueueAndInterval) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 890));
  ev.push_back(OfferTimedOut(1, 10, 910));
  ev.push_back(Moved(1, kBilling, 920));
  ev.push_back(OfferTimedOut(1, 11, 950));
  ev.push_back(Connected(1, 960, 70));
  KpiFold fold = Fold(ev, 1000);
  EXPECT_EQ(fold.Queue(QueueId(kSupport)).rona, 2);
  EXPECT_EQ(fold.Queue(QueueId(kBilling)).rona, 0);
  std::vector<IntervalRow> rows = fold.Intervals();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].start, At(0));
  EXPECT_EQ(rows[0].figures.rona, 2);
}

TEST(KpiFoldTest, UnknownInteractionsAreIgnored) {
  KpiFold fold = Fold({Connected(7, 10, 5), Abandoned(8, 10, 5), Completed(9, 10),
                       OfferTimedOut(7, 1, 10), Transferred(7, kBilling, 10)},
                      100);
  Figures f = fold.Total();
  EXPECT_EQ(f.answered + f.abandoned + f.completed + f.rona + f.transferred, 0);
  EXPECT_TRUE(fold.Intervals().empty());
}

// ---- Attribution: intervals, moves, transfers, warm-up ----------------------------------------

TEST(KpiFoldTest, InteractionsBelongToTheIntervalInWhichTheyEntered) {
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 899, 2);  // answered and completed in interval 1
  AddAbandoned(ev, 2, kSupport, 900, 30);
  KpiFold fold = Fold(ev, 2000);
  std::vector<IntervalRow> rows = fold.Intervals();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].start, At(0));
  EXPECT_EQ(rows[0].queue, QueueId(kSupport));
  EXPECT_EQ(rows[0].figures.offered, 1);
  EXPECT_EQ(rows[0].figures.answered, 1);
  EXPECT_EQ(rows[0].figures.completed, 1);
  EXPECT_DOUBLE_EQ(rows[0].figures.talk_s, 60);
  EXPECT_EQ(rows[1].queue, std::nullopt);
  EXPECT_EQ(rows[1].figures.offered, 1);
  EXPECT_EQ(rows[2].start, At(900));
  EXPECT_EQ(rows[2].figures.offered, 1);
  EXPECT_EQ(rows[2].figures.abandoned, 1);
  EXPECT_EQ(rows[2].figures.answered, 0);
  EXPECT_EQ(rows[3].queue, std::nullopt);
}

TEST(KpiFoldTest, MoveKeepsTheEntryQueueIntervalAndThreshold) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 890));
  ev.push_back(Moved(1, kBilling, 900));
  ev.push_back(Connected(1, 905, 15));  // within support's T (20), not billing's (10)
  ev.push_back(WrapupStarted(1, 960));
  ev.push_back(Completed(1, 1000));
  KpiFold fold = Fold(ev, 2000);
  Figures support = fold.Queue(QueueId(kSupport));
  EXPECT_EQ(support.offered, 1);
  EXPECT_EQ(support.answered_within_t, 1);
  EXPECT_EQ(support.completed, 1);
  Figures billing = fold.Queue(QueueId(kBilling));
  EXPECT_EQ(billing.offered + billing.answered + billing.completed, 0);
  std::vector<IntervalRow> rows = fold.Intervals();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].start, At(0));
  EXPECT_EQ(rows[0].queue, QueueId(kSupport));
  EXPECT_EQ(rows[1].queue, std::nullopt);
}

TEST(KpiFoldTest, MovedInteractionThatAbandonsUsesTheEntryQueuesShortAbandonThreshold) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 0));
  ev.push_back(Moved(1, kBilling, 1));  // billing has S = 0; support's S = 5 applies
  ev.push_back(Abandoned(1, 3, 3));
  Figures f = Fold(ev, 100).Queue(QueueId(kSupport));
  EXPECT_EQ(f.abandoned, 1);
  EXPECT_EQ(f.short_abandoned, 1);
}

// ---- The center changing while events flow ---------------------------------------------------

TEST(KpiFoldTest, ReconfigureAddsRowsForAppendedQueuesAndKeepsWhatWasFolded) {
  KpiFold fold(TwoQueues(), Settings());
  std::vector<Event> before;
  AddAnswered(before, 1, kSupport, 10, 5);
  AddAbandoned(before, 2, kBilling, 20, 8);
  before.push_back(Queued(3, kBilling, 30));  // still waiting at the change
  for (const Event& e : before) fold.Apply(e);
  core::CenterDefinition next = TwoQueues();
  core::Queue sales;
  sales.id = "sales";
  sales.sl_threshold = Seconds(30);
  sales.plan = {core::Step{}};
  next.queues.push_back(sales);
  fold.Reconfigure(next);
  std::vector<Event> after;
  after.push_back(Connected(3, 40, 10));  // billing, entered before the change
  AddAnswered(after, 4, 2, 1000, 25);     // sales, next interval
  for (const Event& e : after) fold.Apply(e);
  fold.Finish(At(2000));

  EXPECT_EQ(fold.Queue(QueueId(kSupport)).answered, 1);
  Figures billing = fold.Queue(QueueId(kBilling));
  EXPECT_EQ(billing.offered, 2);
  EXPECT_EQ(billing.abandoned, 1);
  EXPECT_EQ(billing.answered, 1);
  EXPECT_EQ(billing.answered_within_t, 1);  // 10 s <= T 10 s
  Figures sales_figures = fold.Queue(QueueId(2));
  EXPECT_EQ(sales_figures.offered, 1);
  EXPECT_EQ(sales_figures.answered_within_t, 1);  // 25 s <= T 30 s
  EXPECT_EQ(fold.Total().offered, 4);
  std::vector<IntervalRow> rows = fold.Intervals();
  ASSERT_EQ(rows.size(), 5u);  // support, billing, overall; sales, overall
  EXPECT_EQ(rows[1].queue, QueueId(kBilling));
  EXPECT_EQ(rows[1].figures.answered, 1);
  EXPECT_EQ(rows[3].start, At(900));
  EXPECT_EQ(rows[3].queue, QueueId(2));
}

TEST(KpiFoldTest, ReconfiguredThresholdsApplyToAnswersAndAbandonsFoldedAfterTheChange) {
  KpiFold fold(TwoQueues(), Settings());
  std::vector<Event> ev;
  AddAnswered(ev, 1, kSupport, 0, 15);  // within T = 20 s
  ev.push_back(Queued(2, kSupport, 10));
  for (const Event& e : ev) fold.Apply(e);
  core::CenterDefinition next = TwoQueues();
  next.queues[kSupport].sl_threshold = Seconds(10);
  next.queues[kSupport].short_abandon = Seconds(0);
  fold.Reconfigure(next);
  fold.Apply(Connected(2, 25, 15));  // no longer within T
  fold.Apply(Queued(3, kSupport, 30));
  fold.Apply(Abandoned(3, 33, 3));  // no longer short: S = 0
  fold.Finish(At(100));
  Figures f = fold.Queue(QueueId(kSupport));
  EXPECT_EQ(f.answered, 2);
  EXPECT_EQ(f.answered_within_t, 1);
  EXPECT_EQ(f.abandoned, 1);
  EXPECT_EQ(f.short_abandoned, 0);
  EXPECT_EQ(f.abandoned_within_t, 1);  // 3 s <= 10 s
}

TEST(KpiFoldTest, TransferEndsTheFirstQueueAsAnsweredAndTransferredAndStartsANewArrival) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 0));
  ev.push_back(Connected(1, 10, 10));
  ev.push_back(Transferred(1, kBilling, 70));
  ev.push_back(Queued(1, kBilling, 70));  // new age: wait counts from the transfer
  ev.push_back(Connected(1, 75, 5, 1));
  ev.push_back(WrapupStarted(1, 100));
  ev.push_back(Completed(1, 130));
  KpiFold fold = Fold(ev, 900);
  Figures support = fold.Queue(QueueId(kSupport));
  EXPECT_EQ(support.offered, 1);
  EXPECT_EQ(support.answered, 1);
  EXPECT_EQ(support.transferred, 1);
  EXPECT_EQ(support.completed, 0);
  EXPECT_DOUBLE_EQ(support.talk_s, 0);  // the transferred leg is not a completed handle
  EXPECT_DOUBLE_EQ(*support.TransferRate(), 1.0);
  EXPECT_DOUBLE_EQ(*support.IvrRoutingAccuracy(), 0.0);
  Figures billing = fold.Queue(QueueId(kBilling));
  EXPECT_EQ(billing.offered, 1);
  EXPECT_EQ(billing.answered, 1);
  EXPECT_EQ(billing.answered_within_t, 1);
  EXPECT_DOUBLE_EQ(billing.wait_answered_s, 5);
  EXPECT_EQ(billing.transferred, 0);
  EXPECT_EQ(billing.completed, 1);
  EXPECT_DOUBLE_EQ(billing.talk_s, 25);
  EXPECT_DOUBLE_EQ(billing.acw_s, 30);
  EXPECT_DOUBLE_EQ(*billing.IvrRoutingAccuracy(), 1.0);
  Figures total = fold.Total();
  EXPECT_EQ(total.offered, 2);
  EXPECT_DOUBLE_EQ(*total.TransferRate(), 0.5);
  EXPECT_DOUBLE_EQ(*total.IvrRoutingAccuracy(), 0.5);
}

TEST(KpiFoldTest, TransferredInteractionWaitingAtFinishIsStillWaitingInTheTargetQueue) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 0));
  ev.push_back(Connected(1, 10, 10));
  ev.push_back(Transferred(1, kBilling, 70));
  ev.push_back(Queued(1, kBilling, 70));
  KpiFold fold = Fold(ev, 100);
  EXPECT_EQ(fold.Queue(QueueId(kSupport)).still_waiting, 0);
  EXPECT_EQ(fold.Queue(QueueId(kBilling)).still_waiting, 1);
}

TEST(KpiFoldTest, InteractionsThatEnteredBeforeCountFromAreIgnoredWithAllTheirEvents) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 50));
  ev.push_back(OfferTimedOut(1, 1, 70));
  ev.push_back(Connected(1, 120, 70));
  ev.push_back(WrapupStarted(1, 150));
  ev.push_back(Completed(1, 180));
  ev.push_back(Queued(2, kSupport, 99.999999));
  ev.push_back(Abandoned(2, 130, 30));
  ev.push_back(Queued(3, kSupport, 90));  // still waiting at Finish, yet not counted
  ev.push_back(Rejected(4, kSupport, 99));
  ev.push_back(Queued(5, kSupport, 100));  // exactly count_from: counted
  ev.push_back(Connected(5, 110, 10));
  ev.push_back(Rejected(6, kSupport, 100));
  Figures f = Fold(ev, 200, Settings(900, 0, 100)).Total();
  EXPECT_EQ(f.offered, 1);
  EXPECT_EQ(f.answered, 1);
  EXPECT_EQ(f.abandoned, 0);
  EXPECT_EQ(f.completed, 0);
  EXPECT_EQ(f.rona, 0);
  EXPECT_EQ(f.still_waiting, 0);
  EXPECT_EQ(f.rejected, 1);
  EXPECT_DOUBLE_EQ(f.wait_answered_s, 10);
}

// Interpretation: a transfer is a new arrival in the target queue (KPI.md, routing.md), so a
// transfer after count_from counts there even when the first leg entered during the warm-up.
TEST(KpiFoldTest, TransferAfterCountFromIsCountedInTheTargetQueue) {
  std::vector<Event> ev;
  ev.push_back(Queued(1, kSupport, 50));
  ev.push_back(Connected(1, 60, 10));
  ev.push_back(Transferred(1, kBilling, 120));
  ev.push_back(Queued(1, kBilling, 120));
  ev.push_back(Connected(1, 125, 5));
  KpiFold fold = Fold(ev, 200, Settings(900, 0, 100));
  Figures support = fold.Queue(QueueId(kSupport));
  EXPECT_EQ(support.offered + support.answered + support.transferred, 0);
  Figures billing = fold.Queue(QueueId(kBilling));
  EXPECT_EQ(billing.offered, 1);
  EXPECT_EQ(billing.answered, 1);
}

TEST(KpiFoldTest, AgentTimeBeforeCountFromIsNotCounted) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kReady, 0));
  ev.push_back(RoutingChanged(0, RoutingState::kBusy, 150));
  Figures f = Fold(ev, 200, Settings(900, 0, 100)).Total();
  EXPECT_DOUBLE_EQ(f.agent_idle_s, 50);
  EXPECT_DOUBLE_EQ(f.agent_busy_s, 50);
  EXPECT_DOUBLE_EQ(f.agent_logged_in_s, 100);
}

TEST(KpiFoldTest, IntervalBoundariesFollowTheOrigin) {
  std::vector<Event> ev;
  AddAbandoned(ev, 1, kSupport, 700, 10);
  AddAbandoned(ev, 2, kSupport, 4199, 10);
  AddAbandoned(ev, 3, kSupport, 4200, 10);
  std::vector<IntervalRow> rows = Fold(ev, 5000, Settings(3600, 600, 600)).Intervals();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].start, At(600));
  EXPECT_EQ(rows[0].figures.offered, 2);
  EXPECT_EQ(rows[2].start, At(4200));
  EXPECT_EQ(rows[2].figures.offered, 1);
}

TEST(KpiFoldTest, IntervalsListQueueRowsThenTheOverallRowAndSkipEmptyIntervals) {
  std::vector<Event> ev;
  AddAbandoned(ev, 1, kSupport, 10, 10);
  AddAbandoned(ev, 2, kBilling, 20, 10);
  AddAbandoned(ev, 3, kBilling, 1900, 10);  // interval 2; interval 1 is empty
  std::vector<IntervalRow> rows = Fold(ev, 2000).Intervals();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].start, At(0));
  EXPECT_EQ(rows[0].queue, QueueId(kSupport));
  EXPECT_EQ(rows[1].start, At(0));
  EXPECT_EQ(rows[1].queue, QueueId(kBilling));
  EXPECT_EQ(rows[2].start, At(0));
  EXPECT_EQ(rows[2].queue, std::nullopt);
  EXPECT_EQ(rows[2].figures.offered, 2);
  EXPECT_EQ(rows[2].figures.abandoned, 2);
  EXPECT_EQ(rows[3].start, At(1800));
  EXPECT_EQ(rows[3].queue, QueueId(kBilling));
  EXPECT_EQ(rows[4].start, At(1800));
  EXPECT_EQ(rows[4].queue, std::nullopt);
}

TEST(KpiFoldTest, TotalIsTheSumOfQueuesPlusAgentTime) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kReady, 0));
  AddAnswered(ev, 1, kSupport, 0, 10);
  AddAbandoned(ev, 2, kBilling, 1000, 30);
  ev.push_back(Rejected(3, kBilling, 1000));
  KpiFold fold = Fold(ev, 2000);
  Figures sum = fold.Queue(QueueId(kSupport));
  sum += fold.Queue(QueueId(kBilling));
  Figures total = fold.Total();
  EXPECT_EQ(total.offered, sum.offered);
  EXPECT_EQ(total.answered, sum.answered);
  EXPECT_EQ(total.abandoned, sum.abandoned);
  EXPECT_EQ(total.rejected, sum.rejected);
  EXPECT_DOUBLE_EQ(total.talk_s, sum.talk_s);
  EXPECT_DOUBLE_EQ(total.agent_logged_in_s, 2000);
  EXPECT_DOUBLE_EQ(sum.agent_logged_in_s, 0);
  Figures from_rows;
  for (const IntervalRow& row : fold.Intervals()) {
    if (!row.queue) from_rows += row.figures;
  }
  EXPECT_EQ(from_rows.offered, total.offered);
  EXPECT_DOUBLE_EQ(from_rows.agent_logged_in_s, total.agent_logged_in_s);
}

// ---- Agent time -------------------------------------------------------------------------------

TEST(KpiFoldTest, AgentTimeIsSplitAcrossIntervalBoundaries) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kReady, 800));
  ev.push_back(RoutingChanged(0, RoutingState::kBusy, 850));
  ev.push_back(RoutingChanged(0, RoutingState::kWrapup, 1000));
  ev.push_back(RoutingChanged(0, RoutingState::kIdle, 1030));
  std::vector<IntervalRow> rows = Fold(ev, 1100).Intervals();
  ASSERT_EQ(rows.size(), 2u);  // overall rows only: no interaction traffic
  const Figures& first = rows[0].figures;
  EXPECT_EQ(rows[0].queue, std::nullopt);
  EXPECT_DOUBLE_EQ(first.agent_idle_s, 50);
  EXPECT_DOUBLE_EQ(first.agent_busy_s, 50);
  EXPECT_DOUBLE_EQ(first.agent_logged_in_s, 100);
  EXPECT_DOUBLE_EQ(*first.Occupancy(), 0.5);
  const Figures& second = rows[1].figures;
  EXPECT_EQ(rows[1].start, At(900));
  EXPECT_DOUBLE_EQ(second.agent_busy_s, 100);
  EXPECT_DOUBLE_EQ(second.agent_wrapup_s, 30);
  EXPECT_DOUBLE_EQ(second.agent_idle_s, 70);
  EXPECT_DOUBLE_EQ(second.agent_logged_in_s, 200);
  EXPECT_DOUBLE_EQ(*second.Occupancy(), 130.0 / 200.0);
}

TEST(KpiFoldTest, SpanCoveringSeveralIntervalsIsSplitIntoEach) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kNotReady, 100));
  std::vector<IntervalRow> rows = Fold(ev, 3000).Intervals();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_DOUBLE_EQ(rows[0].figures.agent_not_ready_s, 800);
  EXPECT_DOUBLE_EQ(rows[1].figures.agent_not_ready_s, 900);
  EXPECT_DOUBLE_EQ(rows[2].figures.agent_not_ready_s, 900);
  EXPECT_DOUBLE_EQ(rows[3].figures.agent_not_ready_s, 300);
  EXPECT_EQ(rows[3].start, At(2700));
}

TEST(KpiFoldTest, NotReadyAgentFinishingWorkCountsAsBusyAndWrapup) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kReady, 0));
  ev.push_back(RoutingChanged(0, RoutingState::kBusy, 10));
  ev.push_back(PresenceChanged(0, Presence::kNotReady, 20));
  ev.push_back(RoutingChanged(0, RoutingState::kWrapup, 50));
  ev.push_back(RoutingChanged(0, RoutingState::kIdle, 80));
  Figures f = Fold(ev, 100).Total();
  EXPECT_DOUBLE_EQ(f.agent_idle_s, 10);
  EXPECT_DOUBLE_EQ(f.agent_busy_s, 40);
  EXPECT_DOUBLE_EQ(f.agent_wrapup_s, 30);
  EXPECT_DOUBLE_EQ(f.agent_not_ready_s, 20);
  EXPECT_DOUBLE_EQ(f.agent_logged_in_s, 100);
  EXPECT_DOUBLE_EQ(*f.Occupancy(), 70.0 / 80.0);
  EXPECT_DOUBLE_EQ(*f.Utilization(), 0.7);
}

TEST(KpiFoldTest, OfferedCountsAsBusyAndBackoffAsIdle) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kReady, 0));
  ev.push_back(RoutingChanged(0, RoutingState::kOffered, 10));
  ev.push_back(RoutingChanged(0, RoutingState::kBackoff, 30));
  ev.push_back(RoutingChanged(0, RoutingState::kIdle, 35));
  Figures f = Fold(ev, 50).Total();
  EXPECT_DOUBLE_EQ(f.agent_busy_s, 20);
  EXPECT_DOUBLE_EQ(f.agent_idle_s, 30);
  EXPECT_DOUBLE_EQ(f.agent_not_ready_s, 0);
}

TEST(KpiFoldTest, BackoffOfANotReadyAgentIsNotReady) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kNotReady, 0));
  ev.push_back(RoutingChanged(0, RoutingState::kBackoff, 10));
  Figures f = Fold(ev, 50).Total();
  EXPECT_DOUBLE_EQ(f.agent_not_ready_s, 50);
  EXPECT_DOUBLE_EQ(f.agent_idle_s, 0);
}

TEST(KpiFoldTest, LoggedOutTimeIsNotCountedAndLoginStartsIdle) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kReady, 0));
  ev.push_back(RoutingChanged(0, RoutingState::kOffered, 30));
  ev.push_back(PresenceChanged(0, Presence::kLoggedOut, 40));
  ev.push_back(Make(EventType::kAgentLoggedOut, 40));
  ev.back().agent = AgentId(0);
  ev.push_back(PresenceChanged(0, Presence::kReady, 100));  // no routing event: idle
  ev.push_back(PresenceChanged(1, Presence::kNotReady, 120));
  Figures f = Fold(ev, 150).Total();
  EXPECT_DOUBLE_EQ(f.agent_logged_in_s, 40 + 50 + 30);
  EXPECT_DOUBLE_EQ(f.agent_busy_s, 10);
  EXPECT_DOUBLE_EQ(f.agent_idle_s, 30 + 50);
  EXPECT_DOUBLE_EQ(f.agent_not_ready_s, 30);
}

TEST(KpiFoldTest, AgentTimeAppearsOnlyInOverallRows) {
  std::vector<Event> ev;
  ev.push_back(PresenceChanged(0, Presence::kReady, 0));
  AddAnswered(ev, 1, kSupport, 0, 0);
  KpiFold fold = Fold(ev, 500);
  EXPECT_DOUBLE_EQ(fold.Queue(QueueId(kSupport)).agent_logged_in_s, 0);
  std::vector<IntervalRow> rows = fold.Intervals();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].figures.agent_logged_in_s, 0);
  EXPECT_DOUBLE_EQ(rows[1].figures.agent_logged_in_s, 500);
}

TEST(KpiFoldTest, FinishClosesOpenAgentSpansAtTheEnd) {
  KpiFold fold(TwoQueues(), Settings());
  fold.Apply(PresenceChanged(0, Presence::kReady, 0));
  fold.Apply(RoutingChanged(0, RoutingState::kBusy, 10));
  EXPECT_DOUBLE_EQ(fold.Total().agent_logged_in_s, 10);  // before Finish: closed spans only
  fold.Finish(At(25));
  Figures f = fold.Total();
  EXPECT_DOUBLE_EQ(f.agent_busy_s, 15);
  EXPECT_DOUBLE_EQ(f.agent_logged_in_s, 25);
}

TEST(KpiFoldTest, AFoldCanBeMoved) {
  KpiFold fold(TwoQueues(), Settings());
  fold.Apply(Queued(1, kSupport, 0));
  KpiFold moved = std::move(fold);
  moved.Apply(Connected(1, 5, 5));
  moved.Finish(At(10));
  EXPECT_EQ(moved.Total().answered, 1);
}

TEST(KpiFoldTest, ManyLiveInteractionsSurviveTableGrowthAndDeletes) {
  KpiFold fold(TwoQueues(), Settings(60));
  constexpr int kCount = 20000;
  for (int i = 0; i < kCount; ++i) fold.Apply(Queued(1000 + i, i % 2, i * 0.01));
  for (int i = 0; i < kCount; i += 2) fold.Apply(Connected(1000 + i, 300, 1));
  for (int i = 1; i < kCount; i += 4) fold.Apply(Abandoned(1000 + i, 300, 1));
  fold.Finish(At(400));
  Figures f = fold.Total();
  EXPECT_EQ(f.offered, kCount);
  EXPECT_EQ(f.answered, kCount / 2);
  EXPECT_EQ(f.abandoned, kCount / 4);
  EXPECT_EQ(f.still_waiting, kCount / 4);
}

// ---- Figures ----------------------------------------------------------------------------------

TEST(FiguresTest, PlusEqualsAddsEveryField) {
  Figures a;
  a.offered = 1;
  a.answered = 2;
  a.abandoned = 3;
  a.short_abandoned = 4;
  a.answered_within_t = 5;
  a.abandoned_within_t = 6;
  a.waited = 7;
  a.still_waiting = 8;
  a.timed_out = 9;
  a.exited = 10;
  a.rejected = 11;
  a.transferred = 12;
  a.completed = 13;
  a.rona = 14;
  a.wait_answered_s = 15;
  a.wait_abandoned_s = 16;
  a.talk_s = 17;
  a.hold_s = 18;
  a.acw_s = 19;
  a.agent_busy_s = 20;
  a.agent_wrapup_s = 21;
  a.agent_idle_s = 22;
  a.agent_not_ready_s = 23;
  a.agent_logged_in_s = 24;
  Figures b = a;
  b += a;
  EXPECT_EQ(b.offered, 2);
  EXPECT_EQ(b.answered, 4);
  EXPECT_EQ(b.abandoned, 6);
  EXPECT_EQ(b.short_abandoned, 8);
  EXPECT_EQ(b.answered_within_t, 10);
  EXPECT_EQ(b.abandoned_within_t, 12);
  EXPECT_EQ(b.waited, 14);
  EXPECT_EQ(b.still_waiting, 16);
  EXPECT_EQ(b.timed_out, 18);
  EXPECT_EQ(b.exited, 20);
  EXPECT_EQ(b.rejected, 22);
  EXPECT_EQ(b.transferred, 24);
  EXPECT_EQ(b.completed, 26);
  EXPECT_EQ(b.rona, 28);
  EXPECT_DOUBLE_EQ(b.wait_answered_s, 30);
  EXPECT_DOUBLE_EQ(b.wait_abandoned_s, 32);
  EXPECT_DOUBLE_EQ(b.talk_s, 34);
  EXPECT_DOUBLE_EQ(b.hold_s, 36);
  EXPECT_DOUBLE_EQ(b.acw_s, 38);
  EXPECT_DOUBLE_EQ(b.agent_busy_s, 40);
  EXPECT_DOUBLE_EQ(b.agent_wrapup_s, 42);
  EXPECT_DOUBLE_EQ(b.agent_idle_s, 44);
  EXPECT_DOUBLE_EQ(b.agent_not_ready_s, 46);
  EXPECT_DOUBLE_EQ(b.agent_logged_in_s, 48);
}

TEST(FiguresTest, RatiosOfAddedRowsWeighByVolume) {
  Figures a;
  a.offered = a.answered = 10;
  a.answered_within_t = 10;
  Figures b;
  b.offered = b.answered = 30;
  b.answered_within_t = 0;
  a += b;
  EXPECT_DOUBLE_EQ(*a.ServiceLevel(), 0.25);  // not the mean of 1.0 and 0.0
}

TEST(FiguresTest, EveryRatioIsNulloptWhenItsDenominatorIsZero) {
  Figures f;
  EXPECT_EQ(f.ServiceLevel(), std::nullopt);
  EXPECT_EQ(f.ServiceLevelAnsweredOnly(), std::nullopt);
  EXPECT_EQ(f.ServiceLevelWithAbandons(), std::nullopt);
  EXPECT_EQ(f.PWait(), std::nullopt);
  EXPECT_EQ(f.AsaS(), std::nullopt);
  EXPECT_EQ(f.AverageWaitToAbandonS(), std::nullopt);
  EXPECT_EQ(f.AbandonRate(), std::nullopt);
  EXPECT_EQ(f.AhtS(), std::nullopt);
  EXPECT_EQ(f.AcwS(), std::nullopt);
  EXPECT_EQ(f.Occupancy(), std::nullopt);
  EXPECT_EQ(f.Utilization(), std::nullopt);
  EXPECT_EQ(f.TransferRate(), std::nullopt);
  EXPECT_EQ(f.IvrRoutingAccuracy(), std::nullopt);
}

TEST(FiguresTest, DenominatorsThatCancelOutGiveNullopt) {
  Figures f;
  f.offered = 3;
  f.abandoned = 2;
  f.short_abandoned = 2;
  f.still_waiting = 1;
  EXPECT_EQ(f.ServiceLevel(), std::nullopt);
  EXPECT_EQ(f.AbandonRate(), std::nullopt);
  Figures idle_only;
  idle_only.agent_not_ready_s = 60;
  idle_only.agent_logged_in_s = 60;
  EXPECT_EQ(idle_only.Occupancy(), std::nullopt);
  EXPECT_DOUBLE_EQ(*idle_only.Utilization(), 0.0);
}

TEST(FiguresTest, AhtIncludesHold) {
  Figures f;
  f.completed = 2;
  f.talk_s = 100;
  f.hold_s = 20;
  f.acw_s = 40;
  EXPECT_DOUBLE_EQ(*f.AhtS(), 80);
  EXPECT_DOUBLE_EQ(*f.AcwS(), 20);
}

// ---- FCR, surveys, IVR, adherence -------------------------------------------------------------

constexpr double kDay = 86400;

ContactRecord Contact(uint64_t customer, uint32_t queue, double created, bool completed = true,
                      double completed_at = -1) {
  ContactRecord c;
  c.customer = customer;
  c.queue = QueueId(queue);
  c.created = At(created);
  c.completed = completed;
  c.completed_at = At(completed_at < 0 ? created + 100 : completed_at);
  return c;
}

TEST(FcrTest, NewContactExactlyAtTheWindowEdgeIsARepeat) {
  std::vector<ContactRecord> contacts = {Contact(1, 0, 0), Contact(1, 0, 100 + 7 * kDay)};
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 0.5);
}

TEST(FcrTest, NewContactJustAfterTheWindowLeavesTheFirstResolved) {
  std::vector<ContactRecord> contacts = {Contact(1, 0, 0),
                                         Contact(1, 0, 100 + 7 * kDay + 0.000001)};
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 1.0);
}

TEST(FcrTest, TheWindowIsAParameter) {
  std::vector<ContactRecord> contacts = {Contact(1, 0, 0), Contact(1, 0, 3 * kDay)};
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 0.5);
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts, Seconds(kDay)), 1.0);
}

TEST(FcrTest, OnlyTheSameCustomerOnTheSameQueueCounts) {
  std::vector<ContactRecord> contacts = {Contact(1, 0, 0), Contact(1, 1, 1000),
                                         Contact(2, 0, 1000)};
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 1.0);
}

TEST(FcrTest, ContactsCreatedBeforeTheCompletionAreNotRepeats) {
  // The second contact arrives while the first is still being handled.
  std::vector<ContactRecord> contacts = {Contact(1, 0, 0, true, 500), Contact(1, 0, 200)};
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 1.0);
}

TEST(FcrTest, UncompletedContactsAreRepeatsButNotInTheDenominator) {
  std::vector<ContactRecord> contacts = {Contact(1, 0, 0), Contact(1, 0, 1000, false),
                                         Contact(2, 0, 0)};
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 0.5);
}

TEST(FcrTest, InputOrderDoesNotMatter) {
  std::vector<ContactRecord> contacts = {Contact(1, 0, 2 * kDay), Contact(2, 0, 0),
                                         Contact(1, 0, 0), Contact(1, 0, 9 * kDay + 99)};
  // Customer 1: the contact at 0 is repeated at 2 d; the one at 2 d (completed 2 d + 100 s) is
  // repeated at 9 d + 99 s; the last is resolved. Customer 2 is resolved.
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 2.0 / 4.0);
  std::swap(contacts[0], contacts[3]);
  EXPECT_DOUBLE_EQ(*FirstContactResolution(contacts), 2.0 / 4.0);
}

TEST(FcrTest, NoCompletedContactsGiveNullopt) {
  EXPECT_EQ(FirstContactResolution({}), std::nullopt);
  EXPECT_EQ(FirstContactResolution({Contact(1, 0, 0, false)}), std::nullopt);
}

TEST(SurveyTest, CsatIsTheShareOfFourAndFiveOnOneToFive) {
  EXPECT_DOUBLE_EQ(*Csat({5, 4, 3, 1}), 0.5);
  EXPECT_DOUBLE_EQ(*Csat({5, 4, 3, 1, 0, 6, -1}), 0.5);  // outside 1-5 ignored
  EXPECT_DOUBLE_EQ(*Csat({2}), 0.0);
  EXPECT_EQ(Csat({}), std::nullopt);
  EXPECT_EQ(Csat({0, 6}), std::nullopt);
}

TEST(SurveyTest, NpsIsPromotersMinusDetractorsInPercentOnZeroToTen) {
  EXPECT_DOUBLE_EQ(*Nps({10, 9, 8, 7, 6, 0}), 0.0);
  EXPECT_DOUBLE_EQ(*Nps({10, 10}), 100.0);
  EXPECT_DOUBLE_EQ(*Nps({0, 6}), -100.0);
  EXPECT_DOUBLE_EQ(*Nps({9, 9, 9, 7, 0}), 40.0);
  EXPECT_DOUBLE_EQ(*Nps({9, 11, -1}), 100.0);  // outside 0-10 ignored
  EXPECT_DOUBLE_EQ(*Nps({7, 8}), 0.0);         // passives only
  EXPECT_EQ(Nps({}), std::nullopt);
  EXPECT_EQ(Nps({11}), std::nullopt);
}

TEST(SurveyTest, CesIsTheMeanOnOneToSeven) {
  EXPECT_DOUBLE_EQ(*Ces({1, 7, 4}), 4.0);
  EXPECT_DOUBLE_EQ(*Ces({1, 7, 4, 8, 0}), 4.0);  // outside 1-7 ignored
  EXPECT_DOUBLE_EQ(*Ces({2, 3}), 2.5);
  EXPECT_EQ(Ces({}), std::nullopt);
  EXPECT_EQ(Ces({9}), std::nullopt);
}

TEST(IvrTest, ContainmentIsContainedWithSuccessOverEnteredFlow) {
  EXPECT_DOUBLE_EQ(*IvrContainment(200, 50), 0.25);
  EXPECT_DOUBLE_EQ(*IvrContainment(10, 0), 0.0);
  EXPECT_EQ(IvrContainment(0, 0), std::nullopt);
}

constexpr double kMin = 60;

ScheduledSpan Scheduled(double from_min, double to_min, bool on_phone) {
  return ScheduledSpan{At(from_min * kMin), At(to_min * kMin), on_phone};
}

StateSpan Actual(double from_min, double to_min, bool on_phone) {
  return StateSpan{At(from_min * kMin), At(to_min * kMin), on_phone};
}

TEST(AdherenceTest, MatchedMinutesOverScheduledMinutes) {
  // 9:00-12:00 on, 12:00-13:00 break, 13:00-17:00 on (480 minutes scheduled).
  std::vector<ScheduledSpan> schedule = {Scheduled(540, 720, true), Scheduled(720, 780, false),
                                         Scheduled(780, 1020, true)};
  // On the phone 9:05-12:10 (late in, late to lunch), back at 13:00, gone at 16:30.
  std::vector<StateSpan> actual = {Actual(545, 730, true), Actual(730, 780, false),
                                   Actual(780, 990, true)};
  // on 175 + break 50 + on 210 = 435.
  EXPECT_DOUBLE_EQ(*Adherence(schedule, actual), 435.0 / 480.0);
}

TEST(AdherenceTest, OverlappingActualSpansAreNotCountedTwice) {
  std::vector<ScheduledSpan> schedule = {Scheduled(0, 60, true)};
  std::vector<StateSpan> actual = {Actual(0, 40, true), Actual(10, 30, true), Actual(20, 45, true)};
  EXPECT_DOUBLE_EQ(*Adherence(schedule, actual), 45.0 / 60.0);
}

TEST(AdherenceTest, SpansOverlappingTheScheduleEdgesCountOnlyInside) {
  std::vector<ScheduledSpan> schedule = {Scheduled(60, 120, true)};
  std::vector<StateSpan> actual = {Actual(0, 70, true), Actual(110, 200, true)};
  EXPECT_DOUBLE_EQ(*Adherence(schedule, actual), 20.0 / 60.0);
}

TEST(AdherenceTest, TimeWithoutAnyStateRecordIsOffThePhone) {
  EXPECT_DOUBLE_EQ(*Adherence({Scheduled(0, 60, false)}, {}), 1.0);
  EXPECT_DOUBLE_EQ(*Adherence({Scheduled(0, 60, true)}, {}), 0.0);
  EXPECT_DOUBLE_EQ(*Adherence({Scheduled(0, 60, true)}, {Actual(0, 60, false)}), 0.0);
}

TEST(AdherenceTest, WorkingThroughABreakIsNotAdherent) {
  std::vector<ScheduledSpan> schedule = {Scheduled(0, 30, true), Scheduled(30, 60, false)};
  std::vector<StateSpan> actual = {Actual(0, 60, true)};
  EXPECT_DOUBLE_EQ(*Adherence(schedule, actual), 0.5);
}

TEST(AdherenceTest, NoScheduledTimeGivesNullopt) {
  EXPECT_EQ(Adherence({}, {Actual(0, 60, true)}), std::nullopt);
  EXPECT_EQ(Adherence({Scheduled(10, 10, true)}, {}), std::nullopt);
}

// ---- Against the engine's own events ----------------------------------------------------------

class KpiEngineTest : public ::testing::Test {
 protected:
  KpiEngineTest() : engine_(Center()), fold_(Center(), Settings()) {}

  static core::CenterDefinition Center() {
    core::CenterDefinition c = TwoQueues();
    c.settings.wrapup = core::WrapupPolicy{core::WrapupMode::kTimed, Seconds(30)};
    c.agents.resize(1);
    return c;
  }

  void Drain() {
    for (const Event& e : engine_.output().events) fold_.Apply(e);
    engine_.ClearOutput();
  }

  core::Engine engine_;
  KpiFold fold_;
};

TEST_F(KpiEngineTest, EngineEventsFoldIntoTheExpectedFigures) {
  ASSERT_TRUE(engine_.SetPresence(AgentId(0), Presence::kReady, "", At(0)).ok());
  Drain();
  core::InteractionSpec spec;
  spec.queue = QueueId(kSupport);
  auto first = engine_.CreateInteraction(spec, At(10));  // offered to a0 at once
  ASSERT_TRUE(first.ok());
  auto offers = engine_.OffersOf(AgentId(0));
  ASSERT_EQ(offers.size(), 1u);
  Drain();
  auto second = engine_.CreateInteraction(spec, At(12));  // waits
  ASSERT_TRUE(second.ok());
  Drain();
  ASSERT_TRUE(engine_.AcceptOffer(offers[0].id, At(15)).ok());
  Drain();
  ASSERT_TRUE(engine_.CancelInteraction(*second, core::CancelReason::kAbandoned, At(22)).ok());
  Drain();
  ASSERT_TRUE(engine_.EndInteraction(*first, At(75)).ok());
  Drain();
  engine_.AdvanceTo(At(105));  // timed wrap-up ends
  Drain();
  fold_.Finish(At(200));
  Figures f = fold_.Total();
  EXPECT_EQ(f.offered, 2);
  EXPECT_EQ(f.answered, 1);
  EXPECT_EQ(f.answered_within_t, 1);
  EXPECT_DOUBLE_EQ(f.wait_answered_s, 5);
  EXPECT_EQ(f.abandoned, 1);
  EXPECT_EQ(f.short_abandoned, 0);
  EXPECT_DOUBLE_EQ(f.wait_abandoned_s, 10);
  EXPECT_EQ(f.completed, 1);
  EXPECT_DOUBLE_EQ(f.talk_s, 60);
  EXPECT_DOUBLE_EQ(f.acw_s, 30);
  EXPECT_EQ(f.still_waiting, 0);
  EXPECT_DOUBLE_EQ(f.agent_logged_in_s, 200);
  EXPECT_DOUBLE_EQ(f.agent_busy_s, 65);  // offered 10-15, busy 15-75
  EXPECT_DOUBLE_EQ(f.agent_wrapup_s, 30);
  EXPECT_DOUBLE_EQ(f.agent_idle_s, 105);
}

TEST_F(KpiEngineTest, EngineTransferCountsInBothQueues) {
  ASSERT_TRUE(engine_.SetPresence(AgentId(0), Presence::kReady, "", At(0)).ok());
  core::InteractionSpec spec;
  spec.queue = QueueId(kSupport);
  auto id = engine_.CreateInteraction(spec, At(10));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(engine_.AcceptOffer(engine_.OffersOf(AgentId(0))[0].id, At(12)).ok());
  ASSERT_TRUE(engine_.TransferInteraction(*id, QueueId(kBilling), At(50)).ok());
  Drain();
  fold_.Finish(At(60));  // the agent, excluded, never takes it back: still waiting in billing
  Figures support = fold_.Queue(QueueId(kSupport));
  EXPECT_EQ(support.offered, 1);
  EXPECT_EQ(support.answered, 1);
  EXPECT_EQ(support.transferred, 1);
  Figures billing = fold_.Queue(QueueId(kBilling));
  EXPECT_EQ(billing.offered, 1);
  EXPECT_EQ(billing.still_waiting, 1);
  EXPECT_DOUBLE_EQ(fold_.Total().agent_wrapup_s, 10);
}

// A random day driven through the engine (moves, transfers, max waits, rejects, abandons,
// presence changes): whatever happens, every counted interaction ends up in exactly one outcome
// and every logged-in second in exactly one agent bucket.
Figures CheckRandomDay(uint64_t seed) {
  core::CenterDefinition c = TwoQueues();
  c.settings.wrapup = core::WrapupPolicy{core::WrapupMode::kTimed, Seconds(20)};
  c.settings.offer_timeout = Seconds(15);
  c.agents.resize(4, c.agents[0]);
  for (size_t i = 0; i < c.agents.size(); ++i) c.agents[i].id = "a" + std::to_string(i);
  c.queues[kSupport].admission.max_wait = Seconds(400);
  core::ExceptionRule move;
  move.trigger = core::ExceptionTrigger::kWaitAtLeast;
  move.threshold = Seconds(90);
  move.action = core::ExceptionAction::kMoveToQueue;
  move.queue = QueueId(kBilling);
  c.queues[kSupport].exceptions = {move};
  c.queues[kBilling].admission.max_length = 3;
  c.queues[kBilling].admission.max_wait = Seconds(300);
  core::Engine engine(c);
  KpiFold fold(c, Settings(600, 0, 300));
  Random rng(seed);
  Instant now = At(0);
  const Instant end = At(4 * 3600);
  while (now < end) {
    now += Seconds(1 + static_cast<double>(rng.Below(20)));
    engine.AdvanceTo(now);
    RandomDayStep(engine, rng, now, c.agents.size());
    for (const Event& e : engine.output().events) fold.Apply(e);
    engine.ClearOutput();
  }
  fold.Finish(end);

  int64_t live_assigned = 0;
  for (InteractionId id : engine.LiveInteractions()) {
    auto view = engine.interaction(id);
    if (view->state == core::InteractionState::kAssigned ||
        view->state == core::InteractionState::kWrapping) {
      ++live_assigned;
    }
  }
  Figures total = fold.Total();
  EXPECT_EQ(total.offered, total.answered + total.abandoned + total.timed_out + total.exited +
                               total.still_waiting);
  // Answered ones end completed or transferred, or are still being handled (some of those may
  // have entered during the warm-up, hence <=).
  EXPECT_LE(total.answered - total.completed - total.transferred, live_assigned);
  EXPECT_GE(total.answered - total.completed - total.transferred, 0);
  for (uint32_t q : {kSupport, kBilling}) {
    Figures f = fold.Queue(QueueId(q));
    EXPECT_EQ(f.offered, f.answered + f.abandoned + f.timed_out + f.exited + f.still_waiting);
    EXPECT_LE(f.answered_within_t, f.answered);
    EXPECT_LE(f.short_abandoned, f.abandoned);
  }
  EXPECT_GT(total.agent_logged_in_s, 0);
  EXPECT_NEAR(
      total.agent_logged_in_s,
      total.agent_busy_s + total.agent_wrapup_s + total.agent_idle_s + total.agent_not_ready_s,
      1e-6);
  EXPECT_LE(total.agent_logged_in_s, 4.0 * (4 * 3600 - 300));
  Figures rows;
  for (const IntervalRow& row : fold.Intervals()) {
    if (!row.queue) rows += row.figures;
  }
  EXPECT_EQ(rows.offered, total.offered);
  EXPECT_NEAR(rows.agent_logged_in_s, total.agent_logged_in_s, 1e-6);
  return total;
}

TEST(KpiEngineRandomTest, EveryOfferedInteractionHasOneOutcomeAndAgentTimeAddsUp) {
  Figures all;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    all += CheckRandomDay(seed);
  }
  // The days did exercise every path.
  EXPECT_GT(all.offered, 2000);
  EXPECT_GT(all.answered, 500);
  EXPECT_GT(all.abandoned, 0);
  EXPECT_GT(all.short_abandoned, 0);
  EXPECT_GT(all.transferred, 0);
  EXPECT_GT(all.rejected, 0);
  EXPECT_GT(all.timed_out, 0);
  EXPECT_GT(all.still_waiting, 0);
  EXPECT_GT(all.completed, 0);
  EXPECT_GT(all.rona, 0);
}

}  // namespace
}  // namespace hotline::analytics
