// Wavefunction extrapolation between MD steps: the always stable predictor-corrector (ASPC) predictor of
// Kolafa (J. Comput. Chem. 25, 335 (2004)) applied, as in CP2K, to the occupied subspace rather than to
// the coefficients themselves (which carry an arbitrary rotation from one SCF to the next):
//
//   X_pred = sum_{j=1..m} B_j  X_{t-j} (X_{t-j}^T X_{t-1}),   m = min(history, order + 2),
//   B_j = (-1)^{j+1} j C(2m, m-j) / C(2m-2, m-1),   sum_j B_j = 1,
//
// i.e. each past density matrix P_{t-j} = X_{t-j} X_{t-j}^T applied to the latest bands. The predicted
// occupied bands are then orthonormalised (Cholesky); the empty (buffer) bands are taken from the last
// step and orthogonalised to them. The densities (sphere coefficients) stored with the bands are combined
// with the same coefficients. When each stored density comes with the superposition of atomic densities of
// its step (dft/atomic_density.hpp) and the new step's is given, only the difference is extrapolated:
//
//   rho_pred = rho_at(R_t) + sum_j B_j [rho_{t-j} - rho_at(R_{t-j})],
//
// so the density that moves rigidly with the atoms is placed where they now are (QE's "atomic" and
// "second order" extrapolations). This also gives a first step (m = 1) a density prediction:
// rho_{t-1} - rho_at(R_{t-1}) + rho_at(R_t). Without atomic densities, rho_pred = sum_j B_j rho_{t-j} for m >= 2.
// The SCF starts from these bands and this density (30-atom B2O3 MD at 80 Ry, 1500 K: first residuals 1.5-2
// times lower than those of the predicted bands' own density; with the atomic densities another 3-4 times
// lower, 4 times at the first step), so a converged step needs few iterations. With full SCF convergence
// (Born-Oppenheimer MD) the corrector is not needed; order 0 is linear extrapolation, m = 1 simply reuses
// the last bands.
#pragma once
#include <algorithm>
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

  // Stores a copy of converged bands (n_real x nb) and, if given (not empty), of their density and of the
  // atomic density of the same positions (sphere coefficients), keeping the newest depth() sets.
  void push(const View2<double>& X, const View1<complex>& rho_G = View1<complex>(),
            const View1<complex>& rho_atomic_G = View1<complex>());
  // Predicted bands (n_real x nb, orthonormal), from the stored history; size() must be >= 1. The first
  // n_occupied columns span the extrapolated occupied subspace.
  View2<double> predict(int n_occupied) const;
  // The predicted density, from the same m stored sets. With rho_atomic_G (the atomic density of the new
  // positions) and every stored set's atomic density: the atomic form above, for m >= 1. Else the plain
  // combination, for m >= 2. Empty otherwise, or when a stored set lacks its density (then the density of
  // the predicted bands is the start).
  View1<complex> predict_density(const View1<complex>& rho_atomic_G = View1<complex>()) const;

  // Newest first (history()[0] is X_{t-1}); for checkpoints. densities() and atomic_densities() have the same
  // length, with empty entries for sets stored without one.
  const std::vector<View2<double>>& history() const { return history_; }
  const std::vector<View1<complex>>& densities() const { return densities_; }
  const std::vector<View1<complex>>& atomic_densities() const { return atomic_; }
  void set_history(std::vector<View2<double>> newest_first, std::vector<View1<complex>> densities = {},
                   std::vector<View1<complex>> atomic_densities = {});

 private:
  int order_;
  std::vector<View2<double>> history_;     // newest first
  std::vector<View1<complex>> densities_;  // with history_; empty Views where unknown
  std::vector<View1<complex>> atomic_;     // the atomic densities of the same steps; empty Views where unknown
  int used() const { return std::min(size(), depth()); }
};

// Orthonormalises the columns of X in place by Cholesky (X <- X U^{-1}, X^T X = U^T U); the span of
// every leading block of columns is kept. Throws if the columns are linearly dependent.
void orthonormalize(View2<double> X);

}  // namespace megabar::dft
