// Exchange-correlation: the pointwise PBE of dft/xc_pbe.hpp against libxc and finite differences, and the
// grid term dft::XcTerm against independent evaluations (analytic densities and gradients, the
// Perdew-Zunger formulas written out here) and against the finite-difference derivative of E_xc.
#include <gtest/gtest.h>

#include <xc.h>

#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "dft/basis.hpp"
#include "dft/fields.hpp"
#include "dft/xc.hpp"
#include "dft/xc_pbe.hpp"

namespace {

namespace xc_pbe = megabar::dft::xc_pbe;
using megabar::core::Cell;
using megabar::core::Mat3;
using megabar::dft::Basis;
using megabar::dft::complex;
using megabar::dft::FieldTransform;
using megabar::dft::View1;
using megabar::dft::XcTerm;

using megabar::units::pi;

// (rho, sigma) points spanning rho 1e-6..10 and reduced gradients s = |grad rho| / (2 k_F rho) in 0..3.
std::vector<std::array<double, 2>> sample_points() {
  std::vector<std::array<double, 2>> pts;
  for (double rho : {1e-6, 3e-5, 1e-3, 0.02, 0.3, 1.0, 4.0, 10.0})
    for (double s : {0.0, 0.1, 0.5, 1.0, 1.7, 2.4, 3.0}) {
      const double kf = std::cbrt(3 * pi * pi * rho);
      pts.push_back({rho, std::pow(2 * kf * rho * s, 2)});
    }
  return pts;
}

struct Libxc {
  xc_func_type f;
  explicit Libxc(int id) { EXPECT_EQ(xc_func_init(&f, id, XC_UNPOLARIZED), 0); }
  ~Libxc() { xc_func_end(&f); }
  // e = rho * zk, vrho, vsigma at one point.
  void gga(double rho, double sigma, double& e, double& vrho, double& vsigma) {
    double zk;
    xc_gga_exc_vxc(&f, 1, &rho, &sigma, &zk, &vrho, &vsigma);
    e = rho * zk;
  }
  void lda(double rho, double& e, double& vrho) {
    double zk;
    xc_lda_exc_vxc(&f, 1, &rho, &zk, &vrho);
    e = rho * zk;
  }
};

void expect_rel(double a, double b, double tol, const std::string& what) {
  EXPECT_LE(std::fabs(a - b), tol * std::fabs(b)) << what << ": " << a << " vs " << b;
}

TEST(XcPbe, ExchangeMatchesLibxc) {
  Libxc ref(XC_GGA_X_PBE);
  for (auto [rho, sigma] : sample_points()) {
    double e, vr, vs, e0, vr0, vs0;
    xc_pbe::exchange(rho, sigma, e, vr, vs);
    ref.gga(rho, sigma, e0, vr0, vs0);
    const std::string at = "rho=" + std::to_string(rho) + " sigma=" + std::to_string(sigma);
    expect_rel(e, e0, 1e-12, "e_x " + at);
    expect_rel(vr, vr0, 1e-12, "vrho_x " + at);
    expect_rel(vs, vs0, 1e-12, "vsigma_x " + at);
  }
}

TEST(XcPbe, CorrelationWithModifiedPw92MatchesLibxc) {
  Libxc ref(XC_GGA_C_PBE);
  for (auto [rho, sigma] : sample_points()) {
    double e, vr, vs, e0, vr0, vs0;
    xc_pbe::correlation(rho, sigma, xc_pbe::pw92_a_modified, e, vr, vs);
    ref.gga(rho, sigma, e0, vr0, vs0);
    const std::string at = "rho=" + std::to_string(rho) + " sigma=" + std::to_string(sigma);
    expect_rel(e, e0, 1e-10, "e_c " + at);
    expect_rel(vr, vr0, 1e-10, "vrho_c " + at);
    expect_rel(vs, vs0, 1e-10, "vsigma_c " + at);
  }
}

TEST(XcPbe, CorrelationWithoutGradientIsPw92) {
  // H(t = 0) = 0, so correlation(rho, 0) is the PW92 LDA; with the original a it is libxc's LDA_C_PW.
  Libxc ref(XC_LDA_C_PW);
  for (double rho : {1e-6, 3e-5, 1e-3, 0.02, 0.3, 1.0, 4.0, 10.0}) {
    double e, vr, vs, e0, vr0;
    xc_pbe::correlation(rho, 0.0, xc_pbe::pw92_a_original, e, vr, vs);
    ref.lda(rho, e0, vr0);
    expect_rel(e, e0, 1e-12, "e_c rho=" + std::to_string(rho));
    expect_rel(vr, vr0, 1e-12, "vrho_c rho=" + std::to_string(rho));
  }
}

TEST(XcPbe, PotentialsAreDerivativesOfTheEnergyDensity) {
  using Fn = std::function<void(double, double, double&, double&, double&)>;
  const Fn x = [](double r, double s, double& e, double& vr, double& vs) { xc_pbe::exchange(r, s, e, vr, vs); };
  const Fn c = [](double r, double s, double& e, double& vr, double& vs) {
    xc_pbe::correlation(r, s, xc_pbe::pw92_a_original, e, vr, vs);
  };
  for (const auto& term : {std::pair<std::string, Fn>{"x", x}, {"c", c}})
    for (auto [rho, sigma] : sample_points()) {
      const std::string& name = term.first;
      const Fn& f = term.second;  // not a structured binding: lambdas capture it below
      double e, vr, vs, ep, em, d1, d2;
      f(rho, sigma, e, vr, vs);
      // Fourth-order central differences.
      auto e_at = [&](double r, double s) {
        double ee;
        f(r, s, ee, d1, d2);
        return ee;
      };
      const double hr = 1e-4 * rho;
      const double dr = (8 * (e_at(rho + hr, sigma) - e_at(rho - hr, sigma)) -
                         (e_at(rho + 2 * hr, sigma) - e_at(rho - 2 * hr, sigma))) /
                        (12 * hr);
      const std::string at = name + " rho=" + std::to_string(rho) + " sigma=" + std::to_string(sigma);
      EXPECT_NEAR(vr, dr, 1e-8 * std::fabs(vr)) << "vrho " << at;
      if (sigma > 0) {
        const double hs = 1e-4 * sigma;
        ep = e_at(rho, sigma + hs), em = e_at(rho, sigma - hs);
        const double ds = (8 * (ep - em) - (e_at(rho, sigma + 2 * hs) - e_at(rho, sigma - 2 * hs))) / (12 * hs);
        EXPECT_NEAR(vs, ds, 1e-8 * std::fabs(vs)) << "vsigma " << at;
      } else {  // one-sided at sigma = 0
        const double hs = 1e-6 * rho * rho * std::cbrt(rho * rho);
        const double ds = (-3 * e + 4 * e_at(rho, hs) - e_at(rho, 2 * hs)) / (2 * hs);
        EXPECT_NEAR(vs, ds, 1e-6 * std::fabs(vs)) << "vsigma " << at;
      }
    }
}

// ---- XcTerm on a grid ----------------------------------------------------------------------------------

// A smooth periodic density: a constant plus normalised Gaussians (width w) carrying charges q_a,
//   rho(G) = (1/Omega) [rho0 Omega delta_G0 + sum_a q_a exp(-G^2 w^2/2) exp(-i G.R_a)],
// band-limited to the density sphere to ~exp(-G_max^2 w^2 / 2) ~ 1e-18. Its real-space values and
// gradient are evaluated analytically (sum over periodic images) for the independent checks.
struct GaussianDensity {
  double rho0, w;
  std::vector<std::array<double, 3>> centres;
  std::vector<double> charges;

  View1<complex> sphere(const Basis& basis) const {
    const int nG = basis.dense().count;
    View1<complex> out("rho_G", nG);
    auto h = Kokkos::create_mirror_view(out);
    auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G);
    const double omega = basis.cell().volume;
    for (int k = 0; k < nG; ++k) {
      const double g2 = G(k, 0) * G(k, 0) + G(k, 1) * G(k, 1) + G(k, 2) * G(k, 2);
      complex s = g2 == 0.0 ? complex(rho0 * omega, 0.0) : complex(0.0, 0.0);
      for (std::size_t a = 0; a < centres.size(); ++a) {
        const double ph = G(k, 0) * centres[a][0] + G(k, 1) * centres[a][1] + G(k, 2) * centres[a][2];
        s += charges[a] * std::exp(-0.5 * g2 * w * w) * complex(std::cos(ph), -std::sin(ph));
      }
      h(k) = s / omega;
    }
    Kokkos::deep_copy(out, h);
    return out;
  }
  // rho and grad rho at r.
  void at(const Cell& cell, const std::array<double, 3>& r, double& rho, double grad[3]) const {
    rho = rho0;
    grad[0] = grad[1] = grad[2] = 0;
    const double norm = std::pow(2 * pi * w * w, -1.5);
    for (std::size_t a = 0; a < centres.size(); ++a)
      for (int n0 = -2; n0 <= 2; ++n0)
        for (int n1 = -2; n1 <= 2; ++n1)
          for (int n2 = -2; n2 <= 2; ++n2) {
            double d[3], d2 = 0;
            for (int k = 0; k < 3; ++k) {
              d[k] = r[k] - centres[a][k] - n0 * cell.lattice[0][k] - n1 * cell.lattice[1][k] - n2 * cell.lattice[2][k];
              d2 += d[k] * d[k];
            }
            const double g = charges[a] * norm * std::exp(-0.5 * d2 / (w * w));
            rho += g;
            for (int k = 0; k < 3; ++k) grad[k] -= g * d[k] / (w * w);
          }
  }
};

struct GridSetup {
  Cell cell = Cell::from_lattice(Mat3{{{8.0, 0.0, 0.0}, {0.5, 7.6, 0.0}, {0.3, -0.4, 8.2}}});
  Basis basis{cell, 10.0, megabar::dft::default_fft_grid(cell, 40.0)};
  FieldTransform fields{basis};
  GaussianDensity density{0.002, 1.0, {{1.0, 2.0, 3.0}, {5.0, 1.5, 6.0}, {3.0, 5.5, 1.0}}, {2.0, 1.5, 3.0}};

  // Cartesian position of grid point idx = (i0 n1 + i1) n2 + i2.
  std::array<double, 3> point(long idx) const {
    const auto& n = basis.fft_grid();
    const long i2 = idx % n[2], i1 = (idx / n[2]) % n[1], i0 = idx / (long(n[1]) * n[2]);
    const double f[3] = {double(i0) / n[0], double(i1) / n[1], double(i2) / n[2]};
    std::array<double, 3> r{0, 0, 0};
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 3; ++k) r[k] += f[i] * cell.lattice[i][k];
    return r;
  }
  double dv() const { return cell.volume / double(basis.grid_size()); }
};

// Perdew-Zunger 1981 correlation (unpolarised), written out: eps_c(r_s) and v_c = eps - r_s/3 deps/dr_s.
void pz81(double rho, double& eps, double& v) {
  const double rs = std::cbrt(3.0 / (4 * pi * rho));
  double d;
  if (rs >= 1) {
    const double g = -0.1423, b1 = 1.0529, b2 = 0.3334, den = 1 + b1 * std::sqrt(rs) + b2 * rs;
    eps = g / den;
    d = -g * (0.5 * b1 / std::sqrt(rs) + b2) / (den * den);
  } else {
    const double A = 0.0311, B = -0.048, C = 0.0020, D = -0.0116;
    eps = A * std::log(rs) + B + C * rs * std::log(rs) + D * rs;
    d = A / rs + C * (std::log(rs) + 1) + D;
  }
  v = eps - rs / 3 * d;
}

TEST(XcTerm, LdaEnergyAndPotentialMatchSlaterPlusPerdewZunger) {
  GridSetup s;
  XcTerm xc("LDA", s.fields);
  EXPECT_FALSE(xc.is_gga());
  const long N = s.basis.grid_size();
  auto rho_G = s.density.sphere(s.basis);
  View1<double> rho_r("rho_r", N), v_r("v_r", N);
  s.fields.to_real(rho_G, rho_r);
  const double exc = xc.compute(rho_r, rho_G, v_r);
  auto v = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v_r);
  const double cx = -0.75 * std::cbrt(3 / pi);
  double ref = 0, vmax_err = 0, charge = 0;
  for (long i = 0; i < N; ++i) {
    double rho, grad[3];
    s.density.at(s.cell, s.point(i), rho, grad);
    double eps_c, v_c;
    pz81(rho, eps_c, v_c);
    ref += rho * (cx * std::cbrt(rho) + eps_c);
    charge += rho;
    const double v_ref = 4.0 / 3.0 * cx * std::cbrt(rho) + v_c;
    vmax_err = std::max(vmax_err, std::fabs(v(i) - v_ref) / std::fabs(v_ref));
  }
  ref *= s.dv();
  EXPECT_NEAR(charge * s.dv(), 0.002 * s.cell.volume + 6.5, 1e-10);  // the analytic density is the FFT one
  EXPECT_NEAR(exc, ref, 1e-11 * std::fabs(ref));
  EXPECT_LT(vmax_err, 1e-11);
}

TEST(XcTerm, PbeEnergyMatchesPointwisePbeWithAnalyticGradient) {
  GridSetup s;
  XcTerm xc("PBE", s.fields);
  EXPECT_TRUE(xc.is_gga());
  const long N = s.basis.grid_size();
  auto rho_G = s.density.sphere(s.basis);
  View1<double> rho_r("rho_r", N), v_r("v_r", N);
  s.fields.to_real(rho_G, rho_r);
  const double exc = xc.compute(rho_r, rho_G, v_r);
  double ref = 0;
  for (long i = 0; i < N; ++i) {
    double rho, grad[3];
    s.density.at(s.cell, s.point(i), rho, grad);
    const double sigma = grad[0] * grad[0] + grad[1] * grad[1] + grad[2] * grad[2];
    double ex, ec, d1, d2;
    xc_pbe::exchange(rho, sigma, ex, d1, d2);
    xc_pbe::correlation(rho, sigma, xc_pbe::pw92_a_original, ec, d1, d2);
    ref += ex + ec;
  }
  ref *= s.dv();
  EXPECT_NEAR(exc, ref, 1e-11 * std::fabs(ref));
}

// out = a + eps b on the density sphere (a free function: CUDA lambdas may not sit in private TestBody()).
View1<complex> sphere_axpy(const View1<complex>& a, double eps, const View1<complex>& b) {
  View1<complex> out("rho_eps_G", a.extent(0));
  Kokkos::parallel_for(
      "test::xc::axpy", megabar::kernels::RangePolicy(0, a.extent(0)),
      KOKKOS_LAMBDA(int k) { out(k) = a(k) + eps * b(k); });
  return out;
}

// d E_xc[rho + eps drho] / d eps at eps = 0 against  int v_xc drho = (Omega/N) sum_r v(r) drho(r).
void check_functional_derivative(const std::string& name) {
  GridSetup s;
  XcTerm xc(name, s.fields);
  const long N = s.basis.grid_size();
  const int nG = s.basis.dense().count;
  auto rho_G = s.density.sphere(s.basis);
  // A charge-neutral smooth perturbation (also band-limited to the density sphere).
  GaussianDensity pert{0.0, 0.7, {{2.0, 6.0, 4.0}, {6.5, 3.0, 2.0}}, {1.0, -1.0}};
  auto drho_G = pert.sphere(s.basis);
  View1<double> rho_r("rho_r", N), drho_r("drho_r", N), v_r("v_r", N), scratch("scratch", N);
  s.fields.to_real(rho_G, rho_r);
  s.fields.to_real(drho_G, drho_r);
  xc.compute(rho_r, rho_G, v_r);
  auto v = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v_r);
  auto dr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), drho_r);
  double analytic = 0;
  for (long i = 0; i < N; ++i) analytic += v(i) * dr(i);
  analytic *= s.dv();

  auto energy = [&](double eps) {
    const auto g = sphere_axpy(rho_G, eps, drho_G);
    View1<double> r("rho_eps_r", N);
    s.fields.to_real(g, r);
    return xc.compute(r, g, scratch);
  };
  const double h = 1e-4;  // drho peaks near 0.3 where rho0 = 0.002: larger steps leave the linear regime
  const double fd = (8 * (energy(h) - energy(-h)) - (energy(2 * h) - energy(-2 * h))) / (12 * h);
  EXPECT_NEAR(fd, analytic, 1e-6 * std::fabs(analytic)) << name;  // observed: a few 1e-8
  EXPECT_GT(std::fabs(analytic), 1e-3) << name << ": the perturbation should change E_xc";
}

TEST(XcTerm, PbePotentialIsTheFunctionalDerivative) { check_functional_derivative("PBE"); }
TEST(XcTerm, LdaPotentialIsTheFunctionalDerivative) { check_functional_derivative("LDA"); }
TEST(XcTerm, PadePotentialIsTheFunctionalDerivative) { check_functional_derivative("PADE"); }

TEST(XcTerm, UnknownFunctionalIsRejected) {
  GridSetup s;
  EXPECT_THROW(XcTerm("B3LYP", s.fields), std::invalid_argument);
}

}  // namespace
