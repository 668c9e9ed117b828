#include "flow/hours.h"

#include <chrono>

namespace hotline::flow {

namespace {

std::optional<int> TwoDigits(std::string_view text, size_t at) {
  if (at + 2 > text.size()) return std::nullopt;
  char a = text[at], b = text[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
  return (a - '0') * 10 + (b - '0');
}

// "HH:MM" -> minutes; 24:00 allowed.
std::optional<int> ClockMinutes(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto h = TwoDigits(text, 0), m = TwoDigits(text, 3);
  if (!h || !m || *m >= 60 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace

HoursState HoursAt(const Hours& hours, Instant now, Duration utc_offset) {
  using std::chrono::days;
  using std::chrono::floor;
  using std::chrono::minutes;
  Instant local = now + utc_offset;
  auto day = floor<days>(local);
  if (hours.holidays.count(day.time_since_epoch().count()) > 0) return HoursState::kHoliday;
  int minute = static_cast<int>(floor<minutes>(local - day).count());
  // ISO weekday: Monday = 1 .. Sunday = 7.
  unsigned weekday = std::chrono::weekday(std::chrono::sys_days(day)).iso_encoding();
  for (const OpenRange& r : hours.weekly[weekday - 1]) {
    if (minute >= r.start && minute < r.end) return HoursState::kOpen;
  }
  return HoursState::kClosed;
}

std::optional<OpenRange> ParseOpenRange(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto start = ClockMinutes(text.substr(0, dash));
  auto end = ClockMinutes(text.substr(dash + 1));
  if (!start || !end || *start >= *end) return std::nullopt;
  return OpenRange{*start, *end};
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto hi = TwoDigits(text, 0), lo = TwoDigits(text, 2);
  auto m = TwoDigits(text, 5), d = TwoDigits(text, 8);
  if (!hi || !lo || !m || !d) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*hi * 100 + *lo),
                                   std::chrono::month(static_cast<unsigned>(*m)),
                                   std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date).time_since_epoch().count();
}

std::optional<int> ParseWeekday(std::string_view text) {
  constexpr std::string_view kNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i) {
    if (text == kNames[i]) return i;
  }
  return std::nullopt;
}

}  // namespace hotline::flow
