// DFT behind the md::ForceProvider seam: one SCF per structure with the input's pseudopotentials and
// settings, in a constant set of plane waves (and FFT grid) chosen for the first cell it sees, so that
// the energy is a smooth function of the cell and the analytic stress its exact derivative (as QE's
// vc-relax and variable-cell MD do; at a constant cutoff the basis would change discontinuously).
//
// How one SCF starts from the previous ones:
//  - relaxations (extrapolation_order < 0): from the last bands and density;
//  - MD (extrapolation_order >= -1; -1 reuses the last bands): from the ASPC-extrapolated occupied subspace (dft/extrapolation.hpp)
//    and its density. The history is part of the saved state, so a restarted run continues exactly.
#pragma once
#include <functional>
#include <memory>

#include "app/input.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/extrapolation.hpp"
#include "dft/scf.hpp"
#include "md/force_provider.hpp"

namespace megabar::app {

class DftForceProvider : public md::ForceProvider {
 public:
  DftForceProvider(const RunInput& in, const dft::Atoms& atoms, bool compute_stress, int extrapolation_order = -1);

  md::ForceResult compute(const core::Structure& s) override;
  void save_state(md::StateArrays& out) const override;
  void restore_state(const md::StateArrays& in) override;
  int last_iterations() const override { return last_.iterations; }
  bool has_restored_result() const override { return restored_result_; }

  const dft::ScfResult& last() const { return last_; }
  const dft::Basis& basis() const { return *basis_; }
  bool has_basis() const { return static_cast<bool>(basis_); }
  // The next structure starts a new plane-wave set (cutoff sphere of its own cell) and a fresh SCF.
  void reset_basis();
  // Per-iteration SCF log of the next computations (none by default).
  void set_scf_logger(dft::ScfLogger log) { scf_log_ = std::move(log); }
  // Polled by the first SCF of this provider (a new run's start, which may be long and has nothing to save
  // yet): a stop request ends it unconverged. Later SCFs (steps) always finish, so a checkpoint is consistent.
  void set_first_scf_stop_request(std::function<bool()> stop) { first_scf_stop_ = std::move(stop); }

 private:
  const RunInput& in_;
  dft::Atoms atoms_;
  bool stress_;
  std::unique_ptr<dft::Basis> reference_, basis_;
  dft::ScfResult last_;
  bool have_state_ = false;
  bool restored_result_ = false;  // last_ (and basis_) from a checkpoint, not yet recomputed
  std::unique_ptr<dft::WavefunctionExtrapolator> extrapolator_;
  dft::ScfLogger scf_log_;
  std::function<bool()> first_scf_stop_;
  void make_reference(const core::Cell& cell);
};

}  // namespace megabar::app
