// Projected density of states (dft/pdos_projection.hpp, dft/pdos.hpp):
//  - the plane-wave orbital vectors are the pseudo-atomic orbitals: summed back in real space they equal
//    sum over images of R_l(|r - R_a|) Y_lm(r - R_a) (phases, (-i)^l, real Y_lm, normalisation);
//  - Loewdin projections of any orthonormal basis of the orbitals' span carry weight 1 per band
//    (spilling 0) and per orbital;
//  - B2O3-I (15 atoms, GTH-PBE, 25 Ry, 6 empty bands): the total DOS integrates to 72 electrons up to the
//    gap, no band has more projected weight than 1, the projected DOS never exceeds the total, spilling
//    < 5 %, the top of the valence band is mostly O 2p and the bottom of the conduction band has B 2p.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/nonlocal.hpp"
#include "dft/pdos.hpp"
#include "dft/pdos_projection.hpp"
#include "dft/scf.hpp"
#include "io/extxyz.hpp"

namespace {

using namespace megabar::dft;

std::string pp_dir() { return std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/"; }

Atoms one_oxygen(double box, const Vec3& position) {
  Structure st;
  st.cell = Cell::from_lattice(Mat3{{{box, 0, 0}, {0, box, 0}, {0, 0, box}}});
  st.symbols = {"O"};
  st.positions = {position};
  return make_atoms(st, {{"O", {pp_dir() + "O-GTH-PBE.gth", ""}}});
}

// psi(r) from a scaled half-sphere vector: Omega^{-1/2} [x_0 + sqrt2 sum_k (x_re cos(G.r) - x_im sin(G.r))].
template <class HostMatrix>
double value_at(const Basis& basis, const HostMatrix& X, int col, const HostMatrix& G, const Vec3& r) {
  const int npw = basis.npw();
  double s = X(0, col);
  for (int k = 1; k < npw; ++k) {
    const double ph = G(k, 0) * r[0] + G(k, 1) * r[1] + G(k, 2) * r[2];
    s += std::sqrt(2.0) * (X(k, col) * std::cos(ph) - X(npw - 1 + k, col) * std::sin(ph));
  }
  return s / std::sqrt(basis.cell().volume);
}

TEST(PdosOrbitals, PlaneWaveVectorsAreThePseudoAtomicOrbitalsInRealSpace) {
  const double box = 13.0;
  const Vec3 R{4.1, 6.3, 7.2};
  const auto atoms = one_oxygen(box, R);
  const Basis basis(atoms.structure.cell, 60.0, default_fft_grid(atoms.structure.cell, 240.0));
  const auto pa = solve_pseudo_atom(*atoms.species[0].gth);
  const auto orb = atomic_orbital_vectors(basis, atoms, {pa});
  ASSERT_EQ(orb.count(), 4);  // s, p_x, p_y, p_z
  auto X = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), orb.phi);
  auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().G);
  for (int i = 0; i < orb.count(); ++i) {
    double norm = 0;
    for (int k = 0; k < basis.n_real(); ++k) norm += X(k, i) * X(k, i);
    EXPECT_NEAR(norm, 1.0, 1e-3) << "orbital " << i;  // the part beyond 60 Ha is missing
  }
  double worst = 0;
  for (const Vec3& d : std::vector<Vec3>{{0.3, 0.1, -0.2},
                                         {-0.8, 0.5, 0.4},
                                         {1.2, -1.0, 0.7},
                                         {0.2, 2.1, -1.5},
                                         {-2.5, -0.4, 1.9},
                                         {4.0, 2.5, -3.0}}) {
    const Vec3 r{R[0] + d[0], R[1] + d[1], R[2] + d[2]};
    for (int i = 0; i < orb.count(); ++i) {
      const auto& lab = orb.labels[i];
      double expected = 0;  // nearest images are enough: R_l(13 bohr) ~ 1e-5
      for (int a = -1; a <= 1; ++a)
        for (int b = -1; b <= 1; ++b)
          for (int c = -1; c <= 1; ++c) {
            const double x = d[0] + a * box, y = d[1] + b * box, z = d[2] + c * box,
                         dist = std::sqrt(x * x + y * y + z * z);
            expected += pa.valence[lab.shell].value(dist) * real_ylm(lab.l, lab.m, x / dist, y / dist, z / dist);
          }
      const double got = value_at(basis, X, i, G, r);
      worst = std::max(worst, std::fabs(got - expected));
      // Truncation at 60 Ha: ~1e-2 inside 1.5 bohr (the hard O core region), < 2e-3 beyond; a wrong phase,
      // (-i)^l or Y_lm orientation would give errors of the size of the orbital itself (~0.5).
      const double tol = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) < 1.5 ? 1.5e-2 : 2e-3;
      EXPECT_NEAR(got, expected, tol) << "orbital l=" << lab.l << " m=" << lab.m << " at d = " << d[0] << "," << d[1]
                                      << "," << d[2];
    }
  }
  std::printf("max |phi_PW(r) - phi_atom(r)| = %.2e (orbital values up to ~0.7 bohr^-3/2)\n", worst);
}

TEST(PdosOrbitals, OrthonormalBasisOfTheOrbitalSpanHasNoSpilling) {
  const auto atoms = megabar::dft::make_atoms(
      [] {
        Structure st;
        st.cell = Cell::from_lattice(Mat3{{{7.0, 0, 0}, {0.4, 6.8, 0}, {0, 0.3, 7.5}}});
        st.symbols = {"B", "O", "O"};
        st.positions = {{1.0, 1.2, 1.1}, {3.6, 1.4, 1.0}, {1.1, 3.9, 1.6}};
        return st;
      }(),
      {{"B", {pp_dir() + "B-GTH-PBE.gth", ""}}, {"O", {pp_dir() + "O-GTH-PBE.gth", ""}}});
  const Basis basis(atoms.structure.cell, 10.0, default_fft_grid(atoms.structure.cell, 40.0));
  std::vector<PseudoAtom> pa;
  for (const auto& sp : atoms.species) pa.push_back(solve_pseudo_atom(*sp.gth));
  const auto orb = atomic_orbital_vectors(basis, atoms, pa);
  const int n = orb.count(), nr = basis.n_real();
  ASSERT_EQ(n, 12);
  // Gram-Schmidt (twice) of the orbitals, in a different order: another orthonormal basis of the span.
  auto P = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), orb.phi);
  View2<double> X("test::X", nr, n);
  auto Xh = Kokkos::create_mirror_view(X);
  for (int j = 0; j < n; ++j) {
    const int src = n - 1 - j;
    for (int k = 0; k < nr; ++k) Xh(k, j) = P(k, src);
    for (int pass = 0; pass < 2; ++pass)
      for (int q = 0; q < j; ++q) {
        double d = 0;
        for (int k = 0; k < nr; ++k) d += Xh(k, q) * Xh(k, j);
        for (int k = 0; k < nr; ++k) Xh(k, j) -= d * Xh(k, q);
      }
    double nn = 0;
    for (int k = 0; k < nr; ++k) nn += Xh(k, j) * Xh(k, j);
    for (int k = 0; k < nr; ++k) Xh(k, j) /= std::sqrt(nn);
  }
  Kokkos::deep_copy(X, Xh);
  const auto proj = project_bands(basis, orb, X, n);
  EXPECT_GT(proj.min_overlap_eigenvalue, 1e-3);
  for (int b = 0; b < n; ++b) {
    double s = 0;
    for (int i = 0; i < n; ++i) s += proj.w(i, b);
    EXPECT_NEAR(s, 1.0, 1e-10) << "band " << b;
  }
  for (int i = 0; i < n; ++i) {
    double s = 0;
    for (int b = 0; b < n; ++b) s += proj.w(i, b);
    EXPECT_NEAR(s, 1.0, 1e-10) << "orbital " << i;
  }
}

// Trapezoid integral of f over the grid points with energies[k] <= e_max.
double integrate_below(const std::vector<double>& energies, const std::vector<double>& f, double e_max) {
  double s = 0;
  for (std::size_t k = 0; k + 1 < energies.size() && energies[k + 1] <= e_max; ++k)
    s += 0.5 * (f[k] + f[k + 1]) * (energies[k + 1] - energies[k]);
  return s;
}

TEST(PdosB2O3, SumRuleBoundsSpillingAndOxygenTopOfValenceBand) {
  const auto st = megabar::io::read_extxyz(std::string(MEGABAR_SOURCE_DIR) + "/inputs/b2o3-I/cell.extxyz");
  const auto atoms = make_atoms(st, {{"B", {pp_dir() + "B-GTH-PBE.gth", ""}}, {"O", {pp_dir() + "O-GTH-PBE.gth", ""}}});
  const double ecut = 12.5;  // 25 Ry
  const Basis basis(st.cell, ecut, default_fft_grid(st.cell, 4 * ecut));
  ScfOptions so;
  so.energy_tolerance = 1e-7;
  so.extra_bands = 6;
  so.compute_forces = so.compute_stress = false;
  const auto scf = run_scf(atoms, basis, so);
  ASSERT_TRUE(scf.converged);
  ASSERT_EQ(scf.n_occupied, 36);
  PdosOptions po;  // sigma 0.2 eV, step 0.01 eV
  const auto r = projected_dos(atoms, basis, scf, "PBE", po);

  // (a) sum rule: the DOS up to mid-gap holds the 72 valence electrons, the whole grid 2 per band.
  const double mid_gap = 0.5 * (r.vbm + r.cbm);
  ASSERT_GT(r.cbm - r.vbm, 20 * po.sigma);
  EXPECT_NEAR(integrate_below(r.energies, r.total, mid_gap), 72.0, 1e-6);
  EXPECT_NEAR(integrate_below(r.energies, r.total, r.energies.back() + 1), 2.0 * scf.n_bands, 1e-6);
  // (b) projections never exceed the total: per band, and for the broadened curves at every energy.
  for (int n = 0; n < scf.n_bands; ++n) EXPECT_LE(r.band_projected[n], 1.0 + 1e-10) << "band " << n;
  for (std::size_t k = 0; k < r.energies.size(); ++k) {
    double s = 0;
    for (const auto& per_l : r.species_l)
      for (const auto& curve : per_l) s += curve[k];
    ASSERT_LE(s, r.total[k] * (1 + 1e-10) + 1e-12) << "E = " << r.energies[k];
  }
  // The projected curves integrate to the weights: int D_{s,l} over the valence = 2 sum_occupied W.
  double weight_valence = 0;
  for (int n = 0; n < scf.n_occupied; ++n) weight_valence += 2 * r.band_projected[n];
  double pdos_valence = 0;
  for (const auto& per_l : r.species_l)
    for (const auto& curve : per_l) pdos_valence += integrate_below(r.energies, curve, mid_gap);
  EXPECT_NEAR(pdos_valence, weight_valence, 1e-6);
  EXPECT_NEAR(weight_valence, 72.0 * (1 - r.spilling_occupied), 1e-9);
  // (c) spilling and character of the band edges (species 0 = B, 1 = O; l = 1 is p).
  ASSERT_EQ(atoms.species[1].element, "O");
  EXPECT_LT(r.spilling_occupied, 0.05);
  auto species_weight = [&](int s, int l, int n) {
    double w = 0;
    for (std::size_t a = 0; a < atoms.structure.size(); ++a)
      if (atoms.species_of_atom[a] == s) w += r.atom_l_weights[a][l][n];
    return w;
  };
  const int homo = scf.n_occupied - 1, lumo = scf.n_occupied;
  EXPECT_GT(species_weight(1, 1, homo), 0.8);
  EXPECT_GT(species_weight(0, 1, lumo), 0.2);
  EXPECT_LT(r.ec[0][1] - r.cbm, po.ec_window);
  EXPECT_GE(r.ec[1][1], r.cbm);
  std::printf(
      "B2O3-I 25 Ry: VBM %.4f eV CBM %.4f eV, spilling %.4f (occupied) %.4f (all %d bands), "
      "HOMO O-p %.3f, LUMO B-p %.3f O-p %.3f, E_c(O p) %.3f eV E_c(B p) %.3f eV, min S eigenvalue %.3e\n",
      r.vbm * 27.211386245988, r.cbm * 27.211386245988, r.spilling_occupied, r.spilling_all, scf.n_bands,
      species_weight(1, 1, homo), species_weight(0, 1, lumo), species_weight(1, 1, lumo), r.ec[1][1] * 27.211386245988,
      r.ec[0][1] * 27.211386245988, r.min_overlap_eigenvalue);
}

}  // namespace
