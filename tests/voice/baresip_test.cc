// A real softphone as an agent: Debian's baresip 1.0.0 registers to `hotline serve --sip` with
// the password from DATA/sip-accounts (digest auth) and answers automatically; a sipp caller
// dials 2000, presses 1 and is connected to it; the call is recorded. This is what docs/voice.md
// tells a new user to do, with tests/voice/baresip/ as the phone's config (no audio device).
#include <signal.h>
#include <sndfile.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

// baresip -f DIR as a child process (dies with the test: PR_SET_PDEATHSIG), output in DIR/log.
class Baresip {
 public:
  explicit Baresip(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~Baresip() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Baresip(const Baresip&) = delete;
  Baresip& operator=(const Baresip&) = delete;

  bool Start() {
    std::string dir = dir_.string(), log = (dir_ / "log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (!std::freopen("/dev/null", "r", stdin) || !std::freopen(log.c_str(), "w", stdout) ||
          ::dup2(STDOUT_FILENO, STDERR_FILENO) < 0) {
        ::_exit(126);
      }
      ::execl("/usr/bin/baresip", "baresip", "-f", dir.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid_ > 0;
  }
  std::string Log() const {
    std::ifstream in(dir_ / "log");
    return "---- baresip ----\n" + std::string((std::istreambuf_iterator<char>(in)), {});
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

class BaresipTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start({{"MAX_CALLS", "10"}})); }

  // A baresip phone for `agent`: its config dir filled from tests/voice/baresip on free ports.
  std::unique_ptr<Baresip> Phone(const std::string& agent) {
    auto dir = dir_.path() / ("baresip-" + agent);
    std::filesystem::create_directories(dir);
    uint16_t rtp = FreePort(/*even=*/true);
    Fill(kVoiceTests / "baresip" / "config", dir / "config",
         {{"SIP_PORT", std::to_string(FreePort())},
          {"RTP_PORTS", std::to_string(rtp) + "-" + std::to_string(rtp + 3)}});
    Fill(kVoiceTests / "baresip" / "accounts", dir / "accounts",
         {{"AGENT", agent},
          {"SERVER_PORT", std::to_string(server_.sip_port())},
          {"PASSWORD", server_.SipPassword(agent)}});
    auto phone = std::make_unique<Baresip>(dir);
    EXPECT_TRUE(phone->Start());
    return phone;
  }

  TempDir dir_{"hotline-baresip-"};
  VoiceServer server_{dir_.path()};
};

TEST_F(BaresipTest, RegisteredBaresipAgentAnswersAndTheCallIsRecorded) {
  auto phone = Phone("a1");
  ASSERT_TRUE(
      WaitUntil([&] { return server_.Log().find("agent a1 registered") != std::string::npos; },
                milliseconds(20'000)))
      << phone->Log() << server_.Log();
  ASSERT_TRUE(server_.Ready("a1"));

  // The caller presses 1 (support) 1.5 s after the answer, talks, and hangs up after 4 s.
  auto scenario = dir_.path() / "caller.xml";
  std::string press_one =
      "  <pause milliseconds=\"1500\"/>\n"
      "  <nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/dtmf_2833_1.pcap\"/>"
      "</action></nop>\n";
  std::ifstream hangup_in(kVoiceTests / "baresip" / "hangup.xml");
  std::string hangup((std::istreambuf_iterator<char>(hangup_in)), {});
  Fill(kVoiceTests / "scenarios" / "caller.xml", scenario,
       {{"ACTIONS", press_one}, {"END_BLOCK", hangup}});
  Fill(scenario, scenario, {{"HOLD_MS", "4000"}});
  SippProcess caller(
      "caller",
      {server_.target(), "-sf", scenario.string(), "-s", "2000", "-i", "127.0.0.1", "-p",
       std::to_string(FreePort()), "-mp", std::to_string(FreePort(/*even=*/true)), "-m", "1"},
      dir_.path());
  ASSERT_TRUE(caller.Start());
  EXPECT_EQ(caller.Wait(seconds(60)), 0) << caller.Output() << phone->Log() << server_.Log();

  std::vector<json> connected;
  ASSERT_TRUE(
      WaitUntil([&] { return !(connected = server_.EventsOf("interaction.connected")).empty(); },
                milliseconds(30'000)))
      << phone->Log() << server_.Log();
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_EQ(connected[0]["agent"], "a1");
  EXPECT_EQ(connected[0]["queue"], "support");  // the DTMF 1 took the support branch
  ASSERT_TRUE(WaitUntil([&] { return !server_.EventsOf("interaction.recorded").empty(); },
                        milliseconds(30'000)))
      << server_.Log();
  auto recorded = server_.EventsOf("interaction.recorded")[0];
  EXPECT_EQ(recorded["interaction"], connected[0]["interaction"]);
  EXPECT_GT(recorded["seconds"].get<double>(), 1.0);
  auto wav = server_.process().data_dir() / "recordings" / recorded["file"].get<std::string>();
  ChannelLevels levels = ReadLevels(wav);
  EXPECT_GT(levels.seconds, 1.0) << wav;
  EXPECT_GT(levels.rms[1], 100.0) << "baresip's tone is not in the agent's channel of " << wav;
}

}  // namespace
}  // namespace hotline::itest
