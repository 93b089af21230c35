// Kinetic term: T = -1/2 nabla^2, diagonal in plane waves: T c(G) = |G|^2/2 c(G).
//   E_kin = sum_n f_n sum_G |G|^2/2 |c_n(G)|^2  (in the scaled half-sphere vectors: sum_k T_k x_k^2).
#pragma once
#include "dft/basis.hpp"
#include "dft/term.hpp"

namespace megabar::dft::kinetic {

// Y(:, n) = beta * Y(:, n) + T X(:, n) for n < nb.
void apply(const Basis& basis, const View2<double>& X, int nb, View2<double> Y, double beta);

double energy(const Basis& basis, const View2<double>& X, const View1<double>& occ, int nb);

// Stress at a fixed set of plane waves (QE's sign, positive under compression):
//   sigma_ab = (1/Omega) sum_n f_n sum_G G_a G_b |c_n(G)|^2
Mat3 stress(const Basis& basis, const View2<double>& X, const View1<double>& occ, int nb);

}  // namespace megabar::dft::kinetic

namespace megabar::dft {

// The kinetic term of run_scf's list (it acts on the bands through Hamiltonian::apply: no potential).
class KineticTerm : public Term {
 public:
  explicit KineticTerm(const Basis& basis) : basis_(basis) {}
  std::string key() const override { return "kinetic"; }
  bool band_term() const override { return true; }
  double energy(const TermState& s) const override { return kinetic::energy(basis_, s.X, s.occ, s.nb); }
  Mat3 stress(const TermState& s) const override { return kinetic::stress(basis_, s.X, s.occ, s.nb); }

 private:
  const Basis& basis_;
};

}  // namespace megabar::dft
