#include "store/log_head_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

#include "store/log_rules.h"

namespace hotline::store {
namespace {

constexpr std::string_view kMagicLine = "hotline-log-head 1\n";

uint64_t CheckOf(std::string_view lines) {
  ChainHasher hasher;
  hasher.AddRaw(lines);
  return hasher.hash();
}

Error IoError(std::string_view operation, const std::filesystem::path& path, int error_number) {
  return Error{
      ErrorCode::kInternal,
      fmt::format("{} {} failed: {}", operation, path.string(), std::strerror(error_number)),
      {}};
}

Error CorruptHead(std::string_view why) {
  return Error{ErrorCode::kDataLoss,
               fmt::format("the acknowledged-head file log-head is corrupt ({}); restore the data "
                           "directory from a backup; see docs/operations.md",
                           why),
               "log-head"};
}

// Parses "<name> <digits>\n" at the front of `text`, advancing it.
bool ParseLine(std::string_view& text, std::string_view name, int digits, int base,
               uint64_t* value) {
  const size_t size = name.size() + 1 + digits + 1;
  if (text.size() < size || !text.starts_with(name) || text[name.size()] != ' ' ||
      text[size - 1] != '\n') {
    return false;
  }
  const char* first = text.data() + name.size() + 1;
  const char* last = first + digits;
  auto [end, error] = std::from_chars(first, last, *value, base);
  if (error != std::errc() || end != last) return false;
  text.remove_prefix(size);
  return true;
}

}  // namespace

std::string EncodeLogHead(const LogHead& head) {
  std::string text = fmt::format("{}event {:020}\ncommand {:020}\n", kMagicLine, head.last_event,
                                 head.last_command);
  text += fmt::format("check {:016x}\n", CheckOf(text));
  return text;
}

Result<std::optional<LogHead>> DecodeLogHead(std::string_view text) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == '\0'; })) {
    return std::optional<LogHead>();
  }
  if (text.size() != kLogHeadFileSize) {
    return CorruptHead(fmt::format("{} bytes, expected {}", text.size(), kLogHeadFileSize));
  }
  const std::string_view whole = text;
  if (!text.starts_with(kMagicLine)) return CorruptHead("unknown first line");
  text.remove_prefix(kMagicLine.size());
  LogHead head;
  uint64_t check = 0;
  if (!ParseLine(text, "event", 20, 10, &head.last_event) ||
      !ParseLine(text, "command", 20, 10, &head.last_command)) {
    return CorruptHead("unreadable position");
  }
  const std::string_view lines = whole.substr(0, whole.size() - text.size());
  if (!ParseLine(text, "check", 16, 16, &check)) return CorruptHead("unreadable check");
  if (check != CheckOf(lines)) return CorruptHead("check does not match");
  return std::optional<LogHead>(head);
}

Result<LogHeadFile> LogHeadFile::Open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("opening", path, errno);
  LogHeadFile file(path, fd);  // closes fd on every return below
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Error::FailedPrecondition(
          fmt::format("data directory {} is in use by another open event log (another Hotline "
                      "process, or this one)",
                      path.parent_path().string()),
          "data_dir");
    }
    return IoError("locking", path, errno);
  }
  return file;
}

LogHeadFile::LogHeadFile(LogHeadFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

LogHeadFile& LogHeadFile::operator=(LogHeadFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

LogHeadFile::~LogHeadFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::optional<LogHead>> LogHeadFile::Read() const {
  // One more byte than a valid file so an overlong file is seen as such.
  char buffer[kLogHeadFileSize + 1];
  size_t size = 0;
  while (size < sizeof(buffer)) {
    ssize_t n = ::pread(fd_, buffer + size, sizeof(buffer) - size, static_cast<off_t>(size));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("reading", path_, errno);
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  return DecodeLogHead(std::string_view(buffer, size));
}

Status LogHeadFile::Write(const LogHead& head) {
  const std::string text = EncodeLogHead(head);
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n =
        ::pwrite(fd_, text.data() + written, text.size() - written, static_cast<off_t>(written));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("writing", path_, errno);
    }
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace hotline::store
