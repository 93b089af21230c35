// Forces against central finite differences of the energy (house style: consistency checks).
//  - Ewald: F = -dE_ewald/dR exactly (1e-8 Ha/bohr).
//  - Local and nonlocal terms: -dE_term/dR at fixed density / wavefunctions (Hellmann-Feynman terms).
//  - Total: -dE_SCF/dR of converged SCF energies (the HF force is the exact derivative of the discretised
//    energy, egg-box included, so the raw sum local + nonlocal + Ewald is compared, not the net-force-removed one).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/ewald.hpp"
#include "dft/fields.hpp"
#include "dft/local_potential.hpp"
#include "dft/nonlocal.hpp"
#include "dft/scf.hpp"
#include "tiny_cell.hpp"

namespace {

using namespace megabar::dft;
using namespace megabar::test;

Atoms atoms_at(const std::vector<Vec3>& positions) { return tiny_atoms(kLattice, positions); }

std::vector<Vec3> displaced(int atom, int dir, double h) {
  auto p = kPositions;
  p[atom][dir] += h;
  return p;
}

TEST(Forces, EwaldIsMinusTheEnergyGradient) {
  const double h = 1e-4;
  const auto atoms = atoms_at(kPositions);
  const auto F = ewald::forces(atoms.structure, charges(atoms));
  double sum[3] = {0, 0, 0};
  for (int a = 0; a < 4; ++a)
    for (int d = 0; d < 3; ++d) {
      const auto ap = atoms_at(displaced(a, d, h)), am = atoms_at(displaced(a, d, -h));
      const double fd =
          -(ewald::energy(ap.structure, charges(ap)) - ewald::energy(am.structure, charges(am))) / (2 * h);
      EXPECT_NEAR(F[a][d], fd, 1e-8) << "atom " << a << " dir " << d;
      sum[d] += F[a][d];
    }
  for (double s : sum) EXPECT_NEAR(s, 0.0, 1e-10);  // the Ewald energy is translation invariant
  // and the forces do not depend on the splitting parameter
  const auto F2 = ewald::forces(atoms.structure, charges(atoms), 0.9);
  for (int a = 0; a < 4; ++a)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(F[a][d], F2[a][d], 1e-9);
}

// Converged SCF of the tiny cell, shared by the tests below.
struct Converged {
  Atoms atoms = atoms_at(kPositions);
  Basis basis{atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut)};
  ScfResult result;
  Converged() {
    ScfOptions opt;
    opt.energy_tolerance = 1e-11;
    opt.density_tolerance = 1e-12;
    result = run_scf(atoms, basis, opt);
  }
};

double scf_energy(const std::vector<Vec3>& positions, const Basis& ref_basis) {
  const auto atoms = atoms_at(positions);
  const Basis basis(atoms.structure.cell, kEcut, ref_basis.fft_grid());
  ScfOptions opt;
  opt.energy_tolerance = 1e-11;
  opt.density_tolerance = 1e-12;
  opt.compute_forces = false;
  return run_scf(atoms, basis, opt).energies.total();
}

TEST(Forces, TotalIsMinusTheScfEnergyGradientAndNetForceIsRemoved) {
  const Converged c;
  ASSERT_TRUE(c.result.converged);
  const double h = 2e-3;
  // A few components (each needs two SCF runs).
  for (auto [a, d] : std::vector<std::pair<int, int>>{{0, 0}, {2, 1}, {3, 2}}) {
    const double fd = -(scf_energy(displaced(a, d, h), c.basis) - scf_energy(displaced(a, d, -h), c.basis)) / (2 * h);
    // Converged to dr2 < 1e-12, the SCF correction is ~1e-7 Ha/bohr here (tests/physics/test_scf_correction.cpp).
    const double raw = c.result.forces_local[a][d] + c.result.forces_nonlocal[a][d] + c.result.forces_ewald[a][d] +
                       c.result.forces_scf_correction[a][d];
    EXPECT_NEAR(raw, fd, 5e-6) << "atom " << a << " dir " << d;
    std::printf("[forces] atom %d dir %d: HF %.8f  FD %.8f  diff %.2e\n", a, d, raw, fd, raw - fd);
    EXPECT_NEAR(c.result.forces[a][d], raw - c.result.net_force[d] / 4, 1e-14);
  }
  double sum[3] = {0, 0, 0};
  for (const auto& f : c.result.forces)
    for (int d = 0; d < 3; ++d) sum[d] += f[d];
  for (double s : sum) EXPECT_NEAR(s, 0.0, 1e-12);
  // the removed net force is an egg-box effect: small compared with the forces themselves
  for (double n : c.result.net_force) EXPECT_LT(std::fabs(n), 5e-3);
}

TEST(Forces, LocalAndNonlocalTermsAreMinusTheirEnergyGradientsAtFixedState) {
  // With the density (local) or the wavefunction coefficients (nonlocal) held fixed, the term's energy
  // depends on R only through the form factors' phases: its derivative is the term's force.
  const Atoms atoms = atoms_at(kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  const View1<complex> rho_G = smooth_density(basis, 0.1, 1.0);
  const auto Floc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), local::forces(basis, atoms, rho_G));

  // Random "bands" for the nonlocal term.
  const int nb = 3;
  const View2<double> X = random_smooth_bands(basis, nb, 11);
  View1<double> occ("occ", nb);
  Kokkos::deep_copy(occ, 2.0);
  const NonlocalTerm nl(basis, atoms);
  const auto Fnl = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), nl.forces(X, occ, nb, 4));

  const double h = 1e-4;
  for (int a = 0; a < 4; ++a)
    for (int d = 0; d < 3; ++d) {
      const Atoms ap = atoms_at(displaced(a, d, h)), am = atoms_at(displaced(a, d, -h));
      const double eloc_p = local::energy(basis, local::potential(basis, ap), rho_G);
      const double eloc_m = local::energy(basis, local::potential(basis, am), rho_G);
      EXPECT_NEAR(Floc(a, d), -(eloc_p - eloc_m) / (2 * h), 1e-7) << "local, atom " << a << " dir " << d;
      const double enl_p = NonlocalTerm(basis, ap).energy(X, occ, nb);
      const double enl_m = NonlocalTerm(basis, am).energy(X, occ, nb);
      EXPECT_NEAR(Fnl(a, d), -(enl_p - enl_m) / (2 * h), 1e-7) << "nonlocal, atom " << a << " dir " << d;
    }
}

}  // namespace

namespace {

// Starting from a previous state (relaxation and MD steps) converges to the same energy, in fewer iterations.
TEST(Scf, RestartFromAPreviousStateGivesTheSameEnergyFaster) {
  const Atoms a0 = atoms_at(kPositions), a1 = atoms_at(displaced(1, 2, 0.05));
  const Basis basis(a0.structure.cell, kEcut, default_fft_grid(a0.structure.cell, 4 * kEcut));
  ScfOptions opt;
  opt.energy_tolerance = 1e-10;
  const ScfResult first = run_scf(a0, basis, opt);
  const ScfResult fresh = run_scf(a1, basis, opt);
  const ScfResult restarted = run_scf(a1, basis, opt, {}, &first.state);
  ASSERT_TRUE(fresh.converged && restarted.converged);
  EXPECT_NEAR(restarted.energies.total(), fresh.energies.total(), 1e-8);
  EXPECT_LT(restarted.iterations, fresh.iterations);
  for (int a = 0; a < 4; ++a)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(restarted.forces[a][d], fresh.forces[a][d], 1e-5);
}

}  // namespace
