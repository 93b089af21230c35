// The run input (TOML). Every key is documented in docs/input.md; unknown keys are errors.
#pragma once
#include <array>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "dft/scf_options.hpp"

namespace megabar::app {

struct PseudoSpec {
  std::string file;  // absolute or relative to the current directory (resolved from the input's folder)
  std::string name;  // optional: potential name inside a library file
};

// [md] (task = "md"); times in a.u., temperatures in K, pressure in Ha/bohr^3, masses in amu.
struct MdInput {
  std::string ensemble = "nve";  // nve | nvt | npt
  double timestep = 0;
  long steps = 0;                                        // total steps of the run (a restart continues to this number)
  std::string initial_velocities = "maxwell-boltzmann";  // | "structure" (vel/velocities in the extxyz)
  double initial_temperature = -1;                       // K; < 0: not given
  double temperature = -1;                               // K, thermostat target (nvt, npt)
  std::string thermostat = "csvr";                       // csvr | nose-hoover
  double thermostat_time = 0;                            // a.u. (default set in read_input: 100 fs)
  int chain_length = 3;                                  // Nose-Hoover chain length
  double pressure = 0;                                   // Ha/bohr^3 (npt)
  double barostat_time = 0;                              // a.u. (default set in read_input: 500 fs)
  std::string cell = "isotropic";                        // isotropic | full (npt)
  unsigned long seed = 7;
  long trajectory_every = 1;
  long checkpoint_every = 10;
  int extrapolation_order = 3;  // ASPC order (history of order + 2 steps)
  long pdos_every = 0;          // > 0: band projections every this many steps into trajectory.h5 (needs [pdos])
  std::map<std::string, double> masses;  // element -> amu, overriding the standard atomic weights
};

// [pdos] (task = "scf", or "md" with md.pdos_every > 0): projected density of states on pseudo-atomic orbitals (docs/pdos.md).
// Energies in Ha; energy_min/energy_max NaN when not given.
struct PdosInput {
  int empty_bands = 0;    // converged empty bands added to the SCF (dft.extra_bands = max of both)
  double broadening = 0;  // Gaussian standard deviation sigma
  double energy_step = 0;
  double energy_min = std::numeric_limits<double>::quiet_NaN();
  double energy_max = std::numeric_limits<double>::quiet_NaN();
  double ec_window = 0;  // E_c over the empty states in [CBM, CBM + ec_window]
};

struct RunInput {
  std::string path;  // the input file
  std::string task;  // "scf" | "relax" | "md"
  std::string structure_file;
  double ecut = 0;  // Ha
  std::optional<std::array<int, 3>> fft_grid;
  std::map<std::string, PseudoSpec> pseudopotentials;
  dft::ScfOptions scf;
  std::string output_directory;
  int threads = 0;                       // 0: all hardware threads
  std::string fft_planning = "measure";  // | "estimate"
  double device_memory = 0;              // bytes the run may use on the device; 0: what the device reports free
  // [relax] (task = "relax")
  std::string relax_optimizer = "bfgs";  // "bfgs" | "fire"
  bool relax_cell = false;
  double relax_pressure = 0;                              // Ha/bohr^3
  double relax_force_tolerance = 1e-3;                    // Ha/bohr
  double relax_stress_tolerance = 0.1 / 29421.015696767;  // Ha/bohr^3 (0.1 GPa)
  int relax_max_steps = 200;
  MdInput md;
  std::optional<PdosInput> pdos;
};

// Parses and validates; throws std::invalid_argument naming the file, key and line.
RunInput read_input(const std::string& path);

}  // namespace megabar::app
