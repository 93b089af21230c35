// Self-consistent field loop for the Kohn-Sham ground state at Gamma (insulators: fixed occupations).
//   rho_in -> V_eff = V_loc + V_H[rho_in] + V_xc[rho_in] -> Davidson -> rho_out -> E_KS -> Pulay mix.
// The total energy reported each iteration is the Kohn-Sham functional of the output wavefunctions and
// density, E = E_kin + E_loc + E_nl + E_H + E_xc + E_Ewald (variational in psi, so its error is second
// order in the density error).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/mixing.hpp"
#include "dft/scf_options.hpp"

namespace megabar::dft {

struct EnergyTerms {
  double kinetic = 0, local = 0, nonlocal = 0, hartree = 0, xc = 0, ewald = 0;
  double total() const { return kinetic + local + nonlocal + hartree + xc + ewald; }
  // The field of a term's key (Term::key, dft/term.hpp); throws std::invalid_argument for another name.
  double& operator[](const std::string& key);
};

struct ScfIterationInfo {
  int iteration;
  // energy: E_total of the iteration, the Kohn-Sham energy of its output density and bands, or with
  // ScfOptions::energy_change_test = false the Harris-Foulkes energy of its input density (no second E_xc
  // evaluation per iteration; ScfResult::energies are still the Kohn-Sham ones of the final state).
  double energy, delta_energy, dr2, seconds;
  int davidson_iterations;
  long h_applications;
};

// The electronic state an SCF ends in; a later SCF in the same plane-wave set (same basis size) can
// start from it: MD steps, relaxation steps.
struct ScfState {
  View2<double> X;       // bands (scaled half-sphere vectors), n_real x nb
  View1<complex> rho_G;  // output density on the sphere; may be empty as a start: the density of X is used
  MixingHistory mixing;  // the mixer's difference pairs at the end (PulayMixer::history); may be empty
  // X are the previous geometry's bands as they were, not extrapolated from several steps (the first MD step):
  // they are as far from this geometry's as a relaxation step's, and the first iteration converges them only
  // as tightly as from a state (scf_control::davidson_threshold_from_state), not as extrapolated ones.
  bool reused_bands = false;
  // X and rho_G are predicted for this geometry from several steps (MD): converged as tightly as extrapolated
  // bands in the first iteration (scf_control::davidson_threshold_from_bands), not as a relaxation's state.
  bool extrapolated = false;
};

struct ScfResult {
  EnergyTerms energies;
  bool converged = false;
  bool stopped = false;  // ended by ScfOptions::stop_requested before converging
  int iterations = 0;
  int n_bands = 0;
  int n_occupied = 0;
  double n_electrons = 0;
  std::vector<double> eigenvalues;  // Ha
  // Hellmann-Feynman forces on the final state (natoms, Ha/bohr, input order), total and per term.
  // These are the exact derivatives of the discretised energy, so their sum is not exactly zero: XC on
  // the grid breaks translation invariance (the "egg-box" effect). `forces` has that net force removed
  // (F_a - sum_b F_b / N, as Quantum ESPRESSO reports them); `net_force` is what was removed.
  // forces_scf_correction is the SCF correction (dft/atomic_density.hpp), included in `forces`; empty when
  // ScfOptions::force_scf_correction is off.
  std::vector<Vec3> forces, forces_local, forces_nonlocal, forces_ewald, forces_scf_correction;
  Vec3 net_force{0, 0, 0};
  // Stress tensor (Ha/bohr^3, QE's sign: positive under compression; pressure = trace/3) at a fixed set
  // of plane waves, total and per term (kinetic, local, nonlocal, hartree, xc, ewald).
  bool has_stress = false;
  Mat3 stress{};
  std::map<std::string, Mat3> stress_terms;
  ScfState state;
  std::vector<ScfIterationInfo> history;
};

using ScfLogger = std::function<void(const ScfIterationInfo&)>;

// `start`: a previous state to start from (used when its dimensions match this basis and band count;
// otherwise atomic densities and random bands as usual; the first SCF iteration is then also cheaper).
ScfResult run_scf(const Atoms& atoms, const Basis& basis, const ScfOptions& options, const ScfLogger& log = {},
                  const ScfState* start = nullptr);

}  // namespace megabar::dft
