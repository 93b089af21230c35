// Pulay (DIIS) density mixing with a Kerker preconditioner (Pulay, Chem. Phys. Lett. 73, 393 (1980);
// Kresse & Furthmueller, PRB 54, 11169 (1996), sec. V).
//   residual F_i = rho_out_i - rho_in_i ;  alpha = argmin |sum_i alpha_i F_i|^2, sum_i alpha_i = 1
//   rho_in_next = sum_i alpha_i rho_in_i + beta K(G) sum_i alpha_i F_i,   K(G) = G^2 / (G^2 + q0^2)
// The norm is the Hartree metric <a|b> = (Omega/2) sum_{G != 0} 4 pi conj(a(G)) b(G) / G^2, which is
// also the estimate of the energy error (QE's dr2).
#pragma once
#include <deque>

#include "dft/basis.hpp"

namespace megabar::dft {

class PulayMixer {
 public:
  PulayMixer(const Basis& basis, double beta, int history, double kerker_q0);
  // rho_in: on entry the input density of this iteration, on return the next input density.
  void mix(View1<complex> rho_in, const View1<complex>& rho_out);
  // Hartree-metric inner product of two sphere fields.
  double metric(const View1<complex>& a, const View1<complex>& b) const;
  void reset() { rho_hist_.clear(), res_hist_.clear(); }

 private:
  const Basis& basis_;
  double beta_, q0_;
  int history_;
  std::deque<View1<complex>> rho_hist_, res_hist_;
};

}  // namespace megabar::dft
