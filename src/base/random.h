// Deterministic pseudo-random numbers (xoshiro256**, seeded through splitmix64). Same seed, same
// sequence, on every platform and compiler: the standard library's distributions do not promise
// that, so the few we need are written here.
#pragma once

#include <cstdint>

namespace hotline {

class Random {
 public:
  explicit Random(uint64_t seed = 1);
  uint64_t Next();
  // Uniform in [0, n). n must be > 0.
  uint64_t Below(uint64_t n);
  // Uniform in [0, 1).
  double Unit();

 private:
  uint64_t s_[4];
};

}  // namespace hotline
