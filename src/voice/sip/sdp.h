// SDP for audio calls (RFC 4566 syntax, RFC 3264 offer/answer): reading the peer's offer or
// answer, choosing the codec, and writing our own SDP. Hotline speaks G.711 only (PCMU, PCMA)
// plus RFC 4733 telephone-event for DTMF, over plain RTP/AVP on IPv4.
//
// Error contract: ParseSdp never trusts its input; every rejection is an InvalidArgument whose
// message names the line ("line 4: bad m= line"). The writers take values we chose and cannot
// fail. Thread-safety: pure functions, no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hotline::voice::sip {

inline constexpr size_t kMaxSdpBytes = 16 * 1024;
inline constexpr size_t kMaxPayloadTypes = 64;
inline constexpr int kPayloadPcmu = 0;
inline constexpr int kPayloadPcma = 8;
inline constexpr int kOurTelephoneEventPt = 101;  // what we offer for RFC 4733 events

// What one side's SDP says about its (first RTP/AVP) audio stream.
struct MediaOffer {
  std::string ip;                      // c= at media level, else session level ("IN IP4")
  uint16_t port = 0;                   // m=audio PORT RTP/AVP ...; 0 = stream rejected
  std::vector<int> payload_types;      // in preference order
  std::map<int, std::string> rtpmap;   // pt -> "PCMU/8000", "telephone-event/8000"
  int telephone_event_pt = -1;         // from a=rtpmap:N telephone-event/8000
  std::string direction = "sendrecv";  // sendrecv / sendonly / recvonly / inactive
  int ptime_ms = 20;                   // a=ptime, media level over session level
  // Every m= line of the body in order, as "media port proto fmt..." (the audio one included),
  // so that an answer can reject the streams we do not take with port 0 (RFC 3264 §6).
  std::vector<std::string> media_lines;
  size_t audio_index = 0;  // which of media_lines is the audio stream described above
};

// Parses an SDP body. Lines end in CRLF or LF. InvalidArgument naming the line for: a body over
// 16 KiB, a line that is not "x=value", missing v=/o=/c=/m=, no RTP/AVP audio m= line, a c= that
// is not "IN IP4 a.b.c.d", a port out of range, non-numeric payload types, more than 64 payload
// types, a bad a=rtpmap or a=ptime.
[[nodiscard]] Result<MediaOffer> ParseSdp(std::string_view body);

// The codec we answer with.
struct Negotiated {
  int payload_type;        // the offer's number for PCMU or PCMA
  bool alaw;               // true for PCMA
  int telephone_event_pt;  // the offer's telephone-event number, -1 when it offered none
  std::string direction = "sendrecv";  // ours: the mirror of the offer's (RFC 3264 §6.1)
};

// The first of the offer's payload types that is PCMU or PCMA: static 0 / 8 without rtpmap, or
// any number whose rtpmap says PCMU/8000 or PCMA/8000. nullopt when there is none or the offer's
// port is 0 (the caller answers 488 Not Acceptable Here).
std::optional<Negotiated> Negotiate(const MediaOffer& offer);

// Our answer: one codec, plus telephone-event with the offer's number (a=fmtp 0-16) when the
// offer had one (an answer may not add formats, RFC 3264 §6.1). o= carries session_id as both id
// and version; s=Hotline, c=IN IP4 ip, t=0 0, a=ptime:20, the direction. CRLF line ends. When
// `offer` is given, its other m= lines are answered with port 0 in their places (RFC 3264 §6).
std::string WriteSdpAnswer(const std::string& ip, uint16_t port, const Negotiated& n,
                           uint64_t session_id, const MediaOffer* offer = nullptr);

// Our offer: PCMU, PCMA and telephone-event/8000 as 101, a=ptime:20, a=sendrecv.
std::string WriteSdpOffer(const std::string& ip, uint16_t port, uint64_t session_id);

}  // namespace hotline::voice::sip
