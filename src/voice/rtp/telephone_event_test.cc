#include "voice/rtp/telephone_event.h"

#include <gtest/gtest.h>

#include <string>

namespace hotline::voice {
namespace {

// Feeds one key press the way RFC 4733 section 2.5 sends it: a start packet, updates with a
// growing duration, then the end packet three times, all with the event's start timestamp.
void PressKey(TelephoneEventReceiver& receiver, uint8_t event, uint32_t timestamp,
              std::string& heard) {
  uint8_t payload[4];
  for (uint16_t duration : {160, 320, 480}) {
    WriteTelephoneEvent({event, false, 10, duration}, payload);
    if (auto d = receiver.OnPacket(timestamp, payload, 4)) heard.push_back(*d);
  }
  for (int i = 0; i < 3; ++i) {
    WriteTelephoneEvent({event, true, 10, 640}, payload);
    if (auto d = receiver.OnPacket(timestamp, payload, 4)) heard.push_back(*d);
  }
}

TEST(TelephoneEventReceiver, EachPressIsReportedOnceDespiteUpdatesAndRedundantEnds) {
  TelephoneEventReceiver receiver;
  std::string heard;
  PressKey(receiver, 1, 1000, heard);
  PressKey(receiver, 1, 2000, heard);  // the same key again is a new press: a new timestamp
  PressKey(receiver, 11, 3000, heard);
  PressKey(receiver, 10, 4000, heard);
  PressKey(receiver, 15, 5000, heard);
  EXPECT_EQ(heard, "11#*D");
}

TEST(TelephoneEventReceiver, OnlyTheEndPacketsStillGiveTheDigit) {
  TelephoneEventReceiver receiver;
  uint8_t payload[4];
  WriteTelephoneEvent({7, true, 10, 800}, payload);
  EXPECT_EQ(receiver.OnPacket(9000, payload, 4), '7');
  EXPECT_EQ(receiver.OnPacket(9000, payload, 4), std::nullopt);
}

TEST(TelephoneEventReceiver, NonDigitEventsAndShortPayloadsGiveNothing) {
  TelephoneEventReceiver receiver;
  uint8_t payload[4];
  WriteTelephoneEvent({16, false, 10, 160}, payload);  // flash, not a digit
  EXPECT_EQ(receiver.OnPacket(100, payload, 4), std::nullopt);
  WriteTelephoneEvent({5, false, 10, 160}, payload);
  EXPECT_EQ(receiver.OnPacket(200, payload, 3), std::nullopt);
  EXPECT_EQ(receiver.OnPacket(200, payload, 4), '5');
}

TEST(TelephoneEvent, PayloadRoundTrips) {
  uint8_t payload[4];
  WriteTelephoneEvent({9, true, 33, 1234}, payload);
  auto event = ParseTelephoneEvent(payload, 4);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->event, 9);
  EXPECT_TRUE(event->end);
  EXPECT_EQ(event->volume, 33);
  EXPECT_EQ(event->duration, 1234);
}

}  // namespace
}  // namespace hotline::voice
