// Pulay (DIIS) density mixing in Anderson's difference form, with a Kerker preconditioner (Pulay, Chem. Phys.
// Lett. 73, 393 (1980); Anderson, J. ACM 12, 547 (1965); Kresse & Furthmueller, PRB 54, 11169 (1996), sec. V).
//   residual F = rho_out - rho_in ;  pairs (d rho_j, d F_j) = differences of successive (rho_in, F)
//   gamma = argmin |F - sum_j gamma_j dF_j|^2
//   rho_in_next = rho_in + beta K F - sum_j gamma_j (d rho_j + beta K dF_j),   K(G) = G^2 / (G^2 + q0^2)
// Within one SCF this is the classic Pulay step (the minimiser of |sum_i alpha_i F_i| over sum_i alpha_i = 1).
// The pairs only sample the inverse dielectric response dF = (J - 1) d rho, which changes little when the
// atoms move a little, so an SCF of the next MD step may start with the previous step's pairs
// (history()/seed()): its first mix is then already a quasi-Newton step rather than a plain linear one.
// The norm is the Hartree metric <a|b> = (Omega/2) sum_{G != 0} 4 pi conj(a(G)) b(G) / G^2, which is
// also the estimate of the energy error (QE's dr2).
#pragma once
#include <deque>
#include <vector>

#include "dft/basis.hpp"

namespace megabar::dft {

// Difference pairs of an earlier SCF, oldest first (sphere coefficients of one plane-wave set).
struct MixingHistory {
  std::vector<View1<complex>> d_rho, d_res;
  int size() const { return static_cast<int>(d_rho.size()); }
};

class PulayMixer {
 public:
  // history: the number of difference pairs kept (the classic Pulay history of history + 1 densities).
  PulayMixer(const Basis& basis, double beta, int history, double kerker_q0);
  // rho_in: on entry the input density of this iteration, on return the next input density.
  void mix(View1<complex> rho_in, const View1<complex>& rho_out);
  // |F - sum_j gamma_j dF_j|^2 of the last mix (Hartree metric, Ha): the residual the next iteration would
  // have if the response were linear; |F|^2 when there were no pairs.
  double predicted_residual2() const { return predicted_; }
  // Records the pair of a last iteration that is not mixed (the SCF converged), so that history() has it.
  void record(const View1<complex>& rho_in, const View1<complex>& rho_out);
  // Hartree-metric inner product of two sphere fields.
  double metric(const View1<complex>& a, const View1<complex>& b) const;
  void reset();

  // The pairs kept now (copies are not made: the views are the mixer's, which never writes to them again).
  MixingHistory history() const;
  // Starts from the pairs of an earlier SCF (those that do not fit this sphere are ignored). The next
  // iteration's residual is not differenced against the earlier SCF's last one (another geometry).
  void seed(const MixingHistory& h);

 private:
  // Residual of this iteration; pushes the difference pair against the previous iteration's.
  View1<complex> push(const View1<complex>& rho_in, const View1<complex>& rho_out);

  const Basis& basis_;
  double beta_, q0_;
  int history_;
  double predicted_ = 0;
  std::deque<View1<complex>> d_rho_, d_res_;  // oldest first
  View1<complex> last_rho_, last_res_;        // previous iteration of this SCF (empty at its start)
};

}  // namespace megabar::dft
