// The Coulomb kernel on the density sphere, written once for the Hartree term and the mixer's metric:
//   v_C(G) = 4 pi / |G|^2  (G != 0),   v_C(0) = 0
// (the G = 0 term of the electrons cancels against the ionic background and the Ewald and alpha-Z terms).
#pragma once
#include <Kokkos_Core.hpp>

#include "core/units.hpp"

namespace megabar::dft {

KOKKOS_INLINE_FUNCTION double coulomb_kernel(double G2) { return G2 > 0.0 ? (4.0 * units::pi) / G2 : 0.0; }

}  // namespace megabar::dft
