// The voice tests' server: `hotline serve --sip` on free ports with voice_center.yaml, an admin
// token, and the reads the tests share (events, SIP passwords, recordings' levels).
//
//   VoiceServer server(dir);                    // dir: the test's temporary directory
//   ASSERT_TRUE(server.Start({{"MAX_CALLS", "1"}}));
//   server.Ready("a2");
//   ASSERT_TRUE(server.WaitForEvent("interaction.connected"));
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/server_process.h"

namespace hotline::itest {

inline const std::filesystem::path kVoiceTests = HOTLINE_VOICE_TESTS;

class VoiceServer {
 public:
  explicit VoiceServer(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Fills voice_center.yaml's placeholders (`values` over the defaults: OFFER_TIMEOUT 20s,
  // MAX_CALLS 50, A2_URI and TRANSFER_URI on port 9), starts the server and logs in as admin.
  ::testing::AssertionResult Start(const std::map<std::string, std::string>& values = {});

  HttpClient& http() { return *http_; }
  const std::string& token() const { return token_; }
  uint16_t sip_port() const { return sip_port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(sip_port_); }
  ServerProcess& process() { return *server_; }
  std::string Log() const { return server_ ? server_->Log(8000) : ""; }

  // POST /agents/{agent}/presence ready; false (with a gtest failure) when refused.
  bool Ready(const std::string& agent);
  nlohmann::json Events();                                        // the first 1,000
  std::vector<nlohmann::json> EventsOf(const std::string& type);  // their data, in log order
  bool WaitForEvent(const std::string& type,
                    std::chrono::milliseconds deadline = std::chrono::milliseconds(30'000));
  // The SIP password the server gave `agent` (DATA/sip-accounts: "agent username password").
  std::string SipPassword(const std::string& agent) const;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> http_;
  std::string token_;
  uint16_t sip_port_ = 0;
};

// A stereo recording's length and the RMS level of each channel (0 = caller, 1 = agent); all
// zero when the file cannot be read or is not stereo.
struct ChannelLevels {
  double rms[2] = {0, 0};
  double seconds = 0;
  int channels = 0;
};
ChannelLevels ReadLevels(const std::filesystem::path& wav);

}  // namespace hotline::itest
