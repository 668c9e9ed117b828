// KpiFold::Save / KpiFold::Restore (kpi.h): a fold saved mid-stream and restored folds the rest
// of the events into exactly the rows of a fold never stopped; the format's errors one at a time.
// HOTLINE_SNAPSHOT_MUTATIONS=<n> (default 4000): corrupted blobs for the corruption test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analytics/kpi.h"
#include "analytics/random_day_step.h"
#include "base/random.h"
#include "core/engine.h"
#include "core/snapshot_codec.h"

namespace hotline::analytics {
namespace {

using core::AgentId;
using core::Event;
using core::InteractionId;
using core::Presence;
using core::QueueId;

Instant At(double s) { return Instant{} + Seconds(s); }

KpiSettings Settings() {
  KpiSettings s;
  s.interval = Seconds(600);
  s.origin = At(0);
  s.count_from = At(300);
  return s;
}

core::CenterDefinition Center() {
  core::CenterDefinition c;
  c.name = "kpi";
  c.settings.wrapup = core::WrapupPolicy{core::WrapupMode::kTimed, Seconds(20)};
  c.settings.offer_timeout = Seconds(15);
  for (int i = 0; i < 4; ++i) {
    core::AgentDefinition a;
    a.id = "a" + std::to_string(i);
    a.capacity[static_cast<size_t>(core::Channel::kVoice)] = 1;
    c.agents.push_back(a);
  }
  core::Queue support;
  support.id = "support";
  support.plan = {core::Step{}};
  support.admission.max_wait = Seconds(400);
  core::ExceptionRule move;
  move.trigger = core::ExceptionTrigger::kWaitAtLeast;
  move.threshold = Seconds(90);
  move.action = core::ExceptionAction::kMoveToQueue;
  move.queue = QueueId(1);
  support.exceptions = {move};
  core::Queue billing;
  billing.id = "billing";
  billing.sl_threshold = Seconds(10);
  billing.short_abandon = Seconds(0);
  billing.plan = {core::Step{}};
  billing.admission.max_length = 3;
  billing.admission.max_wait = Seconds(300);
  c.queues = {support, billing};
  return c;
}

// A random four-hour day driven through the engine (arrivals, presence, answers and declines,
// ends, transfers, abandons, moves, max waits): its events, and after each step how many
// interactions were live (a cut there leaves the fold following them).
struct Day {
  std::vector<Event> events;
  std::vector<std::pair<size_t, size_t>> cuts;  // (events so far, live interactions)
  Instant end;
};

Day RandomDay(uint64_t seed) {
  core::CenterDefinition c = Center();
  core::Engine engine(c);
  Random rng(seed);
  Day day;
  Instant now = At(0);
  day.end = At(4 * 3600);
  while (now < day.end) {
    now += Seconds(1 + static_cast<double>(rng.Below(20)));
    engine.AdvanceTo(now);
    RandomDayStep(engine, rng, now, c.agents.size());
    for (const Event& e : engine.output().events) day.events.push_back(e);
    engine.ClearOutput();
    day.cuts.emplace_back(day.events.size(), engine.LiveInteractions().size());
  }
  return day;
}

std::string Describe(const Figures& f) {
  return fmt::format(
      "offered {} answered {} abandoned {} short {} in_t {} ab_in_t {} waited {} still {} "
      "timed_out {} exited {} rejected {} transferred {} completed {} rona {} wait_ans {:.17g} "
      "wait_ab {:.17g} talk {:.17g} hold {:.17g} acw {:.17g} busy {:.17g} wrapup {:.17g} idle "
      "{:.17g} nr {:.17g} in {:.17g}",
      f.offered, f.answered, f.abandoned, f.short_abandoned, f.answered_within_t,
      f.abandoned_within_t, f.waited, f.still_waiting, f.timed_out, f.exited, f.rejected,
      f.transferred, f.completed, f.rona, f.wait_answered_s, f.wait_abandoned_s, f.talk_s, f.hold_s,
      f.acw_s, f.agent_busy_s, f.agent_wrapup_s, f.agent_idle_s, f.agent_not_ready_s,
      f.agent_logged_in_s);
}

// Every figure the fold gives: rows, totals, per queue.
std::string Describe(const KpiFold& fold, size_t queues) {
  std::string s = "total " + Describe(fold.Total()) + "\n";
  for (uint32_t q = 0; q < queues; ++q) {
    s += fmt::format("queue {} {}\n", q, Describe(fold.Queue(QueueId(q))));
  }
  for (const IntervalRow& row : fold.Intervals()) {
    s += fmt::format("{} {} {}\n", ToMicros(row.start),
                     row.queue ? static_cast<int64_t>(row.queue->value()) : -1,
                     Describe(row.figures));
  }
  return s;
}

TEST(KpiSnapshotTest, RestoredMidStreamFoldGivesTheRowsOfAFoldNeverStopped) {
  const core::CenterDefinition center = Center();
  int cuts_with_live = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(seed);
    Day day = RandomDay(seed);
    KpiFold whole(center, Settings());
    for (const Event& e : day.events) whole.Apply(e);
    whole.Finish(day.end);
    const std::string expected = Describe(whole, center.queues.size());
    Random rng(seed);
    for (int k = 0; k < 12; ++k) {
      const auto [cut, live] = day.cuts[rng.Below(day.cuts.size())];
      cuts_with_live += live > 0;
      KpiFold first(center, Settings());
      for (size_t i = 0; i < cut; ++i) first.Apply(day.events[i]);
      const std::string blob = first.Save();
      Result<KpiFold> restored = KpiFold::Restore(center, Settings(), blob);
      ASSERT_TRUE(restored.ok()) << restored.error().message;
      EXPECT_EQ(restored->Save(), blob);
      for (size_t i = cut; i < day.events.size(); ++i) restored->Apply(day.events[i]);
      restored->Finish(day.end);
      ASSERT_EQ(Describe(*restored, center.queues.size()), expected) << "cut at event " << cut;
    }
  }
  EXPECT_GT(cuts_with_live, 20);  // the cuts did leave interactions (and agent spans) open
}

TEST(KpiSnapshotTest, RestoredFoldFollowsAReconfigurationAppliedBeforeTheSave) {
  core::CenterDefinition center = Center();
  Day day = RandomDay(21);
  const size_t half = day.events.size() / 2;
  core::CenterDefinition next = center;
  next.queues[0].sl_threshold = Seconds(5);
  next.queues.push_back(next.queues[1]);
  next.queues.back().id = "extra";
  KpiFold whole(center, Settings());
  KpiFold first(center, Settings());
  for (size_t i = 0; i < half; ++i) {
    whole.Apply(day.events[i]);
    first.Apply(day.events[i]);
  }
  whole.Reconfigure(next);
  first.Reconfigure(next);
  EXPECT_FALSE(KpiFold::Restore(center, Settings(), first.Save()).ok());  // the old center
  Result<KpiFold> restored = KpiFold::Restore(next, Settings(), first.Save());
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  for (size_t i = half; i < day.events.size(); ++i) {
    whole.Apply(day.events[i]);
    restored->Apply(day.events[i]);
  }
  whole.Finish(day.end);
  restored->Finish(day.end);
  EXPECT_EQ(Describe(*restored, next.queues.size()), Describe(whole, next.queues.size()));
}

TEST(KpiSnapshotTest, AFinishedFoldRoundTrips) {
  const core::CenterDefinition center = Center();
  Day day = RandomDay(3);
  KpiFold fold(center, Settings());
  for (const Event& e : day.events) fold.Apply(e);
  fold.Finish(day.end);
  Result<KpiFold> restored = KpiFold::Restore(center, Settings(), fold.Save());
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(Describe(*restored, 2), Describe(fold, 2));
  EXPECT_EQ(restored->Save(), fold.Save());
}

TEST(KpiSnapshotTest, AnEmptyFoldRoundTrips) {
  const core::CenterDefinition center = Center();
  KpiFold fold(center, Settings());
  Result<KpiFold> restored = KpiFold::Restore(center, Settings(), fold.Save());
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_TRUE(restored->Intervals().empty());
  EXPECT_EQ(restored->Save(), fold.Save());
}

Status Restores(const core::CenterDefinition& center, KpiSettings settings, std::string_view blob) {
  Result<KpiFold> r = KpiFold::Restore(center, settings, blob);
  return r.ok() ? Status::Ok() : Status(r.error());
}

std::string MidStreamBlob(uint64_t seed) {
  Day day = RandomDay(seed);
  KpiFold fold(Center(), Settings());
  for (size_t i = 0; i < day.events.size() / 2; ++i) fold.Apply(day.events[i]);
  return fold.Save();
}

TEST(KpiSnapshotTest, OtherSettingsAreInvalidArgumentNamingThem) {
  const std::string blob = MidStreamBlob(4);
  KpiSettings other = Settings();
  other.interval = Seconds(900);
  Status s = Restores(Center(), other, blob);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "settings");
  other = Settings();
  other.count_from = At(0);
  EXPECT_EQ(Restores(Center(), other, blob).error().field, "settings");
  other.interval = Seconds(0);
  EXPECT_EQ(Restores(Center(), other, blob).error().code, ErrorCode::kInvalidArgument);
}

TEST(KpiSnapshotTest, AnotherThresholdIsInvalidArgumentNamingTheCenter) {
  const std::string blob = MidStreamBlob(5);
  core::CenterDefinition other = Center();
  other.queues[1].short_abandon = Seconds(3);
  Status s = Restores(other, Settings(), blob);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "center");
}

TEST(KpiSnapshotTest, AnEngineSnapshotIsNotAKpiFoldSnapshot) {
  core::CenterDefinition center = Center();
  Status s = Restores(center, Settings(), core::Engine(center).SaveState());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

TEST(KpiSnapshotTest, EveryTruncationAndEveryFlippedByteIsDataLoss) {
  const std::string blob = MidStreamBlob(6);
  for (size_t n = 0; n < blob.size(); ++n) {
    Status s = Restores(Center(), Settings(), std::string_view(blob).substr(0, n));
    ASSERT_FALSE(s.ok()) << n;
    ASSERT_EQ(s.error().code, ErrorCode::kDataLoss) << n;
  }
  for (size_t i = core::kSnapshotHeaderBytes; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    Status s = Restores(Center(), Settings(), bad);
    ASSERT_FALSE(s.ok()) << i;
    ASSERT_EQ(s.error().code, ErrorCode::kDataLoss) << i;
  }
}

// Corruption that keeps the checksum right reaches the decoder: an error, or a fold that goes on
// folding and reporting (run under -fsanitize=address,undefined for "never out of bounds").
TEST(KpiSnapshotTest, ResealedCorruptionGivesAnErrorOrAWorkingFold) {
  Day day = RandomDay(7);
  const size_t half = day.events.size() / 2;
  KpiFold fold(Center(), Settings());
  for (size_t i = 0; i < half; ++i) fold.Apply(day.events[i]);
  const std::string blob = fold.Save();
  Random rng(7);
  int folds = 0, errors = 0;
  const char* env = std::getenv("HOTLINE_SNAPSHOT_MUTATIONS");
  const int mutations = env != nullptr && *env != '\0' ? std::atoi(env) : 4000;
  for (int m = 0; m < mutations; ++m) {
    std::string bad = blob;
    size_t at = core::kSnapshotHeaderBytes + rng.Below(bad.size() - core::kSnapshotHeaderBytes);
    if (rng.Below(3) == 0) {
      bad.erase(at, 1 + rng.Below(std::min<size_t>(40, bad.size() - at)));
      uint64_t length = bad.size() - core::kSnapshotHeaderBytes;
      for (int i = 0; i < 8; ++i) bad[16 + i] = static_cast<char>(length >> (8 * i));
    } else {
      for (size_t k = 0; k < 1 + rng.Below(3) && at + k < bad.size(); ++k) {
        bad[at + k] = static_cast<char>(rng.Below(256));
      }
    }
    uint64_t sum = core::Checksum(std::string_view(bad).substr(core::kSnapshotHeaderBytes));
    for (int i = 0; i < 8; ++i) bad[24 + i] = static_cast<char>(sum >> (8 * i));
    Result<KpiFold> r = KpiFold::Restore(Center(), Settings(), bad);
    if (!r.ok()) {
      ++errors;
      continue;
    }
    ++folds;
    if (m % 4 != 0) continue;  // folding the rest is the slow part: a quarter of them
    KpiFold& f = *r;
    if (!f.finished()) {  // a flag flipped to "finished" is a fold Apply may not be called on
      for (size_t i = half; i < day.events.size(); ++i) f.Apply(day.events[i]);
      f.Finish(day.end);
    }
    (void)Describe(f, 2);
  }
  fmt::print("kpi snapshot corruption: {} errors, {} working folds\n", errors, folds);
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace hotline::analytics
