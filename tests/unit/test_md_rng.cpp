// md::Rng: the xoshiro256** and splitmix64 definitions, reproducibility, the state round trip, and the
// moments of its Gaussian, gamma and chi-squared deviates.
#include <gtest/gtest.h>

#include <cmath>

#include "md/rng.hpp"

namespace {

using megabar::md::Rng;

TEST(MdRng, MatchesTheGeneratorDefinitions) {
  std::uint64_t x = 0;
  EXPECT_EQ(megabar::md::splitmix64(x), 0xe220a8397b1dcdafULL);  // the first splitmix64 output from seed 0
  Rng r;
  r.set_state({1, 2, 3, 4});
  EXPECT_EQ(r.next(), 11520u);  // rotl(2 * 5, 7) * 9
  // the state update: s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= s1_old << 17, s3 = rotl(s3, 45)
  const auto s = r.state();
  EXPECT_EQ(s[0], 1u ^ (4u ^ 2u));
  EXPECT_EQ(s[1], 2u ^ (3u ^ 1u));
  EXPECT_EQ(s[2], (3u ^ 1u) ^ (2u << 17));
  EXPECT_EQ(s[3], ((4ULL ^ 2ULL) << 45) | ((4ULL ^ 2ULL) >> 19));
  EXPECT_THROW(r.set_state({0, 0, 0, 0}), std::invalid_argument);
}

TEST(MdRng, SameSeedSameSequenceAndTheStateIsEverything) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.gaussian(), b.gaussian());
  EXPECT_NE(a.next(), c.next());
  Rng d(1);
  d.set_state(a.state());  // a fresh generator with a's four words continues a's sequence
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(a.gaussian(), d.gaussian());
    EXPECT_EQ(a.gamma(3.7), d.gamma(3.7));
  }
}

TEST(MdRng, DeviateMoments) {
  Rng r(2024);
  const int n = 200000;
  double s1 = 0, s2 = 0, s4 = 0, u_mean = 0;
  for (int i = 0; i < n; ++i) {
    const double g = r.gaussian();
    s1 += g;
    s2 += g * g;
    s4 += g * g * g * g;
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    u_mean += u;
  }
  EXPECT_NEAR(s1 / n, 0.0, 5 * std::sqrt(1.0 / n));
  EXPECT_NEAR(s2 / n, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(s4 / n, 3.0, 5 * std::sqrt(96.0 / n));
  EXPECT_NEAR(u_mean / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  // Gamma(a): mean a, variance a (both branches: a < 1 and a >= 1); chi^2(k) = 2 Gamma(k/2): mean k, var 2k
  for (double a : {0.5, 1.0, 2.5, 40.0}) {
    const int m = 100000;
    double g1 = 0, g2 = 0;
    for (int i = 0; i < m; ++i) {
      const double g = r.gamma(a);
      ASSERT_GE(g, 0.0);
      g1 += g;
      g2 += g * g;
    }
    const double mean = g1 / m, var = g2 / m - mean * mean;
    EXPECT_NEAR(mean, a, 5 * std::sqrt(a / m)) << "shape " << a;
    EXPECT_NEAR(var, a, 5 * std::sqrt((6 * a + 2 * a * a) / m)) << "shape " << a;  // var of x^2 estimate
  }
  EXPECT_EQ(r.gamma(0.0), 0.0);
  double c = 0;
  for (int i = 0; i < 50000; ++i) c += r.chi_squared(5);
  EXPECT_NEAR(c / 50000, 5.0, 5 * std::sqrt(10.0 / 50000));
}

}  // namespace
