#include "server/voice_service.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/voice_port.h"
#include "base/clock.h"
#include "base/log.h"
#include "config/flow_file.h"
#include "server/voice_settings.h"
#include "shard/shard.h"
#include "voice/calls/call_center.h"
#include "voice/media/prompts.h"
#include "voice/rtp/media_engine.h"
#include "voice/sip/registrar.h"
#include "voice/sip/sip_accounts.h"

namespace hotline::server {
namespace {

using nlohmann::json;

// The shard as the call center sees it: voice's actions become shard commands by actor "voice".
class ShardCenterPort final : public voice::CenterPort {
 public:
  explicit ShardCenterPort(shard::Shard& shard) : shard_(shard) {}

  void CreateInteraction(const voice::VoiceInteraction& spec,
                         std::function<void(Result<uint64_t>)> done) override {
    json attributes = json::object();
    for (const auto& [k, v] : spec.attributes) attributes[k] = v;
    json command = {{"op", "interaction.create"}, {"channel", "voice"},
                    {"queue", spec.queue},        {"priority", spec.priority},
                    {"attributes", attributes},   {"customer", {{"phone", spec.caller}}}};
    shard_.Execute(std::move(command), "voice", [done = std::move(done)](Result<json> r) {
      if (!r.ok()) return done(r.error());
      // Admission can refuse it at once (queue full): the caller must not wait for nothing.
      if (r->value("state", "") == "rejected") {
        return done(Error::FailedPrecondition("the queue did not admit the call", "queue"));
      }
      done(r->value("id", uint64_t{0}));
    });
  }

  void AcceptOffer(uint64_t offer, std::function<void(Status)> done) override {
    shard_.Execute(
        {{"op", "offer.accept"}, {"offer", offer}}, "voice",
        [done = std::move(done)](Result<json> r) { done(r.ok() ? Status{} : Status(r.error())); });
  }

  void RejectOffer(uint64_t offer, std::string reason) override {
    Run({{"op", "offer.reject"}, {"offer", offer}, {"reason", reason}});
  }
  void EndInteraction(uint64_t interaction) override {
    Run({{"op", "interaction.end"}, {"interaction", interaction}});
  }
  void CancelInteraction(uint64_t interaction, std::string reason) override {
    Run({{"op", "interaction.cancel"}, {"interaction", interaction}, {"reason", reason}});
  }
  void BookCallback(uint64_t interaction) override {
    Run({{"op", "interaction.callback"}, {"interaction", interaction}});
  }
  void SetPriority(uint64_t interaction, int priority) override {
    Run({{"op", "interaction.patch"}, {"interaction", interaction}, {"priority", priority}});
  }
  void RecordingSaved(uint64_t interaction, std::string file, double seconds) override {
    Run({{"op", "interaction.recording"},
         {"interaction", interaction},
         {"file", file},
         {"seconds", seconds}});
  }

  void CallEvent(std::string type, uint64_t call,
                 std::map<std::string, std::string> data) override {
    json fields = json::object();
    for (auto& [k, v] : data) fields[k] = std::move(v);
    Run({{"op", "call.event"}, {"type", type}, {"call", call}, {"data", std::move(fields)}});
  }

  // Position: waiting interactions of the same queue served before this one (higher priority,
  // or the same priority and an older place in line), plus one. Estimated wait: position times
  // a minute, shared among the queue's logged-in agents (a rough figure for the caller, not a
  // KPI).
  std::optional<voice::QueueStanding> Standing(uint64_t interaction) const override {
    const core::Engine& engine = shard_.engine();
    auto me = engine.interaction(core::InteractionId(interaction));
    if (!me || (me->state != core::InteractionState::kQueued &&
                me->state != core::InteractionState::kOffering)) {
      return std::nullopt;
    }
    int ahead = 0;
    for (core::InteractionId id : engine.LiveInteractions()) {
      auto other = engine.interaction(id);
      if (!other || id == me->id || other->queue != me->queue) continue;
      if (other->state != core::InteractionState::kQueued &&
          other->state != core::InteractionState::kOffering) {
        continue;
      }
      bool before = other->priority > me->priority ||
                    (other->priority == me->priority && other->age_since < me->age_since);
      if (before) ++ahead;
    }
    int agents = std::max(1, engine.queue(me->queue).agents_logged_in);
    voice::QueueStanding standing;
    standing.position = ahead + 1;
    standing.estimated_wait = Seconds(60.0 * standing.position / agents);
    return standing;
  }

  Instant Now() const override { return shard_.Now(); }

 private:
  void Run(json command) {
    std::string op = command.value("op", "");
    shard_.Execute(std::move(command), "voice", [op](Result<json> r) {
      if (!r.ok()) Log(LogLevel::kDebug, "voice", "{}: {}", op, r.error().message);
    });
  }

  shard::Shard& shard_;
};

// The events voice acts on, as notices; nullopt for the others.
std::optional<voice::EngineNotice> NoticeOf(const std::string& event_json) {
  using Kind = voice::EngineNotice::Kind;
  static const std::vector<std::pair<std::string, Kind>> kTypes = {
      {"interaction.offered", Kind::kOffered},     {"offer.timed_out", Kind::kOfferOver},
      {"offer.rescinded", Kind::kOfferOver},       {"offer.rejected", Kind::kOfferOver},
      {"interaction.connected", Kind::kConnected}, {"interaction.timed_out", Kind::kLeftQueue},
      {"interaction.exited", Kind::kLeftQueue},    {"interaction.rejected", Kind::kLeftQueue},
      {"interaction.canceled", Kind::kLeftQueue},
  };
  // Cheap filter before parsing: most events are not about offers and queues.
  bool wanted = std::any_of(kTypes.begin(), kTypes.end(), [&](const auto& t) {
    return event_json.find("\"" + t.first + "\"") != std::string::npos;
  });
  if (!wanted) return std::nullopt;
  json event = json::parse(event_json, nullptr, false);
  if (event.is_discarded()) return std::nullopt;
  std::string type = event.value("type", "");
  for (const auto& [name, kind] : kTypes) {
    if (name != type) continue;
    const json& data = event["data"];
    voice::EngineNotice notice;
    notice.kind = kind;
    notice.interaction = data.value("interaction", uint64_t{0});
    notice.offer = data.value("offer", uint64_t{0});
    notice.agent = data.value("agent", "");
    notice.reason = type.substr(type.find('.') + 1);
    return notice;
  }
  return std::nullopt;
}

// Voice as the API sees it (api/voice_port.h).
class ApiVoicePort final : public api::VoicePort {
 public:
  ApiVoicePort(std::string sip, std::filesystem::path recordings, shard::Shard& shard,
               const voice::sip::Registrar& registrar, voice::CallCenter& calls)
      : sip_(std::move(sip)),
        recordings_(std::move(recordings)),
        shard_(shard),
        registrar_(registrar),
        calls_(calls) {}

  std::string sip_address() const override { return sip_; }
  std::vector<api::PhoneRegistration> Registrations() const override {
    std::vector<api::PhoneRegistration> out;
    for (const auto& b : registrar_.All(shard_.Now())) {
      out.push_back({b.agent, b.contact, b.user_agent, b.expires});
    }
    return out;
  }
  std::map<std::string, double> Counters() const override {
    voice::CallCenterCounters c = calls_.counters();
    return {{"calls_in_progress", c.in_progress},
            {"calls_total", static_cast<double>(c.calls)},
            {"refused_404_total", static_cast<double>(c.refused_404)},
            {"refused_488_total", static_cast<double>(c.refused_488)},
            {"refused_503_total", static_cast<double>(c.refused_503)},
            {"agent_rings_total", static_cast<double>(c.agent_rings)},
            {"bridged_total", static_cast<double>(c.bridged)},
            {"recordings_total", static_cast<double>(c.recordings)},
            {"rtp_timeouts_total", static_cast<double>(c.rtp_timeouts)},
            {"monitors_total", static_cast<double>(c.monitors)}};
  }
  std::filesystem::path RecordingsDir() const override { return recordings_; }
  Status Monitor(uint64_t interaction, const std::string& mode, const std::string& agent,
                 const std::string& uri) override {
    voice::MonitorMode m = mode == "barge"     ? voice::MonitorMode::kBarge
                           : mode == "whisper" ? voice::MonitorMode::kWhisper
                                               : voice::MonitorMode::kListen;
    return calls_.Monitor(interaction, agent, uri, m);
  }

 private:
  std::string sip_;
  std::filesystem::path recordings_;
  shard::Shard& shard_;
  const voice::sip::Registrar& registrar_;
  voice::CallCenter& calls_;
};

}  // namespace

struct VoiceService::Impl {
  shard::Shard* shard = nullptr;
  std::unique_ptr<ShardCenterPort> port;
  std::unique_ptr<voice::sip::SipAccounts> accounts;
  voice::sip::Registrar registrar;
  std::unique_ptr<voice::MediaEngine> media;
  std::unique_ptr<voice::PromptLibrary> prompts;
  std::unique_ptr<voice::CallCenter> calls;
  std::unique_ptr<voice::sip::SipStack> sip;
  std::unique_ptr<ApiVoicePort> api_port;
  bool stopped = false;
};

Result<std::unique_ptr<VoiceService>> VoiceService::Start(boost::asio::io_context& io,
                                                          shard::Shard& shard,
                                                          const VoiceOptions& options) {
  auto settings = ParseVoiceSettings(options.sip, options.config_text);
  if (!settings.ok()) return settings.error();
  auto flows = config::ParseFlowsYaml(options.config_text, options.config_name);
  if (!flows.ok()) return flows.error();

  auto impl = std::make_unique<Impl>();
  impl->shard = &shard;
  impl->port = std::make_unique<ShardCenterPort>(shard);
  std::vector<std::string> voice_agents;
  for (const auto& agent : shard.document().center().agents) {
    if (agent.capacity[static_cast<int>(core::Channel::kVoice)] > 0) {
      voice_agents.push_back(agent.id);
    }
  }
  auto accounts = voice::sip::SipAccounts::LoadOrCreate(options.data_dir / "sip-accounts",
                                                        voice_agents, settings->realm);
  if (!accounts.ok()) return accounts.error();
  impl->accounts = std::make_unique<voice::sip::SipAccounts>(std::move(*accounts));

  voice::MediaEngine::Options media_options;
  media_options.ip = settings->ip;
  media_options.port_min = settings->rtp_port_min;
  media_options.port_max = settings->rtp_port_max;
  impl->media = std::make_unique<voice::MediaEngine>(media_options);
  impl->prompts = std::make_unique<voice::PromptLibrary>(options.data_dir / "prompt-cache");

  voice::CallCenterOptions call_options;
  call_options.max_calls = settings->max_calls;
  call_options.recordings_dir = options.data_dir / "recordings";
  call_options.agent_uris = settings->agent_uris;
  std::error_code ec;
  std::filesystem::create_directories(call_options.recordings_dir, ec);
  if (ec) {
    return Error{ErrorCode::kInternal,
                 "cannot create " + call_options.recordings_dir.string() + ": " + ec.message(),
                 {}};
  }
  impl->calls = std::make_unique<voice::CallCenter>(
      io, call_options, std::make_shared<const flow::FlowBook>(std::move(*flows)), impl->port.get(),
      impl->media.get(), impl->prompts.get(), &impl->registrar);

  voice::sip::SipOptions sip_options;
  sip_options.ip = settings->ip;
  sip_options.port = settings->sip_port;
  sip_options.realm = settings->realm;
  voice::CallCenter* calls = impl->calls.get();
  auto sip = voice::sip::SipStack::Start(
      sip_options, impl->accounts.get(), &impl->registrar,
      [calls](voice::sip::CallEvent e) { calls->PostSipEvent(std::move(e)); });
  if (!sip.ok()) return sip.error();
  impl->sip = std::move(*sip);
  impl->calls->SetSip(impl->sip.get());
  shard.SetListener("voice", [calls](const std::vector<shard::PublishedEvent>& events) {
    for (const auto& event : events) {
      if (auto notice = NoticeOf(event.json)) calls->OnNotice(*notice);
    }
  });
  impl->api_port = std::make_unique<ApiVoicePort>(options.sip, call_options.recordings_dir, shard,
                                                  impl->registrar, *impl->calls);
  return std::unique_ptr<VoiceService>(new VoiceService(std::move(impl)));
}

VoiceService::VoiceService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

VoiceService::~VoiceService() { Stop(); }

void VoiceService::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->shard->SetListener("voice", nullptr);
  impl_->calls->HangupAll();
  impl_->sip.reset();    // sends the BYEs, then stops its thread
  impl_->media.reset();  // stops its thread: no more media callbacks
  impl_->calls.reset();
}

uint16_t VoiceService::sip_port() const { return impl_->sip->options().port; }

api::VoicePort* VoiceService::api_port() const { return impl_->api_port.get(); }

}  // namespace hotline::server
