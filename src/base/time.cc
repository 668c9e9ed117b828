#include "base/time.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace hotline {

namespace {

// Microseconds per unit; 0 when the unit is unknown.
double UnitScale(std::string_view unit) {
  if (unit.empty() || unit == "s") return 1e6;
  if (unit == "ms") return 1e3;
  if (unit == "us") return 1;
  if (unit == "m" || unit == "min") return 60e6;
  if (unit == "h") return 3600e6;
  if (unit == "d") return 86400e6;
  return 0;
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  auto bad = [&](const char* why) {
    return Error::InvalidArgument("'" + std::string(text) + "' is not a duration (" + why +
                                  "; use e.g. 20s, 3m, 1.5h, 1h30m or a number of seconds)");
  };
  if (text.empty()) return bad("empty");
  // One or more <number><unit> parts ("1h30m"), or a single plain number of seconds.
  double total_us = 0;
  size_t at = 0;
  int parts = 0;
  while (at < text.size()) {
    size_t number_end = at;
    while (number_end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[number_end])) || text[number_end] == '.' ||
            text[number_end] == '-' || text[number_end] == '+')) {
      ++number_end;
    }
    size_t unit_end = number_end;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) {
      ++unit_end;
    }
    std::string_view number = text.substr(at, number_end - at);
    std::string_view unit = text.substr(number_end, unit_end - number_end);
    if (number.empty()) return bad(unit_end > at ? "no number" : "unexpected character");
    double value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || end != number.data() + number.size()) return bad("not a number");
    if (!std::isfinite(value)) return bad("not finite");
    if (value < 0) return bad("negative");
    double scale = UnitScale(unit);
    if (scale == 0) return bad("unknown unit");
    if (unit.empty() && (parts > 0 || unit_end < text.size())) return bad("a part has no unit");
    total_us += value * scale;
    ++parts;
    at = unit_end;
  }
  if (total_us > 9.0e18) return bad("too large");
  return Duration(static_cast<int64_t>(std::llround(total_us)));
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

namespace {

// Reads exactly `n` digits at `pos`; -1 when they are not all digits.
int Digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

Result<Instant> ParseRfc3339(std::string_view text) {
  auto bad = [&] {
    return Error::InvalidArgument("'" + std::string(text.substr(0, 64)) +
                                  "' is not an RFC 3339 time such as 2026-11-22T15:04:05Z");
  };
  int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-') return bad();
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return bad();
  Instant t = std::chrono::sys_days(ymd);
  if (text.size() == 10) return t;
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return bad();
  int hh = Digits(text, 11, 2), mm = Digits(text, 14, 2), ss = Digits(text, 17, 2);
  if (hh < 0 || mm < 0 || ss < 0 || text[13] != ':' || text[16] != ':' || hh > 23 || mm > 59 ||
      ss > 60) {
    return bad();
  }
  t += Seconds(hh * 3600 + mm * 60 + std::min(ss, 59));
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t frac = 0;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) {
        frac = frac * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return bad();
    while (digits++ < 6) frac *= 10;
    t += Duration(frac);
  }
  if (pos >= text.size()) return bad();
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) return t;
  if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
    int oh = Digits(text, pos + 1, 2), om = Digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return bad();
    Duration offset = Seconds(oh * 3600 + om * 60);
    return text[pos] == '+' ? t - offset : t + offset;
  }
  return bad();
}

}  // namespace hotline
