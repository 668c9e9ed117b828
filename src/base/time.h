// Instants and durations. Events carry UTC microseconds; every instant in Hotline is an Instant,
// every span a Duration. Core and flow never read a clock: they receive `now`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace hotline {

using Duration = std::chrono::microseconds;
using Instant = std::chrono::sys_time<Duration>;  // UTC, microsecond resolution

inline constexpr Duration Seconds(double s) {
  return Duration(static_cast<int64_t>(s * 1'000'000.0));
}
inline constexpr double ToSeconds(Duration d) { return static_cast<double>(d.count()) / 1e6; }
inline constexpr int64_t ToMicros(Instant t) { return t.time_since_epoch().count(); }
inline constexpr Instant FromMicros(int64_t us) { return Instant(Duration(us)); }

// Parses "20s", "3m", "1.5h", "250ms", "2d", compounds such as "1h30m", or a plain number of
// seconds ("45", "0.5"). Negative values and anything else are an InvalidArgument error naming
// the text.
Result<Duration> ParseDuration(std::string_view text);

// "20s", "3m", "1h30m", "1.5s": the shortest exact spelling ParseDuration reads back.
std::string FormatDuration(Duration d);

// RFC 3339 UTC with microseconds when not whole seconds: "2026-11-22T15:04:05Z".
std::string FormatRfc3339(Instant t);

// Reads RFC 3339: "2026-11-22T15:04:05Z", with optional fractional seconds (up to microseconds)
// and a "Z" or "+08:00" / "-05:30" offset; a date alone ("2026-11-22") is midnight UTC. Anything
// else is an InvalidArgument error naming the text.
Result<Instant> ParseRfc3339(std::string_view text);

}  // namespace hotline
