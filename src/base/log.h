// Logging facade: levelled, structured lines for operators. Business facts are events, not log
// lines; no personal data (numbers, emails, names) at info level or above.
//
// The default sink writes to stderr; the server installs its own (spdlog) at start. SetLogSink and
// SetLogLevel are meant to be called once at start-up, before other threads log.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string_view>

namespace hotline {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

using LogSink = std::function<void(LogLevel, std::string_view component, std::string_view line)>;

void SetLogSink(LogSink sink);
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
const char* LogLevelName(LogLevel level);
void WriteLog(LogLevel level, std::string_view component, std::string_view line);

template <typename... Args>
void Log(LogLevel level, std::string_view component, fmt::format_string<Args...> format,
         Args&&... args) {
  if (level < GetLogLevel()) return;
  WriteLog(level, component, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace hotline
