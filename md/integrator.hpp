// Molecular dynamics time steps (docs/md.md): velocity Verlet for NVE; for NVT and NPT the symmetric
// Trotter splitting of Tuckerman et al., J. Phys. A 39, 5629 (2006):
//   exp(iL dt) = T(dt/2) B(dt/2) K(dt/2) D(dt) [forces] K(dt/2) B(dt/2) T(dt/2)
// T: thermostats (CSVR, md/thermostat_csvr.hpp, or Nose-Hoover chains, md/thermostat_nhc.hpp) on the
//    atoms and, in NPT, on the cell velocity;
// B: MTK barostat kick of the cell velocity (md/barostat_mtk.hpp), NPT only;
// K: velocity kick with the forces (and, in NPT, the cell's friction on the velocities);
// D: positions drift (and, in NPT, cell and positions follow the cell velocity).
// One step calls the force provider exactly once (after D).
#pragma once
#include <cstdint>

#include "md/force_provider.hpp"
#include "md/md_options.hpp"
#include "md/md_state.hpp"

namespace megabar::md {

// The first state of a run: Maxwell-Boltzmann velocities drawn with `seed` (Gaussian per component with
// variance k_B T/m_i), the centre-of-mass velocity removed (options.fix_center_of_mass), then scaled so
// that the instantaneous temperature 2K/(N_f k_B) equals temperature_K exactly (0 K: zero velocities).
// Thermostat and barostat variables start at zero. Does not call a provider: call start() next.
// Throws std::invalid_argument for bad options, masses or temperature.
MdState initial_state(const Structure& structure, const std::vector<double>& masses, double temperature_K,
                      std::uint64_t seed, const MdOptions& options);

// Forces, energy and stress at the current positions (state.last): once before the first step. When the
// provider did not converge, state.last says so and nothing else changes.
void start(MdState& state, ForceProvider& provider);

// One time step. Requires start() (or a restored state with forces). Throws std::invalid_argument if
// the state was made for another ensemble (see switch_ensemble). A provider result that is not
// converged is stored as is (state.last.converged == false): the caller decides what to do.
void step(MdState& state, ForceProvider& provider, const MdOptions& options);

// Subtracts the centre-of-mass velocity, sum_i m_i v_i / M, from every atom: for velocities set by hand
// (e.g. read from a file), so that N_f = 3N - 3 counts them right. Steps with options.fix_center_of_mass
// keep the total momentum at the value it has (the net force is projected out), so call this first.
void remove_center_of_mass_velocity(MdState& state);

// Re-labels a state for another ensemble (e.g. NVT equilibration, then NPT): thermostat and barostat
// variables are reset to zero (and thermostat_work kept, so the conserved energy stays continuous only
// within one ensemble). Positions, velocities and forces are kept.
void switch_ensemble(MdState& state, const MdOptions& options);

}  // namespace megabar::md
