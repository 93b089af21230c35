// Block Davidson eigensolver for the lowest nb eigenpairs of the (real symmetric) Gamma-point
// Hamiltonian, in the spirit of Davidson (J. Comput. Phys. 17, 87 (1975)) and QE's regterg:
//   subspace V (orthonormal starting bands, then unit-norm corrections) and HV;
//   Rayleigh-Ritz  V^T H V c = lambda V^T V c  (generalised: the corrections are not orthogonalised);
//   residuals r = H x - lambda x;  correction t = r / precond(diag(H) - lambda), normalised and appended;
//   restart from the current Ritz vectors when the subspace is full, or when its overlap matrix is not
//   numerically positive definite (nearly dependent corrections).
// A band counts as converged when |r|^2 < threshold (the first-order estimate of its eigenvalue error);
// bands from index n_strict on (empty buffer bands) are corrected while the others still need iterations
// (until max(threshold, scf_control::davidson_buffer_threshold_floor), dft/scf_control.hpp) but never keep
// the solver iterating by themselves.
#pragma once
#include <vector>

#include "dft/hamiltonian.hpp"

namespace megabar::dft {

struct DavidsonStats {
  int iterations = 0;
  long h_applications = 0;  // number of single-band H applications
  bool converged = false;
  double max_residual2 = 0;
};

class Davidson {
 public:
  Davidson(int n, int nb, int subspace_factor = 3);
  // Products of H with the correction vectors in single precision (default off); the starting bands' products
  // keep the Hamiltonian's precision. The corrections enter the Ritz vectors with weights of the order of the
  // residual, but float rounding still sets a floor on the reachable |r|^2 (measured in dft/scf_control.hpp,
  // single_precision_corrections_threshold): use it only for thresholds above that.
  void set_single_precision_corrections(bool on) { single_corrections_ = on; }
  // Improves the first nb columns of X (orthonormalised on entry) in place and writes eigenvalues.
  DavidsonStats solve(const Hamiltonian& H, View2<double> X, std::vector<double>& eigenvalues, double threshold,
                      int max_iterations, int n_strict = -1);

 private:
  int n_, nb_, max_sub_;
  bool single_corrections_ = false;
  View2<double> V_, HV_, R_, Hsub_, Csub_, Ssub_, Bsub_;
};

// Orthonormalises the columns [first, first+count) of V in place (they must already be orthogonal to
// columns [0, first)); columns that are numerically dependent are dropped. Returns the number kept,
// which are moved to [first, first+kept).
int orthonormalize_block(View2<double> V, int first, int count, double drop_tol = 1e-10);

}  // namespace megabar::dft
