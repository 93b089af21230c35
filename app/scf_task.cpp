#include "app/scf_task.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "app/device_memory.hpp"
#include "app/fft_plan_files.hpp"
#include "app/provenance.hpp"
#include "app/signals.hpp"
#include "core/units.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/scf.hpp"
#include "io/atomic_file.hpp"
#include "io/extxyz.hpp"
#include "io/structure_file.hpp"
#include "kernels/fft.hpp"
#include "kernels/timer.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

dft::Atoms build_atoms(const RunInput& in) {
  std::map<std::string, dft::PseudoSource> sources;
  for (const auto& [el, spec] : in.pseudopotentials) sources[el] = {spec.file, spec.name};
  core::Structure structure;
  try {
    structure = io::read_structure(in.structure_file);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(in.path + ": key 'structure.file': " + e.what());
  }
  dft::Atoms atoms;
  try {
    atoms = dft::make_atoms(structure, sources);
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).rfind("no pseudopotential", 0) == 0)
      throw std::invalid_argument(in.path + ": " + e.what() + " in " + in.structure_file +
                                  "; add it under [dft.pseudopotentials]");
    throw std::invalid_argument(in.path + ": key 'dft.pseudopotentials': " + e.what());
  }
  const double ne = atoms.n_electrons();
  if (std::fabs(ne - std::round(ne)) > 1e-8 || static_cast<long>(std::round(ne)) % 2 != 0) {
    std::string charges;
    for (const auto& sp : atoms.species)
      charges += fmt::format(" {} ({} valence electrons, {})", sp.element, sp.zion, sp.name);
    throw std::invalid_argument(
        in.path + ": " + in.structure_file + " has " + fmt::format("{:g}", ne) +
        " valence electrons, an odd number; only closed-shell systems are supported (species:" + charges + ")");
  }
  const double dmin = atoms.structure.min_distance() / units::angstrom;
  if (dmin < 0.5)
    throw std::invalid_argument(in.structure_file + ": two atoms are " + fmt::format("{:.3f}", dmin) +
                                " angstrom apart (minimum allowed 0.5 angstrom)");
  return atoms;
}

void check_output_directory(const RunInput& in) {
  const fs::path dir(in.output_directory);
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path probe = dir / ".megabar-write-test";
  std::ofstream out(probe);
  if (ec || !out)
    throw std::invalid_argument(in.path + ": key 'output.directory': cannot create or write '" + dir.string() + "'");
  out.close();
  fs::remove(probe, ec);
}

dft::Basis make_basis(const RunInput& in, const core::Cell& cell) {
  std::array<int, 3> grid{};
  try {
    grid = in.fft_grid ? *in.fft_grid : dft::default_fft_grid(cell, 4.0 * in.ecut);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(in.path + ": " + e.what());
  }
  check_grid_fits(in, grid);  // names the input itself
  try {
    return dft::Basis(cell, in.ecut, grid);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(in.path + ": " + e.what());
  }
}

void write_atomically(const fs::path& target, const std::string& text) {
  fs::create_directories(target.parent_path());
  io::replace_file(target.string(), text);
}

nlohmann::ordered_json results_json(const RunInput& in, const dft::Basis& basis, const dft::ScfResult& result,
                                    double wall) {
  const auto grid = basis.fft_grid();
  const auto& e = result.energies;
  nlohmann::ordered_json j;
  j["program"] = "megabar";
  j["provenance"] = provenance_json();
  j["task"] = in.task;
  j["total_energy_Ha"] = e.total();
  j["energy_terms_Ha"] = {{"kinetic", e.kinetic},
                          {"local", e.local},
                          {"nonlocal", e.nonlocal},
                          {"hartree", e.hartree},
                          {"xc", e.xc},
                          {"ewald", e.ewald},
                          {"one_electron", e.kinetic + e.local + e.nonlocal}};
  j["scf"] = {
      {"iterations", result.iterations},
      {"converged", result.converged},
      {"energy_tolerance_Ha", in.scf.energy_tolerance},
      {"density_tolerance_Ha", in.scf.density_tolerance > 0 ? in.scf.density_tolerance : in.scf.energy_tolerance},
      {"convergence", in.scf.energy_change_test ? "energy_and_density" : "density"},
      {"final_delta_energy_Ha", result.history.empty() ? 0.0 : result.history.back().delta_energy},
      {"final_density_residual_Ha", result.history.empty() ? 0.0 : result.history.back().dr2}};
  j["fft_grid"] = grid;
  j["n_plane_waves"] = basis.npw_full();
  j["n_plane_waves_gamma_half"] = basis.npw();
  j["n_electrons"] = result.n_electrons;
  j["n_bands"] = result.n_bands;  // reported bands: occupied plus requested empty ones (no internal buffer)
  j["n_occupied_bands"] = result.n_occupied;
  if (!result.forces.empty()) {
    j["forces_Ha_per_bohr"] = result.forces;  // net force removed, as QE
    j["net_force_removed_Ha_per_bohr"] = result.net_force;
    j["forces_terms_Ha_per_bohr"] = {
        {"local", result.forces_local}, {"nonlocal", result.forces_nonlocal}, {"ewald", result.forces_ewald}};
    if (!result.forces_scf_correction.empty())
      j["forces_terms_Ha_per_bohr"]["scf_correction"] = result.forces_scf_correction;
  }
  if (result.has_stress) {
    auto gpa = [](const core::Mat3& m) {
      std::vector<std::vector<double>> out(3, std::vector<double>(3));
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) out[a][b] = m[a][b] * units::ha_per_bohr3_in_gpa;
      return out;
    };
    j["stress_GPa"] = gpa(result.stress);
    j["pressure_GPa"] =
        (result.stress[0][0] + result.stress[1][1] + result.stress[2][2]) / 3.0 * units::ha_per_bohr3_in_gpa;
    nlohmann::ordered_json terms;
    for (const auto& [name, m] : result.stress_terms) terms[name] = gpa(m);
    j["stress_terms_GPa"] = terms;
    j["stress_convention"] = "QE sign (positive under compression), pressure = trace/3, fixed number of plane waves";
  }
  j["xc"] = in.scf.xc;
  j["ecut_Ha"] = in.ecut;
  std::vector<double> eig_ev;
  for (double x : result.eigenvalues) eig_ev.push_back(x * units::hartree_in_ev);
  j["eigenvalues_eV"] = eig_ev;
  nlohmann::ordered_json timings;
  timings["total"] = wall;
  for (auto& [name, s] : kernels::Timers::global().seconds()) timings[name] = s;
  j["timings_s"] = timings;
  j["memory"] = memory_json();
  return j;
}

namespace {

constexpr double ev = units::hartree_in_ev;

// Values rounded to `quantum` (keeps pdos.json compact: the writer prints the shortest exact decimal).
std::vector<double> rounded(const std::vector<double>& v, double scale, double quantum) {
  std::vector<double> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = std::round(v[i] * scale / quantum) * quantum;
  return out;
}

nlohmann::ordered_json number_or_null(double x) {
  return std::isnan(x) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x);
}

const char* l_name(std::size_t l) { return l == 0 ? "s" : l == 1 ? "p" : l == 2 ? "d" : "f"; }

}  // namespace

nlohmann::ordered_json pdos_json(const dft::Atoms& atoms, const dft::PdosResult& r, const dft::PdosOptions& opt,
                                 double seconds) {
  nlohmann::ordered_json j;
  j["program"] = "megabar";
  j["what"] = "projected density of states on Loewdin-orthonormalised pseudo-atomic orbitals (docs/pdos.md)";
  j["units"] = {
      {"energy", "eV, Kohn-Sham eigenvalues on megabar's absolute scale (average electrostatic potential = 0)"},
      {"dos", "states/eV, spin included (2 per band)"}};
  j["broadening"] = {{"shape", "Gaussian"},
                     {"sigma_eV", opt.sigma * ev},
                     {"fwhm_eV", 2.0 * std::sqrt(2.0 * std::log(2.0)) * opt.sigma * ev}};
  const int nb = static_cast<int>(r.eigenvalues.size());
  j["n_bands"] = nb;
  j["n_occupied_bands"] = r.n_occupied;
  j["n_electrons"] = 2 * r.n_occupied;
  j["vbm_eV"] = r.vbm * ev;
  j["cbm_eV"] = number_or_null(r.cbm * ev);
  j["gap_eV"] = number_or_null((r.cbm - r.vbm) * ev);
  j["highest_band_eV"] = r.eigenvalues.back() * ev;
  j["spilling"] = {{"occupied", r.spilling_occupied}, {"all_bands", r.spilling_all}};
  nlohmann::ordered_json ec, ec_cbm, ec_vbm;
  for (std::size_t s = 0; s < r.ec.size(); ++s)
    for (std::size_t l = 0; l < r.ec[s].size(); ++l) {
      const std::string key = atoms.species[s].element + "_" + l_name(l);
      ec[key] = number_or_null(r.ec[s][l] * ev);
      ec_cbm[key] = number_or_null((r.ec[s][l] - r.cbm) * ev);
      ec_vbm[key] = number_or_null((r.ec[s][l] - r.vbm) * ev);
    }
  j["E_c_eV"] = ec;
  j["E_c_minus_cbm_eV"] = ec_cbm;
  j["E_c_minus_vbm_eV"] = ec_vbm;
  j["E_c_window_eV"] = {number_or_null(r.ec_window_min * ev), number_or_null(r.ec_window_max * ev)};
  j["E_c_window_requested_eV"] = opt.ec_window * ev;
  j["E_c_window_truncated"] = r.ec_window_truncated;
  nlohmann::ordered_json orbitals;
  for (const auto& pa : r.pseudo_atoms) {
    nlohmann::ordered_json o, eps;
    std::string config;
    for (const auto& v : pa.valence) {
      eps[l_name(v.l)] = v.eigenvalue * ev;
      config += (config.empty() ? "" : " ") + std::string(l_name(v.l)) + fmt::format("{:g}", v.occupation);
    }
    o = {{"potential", pa.potential},
         {"xc", pa.xc},
         {"configuration", config},
         {"eigenvalues_eV", eps},
         {"total_energy_Ha", pa.total_energy},
         {"orbitals", pa.orbital_source}};
    if (pa.orbital_source == "file") o["file_orbital_deviation"] = pa.file_orbital_deviation;
    orbitals[pa.element] = o;
  }
  j["pseudo_atoms"] = orbitals;
  j["min_overlap_eigenvalue"] = r.min_overlap_eigenvalue;
  j["energies_eV"] = rounded(r.energies, ev, 1e-9);
  j["total"] = rounded(r.total, 1.0 / ev, 1e-8);
  nlohmann::ordered_json species;
  for (std::size_t s = 0; s < r.species_l.size(); ++s)
    for (std::size_t l = 0; l < r.species_l[s].size(); ++l)
      species[atoms.species[s].element][l_name(l)] = rounded(r.species_l[s][l], 1.0 / ev, 1e-8);
  j["species"] = species;
  j["bands"] = {{"eigenvalues_eV", rounded(r.eigenvalues, ev, 1e-9)},
                {"projected_weight", rounded(r.band_projected, 1.0, 1e-10)}};
  nlohmann::ordered_json per_atom = nlohmann::ordered_json::array();
  for (std::size_t a = 0; a < r.atom_l_weights.size(); ++a) {
    nlohmann::ordered_json w;
    for (std::size_t l = 0; l < r.atom_l_weights[a].size(); ++l)
      w[l_name(l)] = rounded(r.atom_l_weights[a][l], 1.0, 1e-10);
    per_atom.push_back({{"index", a}, {"element", atoms.structure.symbols[a]}, {"l_weights", w}});
  }
  j["atoms"] = per_atom;
  j["timings_s"] = {{"pdos", seconds}};
  return j;
}

namespace {

void write_pdos(const RunInput& in, const dft::Atoms& atoms, const dft::Basis& basis, const dft::ScfResult& result) {
  const auto t0 = std::chrono::steady_clock::now();
  dft::PdosOptions opt;
  opt.sigma = in.pdos->broadening;
  opt.step = in.pdos->energy_step;
  opt.e_min = in.pdos->energy_min;
  opt.e_max = in.pdos->energy_max;
  opt.ec_window = in.pdos->ec_window;
  dft::PdosResult r;
  try {
    kernels::ScopedTimer t("dft::pdos");
    r = dft::projected_dos(atoms, basis, result, in.scf.xc, opt);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(in.path + ": [pdos]: " + e.what());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto target = fs::path(in.output_directory) / "pdos.json";
  write_atomically(target, pdos_json(atoms, r, opt, seconds).dump(1) + "\n");
  fmt::print("  PDOS: {} bands, VBM {:.4f} eV, CBM {:.4f} eV, spilling {:.2f} % (occupied), {:.2f} % (all bands)\n",
             r.eigenvalues.size(), r.vbm * ev, r.cbm * ev, 100 * r.spilling_occupied, 100 * r.spilling_all);
  for (std::size_t s = 0; s < r.ec.size(); ++s)
    for (std::size_t l = 0; l < r.ec[s].size(); ++l)
      fmt::print("  E_c({} {}) = {:.4f} eV (CBM + {:.4f} eV)\n", atoms.species[s].element, l_name(l), r.ec[s][l] * ev,
                 (r.ec[s][l] - r.cbm) * ev);
  fmt::print("  E_c window [{:.4f}, {:.4f}] eV{}; PDOS in {} ({:.2f} s)\n", r.ec_window_min * ev, r.ec_window_max * ev,
             r.ec_window_truncated ? " (cut at the highest computed band: add empty bands for the full window)" : "",
             target.string(), seconds);
}

}  // namespace

int run_scf_task(const RunInput& in) {
  const auto t_start = std::chrono::steady_clock::now();
  auto atoms = build_atoms(in);
  dft::Basis basis = make_basis(in, atoms.structure.cell);
  const auto grid = basis.fft_grid();
  check_output_directory(in);
  check_device_memory(in, atoms, basis);
  // This machine's measured FFT plans (as MD runs use them): a later SCF on the same grids skips the
  // measuring (1-2 s at 30 atoms, 80 Ry) and repeats its results bit for bit.
  const std::string plan_cache = in.fft_planning == "measure" ? fft_plan_cache_path() : std::string();
  if (!plan_cache.empty()) kernels::import_fft_plans(plan_cache);

  fmt::print("megabar scf: {} atoms, {} electrons, xc {}\n", atoms.structure.size(), atoms.n_electrons(), in.scf.xc);
  fmt::print("  cell volume {:.4f} bohr^3, ecut {:.4f} Ry (density {:.4f} Ry)\n", atoms.structure.cell.volume,
             in.ecut / units::rydberg, 4 * in.ecut / units::rydberg);
  fmt::print("  FFT grid {} x {} x {}{}, plane waves {} (Gamma half sphere {})\n", grid[0], grid[1], grid[2],
             in.fft_grid ? " (from input)" : "", basis.npw_full(), basis.npw());
  for (auto& sp : atoms.species) fmt::print("  {}: {} (Z_ion = {}) from {}\n", sp.element, sp.name, sp.zion, sp.source);
  fmt::print("  {:>4} {:>22} {:>12} {:>11} {:>6} {:>7} {:>8}\n", "iter", "E_total (Ha)", "dE (Ha)", "drho (Ha)",
             "david", "H*psi", "time (s)");

  dft::ScfResult result;
  dft::ScfOptions options = in.scf;
  options.stop_requested = stop_requested;  // SIGTERM/SIGUSR1/SIGINT end the SCF between iterations
  try {
    result = dft::run_scf(atoms, basis, options, [&](const dft::ScfIterationInfo& i) {
      fmt::print("  {:>4} {:>22.12f} {:>12.3e} {:>11.3e} {:>6} {:>7} {:>8.2f}\n", i.iteration, i.energy, i.delta_energy,
                 i.dr2, i.davidson_iterations, i.h_applications, i.seconds);
      std::fflush(stdout);
    });
  } catch (const std::invalid_argument& e) {  // problems of the input found by the engine (e.g. the cutoff)
    throw std::invalid_argument(in.path + ": " + e.what());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  if (result.stopped) {
    fmt::print(stderr,
               "stopped by signal {} after {} SCF iterations: no results written (an earlier results.json "
               "is untouched)\n",
               stop_signal(), result.iterations);
    return kExitStopped;
  }
  {
    std::error_code ignored;  // this run's results replace an older run's: its PDOS must not outlive them
    fs::remove(fs::path(in.output_directory) / "pdos.json", ignored);
  }

  auto j = results_json(in, basis, result, wall);
  write_atomically(fs::path(in.output_directory) / "results.json", j.dump(1) + "\n");
  save_fft_plan_cache(plan_cache);

  const auto& e = result.energies;
  fmt::print("\n  {} after {} iterations in {:.2f} s\n", result.converged ? "SCF converged" : "SCF NOT CONVERGED",
             result.iterations, wall);
  fmt::print("  total energy      {:22.10f} Ha  ({:.6f} eV)\n", e.total(), e.total() * units::hartree_in_ev);
  fmt::print("    kinetic         {:22.10f} Ha\n    local           {:22.10f} Ha\n    nonlocal        {:22.10f} Ha\n",
             e.kinetic, e.local, e.nonlocal);
  fmt::print("    hartree         {:22.10f} Ha\n    xc              {:22.10f} Ha\n    ewald           {:22.10f} Ha\n",
             e.hartree, e.xc, e.ewald);
  if (result.n_bands > result.n_occupied)
    fmt::print(
        "  gap {:.4f} eV\n",
        (result.eigenvalues[result.n_occupied] - result.eigenvalues[result.n_occupied - 1]) * units::hartree_in_ev);
  if (result.has_stress)
    fmt::print("  pressure {:.4f} GPa (fixed plane-wave set); max |force| {:.3e} Ha/bohr\n",
               (result.stress[0][0] + result.stress[1][1] + result.stress[2][2]) / 3 * units::ha_per_bohr3_in_gpa, [&] {
                 double m = 0;
                 for (auto& f : result.forces) m = std::max(m, std::sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]));
                 return m;
               }());
  fmt::print("  HOMO {:.4f} eV; results in {}\n", result.eigenvalues[result.n_occupied - 1] * units::hartree_in_ev,
             (fs::path(in.output_directory) / "results.json").string());
  if (in.pdos && result.converged) write_pdos(in, atoms, basis, result);
  if (in.pdos && !result.converged) fmt::print(stderr, "no pdos.json: the SCF did not converge\n");
  if (!result.converged) {
    fmt::print(stderr,
               "error: SCF did not reach the energy tolerance {:.1e} Ha in {} iterations (results.json says converged: "
               "false)\n",
               in.scf.energy_tolerance, result.iterations);
    return 2;
  }
  return 0;
}

}  // namespace megabar::app
