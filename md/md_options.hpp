// What an MD run integrates: ensemble, thermostat, barostat and their parameters. Every value is in
// Hartree atomic units (time hbar/Ha = 0.02418884 fs, pressure Ha/bohr^3) except temperatures (K).
// The equations behind each option are in docs/md.md.
#pragma once
#include <string>

#include "core/units.hpp"  // units::femtosecond, units::boltzmann (Ha/K), units::amu

namespace megabar::md {

struct MdOptions {
  enum class Ensemble { nve, nvt, npt };
  enum class Thermostat { csvr, nose_hoover };
  enum class CellMode { isotropic, full };

  Ensemble ensemble = Ensemble::nve;
  Thermostat thermostat = Thermostat::csvr;  // nvt and npt
  CellMode cell_mode = CellMode::isotropic;  // npt

  double timestep = 0.5 * units::femtosecond;         // hbar/Ha
  double temperature = 300;                           // K, target of nvt and npt
  double thermostat_time = 100 * units::femtosecond;  // tau (hbar/Ha): CSVR relaxation time of K;
                                                      // Nose-Hoover period scale (Q = N_f kT tau^2)
  int chain_length = 3;                               // Nose-Hoover chain length M (>= 1)
  int chain_substeps = 1;                             // n_c: multiple time steps of each chain half-step
  int suzuki_yoshida_order = 3;                       // 1, 3 or 5: weights of the chain factorisation
  double pressure = 0;                                // Ha/bohr^3, target of npt (hydrostatic)
  double barostat_time = 500 * units::femtosecond;    // tau_b (hbar/Ha): W = (N_f + 3) kT tau_b^2 (docs/md.md)
  // Keep the centre of mass at rest: net forces are projected out and N_f = 3N - 3 (else N_f = 3N).
  bool fix_center_of_mass = true;
};

// "nve", "nvt-csvr", "nvt-nose-hoover", "npt-csvr-isotropic", "npt-nose-hoover-full", ...: stored with the
// state, so that a restart with another ensemble is caught.
std::string ensemble_name(const MdOptions& options);

// Throws std::invalid_argument naming the option and what was expected.
void validate(const MdOptions& options);

}  // namespace megabar::md
