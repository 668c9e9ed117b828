// Business hours: weekly open ranges and holidays, evaluated in the center's UTC offset.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace hotline::flow {

// [start, end) in minutes after local midnight; end may be 1440 ("24:00").
struct OpenRange {
  int start = 0;
  int end = 0;
};

struct Hours {
  std::array<std::vector<OpenRange>, 7> weekly;  // index 0 = Monday
  std::set<int64_t> holidays;                    // local dates, days since 1970-01-01
};

enum class HoursState : uint8_t { kOpen, kClosed, kHoliday };

// Open, closed or holiday at `now` for a center `utc_offset` away from UTC. A holiday date is
// closed all day, whatever the weekly ranges say.
HoursState HoursAt(const Hours& hours, Instant now, Duration utc_offset);

// "09:00-18:00" -> {540, 1080}; "00:00-24:00" is the whole day. nullopt unless start < end.
std::optional<OpenRange> ParseOpenRange(std::string_view text);
// "2026-12-25" -> days since 1970-01-01; nullopt for anything else or an impossible date.
std::optional<int64_t> ParseDate(std::string_view text);
// "mon" .. "sun" -> 0 .. 6.
std::optional<int> ParseWeekday(std::string_view text);

}  // namespace hotline::flow
