// Radial form factors of a numerical norm-conserving pseudopotential (dft/pseudo_nc.hpp) on a uniform q
// grid, and their interpolation on the host and on devices.
//
// Transforms (plain radial functions f(r), quadrature weights w_k of the pseudopotential's grid):
//   F_l[f](q)  = 4 pi int r^2 j_l(q r) f(r) dr ~ 4 pi sum_k w_k r_k^2 j_l(q r_k) f(r_k)
//   F_l[f]'(q) = 4 pi int r^3 j_l'(q r) f(r) dr,  j_0' = -j_1,  j_l' = (l j_{l-1} - (l+1) j_{l+1}) / (2l+1)
// without the 1/Omega or 1/sqrt(Omega) of the plane-wave normalisation (as dft/gth.hpp), so that
//   local:      v(q)     = v_sr(q) - 4 pi Z exp(-q^2 rc^2 / 4) / q^2           (q > 0),
//               v_sr(q)  = F_0[V_loc(r) + Z erf(r / rc) / r](q)  (short ranged: V_loc -> -Z/r),
//               because F_0[Z erf(r/rc)/r](q) = 4 pi Z exp(-q^2 rc^2/4) / q^2;
//               alpha Z  = lim_{q->0} [v(q) + 4 pi Z / q^2] = 4 pi int r^2 [V_loc(r) + Z/r] dr
//                        = v_sr(0) + pi Z rc^2   (4 pi Z int_0^inf r erfc(r/rc) dr = pi Z rc^2);
//   projector:  f_i(q)   = F_{l_i}[beta_i](q)      (as GthPseudopotential::projector_form_factor);
//   core:       rho_c(q) = F_0[rho_core](q),  rho_c(0) = the model core's electron count.
// Interpolation: cubic Hermite on each interval [q_k, q_k+1] with the tabulated values and exact
// derivatives; error <= dq^4 max|F''''| / 384 (~1e-12 relative for dq = 0.005 and ONCV projectors).
#pragma once
#include <Kokkos_Core.hpp>

#include <vector>

#include "core/units.hpp"
#include "dft/pseudo_nc.hpp"
#include "kernels/math.hpp"
#include "kernels/views.hpp"

namespace megabar::dft {

// Spherical Bessel functions j_l(x), l = 0..5, and j_l'(x), on the host (power series for x < 2, upward
// recurrence from j_0, j_1 above; relative error ~1e-14).
double spherical_bessel(int l, double x);
double spherical_bessel_derivative(int l, double x);

// One tabulated function of q: f(k dq) and df/dq(k dq), k = 0..size-1.
struct RadialTable {
  double dq = 0;
  std::vector<double> f, df;
  int size() const { return static_cast<int>(f.size()); }
  double qmax() const { return dq * (size() - 1); }
  double operator()(double q) const;  // Hermite interpolation (host)
  double derivative(double q) const;  // its derivative
};

// F_l[f] on q = 0, dq, .., >= qmax (size = ceil(qmax/dq) + 1), with the grid r and weights w of the pseudo.
RadialTable radial_transform(const std::vector<double>& r, const std::vector<double>& weights,
                             const std::vector<double>& f, int l, double qmax, double dq);

// All form factors of one species.
struct NcFormFactors {
  double zion = 0;                          // Z
  double rc = 1.0;                          // width of the erf split of the local potential (bohr)
  double alpha = 0;                         // alpha Z = lim_{q->0} [v(q) + 4 pi Z/q^2] (Ha bohr^3)
  RadialTable local_sr;                     // v_sr(q) (Ha bohr^3)
  std::vector<RadialTable> projectors;      // f_i(q), the order and l of pp.projectors
  std::vector<int> l;                       // l of each projector
  RadialTable core;                         // rho_c(q) (electrons), size() == 0 without a model core
  double local(double q) const;             // full v(q), q > 0
  double local_derivative(double q) const;  // dv/dq, q > 0
};

// Tabulates everything up to qmax (1/bohr; e.g. sqrt(2 ecutrho) in Ha) with spacing dq.
NcFormFactors tabulate_form_factors(const NcPseudo& pp, double qmax, double dq = 0.005, double rc = 1.0);

// ---- device-side evaluation -----------------------------------------------------------------------------

// Cubic Hermite interpolation of a table (values f, derivatives df, n points, spacing dq) at q in
// [0, (n-1) dq]; outside, the end interval's cubic is extrapolated (callers keep q in range). If dfdq is
// not null, the derivative of the interpolant is stored there.
KOKKOS_INLINE_FUNCTION double interpolate_radial(const double* f, const double* df, int n, double dq, double q,
                                                 double* dfdq = nullptr) {
  const double x = q / dq;
  int k = static_cast<int>(x);
  if (k < 0) k = 0;
  if (k > n - 2) k = n - 2;
  const double t = x - k, t2 = t * t, t3 = t2 * t;
  const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
  if (dfdq) {
    const double g00 = 6 * t2 - 6 * t, g10 = 3 * t2 - 4 * t + 1, g01 = -6 * t2 + 6 * t, g11 = 3 * t2 - 2 * t;
    *dfdq = (g00 * f[k] + g01 * f[k + 1]) / dq + g10 * df[k] + g11 * df[k + 1];
  }
  return h00 * f[k] + h01 * f[k + 1] + dq * (h10 * df[k] + h11 * df[k + 1]);
}

// -4 pi Z exp(-q^2 rc^2/4) / q^2, q > 0: the long-range part of v(q); and its q-derivative
// 4 pi Z exp(-q^2 rc^2/4) (2/q^3 + rc^2/(2 q)).
KOKKOS_INLINE_FUNCTION double local_long_range(double Z, double rc, double q) {
  return -4.0 * units::pi * Z * kernels::math::exp(-0.25 * q * q * rc * rc) / (q * q);
}
KOKKOS_INLINE_FUNCTION double local_long_range_derivative(double Z, double rc, double q) {
  return 4.0 * units::pi * Z * kernels::math::exp(-0.25 * q * q * rc * rc) * (2.0 / (q * q * q) + 0.5 * rc * rc / q);
}

// Tables of several functions in device memory: column i of f / df is table i; all share dq and n.
// In a kernel: interpolate_radial(&t.f(0, i), &t.df(0, i), t.n, t.dq, q).
struct DeviceRadialTables {
  double dq = 0;
  int n = 0;
  kernels::View2<double> f, df;  // (n, ntables), column-major: table i is contiguous at &f(0, i)
};
// Copies tables (all with the same dq; shorter ones are padded with their last value and zero slope).
DeviceRadialTables to_device(const std::vector<const RadialTable*>& tables);

}  // namespace megabar::dft
