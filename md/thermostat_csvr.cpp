#include "md/thermostat_csvr.hpp"

#include <cmath>

namespace megabar::md {

double csvr_scale(double kinetic, double n_dof, double kT, double t, double tau, Rng& rng) {
  if (kinetic <= 0 || n_dof <= 0) return 1.0;
  const double c = std::exp(-t / tau);
  const double kbar_per_dof = 0.5 * kT;  // Kbar / n
  const double r = rng.gaussian();
  const double s = rng.chi_squared(n_dof - 1.0);
  const double along = std::sqrt(c * kinetic) + r * std::sqrt((1.0 - c) * kbar_per_dof);
  const double k_new = along * along + (1.0 - c) * kbar_per_dof * s;
  const double alpha = std::sqrt(k_new / kinetic);
  return along < 0 ? -alpha : alpha;
}

}  // namespace megabar::md
