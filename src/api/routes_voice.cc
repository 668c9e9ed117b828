// Voice: the SIP side's state, call recordings, and supervisors joining live calls.
#include <fstream>
#include <iterator>

#include "api/api_impl.h"
#include "api/errors.h"

namespace hotline::api {
namespace {

constexpr size_t kMaxRecordingBytes = size_t{512} << 20;  // 512 MiB: about 4.6 hours of stereo

Error VoiceOff() { return Error::NotFound("voice is off (start the server with --sip)"); }

}  // namespace

void Api::Impl::VoiceState(Call& call) {
  if (voice == nullptr) return call.Fail(VoiceOff());
  json phones = json::array();
  for (const auto& r : voice->Registrations()) {
    phones.push_back({{"agent", r.agent},
                      {"contact", r.contact},
                      {"user_agent", r.user_agent},
                      {"expires_at", FormatRfc3339(r.expires)}});
  }
  json counters = json::object();
  for (const auto& [name, value] : voice->Counters()) counters[name] = value;
  call.Reply({{"sip", voice->sip_address()}, {"registrations", phones}, {"calls", counters}});
}

void Api::Impl::Recording(Call& call) {
  if (voice == nullptr) return call.Fail(VoiceOff());
  auto id = NumericId(call.params[0], "interaction");
  if (!id.ok()) return call.Fail(id.error());
  std::string text = std::to_string(*id);
  std::filesystem::path file = voice->RecordingsDir() / (text + ".wav");
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    return call.Fail(Error::NotFound("interaction " + text + " has no recording", "id"));
  }
  if (size > kMaxRecordingBytes) {
    return call.Fail(Error::ResourceExhausted("the recording is too large to serve", "id"));
  }
  std::ifstream in(file, std::ios::binary);
  http::Response r;
  r.content_type = "audio/wav";
  r.body.assign(std::istreambuf_iterator<char>(in), {});
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"interaction-" + text + ".wav\"");
  r.headers.emplace_back("Cache-Control", "private, no-store");
  call.respond(std::move(r));
}

void Api::Impl::MonitorCall(Call& call) {
  if (voice == nullptr) return call.Fail(VoiceOff());
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  auto mode = body->String("mode", true, 16);
  if (!mode.ok()) return call.Fail(mode.error());
  auto agent = body->String("agent", false, 64);
  if (!agent.ok()) return call.Fail(agent.error());
  auto uri = body->String("uri", false, 256);
  if (!uri.ok()) return call.Fail(uri.error());
  if (Status s = body->Finish(); !s.ok()) return call.Fail(s.error());
  if (**mode != "listen" && **mode != "whisper" && **mode != "barge") {
    return call.Fail(Error::InvalidArgument("mode is listen, whisper or barge", "mode"));
  }
  std::string phone_agent = *agent ? **agent : call.who->agent_id;
  std::string phone_uri = *uri ? **uri : "";
  if (!phone_uri.empty() && (phone_uri.rfind("sip:", 0) != 0 ||
                             phone_uri.find_first_of(" \r\n<>\"") != std::string::npos)) {
    return call.Fail(Error::InvalidArgument("uri must be a SIP URI (sip:...)", "uri"));
  }
  if (phone_uri.empty() && phone_agent.empty()) {
    return call.Fail(Error::InvalidArgument(
        "give the supervisor's phone: agent (a registered phone) or uri", "agent"));
  }
  auto id = NumericId(call.params[0], "interaction");
  if (!id.ok()) return call.Fail(id.error());
  if (Status s = voice->Monitor(*id, **mode, phone_agent, phone_uri); !s.ok()) {
    return call.Fail(s.error());
  }
  call.Reply({{"interaction", *id},
              {"mode", **mode},
              {"phone", phone_uri.empty() ? phone_agent : phone_uri}},
             202);
}

}  // namespace hotline::api
