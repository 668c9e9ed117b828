#include "server/voice_settings.h"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "shard/center_document.h"

namespace hotline::server {
namespace {

using nlohmann::json;

Result<uint16_t> Port(std::string_view text, const std::string& field) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != text.npos) {
    return Error::InvalidArgument("'" + std::string(text) + "' is not a port number", field);
  }
  int v = std::stoi(std::string(text));
  if (v < 1 || v > 65535) {
    return Error::InvalidArgument("port " + std::string(text) + " is out of range", field);
  }
  return static_cast<uint16_t>(v);
}

Status ReadSection(const json& voice, VoiceSettings& out) {
  if (!voice.is_object()) return Error::InvalidArgument("must be a map", "voice");
  for (const auto& [key, value] : voice.items()) {
    std::string field = "voice." + key;
    if (key == "realm") {
      if (!value.is_string() || value.get<std::string>().empty() ||
          value.get<std::string>().size() > 64 ||
          value.get<std::string>().find('"') != std::string::npos) {
        return Error::InvalidArgument("must be a name of 1 to 64 characters, no quotes", field);
      }
      out.realm = value.get<std::string>();
    } else if (key == "rtp_ports") {
      std::string text = value.is_string() ? value.get<std::string>() : "";
      size_t dash = text.find('-');
      if (dash == std::string::npos) {
        return Error::InvalidArgument("must be a range 'LOW-HIGH', e.g. 20000-30000", field);
      }
      auto low = Port(text.substr(0, dash), field);
      if (!low.ok()) return low.error();
      auto high = Port(text.substr(dash + 1), field);
      if (!high.ok()) return high.error();
      if (*high < *low + 3) return Error::InvalidArgument("the range holds no RTP port", field);
      out.rtp_port_min = *low;
      out.rtp_port_max = *high;
    } else if (key == "max_calls") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1 ||
          value.get<int64_t>() > 100'000) {
        return Error::InvalidArgument("must be an integer from 1 to 100000", field);
      }
      out.max_calls = value.get<int>();
    } else if (key == "agents") {
      if (!value.is_object()) return Error::InvalidArgument("must be a map of agents", field);
      for (const auto& [agent, entry] : value.items()) {
        std::string at = field + "." + agent + ".uri";
        if (!entry.is_object() || !entry.contains("uri") || !entry["uri"].is_string()) {
          return Error::InvalidArgument("must be {uri: \"sip:...\"}", field + "." + agent);
        }
        std::string uri = entry["uri"].get<std::string>();
        if (uri.rfind("sip:", 0) != 0 || uri.size() > 256 ||
            uri.find_first_of(" \r\n<>\"") != std::string::npos) {
          return Error::InvalidArgument("must be a SIP URI such as sip:a5@192.0.2.10:5060", at);
        }
        out.agent_uris[agent] = uri;
      }
    } else {
      return Error::InvalidArgument("unknown key (expected realm, rtp_ports, max_calls or agents)",
                                    field);
    }
  }
  return {};
}

}  // namespace

Result<VoiceSettings> ParseVoiceSettings(std::string_view sip, std::string_view center_yaml) {
  VoiceSettings out;
  size_t colon = sip.rfind(':');
  if (colon == std::string_view::npos) {
    return Error::InvalidArgument("--sip must be HOST:PORT, e.g. 127.0.0.1:5060", "sip");
  }
  out.ip = std::string(sip.substr(0, colon));
  in_addr addr{};
  if (::inet_pton(AF_INET, out.ip.c_str(), &addr) != 1) {
    return Error::InvalidArgument("--sip's host must be an IPv4 address, not '" + out.ip + "'",
                                  "sip");
  }
  auto port = Port(sip.substr(colon + 1), "sip");
  if (!port.ok()) return port.error();
  out.sip_port = *port;
  auto doc = shard::YamlToJson(center_yaml);
  if (!doc.ok()) return doc.error();
  if (doc->is_object() && doc->contains("voice")) {
    if (Status s = ReadSection((*doc)["voice"], out); !s.ok()) return s.error();
  }
  return out;
}

}  // namespace hotline::server
