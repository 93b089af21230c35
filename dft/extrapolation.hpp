// Wavefunction extrapolation between MD steps: the always stable predictor-corrector (ASPC) predictor of
// Kolafa (J. Comput. Chem. 25, 335 (2004)) applied, as in CP2K, to the occupied subspace rather than to
// the coefficients themselves (which carry an arbitrary rotation from one SCF to the next):
//
//   X_pred = sum_{j=1..m} B_j  X_{t-j} (X_{t-j}^T X_{t-1}),   m = min(history, order + 2),
//   B_j = (-1)^{j+1} j C(2m, m-j) / C(2m-2, m-1),
//
// i.e. each past density matrix P_{t-j} = X_{t-j} X_{t-j}^T applied to the latest bands. The predicted
// occupied bands are then orthonormalised (Cholesky); the empty (buffer) bands are taken from the last
// step and orthogonalised to them. The SCF starts from these bands and the density they give, so a
// converged step needs few iterations. With full SCF convergence (Born-Oppenheimer MD) the corrector is
// not needed; order 0 is linear extrapolation, m = 1 simply reuses the last bands.
#pragma once
#include <vector>

#include "dft/basis.hpp"

namespace megabar::dft {

// B_j, j = 1..m (index j-1), for m stored steps.
std::vector<double> aspc_coefficients(int m);

class WavefunctionExtrapolator {
 public:
  explicit WavefunctionExtrapolator(int order = 3) : order_(order) {}
  int order() const { return order_; }
  int depth() const { return order_ + 2; }
  int size() const { return static_cast<int>(history_.size()); }
  void clear() { history_.clear(); }

  // Stores a copy of converged bands (n_real x nb), keeping the newest depth() sets.
  void push(const View2<double>& X);
  // Predicted bands (n_real x nb, orthonormal), from the stored history; size() must be >= 1. The first
  // n_occupied columns span the extrapolated occupied subspace.
  View2<double> predict(int n_occupied) const;

  // Newest first (history()[0] is X_{t-1}); for checkpoints.
  const std::vector<View2<double>>& history() const { return history_; }
  void set_history(std::vector<View2<double>> newest_first) { history_ = std::move(newest_first); }

 private:
  int order_;
  std::vector<View2<double>> history_;  // newest first
};

// Orthonormalises the columns of X in place by Cholesky (X <- X U^{-1}, X^T X = U^T U); the span of
// every leading block of columns is kept. Throws if the columns are linearly dependent.
void orthonormalize(View2<double> X);

}  // namespace megabar::dft
