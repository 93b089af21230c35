// The narrow seam between md/ and whatever computes energies: a structure in, energy, forces and stress
// out (Hartree atomic units; stress with QE's sign, positive under compression). Integrators and
// optimisers see nothing else, so they are tested against analytic providers in milliseconds.
#pragma once
#include <vector>

#include "core/structure.hpp"
#include "md/state_arrays.hpp"

namespace megabar::md {

using core::Mat3;
using core::Structure;
using core::Vec3;

struct ForceResult {
  double energy = 0;         // Ha
  std::vector<Vec3> forces;  // Ha/bohr, input order
  Mat3 stress{};             // Ha/bohr^3, QE's sign: -(1/Omega) dE/d eps
  bool converged = true;     // false when the provider could not converge (e.g. SCF)
};

class ForceProvider {
 public:
  virtual ~ForceProvider() = default;
  virtual ForceResult compute(const Structure& structure) = 0;
  // Whatever the provider carries from one call to the next that changes its results (e.g. the SCF's
  // wavefunction extrapolation history), so that a restarted MD run continues exactly. Stateless
  // providers keep the defaults.
  virtual void save_state(StateArrays& /*out*/) const {}
  virtual void restore_state(const StateArrays& /*in*/) {}
  // Iterations of the last compute() (SCF iterations; 0 for analytic providers).
  virtual int last_iterations() const { return 0; }
  // Whether restore_state() brought back the full result of the last compute(), so that a restart at the
  // run's last step can report it as it was (bit for bit) instead of computing it again.
  virtual bool has_restored_result() const { return false; }
};

}  // namespace megabar::md
