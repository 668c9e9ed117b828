#include "store/log_head_file.h"

#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace hotline::store {
namespace {

using testing::ReadWholeFile;
using testing::ScratchDir;

TEST(LogHeadFileTest, EncodedHeadIsFixedSizeTextThatDecodesToItself) {
  const LogHead head{123, 45};

  const std::string text = EncodeLogHead(head);
  Result<std::optional<LogHead>> decoded = DecodeLogHead(text);

  EXPECT_EQ(text.size(), kLogHeadFileSize);
  EXPECT_EQ(text.substr(0, 46), "hotline-log-head 1\nevent 00000000000000000123\n");
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(decoded->has_value());
  EXPECT_EQ((*decoded)->last_event, 123u);
  EXPECT_EQ((*decoded)->last_command, 45u);
  EXPECT_EQ(EncodeLogHead({UINT64_MAX, 0}).size(), kLogHeadFileSize);
}

TEST(LogHeadFileTest, EmptyOrZeroedFileClaimsNothing) {
  EXPECT_FALSE(DecodeLogHead("")->has_value());
  EXPECT_FALSE(DecodeLogHead(std::string(kLogHeadFileSize, '\0'))->has_value());
}

TEST(LogHeadFileTest, ChangedPositionOrCheckIsDataLoss) {
  const std::string text = EncodeLogHead({123, 45});
  std::string position = text;
  position[position.find("123")] = '2';
  std::string check = text;
  check[check.size() - 2] = check[check.size() - 2] == '0' ? '1' : '0';

  EXPECT_EQ(DecodeLogHead(position).error().code, ErrorCode::kDataLoss);
  EXPECT_EQ(DecodeLogHead(check).error().code, ErrorCode::kDataLoss);
  EXPECT_EQ(DecodeLogHead(text.substr(0, 50)).error().code, ErrorCode::kDataLoss);
  EXPECT_EQ(DecodeLogHead(text + "x").error().code, ErrorCode::kDataLoss);
}

TEST(LogHeadFileTest, WriteOverwritesInPlaceAndReadReturnsIt) {
  ScratchDir dir;
  Result<LogHeadFile> file = LogHeadFile::Open(dir.path() / "log-head");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_FALSE(file->Read()->has_value());

  ASSERT_TRUE(file->Write({1, 1}).ok());
  ASSERT_TRUE(file->Write({20, 3}).ok());

  EXPECT_EQ(ReadWholeFile(dir.path() / "log-head"), EncodeLogHead({20, 3}));
  EXPECT_EQ((*file->Read())->last_event, 20u);
}

TEST(LogHeadFileTest, SecondOpenIsRefusedUntilTheFirstCloses) {
  ScratchDir dir;
  std::optional<Result<LogHeadFile>> first(LogHeadFile::Open(dir.path() / "log-head"));
  ASSERT_TRUE(first->ok());

  Result<LogHeadFile> second = LogHeadFile::Open(dir.path() / "log-head");
  first.reset();
  Result<LogHeadFile> third = LogHeadFile::Open(dir.path() / "log-head");

  EXPECT_EQ(second.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(third.ok());
}

}  // namespace
}  // namespace hotline::store
