#include "md/thermostat_nhc.hpp"

#include <cmath>
#include <stdexcept>

namespace megabar::md {

namespace {

// Suzuki-Yoshida weights: a symmetric product of propagators whose weights sum to 1 and cancel the
// error terms up to the given order.
std::vector<double> suzuki_yoshida_weights(int order) {
  if (order == 1) return {1.0};
  if (order == 3) {
    const double w = 1.0 / (2.0 - std::cbrt(2.0));
    return {w, 1.0 - 2.0 * w, w};
  }
  if (order == 5) {
    const double w = 1.0 / (4.0 - std::cbrt(4.0));
    return {w, w, 1.0 - 4.0 * w, w, w};
  }
  throw std::invalid_argument("md: suzuki_yoshida_order must be 1, 3 or 5");
}

// Force on thermostat j (0-based): G_0 = (2K - n kT)/Q_0, G_j = (Q_{j-1} v_{j-1}^2 - kT)/Q_j.
double chain_force(const ChainState& c, const ChainMasses& m, double kinetic, std::size_t j) {
  if (j == 0) return (2.0 * kinetic - m.n_dof * m.kT) / m.Q[0];
  return (m.Q[j - 1] * c.v_eta[j - 1] * c.v_eta[j - 1] - m.kT) / m.Q[j];
}

// v_j over time h/2 under dv_j/dt = G_j - v_j v_{j+1}: the friction as exp(-v_{j+1} h/4) on either side
// of the force kick (Martyna et al. 1996, Eq. (29)).
void kick_thermostat(ChainState& c, const ChainMasses& m, double kinetic, std::size_t j, double h) {
  const std::size_t M = c.v_eta.size();
  const double g = chain_force(c, m, kinetic, j);
  if (j + 1 == M) {
    c.v_eta[j] += 0.5 * h * g;
    return;
  }
  const double s = std::exp(-0.25 * h * c.v_eta[j + 1]);
  c.v_eta[j] = s * (s * c.v_eta[j] + 0.5 * h * g);
}

}  // namespace

ChainMasses chain_masses(double n_dof, double kT, double tau, int length) {
  ChainMasses m;
  m.n_dof = n_dof;
  m.kT = kT;
  m.Q.assign(length, kT * tau * tau);
  if (length > 0) m.Q[0] = n_dof * kT * tau * tau;
  return m;
}

ChainState new_chain(int length) { return {std::vector<double>(length, 0.0), std::vector<double>(length, 0.0)}; }

double propagate_chain(ChainState& c, const ChainMasses& m, double kinetic, double t, int n_substeps, int sy_order) {
  const std::size_t M = c.v_eta.size();
  if (M == 0 || M != m.Q.size() || c.eta.size() != M)
    throw std::logic_error("md: Nose-Hoover chain length does not match its masses");
  double scale = 1.0;
  for (double w : suzuki_yoshida_weights(sy_order))
    for (int sub = 0; sub < n_substeps; ++sub) {
      const double h = w * t / n_substeps;
      for (std::size_t j = M; j-- > 0;) kick_thermostat(c, m, kinetic, j, h);  // top of the chain down
      const double s = std::exp(-h * c.v_eta[0]);  // the subsystem's momenta: p <- p exp(-v_1 h)
      scale *= s;
      kinetic *= s * s;
      for (std::size_t j = 0; j < M; ++j) c.eta[j] += h * c.v_eta[j];
      for (std::size_t j = 0; j < M; ++j) kick_thermostat(c, m, kinetic, j, h);  // bottom up
    }
  return scale;
}

double chain_energy(const ChainState& c, const ChainMasses& m) {
  double e = 0;
  for (std::size_t j = 0; j < c.v_eta.size(); ++j) {
    e += 0.5 * m.Q[j] * c.v_eta[j] * c.v_eta[j];
    e += (j == 0 ? m.n_dof : 1.0) * m.kT * c.eta[j];
  }
  return e;
}

}  // namespace megabar::md
