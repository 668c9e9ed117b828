#include "base/time.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace hotline {

Result<Duration> ParseDuration(std::string_view text) {
  auto bad = [&](const char* why) {
    return Error::InvalidArgument("'" + std::string(text) + "' is not a duration (" + why +
                                  "; use e.g. 20s, 3m, 1.5h or a number of seconds)");
  };
  if (text.empty()) return bad("empty");
  size_t unit_at = text.size();
  while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(text[unit_at - 1]))) --unit_at;
  std::string_view number = text.substr(0, unit_at);
  std::string_view unit = text.substr(unit_at);
  if (number.empty()) return bad("no number");
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return bad("not a number");
  if (!std::isfinite(value)) return bad("not finite");
  if (value < 0) return bad("negative");
  double scale;
  if (unit.empty() || unit == "s") {
    scale = 1e6;
  } else if (unit == "ms") {
    scale = 1e3;
  } else if (unit == "us") {
    scale = 1;
  } else if (unit == "m" || unit == "min") {
    scale = 60e6;
  } else if (unit == "h") {
    scale = 3600e6;
  } else if (unit == "d") {
    scale = 86400e6;
  } else {
    return bad("unknown unit");
  }
  double us = value * scale;
  if (us > 9.0e18) return bad("too large");
  return Duration(static_cast<int64_t>(std::llround(us)));
}

std::string FormatDuration(Duration d) {
  int64_t us = d.count();
  std::string sign = us < 0 ? "-" : "";
  if (us < 0) us = -us;
  if (us == 0) return "0s";
  if (us % 1'000'000 != 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%gs", sign.c_str(), static_cast<double>(us) / 1e6);
    return buf;
  }
  int64_t s = us / 1'000'000;
  std::string out = sign;
  if (s >= 3600) {
    out += std::to_string(s / 3600) + "h";
    s %= 3600;
  }
  if (s >= 60) {
    out += std::to_string(s / 60) + "m";
    s %= 60;
  }
  if (s > 0) out += std::to_string(s) + "s";
  return out;
}

std::string FormatRfc3339(Instant t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  auto tod = t - day;
  int64_t us = tod.count();
  int64_t secs = us / 1'000'000;
  int64_t frac = us % 1'000'000;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                        static_cast<unsigned>(ymd.day()), static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, n);
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  out += "Z";
  return out;
}

}  // namespace hotline
