// The small triclinic B2O2 cell shared by the force and stress consistency tests, with helpers for a
// fixed electronic state (random smooth bands, a smooth positive density) at which each term's
// derivative can be checked by finite differences.
#pragma once
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/fields.hpp"

namespace megabar::test {

using namespace megabar::dft;

inline const Mat3 kLattice{{{7.4, 0.0, 0.0}, {0.6, 7.1, 0.0}, {-0.3, 0.5, 7.7}}};
inline const std::vector<std::string> kSymbols{"B", "B", "O", "O"};
inline const std::vector<Vec3> kPositions{{2.5, 3.0, 3.5}, {5.0, 4.2, 3.5}, {1.5, 1.0, 3.8}, {6.0, 6.2, 3.2}};
constexpr double kEcut = 7.5;  // Ha (15 Ry)

// The cell with the given lattice rows and positions, GTH-<flavour> pseudopotentials from inputs/.
inline Atoms tiny_atoms(const Mat3& lattice, const std::vector<Vec3>& positions, const std::string& flavour = "PBE") {
  Structure st;
  st.cell = Cell::from_lattice(lattice);
  st.symbols = kSymbols;
  st.positions = positions;
  const std::string dir = std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/";
  return make_atoms(st,
                    {{"B", {dir + "B-GTH-" + flavour + ".gth", ""}}, {"O", {dir + "O-GTH-" + flavour + ".gth", ""}}});
}

// kLattice's rows and kPositions under the symmetric strain eps (eps_ab = eps_ba = h/2, or eps_aa = h):
// a_i' = (1 + eps) a_i, r' = (1 + eps) r.
inline std::pair<Mat3, std::vector<Vec3>> strained_cell(int a, int b, double h) {
  Mat3 eps{};
  eps[a][b] += 0.5 * h;
  eps[b][a] += 0.5 * h;
  auto deform = [&](const Vec3& v) {
    Vec3 w;
    for (int i = 0; i < 3; ++i) w[i] = v[i] + eps[i][0] * v[0] + eps[i][1] * v[1] + eps[i][2] * v[2];
    return w;
  };
  Mat3 rows;
  for (int i = 0; i < 3; ++i) rows[i] = deform(kLattice[i]);
  std::vector<Vec3> positions;
  for (const auto& p : kPositions) positions.push_back(deform(p));
  return {rows, positions};
}

inline std::vector<double> charges(const Atoms& a) {
  std::vector<double> z;
  for (std::size_t i = 0; i < a.structure.size(); ++i) z.push_back(a.charge(i));
  return z;
}

// nb reproducible random bands, damped at high kinetic energy (not orthonormalised: the energies are
// just quadratic forms in them).
inline View2<double> random_smooth_bands(const Basis& basis, int nb, unsigned seed) {
  View2<double> X("test::X", basis.n_real(), nb);
  auto Xh = Kokkos::create_mirror_view(X);
  auto T = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.kinetic_diagonal());
  for (int j = 0; j < nb; ++j)
    for (int k = 0; k < basis.n_real(); ++k) {
      seed = seed * 1664525u + 1013904223u;
      Xh(k, j) = (double(seed % 2000) / 1000.0 - 1.0) / (1.0 + T(k));
    }
  Kokkos::deep_copy(X, Xh);
  return X;
}

// background + amplitude * exp(-|r - (3, 3.5, 4)|^2 / 3) on the grid of `basis` (cell kLattice), as
// sphere coefficients.
inline View1<complex> smooth_density(const Basis& basis, double background, double amplitude) {
  FieldTransform fields(basis);
  View1<double> rho_r("test::rho_r", basis.grid_size());
  auto rh = Kokkos::create_mirror_view(rho_r);
  const auto& n = basis.fft_grid();
  for (int i0 = 0; i0 < n[0]; ++i0)
    for (int i1 = 0; i1 < n[1]; ++i1)
      for (int i2 = 0; i2 < n[2]; ++i2) {
        Vec3 r{0, 0, 0};
        for (int k = 0; k < 3; ++k)
          r[k] = double(i0) / n[0] * kLattice[0][k] + double(i1) / n[1] * kLattice[1][k] +
                 double(i2) / n[2] * kLattice[2][k];
        const double x = r[0] - 3.0, y = r[1] - 3.5, z = r[2] - 4.0;
        rh((long(i0) * n[1] + i1) * n[2] + i2) = background + amplitude * std::exp(-(x * x + y * y + z * z) / 3.0);
      }
  Kokkos::deep_copy(rho_r, rh);
  View1<complex> rho_G("test::rho_G", basis.dense().count);
  fields.to_sphere(rho_r, rho_G);
  return rho_G;
}

}  // namespace megabar::test
