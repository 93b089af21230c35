// MdState: the pack/unpack round trip continues a run bit for bit (every ensemble), restarts are checked
// against the ensemble, and the Maxwell-Boltzmann start (seeded, no centre-of-mass momentum, exact T).
#include <gtest/gtest.h>

#include <cmath>

#include "core/units.hpp"
#include "md/integrator.hpp"
#include "md/observables.hpp"
#include "md_test_systems.hpp"

namespace {

using namespace megabar;
using namespace megabar::md;
using namespace megabar::md::test;

constexpr double fs = units::femtosecond;

std::vector<MdOptions> every_ensemble() {
  using E = MdOptions::Ensemble;
  using T = MdOptions::Thermostat;
  using C = MdOptions::CellMode;
  std::vector<MdOptions> all;
  for (auto [e, t, c] : {std::tuple{E::nve, T::csvr, C::isotropic},
                         {E::nvt, T::csvr, C::isotropic},
                         {E::nvt, T::nose_hoover, C::isotropic},
                         {E::npt, T::csvr, C::isotropic},
                         {E::npt, T::csvr, C::full},
                         {E::npt, T::nose_hoover, C::isotropic},
                         {E::npt, T::nose_hoover, C::full}}) {
    MdOptions o;
    o.ensemble = e;
    o.thermostat = t;
    o.cell_mode = c;
    o.timestep = 10 * fs;
    o.temperature = 60;
    o.thermostat_time = 100 * fs;
    o.barostat_time = 500 * fs;
    o.pressure = 0.2 / units::ha_per_bohr3_in_gpa;
    all.push_back(o);
  }
  return all;
}

// Run 2n steps in one go, and n steps + pack + unpack (into a fresh state, with a fresh provider) + n
// steps: the same numbers to the last bit.
TEST(MdState, PackUnpackContinuesBitForBit) {
  const int n = 15;
  for (const auto& o : every_ensemble()) {
    LennardJones lj;
    MdState straight = argon(lj, 1.53, 60.0, 77, o);
    MdState split = straight;
    for (int i = 0; i < 2 * n; ++i) step(straight, lj, o);

    for (int i = 0; i < n; ++i) step(split, lj, o);
    const StateArrays saved = pack(split);
    LennardJones fresh;
    MdState resumed = unpack(saved);
    EXPECT_EQ(pack(resumed).reals, saved.reals);  // the round trip itself is exact
    EXPECT_EQ(pack(resumed).words, saved.words);
    EXPECT_EQ(pack(resumed).texts, saved.texts);
    for (int i = 0; i < n; ++i) step(resumed, fresh, o);

    const std::string name = ensemble_name(o);
    EXPECT_EQ(resumed.ensemble, name);
    EXPECT_EQ(resumed.step, 2 * n);
    EXPECT_EQ(resumed.time, straight.time);
    EXPECT_EQ(resumed.structure.symbols, straight.structure.symbols);
    for (std::size_t a = 0; a < straight.structure.size(); ++a) {
      EXPECT_EQ(resumed.structure.positions[a], straight.structure.positions[a]) << name << " atom " << a;
      EXPECT_EQ(resumed.velocities[a], straight.velocities[a]) << name << " atom " << a;
      EXPECT_EQ(resumed.last.forces[a], straight.last.forces[a]) << name << " atom " << a;
    }
    EXPECT_EQ(resumed.structure.cell.lattice, straight.structure.cell.lattice) << name;
    EXPECT_EQ(resumed.strain_rate, straight.strain_rate) << name;
    EXPECT_EQ(resumed.rng.state(), straight.rng.state()) << name;
    EXPECT_EQ(conserved_energy(resumed, o), conserved_energy(straight, o)) << name;
    if (o.ensemble == MdOptions::Ensemble::npt)
      EXPECT_NE(straight.structure.cell.lattice, split.structure.cell.lattice) << name;  // the cell did move
  }
}

TEST(MdState, UnpackNamesAMissingOrMalformedEntry) {
  LennardJones lj;
  const StateArrays a = pack(argon(lj, 1.53, 60.0, 1, every_ensemble()[1]));
  StateArrays missing = a;
  missing.reals.erase("md_velocities");
  try {
    unpack(missing);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("md_velocities"), std::string::npos) << e.what();
  }
  StateArrays short_positions = a;
  short_positions.reals["md_positions"].pop_back();
  EXPECT_THROW(unpack(short_positions), std::runtime_error);
  StateArrays no_rng = a;
  no_rng.words["md_rng"] = {1, 2};
  EXPECT_THROW(unpack(no_rng), std::runtime_error);
}

TEST(MdState, StepRefusesAnotherEnsembleUntilSwitched) {
  const auto all = every_ensemble();
  LennardJones lj;
  MdState s = argon(lj, 1.53, 60.0, 1, all[1]);  // nvt-csvr
  EXPECT_THROW(step(s, lj, all[6]), std::invalid_argument);
  switch_ensemble(s, all[6]);  // npt-nose-hoover-full
  EXPECT_EQ(s.ensemble, "npt-nose-hoover-full");
  EXPECT_EQ(s.particle_chain.v_eta.size(), 3u);
  step(s, lj, all[6]);
  MdState fresh = initial_state(s.structure, s.masses, 10.0, 1, all[0]);
  EXPECT_THROW(step(fresh, lj, all[0]), std::logic_error);  // no forces yet: start() first
}

TEST(MdMaxwellBoltzmann, SeededWithoutMomentumAtTheExactTemperature) {
  // two species, masses 1:16 (in amu), so that the centre-of-mass removal has to weigh them
  Structure st = fcc(2, 8.0);
  std::vector<double> masses;
  for (std::size_t a = 0; a < st.size(); ++a) masses.push_back((a % 3 ? 16.0 : 1.0) * units::amu);
  MdOptions o;
  const MdState s1 = initial_state(st, masses, 1500.0, 42, o), s2 = initial_state(st, masses, 1500.0, 42, o);
  const MdState s3 = initial_state(st, masses, 1500.0, 43, o);
  EXPECT_EQ(s1.velocities, s2.velocities);
  EXPECT_NE(s1.velocities, s3.velocities);
  EXPECT_EQ(s1.rng.state(), s2.rng.state());
  EXPECT_NEAR(temperature(s1, o), 1500.0, 1e-9);
  EXPECT_NEAR(2 * kinetic_energy(s1) / ((3.0 * st.size() - 3) * units::boltzmann), 1500.0, 1e-9);  // N_f = 3N - 3
  Vec3 p{0, 0, 0};
  for (std::size_t a = 0; a < st.size(); ++a)
    for (int d = 0; d < 3; ++d) p[d] += masses[a] * s1.velocities[a][d];
  const double one_atom = std::sqrt(masses[1] * units::boltzmann * 1500.0);
  for (int d = 0; d < 3; ++d) EXPECT_LT(std::fabs(p[d]), 1e-12 * one_atom);
  // equipartition between the species: <m v^2> the same for light and heavy atoms (within sampling)
  double light = 0, heavy = 0;
  int n_light = 0, n_heavy = 0;
  for (std::size_t a = 0; a < st.size(); ++a) {
    const double mv2 = masses[a] * core::dot(s1.velocities[a], s1.velocities[a]);
    (a % 3 ? heavy : light) += mv2;
    ++(a % 3 ? n_heavy : n_light);
  }
  EXPECT_NEAR((light / n_light) / (heavy / n_heavy), 1.0, 0.35);  // 11 light, 21 heavy atoms
  EXPECT_EQ(s1.step, 0);
  EXPECT_FALSE(s1.has_forces);
  // velocities set by hand with a drift: remove_center_of_mass_velocity takes exactly the drift away
  MdState drifting = s1;
  for (auto& v : drifting.velocities) v[1] += 3e-4;
  remove_center_of_mass_velocity(drifting);
  for (std::size_t a = 0; a < st.size(); ++a)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(drifting.velocities[a][d], s1.velocities[a][d], 1e-15);
}

TEST(MdMaxwellBoltzmann, ZeroKelvinAndBadInputs) {
  Structure st = fcc(1, 8.0);
  const std::vector<double> masses(st.size(), 1000.0);
  MdOptions o;
  const MdState s = initial_state(st, masses, 0.0, 5, o);
  for (const auto& v : s.velocities) EXPECT_EQ(v, (Vec3{0, 0, 0}));
  EXPECT_THROW(initial_state(st, {1.0}, 300.0, 5, o), std::invalid_argument);
  EXPECT_THROW(initial_state(st, masses, -1.0, 5, o), std::invalid_argument);
  MdOptions bad = o;
  bad.ensemble = MdOptions::Ensemble::nvt;
  bad.temperature = 0;
  EXPECT_THROW(initial_state(st, masses, 300.0, 5, bad), std::invalid_argument);
  bad.temperature = 300;
  bad.thermostat = MdOptions::Thermostat::nose_hoover;
  bad.suzuki_yoshida_order = 4;
  EXPECT_THROW(initial_state(st, masses, 300.0, 5, bad), std::invalid_argument);
}

}  // namespace
