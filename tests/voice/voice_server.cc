#include "voice/voice_server.h"

#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "support/wait.h"
#include "voice/sipp_process.h"

namespace hotline::itest {

using nlohmann::json;

::testing::AssertionResult VoiceServer::Start(const std::map<std::string, std::string>& values) {
  sip_port_ = FreePort();
  std::map<std::string, std::string> all = {{"OFFER_TIMEOUT", "20s"},
                                            {"MAX_CALLS", "50"},
                                            {"A2_URI", "sip:a2@127.0.0.1:9"},
                                            {"TRANSFER_URI", "sip:operator@127.0.0.1:9"}};
  for (const auto& [k, v] : values) all[k] = v;
  Fill(kVoiceTests / "voice_center.yaml", dir_ / "center.yaml", all);
  ServerProcess::Options options;
  options.config = dir_ / "center.yaml";
  options.extra_args = {"--sip", target()};
  server_ = std::make_unique<ServerProcess>(options);
  if (auto started = server_->Start(); !started) return started;
  http_ = std::make_unique<HttpClient>(server_->port());
  auto login = http_->Post(
      "/api/v1/login", json{{"username", "admin"}, {"password", server_->AdminPassword()}}.dump());
  if (login.status != 200) {
    return ::testing::AssertionFailure() << "login: " << login.status << " " << login.body;
  }
  token_ = login.Json()["token"];
  return ::testing::AssertionSuccess();
}

bool VoiceServer::Ready(const std::string& agent) {
  auto r = http_->Post("/api/v1/agents/" + agent + "/presence", R"({"presence":"ready"})", token_);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200;
}

json VoiceServer::Events() {
  auto r = http_->Get("/api/v1/events?limit=1000", token_);
  return r.status == 200 ? r.Json()["events"] : json::array();
}

std::vector<json> VoiceServer::EventsOf(const std::string& type) {
  std::vector<json> out;
  json events = Events();
  for (const auto& e : events) {
    if (e["type"] == type) out.push_back(e["data"]);
  }
  return out;
}

bool VoiceServer::WaitForEvent(const std::string& type, std::chrono::milliseconds deadline) {
  return WaitUntil([&] { return !EventsOf(type).empty(); }, deadline);
}

std::string VoiceServer::SipPassword(const std::string& agent) const {
  std::ifstream in(server_->data_dir() / "sip-accounts");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string id, user, password;
    if (words >> id >> user >> password && id == agent) return password;
  }
  return {};
}

ChannelLevels ReadLevels(const std::filesystem::path& wav) {
  ChannelLevels out;
  SF_INFO info{};
  SNDFILE* f = sf_open(wav.c_str(), SFM_READ, &info);
  if (f == nullptr) return out;
  std::vector<short> samples(static_cast<size_t>(info.frames * info.channels));
  sf_readf_short(f, samples.data(), info.frames);
  sf_close(f);
  if (info.channels != 2 || info.frames == 0) return out;
  out.channels = 2;
  auto frames = static_cast<double>(info.frames);
  out.seconds = frames / info.samplerate;
  for (int c = 0; c < 2; ++c) {
    double sum = 0;
    for (sf_count_t i = 0; i < info.frames; ++i) {
      double s = samples[static_cast<size_t>(i * 2 + c)];
      sum += s * s;
    }
    out.rms[c] = std::sqrt(sum / frames);
  }
  return out;
}

}  // namespace hotline::itest
