#include "voice/sip/sdp.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>

namespace hotline::voice::sip {

namespace {

struct SdpLine {
  int number;  // 1-based, for error messages
  char type;
  std::string_view value;
};

// One m= line and the lines below it (RFC 4566 §5: media descriptions follow the session part).
struct MediaSection {
  SdpLine m;
  std::vector<SdpLine> lines;
};

Error LineError(int number, std::string_view what) {
  return Error::InvalidArgument(fmt::format("line {}: {}", number, what), "sdp");
}

std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// Digits only, no sign, within [min, max].
bool ParseNumber(std::string_view text, int min, int max, int* out) {
  if (text.empty() || text.size() > 9) return false;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

bool IsIpv4(std::string_view text) {
  int parts = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t dot = text.find('.', i);
    if (dot == std::string_view::npos) dot = text.size();
    int octet = 0;
    if (!ParseNumber(text.substr(i, dot - i), 0, 255, &octet) || dot - i > 3) return false;
    ++parts;
    i = dot + 1;
  }
  return parts == 4;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsDirection(std::string_view a) {
  return a == "sendrecv" || a == "sendonly" || a == "recvonly" || a == "inactive";
}

// Splits the body into typed lines: the session part and one section per m= line.
Result<std::vector<MediaSection>> SplitSections(std::string_view body,
                                                std::vector<SdpLine>* session) {
  std::vector<MediaSection> sections;
  int number = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view text = body.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.empty()) continue;  // a trailing blank line is common; tolerate any
    if (text.size() < 2 || text[1] != '=' || !std::isalpha(static_cast<unsigned char>(text[0]))) {
      return LineError(number, "not a type=value line");
    }
    SdpLine line{number, text[0], text.substr(2)};
    if (line.type == 'm') {
      sections.push_back({line, {}});
    } else if (sections.empty()) {
      session->push_back(line);
    } else {
      sections.back().lines.push_back(line);
    }
  }
  return sections;
}

// RFC 4566 §5.7: c=IN IP4 address[/ttl].
Result<std::string> ParseConnection(const SdpLine& line) {
  auto fields = SplitSpaces(line.value);
  if (fields.size() != 3 || fields[0] != "IN" || fields[1] != "IP4") {
    return LineError(line.number, "c= is not IN IP4");
  }
  std::string_view address = fields[2].substr(0, fields[2].find('/'));
  if (!IsIpv4(address)) return LineError(line.number, "bad IPv4 address in c=");
  return std::string(address);
}

bool IsRtpAvpAudio(const SdpLine& m) {
  auto fields = SplitSpaces(m.value);
  return fields.size() >= 3 && fields[0] == "audio" &&
         (fields[2] == "RTP/AVP" || fields[2] == "RTP/AVPF");
}

// RFC 4566 §5.14: m=audio port[/count] RTP/AVP fmt ...
Status ParseAudioMediaLine(const SdpLine& m, MediaOffer* offer) {
  auto fields = SplitSpaces(m.value);
  if (fields.size() < 4) return LineError(m.number, "bad m= line");
  int port = 0;
  if (!ParseNumber(fields[1].substr(0, fields[1].find('/')), 0, 65535, &port)) {
    return LineError(m.number, "port out of range in m= line");
  }
  offer->port = static_cast<uint16_t>(port);
  if (fields.size() - 3 > kMaxPayloadTypes) {
    return LineError(m.number, "more than 64 payload types in m= line");
  }
  for (size_t i = 3; i < fields.size(); ++i) {
    int pt = 0;
    if (!ParseNumber(fields[i], 0, 127, &pt)) {
      return LineError(m.number, "payload type is not a number from 0 to 127 in m= line");
    }
    offer->payload_types.push_back(pt);
  }
  return Status();
}

// Attributes of the audio stream; media-level lines come after session-level ones and win.
Status ApplyAttribute(const SdpLine& line, MediaOffer* offer) {
  std::string_view a = line.value;
  if (IsDirection(a)) {
    offer->direction = std::string(a);
  } else if (a.starts_with("ptime:")) {
    if (!ParseNumber(a.substr(6), 1, 1000, &offer->ptime_ms)) {
      return LineError(line.number, "bad a=ptime");
    }
  } else if (a.starts_with("rtpmap:")) {
    auto fields = SplitSpaces(a.substr(7));
    int pt = 0;
    if (fields.size() != 2 || !ParseNumber(fields[0], 0, 127, &pt) ||
        fields[1].find('/') == std::string_view::npos) {
      return LineError(line.number, "bad a=rtpmap");
    }
    offer->rtpmap[pt] = std::string(fields[1]);
  }
  return Status();
}

}  // namespace

Result<MediaOffer> ParseSdp(std::string_view body) {
  if (body.size() > kMaxSdpBytes) {
    return Error::InvalidArgument("SDP body over 16 KiB", "sdp");
  }
  std::vector<SdpLine> session;
  auto sections = SplitSections(body, &session);
  if (!sections.ok()) return sections.error();
  auto has = [&](char type) {
    return std::any_of(session.begin(), session.end(),
                       [type](const SdpLine& l) { return l.type == type; });
  };
  if (!has('v')) return Error::InvalidArgument("missing v= line", "sdp");
  if (!has('o')) return Error::InvalidArgument("missing o= line", "sdp");
  if (sections->empty()) return Error::InvalidArgument("missing m= line", "sdp");

  MediaOffer offer;
  const MediaSection* audio = nullptr;
  for (const MediaSection& section : *sections) {
    if (audio == nullptr && IsRtpAvpAudio(section.m)) {
      audio = &section;
      offer.audio_index = offer.media_lines.size();
    }
    offer.media_lines.emplace_back(section.m.value);
  }
  if (audio == nullptr) return Error::InvalidArgument("no RTP/AVP audio m= line", "sdp");
  if (Status s = ParseAudioMediaLine(audio->m, &offer); !s.ok()) return s.error();

  const SdpLine* connection = nullptr;
  const std::vector<SdpLine>* levels[] = {&session, &audio->lines};  // media level wins
  for (const std::vector<SdpLine>* lines : levels) {
    for (const SdpLine& line : *lines) {
      if (line.type == 'c') connection = &line;
      if (line.type != 'a') continue;
      if (Status s = ApplyAttribute(line, &offer); !s.ok()) return s.error();
    }
  }
  if (connection == nullptr) return Error::InvalidArgument("missing c= line", "sdp");
  auto ip = ParseConnection(*connection);
  if (!ip.ok()) return ip.error();
  offer.ip = std::move(*ip);

  for (int pt : offer.payload_types) {
    auto it = offer.rtpmap.find(pt);
    if (it != offer.rtpmap.end() && EqualsNoCase(it->second, "telephone-event/8000")) {
      offer.telephone_event_pt = pt;
      break;
    }
  }
  return offer;
}

std::optional<Negotiated> Negotiate(const MediaOffer& offer) {
  if (offer.port == 0) return std::nullopt;
  static const std::map<std::string, std::string> kMirror = {
      {"sendonly", "recvonly"}, {"recvonly", "sendonly"}, {"inactive", "inactive"}};
  auto mirror = kMirror.find(offer.direction);
  std::string direction = mirror == kMirror.end() ? "sendrecv" : mirror->second;
  for (int pt : offer.payload_types) {
    auto it = offer.rtpmap.find(pt);
    bool pcmu =
        it == offer.rtpmap.end() ? pt == kPayloadPcmu : EqualsNoCase(it->second, "PCMU/8000");
    bool pcma =
        it == offer.rtpmap.end() ? pt == kPayloadPcma : EqualsNoCase(it->second, "PCMA/8000");
    if (pcmu || pcma) return Negotiated{pt, pcma, offer.telephone_event_pt, direction};
  }
  return std::nullopt;
}

namespace {

std::string SessionPart(const std::string& ip, uint64_t session_id) {
  return fmt::format(
      "v=0\r\no=hotline {0} {0} IN IP4 {1}\r\ns=Hotline\r\nc=IN IP4 {1}\r\nt=0 0\r\n", session_id,
      ip);
}

std::string TelephoneEvent(int pt) {
  return fmt::format("a=rtpmap:{0} telephone-event/8000\r\na=fmtp:{0} 0-16\r\n", pt);
}

// RFC 3264 §6: a stream we do not take is answered with its m= line and port 0.
std::string RejectedMediaLine(std::string_view offered) {
  auto fields = SplitSpaces(offered);
  std::string line = fmt::format("m={} 0", fields.empty() ? "" : fields[0]);
  for (size_t i = 2; i < fields.size(); ++i)
    fmt::format_to(std::back_inserter(line), " {}", fields[i]);
  return line + "\r\n";
}

}  // namespace

std::string WriteSdpAnswer(const std::string& ip, uint16_t port, const Negotiated& n,
                           uint64_t session_id, const MediaOffer* offer) {
  std::string audio = fmt::format("m=audio {} RTP/AVP {}", port, n.payload_type);
  if (n.telephone_event_pt >= 0)
    fmt::format_to(std::back_inserter(audio), " {}", n.telephone_event_pt);
  fmt::format_to(std::back_inserter(audio), "\r\na=rtpmap:{} {}/8000\r\n", n.payload_type,
                 n.alaw ? "PCMA" : "PCMU");
  if (n.telephone_event_pt >= 0) audio += TelephoneEvent(n.telephone_event_pt);
  fmt::format_to(std::back_inserter(audio), "a=ptime:20\r\na={}\r\n", n.direction);

  std::string sdp = SessionPart(ip, session_id);
  if (offer == nullptr || offer->media_lines.empty()) return sdp + audio;
  for (size_t i = 0; i < offer->media_lines.size(); ++i) {
    sdp += i == offer->audio_index ? audio : RejectedMediaLine(offer->media_lines[i]);
  }
  return sdp;
}

std::string WriteSdpOffer(const std::string& ip, uint16_t port, uint64_t session_id) {
  return SessionPart(ip, session_id) +
         fmt::format(
             "m=audio {0} RTP/AVP {1} {2} {3}\r\na=rtpmap:{1} PCMU/8000\r\n"
             "a=rtpmap:{2} PCMA/8000\r\n",
             port, kPayloadPcmu, kPayloadPcma, kOurTelephoneEventPt) +
         TelephoneEvent(kOurTelephoneEventPt) + "a=ptime:20\r\na=sendrecv\r\n";
}

}  // namespace hotline::voice::sip
