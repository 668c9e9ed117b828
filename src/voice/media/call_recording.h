// A call recording being written: one WAV file (8 kHz, 16-bit PCM, 2 channels: left = caller,
// right = agent), filled 20 ms at a time and written to disk in blocks of kBlockFrames frames,
// so the media thread does one write a second per recording, not one per packet.
//
// Errors: Open returns an Error naming the file when libsndfile cannot create it. A failed block
// write is counted and the recording goes on (what was written stays readable).
// Thread-safety: none; a recording belongs to the media thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "base/result.h"

struct sf_private_tag;

namespace hotline::voice {

class CallRecording {
 public:
  static constexpr size_t kBlockFrames = 8000;  // one second

  [[nodiscard]] static Result<std::unique_ptr<CallRecording>> Open(std::filesystem::path file);
  ~CallRecording();  // closes the file (as Close)
  CallRecording(const CallRecording&) = delete;
  CallRecording& operator=(const CallRecording&) = delete;

  // Appends `count` frames: caller[i] on the left, agent[i] on the right.
  void Append(const int16_t* caller, const int16_t* agent, size_t count);
  // Writes what is buffered and closes the file. Returns the seconds recorded. Idempotent.
  double Close();

  const std::filesystem::path& file() const { return file_; }
  uint64_t frames() const { return frames_; }
  uint64_t failed_writes() const { return failed_writes_; }

 private:
  CallRecording(std::filesystem::path file, sf_private_tag* sndfile);
  void Flush();

  std::filesystem::path file_;
  sf_private_tag* sndfile_;
  std::vector<int16_t> block_;  // interleaved, reserved once
  uint64_t frames_ = 0;
  uint64_t failed_writes_ = 0;
};

}  // namespace hotline::voice
