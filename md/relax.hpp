// Structural relaxation with BFGS (quasi-Newton, inverse-free form as in ASE's BFGS, no line search) or
// FIRE (Bitzek et al., PRL 97, 170201 (2006)), optionally with the cell at a
// target pressure through the deformation-gradient coordinates of ASE's UnitCellFilter (Tadmor et al.):
//   atoms: u_i = F^{-1} r_i with force F^T f_i;  cell: c = N F with force Omega (sigma - P I) F^{-T} / N,
// where F is the deformation gradient from the starting cell, sigma the stress with QE's sign (positive
// under compression) and N the number of atoms. The enthalpy H = E + P Omega is minimised.
#pragma once
#include <functional>
#include <string>

#include "md/force_provider.hpp"

namespace megabar::md {

enum class Optimizer { bfgs, fire };

struct RelaxOptions {
  Optimizer optimizer = Optimizer::bfgs;
  bool relax_cell = false;
  double pressure = 0;                              // Ha/bohr^3
  double force_tolerance = 1e-3;                    // Ha/bohr, max |F_i|
  double stress_tolerance = 0.1 / 29421.015696767;  // Ha/bohr^3, max |sigma_ab - P delta_ab|
  int max_steps = 200;
  double max_step = 0.2 * 1.8897261246257702;  // bohr, largest move of any coordinate in one step
  double dt_start = 1.0, dt_max = 10.0;        // FIRE time steps (atomic units, unit masses)
  double hessian_start = 0.7;                  // BFGS initial Hessian (Ha/bohr^2, ~70 eV/A^2 as ASE)
  // Polled after each structure's forces (e.g. a batch system's SIGTERM): true ends the relaxation there,
  // unconverged, with RelaxResult::stopped set.
  std::function<bool()> stop_requested;
};

struct RelaxStep {
  int step;
  double energy, enthalpy, fmax, stress_deviation, pressure, volume;
  bool provider_converged;
};

struct RelaxResult {
  bool converged = false;  // false also when the provider failed (final_result.converged == false)
  bool stopped = false;    // ended by RelaxOptions::stop_requested
  int steps = 0;
  Structure structure;       // final
  ForceResult final_result;  // at the final structure
};

using RelaxLogger = std::function<void(const RelaxStep&, const Structure&, const ForceResult&)>;

RelaxResult relax(const Structure& start, ForceProvider& provider, const RelaxOptions& options,
                  const RelaxLogger& log = {});

}  // namespace megabar::md
