// Voice end to end: the real `hotline serve --sip`, sipp as callers and agents' phones.
//
// Each test starts its own server on free ports with tests/voice/voice_center.yaml (a menu on
// 2000: 1 support, 2 sales) and drives calls with the scenarios in tests/voice/scenarios. What is
// checked comes from the API (events) and the data directory (recordings), never from timing.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/wait.h"
#include "voice/sipp_process.h"
#include "voice/voice_server.h"

namespace hotline::itest {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The caller waits for the server's BYE, or hangs up itself after @HOLD_MS@.
constexpr const char* kWaitBye = R"(
  <recv request="BYE" timeout="60000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>)";
constexpr const char* kHangUp = R"(
  <pause milliseconds="@HOLD_MS@"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Customer" <sip:0912345678@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200"/>)";

constexpr const char* kGoodSdp =
    "      v=0\n      o=c 1 1 IN IP4 [local_ip]\n      s=-\n      c=IN IP4 [media_ip]\n"
    "      t=0 0\n      m=audio [media_port] RTP/AVP 0\n      a=rtpmap:0 PCMU/8000";

class VoiceTest : public ::testing::Test {
 protected:
  void StartServer(std::map<std::string, std::string> settings = {}) {
    settings.emplace("A2_URI", "sip:a2@127.0.0.1:" + std::to_string(a2_port_));
    settings.emplace("TRANSFER_URI", "sip:operator@127.0.0.1:" + std::to_string(operator_port_));
    ASSERT_TRUE(server_.Start(settings));
    http_ = &server_.http();
    token_ = server_.token();
  }

  void Ready(const std::string& agent) { ASSERT_TRUE(server_.Ready(agent)); }
  json Events() { return server_.Events(); }
  std::vector<json> EventsOf(const std::string& type) { return server_.EventsOf(type); }
  bool WaitForEvent(const std::string& type, milliseconds deadline = milliseconds(30'000)) {
    return server_.WaitForEvent(type, deadline);
  }
  std::string ServerLog() { return server_.Log(); }

  // A caller of 2000 playing `captures` (pause in ms before each, file in
  // /usr/share/sip-tester), then waiting for the server's BYE or hanging up after `hold_ms`.
  std::unique_ptr<SippProcess> Caller(const std::string& name,
                                      std::vector<std::pair<int, std::string>> captures,
                                      bool wait_bye, int hold_ms = 0) {
    std::string actions;
    for (const auto& [pause, file] : captures) {
      actions += "  <pause milliseconds=\"" + std::to_string(pause) + "\"/>\n";
      actions += "  <nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/" + file +
                 "\"/></action></nop>\n";
    }
    auto scenario = dir_.path() / (name + ".xml");
    Fill(kVoiceTests / "scenarios" / "caller.xml", scenario,
         {{"ACTIONS", actions}, {"END_BLOCK", wait_bye ? kWaitBye : kHangUp}});
    Fill(scenario, scenario, {{"HOLD_MS", std::to_string(hold_ms)}});
    return Sipp(name, {Target(), "-sf", scenario.string(), "-s", "2000"});
  }
  // Presses `digit` 1.5 s after the answer, then talks.
  std::unique_ptr<SippProcess> Caller(const std::string& name, const std::string& digit,
                                      bool wait_bye, int hold_ms = 0) {
    return Caller(name, {{1500, "dtmf_2833_" + digit + ".pcap"}, {1000, "g711a.pcap"}}, wait_bye,
                  hold_ms);
  }

  // An agent's phone at `port`: answers after `answer_ms`, talks `talk_ms`, hangs up.
  std::unique_ptr<SippProcess> Phone(const std::string& name, const std::string& agent,
                                     uint16_t port, int answer_ms = 300, int talk_ms = 3000) {
    auto scenario = dir_.path() / (name + ".xml");
    Fill(kVoiceTests / "scenarios" / "agent.xml", scenario,
         {{"AGENT", agent},
          {"ANSWER_MS", std::to_string(answer_ms)},
          {"TALK_MS", std::to_string(talk_ms)}});
    return Sipp(name, {"-sf", scenario.string()}, port);
  }

  std::unique_ptr<SippProcess> Sipp(const std::string& name, std::vector<std::string> args,
                                    uint16_t port = 0) {
    if (port == 0) port = FreePort();
    std::vector<std::string> common = {
        "-i", "127.0.0.1", "-p", std::to_string(port), "-mp", std::to_string(FreePort(true)),
        "-m", "1"};
    args.insert(args.end(), common.begin(), common.end());
    auto sipp = std::make_unique<SippProcess>(name, std::move(args), dir_.path());
    EXPECT_TRUE(sipp->Start());
    return sipp;
  }

  std::string Target() const { return server_.target(); }
  std::string SipPassword(const std::string& agent) { return server_.SipPassword(agent); }

  TempDir dir_{"hotline-voice-"};
  VoiceServer server_{dir_.path()};
  HttpClient* http_ = nullptr;
  std::string token_;
  uint16_t a2_port_ = FreePort();
  uint16_t operator_port_ = FreePort();
};

// The whole path: menu, DTMF 1, queue support, the agent's phone rings and answers, both sides
// talk, the agent hangs up, the caller gets BYE; the call is recorded with both voices.
TEST_F(VoiceTest, CallerReachesAgentAndTheCallIsRecorded) {
  StartServer();
  Ready("a2");
  auto phone = Phone("phone_a2", "a2", a2_port_);
  auto caller = Caller("caller", "1", /*wait_bye=*/true);
  EXPECT_EQ(caller->Wait(seconds(60)), 0) << caller->Output() << ServerLog();
  EXPECT_EQ(phone->Wait(seconds(30)), 0) << phone->Output() << ServerLog();

  auto created = EventsOf("interaction.created");
  ASSERT_EQ(created.size(), 1u) << ServerLog();
  EXPECT_EQ(created[0]["queue"], "support");  // the DTMF choice took the right branch
  EXPECT_EQ(created[0]["channel"], "voice");
  EXPECT_EQ(created[0]["customer"]["phone"], "0912345678");
  uint64_t id = created[0]["interaction"];
  auto connected = EventsOf("interaction.connected");
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_EQ(connected[0]["agent"], "a2");

  ASSERT_TRUE(WaitForEvent("interaction.recorded")) << ServerLog();
  auto recorded = EventsOf("interaction.recorded");
  EXPECT_EQ(recorded[0]["interaction"], id);
  EXPECT_GT(recorded[0]["seconds"].get<double>(), 1.0);
  auto wav = server_.process().data_dir() / "recordings" / recorded[0]["file"].get<std::string>();
  ChannelLevels levels = ReadLevels(wav);
  ASSERT_EQ(levels.channels, 2) << wav;
  EXPECT_GT(levels.seconds, 1.0);
  EXPECT_GT(levels.rms[0], 100.0) << "the caller's channel is silent";
  EXPECT_GT(levels.rms[1], 100.0) << "the agent's channel is silent";
  EXPECT_FALSE(EventsOf("interaction.completed").empty());

  // The recording through the API.
  auto download = http_->Get("/api/v1/interactions/" + std::to_string(id) + "/recording", token_);
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body.substr(0, 4), "RIFF");
  EXPECT_EQ(download.body.size(), std::filesystem::file_size(wav));
  EXPECT_EQ(http_->Get("/api/v1/interactions/999/recording", token_).status, 404);

  // Every call and every step of its flow are events.
  auto started = EventsOf("call.started");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0]["dialed"], "2000");
  bool chose_support = false;
  for (const auto& step : EventsOf("call.flow")) {
    if (step["node"] == "choose" &&
        step["detail"].get<std::string>().find('1') != std::string::npos) {
      chose_support = true;
    }
  }
  EXPECT_TRUE(chose_support) << Events().dump();
  ASSERT_TRUE(WaitForEvent("call.ended"));
  EXPECT_EQ(EventsOf("call.ended")[0]["interaction"], std::to_string(id));
  auto voice = http_->Get("/api/v1/voice", token_);
  ASSERT_EQ(voice.status, 200);
  EXPECT_EQ(voice.Json()["calls"]["calls_in_progress"], 0);
  EXPECT_EQ(voice.Json()["calls"]["bridged_total"], 1);
}

// A supervisor listens to a live call from their phone, then barges in; their phone is hung up
// when the call ends.
TEST_F(VoiceTest, SupervisorListensThenBargesIn) {
  StartServer();
  Ready("a2");
  auto phone = Phone("phone_a2", "a2", a2_port_, /*answer_ms=*/200, /*talk_ms=*/6000);
  uint16_t supervisor_port = FreePort();
  auto supervisor =
      Sipp("supervisor", {"-sf", (kVoiceTests / "scenarios" / "supervisor.xml").string()},
           supervisor_port);
  auto caller = Caller("caller", "1", /*wait_bye=*/true);
  ASSERT_TRUE(WaitForEvent("interaction.connected"))
      << Events().dump() << ServerLog() << phone->Output() << caller->Output();
  uint64_t id = EventsOf("interaction.connected")[0]["interaction"];
  std::string path = "/api/v1/interactions/" + std::to_string(id) + "/monitor";
  std::string uri = "sip:supervisor@127.0.0.1:" + std::to_string(supervisor_port);
  auto listen = http_->Post(path, json{{"mode", "listen"}, {"uri", uri}}.dump(), token_);
  EXPECT_EQ(listen.status, 202) << listen.body;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto v = http_->Get("/api/v1/voice", token_);
        return v.status == 200 && v.Json()["calls"]["monitors_total"] == 1;
      },
      milliseconds(10'000)))
      << ServerLog();
  auto barge = http_->Post(path, json{{"mode", "barge"}, {"uri", uri}}.dump(), token_);
  EXPECT_EQ(barge.status, 202) << barge.body;
  EXPECT_EQ(http_->Post(path, R"({"mode":"shout","uri":"sip:x@127.0.0.1"})", token_).status, 400);
  EXPECT_EQ(http_
                ->Post("/api/v1/interactions/999/monitor",
                       json{{"mode", "listen"}, {"uri", uri}}.dump(), token_)
                .status,
            404);
  EXPECT_EQ(caller->Wait(seconds(60)), 0) << caller->Output() << ServerLog();
  EXPECT_EQ(phone->Wait(seconds(30)), 0) << phone->Output() << ServerLog();
  EXPECT_EQ(supervisor->Wait(seconds(30)), 0) << supervisor->Output() << ServerLog();
}

// Pressing 2 takes the sales branch; a caller who hangs up while waiting abandons.
TEST_F(VoiceTest, CallerWhoHangsUpInQueueAbandons) {
  StartServer();
  auto caller = Caller("caller", "2", /*wait_bye=*/false, /*hold_ms=*/2500);
  EXPECT_EQ(caller->Wait(seconds(60)), 0) << caller->Output() << ServerLog();
  auto created = EventsOf("interaction.created");
  ASSERT_EQ(created.size(), 1u) << ServerLog();
  EXPECT_EQ(created[0]["queue"], "sales");
  ASSERT_TRUE(WaitForEvent("interaction.abandoned")) << ServerLog();
  EXPECT_EQ(EventsOf("interaction.abandoned")[0]["interaction"], created[0]["interaction"]);
}

// A queue that refuses the call (full) does not leave the caller waiting: the flow goes on (here:
// it ends) and the server hangs up.
TEST_F(VoiceTest, CallerRefusedByAFullQueueIsHungUp) {
  StartServer();
  auto first = Caller("first", "2", /*wait_bye=*/false, /*hold_ms=*/8000);
  ASSERT_TRUE(WaitForEvent("interaction.queued")) << ServerLog();
  auto second = Caller("second", {{1500, "dtmf_2833_2.pcap"}}, /*wait_bye=*/true);
  EXPECT_EQ(second->Wait(seconds(30)), 0) << second->Output() << ServerLog();
  ASSERT_EQ(EventsOf("interaction.rejected").size(), 1u) << ServerLog();
  EXPECT_EQ(first->Wait(seconds(30)), 0) << first->Output() << ServerLog();
}

// a1's phone registers (digest auth) and rings without answering: the offer times out (RONA)
// and the call goes to a2, who answers.
TEST_F(VoiceTest, MissedCallGoesToTheNextAgent) {
  StartServer({{"OFFER_TIMEOUT", "3s"}});
  uint16_t a1_port = FreePort();
  auto ringing = dir_.path() / "ringing.xml";
  Fill(kVoiceTests / "scenarios" / "agent_ringing.xml", ringing, {{"AGENT", "a1"}});
  auto a1_phone = Sipp("phone_a1", {"-sf", ringing.string()}, a1_port);
  auto reg = dir_.path() / "register.xml";
  Fill(kVoiceTests / "scenarios" / "register.xml", reg,
       {{"USER", "a1"},
        {"PASSWORD", SipPassword("a1")},
        {"CONTACT_PORT", std::to_string(a1_port)},
        {"STATUS", "200"}});
  auto registration = Sipp("register_a1", {Target(), "-sf", reg.string()});
  ASSERT_EQ(registration->Wait(seconds(20)), 0) << registration->Output() << ServerLog();

  Ready("a1");  // a1 has waited longest: offered first
  Ready("a2");
  auto a2_phone = Phone("phone_a2", "a2", a2_port_);
  auto caller = Caller("caller", "1", /*wait_bye=*/true);
  EXPECT_EQ(caller->Wait(seconds(60)), 0) << caller->Output() << ServerLog();
  EXPECT_EQ(a1_phone->Wait(seconds(20)), 0) << a1_phone->Output() << ServerLog();
  EXPECT_EQ(a2_phone->Wait(seconds(20)), 0) << a2_phone->Output() << ServerLog();

  auto timed_out = EventsOf("offer.timed_out");
  ASSERT_EQ(timed_out.size(), 1u) << ServerLog();
  EXPECT_EQ(timed_out[0]["agent"], "a1");
  auto connected = EventsOf("interaction.connected");
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_EQ(connected[0]["agent"], "a2");
}

// A wrong password is refused: the second REGISTER gets 401 again.
TEST_F(VoiceTest, RegistrationWithAWrongPasswordIsRefused) {
  StartServer();
  auto reg = dir_.path() / "register.xml";
  Fill(kVoiceTests / "scenarios" / "register.xml", reg,
       {{"USER", "a1"},
        {"PASSWORD", "wrong-password"},
        {"CONTACT_PORT", "5999"},
        {"STATUS", "401"}});
  auto registration = Sipp("register_a1", {Target(), "-sf", reg.string()});
  EXPECT_EQ(registration->Wait(seconds(20)), 0) << registration->Output() << ServerLog();
}

// '*' in the queue books a callback: the caller hears the confirmation and is hung up on, and the
// callback keeps its place ahead of a caller who came later.
TEST_F(VoiceTest, CallbackKeepsItsPlaceInLine) {
  StartServer();
  auto first = Caller("first", {{1500, "dtmf_2833_1.pcap"}, {2500, "dtmf_2833_star.pcap"}},
                      /*wait_bye=*/true);
  EXPECT_EQ(first->Wait(seconds(60)), 0) << first->Output() << ServerLog();
  auto booked = EventsOf("interaction.callback_booked");
  ASSERT_EQ(booked.size(), 1u) << ServerLog();
  uint64_t callback = booked[0]["interaction"];
  EXPECT_TRUE(EventsOf("interaction.abandoned").empty()) << "hanging up after booking abandoned";

  auto second = Caller("second", {{1500, "dtmf_2833_1.pcap"}}, /*wait_bye=*/false, 15000);
  ASSERT_TRUE(
      WaitUntil([&] { return EventsOf("interaction.queued").size() == 2; }, milliseconds(30'000)))
      << ServerLog();
  Ready("a2");
  ASSERT_TRUE(WaitForEvent("interaction.offered")) << ServerLog();
  EXPECT_EQ(EventsOf("interaction.offered")[0]["interaction"], callback);
  EXPECT_EQ(second->Wait(seconds(30)), 0) << second->Output() << ServerLog();
}

// 3 transfers the caller to another phone: Hotline calls it and bridges the two; when it hangs
// up, so does the caller's call.
TEST_F(VoiceTest, TransferBridgesTheCallerToAnotherPhone) {
  StartServer();
  auto operator_phone = Phone("operator", "operator", operator_port_, 200, 3000);
  auto caller = Caller("caller", "3", /*wait_bye=*/true);
  EXPECT_EQ(caller->Wait(seconds(60)), 0) << caller->Output() << ServerLog();
  EXPECT_EQ(operator_phone->Wait(seconds(30)), 0) << operator_phone->Output() << ServerLog();
  ASSERT_TRUE(WaitForEvent("call.ended")) << ServerLog();
  EXPECT_EQ(EventsOf("call.ended")[0]["reason"], "transfer ended");
  EXPECT_TRUE(EventsOf("interaction.created").empty());
}

TEST_F(VoiceTest, UnknownNumberIs404) {
  StartServer();
  auto scenario = dir_.path() / "unknown.xml";
  Fill(kVoiceTests / "scenarios" / "expect_status.xml", scenario,
       {{"NUMBER", "9999"}, {"SDP", kGoodSdp}, {"STATUS", "404"}, {"CHECKS", ""}});
  auto sipp = Sipp("unknown", {Target(), "-sf", scenario.string()});
  EXPECT_EQ(sipp->Wait(seconds(20)), 0) << sipp->Output() << ServerLog();
}

TEST_F(VoiceTest, OfferWithoutG711Is488) {
  StartServer();
  auto scenario = dir_.path() / "opus.xml";
  std::string opus =
      "      v=0\n      o=c 1 1 IN IP4 [local_ip]\n      s=-\n      c=IN IP4 [media_ip]\n"
      "      t=0 0\n      m=audio [media_port] RTP/AVP 96\n      a=rtpmap:96 opus/48000/2";
  Fill(kVoiceTests / "scenarios" / "expect_status.xml", scenario,
       {{"NUMBER", "2000"}, {"SDP", opus}, {"STATUS", "488"}, {"CHECKS", ""}});
  auto sipp = Sipp("opus", {Target(), "-sf", scenario.string()});
  EXPECT_EQ(sipp->Wait(seconds(20)), 0) << sipp->Output() << ServerLog();

  auto garbage = dir_.path() / "garbage.xml";
  Fill(kVoiceTests / "scenarios" / "expect_status.xml", garbage,
       {{"NUMBER", "2000"}, {"SDP", "      this is not SDP"}, {"STATUS", "488"}, {"CHECKS", ""}});
  auto bad = Sipp("garbage", {Target(), "-sf", garbage.string()});
  EXPECT_EQ(bad->Wait(seconds(20)), 0) << bad->Output() << ServerLog();
}

// Past max_calls, 503 with Retry-After; the call in progress is not disturbed.
TEST_F(VoiceTest, OverCapacityIs503WithRetryAfter) {
  StartServer({{"MAX_CALLS", "1"}});
  auto holder = Caller("holder", "2", /*wait_bye=*/false, /*hold_ms=*/4000);
  ASSERT_TRUE(WaitForEvent("interaction.queued")) << ServerLog();
  auto scenario = dir_.path() / "busy.xml";
  Fill(kVoiceTests / "scenarios" / "expect_status.xml", scenario,
       {{"NUMBER", "2000"},
        {"SDP", kGoodSdp},
        {"STATUS", "503"},
        {"CHECKS", R"(<ereg regexp="[0-9]+" search_in="hdr" header="Retry-After:" )"
                   R"(check_it="true" assign_to="retry"/><log message="Retry-After [$retry]"/>)"}});
  auto refused = Sipp("busy", {Target(), "-sf", scenario.string()});
  EXPECT_EQ(refused->Wait(seconds(20)), 0) << refused->Output() << ServerLog();
  EXPECT_EQ(holder->Wait(seconds(30)), 0) << holder->Output() << ServerLog();
  EXPECT_TRUE(WaitForEvent("interaction.abandoned"));
}

}  // namespace
}  // namespace hotline::itest
