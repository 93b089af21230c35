#include "md/run_record.hpp"

namespace megabar::md {

StateArrays pack_record(const RunRecord& r) {
  StateArrays a;
  a.reals["conserved_energy_start"] = {r.conserved_start};
  a.words["scf_iterations_total"] = {static_cast<std::uint64_t>(r.scf_iterations_total)};
  a.words["steps_counted"] = {static_cast<std::uint64_t>(r.steps_counted)};
  a.words["trajectory_frames"] = {static_cast<std::uint64_t>(r.frames)};
  a.words["trajectory_extxyz_bytes"] = {r.extxyz_bytes};
  a.words["trajectory_pdos_snapshots"] = {static_cast<std::uint64_t>(r.pdos_snapshots)};
  return a;
}

RunRecord unpack_record(const StateArrays& a) {
  RunRecord r;
  r.conserved_start = a.real("conserved_energy_start").at(0);
  r.scf_iterations_total = static_cast<long>(a.word("scf_iterations_total").at(0));
  r.steps_counted = static_cast<long>(a.word("steps_counted").at(0));
  r.frames = static_cast<long>(a.word("trajectory_frames").at(0));
  r.extxyz_bytes = a.word("trajectory_extxyz_bytes").at(0);
  // Checkpoints written before md.pdos_every existed hold no PDOS count: none were stored.
  if (a.words.count("trajectory_pdos_snapshots"))
    r.pdos_snapshots = static_cast<long>(a.word("trajectory_pdos_snapshots").at(0));
  return r;
}

}  // namespace megabar::md
