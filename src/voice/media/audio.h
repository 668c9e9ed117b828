// Audio as the voice modules exchange it: 8 kHz mono 16-bit linear PCM, and the two G.711 codecs
// an RTP leg may speak. Plain value types; no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hotline::voice {

// RTP payload types of the static G.711 profile (RFC 3551 section 6).
enum class Codec : uint8_t { kPcmu = 0, kPcma = 8 };

inline constexpr int kSampleRate = 8000;
// One RTP packet carries 20 ms: 160 samples, 160 G.711 bytes.
inline constexpr size_t kSamplesPerFrame = 160;

// 8 kHz mono linear PCM. Shared read-only between legs (std::shared_ptr<const Audio>).
struct Audio {
  std::vector<int16_t> samples;
  double seconds() const { return static_cast<double>(samples.size()) / kSampleRate; }
};

}  // namespace hotline::voice
