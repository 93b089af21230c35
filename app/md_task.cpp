#include "app/md_task.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "app/device_memory.hpp"
#include "app/dft_provider.hpp"
#include "app/scf_task.hpp"
#include "app/signals.hpp"
#include "core/elements.hpp"
#include "core/units.hpp"
#include "dft/atomic_orbitals.hpp"
#include "dft/pdos.hpp"
#include "io/atomic_file.hpp"
#include "io/extxyz.hpp"
#include "kernels/fft.hpp"
#include "kernels/memory.hpp"
#include "md/checkpoint.hpp"
#include "md/integrator.hpp"
#include "md/md_state.hpp"
#include "md/observables.hpp"
#include "md/trajectory.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

md::MdOptions md_options(const MdInput& m, int natoms) {
  md::MdOptions o;
  o.ensemble = m.ensemble == "nve" ? md::MdOptions::Ensemble::nve
               : m.ensemble == "nvt" ? md::MdOptions::Ensemble::nvt
                                     : md::MdOptions::Ensemble::npt;
  o.thermostat = m.thermostat == "nose-hoover" ? md::MdOptions::Thermostat::nose_hoover : md::MdOptions::Thermostat::csvr;
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
    if (!used) throw std::invalid_argument(in.path + ": md.masses." + el + ": no atom of this element in the structure");
  }
  return m;
}

// Observables of the current state, for the log, the trajectory and results.json.
md::Frame frame_of(const md::MdState& s, const md::MdOptions& o, int scf_iterations) {
  md::Frame f;
  f.step = s.step;
  f.time = s.time;
  f.structure = s.structure;
  f.velocities = s.velocities;
  f.forces = s.last.forces;
  f.potential_energy = s.last.energy;
  f.kinetic_energy = md::kinetic_energy(s);
  f.total_energy = f.potential_energy + f.kinetic_energy;
  f.conserved_energy = md::conserved_energy(s, o);
  f.temperature = md::temperature(s, o);
  f.pressure = md::pressure(s);
  f.scf_iterations = scf_iterations;
  return f;
}

std::string eta_text(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "-";
  const long s = std::lround(seconds);
  if (s >= 86400) return fmt::format("{}d{:02}h", s / 86400, (s % 86400) / 3600);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

// Run bookkeeping that a restart continues: where the trajectory files stood, the conserved energy at
// the start (for the drift), SCF iteration totals.
struct RunRecord {
  double conserved_start = 0;
  long scf_iterations_total = 0, steps_counted = 0;
  long frames = 0;
  std::uint64_t extxyz_bytes = 0;
  long pdos_snapshots = 0;  // rows of /pdos in trajectory.h5 (md.pdos_every)
};

md::StateArrays pack_record(const RunRecord& r) {
  md::StateArrays a;
  a.reals["conserved_energy_start"] = {r.conserved_start};
  a.words["scf_iterations_total"] = {static_cast<std::uint64_t>(r.scf_iterations_total)};
  a.words["steps_counted"] = {static_cast<std::uint64_t>(r.steps_counted)};
  a.words["trajectory_frames"] = {static_cast<std::uint64_t>(r.frames)};
  a.words["trajectory_extxyz_bytes"] = {r.extxyz_bytes};
  a.words["trajectory_pdos_snapshots"] = {static_cast<std::uint64_t>(r.pdos_snapshots)};
  return a;
}

RunRecord unpack_record(const md::StateArrays& a) {
  RunRecord r;
  r.conserved_start = a.real("conserved_energy_start").at(0);
  r.scf_iterations_total = static_cast<long>(a.word("scf_iterations_total").at(0));
  r.steps_counted = static_cast<long>(a.word("steps_counted").at(0));
  r.frames = static_cast<long>(a.word("trajectory_frames").at(0));
  r.extxyz_bytes = a.word("trajectory_extxyz_bytes").at(0);
  // Checkpoints written before md.pdos_every existed hold no PDOS count: none were stored.
  if (a.words.count("trajectory_pdos_snapshots")) r.pdos_snapshots = static_cast<long>(a.word("trajectory_pdos_snapshots").at(0));
  return r;
}

// Band projections of the current step (md.pdos_every; docs/trajectory.md, "/pdos"). The pseudo-atoms
// (the orbitals projected on) depend only on the species and the functional: solved once per run.
md::PdosSnapshot pdos_snapshot(const RunInput& in, const dft::Atoms& atoms0, const md::MdState& state,
                               const DftForceProvider& provider, std::vector<dft::PseudoAtom>& pseudo_atoms) {
  dft::Atoms atoms = atoms0;
  atoms.structure = state.structure;
  if (pseudo_atoms.empty())
    for (const auto& pp : atoms.species) {
      dft::AtomOptions ao;
      ao.xc = in.scf.xc;
      pseudo_atoms.push_back(dft::solve_pseudo_atom(pp, ao));
    }
  const dft::ScfResult& scf = provider.last();
  const dft::Basis& basis = provider.basis();
  const auto orbitals = dft::atomic_orbital_vectors(basis, atoms, pseudo_atoms);
  const auto proj = dft::project_bands(basis, orbitals, scf.state.X, scf.n_bands);
  const std::vector<double> eig(scf.eigenvalues.begin(), scf.eigenvalues.begin() + scf.n_bands);
  dft::PdosOptions opt;
  opt.sigma = in.pdos->broadening;
  opt.step = in.pdos->energy_step;
  opt.ec_window = in.pdos->ec_window;
  opt.e_min = eig.front();  // the broadened curves are not stored: a two-point grid keeps them cheap
  opt.e_max = eig.front() + opt.step;
  const dft::PdosResult r = dft::accumulate_pdos(atoms, pseudo_atoms, eig, scf.n_occupied, proj, opt);
  md::PdosSnapshot p;
  p.step = state.step;
  p.time = state.time;
  p.eigenvalues = eig;
  p.n_occupied = scf.n_occupied;
  for (const auto& a : r.atom_l_weights) p.n_l = std::max(p.n_l, static_cast<int>(a.size()));
  const std::size_t natoms = atoms.structure.size(), nb = eig.size(), L = static_cast<std::size_t>(p.n_l);
  p.weights.assign(nb * natoms * L, 0.0f);
  for (std::size_t a = 0; a < natoms; ++a)
    for (std::size_t l = 0; l < r.atom_l_weights[a].size(); ++l)
      for (std::size_t n = 0; n < nb; ++n) p.weights[(n * natoms + a) * L + l] = static_cast<float>(r.atom_l_weights[a][l][n]);
  p.vbm = r.vbm;
  p.cbm = r.cbm;
  p.spilling_occupied = r.spilling_occupied;
  p.spilling_all = r.spilling_all;
  p.broadening = in.pdos->broadening;
  p.energy_step = in.pdos->energy_step;
  p.ec_window = in.pdos->ec_window;
  return p;
}

// Where measured FFT plans are kept between runs: $MEGABAR_FFT_PLAN_CACHE ("" or "off": nowhere), else
// $XDG_CACHE_HOME/megabar or ~/.cache/megabar, one file per CPU model (plans measured on one kind of
// CPU may be slow on another).
std::string fft_plan_cache_path() {
  if (const char* e = std::getenv("MEGABAR_FFT_PLAN_CACHE")) return std::string(e) == "off" ? std::string() : std::string(e);
  fs::path dir;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) dir = fs::path(x) / "megabar";
  else if (const char* h = std::getenv("HOME"); h && *h) dir = fs::path(h) / ".cache" / "megabar";
  else return {};
  std::string model = "unknown-cpu";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 1);
      break;
    }
  std::string name = "fftw-plans-";
  for (char ch : model)
    if (std::isalnum(static_cast<unsigned char>(ch))) name += ch;
    else if (name.back() != '-') name += '-';
  return (dir / name).string();
}

// The FFT planner's choices (kernels::export_fft_plans), written atomically; nothing for backends without them.
void save_fft_plans(const std::string& path) {
  const std::string plans = kernels::export_fft_plans();
  if (!plans.empty()) io::replace_file(path, plans);
}

// Adds this run's plans to the cache; a cache that cannot be written only costs speed later.
void save_fft_plan_cache(const std::string& path) {
  if (path.empty()) return;
  try {
    fs::create_directories(fs::path(path).parent_path());
    save_fft_plans(path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "warning: FFT plan cache not written ({}); set MEGABAR_FFT_PLAN_CACHE=off to skip it\n", e.what());
  }
}

}  // namespace

int run_md_task(const RunInput& in, bool restart) {
  const auto t_start = clock_type::now();
  const fs::path out = in.output_directory;
  const fs::path checkpoint_path = out / "checkpoint.h5", plans_path = out / "fft_plans";
  const dft::Atoms atoms = build_atoms(in);
  const int natoms = static_cast<int>(atoms.structure.size());
  const md::MdOptions opt = md_options(in.md, natoms);
  const std::string ensemble = md::ensemble_name(opt);
  check_output_directory(in);
  // Input errors (e.g. a too small fft_grid) and a run too large for the device, before any work.
  check_device_memory(in, atoms, make_basis(in, atoms.structure.cell), in.md.extrapolation_order);

  DftForceProvider provider(in, atoms, /*compute_stress=*/true, in.md.extrapolation_order);  // >= -1
  if (std::getenv("MEGABAR_SCF_LOG"))  // diagnostics: every SCF iteration of every step
    provider.set_scf_logger([](const dft::ScfIterationInfo& i) {
      fmt::print("      scf {:>3} E {:.10f} dE {:.2e} drho {:.2e} david {} Hpsi {} {:.2f}s\n", i.iteration, i.energy,
                 i.delta_energy, i.dr2, i.davidson_iterations, i.h_applications, i.seconds);
    });
  md::MdState state;
  RunRecord record;
  std::unique_ptr<md::TrajectoryWriter> trajectory;
  const double gpa = units::ha_per_bohr3_in_gpa, fs_ = units::femtosecond;

  // Measured FFT plans: a restart re-uses the run's own (fft_plans), so it continues bit-identically; a new
  // run re-uses this machine's earlier choices when there are any (plan cache), so that runs of the same
  // input agree bit for bit too.
  const std::string plan_cache = in.fft_planning == "measure" ? fft_plan_cache_path() : std::string();
  if (restart) {
    if (!fs::exists(checkpoint_path))
      throw std::invalid_argument("--restart: no checkpoint " + checkpoint_path.string() + " to continue from");
    kernels::import_fft_plans(plans_path.string());  // the same FFT algorithms as the run that wrote it
    const md::CheckpointData ck = md::read_checkpoint(checkpoint_path.string());
    state = md::unpack(ck.md);
    if (state.ensemble != ensemble)
      throw std::invalid_argument(checkpoint_path.string() + " was written by a '" + state.ensemble + "' run; " + in.path +
                                  " asks for '" + ensemble + "' (start a new run, or restore md.ensemble/thermostat/cell)");
    if (state.structure.symbols != atoms.structure.symbols)
      throw std::invalid_argument(checkpoint_path.string() + " holds other atoms than " + in.structure_file);
    provider.restore_state(ck.provider);
    record = unpack_record(ck.run);
    md::ResumeInfo resume{record.frames, record.extxyz_bytes, record.pdos_snapshots};
    trajectory = std::make_unique<md::TrajectoryWriter>(out.string(), atoms.structure.symbols, &resume);
    fmt::print("megabar md: continuing from step {} ({}) to {}\n", state.step, checkpoint_path.string(), in.md.steps);
  } else {
    for (const char* f : {"checkpoint.h5", "fft_plans", "md.log", "final.extxyz", "trajectory.h5", "trajectory.extxyz"})
      fs::remove(out / f);
    const auto masses = masses_of(in, atoms.structure);
    if (in.md.initial_velocities == "structure") {
      const auto frames = io::read_extxyz_frames(in.structure_file);
      if (frames.empty() || frames.front().velocities.size() != atoms.structure.size())
        throw std::invalid_argument(in.path + ": md.initial_velocities = \"structure\" but " + in.structure_file +
                                    " has no velocities (a megabar trajectory or final.extxyz frame carries them)");
      state = md::initial_state(atoms.structure, masses, 0.0, in.md.seed, opt);
      state.velocities = frames.front().velocities;
      if (opt.fix_center_of_mass) md::remove_center_of_mass_velocity(state);
    } else {
      state = md::initial_state(atoms.structure, masses, in.md.initial_temperature, in.md.seed, opt);
    }
    trajectory = std::make_unique<md::TrajectoryWriter>(out.string(), atoms.structure.symbols, nullptr);
    if (!plan_cache.empty()) kernels::import_fft_plans(plan_cache);
  }

  fmt::print("megabar md ({}): {} atoms, dt {:.3f} fs, {} steps, ecut {:.1f} Ry, ASPC order {}\n", ensemble, natoms,
             opt.timestep / fs_, in.md.steps, in.ecut / units::rydberg, in.md.extrapolation_order);
  if (in.md.pdos_every > 0)
    fmt::print("  PDOS every {} steps into trajectory.h5:/pdos ({} bands: {} empty ones converged at every step)\n",
               in.md.pdos_every, static_cast<int>(std::round(atoms.n_electrons())) / 2 + in.scf.extra_bands, in.scf.extra_bands);
  if (opt.ensemble != md::MdOptions::Ensemble::nve)
    fmt::print("  target T {:.1f} K ({}, tau {:.1f} fs){}\n", opt.temperature, in.md.thermostat, opt.thermostat_time / fs_,
               opt.ensemble == md::MdOptions::Ensemble::npt
                   ? fmt::format(", target P {:.3f} GPa ({} cell, tau_b {:.1f} fs)", opt.pressure * gpa, in.md.cell, opt.barostat_time / fs_)
                   : "");
  const std::string header = fmt::format("{:>8} {:>10} {:>18} {:>14} {:>18} {:>11} {:>9} {:>9} {:>10} {:>4} {:>7} {:>8}", "step",
                                         "time_fs", "E_pot_Ha", "E_kin_Ha", "E_conserved_Ha", "drift_Ha/at", "T_K",
                                         "P_GPa", "V_A^3", "scf", "s/step", "ETA");
  std::ofstream log(out / "md.log", std::ios::app);
  if (!restart) log << "# megabar md log (" << ensemble << "); drift = (E_conserved - E_conserved(0)) / atoms\n" << header << "\n";
  else log << "# continued from the checkpoint at step " << state.step << "\n";
  fmt::print("{}\n", header);

  auto write_line = [&](const md::Frame& f, double secs, double eta) {
    const std::string line = fmt::format(
        "{:>8} {:>10.3f} {:>18.10f} {:>14.8f} {:>18.10f} {:>11.3e} {:>9.2f} {:>9.3f} {:>10.4f} {:>4} {:>7.2f} {:>8}", f.step,
        f.time / fs_, f.potential_energy, f.kinetic_energy, f.conserved_energy, (f.conserved_energy - record.conserved_start) / natoms,
        f.temperature, f.pressure * gpa, f.structure.cell.volume / std::pow(units::angstrom, 3), f.scf_iterations, secs, eta_text(eta));
    fmt::print("{}\n", line);
    std::fflush(stdout);
    log << line << "\n" << std::flush;
  };
  kernels::TransferCounts checkpoint_traffic;  // device -> host copies made by checkpoints (the band history)
  long checkpoints_written = 0;
  auto save_checkpoint = [&]() {
    const auto before = kernels::transfers();
    save_fft_plans(plans_path.string());
    trajectory->sync();  // the frames the checkpoint counts are on disk
    md::CheckpointData ck;
    ck.md = md::pack(state);
    provider.save_state(ck.provider);
    record.frames = trajectory->frames();
    record.extxyz_bytes = trajectory->extxyz_bytes();
    record.pdos_snapshots = trajectory->pdos_snapshots();
    ck.run = pack_record(record);
    ck.created_by_input = in.path;
    md::write_checkpoint(checkpoint_path.string(), ck);
    const auto after = kernels::transfers();
    checkpoint_traffic.to_host_bytes += after.to_host_bytes - before.to_host_bytes;
    checkpoint_traffic.to_host_copies += after.to_host_copies - before.to_host_copies;
    checkpoint_traffic.to_device_bytes += after.to_device_bytes - before.to_device_bytes;
    checkpoint_traffic.to_device_copies += after.to_device_copies - before.to_device_copies;
    ++checkpoints_written;
  };

  std::vector<dft::PseudoAtom> pseudo_atoms;  // solved at the first PDOS snapshot
  double pdos_seconds = 0;
  auto store_pdos = [&]() {
    if (in.md.pdos_every <= 0 || state.step % in.md.pdos_every != 0) return;
    const auto t0 = clock_type::now();
    try {
      trajectory->append_pdos(pdos_snapshot(in, atoms, state, provider, pseudo_atoms));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(in.path + ": [pdos] at step " + std::to_string(state.step) + ": " + e.what());
    }
    pdos_seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
  };

  if (!restart) {
    const auto t0 = clock_type::now();
    md::start(state, provider);
    if (!state.last.converged) {
      fmt::print(stderr, "error: the SCF of the starting structure did not converge; nothing was integrated\n");
      return 2;
    }
    const md::Frame f = frame_of(state, opt, provider.last_iterations());
    record.conserved_start = f.conserved_energy;
    save_fft_plan_cache(plan_cache);
    trajectory->append(f);
    store_pdos();
    write_line(f, std::chrono::duration<double>(clock_type::now() - t0).count(), NAN);
    save_checkpoint();
  }

  double session_seconds = 0;
  long session_steps = 0;
  const kernels::TransferCounts transfers_before = kernels::transfers();  // steps only, not the start-up
  const kernels::TransferCounts checkpoint_before = checkpoint_traffic;
  int code = 0;
  while (state.step < in.md.steps) {
    if (stop_requested()) {
      save_checkpoint();
      fmt::print("\n  stopped by signal {} at step {}: checkpoint written; continue with `megabar run {} --restart`\n",
                 stop_signal(), state.step, in.path);
      return kExitStopped;
    }
    const auto t0 = clock_type::now();
    md::step(state, provider, opt);
    const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (!state.last.converged) {
      fmt::print(stderr, "error: the SCF did not converge at step {} (raise scf.max_iterations or adjust the mixing); "
                         "the checkpoint holds the last good step\n", state.step);
      code = 2;
      break;
    }
    session_seconds += secs;
    ++session_steps;
    record.scf_iterations_total += provider.last_iterations();
    ++record.steps_counted;
    const md::Frame f = frame_of(state, opt, provider.last_iterations());
    if (state.step % in.md.trajectory_every == 0) trajectory->append(f);
    store_pdos();
    write_line(f, secs, session_seconds / session_steps * (in.md.steps - state.step));
    if (state.step % in.md.checkpoint_every == 0 || state.step == in.md.steps) save_checkpoint();
  }
  if (code != 0) return code;

  const double wall = std::chrono::duration<double>(clock_type::now() - t_start).count();
  const md::Frame f = frame_of(state, opt, provider.last_iterations());
  io::write_extxyz_frame((out / "final.extxyz").string(), f, atoms.structure.symbols);
  auto j = results_json(in, provider.basis(), provider.last(), wall);
  j["md"] = {{"completed", true},
             {"ensemble", ensemble},
             {"steps", state.step},
             {"timestep_fs", opt.timestep / fs_},
             {"time_fs", state.time / fs_},
             {"mean_scf_iterations", record.steps_counted ? double(record.scf_iterations_total) / record.steps_counted : 0.0},
             {"conserved_energy_drift_Ha_per_atom", (f.conserved_energy - record.conserved_start) / natoms},
             {"final_temperature_K", f.temperature},
             {"final_pressure_GPa", f.pressure * gpa},
             {"final_volume_A3", state.structure.cell.volume / std::pow(units::angstrom, 3)},
             {"seconds_per_step_this_session", session_steps ? session_seconds / session_steps : 0.0},
             {"final_structure", "final.extxyz"},
             {"trajectory", {"trajectory.h5", "trajectory.extxyz"}}};
  if (session_steps > 0 && kernels::tracking_active()) {
    const auto t = kernels::transfers();
    // Per step without the checkpoints' copies of the band history, which are reported on their own.
    const double ck_bytes = double(checkpoint_traffic.bytes() - checkpoint_before.bytes());
    const double ck_copies = double(checkpoint_traffic.copies() - checkpoint_before.copies());
    j["memory"]["host_device_bytes_per_md_step"] = (double(t.bytes() - transfers_before.bytes()) - ck_bytes) / session_steps;
    j["memory"]["host_device_copies_per_md_step"] = (double(t.copies() - transfers_before.copies()) - ck_copies) / session_steps;
    j["memory"]["checkpoint_device_to_host_bytes"] =
        checkpoints_written > 0 ? double(checkpoint_traffic.to_host_bytes) / checkpoints_written : 0.0;
  }
  if (in.md.pdos_every > 0)
    j["md"]["pdos"] = {{"every", in.md.pdos_every},
                       {"snapshots", trajectory->pdos_snapshots()},
                       {"empty_bands", in.scf.extra_bands},
                       {"seconds_this_session", pdos_seconds},
                       {"stored_in", "trajectory.h5:/pdos"}};
  write_atomically(out / "results.json", j.dump(1) + "\n");
  fmt::print("\n  MD finished: {} steps, {:.1f} SCF iterations per step, conserved-energy drift {:.3e} Ha/atom, {:.1f} s\n",
             state.step, record.steps_counted ? double(record.scf_iterations_total) / record.steps_counted : 0.0,
             (f.conserved_energy - record.conserved_start) / natoms, wall);
  const auto& mem = j["memory"];
  if (mem.contains("measured_peak_bytes") && mem.contains("predicted_peak_bytes"))
    fmt::print("  device memory: peak {:.3f} GiB (predicted {:.3f} GiB){}\n", mem["measured_peak_bytes"].get<double>() / 1073741824.0,
               mem["predicted_peak_bytes"].get<double>() / 1073741824.0,
               mem.contains("host_device_bytes_per_md_step")
                   ? fmt::format("; host<->device {:.1f} kB per step in {:.1f} copies",
                                 mem["host_device_bytes_per_md_step"].get<double>() / 1e3, mem["host_device_copies_per_md_step"].get<double>())
                   : std::string());
  return 0;
}

}  // namespace megabar::app
