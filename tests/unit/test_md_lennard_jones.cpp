// The Lennard-Jones test provider against finite differences of its energy: forces, and the stress in
// QE's sign (sigma = -(1/V) dE/d eps), on a distorted, jiggled fcc cell.
#include <gtest/gtest.h>

#include "md/rng.hpp"
#include "md_test_systems.hpp"

namespace {

using namespace megabar;
using namespace megabar::md::test;

Structure distorted_argon() {
  Structure s = fcc(3, 1.56 * LennardJones().sigma);
  Mat3 rows = s.cell.lattice;
  rows[1][0] += 0.6;  // shear the cell a little
  rows[2][1] -= 0.4;
  rows[0][0] *= 1.02;
  md::Rng rng(7);
  for (auto& p : s.positions)
    for (double& x : p) x += 0.3 * rng.gaussian();
  // map the positions along with the cell (fractional coordinates kept)
  const auto old = s.cell;
  s.cell = Cell::from_lattice(rows);
  for (auto& p : s.positions) {
    Vec3 f, r{0, 0, 0};
    for (int k = 0; k < 3; ++k) f[k] = core::dot(p, old.reciprocal[k]) / two_pi;
    for (int k = 0; k < 3; ++k)
      for (int c = 0; c < 3; ++c) r[c] += f[k] * rows[k][c];
    p = r;
  }
  return s;
}

// The structure under the deformation x -> (I + h e_a e_b^T) x.
Structure strained(const Structure& s, int a, int b, double h) {
  auto deform = [&](Vec3 x) {
    x[a] += h * x[b];
    return x;
  };
  Structure t = s;
  Mat3 rows;
  for (int k = 0; k < 3; ++k) rows[k] = deform(s.cell.lattice[k]);
  t.cell = Cell::from_lattice(rows);
  for (auto& p : t.positions) p = deform(p);
  return t;
}

TEST(MdLennardJones, ForcesAreMinusTheEnergyGradient) {
  LennardJones lj;
  const Structure s = distorted_argon();
  const auto r = lj.compute(s);
  const double h = 1e-4;
  for (std::size_t i : {0u, 17u, 60u})
    for (int d = 0; d < 3; ++d) {
      Structure p = s, m = s;
      p.positions[i][d] += h;
      m.positions[i][d] -= h;
      const double fd = -(lj.compute(p).energy - lj.compute(m).energy) / (2 * h);
      EXPECT_NEAR(r.forces[i][d], fd, 1e-9 + 1e-6 * std::fabs(fd)) << "atom " << i << " direction " << d;
    }
}

TEST(MdLennardJones, StressIsMinusTheStrainDerivativeOverVolume) {
  LennardJones lj;
  const Structure s = distorted_argon();
  const auto r = lj.compute(s);
  const double h = 1e-5;
  double largest = 0;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      const double dE = (lj.compute(strained(s, a, b, h)).energy - lj.compute(strained(s, a, b, -h)).energy) / (2 * h);
      const double expected = -dE / s.cell.volume;
      EXPECT_NEAR(r.stress[a][b], expected, 1e-6 * std::fabs(r.stress[0][0]) + 1e-14) << a << b;
      largest = std::max(largest, std::fabs(expected));
    }
  EXPECT_GT(largest, 1e-8);  // the check is not vacuous
  // compressed argon pushes outwards: positive stress in QE's sign
  const auto squeezed = lj.compute(fcc(3, 1.48 * lj.sigma));
  EXPECT_GT(squeezed.stress[0][0], 0);
}

}  // namespace
