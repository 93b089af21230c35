// The Term interface (dft/term.hpp) and the one-pass energy+virial reductions (kernels/reductions.hpp):
// a reduction of kernels::EnergyVirial equals the separate sums it replaces, each term's stress equals the
// per-component formula summed on the host, and run_scf's terms add up to its totals.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "dft/hartree.hpp"
#include "dft/kinetic.hpp"
#include "dft/scf.hpp"
#include "kernels/reductions.hpp"
#include "tiny_cell.hpp"

namespace {

using namespace megabar::dft;
using namespace megabar::test;
using megabar::kernels::EnergyVirial;

// Free functions: nvcc accepts no extended lambdas inside a gtest TestBody.
View2<double> pseudo_random_vectors(int n) {
  View2<double> v("test::vectors", n, 4);
  auto h = Kokkos::create_mirror_view(v);
  unsigned seed = 12345u;
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < 4; ++c) {
      seed = seed * 1664525u + 1013904223u;
      h(i, c) = double(seed % 20000) / 10000.0 - 1.0;
    }
  Kokkos::deep_copy(v, h);
  return v;
}

// energy = sum_i w_i, s_ab = sum_i w_i u_a u_b with (u, w) the rows of v.
EnergyVirial reduce_rows(const View2<double>& v) {
  EnergyVirial ev;
  Kokkos::parallel_reduce(
      "test::energy_virial", megabar::kernels::RangePolicy(0, v.extent(0)),
      KOKKOS_LAMBDA(int i, EnergyVirial& acc) {
        const double u[3] = {v(i, 0), v(i, 1), v(i, 2)};
        acc.energy += v(i, 3);
        acc.add_outer(v(i, 3), u);
      },
      Kokkos::Sum<EnergyVirial>(ev));
  return ev;
}

TEST(Terms, EnergyVirialReductionEqualsTheSeparateSums) {
  const int n = 20001;
  const auto v = pseudo_random_vectors(n);
  const EnergyVirial ev = reduce_rows(v);
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  double e = 0, s[3][3] = {};
  for (int i = 0; i < n; ++i) {
    e += h(i, 3);
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) s[a][b] += h(i, 3) * h(i, a) * h(i, b);
  }
  EXPECT_NEAR(ev.energy, e, 1e-10);
  const Mat3 m = ev.matrix();
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      EXPECT_NEAR(ev(a, b), s[a][b], 1e-10) << a << b;
      EXPECT_EQ(m[a][b], ev(a, b));
      EXPECT_EQ(ev(a, b), ev(b, a));
    }
}

TEST(Terms, HartreeAndKineticStressEqualTheirPerComponentSums) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  const double omega = basis.cell().volume;
  const auto rho_G = smooth_density(basis, 0.02, 0.1);
  const auto rho = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rho_G);
  const auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G);
  const auto G2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G2);
  const double eh = hartree::energy(basis, rho_G);
  const Mat3 sh = hartree::stress(basis, rho_G);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      double s = 0;
      for (int k = 0; k < basis.dense().count; ++k)
        if (G2(k) > 0)
          s += 4 * megabar::units::pi * std::norm(std::complex<double>(rho(k).real(), rho(k).imag())) * G(k, a) *
               G(k, b) / (G2(k) * G2(k));
      const double expected = (a == b ? eh / omega : 0.0) - s;
      EXPECT_NEAR(sh[a][b], expected, 1e-12 * (1 + std::fabs(expected))) << "hartree " << a << b;
    }

  const int nb = 3;
  const auto X = random_smooth_bands(basis, nb, 7u);
  View1<double> occ("test::occ", nb);
  Kokkos::deep_copy(occ, 2.0);
  const auto Xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), X);
  const auto Gw = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().G);
  const Mat3 sk = kinetic::stress(basis, X, occ, nb);
  const int npw = basis.npw();
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      double s = 0;
      for (int n = 0; n < nb; ++n)
        for (int k = 0; k < basis.n_real(); ++k) {
          const int g = k < npw ? k : k - (npw - 1);
          s += 2.0 * Gw(g, a) * Gw(g, b) * Xh(k, n) * Xh(k, n);
        }
      EXPECT_NEAR(sk[a][b], s / omega, 1e-12 * (1 + std::fabs(s / omega))) << "kinetic " << a << b;
    }
}

TEST(Terms, RunScfTermsAddUpToTheTotals) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  ScfOptions opt;
  opt.energy_tolerance = 1e-7;
  opt.compute_forces = true;
  opt.compute_stress = true;
  const ScfResult r = run_scf(atoms, basis, opt);
  ASSERT_TRUE(r.converged);
  EnergyTerms e = r.energies;
  const std::vector<std::string> keys{"kinetic", "local", "nonlocal", "hartree", "xc", "ewald"};
  double sum = 0;
  for (const auto& k : keys) sum += e[k];
  EXPECT_EQ(sum, e.kinetic + e.local + e.nonlocal + e.hartree + e.xc + e.ewald);
  EXPECT_NEAR(sum, e.total(), 1e-12);
  EXPECT_THROW(e["hubbard"], std::invalid_argument);

  std::set<std::string> stress_keys;
  for (const auto& [k, m] : r.stress_terms) stress_keys.insert(k);
  EXPECT_EQ(stress_keys, std::set<std::string>(keys.begin(), keys.end()));
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      double s = 0;
      for (const auto& [k, m] : r.stress_terms) s += m[a][b];
      EXPECT_NEAR(r.stress[a][b], s, 1e-15);
    }
  const int na = static_cast<int>(atoms.structure.size());
  ASSERT_EQ(r.forces_local.size(), std::size_t(na));
  ASSERT_EQ(r.forces_nonlocal.size(), std::size_t(na));
  ASSERT_EQ(r.forces_ewald.size(), std::size_t(na));
  ASSERT_EQ(r.forces_scf_correction.size(), std::size_t(na));  // on by default
  for (int a = 0; a < na; ++a)
    for (int d = 0; d < 3; ++d) {
      const double f = r.forces_local[a][d] + r.forces_nonlocal[a][d] + r.forces_ewald[a][d] +
                       r.forces_scf_correction[a][d] - r.net_force[d] / na;
      EXPECT_NEAR(r.forces[a][d], f, 1e-14);
    }
}

}  // namespace
