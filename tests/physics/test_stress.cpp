// Stress against strain derivatives of the energy at a fixed set of plane waves (dft::Basis with a
// reference): every term at a fixed electronic state, and the total through converged SCF energies.
// sigma_ab = -(1/Omega) dE/d eps_ab (QE's sign), with the symmetric strain eps_ab = eps_ba = h/2.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/ewald.hpp"
#include "dft/fields.hpp"
#include "dft/hartree.hpp"
#include "dft/kinetic.hpp"
#include "dft/local_potential.hpp"
#include "dft/nonlocal.hpp"
#include "dft/scf.hpp"
#include "dft/xc.hpp"
#include "tiny_cell.hpp"

namespace {

using namespace megabar::dft;
using namespace megabar::test;

// The structure under the symmetric strain eps (a_i' = (1 + eps) a_i, r' = (1 + eps) r).
Atoms strained_atoms(int a, int b, double h, const std::string& xc_flavour = "PBE") {
  const auto [rows, positions] = strained_cell(a, b, h);
  return tiny_atoms(rows, positions, xc_flavour);
}

struct Reference {
  Atoms atoms = strained_atoms(0, 0, 0.0);
  Basis basis{atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut)};
  ScfResult scf;
  View1<complex> rho_G;
  View2<double> X;
  View1<double> occ;
  Reference() {
    ScfOptions opt;
    opt.energy_tolerance = 1e-11;
    opt.density_tolerance = 1e-12;
    opt.extra_bands = 0;
    scf = run_scf(atoms, basis, opt);
    // A fixed electronic state for the term-by-term checks: random smooth bands and the density they make.
    const int nb = 4;
    X = random_smooth_bands(basis, nb, 3);
    occ = View1<double>("occ", nb);
    Kokkos::deep_copy(occ, 2.0);
    rho_G = smooth_density(basis, 0.05, 0.4);
  }
};

// Built once per test process and released before Kokkos is finalised (Views must not outlive it).
std::unique_ptr<Reference> g_reference;
const Reference& ref() { return *g_reference; }

class StrainDerivatives : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { g_reference = std::make_unique<Reference>(); }
  static void TearDownTestSuite() { g_reference.reset(); }
};

// -(1/Omega) dE/d eps_ab by central differences of E(atoms', basis') at step h.
double fd_stress(const std::function<double(const Atoms&, const Basis&)>& energy, int a, int b, double h) {
  const Atoms ap = strained_atoms(a, b, h), am = strained_atoms(a, b, -h);
  const Basis bp(ap.structure.cell, ref().basis), bm(am.structure.cell, ref().basis);
  return -(energy(ap, bp) - energy(am, bm)) / (2 * h) / ref().basis.cell().volume;
}

// The density's Fourier coefficients scale as 1/Omega under strain (the electron count is fixed).
View1<complex> scaled_density(const Basis& b) {
  const double f = ref().basis.cell().volume / b.cell().volume;
  View1<complex> r("rho_scaled", ref().rho_G.extent(0));
  auto src = ref().rho_G;
  Kokkos::parallel_for(
      "test::scale", src.extent(0), KOKKOS_LAMBDA(int k) { r(k) = f * src(k); });
  return r;
}

void expect_stress(const Mat3& analytic, const std::function<double(const Atoms&, const Basis&)>& energy, double tol,
                   const char* what) {
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      const double fd = fd_stress(energy, a, b, 1e-4);
      // absolute tolerance plus the O(h^2) truncation error of the central difference
      EXPECT_NEAR(analytic[a][b], fd, tol + 1e-7 * std::fabs(fd)) << what << " component " << a << b;
      EXPECT_DOUBLE_EQ(analytic[a][b], analytic[b][a]) << what;
    }
}

TEST_F(StrainDerivatives, KineticTermIsTheStrainDerivative) {
  const auto& r = ref();
  expect_stress(
      kinetic::stress(r.basis, r.X, r.occ, 4),
      [&](const Atoms&, const Basis& b) { return kinetic::energy(b, r.X, r.occ, 4); }, 1e-9, "kinetic");
}

TEST_F(StrainDerivatives, HartreeTermIsTheStrainDerivative) {
  const auto& r = ref();
  expect_stress(
      hartree::stress(r.basis, r.rho_G),
      [&](const Atoms&, const Basis& b) { return hartree::energy(b, scaled_density(b)); }, 1e-9, "hartree");
}

TEST_F(StrainDerivatives, LocalTermIsTheStrainDerivative) {
  const auto& r = ref();
  expect_stress(
      local::stress(r.basis, r.atoms, local::potential(r.basis, r.atoms), r.rho_G),
      [&](const Atoms& at, const Basis& b) { return local::energy(b, local::potential(b, at), scaled_density(b)); },
      1e-9, "local");
}

TEST_F(StrainDerivatives, NonlocalTermIsTheStrainDerivative) {
  const auto& r = ref();
  expect_stress(
      NonlocalTerm(r.basis, r.atoms).stress(r.X, r.occ, 4),
      [&](const Atoms& at, const Basis& b) { return NonlocalTerm(b, at).energy(r.X, r.occ, 4); }, 1e-9, "nonlocal");
}

TEST_F(StrainDerivatives, XcTermsAreTheStrainDerivativeForPbeAndLda) {
  const auto& r = ref();
  for (const char* name : {"PBE", "LDA"}) {
    auto xc_energy = [&](const Basis& b) {
      FieldTransform fields(b);
      XcTerm xc(name, fields);
      auto rho = scaled_density(b);
      View1<double> rho_r("rho_r", b.grid_size()), v("v", b.grid_size());
      fields.to_real(rho, rho_r);
      return xc.compute(rho_r, rho, v);
    };
    FieldTransform fields(r.basis);
    XcTerm xc(name, fields);
    View1<double> rho_r("rho_r", r.basis.grid_size());
    fields.to_real(r.rho_G, rho_r);
    expect_stress(
        xc.stress(rho_r, r.rho_G), [&](const Atoms&, const Basis& b) { return xc_energy(b); }, 1e-8, name);
  }
}

// run_scf's final evaluation in MD takes each term's energy and stress together (Term::energy_and_stress, which
// the xc and nonlocal terms compute from one evaluation): the same numbers as energy() and stress() apart.
TEST_F(StrainDerivatives, EnergyAndStressTogetherEqualTheSeparateEvaluations) {
  const auto& r = ref();
  FieldTransform fields(r.basis);
  View1<double> rho_r("rho_r", r.basis.grid_size());
  fields.to_real(r.rho_G, rho_r);
  TermState s;
  s.atoms = &r.atoms;
  s.X = r.X;
  s.occ = r.occ;
  s.nb = 4;
  s.rho_r = rho_r;
  s.rho_G = r.rho_G;
  NonlocalTerm nonlocal(r.basis, r.atoms);
  XcTerm pbe("PBE", fields), lda("LDA", fields);
  for (const Term* term : std::vector<const Term*>{&nonlocal, &pbe, &lda}) {
    Mat3 together;
    const double e = term->energy_and_stress(s, together);
    const Mat3 apart = term->stress(s);
    EXPECT_NEAR(e, term->energy(s), 1e-12 * std::fabs(e)) << term->key();
    EXPECT_NE(e, 0.0) << term->key();
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) EXPECT_NEAR(together[a][b], apart[a][b], 1e-14) << term->key() << " " << a << b;
  }
}

TEST_F(StrainDerivatives, EwaldTermIsTheStrainDerivativeAndIndependentOfEta) {
  const auto& r = ref();
  const auto z = charges(r.atoms);
  const Mat3 s = ewald::stress(r.atoms.structure, z);
  expect_stress(
      s, [&](const Atoms& at, const Basis&) { return ewald::energy(at.structure, z); }, 1e-9, "ewald");
  const Mat3 s2 = ewald::stress(r.atoms.structure, z, 0.8);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(s[a][b], s2[a][b], 1e-10);
}

TEST_F(StrainDerivatives, TotalIsTheStrainDerivativeOfTheScfEnergy) {
  const auto& r = ref();
  ASSERT_TRUE(r.scf.converged);
  ASSERT_TRUE(r.scf.has_stress);
  auto scf_energy = [](const Atoms& at, const Basis& b) {
    ScfOptions opt;
    opt.energy_tolerance = 1e-11;
    opt.density_tolerance = 1e-12;
    opt.compute_forces = false;
    opt.compute_stress = false;
    opt.extra_bands = 0;
    return run_scf(at, b, opt).energies.total();
  };
  for (auto [a, b] : std::vector<std::pair<int, int>>{{0, 0}, {1, 2}, {2, 2}}) {
    const double fd = fd_stress(scf_energy, a, b, 1e-3);
    std::printf("[stress] %d%d analytic %.9f FD %.9f Ha/bohr^3\n", a, b, r.scf.stress[a][b], fd);
    EXPECT_NEAR(r.scf.stress[a][b], fd, 2e-7) << "component " << a << b;  // 2e-7 Ha/bohr^3 = 0.006 GPa
  }
}

}  // namespace

namespace {

// B and O have s projectors only; a synthetic potential with p and d projectors checks the angular parts.
Atoms with_pd_projectors(Atoms at) {
  for (auto& species : at.species) {
    auto sp = std::make_shared<GthPseudopotential>(*species.gth);
    sp->channels.resize(3);
    sp->channels[1].r = 0.45;
    sp->channels[1].nproj = 2;
    sp->channels[1].h = {{1.3, -0.4}, {-0.4, 0.7}};
    sp->channels[2].r = 0.5;
    sp->channels[2].nproj = 1;
    sp->channels[2].h = {{-0.8}};
    species.gth = sp;
  }
  return at;
}

TEST_F(StrainDerivatives, NonlocalTermWithPAndDProjectorsIsTheStrainDerivative) {
  const auto& r = ref();
  const Atoms at0 = with_pd_projectors(r.atoms);
  expect_stress(
      NonlocalTerm(r.basis, at0).stress(r.X, r.occ, 4),
      [&](const Atoms& at, const Basis& b) { return NonlocalTerm(b, with_pd_projectors(at)).energy(r.X, r.occ, 4); },
      1e-9, "nonlocal p,d");
}

TEST_F(StrainDerivatives, NonlocalForcesWithPAndDProjectorsAreMinusTheEnergyGradient) {
  const auto& r = ref();
  const Atoms at0 = with_pd_projectors(r.atoms);
  const auto F =
      Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), NonlocalTerm(r.basis, at0).forces(r.X, r.occ, 4, 4));
  const double h = 1e-4;
  for (int a = 0; a < 4; ++a)
    for (int d = 0; d < 3; ++d) {
      Atoms ap = at0, am = at0;
      ap.structure.positions[a][d] += h;
      am.structure.positions[a][d] -= h;
      const double fd =
          -(NonlocalTerm(r.basis, ap).energy(r.X, r.occ, 4) - NonlocalTerm(r.basis, am).energy(r.X, r.occ, 4)) /
          (2 * h);
      EXPECT_NEAR(F(a, d), fd, 1e-8 + 1e-7 * std::fabs(fd)) << "atom " << a << " dir " << d;
    }
}

}  // namespace
