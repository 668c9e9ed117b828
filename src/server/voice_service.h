// Voice in `hotline serve --sip HOST:PORT`: wires the SIP stack, the media engine, the prompts and
// the call center (src/voice) to the running shard.
//
// Data directory: sip-accounts (0600; each voice agent's SIP username and password, created on
// first start), prompt-cache/ (synthesized prompts), recordings/ (INTERACTION.wav per answered
// call, voicemail-N.wav). The flows come from the center file the server was started with
// (hotline.yaml's flows, numbers and hours); its `voice` section sets the rest
// (docs/voice.md).
//
// Thread-safety: created, used and destroyed on the loop thread.
#pragma once

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"

namespace hotline::shard {
class Shard;
}
namespace hotline::api {
class VoicePort;
}

namespace hotline::server {

struct VoiceOptions {
  std::string sip;  // HOST:PORT to listen on (UDP and TCP); the host is also our RTP address
  std::filesystem::path data_dir;
  std::string config_text;  // the center file's text
  std::string config_name;  // for messages
};

class VoiceService {
 public:
  static Result<std::unique_ptr<VoiceService>> Start(boost::asio::io_context& io,
                                                     shard::Shard& shard,
                                                     const VoiceOptions& options);
  ~VoiceService();
  // Hangs up every call and stops listening; called before the shard stops accepting commands.
  void Stop();
  uint16_t sip_port() const;
  // Voice for the API (recordings, monitoring, registrations); void after Stop.
  api::VoicePort* api_port() const;

  struct Impl;

 private:
  explicit VoiceService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::server
