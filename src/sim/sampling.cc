#include "sim/sampling.h"

#include <cmath>
#include <numbers>

namespace hotline::sim {
namespace {

// Standard normal by Box-Muller: exact, and two uniforms are all it needs.
double SampleNormal(Random& random) {
  double u1 = 1.0 - random.Unit();  // (0, 1]: log is finite
  double u2 = random.Unit();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

double SampleExponential(double rate, Random& random) {
  return -std::log(1.0 - random.Unit()) / rate;
}

double Sample(const Distribution& d, Random& random) {
  switch (d.kind) {
    case Distribution::Kind::kConstant:
      return d.mean_s;
    case Distribution::Kind::kExponential:
      return d.mean_s > 0 ? SampleExponential(1.0 / d.mean_s, random) : 0.0;
    case Distribution::Kind::kLognormal: {
      if (d.mean_s <= 0) return 0.0;
      // Parameters of the underlying normal from the mean and standard deviation asked for.
      double ratio = d.sd_s / d.mean_s;
      double sigma2 = std::log1p(ratio * ratio);
      double mu = std::log(d.mean_s) - sigma2 / 2;
      return std::exp(mu + std::sqrt(sigma2) * SampleNormal(random));
    }
    case Distribution::Kind::kEmpirical:
      if (d.values_s.empty()) return 0.0;
      return d.values_s[random.Below(d.values_s.size())];
  }
  return 0.0;
}

double MeanOf(const Distribution& d) {
  if (d.kind != Distribution::Kind::kEmpirical) return d.mean_s;
  if (d.values_s.empty()) return 0.0;
  double sum = 0;
  for (double v : d.values_s) sum += v;
  return sum / static_cast<double>(d.values_s.size());
}

}  // namespace hotline::sim
