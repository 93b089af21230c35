// Pointwise LDA exchange-correlation for an unpolarised density, written as inline functions that run
// on the host and on devices (the LDA counterpart of dft/xc_pbe.hpp). Everything is a function of the
// Wigner-Seitz radius r_s = (3 / (4 pi rho))^(1/3); for any eps(r_s) the potential is
//   v = d(rho eps)/d rho = eps - (r_s / 3) d eps / d r_s.
//   Slater exchange (Dirac, Proc. Camb. Phil. Soc. 26, 376 (1930); Bloch, Z. Phys. 57, 545 (1929)):
//     e_x = -(3/4) (3/pi)^(1/3) rho^(4/3),  v_x = (4/3) e_x / rho.
//   Perdew-Zunger correlation (Perdew & Zunger, PRB 23, 5048 (1981), appendix C, fitted to the
//   Ceperley-Alder quantum Monte Carlo energies; QE's "PZ", libxc's LDA_C_PZ):
//     r_s >= 1:  eps_c = gamma / (1 + beta1 sqrt(r_s) + beta2 r_s)
//     r_s <  1:  eps_c = A ln r_s + B + C r_s ln r_s + D r_s
//   With the published (rounded) constants the two branches meet only approximately at r_s = 1:
//   eps_c jumps by 3.2e-5 Ha there (5e-4 of eps_c, 6e-5 of eps_xc), v_c by 2.8e-5 Ha; libxc's LDA_C_PZ
//   and QE's "pz" have the same seam (tests/unit/test_xc_lda.cpp).
//   Goedecker-Teter-Hutter Pade form of exchange + correlation (Goedecker, Teter & Hutter, PRB 54, 1703
//   (1996), appendix; a rational fit to the PZ81 LDA; libxc's LDA_XC_TETER93, the functional of the
//   GTH-PADE pseudopotentials):
//     eps_xc = -(a0 + a1 r_s + a2 r_s^2 + a3 r_s^3) / (b1 r_s + b2 r_s^2 + b3 r_s^3 + b4 r_s^4).
//   Perdew-Wang 92 correlation (Perdew & Wang, PRB 45, 13244 (1992); libxc's LDA_C_PW, QE's "PW", ABINIT
//   ixc 2 / -1012, the functional of the PseudoDojo LDA files), with Slater exchange as dft.xc = "LDA-PW92":
//     eps_c = -2 a (1 + alpha1 r_s) ln(1 + 1 / (2 a (b1 r_s^1/2 + b2 r_s + b3 r_s^3/2 + b4 r_s^2))),
//   a = 0.031091 as in the paper, libxc's LDA_C_PW and QE (xc_pbe::pw92, shared with PBE correlation).
// Outputs per point: energy density e = rho eps (Ha/bohr^3) and vrho = de/drho; both are zero for
// rho < density_threshold (the same cut as xc_pbe.hpp).
#pragma once
#include <Kokkos_Core.hpp>

#include "core/units.hpp"
#include "kernels/math.hpp"
#include "dft/xc_pbe.hpp"

namespace megabar::dft::xc_lda {

using units::pi;
constexpr double density_threshold = 1e-12;

// Perdew-Zunger 81, unpolarised.
constexpr double pz_gamma = -0.1423, pz_beta1 = 1.0529, pz_beta2 = 0.3334;
constexpr double pz_A = 0.0311, pz_B = -0.048, pz_C = 0.0020, pz_D = -0.0116;

// Goedecker-Teter-Hutter Pade, unpolarised.
constexpr double teter_a0 = 0.4581652932831429, teter_a1 = 2.217058676663745, teter_a2 = 0.7405551735357053,
                 teter_a3 = 0.01968227878617998;
constexpr double teter_b1 = 1.0, teter_b2 = 4.504130959426697, teter_b3 = 1.110667363742916,
                 teter_b4 = 0.02359291751427506;

// Which LDA an evaluation uses: dft.xc = "LDA" (Slater + PZ81), "PADE" (Teter93) or "LDA-PW92"
// (Slater + PW92).
enum class Kind : int { SlaterPz81 = 0, Pade = 1, SlaterPw92 = 2 };

// r_s = (3 / (4 pi rho))^(1/3), rho > 0.
KOKKOS_INLINE_FUNCTION double wigner_seitz_radius(double rho) {
  return kernels::math::exp(kernels::math::log(3.0 / (4.0 * pi * rho)) / 3.0);
}

KOKKOS_INLINE_FUNCTION void slater_exchange(double rho, double& e, double& vrho) {
  e = vrho = 0.0;
  if (rho < density_threshold) return;
  const double third = 1.0 / 3.0;
  const double cx = -0.75 * kernels::math::exp(third * kernels::math::log(3.0 / pi));  // -(3/4)(3/pi)^(1/3)
  const double rho13 = kernels::math::exp(third * kernels::math::log(rho));
  e = cx * rho * rho13;
  vrho = 4.0 * third * cx * rho13;
}

// PZ81 eps_c(r_s) and d eps_c / d r_s.
KOKKOS_INLINE_FUNCTION void pz81(double rs, double& eps, double& deps_drs) {
  if (rs >= 1.0) {
    const double srs = kernels::math::sqrt(rs);
    const double den = 1.0 + pz_beta1 * srs + pz_beta2 * rs;
    eps = pz_gamma / den;
    deps_drs = -pz_gamma * (0.5 * pz_beta1 / srs + pz_beta2) / (den * den);
  } else {
    const double lr = kernels::math::log(rs);
    eps = pz_A * lr + pz_B + pz_C * rs * lr + pz_D * rs;
    deps_drs = pz_A / rs + pz_C * (lr + 1.0) + pz_D;
  }
}

KOKKOS_INLINE_FUNCTION void pz81_correlation(double rho, double& e, double& vrho) {
  e = vrho = 0.0;
  if (rho < density_threshold) return;
  const double rs = wigner_seitz_radius(rho);
  double eps, deps_drs;
  pz81(rs, eps, deps_drs);
  e = rho * eps;
  vrho = eps - rs / 3.0 * deps_drs;
}

// Teter93 eps_xc(r_s) and d eps_xc / d r_s.
KOKKOS_INLINE_FUNCTION void teter93(double rs, double& eps, double& deps_drs) {
  const double P = teter_a0 + rs * (teter_a1 + rs * (teter_a2 + rs * teter_a3));
  const double dP = teter_a1 + rs * (2.0 * teter_a2 + rs * 3.0 * teter_a3);
  const double Q = rs * (teter_b1 + rs * (teter_b2 + rs * (teter_b3 + rs * teter_b4)));
  const double dQ = teter_b1 + rs * (2.0 * teter_b2 + rs * (3.0 * teter_b3 + rs * 4.0 * teter_b4));
  eps = -P / Q;
  deps_drs = -(dP * Q - P * dQ) / (Q * Q);
}

KOKKOS_INLINE_FUNCTION void pade_xc(double rho, double& e, double& vrho) {
  e = vrho = 0.0;
  if (rho < density_threshold) return;
  const double rs = wigner_seitz_radius(rho);
  double eps, deps_drs;
  teter93(rs, eps, deps_drs);
  e = rho * eps;
  vrho = eps - rs / 3.0 * deps_drs;
}

// PW92 correlation, unpolarised (a = xc_pbe::pw92_a_original = 0.031091, libxc LDA_C_PW).
KOKKOS_INLINE_FUNCTION void pw92_correlation(double rho, double& e, double& vrho) {
  e = vrho = 0.0;
  if (rho < density_threshold) return;
  const double rs = wigner_seitz_radius(rho);
  double eps, deps_drs;
  xc_pbe::pw92(rs, xc_pbe::pw92_a_original, eps, deps_drs);
  e = rho * eps;
  vrho = eps - rs / 3.0 * deps_drs;
}

// The full exchange-correlation of one kind at one point.
KOKKOS_INLINE_FUNCTION void exchange_correlation(Kind kind, double rho, double& e, double& vrho) {
  if (kind == Kind::Pade) {
    pade_xc(rho, e, vrho);
  } else if (kind == Kind::SlaterPw92) {
    double ex, vx, ec, vc;
    slater_exchange(rho, ex, vx);
    pw92_correlation(rho, ec, vc);
    e = ex + ec;
    vrho = vx + vc;
  } else {
    double ex, vx, ec, vc;
    slater_exchange(rho, ex, vx);
    pz81_correlation(rho, ec, vc);
    e = ex + ec;
    vrho = vx + vc;
  }
}

}  // namespace megabar::dft::xc_lda
