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

namespace {

using namespace megabar::dft;

const Mat3 kLattice{{{7.4, 0.0, 0.0}, {0.6, 7.1, 0.0}, {-0.3, 0.5, 7.7}}};
const std::vector<std::string> kSymbols{"B", "B", "O", "O"};
const std::vector<Vec3> kPositions{{2.5, 3.0, 3.5}, {5.0, 4.2, 3.5}, {1.5, 1.0, 3.8}, {6.0, 6.2, 3.2}};
constexpr double kEcut = 7.5;  // Ha (15 Ry)

Atoms atoms_at(const std::vector<Vec3>& positions) {
  Structure st;
  st.cell = Cell::from_lattice(kLattice);
  st.symbols = kSymbols;
  st.positions = positions;
  const std::string dir = std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/";
  return make_atoms(st, {{"B", {dir + "B-GTH-PBE.gth", ""}}, {"O", {dir + "O-GTH-PBE.gth", ""}}});
}

std::vector<Vec3> displaced(int atom, int dir, double h) {
  auto p = kPositions;
  p[atom][dir] += h;
  return p;
}

std::vector<double> charges(const Atoms& a) {
  std::vector<double> z;
  for (std::size_t i = 0; i < a.structure.size(); ++i) z.push_back(a.charge(i));
  return z;
}

TEST(Forces, EwaldIsMinusTheEnergyGradient) {
  const double h = 1e-4;
  const auto atoms = atoms_at(kPositions);
  const auto F = ewald::forces(atoms.structure, charges(atoms));
  double sum[3] = {0, 0, 0};
  for (int a = 0; a < 4; ++a)
    for (int d = 0; d < 3; ++d) {
      const auto ap = atoms_at(displaced(a, d, h)), am = atoms_at(displaced(a, d, -h));
      const double fd = -(ewald::energy(ap.structure, charges(ap)) - ewald::energy(am.structure, charges(am))) / (2 * h);
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
    const double raw = c.result.forces_local[a][d] + c.result.forces_nonlocal[a][d] + c.result.forces_ewald[a][d];
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
  const int nG = basis.dense().count;
  // A smooth real density: a few Gaussians, sphere coefficients of a real field.
  FieldTransform fields(basis);
  View1<double> rho_r("rho_r", basis.grid_size());
  View1<complex> rho_G("rho_G", nG);
  auto rh = Kokkos::create_mirror_view(rho_r);
  const auto& n = basis.fft_grid();
  for (int i0 = 0; i0 < n[0]; ++i0)
    for (int i1 = 0; i1 < n[1]; ++i1)
      for (int i2 = 0; i2 < n[2]; ++i2) {
        Vec3 r{0, 0, 0};
        for (int k = 0; k < 3; ++k)
          r[k] = double(i0) / n[0] * kLattice[0][k] + double(i1) / n[1] * kLattice[1][k] + double(i2) / n[2] * kLattice[2][k];
        const double x = r[0] - 3.0, y = r[1] - 3.5, z = r[2] - 4.0;
        rh((long(i0) * n[1] + i1) * n[2] + i2) = 0.1 + std::exp(-(x * x + y * y + z * z) / 3.0);
      }
  Kokkos::deep_copy(rho_r, rh);
  fields.to_sphere(rho_r, rho_G);
  const auto Floc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), local::forces(basis, atoms, rho_G));

  // Random normalised "bands" for the nonlocal term.
  const int nb = 3;
  View2<double> X("X", basis.n_real(), nb);
  auto Xh = Kokkos::create_mirror_view(X);
  unsigned seed = 11;
  for (int j = 0; j < nb; ++j)
    for (int k = 0; k < basis.n_real(); ++k) {
      seed = seed * 1664525u + 1013904223u;
      Xh(k, j) = (double(seed % 2000) / 1000.0 - 1.0) / (1.0 + basis.kinetic_diagonal()(k));
    }
  Kokkos::deep_copy(X, Xh);
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
