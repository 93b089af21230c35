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

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/scf.hpp"
#include "dft/units.hpp"
#include "kernels/timer.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

dft::Atoms build_atoms(const RunInput& in) {
  std::map<std::string, dft::PseudoSource> sources;
  for (const auto& [el, spec] : in.pseudopotentials) sources[el] = {spec.file, spec.name};
  dft::Structure structure;
  try {
    structure = dft::read_extxyz(in.structure_file);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(in.path + ": key 'structure.file': " + e.what());
  }
  dft::Atoms atoms;
  try {
    atoms = dft::make_atoms(structure, sources);
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).rfind("no pseudopotential", 0) == 0)
      throw std::invalid_argument(in.path + ": " + e.what() + " in " + in.structure_file + "; add it under [dft.pseudopotentials]");
    throw std::invalid_argument(in.path + ": key 'dft.pseudopotentials': " + e.what());
  }
  const double ne = atoms.n_electrons();
  if (std::fabs(ne - std::round(ne)) > 1e-8 || static_cast<long>(std::round(ne)) % 2 != 0) {
    std::string charges;
    for (const auto& sp : atoms.species) charges += fmt::format(" {} ({} valence electrons, {})", sp.element, sp.zion, sp.name);
    throw std::invalid_argument(in.path + ": " + in.structure_file + " has " + fmt::format("{:g}", ne) +
                                " valence electrons, an odd number; only closed-shell systems are supported (species:" +
                                charges + ")");
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

dft::Basis make_basis(const RunInput& in, const dft::Cell& cell) {
  const auto grid = in.fft_grid ? *in.fft_grid : dft::default_fft_grid(cell, 4.0 * in.ecut);
  try {
    return dft::Basis(cell, in.ecut, grid);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(in.path + ": " + e.what());
  }
}

void write_atomically(const fs::path& target, const std::string& text) {
  fs::create_directories(target.parent_path());
  const fs::path tmp = target.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, target);
}

nlohmann::ordered_json results_json(const RunInput& in, const dft::Basis& basis, const dft::ScfResult& result, double wall) {
  const auto grid = basis.fft_grid();
  const auto& e = result.energies;
  nlohmann::ordered_json j;
  j["program"] = "megabar";
  j["task"] = in.task;
  j["total_energy_Ha"] = e.total();
  j["energy_terms_Ha"] = {{"kinetic", e.kinetic}, {"local", e.local},     {"nonlocal", e.nonlocal},
                          {"hartree", e.hartree}, {"xc", e.xc},           {"ewald", e.ewald},
                          {"one_electron", e.kinetic + e.local + e.nonlocal}};
  j["scf"] = {{"iterations", result.iterations},
              {"converged", result.converged},
              {"energy_tolerance_Ha", in.scf.energy_tolerance},
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
    j["forces_terms_Ha_per_bohr"] = {{"local", result.forces_local}, {"nonlocal", result.forces_nonlocal}, {"ewald", result.forces_ewald}};
  }
  if (result.has_stress) {
    auto gpa = [](const dft::Mat3& m) {
      std::vector<std::vector<double>> out(3, std::vector<double>(3));
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) out[a][b] = m[a][b] * units::ha_per_bohr3_in_gpa;
      return out;
    };
    j["stress_GPa"] = gpa(result.stress);
    j["pressure_GPa"] = (result.stress[0][0] + result.stress[1][1] + result.stress[2][2]) / 3.0 * units::ha_per_bohr3_in_gpa;
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
  return j;
}

int run_scf_task(const RunInput& in) {
  const auto t_start = std::chrono::steady_clock::now();
  auto atoms = build_atoms(in);
  dft::Basis basis = make_basis(in, atoms.structure.cell);
  const auto grid = basis.fft_grid();
  check_output_directory(in);

  fmt::print("megabar scf: {} atoms, {} electrons, xc {}\n", atoms.structure.size(), atoms.n_electrons(), in.scf.xc);
  fmt::print("  cell volume {:.4f} bohr^3, ecut {:.4f} Ry (density {:.4f} Ry)\n", atoms.structure.cell.volume,
             in.ecut / units::rydberg, 4 * in.ecut / units::rydberg);
  fmt::print("  FFT grid {} x {} x {}{}, plane waves {} (Gamma half sphere {})\n", grid[0], grid[1], grid[2],
             in.fft_grid ? " (from input)" : "", basis.npw_full(), basis.npw());
  for (auto& sp : atoms.species)
    fmt::print("  {}: {} (Z_ion = {}) from {}\n", sp.element, sp.name, sp.zion, sp.source);
  fmt::print("  {:>4} {:>22} {:>12} {:>11} {:>6} {:>7} {:>8}\n", "iter", "E_total (Ha)", "dE (Ha)", "drho (Ha)", "david", "H*psi", "time (s)");

  dft::ScfResult result;
  try {
    result = dft::run_scf(atoms, basis, in.scf, [&](const dft::ScfIterationInfo& i) {
    fmt::print("  {:>4} {:>22.12f} {:>12.3e} {:>11.3e} {:>6} {:>7} {:>8.2f}\n", i.iteration, i.energy, i.delta_energy,
               i.dr2, i.davidson_iterations, i.h_applications, i.seconds);
      std::fflush(stdout);
    });
  } catch (const std::invalid_argument& e) {  // problems of the input found by the engine (e.g. the cutoff)
    throw std::invalid_argument(in.path + ": " + e.what());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  auto j = results_json(in, basis, result, wall);
  write_atomically(fs::path(in.output_directory) / "results.json", j.dump(1) + "\n");

  const auto& e = result.energies;
  fmt::print("\n  {} after {} iterations in {:.2f} s\n", result.converged ? "SCF converged" : "SCF NOT CONVERGED",
             result.iterations, wall);
  fmt::print("  total energy      {:22.10f} Ha  ({:.6f} eV)\n", e.total(), e.total() * units::hartree_in_ev);
  fmt::print("    kinetic         {:22.10f} Ha\n    local           {:22.10f} Ha\n    nonlocal        {:22.10f} Ha\n",
             e.kinetic, e.local, e.nonlocal);
  fmt::print("    hartree         {:22.10f} Ha\n    xc              {:22.10f} Ha\n    ewald           {:22.10f} Ha\n",
             e.hartree, e.xc, e.ewald);
  if (result.n_bands > result.n_occupied)
    fmt::print("  gap {:.4f} eV\n", (result.eigenvalues[result.n_occupied] - result.eigenvalues[result.n_occupied - 1]) * units::hartree_in_ev);
  if (result.has_stress)
    fmt::print("  pressure {:.4f} GPa (fixed plane-wave set); max |force| {:.3e} Ha/bohr\n",
               (result.stress[0][0] + result.stress[1][1] + result.stress[2][2]) / 3 * units::ha_per_bohr3_in_gpa,
               [&] {
                 double m = 0;
                 for (auto& f : result.forces) m = std::max(m, std::sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]));
                 return m;
               }());
  fmt::print("  HOMO {:.4f} eV; results in {}\n", result.eigenvalues[result.n_occupied - 1] * units::hartree_in_ev,
             (fs::path(in.output_directory) / "results.json").string());
  if (!result.converged) {
    fmt::print(stderr, "error: SCF did not reach the energy tolerance {:.1e} Ha in {} iterations (results.json says converged: false)\n",
               in.scf.energy_tolerance, result.iterations);
    return 2;
  }
  return 0;
}

}  // namespace megabar::app
