// Atom-centred functions in the plane-wave basis at Gamma, written once for the nonlocal projectors
// (nonlocal.hpp: beta = Omega^{-1/2} P^l_i(|G|) ...) and the PDOS orbitals (pdos_projection.hpp:
// phi = (4 pi / sqrt(Omega)) F_l(|G|) ...):
//   f_c(G) = s R_{r(c)}(|G|) (-i)^{l(c)} Y_{l(c) m(c)}(G/|G|) exp(-i G.R_{a(c)})
// for each column c (atom a, l, m, radial index r), with real spherical harmonics Y_lm, so that f_c is real
// in real space and is stored as a scaled half-sphere vector like the bands (basis.hpp).
#pragma once
#include "core/units.hpp"
#include "dft/atom_phases.hpp"
#include "dft/basis.hpp"
#include "kernels/math.hpp"

namespace megabar::dft {

using RadialValues = Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>;  // radial index x npw
using ColumnTable = Kokkos::View<int**, Kokkos::LayoutRight, kernels::MemSpace>;      // column x (atom, l, m, radial)

// Fills M (n_real x ncolumns) with the scaled half-sphere vectors f_c: radial(r, k) = R_r(|G_k|) on the
// wavefunction half sphere, columns(c, :) = atom, l, m, radial index of column c, `phases` the atoms' phase
// factors on the wavefunction sphere, `scale` the constant factor s.
void fill_atom_centred(const Basis& basis, const AtomPhases& phases, const RadialValues& radial,
                       const ColumnTable& columns, double scale, View2<double> M);

// Real spherical harmonic Y_lm at unit vector (x, y, z), l <= 2, m = 0..2l.
KOKKOS_INLINE_FUNCTION double real_ylm(int l, int m, double x, double y, double z) {
  using units::pi;
  if (l == 0) return 0.5 / kernels::math::sqrt(pi);
  if (l == 1) {
    const double c = kernels::math::sqrt(3.0 / (4.0 * pi));
    return c * (m == 0 ? x : (m == 1 ? y : z));
  }
  const double c15 = kernels::math::sqrt(15.0 / (4.0 * pi));
  switch (m) {
    case 0:
      return c15 * x * y;
    case 1:
      return c15 * y * z;
    case 2:
      return kernels::math::sqrt(5.0 / (16.0 * pi)) * (3.0 * z * z - 1.0);
    case 3:
      return c15 * x * z;
    default:
      return 0.5 * c15 * (x * x - y * y);
  }
}

// The scaled half-sphere entries (sqrt(2) Re, sqrt(2) Im) of value * (-i)^l * e, e = exp(-i G.R) (AtomPhases).
KOKKOS_INLINE_FUNCTION void scaled_projector_entry(double value, int l, const kernels::complex& e, double& re,
                                                   double& im) {
  re = value * e.real();
  im = value * e.imag();
  for (int t = 0; t < l; ++t) {  // multiply by -i, l times: (re, im) -> (im, -re)
    const double tmp = re;
    re = im;
    im = -tmp;
  }
  constexpr double sqrt2 = 1.4142135623730951;
  re *= sqrt2;
  im *= sqrt2;
}

// Gradient of real_ylm(l, m, .) with respect to the components of its (unit-vector) argument, as the
// polynomial is written; callers project out the radial part.
KOKKOS_INLINE_FUNCTION void real_ylm_gradient(int l, int m, double x, double y, double z, double g[3]) {
  using units::pi;
  g[0] = g[1] = g[2] = 0.0;
  if (l == 0) return;
  if (l == 1) {
    g[m] = kernels::math::sqrt(3.0 / (4.0 * pi));
    return;
  }
  const double c15 = kernels::math::sqrt(15.0 / (4.0 * pi));
  switch (m) {
    case 0:
      g[0] = c15 * y, g[1] = c15 * x;
      break;
    case 1:
      g[1] = c15 * z, g[2] = c15 * y;
      break;
    case 2:
      g[2] = kernels::math::sqrt(5.0 / (16.0 * pi)) * 6.0 * z;
      break;
    case 3:
      g[0] = c15 * z, g[2] = c15 * x;
      break;
    default:
      g[0] = c15 * x, g[1] = -c15 * y;
      break;
  }
}

}  // namespace megabar::dft
