#include "store/log_rules.h"

#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace hotline::store {
namespace {

using testing::EventsBatch;
using testing::MakeCommand;
using testing::MakeEvent;

uint64_t HashOf(std::string_view bytes) {
  ChainHasher hasher;
  hasher.AddString(bytes);
  return hasher.hash();
}

// Stored chains must verify with every later build: these values may never change.
TEST(ChainHasherTest, ValuesAreStableAcrossBuilds) {
  EXPECT_EQ(HashOf(""), 0xf8bb92c91b3f5cc0ull);
  EXPECT_EQ(HashOf("a"), 0xa928bad1eb06e438ull);
  EXPECT_EQ(HashOf("interaction.created"), 0x8aec3a0fa7c15b1bull);
  EXPECT_EQ(
      ChainEvent(0, 1, 1'780'000'000'000'000, "interaction.created", "system", 2, "{\"n\":1}"),
      0x81612d306471e9a2ull);
  EXPECT_EQ(ChainCommand(0x8000000000000001ull, 2, -5, "user:7", "{}", 1, 0xffffffffffffffffull),
            0x321c84c1fe9d3f30ull);
}

TEST(ChainHasherTest, EveryByteOfAStringCounts) {
  const std::string text = "0123456789abcdefghij";  // two whole words and a partial one
  const uint64_t hash = HashOf(text);

  for (size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] ^= 0x01;
    EXPECT_NE(HashOf(changed), hash) << "byte " << i;
  }
  EXPECT_NE(HashOf(text + '\0'), hash);  // a trailing zero byte is not padding
}

TEST(ChainHasherTest, LengthPrefixesKeepFieldBoundaries) {
  ChainHasher ab_c, a_bc;
  ab_c.AddString("ab");
  ab_c.AddString("c");
  a_bc.AddString("a");
  a_bc.AddString("bc");

  EXPECT_NE(ab_c.hash(), a_bc.hash());
}

TEST(ChainTest, EventChainChangesWithEveryFieldAndThePreviousRow) {
  const EventRecord base = MakeEvent(5, 9);
  const uint64_t chain = ChainEvent(1, base);
  std::vector<EventRecord> changed(7, base);
  changed[0].seq = 6;
  changed[1].at += Duration(1);
  changed[2].type = "interaction.ended";
  changed[3].actor = "timer";
  changed[4].interaction = 10;
  changed[5].data = "{}";

  for (size_t i = 0; i < 6; ++i) EXPECT_NE(ChainEvent(1, changed[i]), chain) << "field " << i;
  EXPECT_NE(ChainEvent(2, base), chain);
  EXPECT_EQ(ChainEvent(1, changed[6]), chain);
}

TEST(ChainTest, CommandChainChangesWithEveryFieldAndThePreviousRow) {
  const CommandRecord base = MakeCommand(3, 7);
  const uint64_t chain = ChainCommand(1, base);
  std::vector<CommandRecord> changed(6, base);
  changed[0].seq = 4;
  changed[1].at += Duration(1);
  changed[2].actor = "system";
  changed[3].body = "{}";
  changed[4].last_event = 8;
  changed[5].events_hash ^= 1;

  for (size_t i = 0; i < 6; ++i) EXPECT_NE(ChainCommand(1, changed[i]), chain) << "field " << i;
  EXPECT_NE(ChainCommand(2, base), chain);
}

TEST(ValidateBatchTest, BatchContinuingTheLogIsValid) {
  EXPECT_TRUE(ValidateBatch({4, 2}, EventsBatch(5, 7, 3)).ok());
  EXPECT_TRUE(ValidateBatch({4, 2}, WriteBatch{}).ok());
}

TEST(ValidateBatchTest, EventSeqOtherThanTheNextIsRejectedNamingIt) {
  Status repeated = ValidateBatch({4, 2}, EventsBatch(4, 5));
  WriteBatch unordered;
  unordered.events = {MakeEvent(5), MakeEvent(7), MakeEvent(6)};
  Status skipped = ValidateBatch({4, 2}, unordered);

  EXPECT_EQ(repeated.error().code, ErrorCode::kInternal);
  EXPECT_EQ(repeated.error().message, "event seq 4 does not continue the log (expected 5)");
  EXPECT_EQ(skipped.error().message, "event seq 7 does not continue the log (expected 6)");
}

TEST(ValidateBatchTest, CommandSeqOtherThanTheNextIsRejected) {
  EXPECT_EQ(ValidateBatch({4, 2}, EventsBatch(5, 5, 4)).error().message,
            "command seq 4 does not continue the log (expected 3)");
}

TEST(ValidateBatchTest, CommandNamingAnEventBeyondTheBatchIsRejected) {
  WriteBatch batch = EventsBatch(5, 5);
  batch.commands.push_back(MakeCommand(3, 6));

  EXPECT_EQ(ValidateBatch({4, 2}, batch).error().field, "commands.last_event");
}

TEST(ValidateBatchTest, HeadAfterCountsTheBatchRecords) {
  LogHead head = HeadAfter({4, 2}, EventsBatch(5, 7, 3));

  EXPECT_EQ(head.last_event, 7u);
  EXPECT_EQ(head.last_command, 3u);
}

TEST(ValidateSnapshotTest, SnapshotWithinTheLogIsValidAndBeyondItIsNot) {
  EXPECT_TRUE(ValidateSnapshot({4, 2}, {2, 4, ""}).ok());
  EXPECT_EQ(ValidateSnapshot({4, 2}, {3, 4, ""}).error().field, "command_seq");
  EXPECT_EQ(ValidateSnapshot({4, 2}, {2, 5, ""}).error().field, "event_seq");
}

}  // namespace
}  // namespace hotline::store
