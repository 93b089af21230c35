// Nose-Hoover chains: G. J. Martyna, M. L. Klein and M. E. Tuckerman, J. Chem. Phys. 97, 2635 (1992),
// integrated as G. J. Martyna, M. E. Tuckerman, D. J. Tobias and M. L. Klein, Mol. Phys. 87, 1117 (1996).
// A chain of M thermostats acts on a subsystem of n degrees of freedom with kinetic energy K:
//   dp/dt = ... - v_1 p,
//   dv_1/dt = G_1 - v_1 v_2,  G_1 = (2K - n kT)/Q_1,
//   dv_j/dt = G_j - v_j v_{j+1},  G_j = (Q_{j-1} v_{j-1}^2 - kT)/Q_j,  (v_{M+1} = 0)
//   deta_j/dt = v_j,
// with masses Q_1 = n kT tau^2, Q_j = kT tau^2 (j >= 2). The conserved energy gains
//   sum_j Q_j v_j^2/2 + n kT eta_1 + kT sum_{j>=2} eta_j.
// One call propagates the chain over a time t (half a step in the Trotter splitting), split into n_c
// substeps, each factorised with Suzuki-Yoshida weights of order 1, 3 or 5.
#pragma once
#include <vector>

#include "md/md_state.hpp"

namespace megabar::md {

struct ChainMasses {
  std::vector<double> Q;  // m_e bohr^2 (energy x time^2)
  double n_dof = 0;
  double kT = 0;  // Ha
};

ChainMasses chain_masses(double n_dof, double kT, double tau, int length);

ChainState new_chain(int length);

// Moves the chain over time t for a subsystem whose kinetic energy is `kinetic` and returns the factor
// by which the subsystem's momenta are to be scaled. Throws std::logic_error if sizes disagree.
double propagate_chain(ChainState& chain, const ChainMasses& masses, double kinetic, double t, int n_substeps,
                       int sy_order);

// sum_j Q_j v_j^2/2 + n kT eta_1 + kT sum_{j>=2} eta_j (Ha)
double chain_energy(const ChainState& chain, const ChainMasses& masses);

}  // namespace megabar::md
