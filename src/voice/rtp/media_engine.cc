// MediaEngine's public face: port allocation on the caller's thread, everything else posted to
// the media thread (media_topology.cc, media_receive.cc, media_tick.cc).
#include "voice/rtp/media_engine.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <random>

#include "voice/rtp/media_worker.h"

namespace hotline::voice {

namespace asio = boost::asio;
using udp = asio::ip::udp;

MediaEngine::MediaEngine(Options options)
    : options_(std::move(options)),
      next_port_(options_.port_min),
      worker_(std::make_unique<Worker>(options_.report_interval_ms / 20)),
      thread_([this] { worker_->Run(); }) {}

MediaEngine::~MediaEngine() {
  asio::post(worker_->io(), [this] { worker_->Shutdown(); });
  thread_.join();
  std::lock_guard lock(legs_mutex_);
  legs_.clear();
}

Result<MediaEngine::LegId> MediaEngine::OpenLeg() {
  boost::system::error_code error;
  auto address = asio::ip::make_address(options_.ip, error);
  if (error) return Error{ErrorCode::kUnavailable, "media ip is not an address", "ip"};
  uint32_t first = options_.port_min + (options_.port_min & 1);  // RTP takes even ports
  if (options_.port_max <= first) {
    return Error::InvalidArgument("media port range holds no port pair", "port_min");
  }
  uint32_t pairs = (options_.port_max - first + 1) / 2;
  for (uint32_t attempt = 0; attempt < pairs; ++attempt) {
    uint32_t port = first + 2 * ((next_port_.fetch_add(2) - first) / 2 % pairs);
    udp::socket rtp(worker_->io()), rtcp(worker_->io());
    rtp.open(address.is_v4() ? udp::v4() : udp::v6(), error);
    if (!error) rtp.bind(udp::endpoint(address, static_cast<uint16_t>(port)), error);
    if (error) continue;
    rtcp.open(address.is_v4() ? udp::v4() : udp::v6(), error);
    if (!error) rtcp.bind(udp::endpoint(address, static_cast<uint16_t>(port + 1)), error);
    if (error) continue;
    rtp.non_blocking(true, error);
    rtcp.non_blocking(true, error);
    std::random_device random;  // RFC 3550 5.1: random SSRC, initial sequence and timestamp
    std::uniform_int_distribution<uint32_t> any;
    LegId id = next_leg_.fetch_add(1);
    auto leg =
        std::make_shared<Leg>(id, static_cast<uint16_t>(port), std::move(rtp), std::move(rtcp),
                              any(random), static_cast<uint16_t>(any(random)), any(random));
    {
      std::lock_guard lock(legs_mutex_);
      legs_.emplace(id, leg);
    }
    asio::post(worker_->io(), [this, leg = std::move(leg)]() mutable { worker_->Add(leg); });
    return id;
  }
  return Error::ResourceExhausted("no free RTP port pair in the media port range", "port_min");
}

uint16_t MediaEngine::LocalPort(LegId leg) const {
  std::lock_guard lock(legs_mutex_);
  auto it = legs_.find(leg);
  return it == legs_.end() ? 0 : it->second->port;
}

MediaEngine::LegStats MediaEngine::Stats(LegId id) const {
  std::shared_ptr<Leg> leg;
  {
    std::lock_guard lock(legs_mutex_);
    auto it = legs_.find(id);
    if (it == legs_.end()) return {};
    leg = it->second;
  }
  LegStats stats;
  stats.packets_in = leg->packets_in.load(std::memory_order_relaxed);
  stats.packets_out = leg->packets_out.load(std::memory_order_relaxed);
  stats.lost = leg->lost.load(std::memory_order_relaxed);
  stats.jitter_ms = leg->jitter_ms.load(std::memory_order_relaxed);
  stats.reports_in = leg->reports_in.load(std::memory_order_relaxed);
  stats.remote_lost = leg->remote_lost.load(std::memory_order_relaxed);
  stats.remote_jitter_ms = leg->remote_jitter_ms.load(std::memory_order_relaxed);
  stats.dropped = leg->dropped.load(std::memory_order_relaxed);
  return stats;
}

void MediaEngine::SetRemote(LegId id, std::string ip, uint16_t port, Codec codec,
                            int telephone_event_pt) {
  boost::system::error_code error;
  auto address = asio::ip::make_address(ip, error);
  if (error || port == 0 || telephone_event_pt > 127) return;
  udp::endpoint remote(address, port);
  asio::post(worker_->io(), [this, id, remote, codec, telephone_event_pt] {
    if (Leg* leg = worker_->Find(id)) worker_->SetRemote(*leg, remote, codec, telephone_event_pt);
  });
}

void MediaEngine::Play(LegId id, std::shared_ptr<const Audio> audio, bool loop,
                       std::function<void()> done) {
  asio::post(worker_->io(),
             [this, id, audio = std::move(audio), loop, done = std::move(done)]() mutable {
               Leg* leg = worker_->Find(id);
               if (leg == nullptr) return;
               if (audio) {
                 worker_->Play(*leg, std::move(audio), loop, std::move(done));
               } else {
                 worker_->StopAudio(*leg);
               }
             });
}

void MediaEngine::StopAudio(LegId id) {
  asio::post(worker_->io(), [this, id] {
    if (Leg* leg = worker_->Find(id)) worker_->StopAudio(*leg);
  });
}

void MediaEngine::OnDigit(LegId id, std::function<void(char)> digit) {
  asio::post(worker_->io(), [this, id, digit = std::move(digit)]() mutable {
    if (Leg* leg = worker_->Find(id)) worker_->SetDigitHandler(*leg, std::move(digit));
  });
}

void MediaEngine::Bridge(LegId a, LegId b) {
  asio::post(worker_->io(), [this, a, b] {
    Leg* x = worker_->Find(a);
    Leg* y = worker_->Find(b);
    if (x != nullptr && y != nullptr && x != y) worker_->Bridge(*x, *y);
  });
}

void MediaEngine::Unbridge(LegId a, LegId b) {
  asio::post(worker_->io(), [this, a, b] {
    Leg* x = worker_->Find(a);
    Leg* y = worker_->Find(b);
    if (x != nullptr && y != nullptr) worker_->Unbridge(*x, *y);
  });
}

void MediaEngine::StartRecording(LegId caller, LegId agent, std::filesystem::path wav,
                                 std::function<void(std::filesystem::path, double)> done) {
  asio::post(worker_->io(),
             [this, caller, agent, wav = std::move(wav), done = std::move(done)]() mutable {
               Leg* c = worker_->Find(caller);
               Leg* a = worker_->Find(agent);
               if (c != nullptr && a != nullptr)
                 worker_->StartRecording(*c, *a, std::move(wav), std::move(done));
             });
}

void MediaEngine::StopRecording(LegId caller) {
  asio::post(worker_->io(), [this, caller] {
    if (Leg* leg = worker_->Find(caller)) worker_->StopRecording(*leg);
  });
}

void MediaEngine::Monitor(LegId supervisor, LegId caller, LegId agent, MonitorMode mode) {
  asio::post(worker_->io(), [this, supervisor, caller, agent, mode] {
    Leg* s = worker_->Find(supervisor);
    Leg* c = worker_->Find(caller);
    Leg* a = worker_->Find(agent);
    if (s == nullptr || c == nullptr || a == nullptr || s == c || s == a || c == a) return;
    worker_->Monitor(*s, *c, *a, mode);
  });
}

void MediaEngine::CloseLeg(LegId id) {
  asio::post(worker_->io(), [this, id] {
    if (Leg* leg = worker_->Find(id)) worker_->Close(*leg);
    std::lock_guard lock(legs_mutex_);
    legs_.erase(id);
  });
}

}  // namespace hotline::voice
