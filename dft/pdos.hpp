// Projected density of states on pseudo-atomic orbitals (docs/pdos.md).
//
//   D(E)         = 2 sum_n g(E - eps_n)                      (2: spin; integral up to the gap = N_e)
//   D_{s,l}(E)   = 2 sum_n sum_{a in s} sum_m w_{(a,l,m),n} g(E - eps_n)
//   g(x)         = exp(-x^2 / (2 sigma^2)) / (sigma sqrt(2 pi))   (sigma: the Gaussian standard deviation)
// with the Loewdin weights w of dft/pdos_projection.hpp, so sum_{s,l} D_{s,l}(E) <= D(E) everywhere.
//   spilling     = 1 - (1/N_b) sum_n sum_i w_{i,n}     over the N_b occupied bands (and over all bands)
//   E_c(s, l)    = sum_n W_{s,l,n} eps_n / sum_n W_{s,l,n} over the empty bands with eps_n in
//                  [CBM, CBM + window] (cut at the highest computed band): the centre of gravity
//                  int E D_{s,l} dE / int D_{s,l} dE of those states, which does not depend on sigma.
// Everything here is in Hartree atomic units (energies Ha, densities of states 1/Ha); app/ converts.
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "dft/atomic_orbitals.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/pdos_projection.hpp"
#include "dft/scf.hpp"
#include "core/units.hpp"

namespace megabar::dft {

struct PdosOptions {
  double sigma = 0.2 * units::ev;  // Gaussian standard deviation (Ha), 0.2 eV
  double step = 0.01 * units::ev;  // energy grid step (Ha), 0.01 eV
  // Grid range (Ha); NaN: from the lowest band - 6 sigma to the highest computed band + 6 sigma.
  double e_min = std::numeric_limits<double>::quiet_NaN();
  double e_max = std::numeric_limits<double>::quiet_NaN();
  double ec_window = 10.0 * units::ev;  // E_c over the empty states in [CBM, CBM + ec_window] (Ha)
};

struct PdosResult {
  std::vector<PseudoAtom> pseudo_atoms;                     // per species (the orbitals projected on)
  std::vector<double> energies;                             // grid (Ha)
  std::vector<double> total;                                // D(E), states/Ha including spin
  std::vector<std::vector<std::vector<double>>> species_l;  // D_{s,l}(E): [species][l][grid point]
  std::vector<double> eigenvalues;                          // eps_n (Ha) of the n_bands bands
  int n_occupied = 0;
  // Per atom (input order), per l, per band: sum_m w_{(a,l,m),n}; and per band sum_i w_{i,n}.
  std::vector<std::vector<std::vector<double>>> atom_l_weights;
  std::vector<double> band_projected;
  double vbm = 0, cbm = std::numeric_limits<double>::quiet_NaN();  // Ha; cbm NaN without empty bands
  double spilling_occupied = 0, spilling_all = 0;
  // E_c per species and l (NaN where the window holds no weight or there are no empty bands).
  std::vector<std::vector<double>> ec;          // [species][l] (Ha)
  double ec_window_min = 0, ec_window_max = 0;  // the window used (Ha)
  bool ec_window_truncated = false;             // true: CBM + ec_window lies above the highest computed band
  double min_overlap_eigenvalue = 0;
  std::vector<double> overlap_diagonal;  // <phi_i|phi_i> per orbital before orthonormalisation
};

// Broadened DOS and per-atom weights from band energies and projections.
PdosResult accumulate_pdos(const Atoms& atoms, const std::vector<PseudoAtom>& pseudo_atoms,
                           const std::vector<double>& eigenvalues, int n_occupied, const BandProjections& projections,
                           const PdosOptions& options);

// The pseudo-atom of every species, solved with functional xc (dft/atomic_orbitals.hpp): GTH or numerical
// (psp8/UPF, with the file's orbitals where a UPF carries them).
std::vector<PseudoAtom> solve_pseudo_atoms(const Atoms& atoms, const std::string& xc);

// The whole chain after an SCF: pseudo-atoms of each species with the run's functional `xc`, their
// orbitals in `basis`, projections of the scf.n_bands reported bands, accumulate_pdos.
PdosResult projected_dos(const Atoms& atoms, const Basis& basis, const ScfResult& scf, const std::string& xc,
                         const PdosOptions& options);

// The Gaussian broadening g(x) of a unit weight.
double gaussian(double x, double sigma);

}  // namespace megabar::dft
