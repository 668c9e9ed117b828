#include "voice/media/g711.h"

#include <array>

namespace hotline::voice {
namespace {

// Reference encoders, ITU-T G.711 (the segment/mantissa form of the Sun reference code). They
// build the tables; the hot path only reads tables.
uint8_t EncodeUlawSlow(int16_t pcm) {
  constexpr int kBias = 0x84;
  constexpr int kClip = 32635;
  int sample = pcm;
  int sign = (sample >> 8) & 0x80;
  if (sign) sample = -sample;
  if (sample > kClip) sample = kClip;
  sample += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  int mantissa = (sample >> (exponent + 3)) & 0x0F;
  return static_cast<uint8_t>(~(sign | (exponent << 4) | mantissa));
}

int16_t DecodeUlawSlow(uint8_t code) {
  int u = ~code & 0xFF;
  int t = ((u & 0x0F) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return static_cast<int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

uint8_t EncodeAlawSlow(int16_t pcm) {
  int sample = pcm >> 3;  // A-law works on 13 bits
  int mask;
  if (sample >= 0) {
    mask = 0xD5;
  } else {
    mask = 0x55;
    sample = -sample - 1;
  }
  static constexpr int kSegmentEnd[8] = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
  int segment = 0;
  while (segment < 8 && sample > kSegmentEnd[segment]) ++segment;
  if (segment >= 8) return static_cast<uint8_t>(0x7F ^ mask);
  int code = segment << 4;
  code |= (segment < 2) ? ((sample >> 1) & 0x0F) : ((sample >> segment) & 0x0F);
  return static_cast<uint8_t>(code ^ mask);
}

int16_t DecodeAlawSlow(uint8_t code) {
  int a = code ^ 0x55;
  int t = (a & 0x0F) << 4;
  int segment = (a & 0x70) >> 4;
  if (segment == 0) {
    t += 8;
  } else {
    t += 0x108;
    if (segment > 1) t <<= segment - 1;
  }
  return static_cast<int16_t>((a & 0x80) ? t : -t);
}

struct Tables {
  std::array<int16_t, 256> ulaw_to_linear;
  std::array<int16_t, 256> alaw_to_linear;
  std::array<uint8_t, 65536> linear_to_ulaw;  // indexed by the sample as uint16_t
  std::array<uint8_t, 65536> linear_to_alaw;
  std::array<uint8_t, 256> ulaw_to_alaw;
  std::array<uint8_t, 256> alaw_to_ulaw;

  Tables() {
    for (int i = 0; i < 256; ++i) {
      ulaw_to_linear[i] = DecodeUlawSlow(static_cast<uint8_t>(i));
      alaw_to_linear[i] = DecodeAlawSlow(static_cast<uint8_t>(i));
    }
    for (int i = 0; i < 65536; ++i) {
      auto sample = static_cast<int16_t>(static_cast<uint16_t>(i));
      linear_to_ulaw[i] = EncodeUlawSlow(sample);
      linear_to_alaw[i] = EncodeAlawSlow(sample);
    }
    for (int i = 0; i < 256; ++i) {
      ulaw_to_alaw[i] = linear_to_alaw[static_cast<uint16_t>(ulaw_to_linear[i])];
      alaw_to_ulaw[i] = linear_to_ulaw[static_cast<uint16_t>(alaw_to_linear[i])];
    }
  }
};

const Tables& G711() {
  static const Tables* tables = new Tables();  // never destroyed: used until exit
  return *tables;
}

}  // namespace

uint8_t LinearToUlaw(int16_t sample) {
  return G711().linear_to_ulaw[static_cast<uint16_t>(sample)];
}
int16_t UlawToLinear(uint8_t code) { return G711().ulaw_to_linear[code]; }
uint8_t LinearToAlaw(int16_t sample) {
  return G711().linear_to_alaw[static_cast<uint16_t>(sample)];
}
int16_t AlawToLinear(uint8_t code) { return G711().alaw_to_linear[code]; }

void DecodeG711(Codec codec, const uint8_t* in, size_t count, int16_t* out) {
  const auto& table = codec == Codec::kPcmu ? G711().ulaw_to_linear : G711().alaw_to_linear;
  for (size_t i = 0; i < count; ++i) out[i] = table[in[i]];
}

void EncodeG711(Codec codec, const int16_t* in, size_t count, uint8_t* out) {
  const auto& table = codec == Codec::kPcmu ? G711().linear_to_ulaw : G711().linear_to_alaw;
  for (size_t i = 0; i < count; ++i) out[i] = table[static_cast<uint16_t>(in[i])];
}

void TranscodeG711(Codec from, Codec to, uint8_t* bytes, size_t count) {
  if (from == to) return;
  const auto& table = from == Codec::kPcmu ? G711().ulaw_to_alaw : G711().alaw_to_ulaw;
  for (size_t i = 0; i < count; ++i) bytes[i] = table[bytes[i]];
}

}  // namespace hotline::voice
