// LiveTable: the fold's interactions between entering a queue and ending there, keyed by
// interaction id. Internal to the analytics module (kpi_fold.cc).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace hotline::analytics::internal {

// One counted interaction between entering a queue and ending there.
struct Live {
  static constexpr uint64_t kEmpty = std::numeric_limits<uint64_t>::max();
  uint64_t id = kEmpty;
  uint32_t row = 0;           // index into State::rows: its (interval, queue) of entry
  uint32_t queue = 0;         // the queue it entered (T and S come from it)
  int64_t connected_us = -1;  // -1: not connected (still waiting)
  int64_t wrapup_us = -1;     // -1: no wrap-up started
};

// Open addressing with linear probing and backward-shift deletion; Fibonacci hashing spreads the
// engine's sequential ids. Load factor at most 1/2; grows by doubling, never shrinks.
class LiveTable {
 public:
  LiveTable() { Reset(1024); }

  Live* Find(uint64_t id) {
    for (size_t i = Home(id);; i = (i + 1) & mask_) {
      Live& s = slots_[i];
      if (s.id == id) return &s;
      if (s.id == Live::kEmpty) return nullptr;
    }
  }

  // The slot of `id`, new (fields reset) or existing (fields left as they are).
  Live& Upsert(uint64_t id) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t i = Home(id);
    for (;; i = (i + 1) & mask_) {
      Live& s = slots_[i];
      if (s.id == id) return s;
      if (s.id == Live::kEmpty) break;
    }
    ++size_;
    slots_[i] = Live{};
    slots_[i].id = id;
    return slots_[i];
  }

  void Erase(Live* slot) {
    size_t hole = static_cast<size_t>(slot - slots_.data());
    --size_;
    for (size_t i = (hole + 1) & mask_;; i = (i + 1) & mask_) {
      Live& s = slots_[i];
      if (s.id == Live::kEmpty) break;
      // Move s into the hole if its home is not in the (cyclic) range (hole, i].
      size_t home = Home(s.id);
      if (((i - home) & mask_) >= ((i - hole) & mask_)) {
        slots_[hole] = s;
        hole = i;
      }
    }
    slots_[hole].id = Live::kEmpty;
  }

  template <typename F>
  void ForEach(F&& f) const {
    for (const Live& s : slots_) {
      if (s.id != Live::kEmpty) f(s);
    }
  }

  // As ForEach, letting `f` change the fields other than `id`.
  template <typename F>
  void ForEachMutable(F&& f) {
    for (Live& s : slots_) {
      if (s.id != Live::kEmpty) f(s);
    }
  }

  size_t size() const { return size_; }

 private:
  size_t Home(uint64_t id) const {
    return static_cast<size_t>((id * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  void Reset(size_t capacity) {
    slots_.assign(capacity, Live{});
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    size_ = 0;
  }

  void Grow() {
    std::vector<Live> old = std::move(slots_);
    Reset(old.size() * 2);
    for (const Live& s : old) {
      if (s.id == Live::kEmpty) continue;
      size_t i = Home(s.id);
      while (slots_[i].id != Live::kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
      ++size_;
    }
  }

  std::vector<Live> slots_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace hotline::analytics::internal
