#include "voice/media/audio_file.h"

#include <sndfile.h>
#include <soxr.h>
#include <unistd.h>

#include <cmath>
#include <system_error>

namespace hotline::voice {

std::vector<int16_t> ResampleTo8k(const int16_t* samples, size_t count, double input_rate) {
  if (input_rate == kSampleRate) return std::vector<int16_t>(samples, samples + count);
  std::vector<int16_t> out(static_cast<size_t>(std::ceil(count * kSampleRate / input_rate)) + 16);
  soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  size_t done = 0;
  soxr_error_t error = soxr_oneshot(input_rate, kSampleRate, 1, samples, count, nullptr, out.data(),
                                    out.size(), &done, &io, &quality, nullptr);
  if (error != nullptr) done = 0;  // only on bad arguments, which we never pass
  out.resize(done);
  return out;
}

Result<Audio> ReadAudioFile(const std::filesystem::path& file) {
  SF_INFO info{};
  SNDFILE* sndfile = sf_open(file.c_str(), SFM_READ, &info);
  if (sndfile == nullptr) {
    return Error::InvalidArgument(
        "cannot read audio file " + file.string() + ": " + sf_strerror(nullptr), "file");
  }
  if (info.channels <= 0 || info.samplerate <= 0 ||
      info.frames > static_cast<sf_count_t>(kMaxAudioFileSeconds * info.samplerate)) {
    sf_close(sndfile);
    return Error::InvalidArgument("audio file " + file.string() + " is empty or too long", "file");
  }
  std::vector<int16_t> interleaved(static_cast<size_t>(info.frames) * info.channels);
  sf_count_t frames = sf_readf_short(sndfile, interleaved.data(), info.frames);
  sf_close(sndfile);
  std::vector<int16_t> mono(static_cast<size_t>(frames));
  for (sf_count_t i = 0; i < frames; ++i) {
    int sum = 0;
    for (int c = 0; c < info.channels; ++c) sum += interleaved[i * info.channels + c];
    mono[i] = static_cast<int16_t>(sum / info.channels);
  }
  return Audio{ResampleTo8k(mono.data(), mono.size(), info.samplerate)};
}

SNDFILE* CreateWav(const std::filesystem::path& file, int channels) {
  SF_INFO info{};
  info.samplerate = kSampleRate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  return sf_open(file.c_str(), SFM_WRITE, &info);
}

Status WriteMonoWav(const std::filesystem::path& file, const Audio& audio) {
  std::filesystem::path temporary = file;
  temporary += ".tmp" + std::to_string(::getpid()) + "-" +
               std::to_string(reinterpret_cast<uintptr_t>(&audio));
  SNDFILE* sndfile = CreateWav(temporary, 1);
  if (sndfile == nullptr) {
    return Error{ErrorCode::kInternal, "cannot write " + temporary.string(), "file"};
  }
  auto count = static_cast<sf_count_t>(audio.samples.size());
  bool written = sf_writef_short(sndfile, audio.samples.data(), count) == count;
  sf_close(sndfile);
  std::error_code error;
  if (written) std::filesystem::rename(temporary, file, error);
  if (!written || error) {
    std::filesystem::remove(temporary, error);
    return Error{ErrorCode::kInternal, "cannot write " + file.string(), "file"};
  }
  return Status::Ok();
}

}  // namespace hotline::voice
