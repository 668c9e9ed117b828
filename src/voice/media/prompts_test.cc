#include "voice/media/prompts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "voice/media/audio_file.h"

namespace hotline::voice {
namespace {

double Rms(const std::vector<int16_t>& samples) {
  double sum = 0;
  for (int16_t s : samples) sum += static_cast<double>(s) * s;
  return samples.empty() ? 0 : std::sqrt(sum / samples.size());
}

class PromptLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hotline-prompts-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(PromptLibraryTest, MandarinPinyinIsSpokenAndCachedOnDisk) {
  PromptLibrary library(dir_);
  auto first = library.Speak("ni3 hao3", "cmn-latn-pinyin");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_GT((*first)->seconds(), 0.3);
  EXPECT_GT(Rms((*first)->samples), 300);
  EXPECT_TRUE(std::filesystem::exists(library.CachePath("ni3 hao3", "cmn-latn-pinyin")));
  EXPECT_EQ(library.syntheses(), 1u);

  PromptLibrary restarted(dir_);  // a new process: only the disk cache can answer
  auto second = restarted.Speak("ni3 hao3", "cmn-latn-pinyin");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(restarted.syntheses(), 0u);
  EXPECT_EQ((*second)->samples, (*first)->samples);
  auto third = restarted.Speak("ni3 hao3", "cmn-latn-pinyin");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->get(), second->get());  // the memory cache shares one Audio
}

TEST_F(PromptLibraryTest, EnglishAndCantoneseSpeakToo) {
  PromptLibrary library(dir_);
  for (auto voice : {"en", "yue"}) {
    auto audio = library.Speak(voice == std::string("en") ? "Please hold" : "nei5 hou2", voice);
    ASSERT_TRUE(audio.ok()) << voice;
    EXPECT_GT(Rms((*audio)->samples), 300) << voice;
  }
}

TEST_F(PromptLibraryTest, UnknownVoiceAndOversizedTextAreRefused) {
  PromptLibrary library(dir_);
  auto bad_voice = library.Speak("hello", "klingon");
  ASSERT_FALSE(bad_voice.ok());
  EXPECT_EQ(bad_voice.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad_voice.error().field, "voice");
  auto too_long = library.Speak(std::string(2001, 'a'), "en");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().field, "text");
  EXPECT_EQ(library.syntheses(), 0u);
}

TEST_F(PromptLibraryTest, MusicIsAudibleAndLoopsWithoutAClick) {
  PromptLibrary library(dir_);
  auto music = library.Music();
  EXPECT_EQ(music.get(), library.Music().get());
  EXPECT_NEAR(music->seconds(), 19.2, 0.01);
  EXPECT_GT(Rms(music->samples), 500);
  EXPECT_EQ(music->samples.front(), 0);
  EXPECT_LT(std::abs(music->samples.back()), 50);  // the end meets the start
}

TEST_F(PromptLibraryTest, LoadMixesToMonoAndResamplesTo8k) {
  std::filesystem::create_directories(dir_);
  Audio tone;
  for (int i = 0; i < 8000; ++i) {
    tone.samples.push_back(static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * i / 8000.0)));
  }
  ASSERT_TRUE(WriteMonoWav(dir_ / "tone.wav", tone).ok());
  PromptLibrary library(dir_);
  auto loaded = library.Load(dir_ / "tone.wav");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->samples, tone.samples);
  EXPECT_FALSE(library.Load(dir_ / "missing.wav").ok());
}

TEST(ResampleTo8k, HalvesTheSampleCountFrom16k) {
  std::vector<int16_t> in(16000);
  for (size_t i = 0; i < in.size(); ++i) {
    in[i] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * i / 16000.0));
  }
  auto out = ResampleTo8k(in.data(), in.size(), 16000);
  EXPECT_NEAR(static_cast<double>(out.size()), 8000, 10);
  EXPECT_NEAR(Rms(out), 8000 / std::sqrt(2.0), 300);
}

}  // namespace
}  // namespace hotline::voice
