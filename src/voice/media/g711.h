// G.711 µ-law (PCMU) and A-law (PCMA), ITU-T G.711, our own code. Every conversion is a table
// lookup; the tables are built once, on first use (thread-safe static initialisation).
//
// Thread-safety: pure functions over read-only tables; callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "voice/media/audio.h"

namespace hotline::voice {

uint8_t LinearToUlaw(int16_t sample);
int16_t UlawToLinear(uint8_t code);
uint8_t LinearToAlaw(int16_t sample);
int16_t AlawToLinear(uint8_t code);

// `count` G.711 bytes in `codec` to linear samples.
void DecodeG711(Codec codec, const uint8_t* in, size_t count, int16_t* out);
// `count` linear samples to G.711 bytes in `codec`.
void EncodeG711(Codec codec, const int16_t* in, size_t count, uint8_t* out);
// Rewrites `count` bytes from one G.711 law to the other in place (a no-op when equal).
void TranscodeG711(Codec from, Codec to, uint8_t* bytes, size_t count);

}  // namespace hotline::voice
