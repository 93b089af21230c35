// scf.convergence (app/input.cpp, docs/input.md): MD steps are judged on the density residual alone with
// dr2's bound half the energy tolerance unless given; scf and relax keep the energy-and-density test;
// an explicit criterion wins and an unknown one is refused with the key named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/input.hpp"
#include "input_error.hpp"

namespace {

namespace fs = std::filesystem;
using megabar::app::read_input;

std::string write_input(const std::string& task, const std::string& scf_lines) {
  const fs::path dir = fs::temp_directory_path() / (std::string("megabar-test-scf-convergence-") +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(dir);
  const std::string gth = std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/";
  std::ofstream out(dir / "in.toml");
  out << "task = \"" << task << "\"\n[structure]\nfile = \"" << MEGABAR_SOURCE_DIR
      << "/inputs/b2o3-I/cell.extxyz\"\n[dft]\necut = \"25 Ry\"\n[dft.pseudopotentials]\nB = \"" << gth
      << "B-GTH-PBE.gth\"\nO = \"" << gth << "O-GTH-PBE.gth\"\n[scf]\nenergy_tolerance = \"2e-8 Ha\"\n"
      << scf_lines;
  if (task == "md") out << "[md]\nsteps = 2\ntimestep = \"0.5 fs\"\ninitial_temperature = \"300 K\"\n";
  return (dir / "in.toml").string();
}

TEST(ScfConvergenceInput, MdDefaultsToTheDensityTestAtTheEnergyTolerance) {
  const auto in = read_input(write_input("md", ""));  // energy_tolerance 2e-8 Ha
  EXPECT_FALSE(in.scf.energy_change_test);
  EXPECT_DOUBLE_EQ(in.scf.density_tolerance, 2e-8);  // QE's conv_thr test (dft/scf_control.hpp)
}

TEST(ScfConvergenceInput, ScfAndRelaxKeepTheEnergyAndDensityTest) {
  for (const char* task : {"scf", "relax"}) {
    const auto in = read_input(write_input(task, ""));
    EXPECT_TRUE(in.scf.energy_change_test) << task;
    EXPECT_LE(in.scf.density_tolerance, 0.0) << task << ": dr2's bound is energy_tolerance itself";
  }
}

TEST(ScfConvergenceInput, AnExplicitCriterionAndDensityToleranceWin) {
  auto in = read_input(write_input("md", "convergence = \"energy_and_density\"\n"));
  EXPECT_TRUE(in.scf.energy_change_test);
  EXPECT_LE(in.scf.density_tolerance, 0.0);
  in = read_input(write_input("md", "density_tolerance = \"3e-9 Ha\"\n"));
  EXPECT_FALSE(in.scf.energy_change_test);
  EXPECT_DOUBLE_EQ(in.scf.density_tolerance, 3e-9);
  in = read_input(write_input("scf", "convergence = \"density\"\n"));
  EXPECT_FALSE(in.scf.energy_change_test);
}

TEST(ScfConvergenceInput, AnUnknownCriterionIsRefusedWithTheKeyNamed) {
  const std::string msg = megabar::test::input_error(write_input("scf", "convergence = \"forces\"\n"));
  EXPECT_NE(msg.find("scf.convergence"), std::string::npos) << msg;
  EXPECT_NE(msg.find("energy_and_density"), std::string::npos) << msg;
}

}  // namespace
