// Pointwise PBE exchange-correlation for an unpolarised density, written as inline functions that run
// on the host and on devices.
//   Exchange (Perdew, Burke, Ernzerhof, PRL 77, 3865 (1996)):
//     e_x = rho eps_x^unif(rho) F_x(s),  F_x = 1 + kappa - kappa / (1 + mu s^2 / kappa),
//     s^2 = sigma / (4 k_F^2 rho^2),  k_F = (3 pi^2 rho)^(1/3),  eps_x^unif = -3/4 (3/pi)^(1/3) rho^(1/3)
//   Correlation: e_c = rho [eps_c^PW92(r_s) + H(eps_c, t^2)],
//     H = gamma ln(1 + beta/gamma t^2 (1 + A t^2) / (1 + A t^2 + A^2 t^4)),
//     A = beta/gamma / (exp(-eps_c/gamma) - 1),  t^2 = sigma / (4 k_s^2 rho^2),  k_s^2 = 4 k_F / pi
//   PW92 (Perdew & Wang, PRB 45, 13244 (1992)), zeta = 0:
//     eps_c = -2 a (1 + alpha1 r_s) ln(1 + 1 / (2 a (b1 r_s^1/2 + b2 r_s + b3 r_s^3/2 + b4 r_s^2)))
// The PW92 constant `a` is a parameter: 0.031091 in the original paper (and in Quantum ESPRESSO), which is
// megabar's default; libxc's PBE uses the "modified" 0.0310907, which the tests use to compare with libxc.
// Outputs per point: energy density e = rho eps (Ha/bohr^3), vrho = de/drho, vsigma = de/dsigma.
#pragma once
#include <Kokkos_Core.hpp>

#include "core/units.hpp"
#include "kernels/math.hpp"

namespace megabar::dft::xc_pbe {

using units::pi;
constexpr double kappa = 0.804;
constexpr double mu = 0.2195149727645171;
constexpr double beta = 0.06672455060314922;
constexpr double gamma_c = 0.031090690869654895;  // (1 - ln 2) / pi^2
constexpr double pw92_a_original = 0.031091;
constexpr double pw92_a_modified = 0.0310907;
constexpr double density_threshold = 1e-12;

KOKKOS_INLINE_FUNCTION void exchange(double rho, double sigma, double& e, double& vrho, double& vsigma) {
  e = vrho = vsigma = 0.0;
  if (rho < density_threshold) return;
  // One cube root per point: k_F^2 = (3 pi^2)^(2/3) rho^(2/3).
  const double ax = -0.7385587663820223;           // -(3/4)(3/pi)^(1/3)
  const double kf2_per_rho23 = 9.570780000627304;  // (3 pi^2)^(2/3)
  const double rho13 = kernels::math::cbrt(rho);
  const double kf2 = kf2_per_rho23 * rho13 * rho13;
  const double s2 = sigma / (4.0 * kf2 * rho * rho);
  const double denom = 1.0 + mu * s2 / kappa;
  const double F = 1.0 + kappa - kappa / denom;
  const double dF = mu / (denom * denom);  // dF/ds^2
  e = ax * rho * rho13 * F;
  vrho = ax * rho13 * (4.0 / 3.0 * F - 8.0 / 3.0 * s2 * dF);
  vsigma = ax * rho * rho13 * dF * s2 / sigma;
  if (!(sigma > 0)) vsigma = ax * rho * rho13 * dF / (4.0 * kf2 * rho * rho);
}

// PW92 eps_c(r_s) and d eps_c / d r_s for zeta = 0.
KOKKOS_INLINE_FUNCTION void pw92(double rs, double a, double& eps, double& deps_drs) {
  const double alpha1 = 0.21370, b1 = 7.5957, b2 = 3.5876, b3 = 1.6382, b4 = 0.49294;
  const double srs = kernels::math::sqrt(rs);
  const double q0 = -2.0 * a * (1.0 + alpha1 * rs);
  const double q1 = 2.0 * a * (b1 * srs + b2 * rs + b3 * rs * srs + b4 * rs * rs);
  const double dq1 = a * (b1 / srs + 2.0 * b2 + 3.0 * b3 * srs + 4.0 * b4 * rs);
  const double lg = kernels::math::log(1.0 + 1.0 / q1);
  eps = q0 * lg;
  deps_drs = -2.0 * a * alpha1 * lg - q0 * dq1 / (q1 * q1 + q1);
}

KOKKOS_INLINE_FUNCTION void correlation(double rho, double sigma, double a, double& e, double& vrho, double& vsigma) {
  e = vrho = vsigma = 0.0;
  if (rho < density_threshold) return;
  // One cube root per point: r_s = (3 / (4 pi))^(1/3) / rho^(1/3),  k_F = (3 pi^2)^(1/3) rho^(1/3).
  const double rho13 = kernels::math::cbrt(rho);
  const double rs = 0.6203504908994001 / rho13;
  double eps, deps_drs;
  pw92(rs, a, eps, deps_drs);
  const double deps_drho = deps_drs * (-rs / (3.0 * rho));
  // t^2 = sigma pi / (16 k_F rho^2)
  const double kf = 3.0936677262801355 * rho13;
  const double dy_dsigma = pi / (16.0 * kf * rho * rho);
  const double y = sigma * dy_dsigma;
  const double E = kernels::math::exp(-eps / gamma_c);
  const double A = (beta / gamma_c) / (E - 1.0);
  const double dA_deps = A * A * E / beta;
  const double N = 1.0 + A * y, D = 1.0 + A * y + A * A * y * y;
  const double P = y * N / D;
  const double H = gamma_c * kernels::math::log(1.0 + beta / gamma_c * P);
  const double dH_dP = beta / (1.0 + beta / gamma_c * P);
  const double dP_dy = N / D + y * (A * D - N * (A + 2.0 * A * A * y)) / (D * D);
  const double dP_dA = y * y * (D - N * (1.0 + 2.0 * A * y)) / (D * D);
  const double dy_drho = -7.0 / 3.0 * y / rho;
  const double dH_drho = dH_dP * (dP_dA * dA_deps * deps_drho + dP_dy * dy_drho);
  e = rho * (eps + H);
  vrho = eps + H + rho * (deps_drho + dH_drho);
  vsigma = rho * dH_dP * dP_dy * dy_dsigma;
}

}  // namespace megabar::dft::xc_pbe
