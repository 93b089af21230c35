// Velocity Verlet and the Trotter-split NVT/NPT steps on analytic providers: the harmonic oscillator's
// exact solution, time reversibility, the dt^2 scaling of the energy error, and a centre of mass at rest.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/units.hpp"
#include "md/integrator.hpp"
#include "md/observables.hpp"
#include "md_test_systems.hpp"

namespace {

using namespace megabar;
using namespace megabar::md;
using namespace megabar::md::test;

constexpr double fs = units::femtosecond;

// One particle in an anisotropic 3D well, x_d(t) = x0 cos(w t) + (v0/w) sin(w t), w = sqrt(k_d/m):
// the largest position error after a fixed time, for a time step dt.
double harmonic_error(double dt, double* energy_change = nullptr) {
  const Vec3 k{0.3, 0.5, 0.8}, x0{0.3, -0.2, 0.1}, v0{0.05, 0.1, -0.02};
  const double m = 2.0, t_end = 20.0;
  HarmonicWell well(k, {Vec3{0, 0, 0}});
  MdOptions o;
  o.timestep = dt;
  o.fix_center_of_mass = false;  // a single particle: its centre of mass is what moves
  Structure s;
  s.cell = Cell::from_lattice(Mat3{{{10, 0, 0}, {0, 10, 0}, {0, 0, 10}}});
  s.positions = {x0};
  s.symbols = {"X"};
  MdState state = initial_state(s, {m}, 0.0, 1, o);
  state.velocities = {v0};
  start(state, well);
  const double e0 = conserved_energy(state, o);
  const int n = static_cast<int>(std::lround(t_end / dt));
  for (int i = 0; i < n; ++i) step(state, well, o);
  EXPECT_NEAR(state.time, t_end, 1e-9);
  double err = 0;
  for (int d = 0; d < 3; ++d) {
    const double w = std::sqrt(k[d] / m);
    const double exact = x0[d] * std::cos(w * state.time) + v0[d] / w * std::sin(w * state.time);
    err = std::max(err, std::fabs(state.structure.positions[0][d] - exact));
  }
  if (energy_change) *energy_change = std::fabs(conserved_energy(state, o) / e0 - 1.0);
  return err;
}

TEST(MdVerlet, HarmonicOscillatorFollowsTheExactSolutionWithErrorDtSquared) {
  double de1, de2;
  const double e1 = harmonic_error(0.05, &de1), e2 = harmonic_error(0.025, &de2);
  EXPECT_LT(e2, 2e-4);  // amplitude ~0.3
  EXPECT_NEAR(e1 / e2, 4.0, 0.2);
  EXPECT_LT(de2, 1e-4);  // relative: bounded, no drift
}

// Forward n steps, velocities (and every thermostat/barostat velocity) reversed, n steps back.
void expect_reversible(const MdOptions& o, double tolerance) {
  LennardJones lj;
  MdState s = argon(lj, 1.54, 60.0, 11, o);
  const Structure start_structure = s.structure;
  const int n = 100;
  for (int i = 0; i < n; ++i) step(s, lj, o);
  auto reverse = [](MdState& st) {
    for (auto& v : st.velocities)
      for (double& x : v) x = -x;
    for (double& x : st.particle_chain.v_eta) x = -x;
    for (double& x : st.barostat_chain.v_eta) x = -x;
    for (auto& row : st.strain_rate)
      for (double& x : row) x = -x;
  };
  reverse(s);
  double moved = 0;
  for (std::size_t a = 0; a < s.structure.size(); ++a)
    for (int d = 0; d < 3; ++d)
      moved = std::max(moved, std::fabs(s.structure.positions[a][d] - start_structure.positions[a][d]));
  EXPECT_GT(moved, 0.05);  // the run went somewhere
  for (int i = 0; i < n; ++i) step(s, lj, o);
  double err = 0;
  for (std::size_t a = 0; a < s.structure.size(); ++a)
    for (int d = 0; d < 3; ++d)
      err = std::max(err, std::fabs(s.structure.positions[a][d] - start_structure.positions[a][d]));
  for (int k = 0; k < 3; ++k)
    for (int d = 0; d < 3; ++d)
      err = std::max(err, std::fabs(s.structure.cell.lattice[k][d] - start_structure.cell.lattice[k][d]));
  EXPECT_LT(err, tolerance) << ensemble_name(o);
  char text[32];
  std::snprintf(text, sizeof text, "%.3e", err);
  ::testing::Test::RecordProperty("max_error_bohr_" + ensemble_name(o), text);
}

TEST(MdVerlet, TimeReversible) {
  MdOptions o;
  o.timestep = 10 * fs;
  expect_reversible(o, 1e-10);
}

// With M >= 2 the chain's friction contracts phase space strongly during the equilibration from a
// perfect lattice, and the reversed run expands rounding errors by the same factor (exp(int v_2 dt)
// ~ e^70 here), so the whole-system check uses one thermostat; the chain propagator itself is checked
// for every M in test_md_thermostats.cpp.
TEST(MdNoseHooverChain, NptTimeReversible) {
  MdOptions o;
  o.chain_length = 1;
  o.chain_substeps = 2;
  o.suzuki_yoshida_order = 5;
  o.timestep = 10 * fs;
  o.ensemble = MdOptions::Ensemble::npt;
  o.thermostat = MdOptions::Thermostat::nose_hoover;
  o.cell_mode = MdOptions::CellMode::full;
  o.temperature = 60;
  o.thermostat_time = 200 * fs;
  o.barostat_time = 1000 * fs;
  o.pressure = 0.1 / units::ha_per_bohr3_in_gpa;
  expect_reversible(o, 1e-10);
}

// RMS of the total energy around its mean over 2 ps of NVE, for a time step dt.
double energy_fluctuation(double dt) {
  LennardJones lj;
  MdOptions o;
  o.timestep = dt;
  MdState s = argon(lj, 1.54, 60.0, 5, o);
  const int n = static_cast<int>(std::lround(2000 * fs / dt));
  std::vector<double> e;
  for (int i = 0; i < n; ++i) {
    step(s, lj, o);
    e.push_back(conserved_energy(s, o));
  }
  double mean = 0, var = 0;
  for (double x : e) mean += x / n;
  for (double x : e) var += (x - mean) * (x - mean) / n;
  return std::sqrt(var);
}

TEST(MdVerlet, EnergyErrorScalesAsDtSquared) {
  const double e1 = energy_fluctuation(10 * fs), e2 = energy_fluctuation(5 * fs);
  ::testing::Test::RecordProperty("energy_rms_ratio", std::to_string(e1 / e2));
  EXPECT_NEAR(e1 / e2, 4.0, 0.4);
  EXPECT_LT(e2, 1e-4 * 108 * 60 * units::boltzmann);  // tiny compared with the thermal energy
}

// A provider that adds a net force (as a DFT egg-box error would).
class PushedArgon : public ForceProvider {
 public:
  LennardJones lj;
  ForceResult compute(const Structure& s) override {
    auto r = lj.compute(s);
    r.forces[0][0] += 1e-3;
    r.forces[5][2] -= 4e-4;
    return r;
  }
};

TEST(MdVerlet, CenterOfMassStaysAtRestUnderANetForce) {
  for (auto ensemble : {MdOptions::Ensemble::nve, MdOptions::Ensemble::nvt, MdOptions::Ensemble::npt}) {
    PushedArgon p;
    MdOptions o;
    o.timestep = 10 * fs;
    o.ensemble = ensemble;
    o.temperature = 40;
    const Structure st = fcc(3, 1.54 * p.lj.sigma);
    MdState s = initial_state(st, std::vector<double>(st.size(), argon_mass()), 40, 3, o);
    start(s, p);
    for (int i = 0; i < 50; ++i) step(s, p, o);
    Vec3 momentum{0, 0, 0};
    for (std::size_t a = 0; a < s.masses.size(); ++a)
      for (int d = 0; d < 3; ++d) momentum[d] += s.masses[a] * s.velocities[a][d];
    const double typical = std::sqrt(s.masses[0] * kinetic_energy(s));  // one atom's thermal momentum
    for (int d = 0; d < 3; ++d) EXPECT_LT(std::fabs(momentum[d]), 1e-12 * typical) << ensemble_name(o);
  }
}

}  // namespace
