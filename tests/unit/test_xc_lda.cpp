// The LDA kernels of dft/xc_lda.hpp (Slater exchange, Perdew-Zunger 81 correlation, Goedecker-Teter-Hutter
// Pade, Perdew-Wang 92) against libxc (LDA_X, LDA_C_PZ, LDA_XC_TETER93, LDA_C_PW) point by point, against finite differences of
// their own energy density, the PZ81 seam at r_s = 1, and dft::XcTerm("LDA"/"PADE") on a grid (where the
// kernels run in the execution space, i.e. on the GPU in CUDA builds) against libxc on the host.
#include <gtest/gtest.h>

#include <xc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "dft/basis.hpp"
#include "dft/fields.hpp"
#include "dft/xc.hpp"
#include "dft/xc_lda.hpp"

namespace {

namespace xc_lda = megabar::dft::xc_lda;
using megabar::core::Cell;
using megabar::core::Mat3;
using megabar::dft::Basis;
using megabar::dft::FieldTransform;
using megabar::dft::View1;
using megabar::dft::XcTerm;

using megabar::units::pi;
const double rho_rs1 = 3.0 / (4.0 * pi);  // the density at r_s = 1, where PZ81 changes branch

// rho from 1e-6 to 1e3 bohr^-3, 40 points a decade (r_s from ~62 to ~0.062), plus points right at both
// sides of r_s = 1.
std::vector<double> densities() {
  std::vector<double> out;
  for (int k = 0; k <= 360; ++k) out.push_back(std::pow(10.0, -6.0 + k / 40.0));
  for (double f : {1e-9, 1e-6, 1e-3, 1e-2}) {
    out.push_back(rho_rs1 * (1 - f));  // r_s just above 1
    out.push_back(rho_rs1 * (1 + f));  // r_s just below 1
  }
  return out;
}

// libxc, unpolarised LDA: e = rho zk and vrho at one point, summed over the functionals given.
struct Libxc {
  std::vector<xc_func_type> f;
  explicit Libxc(std::initializer_list<int> ids) {
    for (int id : ids) {
      xc_func_type x;
      EXPECT_EQ(xc_func_init(&x, id, XC_UNPOLARIZED), 0);
      f.push_back(x);
    }
  }
  ~Libxc() {
    for (auto& x : f) xc_func_end(&x);
  }
  void lda(double rho, double& e, double& vrho) {
    e = vrho = 0;
    for (auto& x : f) {
      double zk, v;
      xc_lda_exc_vxc(&x, 1, &rho, &zk, &v);
      e += rho * zk;
      vrho += v;
    }
  }
};

using Kernel = std::function<void(double, double&, double&)>;

// Max relative deviation of e and vrho from libxc over densities(); fails past tol.
double compare_with_libxc(const Kernel& kernel, Libxc& ref, double tol, const std::string& name) {
  double worst = 0;
  for (double rho : densities()) {
    double e, v, e0, v0;
    kernel(rho, e, v);
    ref.lda(rho, e0, v0);
    const double de = std::fabs(e - e0) / std::fabs(e0), dv = std::fabs(v - v0) / std::fabs(v0);
    EXPECT_LE(de, tol) << name << " e at rho=" << rho << ": " << e << " vs libxc " << e0;
    EXPECT_LE(dv, tol) << name << " vrho at rho=" << rho << ": " << v << " vs libxc " << v0;
    worst = std::max({worst, de, dv});
  }
  std::printf("[ xc_lda  ] %s: max relative deviation from libxc %.2e\n", name.c_str(), worst);
  return worst;
}

// Observed (libxc 5.2.3, gcc, x86-64): at most 1.2e-15 for every functional, e and vrho alike; 1e-12
// leaves room for other compilers and for the device math library (the grid tests below run there).
constexpr double libxc_tol = 1e-12;

TEST(XcLda, SlaterExchangeMatchesLibxc) {
  Libxc ref({XC_LDA_X});
  compare_with_libxc([](double r, double& e, double& v) { xc_lda::slater_exchange(r, e, v); }, ref, libxc_tol,
                     "Slater exchange");
}

TEST(XcLda, Pz81CorrelationMatchesLibxc) {
  Libxc ref({XC_LDA_C_PZ});
  compare_with_libxc([](double r, double& e, double& v) { xc_lda::pz81_correlation(r, e, v); }, ref, libxc_tol,
                     "PZ81 correlation");
}

TEST(XcLda, LdaIsSlaterPlusPz81AsLibxc) {
  Libxc ref({XC_LDA_X, XC_LDA_C_PZ});
  compare_with_libxc(
      [](double r, double& e, double& v) { xc_lda::exchange_correlation(xc_lda::Kind::SlaterPz81, r, e, v); }, ref,
      libxc_tol, "LDA (Slater + PZ81)");
}

TEST(XcLda, PadeMatchesLibxcTeter93) {
  Libxc ref({XC_LDA_XC_TETER93});
  compare_with_libxc([](double r, double& e, double& v) { xc_lda::exchange_correlation(xc_lda::Kind::Pade, r, e, v); },
                     ref, libxc_tol, "PADE (Teter93)");
}

TEST(XcLda, Pw92CorrelationMatchesLibxc) {
  Libxc ref({XC_LDA_C_PW});
  compare_with_libxc([](double r, double& e, double& v) { xc_lda::pw92_correlation(r, e, v); }, ref, libxc_tol,
                     "PW92 correlation");
}

TEST(XcLda, LdaPw92IsSlaterPlusPw92AsLibxc) {
  Libxc ref({XC_LDA_X, XC_LDA_C_PW});
  compare_with_libxc(
      [](double r, double& e, double& v) { xc_lda::exchange_correlation(xc_lda::Kind::SlaterPw92, r, e, v); }, ref,
      libxc_tol, "LDA-PW92 (Slater + PW92)");
}

TEST(XcLda, PotentialsAreDerivativesOfTheEnergyDensity) {
  const std::vector<std::pair<std::string, Kernel>> fns = {
      {"Slater", [](double r, double& e, double& v) { xc_lda::slater_exchange(r, e, v); }},
      {"PZ81", [](double r, double& e, double& v) { xc_lda::pz81_correlation(r, e, v); }},
      {"PADE", [](double r, double& e, double& v) { xc_lda::pade_xc(r, e, v); }},
      {"PW92", [](double r, double& e, double& v) { xc_lda::pw92_correlation(r, e, v); }}};
  for (const auto& [name, f] : fns)
    for (double rho : densities()) {
      const double h = 1e-4 * rho;
      // PZ81 is only piecewise smooth: keep the stencil on one side of r_s = 1.
      if (std::fabs(rho - rho_rs1) < 3 * h) continue;
      auto e_at = [&f = f](double r) {
        double e, v;
        f(r, e, v);
        return e;
      };
      double e, v;
      f(rho, e, v);
      // Fourth-order central differences.
      const double fd = (8 * (e_at(rho + h) - e_at(rho - h)) - (e_at(rho + 2 * h) - e_at(rho - 2 * h))) / (12 * h);
      EXPECT_NEAR(v, fd, 1e-9 * std::fabs(v)) << name << " rho=" << rho;
    }
}

TEST(XcLda, Pz81SeamAtRsOneIsSmallAndTheSameAsLibxc) {
  // PZ81's two branches with the published constants do not quite meet at r_s = 1:
  //   eps_c(1+) = gamma / (1 + beta1 + beta2) = -0.0596321,  eps_c(1-) = B + D = -0.0596:
  // a jump of 3.2e-5 Ha (5.4e-4 of eps_c, 6.2e-5 of eps_xc); v_c jumps by 2.8e-5 Ha (4.2e-4 of v_c).
  // libxc's LDA_C_PZ has the same seam (LDA_C_PZ_MOD refits C and D to close it); QE's "PZ" too.
  double eps_hi, d_hi, eps_lo, d_lo;
  xc_lda::pz81(1.0, eps_hi, d_hi);                       // r_s >= 1 branch
  xc_lda::pz81(std::nextafter(1.0, 0.0), eps_lo, d_lo);  // r_s < 1 branch
  const double jump_eps = eps_hi - eps_lo;
  const double jump_v = (eps_hi - d_hi / 3) - (eps_lo - d_lo / 3);
  std::printf("[ xc_lda  ] PZ81 at r_s = 1: eps_c jumps by %.3e Ha (%.2e relative), v_c by %.3e Ha (%.2e relative)\n",
              jump_eps, std::fabs(jump_eps / eps_hi), jump_v, std::fabs(jump_v / (eps_hi - d_hi / 3)));
  EXPECT_NEAR(jump_eps, -0.1423 / 2.3863 + 0.0596, 1e-15);
  EXPECT_LT(std::fabs(jump_eps / eps_hi), 6e-4);
  EXPECT_LT(std::fabs(jump_v / (eps_hi - d_hi / 3)), 5e-4);
  // The total LDA energy density is continuous to 1e-4 relative across the seam.
  double e_a, v_a, e_b, v_b;
  xc_lda::exchange_correlation(xc_lda::Kind::SlaterPz81, rho_rs1 * (1 - 1e-12), e_a, v_a);
  xc_lda::exchange_correlation(xc_lda::Kind::SlaterPz81, rho_rs1 * (1 + 1e-12), e_b, v_b);
  EXPECT_LT(std::fabs(e_a - e_b) / std::fabs(e_b), 1e-4);
  EXPECT_LT(std::fabs(v_a - v_b) / std::fabs(v_b), 1e-4);
  // libxc jumps by the same amount (so the kernels choose the same branch on either side).
  Libxc ref({XC_LDA_C_PZ});
  double r_a = rho_rs1 * (1 - 1e-12), r_b = rho_rs1 * (1 + 1e-12), l_a, lv_a, l_b, lv_b;
  ref.lda(r_a, l_a, lv_a);
  ref.lda(r_b, l_b, lv_b);
  EXPECT_NEAR(l_a / r_a - l_b / r_b, jump_eps, 1e-9);
}

TEST(XcLda, PadeIsCloseToSlaterPlusPz81) {
  // GTH fitted the Pade form to the PZ81 LDA: both agree to a few mHa per electron over the range.
  double worst = 0;
  for (double rho : densities()) {
    double e1, v1, e2, v2;
    xc_lda::exchange_correlation(xc_lda::Kind::SlaterPz81, rho, e1, v1);
    xc_lda::exchange_correlation(xc_lda::Kind::Pade, rho, e2, v2);
    worst = std::max(worst, std::fabs(e1 - e2) / rho);
  }
  EXPECT_LT(worst, 5e-3);
  EXPECT_GT(worst, 1e-6);  // but they are different functionals
}

TEST(XcLda, BelowTheThresholdEverythingIsZero) {
  for (double rho : {0.0, 1e-14, 0.99e-12}) {
    double e, v;
    for (auto kind : {xc_lda::Kind::SlaterPz81, xc_lda::Kind::Pade, xc_lda::Kind::SlaterPw92}) {
      xc_lda::exchange_correlation(kind, rho, e, v);
      EXPECT_EQ(e, 0.0) << rho;
      EXPECT_EQ(v, 0.0) << rho;
    }
  }
}

// XcTerm with an arbitrary (not band-limited: LDA never looks at rho_G) grid density spanning 1e-6..1e3,
// with a few negative (FFT-noise) values, against libxc evaluated here on the host.
void check_grid_against_libxc(const std::string& name, Libxc& ref) {
  const Cell cell = Cell::from_lattice(Mat3{{{6.0, 0.0, 0.0}, {0.3, 5.8, 0.0}, {0.0, -0.2, 6.1}}});
  const Basis basis{cell, 8.0, megabar::dft::default_fft_grid(cell, 32.0)};
  const FieldTransform fields{basis};
  XcTerm xc(name, fields);
  EXPECT_FALSE(xc.is_gga());
  EXPECT_EQ(xc.name(), name);
  const long N = basis.grid_size();
  ASSERT_GT(N, 1000);
  View1<double> rho_r("rho_r", N), v_r("v_r", N);
  View1<megabar::dft::complex> rho_G("rho_G", basis.dense().count);  // unused by LDA
  auto rho = Kokkos::create_mirror_view(rho_r);
  for (long i = 0; i < N; ++i) rho(i) = i % 101 == 7 ? -1e-9 : std::pow(10.0, -6.0 + 9.0 * double(i) / double(N - 1));
  Kokkos::deep_copy(rho_r, rho);
  const double exc = xc.compute(rho_r, rho_G, v_r);
  const double exc_only = xc.energy(rho_r, rho_G);
  auto v = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v_r);
  double ref_sum = 0, worst_v = 0;
  for (long i = 0; i < N; ++i) {
    if (rho(i) <= 0) {
      EXPECT_EQ(v(i), 0.0) << "negative rho is clamped to 0 at " << i;
      continue;
    }
    double e0, v0;
    ref.lda(rho(i), e0, v0);
    ref_sum += e0;
    worst_v = std::max(worst_v, std::fabs(v(i) - v0) / std::fabs(v0));
  }
  ref_sum *= cell.volume / double(N);
  std::printf("[ xc_lda  ] XcTerm(%s) on %ld points: E_xc off libxc by %.2e relative, v_xc by at most %.2e\n",
              name.c_str(), N, std::fabs(exc - ref_sum) / std::fabs(ref_sum), worst_v);
  EXPECT_NEAR(exc, ref_sum, 1e-12 * std::fabs(ref_sum)) << name;
  EXPECT_NEAR(exc_only, exc, 1e-14 * std::fabs(exc)) << name;
  EXPECT_LT(worst_v, 1e-12) << name;
  // The LDA stress is diagonal: (int rho v - E_xc) / Omega.
  const auto sigma = xc.stress(rho_r, rho_G);
  double rho_v = 0;
  for (long i = 0; i < N; ++i) rho_v += std::max(rho(i), 0.0) * v(i);
  const double p = (rho_v * cell.volume / double(N) - exc) / cell.volume;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(sigma[a][b], a == b ? p : 0.0, 1e-12 * std::fabs(p)) << name;
}

TEST(XcLda, XcTermLdaOnAGridMatchesLibxc) {
  Libxc ref({XC_LDA_X, XC_LDA_C_PZ});
  check_grid_against_libxc("LDA", ref);
}

TEST(XcLda, XcTermLdaPw92OnAGridMatchesLibxc) {
  Libxc ref({XC_LDA_X, XC_LDA_C_PW});
  check_grid_against_libxc("LDA-PW92", ref);
}

TEST(XcLda, XcTermPadeOnAGridMatchesLibxc) {
  Libxc ref({XC_LDA_XC_TETER93});
  check_grid_against_libxc("PADE", ref);
}

}  // namespace
