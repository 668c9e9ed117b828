// Audio files in and out (libsndfile) and resampling to 8 kHz (libsoxr).
//
// Errors: a missing, unreadable or too long file is an Error naming it; nothing throws.
// Thread-safety: free functions with no shared state; callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "base/result.h"
#include "voice/media/audio.h"

struct sf_private_tag;

namespace hotline::voice {

// Files longer than this are refused by ReadAudioFile (hold music, long announcements fit).
inline constexpr double kMaxAudioFileSeconds = 600;

// `count` mono samples at `input_rate` Hz, resampled to 8 kHz (a copy when already 8 kHz).
std::vector<int16_t> ResampleTo8k(const int16_t* samples, size_t count, double input_rate);

// Any format libsndfile reads, channels mixed to mono, resampled to 8 kHz.
[[nodiscard]] Result<Audio> ReadAudioFile(const std::filesystem::path& file);

// Creates `file` as an 8 kHz 16-bit PCM WAV with `channels` channels for libsndfile to write;
// null when it cannot (sf_strerror(nullptr) says why). The caller closes it with sf_close.
sf_private_tag* CreateWav(const std::filesystem::path& file, int channels);

// Writes `audio` as an 8 kHz mono 16-bit WAV, atomically (a temporary file renamed into place).
[[nodiscard]] Status WriteMonoWav(const std::filesystem::path& file, const Audio& audio);

}  // namespace hotline::voice
