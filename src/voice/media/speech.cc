#include "voice/media/speech.h"

#include <espeak-ng/speak_lib.h>

#include <mutex>

namespace hotline::voice {
namespace {

std::mutex& EspeakMutex() {
  static std::mutex mutex;
  return mutex;
}

// espeak-ng's sample rate, or <= 0 when it failed to start. Called with the mutex held.
int EnsureEspeak() {
  static int sample_rate = [] {
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
    espeak_SetSynthCallback([](short* wav, int count, espeak_EVENT* events) -> int {
      auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
      if (wav != nullptr && count > 0) out->insert(out->end(), wav, wav + count);
      return 0;
    });
    return rate;
  }();
  return sample_rate;
}

}  // namespace

Result<Speech> Synthesize(std::string_view text, std::string_view voice) {
  std::lock_guard lock(EspeakMutex());
  int rate = EnsureEspeak();
  if (rate <= 0) return Error{ErrorCode::kUnavailable, "espeak-ng failed to start", "voice"};
  std::string voice_name(voice);
  if (espeak_SetVoiceByName(voice_name.c_str()) != EE_OK) {
    return Error::InvalidArgument("espeak-ng has no voice " + voice_name, "voice");
  }
  Speech speech;
  speech.sample_rate = rate;
  std::string copy(text);  // espeak wants a NUL-terminated string
  espeak_ERROR error = espeak_Synth(copy.c_str(), copy.size() + 1, 0, POS_CHARACTER, 0,
                                    espeakCHARS_UTF8, nullptr, &speech.samples);
  if (error != EE_OK) return Error{ErrorCode::kInternal, "espeak-ng synthesis failed", "text"};
  return speech;
}

std::string EspeakVersion() {
  std::lock_guard lock(EspeakMutex());
  const char* data_path = nullptr;
  return espeak_Info(&data_path);
}

}  // namespace hotline::voice
