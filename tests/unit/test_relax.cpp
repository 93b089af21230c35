// md::relax (FIRE, optional cell) against analytic force providers with known minima.
#include <gtest/gtest.h>

#include <cmath>

#include "md/relax.hpp"

namespace {

using namespace megabar;
using core::Cell;
using core::Mat3;
using core::Structure;
using core::Vec3;

// E = k/2 sum_i |r_i - c_i|^2: minimum at the given centres; no stress (cell-independent).
class Harmonic : public md::ForceProvider {
 public:
  explicit Harmonic(std::vector<Vec3> centres) : centres_(std::move(centres)) {}
  md::ForceResult compute(const Structure& s) override {
    md::ForceResult r;
    for (std::size_t a = 0; a < s.size(); ++a) {
      Vec3 f;
      for (int d = 0; d < 3; ++d) {
        const double x = s.positions[a][d] - centres_[a][d];
        f[d] = -k * x;
        r.energy += 0.5 * k * x * x;
      }
      r.forces.push_back(f);
    }
    ++calls;
    return r;
  }
  double k = 0.3;
  int calls = 0;

 private:
  std::vector<Vec3> centres_;
};

// An "equation of state" solid: E(V) = B0 V0 [ (V/V0) ln(V/V0) - V/V0 + 1 ] gives P = -dE/dV = -B0 ln(V/V0),
// with isotropic stress sigma = P I (QE sign) and no forces. Relaxing at pressure P_t must give
// V = V0 exp(-P_t / B0).
class LogSolid : public md::ForceProvider {
 public:
  md::ForceResult compute(const Structure& s) override {
    md::ForceResult r;
    const double x = s.cell.volume / V0;
    r.energy = B0 * V0 * (x * std::log(x) - x + 1.0);
    const double p = -B0 * std::log(x);
    r.forces.assign(s.size(), Vec3{0, 0, 0});
    for (int i = 0; i < 3; ++i) r.stress[i][i] = p;
    return r;
  }
  double V0 = 1000.0, B0 = 5e-3;  // bohr^3, Ha/bohr^3 (~150 GPa)
};

Structure cubic(double a, std::vector<Vec3> positions) {
  Structure s;
  s.cell = Cell::from_lattice(Mat3{{{a, 0, 0}, {0, a, 0}, {0, 0, a}}});
  s.positions = std::move(positions);
  s.symbols.assign(s.positions.size(), "X");
  return s;
}

TEST(Relax, BfgsFindsTheHarmonicMinimumInFewSteps) {
  const std::vector<Vec3> centres{{1.0, 2.0, 3.0}, {4.0, 4.5, 5.0}};
  Harmonic h(centres);
  const Structure start = cubic(10.0, {{1.8, 1.5, 3.6}, {3.1, 5.2, 4.4}});
  md::RelaxOptions opt;
  opt.force_tolerance = 1e-8;
  auto r = md::relax(start, h, opt);
  ASSERT_TRUE(r.converged);
  for (int a = 0; a < 2; ++a)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(r.structure.positions[a][d], centres[a][d], 1e-7);
  EXPECT_LT(r.steps, 10);  // a quadratic surface: the secant updates find the curvature at once
}

// A stop request (a batch system's signal) ends the relaxation after the structure whose forces were just
// computed: unconverged, stopped, that structure returned.
TEST(Relax, StopsAfterTheCurrentStructureWhenAsked) {
  const std::vector<Vec3> centres{{1.0, 2.0, 3.0}, {4.0, 4.5, 5.0}};
  Harmonic h(centres);
  const Structure start = cubic(10.0, {{1.8, 1.5, 3.6}, {3.1, 5.2, 4.4}});
  md::RelaxOptions opt;
  opt.force_tolerance = 1e-8;
  int polls = 0;
  opt.stop_requested = [&polls] { return ++polls >= 3; };
  auto r = md::relax(start, h, opt);
  EXPECT_TRUE(r.stopped);
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.steps, 2);  // forces of steps 0, 1, 2 computed; asked after each
  EXPECT_EQ(polls, 3);
  EXPECT_NE(r.structure.positions[0][0], start.positions[0][0]);
}

TEST(Relax, FireFindsTheHarmonicMinimum) {
  const std::vector<Vec3> centres{{1.0, 2.0, 3.0}, {4.0, 4.5, 5.0}};
  Harmonic h(centres);
  const Structure start = cubic(10.0, {{1.8, 1.5, 3.6}, {3.1, 5.2, 4.4}});
  md::RelaxOptions opt;
  opt.optimizer = md::Optimizer::fire;
  opt.force_tolerance = 1e-6;
  auto r = md::relax(start, h, opt);
  ASSERT_TRUE(r.converged);
  for (int a = 0; a < 2; ++a)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(r.structure.positions[a][d], centres[a][d], 1e-5 / h.k);
  EXPECT_LT(r.steps, 200);
  // the cell is untouched in an atoms-only relaxation
  EXPECT_DOUBLE_EQ(r.structure.cell.volume, start.cell.volume);
}

TEST(Relax, MaxStepLimitsEveryMove) {
  Harmonic h({{0, 0, 0}});
  const Structure start = cubic(10.0, {{5.0, 0, 0}});
  md::RelaxOptions opt;
  opt.optimizer = md::Optimizer::fire;
  opt.max_steps = 1;
  opt.max_step = 0.1;
  std::vector<double> xs;
  md::relax(start, h, opt,
            [&](const md::RelaxStep&, const Structure& s, const md::ForceResult&) { xs.push_back(s.positions[0][0]); });
  ASSERT_EQ(xs.size(), 2u);
  EXPECT_NEAR(xs[0] - xs[1], 0.1, 1e-12);
}

TEST(Relax, CellRelaxationReachesTheTargetPressure) {
  LogSolid solid;
  for (auto optimizer : {md::Optimizer::bfgs, md::Optimizer::fire})
    for (double p_gpa : {0.0, 50.0}) {
      const double p = p_gpa / 29421.015696767;
      md::RelaxOptions opt;
      opt.optimizer = optimizer;
      opt.relax_cell = true;
      opt.pressure = p;
      opt.stress_tolerance = 1e-4 / 29421.015696767;  // 1e-4 GPa
      opt.max_steps = 2000;
      const Structure start = cubic(std::cbrt(1.15 * solid.V0), {{0, 0, 0}, {5, 5, 5}});
      auto r = md::relax(start, solid, opt);
      ASSERT_TRUE(r.converged) << p_gpa << " GPa";
      EXPECT_NEAR(r.structure.cell.volume, solid.V0 * std::exp(-p / solid.B0), 1e-3) << p_gpa << " GPa";
      // atoms move affinely with the cell: fractional coordinates are kept
      EXPECT_NEAR(r.structure.positions[1][0] / r.structure.cell.lattice[0][0], 5.0 / start.cell.lattice[0][0], 1e-9);
    }
}

}  // namespace
