#include "voice/media/prompts.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <system_error>
#include <utility>

#include "voice/media/audio_file.h"
#include "voice/media/hold_music.h"
#include "voice/media/speech.h"

namespace hotline::voice {
namespace {

constexpr std::array<std::string_view, 4> kVoices = {"cmn-latn-pinyin", "cmn", "en", "yue"};
constexpr std::string_view kCacheFormat = "prompt-v1";

// The memory and disk cache key: the format, voice, text and espeak-ng version, NUL-separated.
std::string CacheKey(std::string_view text, std::string_view voice, std::string_view version) {
  std::string key(kCacheFormat);
  for (std::string_view part : {voice, text, version}) {
    key.push_back('\0');
    key.append(part);
  }
  return key;
}

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

PromptLibrary::PromptLibrary(std::filesystem::path cache_dir)
    : cache_dir_(std::move(cache_dir)), espeak_version_(EspeakVersion()) {
  std::error_code error;
  std::filesystem::create_directories(cache_dir_, error);  // failure: no disk cache, see Speak
}

std::filesystem::path PromptLibrary::CachePath(std::string_view text,
                                               std::string_view voice) const {
  return cache_dir_ / fmt::format("{:016x}.wav", Fnv1a64(CacheKey(text, voice, espeak_version_)));
}

size_t PromptLibrary::syntheses() const {
  std::lock_guard lock(mutex_);
  return syntheses_;
}

Result<std::shared_ptr<const Audio>> PromptLibrary::Speak(std::string_view text,
                                                          std::string_view voice) {
  if (std::find(kVoices.begin(), kVoices.end(), voice) == kVoices.end()) {
    return Error::InvalidArgument("unknown prompt voice (cmn-latn-pinyin, cmn, en, yue)", "voice");
  }
  if (text.empty() || text.size() > kMaxTextBytes) {
    return Error::InvalidArgument("prompt text must be 1 to 2000 bytes", "text");
  }
  std::string key = CacheKey(text, voice, espeak_version_);
  {
    std::lock_guard lock(mutex_);
    if (auto it = memory_.find(key); it != memory_.end()) return it->second;
  }
  std::filesystem::path file = CachePath(text, voice);
  std::shared_ptr<const Audio> audio;
  if (auto cached = ReadAudioFile(file); cached.ok()) {
    audio = std::make_shared<const Audio>(std::move(cached).value());
  } else {
    auto speech = Synthesize(text, voice);
    if (!speech.ok()) return speech.error();
    auto made = std::make_shared<Audio>(
        Audio{ResampleTo8k(speech->samples.data(), speech->samples.size(), speech->sample_rate)});
    (void)WriteMonoWav(file, *made);  // best effort: without it we only synthesize again
    audio = std::move(made);
    std::lock_guard lock(mutex_);
    ++syntheses_;
  }
  std::lock_guard lock(mutex_);
  if (memory_.size() >= kMaxCachedInMemory) memory_.erase(memory_.begin());
  memory_.emplace(std::move(key), audio);
  return audio;
}

std::shared_ptr<const Audio> PromptLibrary::Music() {
  std::lock_guard lock(mutex_);
  if (!music_) music_ = std::make_shared<const Audio>(ComposeHoldMusic());
  return music_;
}

Result<std::shared_ptr<const Audio>> PromptLibrary::Load(const std::filesystem::path& file) {
  auto audio = ReadAudioFile(file);
  if (!audio.ok()) return audio.error();
  return std::make_shared<const Audio>(std::move(audio).value());
}

}  // namespace hotline::voice
