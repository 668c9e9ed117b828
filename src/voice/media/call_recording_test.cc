#include "voice/media/call_recording.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace hotline::voice {
namespace {

std::filesystem::path TempFile(const char* name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("hotline-media-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

TEST(CallRecording, WritesCallerLeftAndAgentRightAcrossBlocks) {
  auto file = TempFile("recording.wav");
  auto recording = CallRecording::Open(file);
  ASSERT_TRUE(recording.ok());
  std::vector<int16_t> caller(160), agent(160);
  const size_t frames = 160 * 75;  // 1.5 blocks
  for (size_t i = 0; i < frames; i += 160) {
    for (size_t j = 0; j < 160; ++j) {
      caller[j] = static_cast<int16_t>(i + j);
      agent[j] = static_cast<int16_t>(-static_cast<int>(i + j));
    }
    (*recording)->Append(caller.data(), agent.data(), 160);
  }
  EXPECT_DOUBLE_EQ((*recording)->Close(), 1.5);
  EXPECT_DOUBLE_EQ((*recording)->Close(), 1.5);  // idempotent

  SF_INFO info{};
  SNDFILE* in = sf_open(file.c_str(), SFM_READ, &info);
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, 8000);
  EXPECT_EQ(info.frames, static_cast<sf_count_t>(frames));
  std::vector<int16_t> data(frames * 2);
  EXPECT_EQ(sf_readf_short(in, data.data(), frames), static_cast<sf_count_t>(frames));
  sf_close(in);
  EXPECT_EQ(data[2 * 9000], 9000);
  EXPECT_EQ(data[2 * 9000 + 1], -9000);
}

TEST(CallRecording, UnwritablePathIsAnError) {
  auto recording = CallRecording::Open("/nonexistent-dir/x.wav");
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.error().field, "wav");
}

}  // namespace
}  // namespace hotline::voice
