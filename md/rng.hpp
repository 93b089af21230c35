// Random numbers for the stochastic thermostats and initial velocities: xoshiro256** (Blackman and
// Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47, 36 (2021)), its four-word state
// filled from a 64-bit seed by splitmix64. Every deviate is drawn from the four words alone (no cached
// Gaussian spare), so saving those four words saves the generator exactly.
#pragma once
#include <array>
#include <cstdint>

namespace megabar::md {

class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  explicit Rng(std::uint64_t seed = 0);

  std::uint64_t next();          // 64 random bits
  double uniform();              // [0, 1), 53 random bits
  double gaussian();             // N(0, 1) by Box-Muller, one deviate per call (the second is dropped)
  double gamma(double shape);    // Gamma(shape, scale 1), Marsaglia-Tsang; shape >= 0 (0 gives 0)
  double chi_squared(double n);  // sum of n squared N(0,1) deviates, = 2 Gamma(n/2)

  const State& state() const { return s_; }
  void set_state(const State& s);

 private:
  State s_{};
};

// One splitmix64 step: advances x and returns the next output (used to seed xoshiro256**).
std::uint64_t splitmix64(std::uint64_t& x);

}  // namespace megabar::md
