// Regression against Quantum ESPRESSO 6.7 (pw.x): every case folder tests/regression/qe/<case>/ holding
// case.json (QE's numbers, made by qe2json.py), megabar.toml (the same problem for megabar: structure,
// cutoff, functional, QE's FFT grid, pseudopotentials) and tolerances.json (Ha per quantity) is one test.
// Folders without case.json (shared-*: references kept outside the repository) are skipped.
//
// The system is built directly from the dft/ API, the same way app/scf_task.cpp does (app/ is not linked
// into the test binary): read_extxyz + read_gth -> Atoms, Basis(cell, ecut, fft_grid), run_scf. The
// compared quantities are QE's printout:
//   total_energy_Ha   E_kin + E_loc + E_nl + E_H + E_xc + E_Ewald
//   one_electron_Ha   E_kin + E_loc + E_nl            ("one-electron contribution")
//   hartree_Ha, xc_Ha, ewald_Ha
// The differences are printed whether or not they pass, so the CI log shows the accuracy.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "app/input.hpp"
#include "core/units.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/gth.hpp"
#include "dft/scf.hpp"
#include "io/extxyz.hpp"
#include "reference_cases.hpp"

namespace {

namespace fs = std::filesystem;
using namespace megabar;

const fs::path kCasesDir = fs::path(MEGABAR_SOURCE_DIR) / "tests" / "regression" / "qe";

std::vector<std::string> case_names() {
  return test::case_folders(kCasesDir, {"case.json", "megabar.toml", "tolerances.json"});
}

dft::Atoms build_atoms(const app::RunInput& in) {
  std::map<std::string, dft::PseudoSource> sources;
  for (const auto& [el, spec] : in.pseudopotentials) sources[el] = {spec.file, spec.name};
  return dft::make_atoms(io::read_extxyz(in.structure_file), sources);
}

void check_case(const std::string& name) {
  const fs::path dir = kCasesDir / name;
  const nlohmann::json ref = test::read_json(dir / "case.json");
  const nlohmann::json tol = test::read_json(dir / "tolerances.json");
  const app::RunInput in = app::read_input((dir / "megabar.toml").string());
  ASSERT_TRUE(in.fft_grid.has_value()) << name << ": megabar.toml must give QE's fft_grid";
  const std::array<int, 3> grid = *in.fft_grid;

  const dft::Atoms atoms = build_atoms(in);
  if (ref.contains("fft_grid")) {
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(grid[i], ref["fft_grid"][i].get<int>()) << "megabar.toml's fft_grid is not QE's";
  }
  const dft::Basis basis(atoms.structure.cell, in.ecut, grid);

  dft::ScfOptions opt = in.scf;
  opt.energy_tolerance = 1e-10;
  const dft::ScfResult r = dft::run_scf(atoms, basis, opt);
  ASSERT_TRUE(r.converged) << name << ": SCF did not converge in " << r.iterations << " iterations";

  const auto& e = r.energies;
  const std::vector<std::pair<std::string, double>> got = {
      {"total_energy_Ha", e.total()}, {"one_electron_Ha", e.kinetic + e.local + e.nonlocal},
      {"hartree_Ha", e.hartree},      {"xc_Ha", e.xc},
      {"ewald_Ha", e.ewald},
  };
  std::printf("[qe-reference] %s: %s, ecut %.1f Ry, grid %dx%dx%d, %d SCF iterations\n", name.c_str(), opt.xc.c_str(),
              in.ecut / units::rydberg, grid[0], grid[1], grid[2], r.iterations);
  std::printf("[qe-reference]   %-16s %20s %20s %12s %10s\n", "quantity", "megabar (Ha)", "QE (Ha)", "diff (Ha)",
              "tol (Ha)");
  for (const auto& [key, value] : got) {
    ASSERT_TRUE(ref.contains(key)) << "case.json lacks " << key;
    const double qe = ref[key].get<double>();
    const double t = tol.value(key, 1e-5);
    const double diff = value - qe;
    std::printf("[qe-reference]   %-16s %20.10f %20.10f %+12.3e %10.1e %s\n", key.c_str(), value, qe, diff, t,
                std::abs(diff) <= t ? "ok" : "FAIL");
    EXPECT_LE(std::abs(diff), t) << name << ": " << key << " megabar " << value << " QE " << qe;
  }
  std::fflush(stdout);

  // Forces (QE removes the net force; so does megabar's `forces`).
  if (ref.contains("forces_Ha_per_bohr")) {
    const auto& fq = ref["forces_Ha_per_bohr"];
    ASSERT_EQ(fq.size(), r.forces.size());
    const double t = tol.value("forces_Ha_per_bohr", 5e-5);
    double worst = 0;
    for (std::size_t a = 0; a < r.forces.size(); ++a)
      for (int d = 0; d < 3; ++d) {
        const double diff = r.forces[a][d] - fq[a][d].get<double>();
        worst = std::max(worst, std::abs(diff));
        EXPECT_LE(std::abs(diff), t) << name << ": force on atom " << a << " component " << d;
      }
    std::printf("[qe-reference]   %-16s max |megabar - QE| = %.3e Ha/bohr (tol %.1e)\n", "forces", worst, t);
  }
  // Stress (QE's sign and units: GPa) and pressure.
  if (ref.contains("stress_GPa")) {
    ASSERT_TRUE(r.has_stress);
    const double t = tol.value("stress_GPa", 0.05);
    double worst = 0;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        const double diff = r.stress[a][b] * units::ha_per_bohr3_in_gpa - ref["stress_GPa"][a][b].get<double>();
        worst = std::max(worst, std::abs(diff));
        EXPECT_LE(std::abs(diff), t) << name << ": stress component " << a << b;
      }
    std::printf("[qe-reference]   %-16s max |megabar - QE| = %.3e GPa (tol %.2f); pressure %.3f GPa (QE %.3f)\n",
                "stress", worst, t, (r.stress[0][0] + r.stress[1][1] + r.stress[2][2]) / 3 * units::ha_per_bohr3_in_gpa,
                ref.value("pressure_GPa", 0.0));
  }
  if (ref.contains("n_electrons")) EXPECT_DOUBLE_EQ(r.n_electrons, ref["n_electrons"].get<double>());
  if (ref.contains("n_bands")) EXPECT_EQ(r.n_occupied, ref["n_bands"].get<int>());
}

[[maybe_unused]] const bool registered = test::register_cases("QeReference", case_names(), check_case);

TEST(QeReferenceCases, AtLeastOneCaseFolder) {
  EXPECT_FALSE(case_names().empty()) << "no case folder with case.json, megabar.toml and tolerances.json in "
                                     << kCasesDir;
}

}  // namespace
