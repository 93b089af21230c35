// Radial form factors (dft/radial_tables.hpp): spherical Bessel functions against closed forms; the
// transform F_l[f](q) = 4 pi int r^2 j_l(qr) f(r) dr and its q-derivative for Gaussians r^l exp(-a r^2)
// and exp(-r) against closed forms; Hermite interpolation error; the local potential's erf split and the
// alpha Z constant for V_loc = -Z erf(r/s)/r + Gaussian; q -> 0 limits and sum rules on the PseudoDojo O
// file (rho_c(0) = core electrons, Parseval for projector norms); the device interpolation in a kernel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "dft/pseudo_nc.hpp"
#include "dft/radial_tables.hpp"

namespace {

using megabar::dft::NcPseudo;
using megabar::dft::radial_transform;
using megabar::dft::RadialTable;
using megabar::dft::spherical_bessel;
using megabar::dft::spherical_bessel_derivative;
using megabar::units::pi;

// A pseudo on a uniform grid 0..rmax (Simpson weights as the readers make them): read back through a
// synthetic UPF so that the weights come from the library.
NcPseudo uniform_grid(double h, double rmax) {
  NcPseudo p;
  const int n = static_cast<int>(std::lround(rmax / h)) + 1;
  p.r.resize(n);
  p.rab.assign(n, h);
  for (int k = 0; k < n; ++k) p.r[k] = k * h;
  p.weights.assign(n, 0.0);
  // Simpson (n odd here)
  for (int k = 0; k < n; ++k) p.weights[k] = h / 3.0 * ((k == 0 || k == n - 1) ? 1.0 : (k % 2 ? 4.0 : 2.0));
  return p;
}

TEST(RadialTables, SphericalBesselClosedForms) {
  for (double x : {1e-6, 0.01, 0.5, 1.0, 1.99, 2.0, 2.01, 3.7, 10.0, 55.5}) {
    const double s = std::sin(x), c = std::cos(x);
    const double j0 = s / x, j1 = s / (x * x) - c / x, j2 = (3 / (x * x) - 1) * s / x - 3 * c / (x * x);
    const double j3 = (15 / (x * x * x) - 6 / x) * s / x - (15 / (x * x) - 1) * c / x;
    const double tol = x < 0.1 ? 1e-15 : 1e-13;  // the closed forms themselves cancel for small x
    EXPECT_NEAR(spherical_bessel(0, x), j0, tol) << x;
    if (x > 0.1) {
      EXPECT_NEAR(spherical_bessel(1, x), j1, tol) << x;
      EXPECT_NEAR(spherical_bessel(2, x), j2, tol) << x;
      EXPECT_NEAR(spherical_bessel(3, x), j3, tol) << x;
    }
    // derivative against a central difference
    for (int l = 0; l <= 3; ++l) {
      const double h = 1e-5;
      const double fd = (spherical_bessel(l, x + h) - spherical_bessel(l, x - h)) / (2 * h);
      if (x > 2 * h) EXPECT_NEAR(spherical_bessel_derivative(l, x), fd, 1e-9) << l << " " << x;
    }
  }
  // Small x: j_l(x) = x^l / (2l+1)!! (1 - x^2 / (2 (2l+3)) + x^4 / (8 (2l+3)(2l+5)) - ..).
  EXPECT_NEAR(spherical_bessel(1, 1e-3), 1e-3 / 3 * (1 - 1e-6 / 10 + 1e-12 / 280), 1e-19);
  EXPECT_NEAR(spherical_bessel(3, 1e-2), 1e-6 / 105 * (1 - 1e-4 / 18 + 1e-8 / 792), 1e-21);
  EXPECT_DOUBLE_EQ(spherical_bessel_derivative(1, 0.0), 1.0 / 3.0);
}

// F_l[r^l exp(-a r^2)](q) = (pi/a)^{3/2} (q/(2a))^l exp(-q^2/(4a)).
TEST(RadialTables, GaussianTransformsAndDerivatives) {
  const NcPseudo g = uniform_grid(0.002, 12.0);
  const double a = 0.8;
  for (int l = 0; l <= 3; ++l) {
    std::vector<double> f(g.r.size());
    for (size_t k = 0; k < f.size(); ++k) f[k] = std::pow(g.r[k], l) * std::exp(-a * g.r[k] * g.r[k]);
    const RadialTable t = radial_transform(g.r, g.weights, f, l, 12.0, 0.01);
    EXPECT_EQ(t.size(), 1201);
    double worst = 0, worst_d = 0;
    for (int i = 0; i < t.size(); ++i) {
      const double q = i * t.dq;
      const double e = std::exp(-q * q / (4 * a)), c = std::pow(pi / a, 1.5) / std::pow(2 * a, l);
      const double exact = c * std::pow(q, l) * e;
      const double dexact = c * e * ((l ? l * std::pow(q, l - 1) : 0.0) - std::pow(q, l + 1) / (2 * a));
      worst = std::max(worst, std::fabs(t.f[i] - exact));
      worst_d = std::max(worst_d, std::fabs(t.df[i] - dexact));
    }
    EXPECT_LT(worst, 1e-11 * std::pow(pi / a, 1.5)) << "l = " << l;
    EXPECT_LT(worst_d, 1e-11 * std::pow(pi / a, 1.5)) << "l = " << l;
  }
}

// F_0[exp(-r)](q) = 8 pi / (1 + q^2)^2; interpolation between the nodes to 1e-9 of F(0). This F is
// sharper in q than pseudopotential form factors (F''''(0) = 960 pi): with dq = 0.005 the Hermite
// bound dq^4 max|F''''| / 384 is 5e-9.
TEST(RadialTables, ExponentialTransformAndInterpolation) {
  const NcPseudo g = uniform_grid(0.001, 40.0);
  std::vector<double> f(g.r.size());
  for (size_t k = 0; k < f.size(); ++k) f[k] = std::exp(-g.r[k]);
  const RadialTable t = radial_transform(g.r, g.weights, f, 0, 6.0, 0.005);
  double worst = 0, worst_d = 0;
  for (int i = 0; i <= 3000; ++i) {
    const double q = 6.0 * i / 3000.0 + 1e-7 * (i % 7);  // off the nodes
    if (q > t.qmax()) break;
    const double exact = 8 * pi / std::pow(1 + q * q, 2), dexact = -32 * pi * q / std::pow(1 + q * q, 3);
    worst = std::max(worst, std::fabs(t(q) - exact));
    worst_d = std::max(worst_d, std::fabs(t.derivative(q) - dexact));
  }
  EXPECT_LT(worst, 1e-9 * 8 * pi);
  EXPECT_LT(worst_d, 2e-7 * 8 * pi);
  std::printf("[ radial  ] exp(-r): interpolation error %.2e (value), %.2e (derivative) of F(0)\n", worst / (8 * pi),
              worst_d / (8 * pi));
}

// V_loc = -Z erf(r/s)/r + A exp(-r^2/b^2):  v(q) = -4 pi Z exp(-q^2 s^2/4)/q^2 + A (pi b^2)^{3/2} exp(-q^2 b^2/4),
// alpha Z = pi Z s^2 + A (pi b^2)^{3/2}.
TEST(RadialTables, LocalPotentialSplitAndAlphaZ) {
  NcPseudo p = uniform_grid(0.002, 14.0);
  const double Z = 6, s = 0.6, A = 1.7, b = 0.9;
  p.zion = Z;
  p.vloc.resize(p.r.size());
  for (size_t k = 0; k < p.r.size(); ++k) {
    const double r = p.r[k];
    p.vloc[k] = (r > 0 ? -Z * std::erf(r / s) / r : -Z * 2 / (std::sqrt(pi) * s)) + A * std::exp(-r * r / (b * b));
  }
  const auto ff = megabar::dft::tabulate_form_factors(p, 15.0, 0.005, 1.0);
  EXPECT_NEAR(ff.alpha, pi * Z * s * s + A * std::pow(pi * b * b, 1.5), 1e-10);
  for (double q : {0.05, 0.3, 1.0, 2.5, 7.3, 14.9}) {
    const double exact = -4 * pi * Z * std::exp(-q * q * s * s / 4) / (q * q) +
                         A * std::pow(pi * b * b, 1.5) * std::exp(-q * q * b * b / 4);
    const double dexact = 4 * pi * Z * std::exp(-q * q * s * s / 4) * (2 / (q * q * q) + s * s / (2 * q)) -
                          A * std::pow(pi * b * b, 1.5) * std::exp(-q * q * b * b / 4) * q * b * b / 2;
    EXPECT_NEAR(ff.local(q), exact, 1e-10 * std::max(1.0, std::fabs(exact))) << q;
    EXPECT_NEAR(ff.local_derivative(q), dexact, 1e-9 * std::max(1.0, std::fabs(dexact))) << q;
  }
}

TEST(RadialTables, PseudoDojoOxygenLimitsAndSumRules) {
  const std::string dir = megabar::dft::pseudodojo_dir(MEGABAR_PSEUDODOJO_DIR_DEFAULT);
  ASSERT_FALSE(dir.empty()) << "abinit-data's PseudoDojo folder not found (scripts/setup installs it)";
  const NcPseudo o = megabar::dft::read_psp8(dir + "/O.psp8");
  const auto ff = megabar::dft::tabulate_form_factors(o, 40.0, 0.005);
  // rho_c(0) = 4 pi int r^2 rho_core = the psp8 column integral int (4 pi rho_c) r^2 dr.
  std::vector<double> n(o.r.size());
  for (size_t k = 0; k < n.size(); ++k) n[k] = 4 * pi * o.r[k] * o.r[k] * o.rho_core[k];
  EXPECT_NEAR(ff.core.f[0], o.integrate(n), 1e-13);
  EXPECT_NEAR(ff.core.f[0], 0.5744, 1e-3);  // the O model core holds 0.574 electrons
  EXPECT_NEAR(ff.core.df[0], 0.0, 1e-14);
  // alpha Z = 4 pi int r^2 (V_loc + Z/r) dr, independent of the split radius rc.
  for (size_t k = 0; k < n.size(); ++k) n[k] = 4 * pi * o.r[k] * (o.r[k] * o.vloc[k] + o.zion);
  EXPECT_NEAR(ff.alpha, o.integrate(n), 1e-9);
  const auto ff2 = megabar::dft::tabulate_form_factors(o, 5.0, 0.005, 0.6);
  EXPECT_NEAR(ff2.alpha, ff.alpha, 1e-9);
  EXPECT_NEAR(ff2.local(2.0), ff.local(2.0), 1e-9);
  // Projectors: f(0) = 4 pi int r^2 beta for s, 0 otherwise; f'(0) = (4 pi/3) int r^3 beta for p;
  // Parseval: int_0^inf q^2 f(q)^2 dq = 8 pi^3 int r^2 beta^2 dr.
  for (size_t i = 0; i < o.projectors.size(); ++i) {
    const auto& pr = o.projectors[i];
    const auto& t = ff.projectors[i];
    for (size_t k = 0; k < n.size(); ++k) n[k] = o.r[k] * o.r[k] * pr.beta[k];
    if (pr.l == 0)
      EXPECT_NEAR(t.f[0], 4 * pi * o.integrate(n), 1e-12 * std::fabs(t.f[0]));
    else
      EXPECT_EQ(t.f[0], 0.0);
    for (size_t k = 0; k < n.size(); ++k) n[k] = o.r[k] * o.r[k] * o.r[k] * pr.beta[k];
    if (pr.l == 1)
      EXPECT_NEAR(t.df[0], 4 * pi / 3 * o.integrate(n), 1e-12 * std::fabs(t.df[0]));
    else
      EXPECT_NEAR(t.df[0], 0.0, 1e-14);
    for (size_t k = 0; k < n.size(); ++k) n[k] = o.r[k] * o.r[k] * pr.beta[k] * pr.beta[k];
    double qsum = 0;
    for (int k = 0; k < t.size(); ++k) {
      const double q = k * t.dq, w = (k == 0 || k == t.size() - 1) ? 0.5 : 1.0;
      qsum += w * t.dq * q * q * t.f[k] * t.f[k];
    }
    EXPECT_NEAR(qsum / (8 * pi * pi * pi * o.integrate(n)), 1.0, 1e-4) << "projector " << i;
  }
  // Interpolation between nodes against direct transforms: 1e-9 of the table's largest value.
  for (size_t i = 0; i < o.projectors.size(); ++i) {
    double fmax = 0;
    for (double x : ff.projectors[i].f) fmax = std::max(fmax, std::fabs(x));
    for (double q : {0.0123, 1.23456, 7.7777, 15.00251, 33.3333}) {
      const RadialTable one = radial_transform(o.r, o.weights, o.projectors[i].beta, o.projectors[i].l, q, q);
      EXPECT_NEAR(ff.projectors[i](q), one.f[1], 1e-9 * fmax) << i << " " << q;
      EXPECT_NEAR(ff.projectors[i].derivative(q), one.df[1], 1e-7 * fmax) << i << " " << q;
    }
  }
}

// The device interpolation, run in the execution space.
double device_max_error(const megabar::dft::DeviceRadialTables& t, const std::vector<double>& qs,
                        const std::vector<double>& expected) {
  const int nq = static_cast<int>(qs.size());
  megabar::kernels::View1<double> q("q", nq), out("out", nq);
  auto hq = Kokkos::create_mirror_view(q);
  for (int i = 0; i < nq; ++i) hq(i) = qs[i];
  Kokkos::deep_copy(q, hq);
  auto f = t.f;
  auto df = t.df;
  const int n = t.n;
  const double dq = t.dq;
  Kokkos::parallel_for(
      "test::radial_interp", megabar::kernels::RangePolicy(0, nq),
      KOKKOS_LAMBDA(int i) { out(i) = megabar::dft::interpolate_radial(&f(0, 1), &df(0, 1), n, dq, q(i)); });
  auto ho = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  double worst = 0;
  for (int i = 0; i < nq; ++i) worst = std::max(worst, std::fabs(ho(i) - expected[i]));
  return worst;
}

TEST(RadialTables, DeviceInterpolationMatchesHost) {
  const NcPseudo g = uniform_grid(0.002, 12.0);
  std::vector<double> f0(g.r.size()), f1(g.r.size());
  for (size_t k = 0; k < f0.size(); ++k) {
    f0[k] = std::exp(-g.r[k] * g.r[k]);
    f1[k] = g.r[k] * std::exp(-0.5 * g.r[k] * g.r[k]);
  }
  const RadialTable t0 = radial_transform(g.r, g.weights, f0, 0, 8.0, 0.01);
  const RadialTable t1 = radial_transform(g.r, g.weights, f1, 1, 6.0, 0.01);
  const auto dev = megabar::dft::to_device({&t0, &t1});
  EXPECT_EQ(dev.n, t0.size());
  std::vector<double> qs, expected;
  for (int i = 0; i < 500; ++i) {
    const double q = 5.99 * i / 499.0;
    qs.push_back(q);
    expected.push_back(t1(q));
  }
  // the same arithmetic, to a few ulps of the table's scale (~1): GPUs contract multiply-adds into FMAs
  EXPECT_LT(device_max_error(dev, qs, expected), 1e-14);
}

}  // namespace
