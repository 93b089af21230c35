// Thermostats: the CSVR propagator and the Nose-Hoover chain propagator in isolation, then the canonical
// kinetic-energy distribution (mean N_f kT/2, variance N_f (kT)^2/2) of a 108-atom Lennard-Jones solid
// under each, with a Berendsen-like rescaling as the negative control, and the conserved energies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "md/observables.hpp"
#include "md/thermostat_csvr.hpp"
#include "md/thermostat_nhc.hpp"
#include "md_test_systems.hpp"

namespace {

using namespace megabar;
using namespace megabar::md;
using namespace megabar::md::test;

constexpr double fs = units::femtosecond;

// Applied again and again without dynamics, the CSVR map leaves the canonical distribution of K (a
// Gamma distribution: mean n kT/2, variance n (kT)^2/2) invariant; starting far from it, it gets there.
TEST(MdCsvr, PropagatorSamplesTheCanonicalKineticEnergy) {
  Rng rng(99);
  const double kT = 0.7;
  for (double n : {1.0, 6.0, 321.0}) {
    double k = 10 * n * kT;  // far from equilibrium
    std::vector<double> ks;
    for (int i = 0; i < 60000; ++i) {
      const double alpha = csvr_scale(k, n, kT, 0.5, 1.0, rng);
      k *= alpha * alpha;
      if (i >= 100) ks.push_back(k);
    }
    const auto b = block_stats(ks, 20);
    EXPECT_NEAR(b.mean, 0.5 * n * kT, 4 * b.mean_error) << "n = " << n;
    EXPECT_NEAR(b.variance, 0.5 * n * kT * kT, 4 * b.variance_error) << "n = " << n;
    EXPECT_LT(b.variance_error, 0.05 * 0.5 * n * kT * kT);
  }
  EXPECT_EQ(csvr_scale(0.0, 10, kT, 0.5, 1.0, rng), 1.0);  // nothing to scale
}

// The chain over t, then with every thermostat velocity reversed over t again: back to the start.
TEST(MdNoseHooverChain, PropagatorIsTimeReversible) {
  for (int M : {1, 2, 3, 5})
    for (int order : {1, 3, 5}) {
      const auto masses = chain_masses(100, 0.3, 2.0, M);
      ChainState c = new_chain(M);
      for (int j = 0; j < M; ++j) {
        c.v_eta[j] = 0.2 / (j + 1);
        c.eta[j] = 0.1 * j;
      }
      const ChainState c0 = c;
      const double k = 40;
      const double s1 = propagate_chain(c, masses, k, 0.4, 2, order);
      EXPECT_NE(s1, 1.0);
      for (double& v : c.v_eta) v = -v;
      const double s2 = propagate_chain(c, masses, k * s1 * s1, 0.4, 2, order);
      EXPECT_NEAR(s1 * s2, 1.0, 1e-14);
      for (int j = 0; j < M; ++j) {
        EXPECT_NEAR(c.v_eta[j], -c0.v_eta[j], 1e-14) << M << " " << order;
        EXPECT_NEAR(c.eta[j], c0.eta[j], 1e-14) << M << " " << order;
      }
    }
}

struct KineticSample {
  BlockStats stats;
  double expected_mean, expected_variance;
};

// K over `steps` steps of argon at 50 K after 1000 steps of equilibration (from 100 K on a perfect
// lattice). berendsen: NVE steps followed by the weak-coupling rescaling
// lambda^2 = 1 + (dt/tau)(T0/T - 1) (Berendsen et al., J. Chem. Phys. 81, 3684 (1984)).
KineticSample sample_kinetic_energy(const MdOptions& o, int steps, bool berendsen = false) {
  LennardJones lj;
  MdState s = argon(lj, 1.545, 2 * o.temperature, 17, o);
  std::vector<double> k;
  for (int i = 0; i < 1000 + steps; ++i) {
    step(s, lj, o);
    if (berendsen) {
      const double lambda = std::sqrt(1 + o.timestep / o.thermostat_time * (o.temperature / temperature(s, o) - 1));
      for (auto& v : s.velocities)
        for (double& x : v) x *= lambda;
    }
    if (i >= 1000) k.push_back(kinetic_energy(s));
  }
  const double kT = units::boltzmann * o.temperature, n_f = degrees_of_freedom(s, o);
  return {block_stats(k, 20), 0.5 * n_f * kT, 0.5 * n_f * kT * kT};
}

// Mean and variance within 4 block-average standard errors of the canonical values; the variance's
// error is also required to be below 15%, so that a thermostat that halves the fluctuations (or
// suppresses them, as the Berendsen rescaling does) cannot pass.
testing::AssertionResult canonical(const KineticSample& k) {
  const auto& b = k.stats;
  const double dm = b.mean / k.expected_mean - 1, em = b.mean_error / k.expected_mean;
  const double dv = b.variance / k.expected_variance - 1, ev = b.variance_error / k.expected_variance;
  auto r = std::fabs(dm) < 4 * em && std::fabs(dv) < 4 * ev && ev < 0.15 ? testing::AssertionSuccess()
                                                                         : testing::AssertionFailure();
  return r << "<K>/expected - 1 = " << dm << " +- " << em << ", var(K)/expected - 1 = " << dv << " +- " << ev;
}

MdOptions nvt(MdOptions::Thermostat thermostat) {
  MdOptions o;
  o.ensemble = MdOptions::Ensemble::nvt;
  o.thermostat = thermostat;
  o.timestep = 10 * fs;
  o.temperature = 50;
  o.thermostat_time = 250 * fs;
  return o;
}

TEST(MdCsvr, CanonicalKineticEnergyOfLennardJonesArgon) {
  const auto k = sample_kinetic_energy(nvt(MdOptions::Thermostat::csvr), 15000);
  EXPECT_TRUE(canonical(k));
  ::testing::Test::RecordProperty("csvr", canonical(k).message());
}

TEST(MdNoseHooverChain, CanonicalKineticEnergyOfLennardJonesArgon) {
  const auto k = sample_kinetic_energy(nvt(MdOptions::Thermostat::nose_hoover), 15000);
  EXPECT_TRUE(canonical(k));
  ::testing::Test::RecordProperty("nose_hoover", canonical(k).message());
}

TEST(MdBerendsenControl, WeakCouplingFailsTheCanonicalCheck) {
  MdOptions o = nvt(MdOptions::Thermostat::csvr);
  o.ensemble = MdOptions::Ensemble::nve;  // md::step without thermostat, then the rescaling
  const auto k = sample_kinetic_energy(o, 5000, true);
  EXPECT_FALSE(canonical(k));
  EXPECT_LT(k.stats.variance, 0.6 * k.expected_variance);  // fluctuations suppressed
  ::testing::Test::RecordProperty("berendsen", canonical(k).message());
}

// Heating from 20 K to 60 K: K + U changes by far more than the conserved energy.
void expect_conserved(const MdOptions& o) {
  LennardJones lj;
  MdState s = argon(lj, 1.545, 20.0, 23, o);
  const double h0 = conserved_energy(s, o), e0 = kinetic_energy(s) + s.last.energy;
  double dh = 0, de = 0;
  for (int i = 0; i < 1500; ++i) {
    step(s, lj, o);
    dh = std::max(dh, std::fabs(conserved_energy(s, o) - h0));
    de = std::max(de, std::fabs(kinetic_energy(s) + s.last.energy - e0));
  }
  const double kT = units::boltzmann * o.temperature;
  EXPECT_GT(de, 50 * kT) << ensemble_name(o);  // the thermostat did work
  EXPECT_LT(dh, 0.01 * de) << ensemble_name(o);
  ::testing::Test::RecordProperty(ensemble_name(o),
                                  "max|dH| = " + std::to_string(dh) + " Ha, max|dE| = " + std::to_string(de) + " Ha");
}

TEST(MdCsvr, ConservedEnergyStaysWhileTheEnergyChanges) {
  MdOptions o = nvt(MdOptions::Thermostat::csvr);
  o.temperature = 60;
  expect_conserved(o);
}

TEST(MdNoseHooverChain, ConservedEnergyStaysWhileTheEnergyChanges) {
  MdOptions o = nvt(MdOptions::Thermostat::nose_hoover);
  o.temperature = 60;
  expect_conserved(o);
}

}  // namespace
