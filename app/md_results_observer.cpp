#include "app/md_results_observer.hpp"

#include <fmt/core.h>

#include <cmath>

#include "app/scf_task.hpp"
#include "core/fault.hpp"
#include "core/units.hpp"
#include "io/extxyz.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

namespace {

double mean_scf_iterations(const md::RunRecord& r) {
  return r.steps_counted ? double(r.scf_iterations_total) / r.steps_counted : 0.0;
}

}  // namespace

// Steps only, not the start-up: the counts from here on.
void ResultsObserver::on_session_begin(const md::MdState& /*state*/) {
  transfers_before_ = kernels::transfers();
  checkpoint_before_ = src_.checkpoints.traffic();
}

void ResultsObserver::on_finish(const md::MdEvent& e) {
  core::fault_point("md-before-results");
  const fs::path out = in_.output_directory;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start_).count();
  io::write_extxyz_frame((out / "final.extxyz").string(), e.frame, symbols_);
  auto j = results_json(in_, src_.provider.basis(), src_.provider.last(), wall);
  j["md"] = md_section(e);
  add_transfers(j, e.session_steps);
  if (in_.md.pdos_every > 0)
    j["md"]["pdos"] = {{"every", in_.md.pdos_every},
                       {"snapshots", src_.trajectory.pdos_snapshots()},
                       {"empty_bands", in_.scf.extra_bands},
                       {"seconds_this_session", src_.pdos.seconds()},
                       {"stored_in", "trajectory.h5:/pdos"}};
  write_atomically(out / "results.json", j.dump(1) + "\n");
  print_summary(e, j, wall);
}

nlohmann::ordered_json ResultsObserver::md_section(const md::MdEvent& e) const {
  const double fs_ = units::femtosecond;
  const md::Frame& f = e.frame;
  return {{"completed", true},
          {"ensemble", md::ensemble_name(options_)},
          {"steps", e.state.step},
          {"timestep_fs", options_.timestep / fs_},
          {"time_fs", e.state.time / fs_},
          {"mean_scf_iterations", mean_scf_iterations(e.record)},
          {"conserved_energy_drift_Ha_per_atom", (f.conserved_energy - e.record.conserved_start) / natoms_},
          {"final_temperature_K", f.temperature},
          {"final_pressure_GPa", f.pressure * units::ha_per_bohr3_in_gpa},
          {"final_volume_A3", e.state.structure.cell.volume / std::pow(units::angstrom, 3)},
          {"seconds_per_step_this_session", e.session_steps ? e.session_seconds / e.session_steps : 0.0},
          {"final_structure", "final.extxyz"},
          {"trajectory", {"trajectory.h5", "trajectory.extxyz"}}};
}

// Per step without the checkpoints' copies of the band history, which are reported on their own.
void ResultsObserver::add_transfers(nlohmann::ordered_json& j, long session_steps) const {
  if (session_steps <= 0 || !kernels::tracking_active()) return;
  const auto t = kernels::transfers();
  const kernels::TransferCounts& ck = src_.checkpoints.traffic();
  const double ck_bytes = double(ck.bytes() - checkpoint_before_.bytes());
  const double ck_copies = double(ck.copies() - checkpoint_before_.copies());
  j["memory"]["host_device_bytes_per_md_step"] =
      (double(t.bytes() - transfers_before_.bytes()) - ck_bytes) / session_steps;
  j["memory"]["host_device_copies_per_md_step"] =
      (double(t.copies() - transfers_before_.copies()) - ck_copies) / session_steps;
  j["memory"]["checkpoint_device_to_host_bytes"] =
      src_.checkpoints.written() > 0 ? double(ck.to_host_bytes) / src_.checkpoints.written() : 0.0;
}

void ResultsObserver::print_summary(const md::MdEvent& e, const nlohmann::ordered_json& j, double wall) const {
  fmt::print(
      "\n  MD finished: {} steps, {:.1f} SCF iterations per step, conserved-energy drift {:.3e} Ha/atom, {:.1f} s\n",
      e.state.step, mean_scf_iterations(e.record), (e.frame.conserved_energy - e.record.conserved_start) / natoms_,
      wall);
  const auto& mem = j["memory"];
  if (mem.contains("measured_peak_bytes") && mem.contains("predicted_peak_bytes"))
    fmt::print("  device memory: peak {:.3f} GiB (predicted {:.3f} GiB){}\n",
               mem["measured_peak_bytes"].get<double>() / 1073741824.0,
               mem["predicted_peak_bytes"].get<double>() / 1073741824.0,
               mem.contains("host_device_bytes_per_md_step")
                   ? fmt::format("; host<->device {:.1f} kB per step in {:.1f} copies",
                                 mem["host_device_bytes_per_md_step"].get<double>() / 1e3,
                                 mem["host_device_copies_per_md_step"].get<double>())
                   : std::string());
}

}  // namespace megabar::app
