// Strong id types: an AgentId is not a QueueId, even though both are small integers inside the
// engine. Modules pass these, never bare ints or strings.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace hotline {

template <typename Tag, typename Rep = uint32_t>
class StrongId {
 public:
  using rep_type = Rep;
  static constexpr Rep kInvalid = std::numeric_limits<Rep>::max();

  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep value) : value_(value) {}
  constexpr Rep value() const { return value_; }
  constexpr bool valid() const { return value_ != kInvalid; }
  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  Rep value_ = kInvalid;
};

}  // namespace hotline

template <typename Tag, typename Rep>
struct std::hash<hotline::StrongId<Tag, Rep>> {
  size_t operator()(const hotline::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>()(id.value());
  }
};
