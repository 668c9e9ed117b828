#include "voice/sip/sdp.h"

#include <gtest/gtest.h>

namespace hotline::voice::sip {
namespace {

// Modelled on baresip 1.x: several codecs, dynamic opus, telephone-event, media-level c=, LF only.
constexpr char kBaresipOffer[] =
    "v=0\n"
    "o=- 1419528617 3398116186 IN IP4 192.168.1.20\n"
    "s=-\n"
    "t=0 0\n"
    "m=audio 10290 RTP/AVP 96 0 8 101\n"
    "c=IN IP4 192.168.1.20\n"
    "b=AS:128\n"
    "a=rtpmap:96 opus/48000/2\n"
    "a=fmtp:96 stereo=1;sprop-stereo=1\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-15\n"
    "a=sendrecv\n"
    "a=label:1\n"
    "a=ssrc:1830289046 cname:b8a1e4f7-2b3a\n"
    "a=rtcp-rsize\n";

// Modelled on Linphone: session-level c=, PCMA first among G.711, telephone-event 101 at 48 kHz
// and 8 kHz, a video stream after the audio.
constexpr char kLinphoneOffer[] =
    "v=0\r\n"
    "o=agent1 3180 2960 IN IP4 10.0.0.7\r\n"
    "s=Talk\r\n"
    "c=IN IP4 10.0.0.7\r\n"
    "t=0 0\r\n"
    "a=ice-pwd:1f2e3d\r\n"
    "m=audio 7078 RTP/AVP 96 97 8 0 101 100\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=rtpmap:97 speex/16000\r\n"
    "a=rtpmap:101 telephone-event/48000\r\n"
    "a=rtpmap:100 telephone-event/8000\r\n"
    "a=rtcp-fb:* trr-int 1000\r\n"
    "m=video 9078 RTP/AVP 96\r\n"
    "a=rtpmap:96 VP8/90000\r\n";

// Modelled on Zoiper: a dynamic payload type carrying PCMU, ptime 30, sendonly (hold).
constexpr char kZoiperOffer[] =
    "v=0\r\n"
    "o=Z 0 42 IN IP4 172.16.4.2\r\n"
    "s=Z\r\n"
    "c=IN IP4 172.16.4.2\r\n"
    "t=0 0\r\n"
    "m=audio 52000 RTP/AVP 106 9 98 3 110\r\n"
    "a=rtpmap:106 opus/48000/2\r\n"
    "a=rtpmap:98 pcmu/8000\r\n"
    "a=rtpmap:110 telephone-event/8000\r\n"
    "a=fmtp:110 0-16\r\n"
    "a=ptime:30\r\n"
    "a=sendonly\r\n";

// Modelled on sipp's uac_pcap scenario: static PCMU and event 101 without rtpmap for 0.
constexpr char kSippOffer[] =
    "v=0\r\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 0 101\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-11,16\r\n";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The offer in `body`, which the test expects to parse (an empty MediaOffer otherwise).
MediaOffer Parsed(std::string_view body) {
  auto offer = ParseSdp(body);
  EXPECT_TRUE(offer.ok()) << offer.error().message;
  return offer.ok() ? *offer : MediaOffer{};
}

// What Negotiate chose, in one comparable line.
std::string Chosen(const MediaOffer& offer) {
  auto n = Negotiate(offer);
  if (!n) return "none";
  return "pt " + std::to_string(n->payload_type) + (n->alaw ? " PCMA" : " PCMU") + " events " +
         std::to_string(n->telephone_event_pt) + " " + n->direction;
}

TEST(Sdp, BaresipOfferWithMediaLevelConnection) {
  MediaOffer offer = Parsed(kBaresipOffer);
  EXPECT_EQ(offer.ip, "192.168.1.20");
  EXPECT_EQ(offer.port, 10290);
  EXPECT_EQ(offer.payload_types, (std::vector<int>{96, 0, 8, 101}));
  EXPECT_EQ(offer.rtpmap[96], "opus/48000/2");
  EXPECT_EQ(offer.telephone_event_pt, 101);
  EXPECT_EQ(offer.direction, "sendrecv");
  EXPECT_EQ(Chosen(offer), "pt 0 PCMU events 101 sendrecv");
}

TEST(Sdp, LinphoneOfferPicksFirstG711AndEightKilohertzEvents) {
  MediaOffer offer = Parsed(kLinphoneOffer);
  EXPECT_EQ(offer.ip, "10.0.0.7");  // session-level c=
  EXPECT_EQ(offer.port, 7078);
  EXPECT_EQ(offer.telephone_event_pt, 100);
  // The video section's rtpmap:96 does not leak into the audio stream.
  EXPECT_EQ(offer.rtpmap[96], "opus/48000/2");
  EXPECT_EQ(offer.media_lines.size(), 2u);
  EXPECT_EQ(offer.audio_index, 0u);
  EXPECT_EQ(Chosen(offer), "pt 8 PCMA events 100 sendrecv");
}

TEST(Sdp, ZoiperDynamicPcmuIsAnsweredWithItsNumberAndMirroredDirection) {
  MediaOffer offer = Parsed(kZoiperOffer);
  EXPECT_EQ(offer.ptime_ms, 30);
  EXPECT_EQ(offer.direction, "sendonly");
  EXPECT_EQ(Chosen(offer), "pt 98 PCMU events 110 recvonly");
}

TEST(Sdp, SippStaticPcmuWithoutRtpmap) {
  EXPECT_EQ(Chosen(Parsed(kSippOffer)), "pt 0 PCMU events 101 sendrecv");
}

TEST(Sdp, NoG711MeansNoNegotiation) {
  EXPECT_EQ(Chosen(Parsed(Replace(kSippOffer, "RTP/AVP 0 101", "RTP/AVP 18 101"))), "none");
}

TEST(Sdp, RtpmapOverridesStaticNumber) {
  // pt 0 remapped to something else is not PCMU.
  EXPECT_EQ(Chosen(Parsed(std::string(kSippOffer) + "a=rtpmap:0 G722/8000\r\n")), "none");
}

TEST(Sdp, RejectedStreamIsNotNegotiated) {
  auto offer = ParseSdp(Replace(kSippOffer, "m=audio 6000", "m=audio 0"));
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->port, 0);
  EXPECT_FALSE(Negotiate(*offer).has_value());
}

TEST(Sdp, PlainRtpAudioAfterAnSrtpOneIsTakenWithItsOwnConnection) {
  MediaOffer offer = Parsed(
      "v=0\r\no=- 1 1 IN IP4 10.9.9.9\r\ns=-\r\nc=IN IP4 10.9.9.9\r\nt=0 0\r\n"
      "m=audio 5004 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\n"
      "m=audio 5006 RTP/AVP 8\r\nc=IN IP4 224.2.1.1/127\r\na=recvonly\r\n");
  EXPECT_EQ(offer.port, 5006);
  EXPECT_EQ(offer.ip, "224.2.1.1");  // media level wins, TTL dropped
  EXPECT_EQ(offer.audio_index, 1u);
  EXPECT_EQ(Chosen(offer), "pt 8 PCMA events -1 sendonly");
}

TEST(Sdp, SrtpOnlyAudioIsRefused) {
  auto offer = ParseSdp(Replace(kSippOffer, "RTP/AVP", "RTP/SAVP"));
  ASSERT_FALSE(offer.ok());
  EXPECT_NE(offer.error().message.find("no RTP/AVP audio m= line"), std::string::npos);
}

struct BadSdp {
  std::string name;
  std::string body;
  std::string message;  // expected in the error
};

class SdpErrors : public testing::TestWithParam<BadSdp> {};

TEST_P(SdpErrors, NameTheProblem) {
  auto offer = ParseSdp(GetParam().body);
  ASSERT_FALSE(offer.ok());
  EXPECT_EQ(offer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(offer.error().message.find(GetParam().message), std::string::npos)
      << offer.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Sdp, SdpErrors,
    testing::Values(
        BadSdp{"Ipv6", Replace(kSippOffer, "c=IN IP4 127.0.0.1", "c=IN IP6 ::1"),
               "line 4: c= is not IN IP4"},
        BadSdp{"BadAddress", Replace(kSippOffer, "IN IP4 127.0.0.1\r\nt", "IN IP4 300.1.1.1\r\nt"),
               "line 4: bad IPv4 address"},
        BadSdp{"MissingM", std::string(kSippOffer).substr(0, std::string(kSippOffer).find("m=")),
               "missing m= line"},
        BadSdp{"MissingC", Replace(kSippOffer, "c=IN IP4 127.0.0.1\r\n", ""), "missing c= line"},
        BadSdp{"MissingV", Replace(kSippOffer, "v=0\r\n", ""), "missing v= line"},
        BadSdp{"MissingO", Replace(kSippOffer, "o=user1", "x=user1"), "missing o= line"},
        BadSdp{"PortRange", Replace(kSippOffer, "m=audio 6000", "m=audio 70000"),
               "line 6: port out of range"},
        BadSdp{"TextPayload", Replace(kSippOffer, "RTP/AVP 0 101", "RTP/AVP 0 PCMA"),
               "line 6: payload type is not a number"},
        BadSdp{"ShortM", Replace(kSippOffer, "m=audio 6000 RTP/AVP 0 101", "m=audio 6000 RTP/AVP"),
               "line 6: bad m= line"},
        BadSdp{"Junk", "GET / HTTP/1.1\r\nHost: x\r\n", "line 1: not a type=value line"},
        BadSdp{"Empty", "", "missing v= line"},
        BadSdp{"BadRtpmap", std::string(kSippOffer) + "a=rtpmap:x PCMU/8000\r\n",
               "line 9: bad a=rtpmap"},
        BadSdp{"BadPtime", std::string(kSippOffer) + "a=ptime:-5\r\n", "line 9: bad a=ptime"},
        BadSdp{"TooLarge", std::string(kSippOffer) + std::string(17000, 'a'), "over 16 KiB"}),
    [](const testing::TestParamInfo<BadSdp>& info) { return info.param.name; });

TEST(Sdp, MoreThanSixtyFourPayloadTypesAreRefused) {
  std::string many = "RTP/AVP";
  for (int pt = 0; pt < 65; ++pt) many += " " + std::to_string(pt);
  auto offer = ParseSdp(Replace(kSippOffer, "RTP/AVP 0 101", many));
  ASSERT_FALSE(offer.ok());
  EXPECT_NE(offer.error().message.find("line 6: more than 64"), std::string::npos);
  many.resize(many.rfind(' '));  // 64 is still fine
  EXPECT_TRUE(ParseSdp(Replace(kSippOffer, "RTP/AVP 0 101", many)).ok());
}

TEST(Sdp, AnswerReadsBackAsWhatWasNegotiated) {
  std::string answer = WriteSdpAnswer("203.0.113.5", 40000, Negotiated{98, false, 110}, 77);
  EXPECT_EQ(answer.find('\n'), answer.find("\r\n") + 1);  // CRLF
  EXPECT_NE(answer.find("o=hotline 77 77 IN IP4 203.0.113.5\r\n"), std::string::npos);
  EXPECT_NE(answer.find("s=Hotline\r\n"), std::string::npos);
  EXPECT_NE(answer.find("t=0 0\r\n"), std::string::npos);
  EXPECT_NE(answer.find("a=fmtp:110 0-16\r\n"), std::string::npos);
  auto back = ParseSdp(answer);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->ip, "203.0.113.5");
  EXPECT_EQ(back->port, 40000);
  EXPECT_EQ(back->payload_types, (std::vector<int>{98, 110}));
  EXPECT_EQ(back->rtpmap.at(98), "PCMU/8000");
  EXPECT_EQ(back->telephone_event_pt, 110);
  EXPECT_EQ(back->ptime_ms, 20);
  EXPECT_EQ(back->direction, "sendrecv");
}

TEST(Sdp, AnswerWithoutOfferedEventsAddsNone) {
  std::string answer = WriteSdpAnswer("10.1.1.1", 4000, Negotiated{8, true, -1}, 1);
  auto back = ParseSdp(answer);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->payload_types, (std::vector<int>{8}));
  EXPECT_EQ(back->telephone_event_pt, -1);
  EXPECT_EQ(answer.find("telephone-event"), std::string::npos);
}

TEST(Sdp, AnswerRejectsOtherStreamsInTheirPlaces) {
  auto offer = ParseSdp(kLinphoneOffer);
  ASSERT_TRUE(offer.ok());
  auto n = Negotiate(*offer);
  ASSERT_TRUE(n.has_value());
  std::string answer = WriteSdpAnswer("10.0.0.1", 30000, *n, 5, &offer.value());
  size_t audio = answer.find("m=audio 30000 RTP/AVP 8 100\r\n");
  size_t video = answer.find("m=video 0 RTP/AVP 96\r\n");
  ASSERT_NE(audio, std::string::npos) << answer;
  ASSERT_NE(video, std::string::npos) << answer;
  EXPECT_LT(audio, video);
  auto back = ParseSdp(answer);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->media_lines.size(), 2u);
}

TEST(Sdp, OfferListsG711AndEvents) {
  std::string text = WriteSdpOffer("192.0.2.9", 20000, 123456789012345ull);
  auto offer = ParseSdp(text);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(offer->payload_types, (std::vector<int>{0, 8, 101}));
  EXPECT_EQ(offer->rtpmap.at(0), "PCMU/8000");
  EXPECT_EQ(offer->rtpmap.at(8), "PCMA/8000");
  EXPECT_EQ(offer->telephone_event_pt, 101);
  EXPECT_NE(text.find("o=hotline 123456789012345 123456789012345 IN IP4 192.0.2.9\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("a=fmtp:101 0-16\r\n"), std::string::npos);
  auto n = Negotiate(*offer);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->payload_type, 0);
}

}  // namespace
}  // namespace hotline::voice::sip
