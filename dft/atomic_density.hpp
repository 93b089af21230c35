// Superposition of pseudo-atomic valence densities, the "atomic" density of QE's extrapolation and force
// correction:
//
//   rho_at(G) = (1/Omega) sum_s n_s(|G|) S_s(G),   S_s(G) = sum_{a in s} exp(-i G.R_a),
//   n_s(q)    = 4 pi int r^2 j_0(q r) rho_s(r) dr,  rho_s(r) = (1/4 pi) sum_shells f_nl R_nl(r)^2,   n_s(0) = Z_s,
//
// with R_nl the orbitals of the isolated neutral pseudo-atom solved with the run's functional
// (dft/atomic_orbitals.hpp; Species::atomic_density tabulates n_s once per species). Two uses:
//  - MD extrapolation (dft/extrapolation.hpp): rho_pred = rho_at(R_new) + sum_j B_j [rho_{t-j} - rho_at(R_{t-j})],
//    so the part of the density that moves with its atom is placed exactly and only the bonding remainder
//    is extrapolated;
//  - the SCF correction of the forces (dft/scf.cpp): an SCF stopped at a finite density residual leaves an
//    error in the Hellmann-Feynman forces that is first order in rho_out - rho_in. Differentiating the
//    Harris-Foulkes energy, whose input density is taken to move with the atoms as rho_at does, adds
//      F_a^scf = -d/dR_a int dV(r) rho_at(r) dr = sum_G Re[ i G conj(dV(G)) n_s(|G|) exp(-i G.R_a) ],
//      dV = V_H[rho_out] + V_xc[rho_out] - V_H[rho_in] - V_xc[rho_in]
//    (the first-order change of E_HF with rho_in is int dV delta rho_in), which cancels most of that error
//    (Chan, Bohnen and Ho, PRB 47, 4771 (1993); QE applies the same term). It vanishes at self-consistency.
// Hartree atomic units.
#pragma once
#include <string>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "kernels/math.hpp"

namespace megabar::dft {

// The Gaussian atom of charge z and squared width w2 (bohr^2), n(q) = z exp(-q^2 w2 / 2): the atoms of the start-up
// SCF's first density (dft/scf.cpp) and the stand-in for a pseudo-atom that cannot be solved (dft/species.cpp).
KOKKOS_INLINE_FUNCTION double gaussian_atom_form_factor(double z, double q2, double w2) {
  return z * kernels::math::exp(-0.5 * q2 * w2);
}

// n_s(|G|) per species on the density sphere of `basis` (nspecies x nG), for functional xc.
Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> atomic_density_form_factors(const Basis& basis,
                                                                                           const Atoms& atoms,
                                                                                           const std::string& xc);

// rho_at on the density sphere (sphere coefficients, as the SCF's densities).
View1<complex> atomic_density(const Basis& basis, const Atoms& atoms, const std::string& xc);

// F_a^scf above for the potential difference dV (sphere coefficients), natoms x 3 (Ha/bohr).
View2<double> scf_correction_forces(const Basis& basis, const Atoms& atoms, const std::string& xc,
                                    const View1<complex>& dV_G);

}  // namespace megabar::dft
