// Consistency of the Kohn-Sham Hamiltonian on a tiny B2O2 cell (GTH-PBE, 10 Ry, n_real ~ 250):
//  - H applied to the identity equals T + V_loc(G - G') + V_nl(G, G') assembled independently in the full
//    complex plane-wave basis (structure factors written out, V_nl through the Legendre addition theorem
//    sum_m Y_lm(G) Y_lm(G') = (2l+1)/(4 pi) P_l(cos theta)), then moved to the scaled real basis;
//  - Davidson eigenvalues equal those of the dense matrix (LAPACK);
//  - the energy terms are expectation values of the operators, and H psi is the gradient of E[psi]
//    (central finite differences of E_kin + E_loc + E_nl + E_H + E_xc along a random direction);
//  - the single-precision local products agree with the double ones to float rounding.
// The SCF on the same cell: test_scf_tiny_cell.cpp.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <complex>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/davidson.hpp"
#include "dft/scf_control.hpp"
#include "dft/density.hpp"
#include "dft/fields.hpp"
#include "dft/hamiltonian.hpp"
#include "dft/hartree.hpp"
#include "dft/kinetic.hpp"
#include "dft/local_potential.hpp"
#include "dft/nonlocal.hpp"
#include "dft/scf.hpp"
#include "dft/xc.hpp"
#include "kernels/linalg.hpp"
#include "hamiltonian_cell.hpp"

namespace {

using namespace megabar::dft;
namespace linalg = megabar::kernels::linalg;
using HostMat = Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace>;
using cplx = std::complex<double>;

using megabar::units::pi;

using namespace megabar::test::hamiltonian_cell;

HostMat to_host(const View2<double>& v) { return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v); }

std::array<int, 3> miller(const Cell& cell, const double g[3]) {
  std::array<int, 3> m;
  for (int i = 0; i < 3; ++i)
    m[i] = int(
        std::lround((g[0] * cell.lattice[i][0] + g[1] * cell.lattice[i][1] + g[2] * cell.lattice[i][2]) / (2 * pi)));
  return m;
}

// Column j of the matrix of an operator in the scaled real basis: Y = Op(identity).
HostMat dense_matrix(int n, const std::function<void(const View2<double>&, View2<double>)>& op) {
  View2<double> I("I", n, n), Y("Y", n, n);
  auto Ih = Kokkos::create_mirror_view(I);
  for (int j = 0; j < n; ++j) Ih(j, j) = 1.0;
  Kokkos::deep_copy(I, Ih);
  op(I, Y);
  return to_host(Y);
}

// The full complex plane-wave basis G_0 = 0, +G_k, -G_k (k = 1..npw-1) and the isometry U with c = U x
// from the scaled real vectors x of dft/basis.hpp.
struct FullBasis {
  int npw, nfull;
  std::vector<std::array<double, 3>> G;
  std::vector<std::array<int, 3>> m;
  explicit FullBasis(const Basis& basis) : npw(basis.npw()), nfull(basis.npw_full()) {
    auto Gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().G);
    G.resize(nfull);
    m.resize(nfull);
    for (int k = 0; k < npw; ++k) {
      const double g[3] = {Gh(k, 0), Gh(k, 1), Gh(k, 2)};
      G[k] = {g[0], g[1], g[2]};
      m[k] = miller(basis.cell(), g);
      if (k > 0) {
        G[npw - 1 + k] = {-g[0], -g[1], -g[2]};
        m[npw - 1 + k] = {-m[k][0], -m[k][1], -m[k][2]};
      }
    }
  }
  // Nonzero entries (row a, value) of column j of U.
  std::vector<std::pair<int, cplx>> column(int j) const {
    const double s = 1 / std::sqrt(2.0);
    if (j == 0) return {{0, 1.0}};
    if (j < npw) return {{j, s}, {npw - 1 + j, s}};
    const int k = j - (npw - 1);
    return {{k, cplx(0, s)}, {npw - 1 + k, cplx(0, -s)}};
  }
  // U^H M U for a complex nfull x nfull matrix M(a, b); the result must be real.
  HostMat to_real(const std::function<cplx(int, int)>& M, double& max_imag) const {
    const int n = nfull;  // n_real == npw_full
    HostMat R("R", n, n);
    max_imag = 0;
    for (int i = 0; i < n; ++i) {
      const auto ci = column(i);
      for (int j = 0; j < n; ++j) {
        cplx s = 0;
        for (auto [a, ua] : ci)
          for (auto [b, ub] : column(j)) s += std::conj(ua) * M(a, b) * ub;
        R(i, j) = s.real();
        max_imag = std::max(max_imag, std::fabs(s.imag()));
      }
    }
    return R;
  }
};

double legendre(int l, double x) { return l == 0 ? 1.0 : (l == 1 ? x : 0.5 * (3 * x * x - 1)); }

// V_loc(G) = (1/Omega) sum_a v_s(|G|) exp(-i G.R_a), with v_s(0) -> local_g0_term.
cplx vloc_of(const Atoms& atoms, const double g[3]) {
  const double g2 = g[0] * g[0] + g[1] * g[1] + g[2] * g[2];
  cplx s = 0;
  for (std::size_t a = 0; a < atoms.structure.size(); ++a) {
    const auto& pp = *atoms.species[atoms.species_of_atom[a]].gth;
    const auto& R = atoms.structure.positions[a];
    const double f = g2 > 0 ? pp.local_form_factor(std::sqrt(g2)) : pp.local_g0_term();
    s += f * std::exp(cplx(0, -(g[0] * R[0] + g[1] * R[1] + g[2] * R[2])));
  }
  return s / atoms.structure.cell.volume;
}

// <G|V_nl|G'> = (1/Omega) sum_a exp(-i(G-G').R_a) sum_l (2l+1)/(4 pi) P_l(cos) sum_ij h_ij P_i(|G|) P_j(|G'|).
cplx vnl_of(const Atoms& atoms, const std::array<double, 3>& g, const std::array<double, 3>& gp) {
  const double q = std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
  const double qp = std::sqrt(gp[0] * gp[0] + gp[1] * gp[1] + gp[2] * gp[2]);
  const double cosine = (q > 0 && qp > 0) ? (g[0] * gp[0] + g[1] * gp[1] + g[2] * gp[2]) / (q * qp) : 1.0;
  cplx s = 0;
  for (std::size_t a = 0; a < atoms.structure.size(); ++a) {
    const auto& pp = *atoms.species[atoms.species_of_atom[a]].gth;
    double radial = 0;
    for (int l = 0; l <= pp.lmax(); ++l)
      for (int i = 0; i < pp.channels[l].nproj; ++i)
        for (int j = 0; j < pp.channels[l].nproj; ++j)
          radial += (2 * l + 1) / (4 * pi) * legendre(l, cosine) * pp.channels[l].h[i][j] *
                    pp.projector_form_factor(l, i + 1, q) * pp.projector_form_factor(l, j + 1, qp);
    const auto& R = atoms.structure.positions[a];
    const double ph = (g[0] - gp[0]) * R[0] + (g[1] - gp[1]) * R[1] + (g[2] - gp[2]) * R[2];
    s += radial * std::exp(cplx(0, -ph));
  }
  return s / atoms.structure.cell.volume;
}

// V_loc on the density sphere, written out independently of dft::local.
View1<complex> vloc_sphere(const Basis& basis, const Atoms& atoms) {
  const int nG = basis.dense().count;
  View1<complex> v("vloc_G", nG);
  auto vh = Kokkos::create_mirror_view(v);
  auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G);
  for (int k = 0; k < nG; ++k) {
    const double g[3] = {G(k, 0), G(k, 1), G(k, 2)};
    const cplx c = vloc_of(atoms, g);
    vh(k) = complex(c.real(), c.imag());
  }
  Kokkos::deep_copy(v, vh);
  return v;
}

double max_abs(const HostMat& A) {
  double m = 0;
  for (std::size_t i = 0; i < A.extent(0); ++i)
    for (std::size_t j = 0; j < A.extent(1); ++j) m = std::max(m, std::fabs(A(i, j)));
  return m;
}

// Common objects for one structure: basis, fields, nonlocal term, and H with V_eff = V_loc.
struct System {
  Atoms atoms;
  Basis basis;
  FieldTransform fields;
  NonlocalTerm nonlocal;
  Hamiltonian H;
  View1<complex> v_loc_G;
  View1<double> v_loc_r;
  explicit System(Atoms a)
      : atoms(std::move(a)),
        basis(make_basis(atoms)),
        fields(basis),
        nonlocal(basis, atoms),
        H(basis, nonlocal, 4),
        v_loc_G(local::potential(basis, atoms)),
        v_loc_r("v_loc_r", basis.grid_size()) {
    fields.to_real(v_loc_G, v_loc_r);
    H.set_potential(v_loc_r);
  }
  int n() const { return basis.n_real(); }
};

// The tiny system is shared by the tests of a suite; it holds Kokkos Views, so it must be released before
// Kokkos::finalize (TearDownTestSuite), not at static destruction.
class HamiltonianTinyCell : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = std::make_unique<System>(make_atoms(kSymbols, kPositions)); }
  static void TearDownTestSuite() { system_.reset(); }
  static System& tiny() { return *system_; }

 private:
  static std::unique_ptr<System> system_;
};
std::unique_ptr<System> HamiltonianTinyCell::system_;

TEST_F(HamiltonianTinyCell, TinyCellIsSmall) {
  auto& s = tiny();
  EXPECT_GT(s.atoms.structure.min_distance(), 2.0);
  EXPECT_GT(s.n(), 150);
  EXPECT_LT(s.n(), 400);
  EXPECT_EQ(s.nonlocal.n_projectors(), 4);  // one s projector per atom
}

TEST_F(HamiltonianTinyCell, LocalPotentialMatchesStructureFactorSum) {
  auto& s = tiny();
  auto ref = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), vloc_sphere(s.basis, s.atoms));
  auto got = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.v_loc_G);
  double err = 0, scale = 0;
  for (int k = 0; k < s.basis.dense().count; ++k) {
    err = std::max(err, Kokkos::abs(got(k) - ref(k)));
    scale = std::max(scale, Kokkos::abs(ref(k)));
  }
  EXPECT_LT(err, 1e-13 * scale);
}

TEST_F(HamiltonianTinyCell, MatrixIsSymmetricAndEqualsIndependentPlaneWaveMatrix) {
  auto& s = tiny();
  const int n = s.n();
  const HostMat H = dense_matrix(n, [&](const View2<double>& X, View2<double> Y) { s.H.apply(X, n, Y); });
  const double scale = max_abs(H);
  double asym = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) asym = std::max(asym, std::fabs(H(i, j) - H(j, i)));
  EXPECT_LT(asym, 1e-13 * scale);

  // Independent assembly in the full complex basis.
  const FullBasis full(s.basis);
  std::map<std::array<int, 3>, int> dense_index;
  auto D = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.basis.dense().G);
  for (int k = 0; k < s.basis.dense().count; ++k) {
    const double g[3] = {D(k, 0), D(k, 1), D(k, 2)};
    dense_index[miller(s.basis.cell(), g)] = k;
  }
  auto vG = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), vloc_sphere(s.basis, s.atoms));
  auto M = [&](int a, int b) {
    const auto& ga = full.G[a];
    const auto& gb = full.G[b];
    cplx h = vnl_of(s.atoms, ga, gb);
    const std::array<int, 3> dm{full.m[a][0] - full.m[b][0], full.m[a][1] - full.m[b][1], full.m[a][2] - full.m[b][2]};
    const auto it = dense_index.find(dm);
    EXPECT_NE(it, dense_index.end()) << "G - G' outside the density sphere";
    if (it != dense_index.end()) h += cplx(vG(it->second).real(), vG(it->second).imag());
    if (a == b) h += 0.5 * (ga[0] * ga[0] + ga[1] * ga[1] + ga[2] * ga[2]);
    return h;
  };
  double max_imag = 0;
  const HostMat R = full.to_real(M, max_imag);
  EXPECT_LT(max_imag, 1e-13 * scale);
  double err = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) err = std::max(err, std::fabs(H(i, j) - R(i, j)));
  EXPECT_LT(err, 1e-11 * scale) << "max |H| = " << scale;
}

TEST_F(HamiltonianTinyCell, NonlocalTermMatchesAdditionTheoremAndItsEnergyAndDiagonal) {
  auto& s = tiny();
  const int n = s.n();
  const HostMat V = dense_matrix(n, [&](const View2<double>& X, View2<double> Y) { s.nonlocal.apply(X, n, Y, 0.0); });
  const FullBasis full(s.basis);
  double max_imag = 0;
  const HostMat R = full.to_real([&](int a, int b) { return vnl_of(s.atoms, full.G[a], full.G[b]); }, max_imag);
  const double scale = max_abs(R);
  double err = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) err = std::max(err, std::fabs(V(i, j) - R(i, j)));
  EXPECT_LT(err, 1e-12 * scale);
  auto d = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.nonlocal.diagonal());
  for (int i = 0; i < n; ++i) ASSERT_NEAR(d(i), R(i, i), 1e-12 * scale) << i;

  // E_nl = sum_n f_n x_n^T V_nl x_n for random bands.
  const int nb = 5;
  View2<double> X("X", n, nb), Y("Y", n, nb);
  View1<double> occ("occ", nb);
  auto Xh = Kokkos::create_mirror_view(X);
  auto oh = Kokkos::create_mirror_view(occ);
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int b = 0; b < nb; ++b) {
    oh(b) = 0.5 + b;
    for (int k = 0; k < n; ++k) Xh(k, b) = u(rng);
  }
  Kokkos::deep_copy(X, Xh);
  Kokkos::deep_copy(occ, oh);
  s.nonlocal.apply(X, nb, Y, 0.0);
  auto Yh = to_host(Y);
  double expect = 0;
  for (int b = 0; b < nb; ++b)
    for (int k = 0; k < n; ++k) expect += oh(b) * Xh(k, b) * Yh(k, b);
  EXPECT_NEAR(s.nonlocal.energy(X, occ, nb), expect, 1e-12 * std::fabs(expect));
}

// Orthonormal random starting bands, damped at high kinetic energy.
View2<double> random_bands(const Basis& basis, int nb, unsigned seed) {
  View2<double> X("X", basis.n_real(), nb);
  auto Xh = Kokkos::create_mirror_view(X);
  auto T = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.kinetic_diagonal());
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int b = 0; b < nb; ++b)
    for (int k = 0; k < basis.n_real(); ++k) Xh(k, b) = u(rng) / (1 + T(k));
  Kokkos::deep_copy(X, Xh);
  orthonormalize_block(X, 0, nb);
  return X;
}

TEST_F(HamiltonianTinyCell, DavidsonMatchesDenseDiagonalisation) {
  auto& s = tiny();
  const int n = s.n(), nb = 6;
  const HostMat H = dense_matrix(n, [&](const View2<double>& X, View2<double> Y) { s.H.apply(X, n, Y); });
  View2<double> A("A", n, n);
  Kokkos::deep_copy(A, H);
  std::vector<double> w(n);  // kernels::linalg: A in MemSpace, eigenvalues returned in a host array
  ASSERT_EQ(linalg::syev(n, A.data(), A.stride(1), w.data()), 0);

  auto X = random_bands(s.basis, nb, 5);
  Davidson davidson(n, nb);
  std::vector<double> eig;
  const auto stats = davidson.solve(s.H, X, eig, 1e-20, 300);
  EXPECT_TRUE(stats.converged) << "max |r|^2 = " << stats.max_residual2;
  ASSERT_EQ(eig.size(), std::size_t(nb));
  for (int j = 0; j < nb; ++j) EXPECT_NEAR(eig[j], w[j], 1e-8) << "band " << j;
  // The Ritz vectors are orthonormal eigenvectors.
  View2<double> HX("HX", n, nb);
  s.H.apply(X, nb, HX);
  auto Xh = to_host(X), HXh = to_host(HX);
  for (int a = 0; a < nb; ++a) {
    double r2 = 0;
    for (int k = 0; k < n; ++k) r2 += std::pow(HXh(k, a) - eig[a] * Xh(k, a), 2);
    EXPECT_LT(std::sqrt(r2), 1e-7) << "band " << a;
    for (int b = 0; b < nb; ++b) {
      double o = 0;
      for (int k = 0; k < n; ++k) o += Xh(k, a) * Xh(k, b);
      EXPECT_NEAR(o, a == b ? 1.0 : 0.0, 1e-12);
    }
  }
}

// Corrections multiplied by H in single precision (the SCF's iterations at band thresholds down to
// scf_control::single_precision_corrections_threshold): Davidson still converges to that threshold, and the
// bands are eigenvectors of the double-precision H to that residual.
TEST_F(HamiltonianTinyCell, DavidsonWithSinglePrecisionCorrectionsConvergesInDouble) {
  auto& s = tiny();
  const int n = s.n(), nb = 6;
  auto X = random_bands(s.basis, nb, 5);
  std::vector<double> eig;
  {  // first loosely, as an SCF's early iterations do, so that the tight solve starts from good bands
    Davidson davidson(n, nb);
    davidson.solve(s.H, X, eig, 1e-6, 300);
  }
  Davidson davidson(n, nb);
  davidson.set_single_precision_corrections(true);
  const double threshold = megabar::dft::scf_control::single_precision_corrections_threshold;
  const auto stats = davidson.solve(s.H, X, eig, threshold, 40);
  EXPECT_TRUE(stats.converged) << "max |r|^2 = " << stats.max_residual2;
  View2<double> HX("HX", n, nb);
  s.H.apply(X, nb, HX);  // double precision
  auto Xh = to_host(X), HXh = to_host(HX);
  for (int a = 0; a < nb; ++a) {
    double r2 = 0;
    for (int k = 0; k < n; ++k) r2 += std::pow(HXh(k, a) - eig[a] * Xh(k, a), 2);
    EXPECT_LT(r2, 10 * threshold) << "band " << a;
  }
}

// H X + beta Y with the local products in either precision: the accumulating form equals the plain one plus
// beta Y, and the single-precision one the double one to float rounding.
TEST_F(HamiltonianTinyCell, ApplyAccumulatesAndHonoursThePrecisionAsked) {
  auto& s = tiny();
  const int nb = 5;
  auto X = random_bands(s.basis, nb, 3), Y0 = random_bands(s.basis, nb, 4);
  View2<double> plain("plain", s.n(), nb), acc("acc", s.n(), nb), single("single", s.n(), nb);
  s.H.apply(X, nb, plain, false);
  Kokkos::deep_copy(acc, Y0);
  s.H.apply(X, nb, acc, false, 0.5);
  s.H.apply(X, nb, single, true);
  const HostMat p = to_host(plain), a = to_host(acc), f = to_host(single), y = to_host(Y0);
  double err_acc = 0, err_single = 0, scale = 0;
  for (int j = 0; j < nb; ++j)
    for (int k = 0; k < s.n(); ++k) {
      err_acc = std::max(err_acc, std::fabs(a(k, j) - (p(k, j) + 0.5 * y(k, j))));
      err_single = std::max(err_single, std::fabs(f(k, j) - p(k, j)));
      scale = std::max(scale, std::fabs(p(k, j)));
    }
  EXPECT_LT(err_acc, 1e-13 * scale);
  EXPECT_LT(err_single, 1e-5 * scale);
  EXPECT_GT(err_single, 1e-12 * scale);  // the single-precision path did run
  EXPECT_FALSE(s.H.single_precision());  // the per-call precision leaves the Hamiltonian's setting alone
}

// The FFT grids of H are cleared only in the wavefunction box's x planes when the previous products left the
// others zero (FFT3D::multiply_box); other uses of the grids (the other precision, whose grids share their
// memory, or the density) make the next products clear them whole. Every order gives the same products.
TEST_F(HamiltonianTinyCell, ProductsDoNotDependOnWhatTheGridsHeldBefore) {
  auto& s = tiny();
  ASSERT_LT(2 * s.basis.wfc_box()[0] + 1, s.basis.fft_grid()[0]);  // there are planes outside the box
  const int nb = 5;
  auto X = random_bands(s.basis, nb, 3);
  View1<double> occ("occ", nb), rho_r("rho", s.basis.grid_size());
  Kokkos::deep_copy(occ, 2.0);
  auto apply = [&](bool single) {
    View2<double> Y("Y", s.n(), nb);
    s.H.apply(X, nb, Y, single);
    return to_host(Y);
  };
  auto same = [&](const HostMat& a, const HostMat& b) {
    for (int j = 0; j < nb; ++j)
      for (int k = 0; k < s.n(); ++k)
        if (a(k, j) != b(k, j)) return false;
    return true;
  };
  compute_density(s.H, X, occ, nb, rho_r);  // grids left full of band products
  const HostMat single = apply(true), dbl = apply(false);
  EXPECT_TRUE(same(apply(true), single));  // after double products
  EXPECT_TRUE(same(apply(true), single));  // after single ones: only the box planes cleared
  EXPECT_TRUE(same(apply(false), dbl));    // after single ones
  EXPECT_TRUE(same(apply(false), dbl));    // after double ones
  compute_density(s.H, X, occ, nb, rho_r);
  EXPECT_TRUE(same(apply(true), single));
  compute_density(s.H, X, occ, nb, rho_r, true);
  EXPECT_TRUE(same(apply(false), dbl));
}

// The Kohn-Sham energy of bands X with occupations occ (no Ewald), and its pieces.
struct KsEnergy {
  System& s;
  XcTerm xc;
  int nb;
  View1<double> occ;
  KsEnergy(System& sys, const std::string& functional, int nbands)
      : s(sys), xc(functional, sys.fields), nb(nbands), occ("occ", nbands) {
    auto oh = Kokkos::create_mirror_view(occ);
    for (int b = 0; b < nb; ++b) oh(b) = b == nb - 1 ? 1.0 : 2.0;  // includes a fractional occupation
    Kokkos::deep_copy(occ, oh);
  }
  // Density (grid and sphere) of X.
  void density(const View2<double>& X, View1<double> rho_r, View1<complex> rho_G) const {
    compute_density(s.H, X, occ, nb, rho_r);
    s.fields.to_sphere(rho_r, rho_G);
  }
  double total(const View2<double>& X) const {
    const long N = s.basis.grid_size();
    View1<double> rho_r("rho_r", N), v("v", N);
    View1<complex> rho_G("rho_G", s.basis.dense().count);
    density(X, rho_r, rho_G);
    return kinetic::energy(s.basis, X, occ, nb) + s.nonlocal.energy(X, occ, nb) +
           local::energy(s.basis, s.v_loc_G, rho_G) + hartree::energy(s.basis, rho_G) + xc.compute(rho_r, rho_G, v);
  }
};

TEST_F(HamiltonianTinyCell, OneElectronEnergiesAreExpectationValuesOfTheOperators) {
  auto& s = tiny();
  const int nb = 5;
  KsEnergy ks(s, "PBE", nb);
  auto X = random_bands(s.basis, nb, 9);
  const long N = s.basis.grid_size();
  View1<double> rho_r("rho_r", N);
  View1<complex> rho_G("rho_G", s.basis.dense().count);
  ks.density(X, rho_r, rho_G);
  // Charge: Omega rho(G = 0) = sum_n f_n for orthonormal bands.
  auto rG = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rho_G);
  EXPECT_NEAR(rG(s.basis.dense_g0()).real() * s.basis.cell().volume, 2.0 * (nb - 1) + 1.0, 1e-12);

  const double e_one = kinetic::energy(s.basis, X, ks.occ, nb) + s.nonlocal.energy(X, ks.occ, nb) +
                       local::energy(s.basis, s.v_loc_G, rho_G);
  View2<double> HX("HX", s.n(), nb);
  s.H.apply(X, nb, HX);  // H has V_eff = V_loc
  auto Xh = to_host(X), HXh = to_host(HX);
  auto oh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ks.occ);
  double expect = 0;
  for (int b = 0; b < nb; ++b)
    for (int k = 0; k < s.n(); ++k) expect += oh(b) * Xh(k, b) * HXh(k, b);
  EXPECT_NEAR(e_one, expect, 1e-11 * std::fabs(expect));
  // And the local part alone equals int V_loc rho on the grid.
  auto rr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rho_r);
  auto vr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.v_loc_r);
  double grid_sum = 0;
  for (long i = 0; i < N; ++i) grid_sum += rr(i) * vr(i);
  grid_sum *= s.basis.cell().volume / double(N);
  EXPECT_NEAR(local::energy(s.basis, s.v_loc_G, rho_G), grid_sum, 1e-11 * std::fabs(grid_sum));
}

// Free functions for the device loops (CUDA lambdas may not sit in lambdas or private TestBody()).
void sum_potentials(const View1<double>& a, const View1<double>& b, const View1<double>& c, View1<double> out) {
  Kokkos::parallel_for(
      "test::hamiltonian::v_eff", megabar::kernels::RangePolicy(0, out.extent(0)),
      KOKKOS_LAMBDA(long i) { out(i) = a(i) + b(i) + c(i); });
}

View2<double> bands_axpy(const View2<double>& X, double t, const View2<double>& D) {
  View2<double> out("Xt", X.extent(0), X.extent(1));
  Kokkos::parallel_for(
      "test::hamiltonian::axpy",
      Kokkos::MDRangePolicy<megabar::kernels::ExecSpace, Kokkos::Rank<2>>({0, 0},
                                                                          {long(X.extent(0)), long(X.extent(1))}),
      KOKKOS_LAMBDA(long k, long b) { out(k, b) = X(k, b) + t * D(k, b); });
  return out;
}

// dE/dt along X + t D equals sum_n 2 f_n D_n^T H[rho] X_n with V_eff = V_loc + V_H + V_xc.
void check_gradient(System& s, const std::string& functional) {
  const int nb = 5, n = s.n();
  KsEnergy ks(s, functional, nb);
  auto X = random_bands(s.basis, nb, 21);
  auto D = random_bands(s.basis, nb, 22);
  const long N = s.basis.grid_size();
  const int nG = s.basis.dense().count;
  View1<double> rho_r("rho_r", N), v_h_r("v_h_r", N), v_xc_r("v_xc_r", N), v_eff("v_eff", N);
  View1<complex> rho_G("rho_G", nG), v_h_G("v_h_G", nG);
  ks.density(X, rho_r, rho_G);
  hartree::potential(s.basis, rho_G, v_h_G);
  s.fields.to_real(v_h_G, v_h_r);
  ks.xc.compute(rho_r, rho_G, v_xc_r);
  sum_potentials(s.v_loc_r, v_h_r, v_xc_r, v_eff);
  Hamiltonian H(s.basis, s.nonlocal, 4);
  H.set_potential(v_eff);
  View2<double> HX("HX", n, nb);
  H.apply(X, nb, HX);
  auto Dh = to_host(D), HXh = to_host(HX);
  auto oh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ks.occ);
  double analytic = 0;
  for (int b = 0; b < nb; ++b)
    for (int k = 0; k < n; ++k) analytic += 2 * oh(b) * Dh(k, b) * HXh(k, b);

  auto energy_at = [&](double t) { return ks.total(bands_axpy(X, t, D)); };
  const double h = 1e-4;
  const double fd = (8 * (energy_at(h) - energy_at(-h)) - (energy_at(2 * h) - energy_at(-2 * h))) / (12 * h);
  EXPECT_NEAR(fd, analytic, 1e-6 * std::fabs(analytic)) << functional;
  EXPECT_GT(std::fabs(analytic), 1e-2) << functional;
}

TEST_F(HamiltonianTinyCell, HPsiIsTheGradientOfTheEnergyPbe) { check_gradient(tiny(), "PBE"); }
TEST_F(HamiltonianTinyCell, HPsiIsTheGradientOfTheEnergyLda) { check_gradient(tiny(), "LDA"); }

// The single-precision local products (early SCF iterations, ScfOptions::mixed_precision) agree with the
// double ones to float rounding, relative to the size of V psi.
TEST_F(HamiltonianTinyCell, SinglePrecisionLocalProductsMatchDoubleOnes) {
  auto& s = tiny();
  const int nb = 7;  // an odd count: the last grid pairs a band with zero
  auto X = random_bands(s.basis, nb, 5);
  View2<double> Yd("Yd", s.n(), nb), Ys("Ys", s.n(), nb);
  s.H.apply_local(X, nb, Yd);
  s.H.set_single_precision(true);
  s.H.apply_local(X, nb, Ys);
  s.H.set_single_precision(false);
  const HostMat d = to_host(Yd), f = to_host(Ys);
  double err = 0, scale = 0;
  for (int j = 0; j < nb; ++j)
    for (int k = 0; k < s.n(); ++k) {
      err = std::max(err, std::fabs(f(k, j) - d(k, j)));
      scale = std::max(scale, std::fabs(d(k, j)));
    }
  EXPECT_LT(err, 1e-5 * scale);
  EXPECT_GT(err, 1e-12 * scale);  // the single-precision path did run
}

}  // namespace
