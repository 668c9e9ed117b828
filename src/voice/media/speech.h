// Text-to-speech with espeak-ng, process-wide. espeak-ng keeps global state and is not
// thread-safe, so every call here is serialized by one mutex.
//
// Errors: an unknown voice or a synthesis failure is an Error; nothing throws.
// Thread-safety: callable from any thread (serialized inside).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hotline::voice {

struct Speech {
  std::vector<int16_t> samples;  // mono linear PCM at `sample_rate`
  int sample_rate = 0;
};

// Speaks UTF-8 `text` with espeak-ng `voice` (a voice name espeak-ng knows).
[[nodiscard]] Result<Speech> Synthesize(std::string_view text, std::string_view voice);

// The espeak-ng version string (part of the prompt cache key: a new espeak speaks differently).
std::string EspeakVersion();

}  // namespace hotline::voice
