#include "base/log.h"

#include <atomic>
#include <cstdio>

namespace hotline {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};
LogSink& Sink() {
  static LogSink sink = [](LogLevel level, std::string_view component, std::string_view line) {
    std::fprintf(stderr, "%s %.*s: %.*s\n", LogLevelName(level), static_cast<int>(component.size()),
                 component.data(), static_cast<int>(line.size()), line.data());
  };
  return sink;
}
}  // namespace

void SetLogSink(LogSink sink) { Sink() = std::move(sink); }
void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      return "off";
  }
  return "?";
}

void WriteLog(LogLevel level, std::string_view component, std::string_view line) {
  if (level < g_level.load() || level == LogLevel::kOff) return;
  Sink()(level, component, line);
}

}  // namespace hotline
