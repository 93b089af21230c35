#include "app/relax_task.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "app/device_memory.hpp"
#include "app/dft_provider.hpp"
#include "app/provenance.hpp"
#include "app/scf_task.hpp"
#include "app/signals.hpp"
#include "core/units.hpp"
#include "io/extxyz.hpp"
#include "md/relax.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

int run_relax_task(const RunInput& in) {
  const auto t_start = std::chrono::steady_clock::now();
  const dft::Atoms atoms = build_atoms(in);
  const fs::path out = in.output_directory;
  check_output_directory(in);
  // Input errors (e.g. a too small fft_grid) and a run too large for the device, before any work.
  // The provider keeps the last step's bands and density to start the next SCF: counted like MD without
  // extrapolation (order -1).
  check_device_memory(in, atoms, make_basis(in, atoms.structure.cell), -1);

  md::RelaxOptions opt;
  opt.optimizer = in.relax_optimizer == "fire" ? md::Optimizer::fire : md::Optimizer::bfgs;
  opt.relax_cell = in.relax_cell;
  opt.pressure = in.relax_pressure;
  opt.force_tolerance = in.relax_force_tolerance;
  opt.stress_tolerance = in.relax_stress_tolerance;
  opt.max_steps = in.relax_max_steps;
  opt.stop_requested = stop_requested;

  const double gpa = units::ha_per_bohr3_in_gpa;
  fmt::print("megabar relax ({}): {} atoms, {}{}; force tolerance {:.2e} Ha/bohr{}\n", in.relax_optimizer,
             atoms.structure.size(), in.relax_cell ? "atoms and cell" : "atoms only",
             in.relax_cell ? fmt::format(" at {:.3f} GPa", in.relax_pressure * gpa) : "", opt.force_tolerance,
             in.relax_cell ? fmt::format(", stress tolerance {:.3f} GPa", opt.stress_tolerance * gpa) : "");
  const std::string header = fmt::format("{:>5} {:>20} {:>20} {:>12} {:>12} {:>12} {:>14} {:>8}", "step", "energy_Ha",
                                         "enthalpy_Ha", "fmax_Ha/bohr", "dstress_GPa", "P_GPa", "volume_A^3", "time_s");
  fmt::print("{}\n", header);
  // An earlier relaxation's files stay until the first structure's SCF has converged (a failing or stopped
  // start loses nothing); the first logged step replaces them.
  std::ofstream log;
  auto start_files = [&] {
    for (const char* f : {"relax_trajectory.extxyz", "final.extxyz", "results.json"}) fs::remove(out / f);
    log.open(out / "relax.log", std::ios::trunc);
    log << "# megabar relax log; dstress = max |sigma_ab - P_target delta_ab| (QE's sign, fixed plane-wave set)\n"
        << "# " << provenance_line() << "\n"
        << header << "\n";
  };
  DftForceProvider provider(in, atoms, in.relax_cell);
  provider.set_first_scf_stop_request(stop_requested);
  auto t_step = std::chrono::steady_clock::now();
  int step_offset = 0;
  auto logger = [&](const md::RelaxStep& s, const core::Structure& st, const md::ForceResult& r) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_step).count();
    t_step = std::chrono::steady_clock::now();
    const std::string line = fmt::format(
        "{:>5} {:>20.10f} {:>20.10f} {:>12.3e} {:>12.4f} {:>12.4f} {:>14.4f} {:>8.1f}{}", step_offset + s.step,
        s.energy, s.enthalpy, s.fmax, s.stress_deviation * gpa, in.relax_cell ? s.pressure * gpa : std::nan(""),
        s.volume / std::pow(units::angstrom, 3), secs, s.provider_converged ? "" : "  (SCF not converged)");
    fmt::print("{}\n", line);
    std::fflush(stdout);
    if (!log.is_open()) {
      if (!r.converged && stop_requested()) return;  // the first SCF was stopped: nothing to log or replace
      start_files();
    }
    log << line << "\n" << std::flush;
    // stress= only when computed (the cell relaxes)
    io::write_extxyz((out / "relax_trajectory.extxyz").string(), st, &r.forces, &r.energy, true,
                     in.relax_cell ? &r.stress : nullptr);
  };
  // With the cell free, the plane-wave set is held fixed during a relaxation (smooth energy, exact
  // stress) and renewed at its end: the structure is accepted only when a fresh basis at the final cell
  // (what a single-point calculation there would use) also meets the tolerances; otherwise the
  // relaxation continues from there with the new set (at most 5 renewals).
  md::RelaxResult result;
  for (int round = 0;; ++round) {
    result = md::relax(round == 0 ? atoms.structure : result.structure, provider, opt, logger);
    step_offset += result.steps + 1;
    if (!in.relax_cell || !result.converged || round == 5 || stop_requested()) break;
    provider.reset_basis();
    const md::ForceResult fresh = provider.compute(result.structure);
    double sdev = 0, fmax = 0;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) sdev = std::max(sdev, std::fabs(fresh.stress[a][b] - (a == b ? opt.pressure : 0.0)));
    for (const auto& f : fresh.forces) fmax = std::max(fmax, std::sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]));
    const std::string line = fmt::format(
        "# new plane-wave set at the final cell: max |sigma - P| {:.4f} GPa, fmax {:.3e} Ha/bohr", sdev * gpa, fmax);
    fmt::print("{}\n", line);
    log << line << "\n" << std::flush;
    result.final_result = fresh;
    if (sdev < opt.stress_tolerance && fmax < opt.force_tolerance && fresh.converged) break;
    result.converged = false;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  if (stop_requested() && !log.is_open()) {  // stopped in the first SCF: nothing computed, nothing replaced
    fmt::print(stderr, "stopped by signal {} in the first SCF: nothing written (earlier outputs untouched)\n",
               stop_signal());
    return kExitStopped;
  }
  io::write_extxyz((out / "final.extxyz").string(), result.structure, &result.final_result.forces,
                   &result.final_result.energy, false, in.relax_cell ? &result.final_result.stress : nullptr);
  auto j = results_json(in, provider.basis(), provider.last(), wall);
  j["relax"] = {{"converged", result.converged},
                {"steps", step_offset - 1},
                {"cell", in.relax_cell},
                {"optimizer", in.relax_optimizer},
                {"stopped_by_scf_failure", !result.final_result.converged},
                {"stopped_by_signal", result.stopped},
                {"target_pressure_GPa", in.relax_pressure * gpa},
                {"final_structure", "final.extxyz"},
                {"volume_A3", result.structure.cell.volume / std::pow(units::angstrom, 3)}};
  write_atomically(out / "results.json", j.dump(1) + "\n");
  fmt::print("\n  relaxation {} after {} steps in {:.1f} s; final structure in {}\n",
             result.converged ? "converged" : "NOT CONVERGED", step_offset - 1, wall, (out / "final.extxyz").string());
  if (result.stopped) {
    fmt::print(stderr,
               "stopped by signal {} after {} steps: the last structure is in final.extxyz (relax again from it)\n",
               stop_signal(), step_offset - 1);
    return kExitStopped;
  }
  if (!result.final_result.converged) {
    fmt::print(stderr,
               "error: the SCF did not converge at the last structure (see scf.* in results.json); the "
               "relaxation stopped rather than move atoms on unconverged forces. Raise scf.max_iterations or "
               "adjust the mixing.\n");
    return 2;
  }
  if (!result.converged) {
    fmt::print(stderr,
               "error: relaxation did not reach the tolerances in {} steps (results.json says converged: false)\n",
               step_offset - 1);
    return 2;
  }
  return 0;
}

}  // namespace megabar::app
