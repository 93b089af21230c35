// The analytic G-space form factors of GTH pseudopotentials (dft/gth.hpp) as plain functions of their
// parameters, callable on the host and in device kernels, so that the tables over all G vectors are built
// where they are used (no host loop and copy at every SCF of an MD run). GthPseudopotential's methods call
// these too: one implementation.
//   local:  V(q) = -4 pi Z exp(-x^2/2) / q^2 + (2 pi)^{3/2} r_loc^3 exp(-x^2/2) sum_i C_i P_i(x^2),  x = q r_loc
//           P_1 = 1, P_2 = 3 - x^2, P_3 = 15 - 10 x^2 + x^4, P_4 = 105 - 105 x^2 + 21 x^4 - x^6
//   projector (l, i):  4 pi^{5/4} sqrt(2^{l+1} r_l^3) exp(-x^2/2) times a polynomial in x = q r_l
//           (Hartwigsen, Goedecker, Hutter, PRB 58, 3641 (1998), the transforms of eq. 3)
#pragma once
#include <Kokkos_Core.hpp>

#include "core/units.hpp"
#include "kernels/math.hpp"

namespace megabar::dft::gth_ff {

using units::pi;

// c: C_1..C_4 (missing ones 0).  q > 0.
KOKKOS_INLINE_FUNCTION double local(double q, double zion, double rloc, const double c[4]) {
  const double x2 = q * q * rloc * rloc;
  const double g = kernels::math::exp(-0.5 * x2);
  const double poly = c[0] + c[1] * (3.0 - x2) + c[2] * (15.0 - 10.0 * x2 + x2 * x2) +
                      c[3] * (105.0 - 105.0 * x2 + 21.0 * x2 * x2 - x2 * x2 * x2);
  const double two_pi_15 = kernels::math::exp(1.5 * kernels::math::log(2.0 * pi));
  return -4.0 * pi * zion / (q * q) * g + two_pi_15 * rloc * rloc * rloc * g * poly;
}

// d/dq of local(q), q > 0.
KOKKOS_INLINE_FUNCTION double local_derivative(double q, double zion, double rloc, const double c[4]) {
  const double r2 = rloc * rloc, x2 = q * q * r2;
  const double g = kernels::math::exp(-0.5 * x2);
  const double poly = c[0] + c[1] * (3.0 - x2) + c[2] * (15.0 - 10.0 * x2 + x2 * x2) +
                      c[3] * (105.0 - 105.0 * x2 + 21.0 * x2 * x2 - x2 * x2 * x2);
  const double dpoly = -c[1] + c[2] * (-10.0 + 2.0 * x2) + c[3] * (-105.0 + 42.0 * x2 - 3.0 * x2 * x2);  // d/d(x^2)
  const double two_pi_15 = kernels::math::exp(1.5 * kernels::math::log(2.0 * pi));
  // d/dq [-4 pi Z g / q^2] = 4 pi Z g (rloc^2/q + 2/q^3);  d/dq [g poly] = q rloc^2 g (2 dpoly - poly)
  return 4.0 * pi * zion * g * (r2 / q + 2.0 / (q * q * q)) + two_pi_15 * rloc * r2 * q * r2 * g * (2.0 * dpoly - poly);
}

// Projector (l, i), i = 1..3 (l = 0, 1), 1..2 (l = 2), 1 (l = 3); other (l, i) give 0 (callers check first).
KOKKOS_INLINE_FUNCTION double projector(int l, int i, double r, double q) {
  const double x = q * r, x2 = x * x;
  // 4 pi^{5/4} sqrt(2^{l+1} r^3) = 4 exp(1.25 ln pi) sqrt(2^{l+1}) r^{3/2}
  const double common = 4.0 * kernels::math::exp(1.25 * kernels::math::log(pi)) *
                        kernels::math::sqrt(static_cast<double>(1 << (l + 1)) * r * r * r) *
                        kernels::math::exp(-0.5 * x2);
  if (l == 0 && i == 1) return common;
  if (l == 0 && i == 2) return common * 2.0 / kernels::math::sqrt(15.0) * (3.0 - x2);
  if (l == 0 && i == 3) return common * 4.0 / (3.0 * kernels::math::sqrt(105.0)) * (15.0 - 10.0 * x2 + x2 * x2);
  if (l == 1 && i == 1) return common / kernels::math::sqrt(3.0) * x;
  if (l == 1 && i == 2) return common * 2.0 / kernels::math::sqrt(105.0) * x * (5.0 - x2);
  if (l == 1 && i == 3) return common * 4.0 / (3.0 * kernels::math::sqrt(1155.0)) * x * (35.0 - 14.0 * x2 + x2 * x2);
  if (l == 2 && i == 1) return common / kernels::math::sqrt(15.0) * x2;
  if (l == 2 && i == 2) return common * 2.0 / (3.0 * kernels::math::sqrt(105.0)) * x2 * (7.0 - x2);
  if (l == 3 && i == 1) return common / kernels::math::sqrt(105.0) * x2 * x;
  return 0.0;
}

KOKKOS_INLINE_FUNCTION bool projector_supported(int l, int i) {
  return i >= 1 && ((l <= 1 && i <= 3) || (l == 2 && i <= 2) || (l == 3 && i == 1));
}

// d/dq of projector: 4th-order central difference of the analytic form (error ~1e-12; the form is smooth
// on the whole real line, so q - 2h < 0 is fine).
KOKKOS_INLINE_FUNCTION double projector_derivative(int l, int i, double r, double q) {
  const double h = 1e-3 * (1.0 + q);
  return (8.0 * (projector(l, i, r, q + h) - projector(l, i, r, q - h)) -
          (projector(l, i, r, q + 2 * h) - projector(l, i, r, q - 2 * h))) /
         (12.0 * h);
}

}  // namespace megabar::dft::gth_ff
