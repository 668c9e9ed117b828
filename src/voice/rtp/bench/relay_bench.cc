// relay_bench: bridged calls through one MediaEngine on loopback, measured.
//
//   relay_bench [calls] [seconds] [record]     e.g.  relay_bench 300 10 record
//
// Every call is two legs bridged (the caller in PCMU, the agent in PCMA, so every packet is
// transcoded), and with `record` a stereo WAV per call. One generator thread plays both phones of
// every call: each 20 ms it sends one 172-byte RTP packet per leg, and it drains what the engine
// relays back (epoll). It prints packets relayed per second, loss, and the CPU the engine used
// (process CPU minus the generator thread's own) as a share of one core.
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "voice/rtp/media_engine.h"
#include "voice/rtp/rtp_packet.h"

namespace {

using hotline::voice::Codec;
using hotline::voice::MediaEngine;
using Clock = std::chrono::steady_clock;

double Seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

struct Phone {
  int fd = -1;
  sockaddr_in engine{};  // the leg's RTP address
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint8_t payload_type = 0;
};

int OpenPhoneSocket(uint16_t* port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

// Counts the RTP packets waiting on a phone's socket. RTCP reports (packet types 200-204) are not
// counted: the engine sends them to port+1, which may be another phone's socket.
void DrainPhone(int fd, uint8_t* buffer, size_t size, uint64_t* received) {
  for (ssize_t n; (n = ::recv(fd, buffer, size, 0)) > 0;) {
    if (n >= 2 && buffer[1] >= 200 && buffer[1] <= 204) continue;
    ++*received;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int calls = argc > 1 ? std::atoi(argv[1]) : 300;
  double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  bool record = argc > 3 && std::string(argv[3]) == "record";
  if (calls <= 0 || calls > 5000 || seconds <= 0) {
    std::fprintf(stderr, "usage: relay_bench [calls 1-5000] [seconds] [record]\n");
    return 2;
  }
  auto dir = std::filesystem::temp_directory_path() / "hotline-relay-bench";
  std::filesystem::create_directories(dir);

  MediaEngine engine({"127.0.0.1", 40000, 59999});
  std::vector<Phone> phones(2 * static_cast<size_t>(calls));
  std::vector<MediaEngine::LegId> legs(phones.size());
  int epoll = epoll_create1(0);
  for (size_t i = 0; i < phones.size(); ++i) {
    auto leg = engine.OpenLeg();
    if (!leg.ok()) {
      std::fprintf(stderr, "OpenLeg: %s\n", leg.error().message.c_str());
      return 1;
    }
    legs[i] = *leg;
    uint16_t port = 0;
    Phone& phone = phones[i];
    phone.fd = OpenPhoneSocket(&port);
    phone.payload_type = i % 2 == 0 ? 0 : 8;
    phone.engine.sin_family = AF_INET;
    phone.engine.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    phone.engine.sin_port = htons(engine.LocalPort(*leg));
    engine.SetRemote(*leg, "127.0.0.1", port, static_cast<Codec>(phone.payload_type), -1);
    epoll_event event{EPOLLIN, {}};
    event.data.u64 = i;
    epoll_ctl(epoll, EPOLL_CTL_ADD, phone.fd, &event);
  }
  for (size_t i = 0; i < phones.size(); i += 2) {
    engine.Bridge(legs[i], legs[i + 1]);
    if (record) {
      engine.StartRecording(legs[i], legs[i + 1], dir / ("call-" + std::to_string(i / 2) + ".wav"),
                            {});
    }
  }

  uint64_t sent = 0, received = 0;
  double cpu_start = ProcessCpuSeconds();
  double generator_start = Seconds(CLOCK_THREAD_CPUTIME_ID);
  auto start = Clock::now();
  auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto next = start;
  uint8_t packet[hotline::voice::kRtpHeaderBytes + 160] = {};
  uint8_t buffer[2048];
  epoll_event events[256];
  while (Clock::now() < end) {
    if (Clock::now() >= next) {
      for (Phone& phone : phones) {
        hotline::voice::WriteRtpHeader(
            {false, phone.payload_type, phone.sequence++, phone.timestamp, 0x1234}, packet);
        phone.timestamp += 160;
        std::fill(packet + 12, packet + sizeof packet, phone.payload_type == 0 ? 0xFF : 0xD5);
        packet[12 + phone.sequence % 160] ^= 0x10;  // not all silence
        if (::sendto(phone.fd, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&phone.engine),
                     sizeof phone.engine) > 0) {
          ++sent;
        }
      }
      next += std::chrono::milliseconds(20);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    int n = epoll_wait(epoll, events, 256, static_cast<int>(std::max<int64_t>(0, wait)));
    for (int e = 0; e < n; ++e) {
      int fd = phones[events[e].data.u64].fd;
      DrainPhone(fd, buffer, sizeof buffer, &received);
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  double generator_cpu = Seconds(CLOCK_THREAD_CPUTIME_ID) - generator_start;
  double engine_cpu = ProcessCpuSeconds() - cpu_start - generator_cpu;
  uint64_t received_in_time = received;
  // What the engine had not caught up with is not lost: drain for up to 3 s more.
  for (auto drain_end = Clock::now() + std::chrono::seconds(3);
       received < sent && Clock::now() < drain_end;) {
    int n = epoll_wait(epoll, events, 256, 100);
    for (int e = 0; e < n; ++e) {
      int fd = phones[events[e].data.u64].fd;
      DrainPhone(fd, buffer, sizeof buffer, &received);
    }
  }

  uint64_t engine_in = 0, engine_out = 0, dropped = 0;
  for (auto leg : legs) {
    engine_in += engine.Stats(leg).packets_in;
    engine_out += engine.Stats(leg).packets_out;
    dropped += engine.Stats(leg).dropped;
  }
  std::printf(
      "calls %d (%zu legs, PCMU<->PCMA%s), %.1f s\n"
      "sent %.0f packets/s, relayed back in time %.0f packets/s, lost %.3f%%\n"
      "engine CPU %.1f%% of one core (%.2f us per relayed packet); generator %.1f%%\n",
      calls, phones.size(), record ? ", recording" : "", elapsed, sent / elapsed,
      received_in_time / elapsed, sent ? 100.0 * (1.0 - static_cast<double>(received) / sent) : 0.0,
      100 * engine_cpu / elapsed, received_in_time ? 1e6 * engine_cpu / received_in_time : 0.0,
      100 * generator_cpu / elapsed);
  std::printf(
      "engine received %llu, sent %llu, dropped %llu\n", static_cast<unsigned long long>(engine_in),
      static_cast<unsigned long long>(engine_out), static_cast<unsigned long long>(dropped));
  for (Phone& phone : phones) ::close(phone.fd);
  ::close(epoll);
  return 0;
}
