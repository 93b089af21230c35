// core/: cell geometry (fractional coordinates, plane spacings, image ranges) and the periodic table.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/elements.hpp"
#include "core/structure.hpp"
#include "core/units.hpp"

namespace {

using namespace megabar;
using core::Cell;
using core::Mat3;
using core::Vec3;

const Mat3 kTriclinic{{{7.4, 0.0, 0.0}, {2.6, 6.1, 0.0}, {-1.3, 1.5, 5.7}}};

double norm(const Vec3& v) { return std::sqrt(core::dot(v, v)); }

TEST(CoreGeometry, FractionalAndCartesianAreInverse) {
  const Cell cell = Cell::from_lattice(kTriclinic);
  for (int i = 0; i < 3; ++i) {  // a_i has fractional coordinates e_i
    const Vec3 f = core::fractional(cell, cell.lattice[i]);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(f[k], i == k ? 1.0 : 0.0, 1e-14);
  }
  const Vec3 r{3.1, -7.2, 12.9};
  const Vec3 back = core::cartesian(cell, core::fractional(cell, r));
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(back[k], r[k], 1e-12);
  const Vec3 w = core::wrapped_fractional(cell, r);
  for (int k = 0; k < 3; ++k) {
    EXPECT_GE(w[k], 0.0);
    EXPECT_LT(w[k], 1.0);
  }
}

TEST(CoreGeometry, PlaneSpacingIsTheVolumeOverTheFaceArea) {
  const Cell cell = Cell::from_lattice(kTriclinic);
  for (int k = 0; k < 3; ++k) {
    const Vec3 face = core::cross(cell.lattice[(k + 1) % 3], cell.lattice[(k + 2) % 3]);
    EXPECT_NEAR(core::plane_spacing(cell, k), cell.volume / norm(face), 1e-12);
  }
}

// Every lattice vector n.a shorter than the reach, added to a difference of two points in the cell, has
// |n_k| within image_range (brute force over a large box).
TEST(CoreGeometry, ImageRangeCoversEveryImageWithinReach) {
  const Cell cell = Cell::from_lattice(kTriclinic);
  const double reach = 11.0;
  int range[3];
  for (int k = 0; k < 3; ++k) range[k] = core::image_range(cell, k, reach);
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 20; ++trial) {
    const Vec3 d = core::cartesian(cell, {unit(rng) - unit(rng), unit(rng) - unit(rng), unit(rng) - unit(rng)});
    for (int n0 = -12; n0 <= 12; ++n0)
      for (int n1 = -12; n1 <= 12; ++n1)
        for (int n2 = -12; n2 <= 12; ++n2) {
          Vec3 v;
          for (int c = 0; c < 3; ++c)
            v[c] = d[c] + n0 * cell.lattice[0][c] + n1 * cell.lattice[1][c] + n2 * cell.lattice[2][c];
          if (norm(v) >= reach) continue;
          EXPECT_LE(std::abs(n0), range[0]);
          EXPECT_LE(std::abs(n1), range[1]);
          EXPECT_LE(std::abs(n2), range[2]);
        }
  }
}

TEST(CoreGeometry, MinimumDistanceOverImages) {
  core::Structure s;
  s.cell = Cell::from_lattice(Mat3{{{4.0, 0, 0}, {0, 4.0, 0}, {0, 0, 4.0}}});
  s.symbols = {"B"};
  s.positions = {{0.3, 0.2, 0.1}};
  EXPECT_NEAR(s.min_distance(), 4.0, 1e-12);  // one atom: the shortest lattice vector
  s.symbols = {"B", "O"};
  s.positions = {{0.1, 0.1, 0.1}, {3.9, 0.1, 0.1}};  // 0.2 apart through the cell face
  EXPECT_NEAR(s.min_distance(), 0.2, 1e-12);
}

TEST(CoreElements, OneTableBySymbolAndByNumber) {
  for (int z = 1; z <= 86; ++z) {
    const core::Element* e = core::element_by_number(z);
    ASSERT_NE(e, nullptr) << z;
    EXPECT_EQ(e->z, z);
    EXPECT_EQ(&core::element(e->symbol), e);
  }
  EXPECT_EQ(core::element_by_number(0), nullptr);
  EXPECT_EQ(core::element_by_number(87), nullptr);
  EXPECT_STREQ(core::element_by_number(5)->symbol, "B");
  EXPECT_THROW(core::element("X"), std::invalid_argument);
}

}  // namespace
