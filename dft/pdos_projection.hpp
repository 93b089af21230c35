// Pseudo-atomic orbitals in the plane-wave basis at Gamma, Loewdin orthonormalisation, and the projections
// of the Kohn-Sham bands on them (Sanchez-Portal, Artacho, Soler, Solid State Commun. 95, 685 (1995)).
//
//   phi_{a,l,m}(G) = (4 pi / sqrt(Omega)) (-i)^l Y_lm(G/|G|) F_l(|G|) exp(-i G.R_a),
//   F_l(q) = int r^2 j_l(q r) R_l(r) dr          (R_l: the pseudo-atom's valence orbital, atomic_orbitals.hpp)
// with real spherical harmonics Y_lm (nonlocal.hpp's real_ylm), so that phi is real in real space and is
// stored as a scaled half-sphere vector like the bands (basis.hpp): overlaps are plain DGEMMs. It is the
// plane-wave expansion of the periodic sum over images of R_l(|r - R_a|) Y_lm(r - R_a), truncated at ecut.
//
//   S = Phi^T Phi,  Phi~ = Phi S^{-1/2} (Loewdin, J. Chem. Phys. 18, 365 (1950): the orthonormal set
//   closest to Phi),
//   c_{i,n} = <phi~_i|psi_n> = (S^{-1/2} Phi^T X)_{i,n},  weight w_{i,n} = c_{i,n}^2 (sum_i w_{i,n} <= 1).
#pragma once
#include <vector>

#include "dft/atomic_orbitals.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"

namespace megabar::dft {

struct OrbitalLabel {
  int atom = 0;      // input order
  int species = 0;   // index into Atoms::species
  int shell = 0;     // index into PseudoAtom::valence of that species
  int l = 0, m = 0;  // m = 0..2l in real_ylm's order (p: x, y, z)
};

struct AtomicOrbitalVectors {
  View2<double> phi;  // n_real x n_orbitals, not orthonormalised
  std::vector<OrbitalLabel> labels;
  int count() const { return static_cast<int>(labels.size()); }
};

// Every valence shell of every atom (pseudo_atoms[s] belongs to atoms.species[s]); l <= 2.
AtomicOrbitalVectors atomic_orbital_vectors(const Basis& basis, const Atoms& atoms,
                                            const std::vector<PseudoAtom>& pseudo_atoms);

struct BandProjections {
  int n_orbitals = 0, n_bands = 0;
  std::vector<OrbitalLabel> labels;
  std::vector<double> weight;            // w_{i,n} = |<phi~_i|psi_n>|^2 at weight[i + n_orbitals * n] (host)
  std::vector<double> overlap_diagonal;  // <phi_i|phi_i> before orthonormalisation (< 1: cut by ecut)
  double min_overlap_eigenvalue = 0;     // smallest eigenvalue of S: near 0 means a near-dependent set
  double w(int i, int n) const { return weight[i + static_cast<std::size_t>(n_orbitals) * n]; }
};

// Projections of bands [0, nb) of X (orthonormal, n_real x >= nb) on the Loewdin-orthonormalised set.
// Throws std::runtime_error when S is (numerically) singular.
BandProjections project_bands(const Basis& basis, const AtomicOrbitalVectors& orbitals, const View2<double>& X, int nb);

}  // namespace megabar::dft
