// Run bookkeeping that a restarted MD run continues: the conserved energy at the start (for the drift),
// SCF iteration totals, and where the trajectory files stood at the last checkpoint. Stored in the
// checkpoint's /run group (md/checkpoint.hpp).
#pragma once
#include <cstdint>

#include "md/state_arrays.hpp"

namespace megabar::md {

struct RunRecord {
  double conserved_start = 0;
  long scf_iterations_total = 0, steps_counted = 0;
  long frames = 0;
  std::uint64_t extxyz_bytes = 0;
  long pdos_snapshots = 0;  // rows of /pdos in trajectory.h5 (md.pdos_every)
};

StateArrays pack_record(const RunRecord& record);
// Checkpoints written before md.pdos_every existed hold no PDOS count (none were stored): 0.
RunRecord unpack_record(const StateArrays& arrays);

}  // namespace megabar::md
