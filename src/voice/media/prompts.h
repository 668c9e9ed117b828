// Prompts a caller hears: synthesized speech, hold music, and audio files, all as 8 kHz Audio
// shared read-only between the legs that play them.
//
// Speech is made by espeak-ng (voices "cmn-latn-pinyin" for Mandarin written in pinyin, "cmn",
// "en", "yue"; any other voice is InvalidArgument), resampled to 8 kHz with libsoxr, and cached
// twice: in memory, and on disk as `<cache_dir>/<hash>.wav` where the hash covers the voice, the
// text and the espeak-ng version, so a restart does not synthesize again and an upgrade does.
//
// Errors: Result for everything that reads input (text over kMaxTextBytes, unknown voice,
// unreadable file); a cache directory that cannot be written only costs the disk cache.
// Thread-safety: every method callable from any thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "voice/media/audio.h"

namespace hotline::voice {

class PromptLibrary {
 public:
  static constexpr size_t kMaxTextBytes = 2000;
  static constexpr size_t kMaxCachedInMemory = 512;

  explicit PromptLibrary(std::filesystem::path cache_dir);  // created if missing

  [[nodiscard]] Result<std::shared_ptr<const Audio>> Speak(std::string_view text,
                                                           std::string_view voice);
  // Hold music (hold_music.h), composed once and shared.
  std::shared_ptr<const Audio> Music();
  // A WAV or any libsndfile format file, mixed to mono and resampled to 8 kHz.
  [[nodiscard]] Result<std::shared_ptr<const Audio>> Load(const std::filesystem::path& file);

  // Where Speak caches `text` in `voice` on disk (whether or not it is there yet).
  std::filesystem::path CachePath(std::string_view text, std::string_view voice) const;
  // Times Speak ran espeak-ng (neither cache had the prompt): for tests and metrics.
  size_t syntheses() const;

 private:
  std::filesystem::path cache_dir_;
  std::string espeak_version_;
  mutable std::mutex mutex_;  // guards the members below
  std::unordered_map<std::string, std::shared_ptr<const Audio>> memory_;
  std::shared_ptr<const Audio> music_;
  size_t syntheses_ = 0;
};

}  // namespace hotline::voice
