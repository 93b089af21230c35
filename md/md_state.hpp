// Everything an MD run carries from one step to the next, and its exact round trip through
// StateArrays (the checkpoint's bag of numbers): every double bit for bit, the RNG, the counters.
#pragma once
#include <string>
#include <vector>

#include "md/force_provider.hpp"
#include "md/rng.hpp"
#include "md/state_arrays.hpp"

namespace megabar::md {

// A Nose-Hoover chain: thermostat positions eta_j (dimensionless) and velocities v_eta_j (1/time),
// j = 1..M. The masses Q_j follow from the options (docs/md.md), so they are not state.
struct ChainState {
  std::vector<double> eta, v_eta;
};

struct MdState {
  std::string ensemble;  // ensemble_name(options) of the run that made this state
  long step = 0;
  double time = 0;               // hbar/Ha
  Structure structure;           // cell and Cartesian positions (bohr), not wrapped into the cell
  std::vector<double> masses;    // m_e
  std::vector<Vec3> velocities;  // bohr per (hbar/Ha)
  ForceResult last;              // energy, forces and stress at the current positions
  bool has_forces = false;       // `last` belongs to the current positions (start() was called)

  double thermostat_work = 0;  // Ha: energy the CSVR thermostats took out of the system
  ChainState particle_chain;   // Nose-Hoover chain on the atoms
  ChainState barostat_chain;   // Nose-Hoover chain on the cell
  // MTK cell velocity v_g = p_g / W (1/time), symmetric; isotropic: v_eps I with v_eps = d ln(V)/3 / dt.
  Mat3 strain_rate{};
  Rng rng;
};

// Keys are prefixed "md_" (providers add their own). Texts: md_ensemble, md_symbols.
StateArrays pack(const MdState& state);
// The inverse of pack, bit for bit; throws std::runtime_error naming a missing or malformed entry.
MdState unpack(const StateArrays& arrays);

}  // namespace megabar::md
