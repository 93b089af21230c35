#include "md/rng.hpp"

#include <cmath>
#include <stdexcept>

namespace megabar::md {

namespace {
constexpr double two_pi = 6.283185307179586476925;
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng::Rng(std::uint64_t seed) {
  for (auto& w : s_) w = splitmix64(seed);  // never all zero: splitmix64 is a bijection of a counter
}

void Rng::set_state(const State& s) {
  if (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0)
    throw std::invalid_argument("rng: the all-zero state is not a valid xoshiro256** state");
  s_ = s;
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::gaussian() {
  // Box-Muller: r = sqrt(-2 ln u1), x = r cos(2 pi u2), with u1 in (0, 1] so that the log is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2);
}

double Rng::gamma(double shape) {
  if (!(shape >= 0)) throw std::invalid_argument("rng: gamma shape must be >= 0");
  if (shape == 0) return 0.0;
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) U^{1/a} (Marsaglia and Tsang, ACM TOMS 26, 363 (2000), section 6)
    const double g = gamma(shape + 1.0);
    return g * std::pow(1.0 - uniform(), 1.0 / shape);
  }
  // Marsaglia-Tsang: d = a - 1/3, c = 1/sqrt(9 d); accept d v with v = (1 + c x)^3, x ~ N(0,1), when
  // ln u < x^2/2 + d (1 - v + ln v); the cheap squeeze u < 1 - 0.0331 x^4 accepts most draws first.
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = gaussian();
    double v = 1.0 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = 1.0 - uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Rng::chi_squared(double n) { return 2.0 * gamma(0.5 * n); }

}  // namespace megabar::md
