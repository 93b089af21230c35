// Neighbour search over periodic images (analysis/neighbours.hpp, analysis/bonds.hpp): hand-made cells
// smaller than the cutoff, strongly skewed bases of the same lattice, atoms far outside the cell, and
// random triclinic cells checked against a brute-force count over many images.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "analysis/analyze.hpp"
#include "analysis/bonds.hpp"
#include "analysis/neighbours.hpp"
#include "test_analysis_helpers.hpp"

using namespace megabar;
using namespace megabar::analysis;
using namespace megabar::analysis::testing;

namespace {

// Strongly skewed bases of a lattice (determinant +1): angles between the new vectors of a few degrees.
constexpr int kSkew1[3][3] = {{1, 0, 0}, {3, 1, 0}, {-2, 5, 1}};
constexpr int kSkew2[3][3] = {{1, 4, 0}, {0, 1, 0}, {7, -3, 1}};

std::vector<double> sorted_lengths(const std::vector<Pair>& pairs) {
  std::vector<double> r;
  for (const auto& p : pairs) r.push_back(p.r);
  std::sort(r.begin(), r.end());
  return r;
}

std::vector<int> coordination_of(const Snapshot& s, const std::vector<std::string>& symbols, double cutoff) {
  std::vector<int> b, o;
  for (std::size_t a = 0; a < symbols.size(); ++a) (symbols[a] == "B" ? b : o).push_back(static_cast<int>(a));
  return coordination_numbers(s.positions.size(), pairs_between(s.cell, s.positions, b, o, cutoff), cutoff);
}

}  // namespace

// CsCl arrangement, cube edge 2.0 A: the B at a corner has its single O (body centre) at 8 images, all at
// sqrt(3) = 1.732 A; the next B-O distance is sqrt(11) = 3.32 A. The cell is narrower than twice the
// cutoff (1.9 A), so a minimum-image search would find one bond instead of eight.
TEST(AnalysisNeighbours, BodyCentredCellSmallerThanTheCutoffHasEightBonds) {
  const core::Mat3 cube{{{2, 0, 0}, {0, 2, 0}, {0, 0, 2}}};
  const std::vector<std::string> symbols{"B", "O"};
  for (const auto* m : {static_cast<const int(*)[3]>(nullptr), kSkew1, kSkew2}) {
    const core::Mat3 rows = m ? change_basis(cube, m) : cube;
    // Atoms far outside the cell: the search works on any periodic image.
    const core::Vec3 far{2.0 * 7 + 2.0 * 3, -2.0 * 11, 2.0 * 5};
    for (const core::Vec3& shift : {core::Vec3{0, 0, 0}, far}) {
      const Snapshot s = snapshot(rows, {{0, 0, 0}, {1 + shift[0], 1 + shift[1], 1 + shift[2]}});
      const auto pairs = pairs_between(s.cell, s.positions, {0}, {1}, 1.9 * A);
      ASSERT_EQ(pairs.size(), 8u);
      for (const auto& p : pairs) EXPECT_NEAR(p.r / A, std::sqrt(3.0), 1e-12);
      EXPECT_EQ(coordination_of(s, symbols, 1.9 * A), (std::vector<int>{8, 8}));
      EXPECT_EQ(coordination_of(s, symbols, 3.4 * A), (std::vector<int>{8 + 24, 8 + 24}));  // + sqrt(11) shell
    }
  }
}

// ReO3 arrangement, cube edge 2.8 A: B at the corner, O at the three edge centres. Every B has 6 O at
// 1.4 A (two images of each O), every O 2 B. O-O: 8 O at 2.8/sqrt(2) = 1.98 A and, with its own images,
// 6 at 2.8 A.
TEST(AnalysisNeighbours, ReO3CellCountsEveryImageAndOwnImages) {
  const double L = 2.8;
  const core::Mat3 cube{{{L, 0, 0}, {0, L, 0}, {0, 0, L}}};
  const std::vector<std::string> symbols{"B", "O", "O", "O"};
  const std::vector<core::Vec3> r{{0, 0, 0}, {L / 2, 0, 0}, {0, L / 2, 0}, {0, 0, L / 2}};
  for (const auto* m : {static_cast<const int(*)[3]>(nullptr), kSkew1, kSkew2}) {
    const Snapshot s = snapshot(m ? change_basis(cube, m) : cube, r);
    EXPECT_EQ(coordination_of(s, symbols, 1.9 * A), (std::vector<int>{6, 2, 2, 2}));
    const auto with_own = pairs_within(s.cell, s.positions, {1, 2, 3}, 3.0 * A, true);
    const auto without = pairs_within(s.cell, s.positions, {1, 2, 3}, 3.0 * A, false);
    EXPECT_EQ(without.size(), 3u * 8 / 2);    // 8 O neighbours per O, each pair once
    EXPECT_EQ(with_own.size(), 3u * 14 / 2);  // + 6 own images per O (+-a, +-b, +-c), each pair once
    const auto r_own = sorted_lengths(with_own);
    EXPECT_NEAR(r_own.front() / A, L / std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(r_own.back() / A, L, 1e-12);
  }
}

// A lattice and its skewed bases hold the same atoms: every search result is the same.
TEST(AnalysisNeighbours, SkewedBasisOfTheSameLatticeFindsTheSamePairs) {
  const auto frames = read_trajectories({data_file(kCrystalII)}, {}).frames;
  const Snapshot& base = frames.at(0);
  const std::vector<int> all{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  const auto reference = sorted_lengths(pairs_within(base.cell, base.positions, all, 4.5 * A, true));
  for (const auto* m : {kSkew1, kSkew2}) {
    Snapshot s = base;
    s.cell = core::Cell::from_lattice(change_basis(base.cell.lattice, m));
    EXPECT_NEAR(s.cell.volume, base.cell.volume, 1e-9 * base.cell.volume);
    const auto skewed = sorted_lengths(pairs_within(s.cell, s.positions, all, 4.5 * A, true));
    ASSERT_EQ(skewed.size(), reference.size());
    for (std::size_t k = 0; k < skewed.size(); ++k) EXPECT_NEAR(skewed[k], reference[k], 1e-10);
  }
}

// Random, strongly sheared cells (edges 1.5-6 A, so the cutoff often exceeds the cell's widths) with atoms
// up to one cell outside it: per-atom coordination numbers equal a brute-force count over every image
// that can reach (|n_k| <= ceil(r_c / smallest width) + 3); so do the analysis' fractions and mean B-O.
TEST(AnalysisNeighbours, RandomTriclinicCellsMatchBruteForce) {
  std::mt19937_64 rng(20240517);
  std::uniform_real_distribution<double> unit(0, 1);
  long bonds_seen = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const double la = 1.5 + 4.5 * unit(rng), lb = 1.5 + 4.5 * unit(rng), lc = 1.5 + 4.5 * unit(rng);
    const core::Mat3 rows{
        {{la, 0, 0}, {(4 * unit(rng) - 2) * la, lb, 0}, {(4 * unit(rng) - 2) * la, (4 * unit(rng) - 2) * lb, lc}}};
    const int nb = 1 + trial % 4, no = 1 + (trial * 7) % 6;
    std::vector<std::string> symbols;
    std::vector<core::Vec3> r;
    for (int a = 0; a < nb + no; ++a) {
      symbols.push_back(a < nb ? "B" : "O");
      core::Vec3 f{unit(rng), unit(rng), unit(rng)}, p{};
      for (int k = 0; k < 3; ++k) f[k] += std::floor(3 * unit(rng)) - 1;  // one cell out, either way
      for (int k = 0; k < 3; ++k) p[k] = f[0] * rows[0][k] + f[1] * rows[1][k] + f[2] * rows[2][k];
      r.push_back(p);
    }
    const Snapshot s = snapshot(rows, r);
    const double cutoff = (trial % 2 ? 1.9 : 2.6) * A;
    const int reach = static_cast<int>(std::ceil(cutoff / (2 * half_width(s.cell)))) + 3;
    const auto expected = brute_force_coordination(s, kinds(symbols), cutoff, reach);
    ASSERT_EQ(coordination_of(s, symbols, cutoff), expected) << "trial " << trial;

    Options options;
    options.bo_cutoff = cutoff;
    const Result result = analyze(trajectory(symbols, {s}), options);
    std::map<int, int> b_with;
    long b_bonds = 0;
    for (int a = 0; a < nb; ++a) {
      ++b_with[expected[a]];
      b_bonds += expected[a];
    }
    bonds_seen += b_bonds;
    for (const auto& [n, count] : b_with)
      EXPECT_NEAR(result.coordination.fractions.at("B").at(n).mean, static_cast<double>(count) / nb, 1e-14) << trial;
    EXPECT_NEAR(result.coordination.mean.at("B").mean, static_cast<double>(b_bonds) / nb, 1e-14) << trial;
  }
  EXPECT_GT(bonds_seen, 100);  // the cells are dense enough that the comparison means something
}

// pairs_within counts each unordered pair of atoms at each image once, own images included on request.
TEST(AnalysisNeighbours, PairsWithinCountsEveryImageOnce) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int trial = 0; trial < 10; ++trial) {
    const core::Mat3 rows{{{2.2, 0, 0}, {-3.1, 2.0, 0}, {1.7, 4.4 * unit(rng), 2.3}}};
    std::vector<core::Vec3> r;  // fractional coordinates in [-1, 2)
    for (int a = 0; a < 5; ++a) {
      const double f0 = 3 * unit(rng) - 1, f1 = 3 * unit(rng) - 1, f2 = 3 * unit(rng) - 1;
      core::Vec3 p;
      for (int k = 0; k < 3; ++k) p[k] = f0 * rows[0][k] + f1 * rows[1][k] + f2 * rows[2][k];
      r.push_back(p);
    }
    const Snapshot s = snapshot(rows, r);
    const double cutoff = 3.3 * A;
    long brute = 0;  // ordered pairs (i, j, n) with i != j or n != 0, within the cutoff
    const int reach = static_cast<int>(std::ceil(cutoff / (2 * half_width(s.cell)))) + 4;
    const auto& a = s.cell.lattice;
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j)
        for (int n0 = -reach; n0 <= reach; ++n0)
          for (int n1 = -reach; n1 <= reach; ++n1)
            for (int n2 = -reach; n2 <= reach; ++n2) {
              if (i == j && !n0 && !n1 && !n2) continue;
              double r2 = 0;
              for (int c = 0; c < 3; ++c) {
                const double d = s.positions[j][c] - s.positions[i][c] + n0 * a[0][c] + n1 * a[1][c] + n2 * a[2][c];
                r2 += d * d;
              }
              brute += r2 < cutoff * cutoff;
            }
    const auto pairs = pairs_within(s.cell, s.positions, {0, 1, 2, 3, 4}, cutoff, true);
    EXPECT_EQ(2 * static_cast<long>(pairs.size()), brute) << trial;
    for (const auto& p : pairs) {
      EXPECT_LE(p.i, p.j);
      EXPECT_NEAR(p.r, std::sqrt(core::dot(p.d, p.d)), 1e-12);
    }
  }
}

TEST(AnalysisNeighbours, HalfWidthIsHalfTheSmallestPlaneSpacing) {
  const Snapshot cube = snapshot({{{3, 0, 0}, {0, 4, 0}, {0, 0, 5}}}, {});
  EXPECT_NEAR(half_width(cube.cell) / A, 1.5, 1e-12);
  // Hexagonal a = 4, c = 10: the planes of a are a sin(60) = 3.464 A apart.
  const Snapshot hex = snapshot({{{4, 0, 0}, {-2, 2 * std::sqrt(3.0), 0}, {0, 0, 10}}}, {});
  EXPECT_NEAR(half_width(hex.cell) / A, std::sqrt(3.0), 1e-12);
}
