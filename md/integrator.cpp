#include "md/integrator.hpp"

#include <cmath>
#include <stdexcept>

#include "md/barostat_mtk.hpp"
#include "md/observables.hpp"
#include "md/thermostat_csvr.hpp"
#include "md/thermostat_nhc.hpp"

namespace megabar::md {

namespace {

using Ensemble = MdOptions::Ensemble;

double kT(const MdOptions& o) { return units::boltzmann * o.temperature; }

bool nose_hoover(const MdOptions& o) { return o.thermostat == MdOptions::Thermostat::nose_hoover; }

void reset_ensemble_variables(MdState& s, const MdOptions& o) {
  s.ensemble = ensemble_name(o);
  const bool chains = o.ensemble != Ensemble::nve && nose_hoover(o);
  s.particle_chain = chains ? new_chain(o.chain_length) : ChainState{};
  s.barostat_chain = chains && o.ensemble == Ensemble::npt ? new_chain(o.chain_length) : ChainState{};
  s.strain_rate = Mat3{};
}

// a_i = F_i/m_i; with the centre of mass fixed the net force is projected out, a_i -= F_net/M, so that
// sum_i m_i a_i = 0 (the mass-weighted projection: a constant shift of every acceleration).
std::vector<Vec3> accelerations(const MdState& s, const MdOptions& o) {
  const auto& f = s.last.forces;
  Vec3 shift{0, 0, 0};
  if (o.fix_center_of_mass) {
    double M = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      M += s.masses[i];
      for (int d = 0; d < 3; ++d) shift[d] += f[i][d];
    }
    for (int d = 0; d < 3; ++d) shift[d] /= M;
  }
  std::vector<Vec3> a(f.size());
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int d = 0; d < 3; ++d) a[i][d] = f[i][d] / s.masses[i] - shift[d];
  return a;
}

void scale_velocities(MdState& s, double alpha) {
  for (auto& v : s.velocities)
    for (double& x : v) x *= alpha;
}

// Scale factor of one thermostat over time t for a subsystem with kinetic energy k and n_dof degrees of
// freedom: its Nose-Hoover chain, or CSVR (the energy taken out is added to thermostat_work).
double thermostat_factor(MdState& s, ChainState& chain, double k, double n_dof, const MdOptions& o, double t) {
  if (nose_hoover(o))
    return propagate_chain(chain, chain_masses(n_dof, kT(o), o.thermostat_time, o.chain_length), k, t, o.chain_substeps,
                           o.suzuki_yoshida_order);
  const double alpha = csvr_scale(k, n_dof, kT(o), t, o.thermostat_time, s.rng);
  s.thermostat_work += k * (1.0 - alpha * alpha);
  return alpha;
}

void thermostat_atoms(MdState& s, const MdOptions& o, double t) {
  scale_velocities(s, thermostat_factor(s, s.particle_chain, kinetic_energy(s), degrees_of_freedom(s, o), o, t));
}

void thermostat_cell(MdState& s, const MdOptions& o, double t) {
  const double alpha =
      thermostat_factor(s, s.barostat_chain, barostat_kinetic_energy(s, o), barostat_degrees_of_freedom(o), o, t);
  for (auto& row : s.strain_rate)
    for (double& x : row) x *= alpha;
}

// T(t): the thermostats over time t; the (commuting) atom and cell thermostats in mirror order at the
// two ends of the step.
void thermostats(MdState& s, const MdOptions& o, double t, bool atoms_first) {
  if (o.ensemble == Ensemble::nve) return;
  const bool npt = o.ensemble == Ensemble::npt;
  if (atoms_first) thermostat_atoms(s, o, t);
  if (npt) thermostat_cell(s, o, t);
  if (!atoms_first) thermostat_atoms(s, o, t);
}

// K(t): v <- v + a t (NVE, NVT) or the MTK-coupled kick (NPT).
void kick(MdState& s, const MdOptions& o, double t) {
  const auto a = accelerations(s, o);
  if (o.ensemble == Ensemble::npt) {
    barostat_coupled_kick(s, o, a, degrees_of_freedom(s, o), t);
    return;
  }
  for (std::size_t i = 0; i < a.size(); ++i)
    for (int d = 0; d < 3; ++d) s.velocities[i][d] += t * a[i][d];
}

// D(t): r <- r + v t (NVE, NVT) or positions and cell following the cell velocity (NPT).
void drift(MdState& s, const MdOptions& o, double t) {
  if (o.ensemble == Ensemble::npt) {
    barostat_coupled_drift(s, o, t);
    return;
  }
  for (std::size_t i = 0; i < s.velocities.size(); ++i)
    for (int d = 0; d < 3; ++d) s.structure.positions[i][d] += t * s.velocities[i][d];
}

void check_forces(const MdState& s) {
  if (s.last.forces.size() != s.structure.size())
    throw std::runtime_error("md: the force provider returned " + std::to_string(s.last.forces.size()) +
                             " forces for " + std::to_string(s.structure.size()) + " atoms");
}

}  // namespace

void remove_center_of_mass_velocity(MdState& s) {
  double M = 0;
  Vec3 p{0, 0, 0};
  for (std::size_t i = 0; i < s.masses.size(); ++i) {
    M += s.masses[i];
    for (int d = 0; d < 3; ++d) p[d] += s.masses[i] * s.velocities[i][d];
  }
  for (auto& v : s.velocities)
    for (int d = 0; d < 3; ++d) v[d] -= p[d] / M;
}

MdState initial_state(const Structure& structure, const std::vector<double>& masses, double temperature_K,
                      std::uint64_t seed, const MdOptions& options) {
  validate(options);
  const std::size_t n = structure.size();
  if (structure.positions.size() != n || masses.size() != n)
    throw std::invalid_argument("md: " + std::to_string(masses.size()) + " masses and " +
                                std::to_string(structure.positions.size()) + " positions for " + std::to_string(n) +
                                " atoms");
  for (double m : masses)
    if (!(m > 0)) throw std::invalid_argument("md: every mass must be > 0");
  if (!(temperature_K >= 0)) throw std::invalid_argument("md: initial temperature must be >= 0 K");

  MdState s;
  s.structure = structure;
  s.masses = masses;
  s.rng = Rng(seed);
  reset_ensemble_variables(s, options);
  if (options.ensemble != Ensemble::nve && degrees_of_freedom(s, options) <= 0)
    throw std::invalid_argument("md: no degrees of freedom to thermostat (one atom with a fixed centre of mass)");

  s.velocities.assign(n, Vec3{0, 0, 0});
  for (std::size_t i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d)
      s.velocities[i][d] = std::sqrt(units::boltzmann * temperature_K / masses[i]) * s.rng.gaussian();
  if (options.fix_center_of_mass) remove_center_of_mass_velocity(s);
  const double t_now = temperature(s, options);
  scale_velocities(s, t_now > 0 ? std::sqrt(temperature_K / t_now) : 0.0);
  return s;
}

void start(MdState& s, ForceProvider& provider) {
  s.last = provider.compute(s.structure);
  if (!s.last.converged) return;  // no usable forces (the caller reports it); has_forces stays as it was
  check_forces(s);
  s.has_forces = true;
}

void step(MdState& s, ForceProvider& provider, const MdOptions& o) {
  if (s.ensemble != ensemble_name(o))
    throw std::invalid_argument("md: the state belongs to ensemble '" + s.ensemble + "', the options ask for '" +
                                ensemble_name(o) + "' (use switch_ensemble)");
  if (!s.has_forces) throw std::logic_error("md: step() before start(): no forces at the current positions");
  const double h = 0.5 * o.timestep;
  const double n_f = degrees_of_freedom(s, o);
  const bool npt = o.ensemble == Ensemble::npt;

  thermostats(s, o, h, false);
  if (npt) barostat_kick(s, o, n_f, h);
  kick(s, o, h);
  drift(s, o, o.timestep);
  start(s, provider);
  kick(s, o, h);
  if (npt) barostat_kick(s, o, n_f, h);
  thermostats(s, o, h, true);

  ++s.step;
  s.time += o.timestep;
}

void switch_ensemble(MdState& s, const MdOptions& options) {
  validate(options);
  reset_ensemble_variables(s, options);
}

}  // namespace megabar::md
