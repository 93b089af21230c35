#include "app/md_task.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>

#include "app/device_memory.hpp"
#include "app/dft_provider.hpp"
#include "app/fft_plan_files.hpp"
#include "app/md_checkpoint_observer.hpp"
#include "app/md_log.hpp"
#include "app/md_pdos_observer.hpp"
#include "app/md_results_observer.hpp"
#include "app/scf_task.hpp"
#include "app/signals.hpp"
#include "core/elements.hpp"
#include "core/fingerprint.hpp"
#include "core/units.hpp"
#include "io/extxyz.hpp"
#include "io/structure_file.hpp"
#include "kernels/fft.hpp"
#include "md/checkpoint.hpp"
#include "md/integrator.hpp"
#include "md/md_driver.hpp"
#include "md/md_state.hpp"
#include "md/trajectory.hpp"
#include "md/trajectory_observer.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

namespace {

md::MdOptions md_options(const MdInput& m, int natoms) {
  md::MdOptions o;
  o.ensemble = m.ensemble == "nve"   ? md::MdOptions::Ensemble::nve
               : m.ensemble == "nvt" ? md::MdOptions::Ensemble::nvt
                                     : md::MdOptions::Ensemble::npt;
  o.thermostat =
      m.thermostat == "nose-hoover" ? md::MdOptions::Thermostat::nose_hoover : md::MdOptions::Thermostat::csvr;
  o.cell_mode = m.cell == "full" ? md::MdOptions::CellMode::full : md::MdOptions::CellMode::isotropic;
  o.timestep = m.timestep;
  if (m.temperature > 0) o.temperature = m.temperature;
  o.thermostat_time = m.thermostat_time;
  o.chain_length = m.chain_length;
  o.pressure = m.pressure;
  o.barostat_time = m.barostat_time;
  o.fix_center_of_mass = natoms > 1;
  md::validate(o);
  return o;
}

std::vector<double> masses_of(const RunInput& in, const core::Structure& s) {
  std::vector<double> m;
  for (const auto& sym : s.symbols) {
    auto it = in.md.masses.find(sym);
    m.push_back((it != in.md.masses.end() ? it->second : core::element(sym).mass) * units::amu);
  }
  for (const auto& [el, value] : in.md.masses) {
    bool used = false;
    for (const auto& sym : s.symbols) used = used || sym == el;
    if (!used)
      throw std::invalid_argument(in.path + ": md.masses." + el + ": no atom of this element in the structure");
  }
  return m;
}

// The run as it stands before the driver takes over: state, bookkeeping, trajectory files.
struct RunSetup {
  md::MdState state;
  md::RunRecord record;
  std::unique_ptr<md::TrajectoryWriter> trajectory;
};

// What a continued run must share with the run that wrote the checkpoint: the functional, the cutoff, the
// pseudopotentials (by content: the files may move), the time step and the masses. Anything else (more steps,
// output cadence, thermostat target) may change on --restart.
std::map<std::string, std::string> physics_of(const RunInput& in, const dft::Atoms& atoms) {
  std::map<std::string, std::string> p;
  p["dft.xc"] = in.scf.xc;
  p["dft.ecut"] = fmt::format("{:.12g} Ry", 2.0 * in.ecut);
  p["md.timestep"] = fmt::format("{:.12g} fs", in.md.timestep / units::femtosecond);
  const auto masses = masses_of(in, atoms.structure);
  std::map<std::string, double> by_element;
  for (std::size_t a = 0; a < masses.size(); ++a) by_element[atoms.structure.symbols[a]] = masses[a];
  for (const auto& [el, m] : by_element) p["md.masses." + el] = fmt::format("{:.12g} amu", m / units::amu);
  for (const auto& sp : atoms.species)
    p["dft.pseudopotentials." + sp.element] = "content " + core::file_fingerprint(sp.source);
  return p;
}

// --restart: the state, the provider's history and the bookkeeping of output.directory/checkpoint.h5, the
// FFT algorithms of the run that wrote it (fft_plans, so it continues bit-identically), and the
// trajectory files cut back to where the checkpoint left them.
RunSetup resume_run(const RunInput& in, const dft::Atoms& atoms, const std::string& ensemble,
                    DftForceProvider& provider) {
  const fs::path out = in.output_directory;
  const fs::path checkpoint_path = out / "checkpoint.h5";
  if (!fs::exists(checkpoint_path))
    throw std::invalid_argument("--restart: no checkpoint " + checkpoint_path.string() + " to continue from");
  kernels::import_fft_plans((out / "fft_plans").string());
  const md::CheckpointData ck = md::read_checkpoint(checkpoint_path.string());
  RunSetup r;
  r.state = md::unpack(ck.md);
  if (r.state.ensemble != ensemble)
    throw std::invalid_argument(checkpoint_path.string() + " was written by a '" + r.state.ensemble + "' run; " +
                                in.path + " asks for '" + ensemble +
                                "' (start a new run, or restore md.ensemble/thermostat/cell)");
  if (r.state.structure.symbols != atoms.structure.symbols)
    throw std::invalid_argument(checkpoint_path.string() + " holds other atoms than " + in.structure_file);
  if (r.state.step > in.md.steps)
    throw std::invalid_argument("--restart: " + checkpoint_path.string() + " is at step " +
                                std::to_string(r.state.step) + ", beyond md.steps = " + std::to_string(in.md.steps) +
                                " of " + in.path + "; set md.steps to at least " + std::to_string(r.state.step) +
                                " (a restart continues a run, it cannot shorten it)");
  std::string changed;
  for (const auto& [key, value] : physics_of(in, atoms)) {
    auto it = ck.run.texts.find("physics: " + key);
    if (it != ck.run.texts.end() && it->second != value)
      changed += fmt::format("{}{} (checkpoint: {}; input: {})", changed.empty() ? "" : ", ", key, it->second, value);
  }
  if (!changed.empty())
    throw std::invalid_argument("--restart: " + in.path + " changes the physics of the run that wrote " +
                                checkpoint_path.string() + ": " + changed +
                                ". Restore these keys to continue, or start a new run without --restart");
  provider.restore_state(ck.provider);
  r.record = md::unpack_record(ck.run);
  md::ResumeInfo resume{r.record.frames, r.record.extxyz_bytes, r.record.pdos_snapshots};
  r.trajectory = std::make_unique<md::TrajectoryWriter>(out.string(), atoms.structure.symbols, &resume);
  if (r.state.step == in.md.steps)
    fmt::print("megabar md: {} is at the last step ({}): one SCF there, then the final results again\n",
               checkpoint_path.string(), r.state.step);
  else
    fmt::print("megabar md: continuing from step {} ({}) to {}\n", r.state.step, checkpoint_path.string(), in.md.steps);
  return r;
}

// Velocities of the first frame of the structure file (md.initial_velocities = "structure").
std::vector<core::Vec3> structure_velocities(const RunInput& in, std::size_t natoms) {
  if (io::structure_format(in.structure_file) != io::StructureFormat::extxyz)
    throw std::invalid_argument(in.path +
                                ": md.initial_velocities = \"structure\" needs an extended XYZ structure "
                                "with velocities; " +
                                in.structure_file + " is a POSCAR or CIF, which hold none");
  const auto frames = io::read_extxyz_frames(in.structure_file);
  if (frames.empty() || frames.front().velocities.size() != natoms)
    throw std::invalid_argument(in.path + ": md.initial_velocities = \"structure\" but " + in.structure_file +
                                " has no velocities (a megabar trajectory or final.extxyz frame carries them)");
  return frames.front().velocities;
}

// A new run in a directory holding an earlier run's outputs leaves them untouched until its first SCF has
// converged (a typo or a failing start loses nothing). Then this observer, the first to hear of the start,
// removes the ones that would describe the old run beside the new one; the trajectory files and md.log are
// replaced by their writers with their first line.
class EarlierRunOutputs : public md::MdObserver {
 public:
  explicit EarlierRunOutputs(fs::path directory) : directory_(std::move(directory)) {}
  void on_start(const md::MdEvent&) override {
    for (const char* f : {"checkpoint.h5", "fft_plans", "final.extxyz", "results.json", "trajectory.h5.damaged"})
      fs::remove(directory_ / f);
  }

 private:
  fs::path directory_;
};

// A new run: the first state, a trajectory writer that replaces old files with its first frame, and this
// machine's earlier FFT plans when there are any (`plan_cache`), so that runs of the same input agree bit
// for bit.
RunSetup new_run(const RunInput& in, const dft::Atoms& atoms, const md::MdOptions& opt, const std::string& plan_cache) {
  const fs::path out = in.output_directory;
  const auto masses = masses_of(in, atoms.structure);
  RunSetup r;
  if (in.md.initial_velocities == "structure") {
    const auto velocities = structure_velocities(in, atoms.structure.size());
    r.state = md::initial_state(atoms.structure, masses, 0.0, in.md.seed, opt);
    r.state.velocities = velocities;
    if (opt.fix_center_of_mass) md::remove_center_of_mass_velocity(r.state);
  } else {
    r.state = md::initial_state(atoms.structure, masses, in.md.initial_temperature, in.md.seed, opt);
  }
  r.trajectory = std::make_unique<md::TrajectoryWriter>(out.string(), atoms.structure.symbols, nullptr);
  if (!plan_cache.empty()) kernels::import_fft_plans(plan_cache);
  return r;
}

void print_banner(const RunInput& in, const dft::Atoms& atoms, const md::MdOptions& opt) {
  const double gpa = units::ha_per_bohr3_in_gpa, fs_ = units::femtosecond;
  fmt::print("megabar md ({}): {} atoms, dt {:.3f} fs, {} steps, ecut {:.1f} Ry, ASPC order {}\n",
             md::ensemble_name(opt), static_cast<int>(atoms.structure.size()), opt.timestep / fs_, in.md.steps,
             in.ecut / units::rydberg, in.md.extrapolation_order);
  if (in.md.pdos_every > 0)
    fmt::print("  PDOS every {} steps into trajectory.h5:/pdos ({} bands: {} empty ones converged at every step)\n",
               in.md.pdos_every, static_cast<int>(std::round(atoms.n_electrons())) / 2 + in.scf.extra_bands,
               in.scf.extra_bands);
  if (opt.ensemble != md::MdOptions::Ensemble::nve)
    fmt::print("  target T {:.1f} K ({}, tau {:.1f} fs){}\n", opt.temperature, in.md.thermostat,
               opt.thermostat_time / fs_,
               opt.ensemble == md::MdOptions::Ensemble::npt
                   ? fmt::format(", target P {:.3f} GPa ({} cell, tau_b {:.1f} fs)", opt.pressure * gpa, in.md.cell,
                                 opt.barostat_time / fs_)
                   : "");
}

// MEGABAR_SCF_LOG set: every SCF iteration of every step on stdout (diagnostics).
void set_scf_log_from_environment(DftForceProvider& provider) {
  if (!std::getenv("MEGABAR_SCF_LOG")) return;
  provider.set_scf_logger([](const dft::ScfIterationInfo& i) {
    fmt::print("      scf {:>3} E {:.10f} dE {:.2e} drho {:.2e} david {} Hpsi {} {:.2f}s\n", i.iteration, i.energy,
               i.delta_energy, i.dr2, i.davidson_iterations, i.h_applications, i.seconds);
    std::fflush(stdout);
  });
}

// The exit status of a driver's outcome, with its message.
int exit_status(md::MdDriver::Outcome outcome, const md::MdState& state, const RunInput& in) {
  switch (outcome) {
    case md::MdDriver::Outcome::finished:
      return 0;
    case md::MdDriver::Outcome::stopped:
      fmt::print("\n  stopped by signal {} at step {}: checkpoint written; continue with `megabar run {} --restart`\n",
                 stop_signal(), state.step, in.path);
      return kExitStopped;
    case md::MdDriver::Outcome::stopped_before_start:
      fmt::print(
          "\n  stopped by signal {} before the first step: no checkpoint yet, an earlier run's outputs are "
          "untouched; run `megabar run {}` again\n",
          stop_signal(), in.path);
      return kExitStopped;
    case md::MdDriver::Outcome::start_not_converged:
      fmt::print(stderr, "error: the SCF of the starting structure did not converge; nothing was integrated\n");
      return 2;
    case md::MdDriver::Outcome::step_not_converged:
      fmt::print(stderr,
                 "error: the SCF did not converge at step {} (raise scf.max_iterations or adjust the mixing); "
                 "the checkpoint holds the last good step\n",
                 state.step);
      return 2;
  }
  return 2;
}

}  // namespace

int run_md_task(const RunInput& in, bool restart) {
  const auto t_start = std::chrono::steady_clock::now();
  const fs::path out = in.output_directory;
  const dft::Atoms atoms = build_atoms(in);
  const md::MdOptions opt = md_options(in.md, static_cast<int>(atoms.structure.size()));
  check_output_directory(in);
  // Input errors (e.g. a too small fft_grid) and a run too large for the device, before any work.
  check_device_memory(in, atoms, make_basis(in, atoms.structure.cell), in.md.extrapolation_order);

  DftForceProvider provider(in, atoms, /*compute_stress=*/true, in.md.extrapolation_order);  // >= -1
  set_scf_log_from_environment(provider);
  if (!restart) provider.set_first_scf_stop_request(stop_requested);  // a new run's start has nothing to save
  const std::string plan_cache = in.fft_planning == "measure" ? fft_plan_cache_path() : std::string();
  RunSetup run =
      restart ? resume_run(in, atoms, md::ensemble_name(opt), provider) : new_run(in, atoms, opt, plan_cache);
  print_banner(in, atoms, opt);

  // The observers, in the order they hear of each step.
  EarlierRunOutputs earlier_outputs(out);  // on_start only comes with a new run
  FftPlanCacheObserver plan_cache_saver(plan_cache);
  md::TrajectoryObserver trajectory(*run.trajectory, in.md.trajectory_every);
  PdosObserver pdos(in, atoms, provider, *run.trajectory);
  MdLogObserver log(out, md::ensemble_name(opt), restart, run.state, static_cast<int>(atoms.structure.size()),
                    in.md.steps);
  CheckpointObserver checkpoints(out, in.path, in.md.checkpoint_every, in.md.steps, *run.trajectory, provider);
  checkpoints.set_physics(physics_of(in, atoms));
  ResultsObserver results(in, opt, atoms.structure.symbols, {provider, *run.trajectory, pdos, checkpoints}, t_start);

  md::MdDriver driver(run.state, run.record, provider, opt, in.md.steps);
  for (md::MdObserver* o : std::initializer_list<md::MdObserver*>{&earlier_outputs, &plan_cache_saver, &trajectory,
                                                                  &pdos, &log, &checkpoints, &results})
    driver.add(*o);
  driver.set_stop_request(stop_requested);
  return exit_status(driver.run(/*new_run=*/!restart), run.state, in);
}

}  // namespace megabar::app
