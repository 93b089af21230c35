// Pseudo-atomic orbitals (dft/atomic_orbitals.hpp):
//  - the hydrogen-like limit: a GTH potential with a tiny r_loc, no C_i, no projectors and no Hartree/xc
//    is -Z/r, whose eigenvalues are -Z^2/(2 n^2) and whose radial functions are hydrogenic;
//  - the analytic form factor F_l(q) = int r^2 j_l(qr) R_l(r) dr against radial quadrature;
//  - the GTH B and O pseudo-atoms (GTH-PBE, GTH-PADE): eigenvalues and total energies against CP2K's ATOM
//    code (tests/regression/cp2k-atom/), normalised valence orbitals without nodes outside the core.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/units.hpp"
#include "dft/atomic_orbitals.hpp"
#include "dft/atomic_radial.hpp"
#include "dft/gth.hpp"

namespace {

using namespace megabar::dft;
using megabar::units::pi;

GthPseudopotential coulomb(double z) {
  GthPseudopotential pp;
  pp.element = "X";
  pp.name = "coulomb";
  pp.zion = z;
  pp.rloc = 2e-5;  // -Z/r erf(r/(sqrt2 r_loc)): shifts 1s by 2 Z^4 r_loc^2 < 1e-7 Ha for Z <= 3
  return pp;
}

double integrate_r2(const std::function<double(double)>& f) {  // int_0^60 f(r) r^2 dr on a log grid
  const auto grid = atomic_radial::make_grid(1e-8, 80.0, 0.005);
  double s = 0;
  for (std::size_t i = 0; i < grid.size(); ++i) s += grid.w[i] * grid.r[i] * grid.r[i] * f(grid.r[i]);
  return s;
}

TEST(PseudoAtom, HydrogenLikeLimitGivesCoulombLevelsAndOrbitals) {
  for (double z : {1.0, 3.0}) {
    AtomOptions opt;
    opt.interacting = false;
    opt.configuration = {{0, 0, 1.0}};
    opt.states_per_l = 2;
    opt.lmax = 2;
    opt.a_min = 0.002;  // n = 3 states reach ~60 bohr for Z = 1
    opt.a_max = 2e6;    // the cusp of 1s
    const auto atom = solve_pseudo_atom(coulomb(z), opt);
    const double e1 = -z * z / 2, e2 = -z * z / 8, e3 = -z * z / 18;
    SCOPED_TRACE("Z = " + std::to_string(z));
    EXPECT_NEAR(atom.states[0][0].eigenvalue, e1, 1e-6 * z * z);  // 1s
    EXPECT_NEAR(atom.states[0][1].eigenvalue, e2, 1e-6 * z * z);  // 2s
    EXPECT_NEAR(atom.states[1][0].eigenvalue, e2, 1e-8 * z * z);  // 2p
    EXPECT_NEAR(atom.states[1][1].eigenvalue, e3, 1e-8 * z * z);  // 3p
    EXPECT_NEAR(atom.states[2][0].eigenvalue, e3, 1e-8 * z * z);  // 3d
    // Hydrogenic radial functions (sign: the largest lobe of r R positive, so 2s is negative near 0).
    const auto r1s = [z](double r) { return 2 * std::pow(z, 1.5) * std::exp(-z * r); };
    const auto r2s = [z](double r) {
      return std::pow(z, 1.5) / (2 * std::sqrt(2.0)) * (z * r - 2) * std::exp(-z * r / 2);
    };
    const auto r2p = [z](double r) { return std::pow(z, 1.5) / (2 * std::sqrt(6.0)) * z * r * std::exp(-z * r / 2); };
    double max1s = 0, max2s = 0, max2p = 0;
    for (double r = 0.05 / z; r < 20 / z; r += 0.01 / z) {
      max1s = std::max(max1s, std::fabs(atom.states[0][0].value(r) - r1s(r)) / std::pow(z, 1.5));
      max2s = std::max(max2s, std::fabs(atom.states[0][1].value(r) - r2s(r)) / std::pow(z, 1.5));
      max2p = std::max(max2p, std::fabs(atom.states[1][0].value(r) - r2p(r)) / std::pow(z, 1.5));
    }
    EXPECT_LT(max1s, 1e-5);
    EXPECT_LT(max2s, 1e-5);
    EXPECT_LT(max2p, 1e-6);
    // Overlaps with the exact functions (L2 error).
    EXPECT_NEAR(integrate_r2([&](double r) { return atom.states[0][0].value(r) * r1s(r); }), 1.0, 1e-7);
    EXPECT_NEAR(integrate_r2([&](double r) { return atom.states[1][0].value(r) * r2p(r); }), 1.0, 1e-10);
    std::printf("Z=%g: 1s %.10f 2s %.10f 2p %.10f 3p %.10f 3d %.10f; max|dR| 1s %.2e 2s %.2e 2p %.2e\n", z,
                atom.states[0][0].eigenvalue, atom.states[0][1].eigenvalue, atom.states[1][0].eigenvalue,
                atom.states[1][1].eigenvalue, atom.states[2][0].eigenvalue, max1s, max2s, max2p);
  }
}

TEST(PseudoAtom, StandardConfigurationsAndTheirLimits) {
  GthPseudopotential pp;
  pp.element = "X";
  pp.name = "test";
  pp.source = "none";
  const std::vector<std::pair<double, std::vector<double>>> cases{
      {1, {1}}, {2, {2}}, {3, {2, 1}}, {6, {2, 4}}, {8, {2, 6}}};
  for (const auto& [z, occ] : cases) {
    pp.zion = z;
    const auto c = standard_configuration(pp);
    ASSERT_EQ(c.size(), occ.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
      EXPECT_EQ(c[i].l, static_cast<int>(i));
      EXPECT_EQ(c[i].index, 0);
      EXPECT_DOUBLE_EQ(c[i].occupation, occ[i]);
    }
  }
  pp.zion = 12;  // e.g. a semicore transition metal: must be given explicitly
  EXPECT_THROW(standard_configuration(pp), std::invalid_argument);
}

TEST(PseudoAtom, FormFactorMatchesRadialQuadrature) {
  const auto o = read_gth(std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/O-GTH-PBE.gth", "O");
  const auto atom = solve_pseudo_atom(o);
  for (const auto& orb : atom.valence) {
    for (double q : {0.0, 0.3, 1.0, 2.5, 6.0}) {
      const double numeric = integrate_r2([&](double r) {
        const double x = q * r;
        const double jl = orb.l == 0 ? (x < 1e-8 ? 1.0 : std::sin(x) / x)
                                     : (x < 1e-4 ? x / 3.0 : (std::sin(x) / (x * x) - std::cos(x) / x));
        return jl * orb.value(r);
      });
      EXPECT_NEAR(orb.form_factor(q), numeric, 1e-9) << orb.label() << " q = " << q;
    }
  }
}

TEST(PseudoAtom, MatchesCp2kAtomReference) {
  std::ifstream in(std::string(MEGABAR_SOURCE_DIR) + "/tests/regression/cp2k-atom/reference.json");
  ASSERT_TRUE(in.good());
  const auto ref = nlohmann::json::parse(in);
  const double tol_eps = ref["tolerances_Ha"]["eigenvalue"], tol_e = ref["tolerances_Ha"]["total_energy"];
  for (const auto& [key, r] : ref["atoms"].items()) {
    const std::string el = r["element"], xc = r["xc"];
    const auto pp = read_gth(std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/GTH_POTENTIALS_B_O", el,
                             r["potential"].get<std::string>());
    AtomOptions opt;
    opt.xc = xc;
    const auto atom = solve_pseudo_atom(pp, opt);
    ASSERT_EQ(atom.valence.size(), 2u);
    EXPECT_EQ(atom.valence[0].label(), "s");
    EXPECT_EQ(atom.valence[1].label(), "p");
    EXPECT_NEAR(atom.valence[0].eigenvalue, r["eigenvalue_s"].get<double>(), tol_eps) << key;
    EXPECT_NEAR(atom.valence[1].eigenvalue, r["eigenvalue_p"].get<double>(), tol_eps) << key;
    EXPECT_NEAR(atom.total_energy, r["total_energy"].get<double>(), tol_e) << key;
    for (const auto& orb : atom.valence) {
      EXPECT_NEAR(integrate_r2([&](double x) { return orb.value(x) * orb.value(x); }), 1.0, 1e-9);
      // nodeless beyond the core region (B's 2s pseudo-orbital is ~0 and changes sign at r ~ 0.01 bohr)
      for (double x = 0.05; x < 8; x += 0.01) ASSERT_GT(orb.value(x), 0.0) << key << " l=" << orb.l << " r=" << x;
    }
    std::printf("%s: eps_s %.8f Ha eps_p %.8f Ha, E %.8f Ha, %d iterations\n", key.c_str(), atom.valence[0].eigenvalue,
                atom.valence[1].eigenvalue, atom.total_energy, atom.iterations);
  }
}

}  // namespace
