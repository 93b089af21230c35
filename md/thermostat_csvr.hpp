// Canonical sampling through velocity rescaling (CSVR): G. Bussi, D. Donadio and M. Parrinello,
// J. Chem. Phys. 126, 014101 (2007). Over a time t the kinetic energy K of n degrees of freedom is
// moved by the exact solution of the stochastic equation
//   dK = (Kbar - K) dt/tau + 2 sqrt(K Kbar / n) dW/sqrt(tau),   Kbar = n kT/2,
// which is (their Eq. (A7)), with c = exp(-t/tau), R ~ N(0,1) and S a sum of n-1 squared N(0,1):
//   K' = c K + (1-c) Kbar (R^2 + S)/n + 2 R sqrt(c (1-c) K Kbar/n)
//      = (sqrt(c K) + R sqrt((1-c) Kbar/n))^2 + (1-c) Kbar S/n.
// The momenta are scaled by alpha = +-sqrt(K'/K); the sign is that of sqrt(c K) + R sqrt((1-c) Kbar/n),
// the new component along the old momentum, so that the map is the exact one of the stochastic dynamics.
#pragma once
#include "md/rng.hpp"

namespace megabar::md {

// Factor alpha by which the momenta of the subsystem are scaled. kinetic = K (Ha), n_dof = n,
// kT (Ha), t and tau (same time unit). K = 0 returns 1: a system at rest has no direction to scale.
double csvr_scale(double kinetic, double n_dof, double kT, double t, double tau, Rng& rng);

}  // namespace megabar::md
