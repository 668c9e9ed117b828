// Random variates for the simulator, from the project's deterministic generator: the same seed
// gives the same numbers on every platform (the standard library's distributions do not promise
// that).
#pragma once

#include "base/random.h"
#include "sim/scenario.h"

namespace hotline::sim {

// A draw from `d`, in seconds (never negative).
double Sample(const Distribution& d, Random& random);
// An exponential draw with the given rate (per second); rate must be > 0.
double SampleExponential(double rate, Random& random);
// Mean of `d` in seconds.
double MeanOf(const Distribution& d);

}  // namespace hotline::sim
