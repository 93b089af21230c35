// Instantaneous quantities of an MD state: kinetic energy, temperature, pressure tensor and each
// ensemble's conserved energy (docs/md.md). Energies in Ha, pressures in Ha/bohr^3 (QE sign: positive
// under compression), temperatures in K.
#pragma once
#include "md/md_options.hpp"
#include "md/md_state.hpp"

namespace megabar::md {

// N_f = 3N - 3 with the centre of mass fixed (options.fix_center_of_mass), else 3N.
double degrees_of_freedom(const MdState& state, const MdOptions& options);

double kinetic_energy(const MdState& state);  // K = sum_i m_i |v_i|^2 / 2

Mat3 kinetic_tensor(const MdState& state);  // sum_i m_i v_i v_i^T (Ha)

double temperature(const MdState& state, const MdOptions& options);  // T = 2K/(N_f k_B)

// P_int = (1/V) sum_i m_i v_i v_i^T + sigma, sigma = state.last.stress (the virial part, QE sign).
Mat3 pressure_tensor(const MdState& state);

double pressure(const MdState& state);  // tr(P_int)/3

// NVE: K + U. NVT CSVR: K + U + W_removed. NVT Nose-Hoover: K + U + chain energy. NPT: the NVT quantity
// plus P V + K_baro (and the barostat's thermostat: its CSVR work is in W_removed, or its chain energy).
double conserved_energy(const MdState& state, const MdOptions& options);

}  // namespace megabar::md
