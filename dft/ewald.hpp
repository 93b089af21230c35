// Ion-ion energy by Ewald summation (point charges Z_i in a neutralising background), e.g. Martin,
// Electronic Structure, appendix F:
//   E = 1/2 sum_{i,j,L}' Z_i Z_j erfc(eta |r_ij + L|) / |r_ij + L|
//     + (2 pi / Omega) sum_{G != 0} exp(-G^2 / 4 eta^2) / G^2 |sum_i Z_i exp(i G.r_i)|^2
//     - eta / sqrt(pi) sum_i Z_i^2 - pi (sum_i Z_i)^2 / (2 Omega eta^2)
// The result does not depend on eta; both sums are cut where their terms fall below 1e-20 relative.
#pragma once
#include <vector>

#include "core/structure.hpp"
#include "dft/term.hpp"

namespace megabar::dft::ewald {

using core::Cell;
using core::Mat3;
using core::Structure;
using core::Vec3;

// Energy, forces and stress from one pass: one real-space loop over pairs and images around the pair
// function phi(r) = erfc(eta r)/r (and phi'), and one reciprocal-space loop over G (ewald.cpp).
struct Result {
  double energy = 0;
  std::vector<Vec3> forces;
  Mat3 stress{};
};
Result evaluate(const Structure& structure, const std::vector<double>& charges);
Result evaluate(const Structure& structure, const std::vector<double>& charges, double eta);

double energy(const Structure& structure, const std::vector<double>& charges);

// Same with a given splitting parameter eta (1/bohr); for tests of eta-independence.
double energy(const Structure& structure, const std::vector<double>& charges, double eta);

// Forces F_i = -dE/dr_i (natoms x 3, Ha/bohr, input order):
//   real space:  -sum_{j,L}' Z_i Z_j [erfc(eta r)/r^2 + 2 eta/sqrt(pi) exp(-eta^2 r^2)/r] d/r,  d = r_j - r_i + L
//   reciprocal:  (4 pi/Omega) Z_i sum_{G != 0} G exp(-G^2/4eta^2)/G^2 Im[exp(i G.r_i) conj(S(G))],
//                S(G) = sum_j Z_j exp(i G.r_j)
std::vector<Vec3> forces(const Structure& structure, const std::vector<double>& charges);
std::vector<Vec3> forces(const Structure& structure, const std::vector<double>& charges, double eta);

// Stress sigma_ab = -(1/Omega) dE/d eps_ab (QE's sign, positive under compression):
//   real space:  -(1/2 Omega) sum' Z_i Z_j phi'(r) d_a d_b / r,   phi(r) = erfc(eta r)/r
//   reciprocal:  E_G/Omega delta_ab - (4 pi/Omega^2) sum_G |S|^2 exp(-G^2/4eta^2)/G^2 (1/4eta^2 + 1/G^2) G_a G_b
//   background:  E_bg/Omega delta_ab
Mat3 stress(const Structure& structure, const std::vector<double>& charges);
Mat3 stress(const Structure& structure, const std::vector<double>& charges, double eta);

}  // namespace megabar::dft::ewald

namespace megabar::dft {

// The Ewald term of run_scf's list: the ionic charges Z_a and, from one evaluate() at construction, the
// energy, forces and stress of the fixed ions (they do not depend on the electrons).
class EwaldTerm : public Term {
 public:
  explicit EwaldTerm(const Atoms& atoms);
  std::string key() const override { return "ewald"; }
  double energy(const TermState&) const override { return result_.energy; }
  std::vector<Vec3> forces(const TermState&) const override { return result_.forces; }
  Mat3 stress(const TermState&) const override { return result_.stress; }
  const std::vector<double>& charges() const { return charges_; }

 private:
  std::vector<double> charges_;
  ewald::Result result_;
};

}  // namespace megabar::dft
