// Plane-wave basis and FFT grids (dft/basis.hpp) against Quantum ESPRESSO's grids and G-vector counts
// for the committed B2O3 cells, brute-force sphere counts, and the two-bands-per-FFT wavefunction
// transforms (dft/wavefunction_fft.hpp) against direct sums psi(r) = sum_G c(G) exp(iG.r).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "dft/basis.hpp"
#include "dft/wavefunction_fft.hpp"
#include "io/extxyz.hpp"
#include "kernels/fft.hpp"

namespace {

using megabar::core::Cell;
using megabar::core::Mat3;
using megabar::dft::Basis;
using megabar::dft::complex;
using megabar::dft::default_fft_grid;
using megabar::dft::good_fft_order;
using megabar::dft::View1;
using megabar::dft::View2;
namespace units = megabar::units;

using megabar::units::pi;

Cell qe_cell(const std::string& dir) {
  return megabar::io::read_extxyz(std::string(MEGABAR_SOURCE_DIR) + "/tests/regression/qe/" + dir + "/cell.extxyz")
      .cell;
}

// Integer coordinates m of every G = m.b with |G|^2/2 <= ecut, by brute force over a generous box.
std::vector<std::array<int, 3>> sphere(const Cell& cell, double ecut) {
  const double gmax = std::sqrt(2 * ecut);
  int box[3];
  for (int i = 0; i < 3; ++i)
    box[i] = int(gmax * std::sqrt(megabar::core::dot(cell.lattice[i], cell.lattice[i])) / (2 * pi)) + 3;
  std::vector<std::array<int, 3>> out;
  for (int a = -box[0]; a <= box[0]; ++a)
    for (int b = -box[1]; b <= box[1]; ++b)
      for (int c = -box[2]; c <= box[2]; ++c) {
        double g2 = 0;
        for (int k = 0; k < 3; ++k) {
          const double g = a * cell.reciprocal[0][k] + b * cell.reciprocal[1][k] + c * cell.reciprocal[2][k];
          g2 += g * g;
        }
        if (0.5 * g2 <= ecut) out.push_back({a, b, c});
      }
  return out;
}

struct QeCase {
  const char* dir;
  double ecut_ry;
  std::array<int, 3> grid;  // QE's "FFT dimensions"
  int npw_full, ngm_full;   // QE's "Sum" row of the sticks table: PW and dense G vectors (full sphere)
};

// From ../shared/reference/qe/b2o3-I_80Ry.out and tests/regression/qe/*/case.out (QE 6.7).
const QeCase kQeCases[] = {
    {"shared-b2o3-I_80Ry", 80.0, {48, 48, 90}, 11139, 89279},
    {"b2o3-I_rattled_35Ry_PBE", 35.0, {32, 32, 60}, 3263, 25835},
    {"b2o3-II_prim_strain0.90_35Ry_PBE", 35.0, {30, 30, 27}, 1311, 10357},
};

TEST(Basis, DefaultFftGridReproducesQuantumEspresso) {
  for (const auto& c : kQeCases) {
    const double ecut = c.ecut_ry * units::rydberg;
    EXPECT_EQ(default_fft_grid(qe_cell(c.dir), 4 * ecut), c.grid) << c.dir;
  }
}

TEST(Basis, PlaneWaveCountsMatchQuantumEspressoAndBruteForce) {
  for (const auto& c : kQeCases) {
    const Cell cell = qe_cell(c.dir);
    const double ecut = c.ecut_ry * units::rydberg;
    Basis basis(cell, ecut, c.grid);
    EXPECT_EQ(basis.npw_full(), c.npw_full) << c.dir;
    EXPECT_EQ(basis.dense().count, c.ngm_full) << c.dir;
    EXPECT_EQ(basis.npw_full(), int(sphere(cell, ecut).size())) << c.dir;
    EXPECT_EQ(basis.dense().count, int(sphere(cell, 4 * ecut).size())) << c.dir;
    EXPECT_EQ(basis.n_real(), 2 * basis.npw() - 1);
  }
}

// Integer coordinates of a Cartesian G (G . a_i = 2 pi m_i).
std::array<int, 3> miller(const Cell& cell, const double g[3]) {
  std::array<int, 3> m;
  for (int i = 0; i < 3; ++i)
    m[i] = int(
        std::lround((g[0] * cell.lattice[i][0] + g[1] * cell.lattice[i][1] + g[2] * cell.lattice[i][2]) / (2 * pi)));
  return m;
}

long flat_index(const std::array<int, 3>& m, const std::array<int, 3>& n) {
  long idx = 0;
  for (int k = 0; k < 3; ++k) idx = idx * n[k] + ((m[k] % n[k]) + n[k]) % n[k];
  return idx;
}

Cell small_triclinic() { return Cell::from_lattice(Mat3{{{6.0, 0.0, 0.0}, {1.1, 5.5, 0.0}, {-0.7, 0.9, 6.4}}}); }

TEST(Basis, HalfSphereHoldsOneOfEachPairAndConsistentIndices) {
  const Cell cell = small_triclinic();
  const double ecut = 7.0;
  const auto grid = default_fft_grid(cell, 4 * ecut);
  Basis basis(cell, ecut, grid);
  const int npw = basis.npw();
  auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().G);
  auto G2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().G2);
  auto ip = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().fft_index);
  auto im = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().fft_index_minus);
  auto T = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.kinetic_diagonal());
  std::set<std::array<int, 3>> seen;
  for (int k = 0; k < npw; ++k) {
    const double g[3] = {G(k, 0), G(k, 1), G(k, 2)};
    const auto m = miller(cell, g);
    if (k == 0) EXPECT_EQ(m, (std::array<int, 3>{0, 0, 0})) << "G = 0 must come first";
    EXPECT_TRUE(seen.insert(m).second) << "duplicate G";
    EXPECT_EQ(seen.count({-m[0], -m[1], -m[2]}), k == 0 ? 1u : 0u) << "both G and -G stored";
    EXPECT_NEAR(G2(k), g[0] * g[0] + g[1] * g[1] + g[2] * g[2], 1e-12);
    EXPECT_LE(0.5 * G2(k), ecut);
    EXPECT_EQ(ip(k), flat_index(m, grid));
    EXPECT_EQ(im(k), flat_index({-m[0], -m[1], -m[2]}, grid));
    EXPECT_DOUBLE_EQ(T(k), 0.5 * G2(k));
    if (k > 0) EXPECT_DOUBLE_EQ(T(npw - 1 + k), 0.5 * G2(k));
  }
  EXPECT_EQ(2 * int(seen.size()) - 1, int(sphere(cell, ecut).size()));
  // Dense sphere: every G once, with the position of G = 0 recorded.
  auto D = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G);
  auto Dip = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().fft_index);
  std::set<long> positions;
  for (int k = 0; k < basis.dense().count; ++k) {
    const double g[3] = {D(k, 0), D(k, 1), D(k, 2)};
    EXPECT_EQ(Dip(k), flat_index(miller(cell, g), grid));
    EXPECT_TRUE(positions.insert(Dip(k)).second) << "two dense G on one grid point (aliasing)";
  }
  EXPECT_DOUBLE_EQ(D(basis.dense_g0(), 0) * D(basis.dense_g0(), 0) + D(basis.dense_g0(), 1) * D(basis.dense_g0(), 1) +
                       D(basis.dense_g0(), 2) * D(basis.dense_g0(), 2),
                   0.0);
}

TEST(Basis, GoodFftOrderIsTheNextProductOf2And3And5) {
  EXPECT_EQ(good_fft_order(1), 1);
  EXPECT_EQ(good_fft_order(7), 8);
  EXPECT_EQ(good_fft_order(11), 12);
  EXPECT_EQ(good_fft_order(13), 15);
  EXPECT_EQ(good_fft_order(47), 48);
  EXPECT_EQ(good_fft_order(49), 50);
  EXPECT_EQ(good_fft_order(89), 90);
  EXPECT_EQ(good_fft_order(97), 100);
  EXPECT_EQ(good_fft_order(121), 125);
  for (int n = 1; n <= 600; ++n) {
    auto smooth = [](int m) {
      for (int f : {2, 3, 5})
        while (m % f == 0) m /= f;
      return m == 1;
    };
    int expected = n;
    while (!smooth(expected)) ++expected;
    EXPECT_EQ(good_fft_order(n), expected) << n;
  }
}

TEST(Basis, GridThatCannotHoldTheDensitySphereIsRejected) {
  const Cell cell = small_triclinic();
  const double ecut = 7.0;
  // Smallest alias-free grid: 2 max|m_i| + 1 over the density sphere.
  std::array<int, 3> need{0, 0, 0};
  for (const auto& m : sphere(cell, 4 * ecut))
    for (int i = 0; i < 3; ++i) need[i] = std::max(need[i], 2 * std::abs(m[i]) + 1);
  EXPECT_NO_THROW(Basis(cell, ecut, need));
  for (int i = 0; i < 3; ++i) {
    auto small = need;
    small[i] -= 1;
    EXPECT_THROW(Basis(cell, ecut, small), std::invalid_argument) << "direction " << i;
  }
  EXPECT_THROW(Basis(cell, -1.0, need), std::invalid_argument);
}

// ---- Wavefunction pair transforms ------------------------------------------------------------------

struct PairFftSetup {
  Cell cell = small_triclinic();
  Basis basis{cell, 5.0, default_fft_grid(cell, 20.0)};
  int nb = 5;  // odd: the last grid pairs a band with zero
  View2<double> X{"X", static_cast<size_t>(basis.n_real()), static_cast<size_t>(nb)};

  PairFftSetup() {
    auto h = Kokkos::create_mirror_view(X);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int n = 0; n < nb; ++n)
      for (int k = 0; k < basis.n_real(); ++k) h(k, n) = u(rng);
    Kokkos::deep_copy(X, h);
  }

  // psi_n(r_idx) = sum over the full sphere of c(G) exp(iG.r), from the scaled vector (basis.hpp).
  std::vector<double> direct(int n) const {
    auto Xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), X);
    auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().G);
    const auto& g = basis.fft_grid();
    const int npw = basis.npw();
    std::vector<double> psi(basis.grid_size(), Xh(0, n));
    for (int k = 1; k < npw; ++k) {
      const double gk[3] = {G(k, 0), G(k, 1), G(k, 2)};
      const auto m = miller(cell, gk);
      const complex c(Xh(k, n) / std::sqrt(2.0), Xh(npw - 1 + k, n) / std::sqrt(2.0));
      for (long idx = 0; idx < basis.grid_size(); ++idx) {
        const long i2 = idx % g[2], i1 = (idx / g[2]) % g[1], i0 = idx / (long(g[1]) * g[2]);
        const double ph = 2 * pi * (double(m[0] * i0) / g[0] + double(m[1] * i1) / g[1] + double(m[2] * i2) / g[2]);
        psi[idx] += 2 * (c.real() * std::cos(ph) - c.imag() * std::sin(ph));  // c e^{iph} + conj
      }
    }
    return psi;
  }
};

TEST(WavefunctionFft, BackwardTransformGivesBandPairsAsRealAndImaginaryParts) {
  PairFftSetup s;
  const long N = s.basis.grid_size();
  const int npairs = (s.nb + 1) / 2;
  megabar::kernels::FFT3D fft(s.basis.fft_grid(), npairs);
  View1<complex> grids("grids", npairs * N);
  Kokkos::deep_copy(grids, complex(7.0, -3.0));  // garbage that bands_to_grids must clear
  megabar::dft::bands_to_grids(s.basis, s.X, 0, s.nb, grids);
  fft.backward(grids, npairs);
  auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grids);
  auto Xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.X);
  for (int n = 0; n < s.nb; ++n) {
    const auto psi = s.direct(n);
    const int p = n / 2;
    double err = 0, norm2 = 0;
    for (long i = 0; i < N; ++i) {
      const complex f = gh(p * N + i);
      err = std::max(err, std::fabs((n % 2 == 0 ? f.real() : f.imag()) - psi[i]));
      norm2 += psi[i] * psi[i];
    }
    EXPECT_LT(err, 1e-12) << "band " << n;
    // Parseval: (1/N) sum_r |psi|^2 = sum_G |c(G)|^2 = |x|^2 (the scaled vectors carry the full norm).
    double x2 = 0;
    for (int k = 0; k < s.basis.n_real(); ++k) x2 += Xh(k, n) * Xh(k, n);
    EXPECT_NEAR(norm2 / N, x2, 1e-12 * x2) << "band " << n;
  }
  double imag_last = 0;  // band 5 of 5 is paired with zero
  for (long i = 0; i < N; ++i) imag_last = std::max(imag_last, std::fabs(gh((npairs - 1) * N + i).imag()));
  EXPECT_LT(imag_last, 1e-13);
}

TEST(WavefunctionFft, ForwardTransformAndGridsToBandsRoundTrip) {
  PairFftSetup s;
  const long N = s.basis.grid_size();
  const int n_real = s.basis.n_real();
  auto Xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.X);
  for (int first : {0, 1}) {
    const int count = s.nb - first;  // 5 bands (odd) from column 0, 4 bands from column 1
    const int npairs = (count + 1) / 2;
    megabar::kernels::FFT3D fft(s.basis.fft_grid(), npairs);
    View1<complex> grids("grids", npairs * N);
    megabar::dft::bands_to_grids(s.basis, s.X, first, count, grids);
    fft.backward(grids, npairs);
    fft.forward(grids, npairs);
    View2<double> Y("Y", n_real, s.nb);
    Kokkos::deep_copy(Y, 0.25);
    megabar::dft::grids_to_bands(s.basis, grids, first, count, Y, 0.0);  // beta = 0 overwrites
    auto Yh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), Y);
    for (int n = 0; n < s.nb; ++n)
      for (int k = 0; k < n_real; ++k) {
        const double expected = n < first ? 0.25 : Xh(k, n);  // columns before `first` untouched
        ASSERT_NEAR(Yh(k, n), expected, 1e-12) << "first " << first << " band " << n << " entry " << k;
      }
    // beta = 1 accumulates.
    megabar::dft::grids_to_bands(s.basis, grids, first, count, Y, 1.0);
    Kokkos::deep_copy(Yh, Y);
    for (int n = first; n < s.nb; ++n)
      for (int k = 0; k < n_real; ++k) ASSERT_NEAR(Yh(k, n), 2 * Xh(k, n), 1e-12);
  }
}

}  // namespace
