// The media engine against tiny test phones (test_phone.h) over real UDP on 127.0.0.1.
#include "voice/rtp/media_engine.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <spandsp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

#include "support/wait.h"
#include "voice/rtp/telephone_event.h"
#include "voice/rtp/test_phone.h"

namespace hotline::voice {
namespace {

using itest::WaitUntil;
using std::chrono::milliseconds;
using testing::Sine;
using testing::TestPhone;
using testing::ToneAmplitude;

constexpr milliseconds kDeadline{5000};

// A WAV path of this process (suites may run in parallel).
std::filesystem::path TempWav(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("hotline-media-engine-" + name + "-" + std::to_string(::getpid()) + ".wav");
}

// The digits a leg reported, from the media thread, read by the test.
class DigitLog {
 public:
  std::function<void(char)> Handler() {
    return [this](char d) {
      std::lock_guard lock(mutex_);
      digits_.push_back(d);
    };
  }
  std::string heard() const {
    std::lock_guard lock(mutex_);
    return digits_;
  }

 private:
  mutable std::mutex mutex_;
  std::string digits_;
};

class MediaEngineTest : public ::testing::Test {
 protected:
  // Ports of this test binary's own range, so that parallel suites do not collide often; a taken
  // port is skipped anyway.
  MediaEngine engine_{{"127.0.0.1", 31000, 31999}};

  // A leg whose remote is `phone`, and the phone dialled to it.
  MediaEngine::LegId Connect(TestPhone& phone, Codec codec, int telephone_event_pt = -1) {
    auto leg = engine_.OpenLeg();
    EXPECT_TRUE(leg.ok());
    engine_.SetRemote(*leg, "127.0.0.1", phone.port(), codec, telephone_event_pt);
    phone.Dial(engine_.LocalPort(*leg), codec);
    return *leg;
  }
  // Waits until the engine has applied everything posted so far (SetRemote, Bridge...).
  void Settle() {
    std::atomic<bool> done{false};
    auto leg = engine_.OpenLeg();
    ASSERT_TRUE(leg.ok());
    engine_.Play(*leg, std::make_shared<Audio>(Audio{std::vector<int16_t>(1)}), false,
                 [&] { done = true; });
    engine_.SetRemote(*leg, "127.0.0.1", 9, Codec::kPcmu, -1);  // discard port
    ASSERT_TRUE(WaitUntil([&] { return done.load(); }, kDeadline));
    engine_.CloseLeg(*leg);
  }
};

TEST_F(MediaEngineTest, OpenLegBindsAnEvenPortWithRtcpAbove) {
  auto a = engine_.OpenLeg();
  auto b = engine_.OpenLeg();
  ASSERT_TRUE(a.ok() && b.ok());
  uint16_t port = engine_.LocalPort(*a);
  EXPECT_EQ(port % 2, 0);
  EXPECT_GE(port, 31000);
  EXPECT_LE(port, 31999);
  EXPECT_NE(engine_.LocalPort(*b), port);
  EXPECT_EQ(engine_.LocalPort(12345), 0);
}

TEST_F(MediaEngineTest, PlaysAtTwentyMillisecondPacingAsOneStream) {
  TestPhone phone;
  auto leg = Connect(phone, Codec::kPcmu);
  engine_.Play(leg, std::make_shared<Audio>(Audio{Sine(440, 8000, 8000 * 3)}), false, {});
  ASSERT_TRUE(WaitUntil([&] { return phone.packet_count() >= 51; }, kDeadline));
  auto packets = phone.packets();
  double elapsed_ms =
      std::chrono::duration<double, std::milli>(packets[50].arrival - packets[0].arrival).count();
  // 50 intervals: the count the elapsed time implies must be 50, within 15% (a loaded machine
  // delays single ticks; the absolute deadlines make up for them).
  EXPECT_NEAR(elapsed_ms / 20.0, 50.0, 7.5) << elapsed_ms;
  for (size_t i = 1; i <= 50; ++i) {
    EXPECT_EQ(packets[i].header.payload_type, 0);
    EXPECT_EQ(packets[i].header.ssrc, packets[0].header.ssrc);
    EXPECT_EQ(static_cast<uint16_t>(packets[i].header.sequence - packets[i - 1].header.sequence),
              1);
    EXPECT_EQ(packets[i].header.timestamp - packets[i - 1].header.timestamp, 160u);
    EXPECT_EQ(packets[i].payload.size(), 160u);
  }
  EXPECT_GT(ToneAmplitude(phone.LastSamples(800), 440), 6000);
}

TEST_F(MediaEngineTest, DoneRunsWhenAPromptEndsButNotWhenStopped) {
  TestPhone phone;
  auto leg = Connect(phone, Codec::kPcma);
  std::atomic<int> finished{0}, stopped{0};
  engine_.Play(leg, std::make_shared<Audio>(Audio{Sine(440, 8000, 8000 * 60)}), true,
               [&] { ++stopped; });
  engine_.Play(leg, std::make_shared<Audio>(Audio{Sine(1000, 8000, 1000)}), false,
               [&] { ++finished; });  // replaces the loop: 7 packets, the last one padded
  ASSERT_TRUE(WaitUntil([&] { return finished == 1; }, kDeadline));
  Settle();
  uint64_t sent = engine_.Stats(leg).packets_out;
  ASSERT_TRUE(WaitUntil([&] { return phone.packet_count() == sent; }, kDeadline));
  auto last = phone.LastSamples(7 * 160);
  EXPECT_GT(ToneAmplitude({last.begin(), last.begin() + 960}, 1000), 6000);
  for (size_t i = 1000; i < last.size(); ++i) EXPECT_LE(std::abs(last[i]), 8) << i;  // padding

  engine_.Play(leg, std::make_shared<Audio>(Audio{Sine(440, 8000, 8000 * 60)}), false,
               [&] { ++stopped; });
  engine_.StopAudio(leg);
  Settle();
  uint64_t after_stop = engine_.Stats(leg).packets_out;
  Settle();  // nothing plays any more: the count stays
  EXPECT_EQ(engine_.Stats(leg).packets_out, after_stop);
  EXPECT_EQ(stopped, 0);
  EXPECT_EQ(finished, 1);
}

TEST_F(MediaEngineTest, TelephoneEventsGiveEachDigitOnce) {
  TestPhone phone;
  auto leg = Connect(phone, Codec::kPcmu, 101);
  DigitLog digits;
  engine_.OnDigit(leg, digits.Handler());
  Settle();
  uint32_t timestamp = 8000;
  for (uint8_t event : {4, 2, 2, 11}) {
    uint8_t payload[4];
    for (uint16_t duration : {160, 320}) {
      WriteTelephoneEvent({event, false, 10, duration}, payload);
      phone.SendRtp(101, timestamp, payload, 4, duration == 160);
    }
    WriteTelephoneEvent({event, true, 10, 480}, payload);
    for (int i = 0; i < 3; ++i) phone.SendRtp(101, timestamp, payload, 4);  // redundant ends
    timestamp += 800;
  }
  ASSERT_TRUE(WaitUntil([&] { return digits.heard().size() >= 4; }, kDeadline)) << digits.heard();
  EXPECT_EQ(digits.heard(), "422#");
  ASSERT_TRUE(WaitUntil([&] { return engine_.Stats(leg).packets_in == 20; }, kDeadline));
  EXPECT_EQ(digits.heard(), "422#");
}

TEST_F(MediaEngineTest, InbandToneDigitsAreDetectedWhenThePeerHasNoTelephoneEvents) {
  TestPhone phone;
  auto leg = Connect(phone, Codec::kPcma, -1);
  DigitLog digits;
  engine_.OnDigit(leg, digits.Handler());
  Settle();
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  dtmf_tx_put(tx, "95#", -1);
  std::vector<int16_t> tones(8000 * 2, 0);  // two seconds: the tones, then silence
  dtmf_tx(tx, tones.data(), static_cast<int>(tones.size()));
  dtmf_tx_free(tx);
  phone.SendSamples(tones);
  ASSERT_TRUE(WaitUntil([&] { return digits.heard().size() >= 3; }, kDeadline)) << digits.heard();
  EXPECT_EQ(digits.heard(), "95#");
}

TEST_F(MediaEngineTest, BridgeTranscodesUlawToAlawAndKeepsTheTone) {
  TestPhone caller, agent;
  auto a = Connect(caller, Codec::kPcmu);
  auto b = Connect(agent, Codec::kPcma);
  engine_.Bridge(a, b);
  Settle();
  auto sine = Sine(1000, 10000, 160 * 50);
  caller.SendSamples(sine);
  ASSERT_TRUE(WaitUntil([&] { return agent.packet_count() >= 50; }, kDeadline));
  auto packets = agent.packets();
  for (size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].header.payload_type, 8);
    EXPECT_EQ(packets[i].header.ssrc, packets[0].header.ssrc);
    EXPECT_NE(packets[i].header.ssrc, caller.ssrc());  // the engine's stream, not the caller's
    EXPECT_EQ(static_cast<uint16_t>(packets[i].header.sequence - packets[i - 1].header.sequence),
              1);
    EXPECT_EQ(packets[i].header.timestamp - packets[i - 1].header.timestamp, 160u);
  }
  auto heard = agent.LastSamples(160 * 50);
  double energy_in = 0, energy_out = 0;
  for (size_t i = 0; i < heard.size(); ++i) {
    energy_in += static_cast<double>(sine[i]) * sine[i];
    energy_out += static_cast<double>(heard[i]) * heard[i];
  }
  EXPECT_NEAR(energy_out / energy_in, 1.0, 0.05);  // two G.711 quantizations: well under 0.5 dB
  EXPECT_NEAR(ToneAmplitude(heard, 1000), 10000, 500);
  EXPECT_LT(ToneAmplitude(heard, 600), 300);
}

TEST_F(MediaEngineTest, PacketsFromStrangersOversizedOrOfAnotherVersionAreDropped) {
  TestPhone phone, stranger;
  auto leg = Connect(phone, Codec::kPcmu);
  Settle();
  stranger.Dial(engine_.LocalPort(leg), Codec::kPcmu);
  stranger.SendSamples(Sine(440, 8000, 160));
  std::vector<uint8_t> big(1600, 0);
  big[0] = 0x80;
  phone.SendRaw(big.data(), big.size(), engine_.LocalPort(leg));
  uint8_t version1[172] = {0x40};
  phone.SendRaw(version1, sizeof version1, engine_.LocalPort(leg));
  phone.SendSamples(Sine(440, 8000, 160));
  ASSERT_TRUE(WaitUntil([&] { return engine_.Stats(leg).packets_in == 1; }, kDeadline));
  ASSERT_TRUE(WaitUntil([&] { return engine_.Stats(leg).dropped == 3; }, kDeadline));
}

TEST_F(MediaEngineTest, RecordingKeepsCallerLeftAndAgentRight) {
  TestPhone caller, agent;
  auto c = Connect(caller, Codec::kPcmu);
  auto a = Connect(agent, Codec::kPcma);
  engine_.Bridge(c, a);
  auto wav = TempWav("recording");
  std::atomic<double> seconds{-1};
  engine_.StartRecording(c, a, wav, [&](std::filesystem::path, double s) { seconds = s; });
  caller.SendTone(440, 8000);
  agent.SendTone(1000, 8000);
  ASSERT_TRUE(WaitUntil(
      [&] { return engine_.Stats(c).packets_in >= 50 && engine_.Stats(a).packets_in >= 50; },
      kDeadline));
  engine_.StopRecording(c);
  ASSERT_TRUE(WaitUntil([&] { return seconds >= 0; }, kDeadline));
  EXPECT_GT(seconds, 0.8);

  SF_INFO info{};
  SNDFILE* file = sf_open(wav.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, 8000);
  EXPECT_NEAR(static_cast<double>(info.frames) / 8000, seconds, 0.001);
  std::vector<int16_t> frames(static_cast<size_t>(info.frames) * 2);
  sf_readf_short(file, frames.data(), info.frames);
  sf_close(file);
  std::vector<int16_t> left, right;
  for (size_t i = 0; i < frames.size(); i += 2) {
    left.push_back(frames[i]);
    right.push_back(frames[i + 1]);
  }
  EXPECT_GT(ToneAmplitude(left, 440), 3000);
  EXPECT_LT(ToneAmplitude(left, 1000), 300);
  EXPECT_GT(ToneAmplitude(right, 1000), 3000);
  EXPECT_LT(ToneAmplitude(right, 440), 300);
  std::filesystem::remove(wav);
}

// A bridged call (caller 440 Hz, agent 1000 Hz) and a supervisor speaking at 2000 Hz.
class MonitorTest : public MediaEngineTest {
 protected:
  void SetUp() override {
    c_ = Connect(caller_, Codec::kPcmu);
    a_ = Connect(agent_, Codec::kPcma);
    s_ = Connect(supervisor_, Codec::kPcmu);
    engine_.Bridge(c_, a_);
    caller_.SendTone(440, 6000);
    agent_.SendTone(1000, 6000);
    supervisor_.SendTone(2000, 6000);
  }
  // Waits until the supervisor hears both sides, so the mix runs in steady state.
  void ExpectSupervisorHearsBoth() {
    EXPECT_TRUE(
        WaitUntil([&] { return supervisor_.Hears(440) && supervisor_.Hears(1000); }, kDeadline));
  }
  TestPhone caller_, agent_, supervisor_;
  MediaEngine::LegId c_ = 0, a_ = 0, s_ = 0;
};

TEST_F(MonitorTest, ListenHearsBothAndNobodyHearsTheSupervisor) {
  engine_.Monitor(s_, c_, a_, MediaEngine::MonitorMode::kListen);
  ExpectSupervisorHearsBoth();
  ASSERT_TRUE(WaitUntil([&] { return agent_.Hears(440) && caller_.Hears(1000); }, kDeadline));
  EXPECT_FALSE(agent_.Hears(2000, 200));
  EXPECT_FALSE(caller_.Hears(2000, 200));
}

TEST_F(MonitorTest, WhisperReachesTheAgentOnly) {
  engine_.Monitor(s_, c_, a_, MediaEngine::MonitorMode::kWhisper);
  ExpectSupervisorHearsBoth();
  ASSERT_TRUE(WaitUntil([&] { return agent_.Hears(2000) && agent_.Hears(440); }, kDeadline));
  ASSERT_TRUE(WaitUntil([&] { return caller_.Hears(1000); }, kDeadline));
  EXPECT_FALSE(caller_.Hears(2000, 200));
}

TEST_F(MonitorTest, BargeIsHeardByBothAndThenListenSilencesIt) {
  engine_.Monitor(s_, c_, a_, MediaEngine::MonitorMode::kBarge);
  ExpectSupervisorHearsBoth();
  ASSERT_TRUE(WaitUntil([&] { return agent_.Hears(2000) && agent_.Hears(440); }, kDeadline));
  ASSERT_TRUE(WaitUntil([&] { return caller_.Hears(2000) && caller_.Hears(1000); }, kDeadline));
  engine_.Monitor(s_, c_, a_, MediaEngine::MonitorMode::kListen);  // back to listening
  ASSERT_TRUE(WaitUntil([&] { return !caller_.Hears(2000, 200); }, kDeadline));
  ASSERT_TRUE(WaitUntil([&] { return !agent_.Hears(2000, 200); }, kDeadline));
  EXPECT_TRUE(caller_.Hears(1000));
}

TEST_F(MonitorTest, UnbridgeEndsTheCallForEveryoneIncludingTheSupervisor) {
  engine_.Monitor(s_, c_, a_, MediaEngine::MonitorMode::kBarge);
  ASSERT_TRUE(WaitUntil([&] { return caller_.Hears(2000) && supervisor_.Hears(440); }, kDeadline));
  engine_.Unbridge(c_, a_);
  Settle();
  auto sent = [&] {
    return engine_.Stats(c_).packets_out + engine_.Stats(a_).packets_out +
           engine_.Stats(s_).packets_out;
  };
  uint64_t before = sent();
  Settle();  // the phones keep talking, but nobody is sent anything any more
  EXPECT_EQ(sent(), before);
  EXPECT_GT(engine_.Stats(c_).packets_in, 0u);
}

TEST(MediaEngineRtcp, SenderReportsGoToTheRemotePortPlusOne) {
  MediaEngine engine({"127.0.0.1", 32000, 32999, 100});  // a report every 100 ms
  TestPhone rtcp;  // listens where the engine sends RTCP: the remote RTP port + 1
  auto leg = engine.OpenLeg();
  ASSERT_TRUE(leg.ok());
  engine.SetRemote(*leg, "127.0.0.1", static_cast<uint16_t>(rtcp.port() - 1), Codec::kPcmu, -1);
  engine.Play(*leg, std::make_shared<Audio>(Audio{Sine(440, 8000, 8000)}), false, {});
  auto sender_report = [&]() -> std::vector<uint8_t> {
    for (auto& datagram : rtcp.datagrams()) {
      if (datagram.size() >= 28 && datagram[1] == 200 && ReadBe32(datagram.data() + 20) > 0) {
        return datagram;
      }
    }
    return {};
  };
  ASSERT_TRUE(WaitUntil([&] { return !sender_report().empty(); }, kDeadline));
  auto report = sender_report();
  EXPECT_EQ(report[0] >> 6, 2);
  size_t sr_bytes = (ReadBe16(report.data() + 2) + 1) * 4;
  ASSERT_LT(sr_bytes + 8, report.size());
  EXPECT_EQ(report[sr_bytes + 1], 202);  // SDES follows, with the CNAME
  EXPECT_EQ(report[sr_bytes + 8], 1);
  EXPECT_GE(ReadBe32(report.data() + 20), 1u);  // packets sent so far
}

TEST_F(MediaEngineTest, ReceiverReportsFromThePeerAreRead) {
  TestPhone phone;
  auto leg = Connect(phone, Codec::kPcmu);
  engine_.Play(leg, std::make_shared<Audio>(Audio{Sine(440, 8000, 1600)}), false, {});
  ASSERT_TRUE(WaitUntil([&] { return phone.packet_count() >= 1; }, kDeadline));
  // RR (RFC 3550 6.4.2) from the phone about the engine's SSRC: 7 lost, jitter 80 units.
  uint8_t rr[32] = {0x81, 201, 0, 7};
  WriteBe32(phone.ssrc(), rr + 4);
  WriteBe32(phone.packets()[0].header.ssrc, rr + 8);
  WriteBe32(7, rr + 12);
  WriteBe32(80, rr + 20);
  phone.SendRaw(rr, sizeof rr, engine_.LocalPort(leg) + 1);
  ASSERT_TRUE(WaitUntil([&] { return engine_.Stats(leg).reports_in == 1; }, kDeadline));
  EXPECT_EQ(engine_.Stats(leg).remote_lost, 7u);
  EXPECT_DOUBLE_EQ(engine_.Stats(leg).remote_jitter_ms, 10.0);
}

TEST_F(MediaEngineTest, ClosingALegFinishesItsRecordingAndStopsRelaying) {
  TestPhone caller, agent;
  auto c = Connect(caller, Codec::kPcmu);
  auto a = Connect(agent, Codec::kPcmu);
  engine_.Bridge(c, a);
  std::atomic<bool> finished{false};
  auto wav = TempWav("close");
  engine_.StartRecording(c, a, wav, [&](std::filesystem::path, double) { finished = true; });
  engine_.CloseLeg(a);
  ASSERT_TRUE(WaitUntil([&] { return finished.load(); }, kDeadline));
  EXPECT_EQ(engine_.LocalPort(a), 0);
  EXPECT_EQ(engine_.Stats(a).packets_in, 0u);
  std::filesystem::remove(wav);
}

}  // namespace
}  // namespace hotline::voice
