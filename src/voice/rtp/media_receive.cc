// The media thread's receive path: RTP and RTCP handlers, relay to bridged legs, sending.
#include <boost/asio/buffer.hpp>

#include "voice/media/g711.h"
#include "voice/rtp/media_worker.h"

namespace hotline::voice {

namespace asio = boost::asio;

void SampleFifo::Push(const int16_t* samples, size_t count) {
  if (ring_.empty()) return;
  if (count > kCapacity) {  // only the newest kCapacity samples can stay
    samples += count - kCapacity;
    count = kCapacity;
  }
  size_t tail = (head_ + size_) & kMask;
  size_t first = std::min(count, kCapacity - tail);
  std::copy_n(samples, first, ring_.data() + tail);
  std::copy_n(samples + first, count - first, ring_.data());
  size_ += count;
  if (size_ > kCapacity) {  // full: the oldest samples go
    head_ = (head_ + size_ - kCapacity) & kMask;
    size_ = kCapacity;
  }
}

void SampleFifo::Pop(int16_t* out, size_t count) {
  size_t n = std::min(count, size_);
  size_t first = std::min(n, kCapacity - head_);
  std::copy_n(ring_.data() + head_, first, out);
  std::copy_n(ring_.data(), n - first, out + first);
  std::fill(out + n, out + count, 0);
  head_ = (head_ + n) & kMask;
  size_ -= n;
}

void MediaEngine::Worker::Receive(std::shared_ptr<Leg> leg, bool rtcp) {
  Leg* raw = leg.get();
  auto& socket = rtcp ? raw->rtcp : raw->rtp;
  auto buffer = rtcp ? asio::buffer(raw->rtcp_in) : asio::buffer(raw->rtp_in);
  socket.async_receive_from(buffer, rtcp ? raw->rtcp_from : raw->rtp_from,
                            [this, leg = std::move(leg), rtcp](
                                const boost::system::error_code& error, size_t bytes) mutable {
                              if (error == asio::error::operation_aborted || leg->closed) return;
                              if (!error) rtcp ? OnRtcp(*leg, bytes) : OnRtp(*leg, bytes);
                              Receive(std::move(leg), rtcp);
                            });
}

void MediaEngine::Worker::OnRtp(Leg& leg, size_t bytes) {
  if (!leg.has_remote || leg.rtp_from != leg.remote) {  // not latched: strangers are ignored
    leg.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto packet = ParseRtp(leg.rtp_in.data(), bytes);  // refuses > 1,500 bytes and bad versions
  if (!packet) {
    leg.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const RtpHeader& header = packet->header;
  leg.packets_in.fetch_add(1, std::memory_order_relaxed);
  auto arrival = static_cast<uint32_t>(NowMicros() * kSampleRate / 1'000'000);
  leg.reception.OnPacket(header.sequence, header.timestamp, arrival, header.ssrc);
  leg.lost.store(leg.reception.lost(), std::memory_order_relaxed);
  leg.jitter_ms.store(leg.reception.jitter_units() * 1000.0 / kSampleRate,
                      std::memory_order_relaxed);

  if (leg.telephone_event_pt >= 0 && header.payload_type == leg.telephone_event_pt) {
    auto digit = leg.events.OnPacket(header.timestamp, packet->payload, packet->payload_size);
    if (digit && leg.on_digit) leg.on_digit(*digit);
    for (Leg* to : leg.direct_listeners) RelayEvent(*to, leg, *packet);
    return;
  }
  if (header.payload_type != static_cast<uint8_t>(Codec::kPcmu) &&
      header.payload_type != static_cast<uint8_t>(Codec::kPcma)) {
    return;  // comfort noise or a codec we did not offer
  }
  if (packet->payload_size == 0) return;
  auto codec = static_cast<Codec>(header.payload_type);
  if (leg.inband || leg.captured) {
    DecodeG711(codec, packet->payload, packet->payload_size, pcm_.data());
    if (leg.inband) leg.inband->Feed(pcm_.data(), packet->payload_size);
    if (leg.captured) leg.capture.Push(pcm_.data(), packet->payload_size);
  }
  for (Leg* to : leg.direct_listeners) RelayAudio(*to, leg, *packet, codec);
}

void MediaEngine::Worker::OnRtcp(Leg& leg, size_t bytes) {
  if (!leg.has_remote || leg.rtcp_from.address() != leg.remote.address() || bytes > kMaxRtcpBytes) {
    leg.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::optional<uint32_t> sender_ntp;
  auto report = ReadCompoundReport(leg.rtcp_in.data(), bytes, leg.ssrc, &sender_ntp);
  if (sender_ntp) {
    leg.last_sr = *sender_ntp;
    leg.last_sr_arrival_us = NowMicros();
  }
  if (report) {
    leg.reports_in.fetch_add(1, std::memory_order_relaxed);
    leg.remote_lost.store(report->cumulative_lost, std::memory_order_relaxed);
    leg.remote_jitter_ms.store(report->jitter_units * 1000.0 / kSampleRate,
                               std::memory_order_relaxed);
  }
}

uint32_t MediaEngine::Worker::RelayTimestamp(Leg& to, const Leg& from, const RtpHeader& header) {
  if (to.relay_source == &from && to.relay_ssrc == header.ssrc) {
    auto delta = static_cast<int32_t>(header.timestamp - to.relay_timestamp);
    if (delta > 0 && delta <= 5 * kSampleRate) {  // the source's own gaps (silence) carry over
      to.timestamp += delta;
      to.relay_timestamp = header.timestamp;
      return to.timestamp;
    }
    if (delta <= 0 && delta > -kSampleRate) return to.timestamp + delta;  // reordered, events
  }
  // A new source (or a jump): continue our timeline one frame on, and mark the change.
  to.relay_source = &from;
  to.relay_ssrc = header.ssrc;
  to.relay_timestamp = header.timestamp;
  to.timestamp += kSamplesPerFrame;
  to.marker = true;
  return to.timestamp;
}

void MediaEngine::Worker::RelayAudio(Leg& to, const Leg& from, const RtpPacketView& packet,
                                     Codec codec) {
  if (!to.has_remote || to.audio) return;  // a prompt playing to `to` takes precedence
  size_t bytes = packet.payload_size;
  std::copy_n(packet.payload, bytes, out_.data() + kRtpHeaderBytes);
  TranscodeG711(codec, to.codec, out_.data() + kRtpHeaderBytes, bytes);
  uint32_t timestamp = RelayTimestamp(to, from, packet.header);
  Send(to, static_cast<uint8_t>(to.codec), timestamp, packet.header.marker, bytes);
}

void MediaEngine::Worker::RelayEvent(Leg& to, const Leg& from, const RtpPacketView& packet) {
  if (!to.has_remote || to.audio || to.telephone_event_pt < 0) return;
  std::copy_n(packet.payload, packet.payload_size, out_.data() + kRtpHeaderBytes);
  uint32_t timestamp = RelayTimestamp(to, from, packet.header);
  Send(to, static_cast<uint8_t>(to.telephone_event_pt), timestamp, packet.header.marker,
       packet.payload_size);
}

void MediaEngine::Worker::Send(Leg& to, uint8_t payload_type, uint32_t timestamp, bool marker,
                               size_t payload_bytes) {
  RtpHeader header;
  header.marker = marker || to.marker;
  header.payload_type = payload_type;
  header.sequence = to.sequence++;
  header.timestamp = timestamp;
  header.ssrc = to.ssrc;
  to.marker = false;
  WriteRtpHeader(header, out_.data());
  boost::system::error_code error;  // a full socket buffer drops the packet, as the network would
  to.rtp.send_to(asio::buffer(out_.data(), kRtpHeaderBytes + payload_bytes), to.remote, 0, error);
  if (error) return;
  to.packets_out.fetch_add(1, std::memory_order_relaxed);
  ++to.rtp_packets_sent;
  to.octets_sent += static_cast<uint32_t>(payload_bytes);
  to.sent_since_report = true;
}

void MediaEngine::Worker::SendFrame(Leg& to, const int16_t* samples) {
  EncodeG711(to.codec, samples, kSamplesPerFrame, out_.data() + kRtpHeaderBytes);
  if (to.relay_source != nullptr) {  // switching from relayed audio to our own
    to.relay_source = nullptr;
    to.marker = true;
  }
  to.timestamp += kSamplesPerFrame;
  Send(to, static_cast<uint8_t>(to.codec), to.timestamp, false, kSamplesPerFrame);
}

}  // namespace hotline::voice
