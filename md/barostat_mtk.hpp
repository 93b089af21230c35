// Martyna-Tobias-Klein barostat: G. J. Martyna, D. J. Tobias and M. L. Klein, J. Chem. Phys. 101, 4177
// (1994), integrated as M. E. Tuckerman, J. Alejandre, R. Lopez-Rendon, A. L. Jochim and G. J. Martyna,
// J. Phys. A 39, 5629 (2006) (also W. Shinoda, M. Shiga and M. Mikami, Phys. Rev. B 69, 134103 (2004)).
// With the cell velocity v_g = p_g/W (a symmetric 3x3 strain rate, 1/time), N_f particle degrees of
// freedom and P_int = (1/V) sum_i m_i v_i v_i^T + sigma (sigma: provider stress, QE sign):
//   dr_i/dt = v_i + v_g r_i                                  (atoms follow the cell)
//   dv_i/dt = F_i/m_i - (v_g + tr(v_g)/N_f) v_i
//   da_k/dt = v_g a_k                                         (lattice vectors, rows of the cell)
//   W dv_g/dt = V (P_int - P I) + (2K/N_f) I
// Isotropic cell: v_g = v_eps I with eps = ln(V/V0)/3 and W dv_eps/dt = tr of the right-hand side,
// i.e. 3V (P_int - P) + 3 (2K/N_f). Full cell: v_g is kept symmetric (the drive is symmetrised), which
// generates strain without rigid rotation of the cell; 6 barostat degrees of freedom.
// Masses: W = (N_f + 3) kT tau_b^2 (isotropic), W = (N_f + 3) kT tau_b^2 / 3 (full cell), MTK 1994.
// Conserved energy: K + U + P V + K_baro (+ thermostat terms), K_baro = W v_eps^2/2 or W tr(v_g v_g)/2.
#pragma once
#include "md/md_options.hpp"
#include "md/md_state.hpp"

namespace megabar::md {

int barostat_degrees_of_freedom(const MdOptions& options);  // 1 isotropic, 6 full (symmetric v_g)

double barostat_mass(double n_f, const MdOptions& options);  // W, m_e bohr^2

double barostat_kinetic_energy(const MdState& state, const MdOptions& options);  // K_baro (Ha)

// v_g <- v_g + (t/W) [V (P_int - P I) + (2K/N_f) I], from the current velocities and state.last.stress.
void barostat_kick(MdState& state, const MdOptions& options, double n_f, double t);

// Particle velocities over time t under dv/dt = a - (v_g + tr(v_g)/N_f) v with the accelerations a
// held fixed (exact for constant v_g, in the eigenbasis of v_g).
void barostat_coupled_kick(MdState& state, const MdOptions& options, const std::vector<Vec3>& accelerations, double n_f,
                           double t);

// Positions and cell over time t under dr/dt = v + v_g r, da_k/dt = v_g a_k (exact for constant v_g, v).
void barostat_coupled_drift(MdState& state, const MdOptions& options, double t);

}  // namespace megabar::md
