// The `voice` section of hotline.yaml and the --sip option, read into one value (docs/voice.md):
//
//   voice:
//     realm: hotline              # digest realm of the agents' phones
//     rtp_ports: 20000-30000      # even ports for RTP, the next odd one for RTCP
//     max_calls: 500              # calls in progress; past it, 503 with Retry-After
//     agents:                     # agents reached at a fixed address instead of a registration
//       a5: {uri: "sip:a5@192.0.2.10:5060"}
//
// Errors are InvalidArgument naming the key ("voice.rtp_ports").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace hotline::server {

struct VoiceSettings {
  std::string ip;
  uint16_t sip_port = 5060;
  std::string realm = "hotline";
  uint16_t rtp_port_min = 20000;
  uint16_t rtp_port_max = 30000;
  int max_calls = 500;
  std::map<std::string, std::string> agent_uris;
};

// `sip` is --sip's HOST:PORT (an IPv4 address: it is also written in our SDP).
[[nodiscard]] Result<VoiceSettings> ParseVoiceSettings(std::string_view sip,
                                                       std::string_view center_yaml);

}  // namespace hotline::server
