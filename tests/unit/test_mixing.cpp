// Pulay mixing in difference form (dft/mixing.hpp) on a linear model of the density response,
//   rho_out = rho* + M (rho_in - rho*),   M diagonal in G, m(G) = -2 / (1 + G^2 bohr^2):
// plain linear mixing with beta = 0.5 is slow at long wavelengths (|1 - 0.5 (1 - m)| up to 0.5).
// Checked: the two-point step equals the classic Pulay combination; the iteration converges; the predicted
// residual is the least-squares residual of the mix (for a linear response, the next residual is
// (1 - beta (1 - M)) applied to it); and pairs carried from an earlier solve with the same response (the
// next MD step) make the next solve converge in fewer iterations when its residual lies in the directions
// the pairs sampled.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/structure.hpp"
#include "dft/basis.hpp"
#include "dft/mixing.hpp"

namespace {

using megabar::core::Cell;
using megabar::core::Mat3;
using megabar::dft::Basis;
using megabar::dft::complex;
using megabar::dft::default_fft_grid;
using megabar::dft::MixingHistory;
using megabar::dft::PulayMixer;
using megabar::dft::View1;
using Field = std::vector<complex>;

Cell test_cell() { return Cell::from_lattice(Mat3{{{6.0, 0.0, 0.0}, {0.8, 5.6, 0.0}, {-0.5, 0.7, 6.2}}}); }

Field random_field(int n, unsigned seed, double scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, scale);
  Field f(n);
  for (int k = 1; k < n; ++k) f[k] = complex(g(rng), g(rng));  // G = 0 (index 0) stays empty: no charge moves
  return f;
}

// A homogeneous dielectric-like response, diagonal in G: m(G) = -a / (1 + G^2 / q^2), strong at long
// wavelengths (m -> -a) and weak at short ones (m -> 0): a continuous spectrum, as a real one.
struct LinearResponse {
  LinearResponse(const Basis& basis, double a, double q2) {
    auto G2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G2);
    for (std::size_t k = 0; k < G2.extent(0); ++k) m.push_back(-a / (1.0 + G2(k) / q2));
  }
  // f(M) x for a function f of the eigenvalues.
  template <class F>
  Field apply(F f, const Field& x) const {
    Field out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = f(m[i]) * x[i];
    return out;
  }
  Field output(const Field& rho_in, const Field& target) const {
    Field d(rho_in.size());
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = rho_in[i] - target[i];
    Field out = apply([](double v) { return v; }, d);
    for (std::size_t i = 0; i < d.size(); ++i) out[i] += target[i];
    return out;
  }
  std::vector<double> m;
};

View1<complex> to_view(const Field& f) {
  View1<complex> v("test::field", f.size());
  auto h = Kokkos::create_mirror_view(v);
  for (std::size_t i = 0; i < f.size(); ++i) h(i) = f[i];
  Kokkos::deep_copy(v, h);
  return v;
}

Field to_field(const View1<complex>& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return Field(h.data(), h.data() + h.extent(0));
}

struct Solve {
  int iterations = 0;
  bool converged = false;
  std::vector<double> residuals, predicted;
};

// The SCF loop of dft::run_scf on the model: mix until the Hartree-metric residual is below tol.
Solve solve(PulayMixer& mixer, const LinearResponse& M, const Field& target, Field rho, double tol) {
  Solve s;
  for (int it = 1; it <= 60; ++it) {
    auto in = to_view(rho), out = to_view(M.output(rho, target));
    Field diff(rho.size());
    const Field o = to_field(out);
    for (std::size_t i = 0; i < rho.size(); ++i) diff[i] = o[i] - rho[i];
    const auto d = to_view(diff);
    const double r2 = mixer.metric(d, d);
    s.residuals.push_back(r2);
    s.iterations = it;
    if (r2 < tol) {
      mixer.record(in, out);
      s.converged = true;
      return s;
    }
    mixer.mix(in, out);
    s.predicted.push_back(mixer.predicted_residual2());
    rho = to_field(in);
  }
  return s;
}

struct MixingTest : ::testing::Test {
  Cell cell = test_cell();
  Basis basis{cell, 3.0, default_fft_grid(cell, 12.0)};
  int n = basis.dense().count;
  LinearResponse M{basis, 2.0, 1.0};
};

TEST_F(MixingTest, TwoPointStepIsTheClassicPulayCombination) {
  const Field target = random_field(n, 101, 1e-3), rho1 = random_field(n, 102, 1e-3);
  PulayMixer mixer(basis, 0.5, 8, 0.0);  // no Kerker: K = 1
  auto in = to_view(rho1), out = to_view(M.output(rho1, target));
  mixer.mix(in, out);
  const Field rho2 = to_field(in);
  // First step: linear mixing.
  const Field o1 = to_field(out);
  for (int i = 0; i < n; ++i) ASSERT_NEAR(Kokkos::abs(rho2[i] - (rho1[i] + 0.5 * (o1[i] - rho1[i]))), 0.0, 1e-15);
  const Field o2 = M.output(rho2, target);
  auto in2 = to_view(rho2), out2 = to_view(o2);
  mixer.mix(in2, out2);
  const Field rho3 = to_field(in2);
  // Classic Pulay over (rho1, F1), (rho2, F2): alpha minimises |alpha F1 + (1 - alpha) F2| in the metric.
  Field F1(n), F2(n), dF(n);
  for (int i = 0; i < n; ++i) F1[i] = o1[i] - rho1[i], F2[i] = o2[i] - rho2[i], dF[i] = F1[i] - F2[i];
  const double alpha = -mixer.metric(to_view(dF), to_view(F2)) / mixer.metric(to_view(dF), to_view(dF));
  double worst = 0, scale = 0;
  for (int i = 0; i < n; ++i) {
    const complex classic = alpha * rho1[i] + (1 - alpha) * rho2[i] + 0.5 * (alpha * F1[i] + (1 - alpha) * F2[i]);
    worst = std::max(worst, Kokkos::abs(rho3[i] - classic));
    scale = std::max(scale, Kokkos::abs(classic));
  }
  EXPECT_LT(worst, 1e-13 * scale);
}

TEST_F(MixingTest, ConvergesWhereLinearMixingDivergesAndPredictsTheResidual) {
  const Field target = random_field(n, 201, 1e-3);
  PulayMixer mixer(basis, 0.5, 8, 0.0);
  std::vector<Field> rho_in;  // the input densities, to check each prediction against the next residual
  Field rho = random_field(n, 202, 1e-3);
  Solve s;
  for (int it = 1; it <= 60 && !s.converged; ++it) {
    rho_in.push_back(rho);
    const Field out = M.output(rho, target);
    Field F(n);
    for (int i = 0; i < n; ++i) F[i] = out[i] - rho[i];
    s.residuals.push_back(mixer.metric(to_view(F), to_view(F)));
    s.iterations = it;
    auto in = to_view(rho), o = to_view(out);
    if (s.residuals.back() < 1e-22) {
      mixer.record(in, o);
      s.converged = true;
      break;
    }
    mixer.mix(in, o);
    // F(rho_next) = (1 - beta (1 - M)) F_bar: the predicted |F_bar|^2 from the next residual.
    rho = to_field(in);
    Field Fn(n);
    const Field on = M.output(rho, target);
    for (int i = 0; i < n; ++i) Fn[i] = on[i] - rho[i];
    const Field Fbar = M.apply([](double m) { return 1.0 / (1.0 - 0.5 * (1.0 - m)); }, Fn);
    const double expected = mixer.metric(to_view(Fbar), to_view(Fbar));
    EXPECT_NEAR(mixer.predicted_residual2(), expected, 1e-4 * s.residuals.back()) << "iteration " << it;
    EXPECT_LE(mixer.predicted_residual2(), s.residuals.back() * (1 + 1e-12));  // least squares: never above |F|^2
  }
  ASSERT_TRUE(s.converged) << "residual after 60 iterations " << s.residuals.back();
  EXPECT_LT(s.iterations, 40);
  EXPECT_GT(s.iterations, 8);  // the model is not trivial: the history limit is reached
  EXPECT_EQ(mixer.history().size(), 8);
}

TEST_F(MixingTest, PairsCarriedFromStepToStepShortenTheSolves) {
  // An MD-like sequence: the fixed point moves smoothly, rho*(t) = rho*(0) + t v + t^2 w (v, w random in
  // all directions), each solve starts from the previous step's result, with (seeded) or without (fresh)
  // the pairs the previous solve ended with. So the first residual of a step, -(M - 1)(v + (2t - 1) w), is
  // nearly that of the step before, as in MD, where the atoms move on smooth paths; and the response M
  // stays the same, as it nearly does over one MD step.
  const double tol = 1e-18;
  Field target = random_field(n, 301, 1e-3);
  const Field v = random_field(n, 303, 1e-5), w = random_field(n, 304, 1e-6);
  PulayMixer seeded(basis, 0.5, 8, 0.0);
  const Solve s0 = solve(seeded, M, target, random_field(n, 302, 1e-3), tol);
  ASSERT_TRUE(s0.converged);
  int with_total = 0, without_total = 0;
  for (int step = 1; step <= 8; ++step) {
    const Field start = target;
    for (int i = 0; i < n; ++i) target[i] += v[i] + (2.0 * step - 1.0) * w[i];
    const MixingHistory pairs = seeded.history();
    PulayMixer fresh(basis, 0.5, 8, 0.0);
    seeded.seed(pairs);
    const Solve with = solve(seeded, M, target, start, tol), without = solve(fresh, M, target, start, tol);
    ASSERT_TRUE(with.converged) << "step " << step;
    ASSERT_TRUE(without.converged) << "step " << step;
    with_total += with.iterations;
    without_total += without.iterations;
  }
  EXPECT_LT(with_total, without_total);
  // Pairs of another plane-wave set are ignored.
  Basis other{cell, 2.0, default_fft_grid(cell, 8.0)};
  PulayMixer elsewhere(other, 0.5, 8, 0.0);
  elsewhere.seed(seeded.history());
  EXPECT_EQ(elsewhere.history().size(), 0);
}

}  // namespace
