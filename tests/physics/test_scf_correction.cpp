// The superposition of pseudo-atomic densities and the SCF correction of the forces (dft/atomic_density.hpp):
// the tabulated form factor against the analytic transform of the solved Gaussian shells, the charge it
// carries, the correction as minus the gradient of int dV rho_at (finite differences), and what it is for:
// forces of a loosely converged SCF closer to those of a tight one.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "dft/atomic_density.hpp"
#include "dft/atomic_orbitals.hpp"
#include "dft/fields.hpp"
#include "dft/local_potential.hpp"
#include "dft/scf.hpp"
#include "dft/species.hpp"
#include "tiny_cell.hpp"

namespace {

using namespace megabar::test;

// n(q) = sum_shells f int r^2 j_0(q r) R(r)^2 dr with R = sum_k c_k r^l exp(-a_k r^2), in closed form for l = 0, 1:
//   int r^2 j_0(q r) exp(-A r^2) dr = sqrt(pi)/4 A^(-3/2) exp(-q^2/4A), and r^2 times that is -d/dA of it.
double analytic_form_factor(const PseudoAtom& atom, double q) {
  const double c = std::sqrt(M_PI) / 4.0;
  double n = 0;
  for (const auto& shell : atom.valence) {
    for (std::size_t k = 0; k < shell.alpha.size(); ++k)
      for (std::size_t j = 0; j < shell.alpha.size(); ++j) {
        const double A = shell.alpha[k] + shell.alpha[j], e = std::exp(-q * q / (4 * A));
        const double I = shell.l == 0 ? c * std::pow(A, -1.5) * e
                                      : c * (1.5 * std::pow(A, -2.5) - 0.25 * q * q * std::pow(A, -3.5)) * e;
        n += shell.occupation * shell.coef[k] * shell.coef[j] * I;
      }
  }
  return n;
}

TEST(AtomicDensity, FormFactorIsTheTransformOfThePseudoAtomsDensity) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  for (const auto& sp : atoms.species) {
    AtomOptions ao;
    ao.xc = "PBE";
    const PseudoAtom atom = solve_pseudo_atom(*sp.gth, ao);
    for (const auto& shell : atom.valence) ASSERT_LE(shell.l, 1) << "the closed form above covers s and p shells";
    const auto& table = sp.atomic_density(12.0, "PBE");
    EXPECT_GE(table.qmax(), 12.0);
    EXPECT_NEAR(table(0.0), sp.zion, 1e-9) << sp.element << ": the neutral atom's valence charge";
    for (double q : {0.3, 1.0, 2.2, 4.7, 8.0, 11.5})
      EXPECT_NEAR(table(q), analytic_form_factor(atom, q), 1e-9 * sp.zion) << sp.element << " q " << q;
  }
}

// A species the pseudo-atom solver has no default configuration for (a semicore Na, 9 valence electrons) gets a
// Gaussian atom of its charge instead of an error: MD and the force correction still run.
TEST(AtomicDensity, UnsolvableSpeciesFallsBackToAGaussianAtom) {
  const auto path = std::filesystem::temp_directory_path() / "megabar-test-na-q9.gth";
  {
    std::ofstream f(path);
    f << "Na GTH-PBE-q9 GTH-PBE\n    3    6\n     0.23652322    2     0.29510499    -0.91388488\n    2\n"
         "     0.14356046    2     3.62737240    -0.26522053\n                                        0.34213002\n"
         "     0.13903595    1   -33.68719845\n";
  }
  const Species sp = read_species(path.string(), "Na");
  ASSERT_EQ(sp.zion, 9.0);
  const auto& t = sp.atomic_density(5.0, "PBE");
  for (double q : {0.0, 0.7, 2.0, 4.5}) EXPECT_NEAR(t(q), 9.0 * std::exp(-0.5 * q * q), 1e-9) << q;
  std::filesystem::remove(path);
}

TEST(AtomicDensity, SuperpositionCarriesTheValenceCharge) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  const auto rho = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atomic_density(basis, atoms, "PBE"));
  const auto G2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G2);
  int zero = -1;
  for (int k = 0; k < basis.dense().count; ++k)
    if (G2(k) == 0.0) zero = k;
  ASSERT_GE(zero, 0);
  EXPECT_NEAR(rho(zero).real() * basis.cell().volume, atoms.n_electrons(), 1e-9);
  EXPECT_EQ(rho(zero).imag(), 0.0);
}

// F^scf_a = -d/dR_a int dV rho_at for a fixed field dV: against central differences of that pairing.
TEST(ScfCorrection, IsMinusTheGradientOfThePotentialChangeOnTheAtomicDensity) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  // A smooth real field: a few plane waves' worth of random coefficients, damped with |G|.
  const int nG = basis.dense().count;
  View1<complex> dV("dV", nG);
  {
    auto h = Kokkos::create_mirror_view(dV);
    const auto G2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G2);
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (int k = 0; k < nG; ++k) h(k) = G2(k) == 0.0 ? complex(0.0, 0.0) : complex(u(rng), u(rng)) * std::exp(-G2(k));
    Kokkos::deep_copy(dV, h);
  }
  auto pairing = [&](const std::vector<Vec3>& positions) {
    Atoms moved = atoms;  // shares the species, and so their solved pseudo-atoms
    moved.structure.positions = positions;
    return local::energy(basis, dV, atomic_density(basis, moved, "PBE"));
  };
  const auto F =
      Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), scf_correction_forces(basis, atoms, "PBE", dV));
  const double h = 1e-4;
  double largest = 0;
  for (int a = 0; a < 4; ++a)
    for (int d = 0; d < 3; ++d) {
      auto plus = kPositions, minus = kPositions;
      plus[a][d] += h;
      minus[a][d] -= h;
      const double fd = -(pairing(plus) - pairing(minus)) / (2 * h);
      EXPECT_NEAR(F(a, d), fd, 1e-7 * std::max(1.0, std::fabs(fd))) << "atom " << a << " dir " << d;
      largest = std::max(largest, std::fabs(fd));
    }
  EXPECT_GT(largest, 1e-3) << "the check needs a field that moves the pairing";
}

// An SCF stopped at dr2 < 1e-5 from scratch: its forces with the correction are several times closer to those
// of an SCF converged to 1e-12 than without it; at 1e-12 the correction itself is negligible.
TEST(ScfCorrection, BringsLooselyConvergedForcesCloserToTightOnes) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  ScfOptions tight;
  tight.energy_tolerance = 1e-11;
  tight.density_tolerance = 1e-12;
  tight.compute_stress = false;
  const ScfResult ref = run_scf(atoms, basis, tight);
  ASSERT_TRUE(ref.converged);
  double tight_correction = 0;
  for (const auto& f : ref.forces_scf_correction)
    for (int d = 0; d < 3; ++d) tight_correction = std::max(tight_correction, std::fabs(f[d]));
  EXPECT_LT(tight_correction, 1e-6);

  ScfOptions loose = tight;
  loose.energy_change_test = false;
  loose.density_tolerance = 1e-5;
  const ScfResult r = run_scf(atoms, basis, loose);
  ASSERT_TRUE(r.converged);
  ASSERT_EQ(r.forces_scf_correction.size(), r.forces.size());
  double with = 0, without = 0;
  for (std::size_t a = 0; a < r.forces.size(); ++a)
    for (int d = 0; d < 3; ++d) {
      with = std::max(with, std::fabs(r.forces[a][d] - ref.forces[a][d]));
      without = std::max(without, std::fabs(r.forces[a][d] - r.forces_scf_correction[a][d] - ref.forces[a][d]));
    }
  std::printf("[scf correction] dr2 %.2e after %d iterations: max |F - F_tight| %.3e with, %.3e without\n",
              r.history.back().dr2, r.iterations, with, without);
  EXPECT_LT(with, 0.5 * without);
}

}  // namespace
