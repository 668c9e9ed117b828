// For tests only: a tiny RTP phone on 127.0.0.1 with plain POSIX sockets. A thread receives
// everything sent to it (kept with arrival times) and, when a tone is set, sends it as a paced
// G.711 stream of 20 ms packets, like a real phone does.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numbers>
#include <thread>
#include <vector>

#include "voice/media/g711.h"
#include "voice/rtp/rtp_packet.h"

namespace hotline::voice::testing {

struct ReceivedPacket {
  RtpHeader header;
  std::vector<uint8_t> payload;
  std::chrono::steady_clock::time_point arrival;
};

// Power of `hz` in `samples` (Goertzel), as the amplitude of a sine with that power.
inline double ToneAmplitude(const std::vector<int16_t>& samples, double hz) {
  if (samples.empty()) return 0;
  double w = 2 * std::numbers::pi * hz / 8000, coefficient = 2 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (int16_t x : samples) {
    double s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return 2 * std::sqrt(power) / static_cast<double>(samples.size());
}

inline std::vector<int16_t> Sine(double hz, int amplitude, size_t count, size_t phase = 0) {
  std::vector<int16_t> out(count);
  for (size_t i = 0; i < count; ++i) {
    out[i] =
        static_cast<int16_t>(amplitude * std::sin(2 * std::numbers::pi * hz * (i + phase) / 8000));
  }
  return out;
}

class TestPhone {
 public:
  TestPhone() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~TestPhone() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  TestPhone(const TestPhone&) = delete;
  TestPhone& operator=(const TestPhone&) = delete;

  uint16_t port() const { return port_; }
  uint32_t ssrc() const { return ssrc_; }

  // Where this phone's RTP goes (the engine leg's port) and in which codec.
  void Dial(uint16_t engine_port, Codec codec) {
    engine_port_ = engine_port;
    codec_ = codec;
  }
  // Starts (amplitude > 0) or stops sending a paced sine.
  void SendTone(double hz, int amplitude) {
    tone_hz_ = hz;
    tone_amplitude_ = amplitude;
  }

  void SendRaw(const uint8_t* data, size_t size, uint16_t to_port) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(to_port);
    ::sendto(fd_, data, size, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  // One RTP packet to the dialled port, with this phone's SSRC and the next sequence number.
  void SendRtp(uint8_t payload_type, uint32_t timestamp, const uint8_t* payload, size_t size,
               bool marker = false) {
    std::vector<uint8_t> packet(kRtpHeaderBytes + size);
    WriteRtpHeader({marker, payload_type, sequence_++, timestamp, ssrc_}, packet.data());
    std::copy_n(payload, size, packet.data() + kRtpHeaderBytes);
    SendRaw(packet.data(), packet.size(), engine_port_);
  }
  // Linear samples as 20 ms G.711 packets, all at once (for what the engine does not pace).
  void SendSamples(const std::vector<int16_t>& samples) {
    uint8_t payload[160];
    Codec codec = codec_;
    for (size_t i = 0; i + 160 <= samples.size(); i += 160) {
      EncodeG711(codec, samples.data() + i, 160, payload);
      SendRtp(static_cast<uint8_t>(codec), timestamp_, payload, 160);
      timestamp_ += 160;
    }
  }

  size_t packet_count() const {
    std::lock_guard lock(mutex_);
    return received_.size();
  }
  // Every datagram received, as it came (RTCP too).
  std::vector<std::vector<uint8_t>> datagrams() const {
    std::lock_guard lock(mutex_);
    return datagrams_;
  }
  std::vector<ReceivedPacket> packets() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // The last `count` samples received (decoded by payload type; other payloads skipped).
  std::vector<int16_t> LastSamples(size_t count) const {
    std::lock_guard lock(mutex_);
    std::vector<int16_t> out;
    for (auto it = received_.rbegin(); it != received_.rend() && out.size() < count; ++it) {
      if (it->header.payload_type != 0 && it->header.payload_type != 8) continue;
      std::vector<int16_t> pcm(it->payload.size());
      DecodeG711(static_cast<Codec>(it->header.payload_type), it->payload.data(), pcm.size(),
                 pcm.data());
      out.insert(out.begin(), pcm.begin(), pcm.end());
    }
    if (out.size() > count) out.erase(out.begin(), out.end() - static_cast<ptrdiff_t>(count));
    return out;
  }
  bool Hears(double hz, double min_amplitude = 500) const {
    return ToneAmplitude(LastSamples(1600), hz) >= min_amplitude;
  }

 private:
  void Loop() {
    using namespace std::chrono;
    auto next_send = steady_clock::now();
    size_t phase = 0;
    while (!stop_) {
      auto now = steady_clock::now();
      if (tone_amplitude_ > 0 && engine_port_ != 0 && now >= next_send) {
        SendSamples(Sine(tone_hz_, tone_amplitude_, 160, phase));
        phase += 160;
        next_send += milliseconds(20);
        if (now > next_send + milliseconds(100)) next_send = now + milliseconds(20);
      }
      auto wait = duration_cast<milliseconds>(next_send - steady_clock::now()).count();
      pollfd poll_fd{fd_, POLLIN, 0};
      if (::poll(&poll_fd, 1, static_cast<int>(std::clamp<int64_t>(wait, 0, 5))) > 0) Read();
    }
  }
  void Read() {
    uint8_t buffer[2048];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n <= 0) return;
    {
      std::lock_guard lock(mutex_);
      datagrams_.emplace_back(buffer, buffer + n);
    }
    auto packet = ParseRtp(buffer, static_cast<size_t>(n));
    if (!packet) return;
    std::lock_guard lock(mutex_);
    received_.push_back(
        {packet->header,
         std::vector<uint8_t>(packet->payload, packet->payload + packet->payload_size),
         std::chrono::steady_clock::now()});
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<uint16_t> engine_port_{0};
  std::atomic<Codec> codec_{Codec::kPcmu};
  std::atomic<double> tone_hz_{0};
  std::atomic<int> tone_amplitude_{0};
  std::atomic<bool> stop_{false};
  const uint32_t ssrc_ = 0x5EED0001;
  uint16_t sequence_ = 1;  // used by SendRtp only: from the thread when a tone plays, else tests
  uint32_t timestamp_ = 1000;
  mutable std::mutex mutex_;
  std::vector<ReceivedPacket> received_;
  std::vector<std::vector<uint8_t>> datagrams_;
  std::thread thread_;
};

}  // namespace hotline::voice::testing
