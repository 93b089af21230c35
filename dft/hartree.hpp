// Hartree term (DFTK's terms/hartree.jl has the same structure; Martin, Electronic Structure, ch. 12):
//   V_H(G) = 4 pi rho(G) / |G|^2 (G != 0; the G = 0 term cancels against the ionic background and
//   the Ewald and alpha-Z terms),   E_H = (Omega/2) sum_{G != 0} 4 pi |rho(G)|^2 / |G|^2.
#pragma once
#include "dft/basis.hpp"
#include "dft/fields.hpp"
#include "dft/term.hpp"

namespace megabar::dft::hartree {

// Fills v_G with the Hartree potential of rho_G (sphere coefficients) and returns E_H (Ha).
double potential(const Basis& basis, const View1<complex>& rho_G, View1<complex> v_G);

// E_H only.
double energy(const Basis& basis, const View1<complex>& rho_G);

// Stress (QE's sign): sigma_ab = delta_ab E_H/Omega - sum_{G != 0} 4 pi |rho(G)|^2 G_a G_b / G^4
// (Omega rho(G) is invariant under strain; 1/Omega and 1/G^2 carry the dependence).
Mat3 stress(const Basis& basis, const View1<complex>& rho_G);

}  // namespace megabar::dft::hartree

namespace megabar::dft {

// The Hartree term of run_scf's list; owns V_H on the sphere and on the grid.
class HartreeTerm : public Term {
 public:
  HartreeTerm(const Basis& basis, const FieldTransform& fields);
  std::string key() const override { return "hartree"; }
  double energy(const TermState& s) const override { return hartree::energy(basis_, s.rho_G); }
  bool add_potential(const TermState& s, View1<double> v_eff) override;
  Mat3 stress(const TermState& s) const override { return hartree::stress(basis_, s.rho_G); }

 private:
  const Basis& basis_;
  const FieldTransform& fields_;
  View1<complex> v_G_;
  View1<double> v_r_;
};

}  // namespace megabar::dft
