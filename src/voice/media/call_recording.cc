#include "voice/media/call_recording.h"

#include <sndfile.h>

#include <utility>

#include "voice/media/audio.h"
#include "voice/media/audio_file.h"

namespace hotline::voice {

Result<std::unique_ptr<CallRecording>> CallRecording::Open(std::filesystem::path file) {
  SNDFILE* sndfile = CreateWav(file, 2);
  if (sndfile == nullptr) {
    return Error{ErrorCode::kInternal,
                 "cannot create recording " + file.string() + ": " + sf_strerror(nullptr), "wav"};
  }
  return std::unique_ptr<CallRecording>(new CallRecording(std::move(file), sndfile));
}

CallRecording::CallRecording(std::filesystem::path file, SNDFILE* sndfile)
    : file_(std::move(file)), sndfile_(sndfile) {
  block_.reserve(kBlockFrames * 2);
}

CallRecording::~CallRecording() { Close(); }

void CallRecording::Append(const int16_t* caller, const int16_t* agent, size_t count) {
  if (sndfile_ == nullptr) return;
  for (size_t i = 0; i < count; ++i) {
    block_.push_back(caller[i]);
    block_.push_back(agent[i]);
    if (block_.size() == kBlockFrames * 2) Flush();
  }
  frames_ += count;
}

void CallRecording::Flush() {
  if (block_.empty()) return;
  auto frames = static_cast<sf_count_t>(block_.size() / 2);
  if (sf_writef_short(sndfile_, block_.data(), frames) != frames) ++failed_writes_;
  block_.clear();
}

double CallRecording::Close() {
  if (sndfile_ != nullptr) {
    Flush();
    sf_close(sndfile_);
    sndfile_ = nullptr;
  }
  return static_cast<double>(frames_) / kSampleRate;
}

}  // namespace hotline::voice
