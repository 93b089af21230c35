// ASPC wavefunction extrapolation: coefficients, gauge invariance, and that it predicts a moving occupied
// subspace better than reusing the last bands.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "dft/extrapolation.hpp"

namespace {

using namespace megabar;
using dft::View2;

TEST(Extrapolation, AspcCoefficientsMatchKolafa) {
  // Kolafa's table: m=2: 2, -1; m=3: 5/2, -2, 1/2; m=4: 14/5, -14/5, 6/5, -1/5.
  auto b2 = dft::aspc_coefficients(2), b3 = dft::aspc_coefficients(3), b4 = dft::aspc_coefficients(4);
  EXPECT_DOUBLE_EQ(b2[0], 2.0);
  EXPECT_DOUBLE_EQ(b2[1], -1.0);
  EXPECT_DOUBLE_EQ(b3[0], 2.5);
  EXPECT_DOUBLE_EQ(b3[1], -2.0);
  EXPECT_DOUBLE_EQ(b3[2], 0.5);
  EXPECT_DOUBLE_EQ(b4[0], 2.8);
  EXPECT_DOUBLE_EQ(b4[1], -2.8);
  EXPECT_DOUBLE_EQ(b4[2], 1.2);
  EXPECT_DOUBLE_EQ(b4[3], -0.2);
  // Every order reproduces a constant and a linear trend: sum B_j = 1, sum B_j (-j) = 0.
  for (int m = 1; m <= 7; ++m) {
    auto b = dft::aspc_coefficients(m);
    double s0 = 0, s1 = 0;
    for (int j = 1; j <= m; ++j) {
      s0 += b[j - 1];
      s1 += b[j - 1] * j;
    }
    EXPECT_NEAR(s0, 1.0, 1e-13) << m;
    if (m >= 2) EXPECT_NEAR(s1, 0.0, 1e-12) << m;
  }
}

// Orthonormal bands spanning a smoothly moving subspace, X(t) = orth(A + t B + t^2 C), then mixed by a random orthogonal matrix per step (the arbitrary gauge an
// SCF leaves its bands in).
struct MovingSubspace {
  int n = 60, nb = 6;
  std::vector<double> A, B, C;
  std::mt19937_64 rng{11};
  MovingSubspace() {
    std::normal_distribution<double> g;
    for (auto* v : {&A, &B, &C}) {
      v->resize(n * nb);
      for (auto& x : *v) x = g(rng);
    }
  }
  View2<double> at(double t, bool random_gauge) {
    View2<double> X("X", n, nb);
    auto h = Kokkos::create_mirror_view(X);
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < nb; ++j) h(k, j) = A[k + n * j] + t * B[k + n * j] + 0.3 * t * t * C[k + n * j];
    Kokkos::deep_copy(X, h);
    dft::orthonormalize(X);
    if (!random_gauge) return X;
    // Random rotation within the occupied block (first 4 columns) as a product of Givens rotations.
    Kokkos::deep_copy(h, X);
    std::uniform_real_distribution<double> u(0, 6.283185307179586);
    for (int p = 0; p < 4; ++p)
      for (int q = p + 1; q < 4; ++q) {
        const double theta = u(rng), c = std::cos(theta), s = std::sin(theta);
        for (int k = 0; k < n; ++k) {
          const double a = h(k, p), b = h(k, q);
          h(k, p) = c * a - s * b;
          h(k, q) = s * a + c * b;
        }
      }
    Kokkos::deep_copy(X, h);
    return X;
  }
};

// || P_X - P_Y ||_F for the first `no` columns of each (orthonormal) set.
double projector_distance(const View2<double>& X, const View2<double>& Y, int no) {
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), X);
  auto y = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), Y);
  const int n = static_cast<int>(X.extent(0));
  double d2 = 0;
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      double p = 0, q = 0;
      for (int j = 0; j < no; ++j) {
        p += x(a, j) * x(b, j);
        q += y(a, j) * y(b, j);
      }
      d2 += (p - q) * (p - q);
    }
  return std::sqrt(d2);
}

TEST(Extrapolation, PredictsTheOccupiedSubspaceIndependentlyOfTheGauge) {
  const int no = 4;
  const double dt = 0.02;
  for (int order : {0, 1, 2, 3}) {
    MovingSubspace plain, rotated;
    dft::WavefunctionExtrapolator e_plain(order), e_rot(order);
    for (int i = 0; i < 8; ++i) {
      e_plain.push(plain.at(i * dt, false));
      e_rot.push(rotated.at(i * dt, true));
    }
    MovingSubspace truth;
    const auto exact = truth.at(8 * dt, false);
    const double err_last = projector_distance(e_plain.history()[0], exact, no);
    const double err_plain = projector_distance(e_plain.predict(no), exact, no);
    const double err_rot = projector_distance(e_rot.predict(no), exact, no);
    // The prediction depends only on the subspaces, not on how the bands inside them are rotated.
    EXPECT_NEAR(err_plain, err_rot, 1e-10 + 1e-8 * err_plain) << "order " << order;
    // And it beats reusing the last bands by far (linear trends are exact for every order).
    EXPECT_LT(err_plain, 0.1 * err_last) << "order " << order;
  }
}

TEST(Extrapolation, PredictionIsOrthonormalAndKeepsTheHistoryDepth) {
  MovingSubspace s;
  dft::WavefunctionExtrapolator e(2);
  EXPECT_THROW(e.predict(4), std::logic_error);
  for (int i = 0; i < 10; ++i) e.push(s.at(0.01 * i, true));
  EXPECT_EQ(e.size(), 4);
  auto Y = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), e.predict(4));
  for (int i = 0; i < s.nb; ++i)
    for (int j = 0; j < s.nb; ++j) {
      double d = 0;
      for (int k = 0; k < s.n; ++k) d += Y(k, i) * Y(k, j);
      EXPECT_NEAR(d, i == j ? 1.0 : 0.0, 1e-12);
    }
}

// A complex field of n sphere coefficients, f(k) at k, in device memory.
template <class F>
dft::View1<dft::complex> complex_field(int n, F f) {
  dft::View1<dft::complex> v("field", n);
  auto h = Kokkos::create_mirror_view(v);
  for (int k = 0; k < n; ++k) h(k) = f(k);
  Kokkos::deep_copy(v, h);
  return v;
}

// The densities stored with the bands are combined with the same ASPC coefficients: a density that changes
// linearly in time is predicted exactly, the first step (one stored set) and a history with a missing density
// give none (the SCF then starts from the predicted bands' density), and the history keeps its depth.
TEST(Extrapolation, PredictsTheDensitiesWithTheSameCoefficients) {
  MovingSubspace s;
  dft::WavefunctionExtrapolator e(1);  // m = 3 sets
  const int nG = 7;
  auto density = [&](double t) {
    return complex_field(nG, [&](int k) { return dft::complex(1.0 + k + 0.3 * k * t, 0.5 - 2.0 * t); });
  };
  e.push(s.at(0.0, true), density(0.0));
  EXPECT_EQ(e.predict_density().extent(0), 0u);  // one set: reused as it is, no extrapolation
  for (int i = 1; i < 6; ++i) e.push(s.at(0.01 * i, true), density(i));
  EXPECT_EQ(e.size(), 3);
  EXPECT_EQ(e.densities().size(), 3u);
  auto pred = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), e.predict_density());
  auto want = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), density(6.0));
  ASSERT_EQ(pred.extent(0), std::size_t(nG));
  for (int k = 0; k < nG; ++k) EXPECT_NEAR(Kokkos::abs(pred(k) - want(k)), 0.0, 1e-12) << k;
  e.push(s.at(0.06, true));  // bands without their density
  EXPECT_EQ(e.predict_density().extent(0), 0u);
}

// rho_pred = rho_at(new) + sum_j B_j (rho_j - rho_at_j): the atomic part is placed where the atoms now are and
// only the remainder is extrapolated, from the first step on (m = 1). Here each step's density is an arbitrary
// "atomic" part plus a remainder linear in time, which the ASPC coefficients extrapolate exactly.
TEST(Extrapolation, ExtrapolatesOnlyWhatTheAtomicDensitiesLeave) {
  MovingSubspace s;
  dft::WavefunctionExtrapolator e(1);  // m = 3 sets
  const int nG = 5;
  auto field = [&](auto f) { return complex_field(nG, f); };
  // atomic part: no polynomial in t (a linear or quadratic extrapolation would miss it)
  auto atomic = [&](double t) {
    return field([&](int k) { return dft::complex(std::cos(1.3 * t + k), std::sin(0.7 * t * t - k)); });
  };
  auto remainder = [&](double t) { return field([&](int k) { return dft::complex(0.1 * k * t, -0.2 + 0.05 * t); }); };
  auto sum = [&](const dft::View1<dft::complex>& a, const dft::View1<dft::complex>& b) {
    auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
    auto bh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
    return field([&](int k) { return ah(k) + bh(k); });
  };
  auto expect_equal = [&](const dft::View1<dft::complex>& got, const dft::View1<dft::complex>& want, const char* what) {
    ASSERT_EQ(got.extent(0), std::size_t(nG)) << what;
    auto g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), got);
    auto w = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), want);
    for (int k = 0; k < nG; ++k) EXPECT_NEAR(Kokkos::abs(g(k) - w(k)), 0.0, 1e-12) << what << " k " << k;
  };
  e.push(s.at(0.0, true), sum(atomic(0.0), remainder(0.0)), atomic(0.0));
  // one set: rho_0 - rho_at(0) + rho_at(1), i.e. the remainder of step 0 on the new atomic density
  expect_equal(e.predict_density(atomic(1.0)), sum(atomic(1.0), remainder(0.0)), "m = 1");
  EXPECT_EQ(e.predict_density().extent(0), 0u);  // without the new atomic density: as before, none for m = 1
  for (int i = 1; i < 5; ++i) e.push(s.at(0.01 * i, true), sum(atomic(i), remainder(i)), atomic(i));
  ASSERT_EQ(e.atomic_densities().size(), 3u);
  expect_equal(e.predict_density(atomic(5.0)), sum(atomic(5.0), remainder(5.0)), "m = 3");
  // A set stored without its atomic density (an older checkpoint) falls back to the plain combination.
  auto history = e.history();
  auto densities = e.densities();
  auto atomic_sets = e.atomic_densities();
  atomic_sets[2] = dft::View1<dft::complex>();
  e.set_history(history, densities, atomic_sets);
  expect_equal(e.predict_density(atomic(5.0)), e.predict_density(), "fallback");
}

}  // namespace
