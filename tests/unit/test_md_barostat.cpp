// MTK barostat: atoms follow the cell, the target pressure is the mean pressure (isotropic and full
// cell, whose mean stress must be hydrostatic), the volume fluctuations match the compressibility
// (<dV^2> = kT <V>/B), and the NPT conserved energy; plus the 3x3 helpers the barostat uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/units.hpp"
#include "md/barostat_mtk.hpp"
#include "md/matrix3.hpp"
#include "md/observables.hpp"
#include "md_test_systems.hpp"

namespace {

using namespace megabar;
using namespace megabar::md;
using namespace megabar::md::test;

constexpr double fs = units::femtosecond;
constexpr double gpa = units::ha_per_bohr3_in_gpa;

TEST(MdMatrix3, SymmetricEigenDecomposition) {
  const Mat3 a{{{2.0, -0.3, 0.1}, {-0.3, 1.0, 0.7}, {0.1, 0.7, -0.5}}};
  const auto e = symmetric_eigen(a);
  const Mat3 back = from_eigenbasis(e.U, e.lambda);
  const Mat3 UtU = multiply(transpose(e.U), e.U);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      EXPECT_NEAR(back[i][j], a[i][j], 1e-14);
      EXPECT_NEAR(UtU[i][j], i == j ? 1.0 : 0.0, 1e-14);
    }
  EXPECT_NEAR(e.lambda[0] + e.lambda[1] + e.lambda[2], trace(a), 1e-14);
  const Mat3 d{{{3.0, 0, 0}, {0, -1.0, 0}, {0, 0, 2.0}}};  // diagonal: no rotation at all
  const auto ed = symmetric_eigen(d);
  EXPECT_EQ(ed.U, identity3());
  EXPECT_EQ(ed.lambda, (Vec3{3.0, -1.0, 2.0}));
  EXPECT_NEAR(sinhc(1e-3), std::sinh(1e-3) / 1e-3, 1e-15);
  EXPECT_NEAR(sinhc(0.5), std::sinh(0.5) / 0.5, 1e-15);
  EXPECT_EQ(sinhc(0.0), 1.0);
}

// No forces, an anisotropic constant stress, atoms at rest: the cell deforms, and the atoms keep their
// fractional coordinates exactly (they move only with the cell).
class ConstantStress : public ForceProvider {
 public:
  ForceResult compute(const Structure& s) override {
    ForceResult r;
    r.forces.assign(s.size(), Vec3{0, 0, 0});
    r.stress = Mat3{{{3e-5, 1e-5, 0}, {1e-5, -2e-5, 0.5e-5}, {0, 0.5e-5, 1e-5}}};
    return r;
  }
};

TEST(MdMtk, AtomsFollowTheCell) {
  for (auto mode : {MdOptions::CellMode::isotropic, MdOptions::CellMode::full}) {
    ConstantStress provider;
    MdOptions o;
    o.ensemble = MdOptions::Ensemble::npt;
    o.cell_mode = mode;
    o.temperature = 300;
    o.timestep = 20 * fs;
    o.barostat_time = 3000 * fs;
    Structure st = fcc(1, 7.0);
    st.positions[1][0] += 0.4;
    MdState s = initial_state(st, std::vector<double>(st.size(), 1000.0), 0.0, 1, o);  // at rest
    start(s, provider);
    auto fractional = [](const Structure& x, std::size_t a, int k) {
      return core::dot(x.positions[a], x.cell.reciprocal[k]) / two_pi;
    };
    for (int i = 0; i < 10; ++i) step(s, provider, o);  // (a constant stress expands the cell without end)
    EXPECT_GT(std::fabs(s.structure.cell.volume / st.cell.volume - 1), 1e-3);  // the cell did move
    if (mode == MdOptions::CellMode::full) EXPECT_GT(std::fabs(s.structure.cell.lattice[0][1]), 1e-4);  // sheared
    for (std::size_t a = 0; a < st.size(); ++a)
      for (int k = 0; k < 3; ++k) EXPECT_NEAR(fractional(s.structure, a, k), fractional(st, a, k), 1e-13);
    for (const auto& v : s.velocities)
      for (double x : v) EXPECT_EQ(x, 0.0);
    // the strain rate stays symmetric (no rotation of the cell)
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) EXPECT_EQ(s.strain_rate[a][b], s.strain_rate[b][a]);
  }
}

MdOptions npt(MdOptions::Thermostat thermostat, MdOptions::CellMode mode, double p_gpa) {
  MdOptions o;
  o.ensemble = MdOptions::Ensemble::npt;
  o.thermostat = thermostat;
  o.cell_mode = mode;
  o.timestep = 10 * fs;
  o.temperature = 50;
  o.thermostat_time = 250 * fs;
  o.barostat_time = 1000 * fs;
  o.pressure = p_gpa / gpa;
  return o;
}

struct NptSample {
  BlockStats volume;
  Mat3 p_mean{}, p_error{};  // pressure tensor (GPa)
  BlockStats pressure;       // GPa
};

// 108 argon atoms at 50 K: 1000 steps to equilibrate (from 100 K on a lattice), then `steps` sampled.
NptSample sample_npt(const MdOptions& o, int steps, std::uint64_t seed) {
  LennardJones lj;
  MdState s = argon(lj, 1.535, 2 * o.temperature, seed, o);
  std::vector<double> volume, p;
  std::vector<std::vector<double>> p_ab(9);
  for (int i = 0; i < 1000 + steps; ++i) {
    step(s, lj, o);
    if (i < 1000) continue;
    volume.push_back(s.structure.cell.volume);
    p.push_back(pressure(s) * gpa);
    const Mat3 P = pressure_tensor(s);
    for (int k = 0; k < 9; ++k) p_ab[k].push_back(P[k / 3][k % 3] * gpa);
  }
  NptSample r;
  r.volume = block_stats(volume, 20);
  r.pressure = block_stats(p, 20);
  for (int k = 0; k < 9; ++k) {
    const auto b = block_stats(p_ab[k], 20);
    r.p_mean[k / 3][k % 3] = b.mean;
    r.p_error[k / 3][k % 3] = b.mean_error;
  }
  return r;
}

void expect_target_pressure(const NptSample& r, double p_gpa, const std::string& what) {
  EXPECT_NEAR(r.pressure.mean, p_gpa, 4 * r.pressure.mean_error) << what;
  EXPECT_LT(r.pressure.mean_error, 0.002) << what;  // 2% of the target: the check has teeth
  ::testing::Test::RecordProperty(what, "<P> = " + std::to_string(r.pressure.mean) + " +- " +
                                            std::to_string(r.pressure.mean_error) + " GPa (target " +
                                            std::to_string(p_gpa) + ")");
}

TEST(MdMtk, IsotropicCsvrMeanPressureIsTheTarget) {
  const auto r = sample_npt(npt(MdOptions::Thermostat::csvr, MdOptions::CellMode::isotropic, 0.1), 6000, 5);
  expect_target_pressure(r, 0.1, "npt-csvr-isotropic");
}

// Nose-Hoover chains, isotropic cell, at P0 and P0 +- dP: the mean pressure at P0 is P0, and the
// volume variance equals kT <V>/B with the bulk modulus B = -<V> dP/d<V> from the three runs.
TEST(MdMtk, IsotropicVolumeFluctuationsMatchTheCompressibility) {
  const double p0 = 0.1, dp = 0.05;
  const auto opt = [&](double p) { return npt(MdOptions::Thermostat::nose_hoover, MdOptions::CellMode::isotropic, p); };
  const auto lo = sample_npt(opt(p0 - dp), 6000, 6), mid = sample_npt(opt(p0), 6000, 7),
             hi = sample_npt(opt(p0 + dp), 6000, 8);
  expect_target_pressure(mid, p0, "npt-nose-hoover-isotropic");
  const double dV = hi.volume.mean - lo.volume.mean;
  const double dV_error = std::hypot(hi.volume.mean_error, lo.volume.mean_error);
  const double B = -mid.volume.mean * 2 * dp / gpa / dV;  // Ha/bohr^3
  const double kT = units::boltzmann * 50;
  const double expected = kT * mid.volume.mean / B;
  const double error = std::hypot(mid.volume.variance_error, expected * dV_error / std::fabs(dV));
  EXPECT_NEAR(mid.volume.variance, expected, 4 * error);
  EXPECT_LT(error, 0.15 * expected);
  ::testing::Test::RecordProperty("volume_variance", "<dV^2> = " + std::to_string(mid.volume.variance) + " +- " +
                                                         std::to_string(mid.volume.variance_error) +
                                                         " bohr^6, kT<V>/B = " + std::to_string(expected) +
                                                         " (B = " + std::to_string(B * gpa) + " GPa)");
}

// Full cell: the mean pressure tensor is P0 I (diagonal P0, off-diagonal 0) within its errors.
TEST(MdMtk, FullCellMeanStressIsHydrostatic) {
  for (auto thermostat : {MdOptions::Thermostat::csvr, MdOptions::Thermostat::nose_hoover}) {
    const auto o = npt(thermostat, MdOptions::CellMode::full, 0.1);
    const auto r = sample_npt(o, 6000, 9);
    expect_target_pressure(r, 0.1, ensemble_name(o));
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        EXPECT_NEAR(r.p_mean[a][b], a == b ? 0.1 : 0.0, 4 * r.p_error[a][b]) << ensemble_name(o) << " " << a << b;
        EXPECT_LT(r.p_error[a][b], 0.005) << ensemble_name(o) << " " << a << b;
      }
  }
}

// Heating from 20 K to 60 K at 0.1 GPa: K + U + P V changes, the conserved energy does not.
TEST(MdMtk, ConservedEnergyStaysWhileTheEnthalpyChanges) {
  for (auto thermostat : {MdOptions::Thermostat::csvr, MdOptions::Thermostat::nose_hoover})
    for (auto mode : {MdOptions::CellMode::isotropic, MdOptions::CellMode::full}) {
      MdOptions o = npt(thermostat, mode, 0.1);
      o.temperature = 60;
      LennardJones lj;
      MdState s = argon(lj, 1.535, 20.0, 29, o);
      auto enthalpy = [&] { return kinetic_energy(s) + s.last.energy + o.pressure * s.structure.cell.volume; };
      const double h0 = conserved_energy(s, o), e0 = enthalpy();
      double dh = 0, de = 0;
      for (int i = 0; i < 1500; ++i) {
        step(s, lj, o);
        dh = std::max(dh, std::fabs(conserved_energy(s, o) - h0));
        de = std::max(de, std::fabs(enthalpy() - e0));
      }
      EXPECT_GT(de, 50 * units::boltzmann * o.temperature) << ensemble_name(o);
      EXPECT_LT(dh, 0.01 * de) << ensemble_name(o);
      ::testing::Test::RecordProperty(
          ensemble_name(o), "max|dH| = " + std::to_string(dh) + " Ha, max|d(E+PV)| = " + std::to_string(de) + " Ha");
    }
}

}  // namespace
