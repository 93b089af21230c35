// Regression against ABINIT 9.6 and Quantum ESPRESSO 6.7 with the PseudoDojo NC-SR 0.4 LDA (PW92) ONCV
// pseudopotentials of Debian's abinit-data, read from the package's folder (dft::pseudodojo_dir), never from
// a copy. Every folder tests/regression/abinit-oncv/<case>/ holding cell.extxyz and case.json (ABINIT, made by
// make_references.sh) is one test, OncvReference.<case>; qe.json (pw.x with the same potential as UPF v2) is
// compared too where present. Both references use the case's FFT grid; megabar takes the functional from the
// files (no dft.xc) and its cutoff and grid from case.json.
//
// Tolerances: those the project promises against ABINIT at 60-100 Ry (total energy 5e-5 Ha, forces 5e-5
// Ha/bohr, stress 0.05 GPa), and the same against pw.x. A case folder's tolerances.json may loosen the ABINIT
// ones, with its reason: ABINIT builds the model core charge in real space on the whole FFT box, pw.x and
// megabar on the density sphere, which differs by ~2 mHa at 40 Ry (README.md there).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/pseudo_nc.hpp"
#include "dft/scf.hpp"
#include "io/extxyz.hpp"
#include "reference_cases.hpp"

namespace {

namespace fs = std::filesystem;
using namespace megabar;

const fs::path kCasesDir = fs::path(MEGABAR_SOURCE_DIR) / "tests" / "regression" / "abinit-oncv";

std::string pseudo_dir() { return dft::pseudodojo_dir(MEGABAR_PSEUDODOJO_DIR_DEFAULT); }

std::vector<std::string> case_names() { return test::case_folders(kCasesDir, {"case.json", "cell.extxyz"}); }

struct Tolerances {
  double energy = 5e-5, force = 5e-5, stress = 0.05;
};

// megabar's numbers against one reference file; prints every difference.
void compare(const std::string& name, const std::string& code, const dft::ScfResult& r, const nlohmann::json& ref,
             const Tolerances& tol) {
  const double e = r.energies.total(), e_ref = ref["total_energy_Ha"].get<double>();
  std::printf("[oncv-reference] %s vs %s: E %.8f (ref %.8f, diff %+.2e, tol %.1e)\n", name.c_str(), code.c_str(), e,
              e_ref, e - e_ref, tol.energy);
  EXPECT_LE(std::abs(e - e_ref), tol.energy) << name << " vs " << code << ": total energy";
  const auto& f = ref["forces_Ha_per_bohr"];
  ASSERT_EQ(f.size(), r.forces.size());
  double worst_f = 0;
  for (std::size_t a = 0; a < r.forces.size(); ++a)
    for (int d = 0; d < 3; ++d) worst_f = std::max(worst_f, std::abs(r.forces[a][d] - f[a][d].get<double>()));
  EXPECT_LE(worst_f, tol.force) << name << " vs " << code << ": forces";
  double worst_s = 0;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      worst_s = std::max(worst_s,
                         std::abs(r.stress[a][b] * units::ha_per_bohr3_in_gpa - ref["stress_GPa"][a][b].get<double>()));
  EXPECT_LE(worst_s, tol.stress) << name << " vs " << code << ": stress";
  const double p = (r.stress[0][0] + r.stress[1][1] + r.stress[2][2]) / 3 * units::ha_per_bohr3_in_gpa;
  std::printf(
      "[oncv-reference]   max |dF| %.2e Ha/bohr (tol %.1e), max |d sigma| %.3e GPa (tol %.2f), P %.3f GPa (ref %.3f)\n",
      worst_f, tol.force, worst_s, tol.stress, p, ref.value("pressure_GPa", 0.0));
  std::fflush(stdout);
}

void check_case(const std::string& name) {
  const std::string dir_pp = pseudo_dir();
  ASSERT_FALSE(dir_pp.empty()) << "abinit-data's PseudoDojo folder not found: scripts/setup installs the package "
                                  "(or set MEGABAR_PSEUDODOJO_DIR)";
  const fs::path dir = kCasesDir / name;
  const nlohmann::json ref = test::read_json(dir / "case.json");
  Tolerances abinit_tol;
  if (fs::exists(dir / "tolerances.json")) {
    const auto t = test::read_json(dir / "tolerances.json");
    abinit_tol.energy = t.value("abinit_total_energy_Ha", abinit_tol.energy);
    abinit_tol.force = t.value("abinit_forces_Ha_per_bohr", abinit_tol.force);
    abinit_tol.stress = t.value("abinit_stress_GPa", abinit_tol.stress);
  }
  std::map<std::string, dft::PseudoSource> sources = {{"B", {dir_pp + "/B.psp8", ""}}, {"O", {dir_pp + "/O.psp8", ""}}};
  const dft::Atoms atoms = dft::make_atoms(io::read_extxyz((dir / "cell.extxyz").string()), sources);
  std::array<int, 3> grid{};
  for (int i = 0; i < 3; ++i) grid[i] = ref["fft_grid"][i].get<int>();
  const double ecut = ref["ecut_Ry"].get<double>() * units::rydberg;
  const dft::Basis basis(atoms.structure.cell, ecut, grid);

  dft::ScfOptions opt;
  opt.xc = atoms.species[0].xc;  // the files' functional (app::read_input does the same when dft.xc is omitted)
  ASSERT_EQ(opt.xc, "LDA-PW92");
  opt.energy_tolerance = 1e-10;
  opt.max_iterations = 200;
  opt.compute_forces = opt.compute_stress = true;
  const dft::ScfResult r = dft::run_scf(atoms, basis, opt);
  ASSERT_TRUE(r.converged) << name << ": SCF did not converge in " << r.iterations << " iterations";
  EXPECT_DOUBLE_EQ(r.n_electrons, ref["n_electrons"].get<double>());
  compare(name, "ABINIT", r, ref, abinit_tol);
  if (fs::exists(dir / "qe.json")) compare(name, "pw.x", r, test::read_json(dir / "qe.json"), Tolerances{});
}

[[maybe_unused]] const bool registered = test::register_cases("OncvReference", case_names(), check_case);

TEST(OncvReferenceCases, AtLeastOneCaseFolder) {
  EXPECT_FALSE(case_names().empty()) << "no case folder with case.json and cell.extxyz in " << kCasesDir;
}

}  // namespace
