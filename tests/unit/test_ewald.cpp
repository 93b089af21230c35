// dft::ewald against Madelung constants of known lattices, and the invariances of the Ewald sum
// (splitting parameter eta, choice of cell basis, rigid translation, relabelling).
//   NaCl:  E = -N_pairs M / r0, M = 1.747564594633, r0 = a/2 (nearest-neighbour distance)
//   CsCl:  E = -N_pairs M / r0, M = 1.762674773070, r0 = sqrt(3) a / 2
//   one charge Z in a simple-cubic cell L with a neutralising background (Wigner lattice):
//          E = -alpha Z^2 / (2L), alpha = 2.837297479480 (Nijboer & De Wette 1957; the Makov-Payne constant).
//          Checked independently with a 30-digit mpmath Ewald sum: E L / Z^2 = -1.41864873974030973833.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/structure.hpp"
#include "dft/ewald.hpp"

namespace {

using megabar::core::Cell;
using megabar::core::Mat3;
using megabar::core::Structure;
using megabar::core::Vec3;
namespace ewald = megabar::dft::ewald;

constexpr double kMadelungNaCl = 1.747564594633182;
constexpr double kMadelungCsCl = 1.762674773070991;
constexpr double kWignerSC = 1.418648739740310;  // -E L / Z^2, simple cubic lattice in jellium

Structure make_structure(const Mat3& rows, const std::vector<Vec3>& frac, const std::vector<std::string>& symbols) {
  Structure st;
  st.cell = Cell::from_lattice(rows);
  st.symbols = symbols;
  for (const auto& f : frac) {
    Vec3 p{0, 0, 0};
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 3; ++k) p[k] += f[i] * rows[i][k];
    st.positions.push_back(p);
  }
  return st;
}

Structure nacl_conventional(double a) {
  const Mat3 rows{{{a, 0, 0}, {0, a, 0}, {0, 0, a}}};
  std::vector<Vec3> frac;
  std::vector<std::string> sym;
  const Vec3 fcc[4] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
  for (const auto& f : fcc) frac.push_back(f), sym.push_back("Na");
  for (const auto& f : fcc) frac.push_back({f[0] + 0.5, f[1], f[2]}), sym.push_back("Cl");
  return make_structure(rows, frac, sym);
}

TEST(Ewald, NaClConventionalCellGivesMadelungConstant) {
  for (double a : {5.0, 10.6}) {
    const auto st = nacl_conventional(a);
    const std::vector<double> q{1, 1, 1, 1, -1, -1, -1, -1};
    const double e = ewald::energy(st, q);
    const double expected = -4.0 * kMadelungNaCl / (a / 2.0);
    EXPECT_NEAR(e, expected, 1e-11 * std::fabs(expected)) << "a = " << a;
  }
}

TEST(Ewald, NaClPrimitiveAndSkewedSupercellBasesAgree) {
  // The same fcc lattice in its primitive basis and in a strongly skewed (unimodular) basis of it.
  const double a = 8.0, h = a / 2;
  const Mat3 prim{{{0, h, h}, {h, 0, h}, {h, h, 0}}};
  const std::vector<double> q{1, -1};
  const std::vector<Vec3> cart{{0, 0, 0}, {h, 0, 0}};
  auto build = [&](const Mat3& rows) {
    Structure st;
    st.cell = Cell::from_lattice(rows);
    st.symbols = {"Na", "Cl"};
    st.positions = cart;
    return st;
  };
  Mat3 skew = prim;  // a2' = a2 + 2 a1, a3' = a3 - 3 a2'
  for (int k = 0; k < 3; ++k) skew[1][k] = prim[1][k] + 2 * prim[0][k];
  for (int k = 0; k < 3; ++k) skew[2][k] = prim[2][k] - 3 * skew[1][k];
  const double expected = -kMadelungNaCl / h;
  EXPECT_NEAR(ewald::energy(build(prim), q), expected, 1e-11 * std::fabs(expected));
  EXPECT_NEAR(ewald::energy(build(skew), q), expected, 1e-11 * std::fabs(expected));
}

TEST(Ewald, CsClGivesMadelungConstant) {
  const double a = 7.3;
  const Mat3 rows{{{a, 0, 0}, {0, a, 0}, {0, 0, a}}};
  const auto st = make_structure(rows, {{0, 0, 0}, {0.5, 0.5, 0.5}}, {"Cs", "Cl"});
  const double r0 = std::sqrt(3.0) * a / 2.0;
  const double expected = -kMadelungCsCl / r0;
  EXPECT_NEAR(ewald::energy(st, {1.0, -1.0}), expected, 1e-11 * std::fabs(expected));
  // Charges +-Z scale the energy by Z^2.
  EXPECT_NEAR(ewald::energy(st, {3.0, -3.0}), 9.0 * expected, 1e-11 * 9.0 * std::fabs(expected));
}

TEST(Ewald, SingleChargeInJelliumGivesWignerMadelungConstant) {
  for (double L : {6.0, 11.0})
    for (double Z : {1.0, 3.0}) {
      const Mat3 rows{{{L, 0, 0}, {0, L, 0}, {0, 0, L}}};
      const auto st = make_structure(rows, {{0.3, 0.1, 0.7}}, {"X"});
      const double expected = -kWignerSC * Z * Z / L;
      EXPECT_NEAR(ewald::energy(st, {Z}), expected, 1e-11 * std::fabs(expected)) << "L = " << L << ", Z = " << Z;
    }
}

// A triclinic cell with a non-neutral set of charges (so the background term matters).
Structure triclinic_structure() {
  const Mat3 rows{{{7.1, 0.3, -0.4}, {1.9, 6.4, 0.5}, {-1.2, 2.2, 8.3}}};
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Vec3> frac;
  for (int a = 0; a < 5; ++a) frac.push_back({u(rng), u(rng), u(rng)});
  return make_structure(rows, frac, {"B", "O", "B", "O", "O"});
}

TEST(Ewald, EnergyDoesNotDependOnSplittingParameter) {
  const auto st = triclinic_structure();
  const std::vector<double> q{3, 6, 3, 6, 6};
  const double e_default = ewald::energy(st, q);
  for (double eta : {0.22, 0.4, 0.75}) EXPECT_NEAR(ewald::energy(st, q, eta), e_default, 1e-10) << "eta = " << eta;
  // Neutral variant too (background term zero).
  const std::vector<double> qn{3, -2, 3, -2, -2};
  const double en = ewald::energy(st, qn, 0.3);
  EXPECT_NEAR(ewald::energy(st, qn, 0.9), en, 1e-10);
}

TEST(Ewald, InvariantUnderTranslationAndRelabelling) {
  const auto st = triclinic_structure();
  const std::vector<double> q{3, 6, 3, 6, 6};
  const double e0 = ewald::energy(st, q);
  auto moved = st;
  for (auto& p : moved.positions) p = {p[0] + 13.37, p[1] - 2.5, p[2] + 0.123};
  EXPECT_NEAR(ewald::energy(moved, q), e0, 1e-10);
  // Reverse the atom order (charges follow their atoms).
  Structure perm = st;
  std::vector<double> qp(q.rbegin(), q.rend());
  perm.positions.assign(st.positions.rbegin(), st.positions.rend());
  perm.symbols.assign(st.symbols.rbegin(), st.symbols.rend());
  EXPECT_NEAR(ewald::energy(perm, qp), e0, 1e-10);
}

// Shifts atom 2 of the triclinic structure by the lattice vector n . (a1, a2, a3).
double energy_with_atom_shifted(const Vec3& n) {
  auto st = triclinic_structure();
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 3; ++i) st.positions[1][k] += n[i] * st.cell.lattice[i][k];
  return ewald::energy(st, {3, 6, 3, 6, 6});
}

TEST(Ewald, InvariantUnderLatticeTranslationOfOneAtom) {
  // Positions need not be wrapped into the cell (extxyz files often have atoms slightly outside it).
  const double e0 = energy_with_atom_shifted({0, 0, 0});
  for (const Vec3 n : {Vec3{1, 0, 0}, Vec3{0, -1, 1}, Vec3{-1, 1, 1}})
    EXPECT_NEAR(energy_with_atom_shifted(n), e0, 1e-10) << "shift " << n[0] << " " << n[1] << " " << n[2];
}

// Regression: the real-space image range is sized for pair vectors within one cell, so positions two or
// more lattice vectors apart once lost image terms (the (2, 0, -3) shift changed E by 1.9e-6 Ha) until
// dft/ewald.cpp wrapped the positions into the cell.
TEST(Ewald, InvariantUnderLatticeTranslationOfOneAtomByManyCells) {
  const double e0 = energy_with_atom_shifted({0, 0, 0});
  for (const Vec3 n : {Vec3{2, 0, -3}, Vec3{0, 4, 0}})
    EXPECT_NEAR(energy_with_atom_shifted(n), e0, 1e-10) << "shift " << n[0] << " " << n[1] << " " << n[2];
}

}  // namespace
