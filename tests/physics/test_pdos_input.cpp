// The [pdos] input section (app/input.cpp, docs/input.md): defaults, units, how empty_bands sets the SCF's
// extra bands, and errors that name the key.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "app/input.hpp"
#include "input_error.hpp"
#include "core/units.hpp"

namespace {

namespace fs = std::filesystem;
using megabar::app::read_input;

std::string write_input(const std::string& name, const std::string& task, const std::string& extra) {
  const fs::path dir = fs::temp_directory_path() / (std::string("megabar-test-pdos-input-") +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(dir);
  const std::string pp = std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/";
  std::ofstream out(dir / name);
  out << "task = \"" << task << "\"\n[structure]\nfile = \"" << MEGABAR_SOURCE_DIR << "/inputs/b2o3-I/cell.extxyz\"\n"
      << "[dft]\necut = \"25 Ry\"\n"
      << "[dft.pseudopotentials]\nB = \"" << pp << "B-GTH-PBE.gth\"\nO = \"" << pp << "O-GTH-PBE.gth\"\n"
      << extra;
  return (dir / name).string();
}

std::string error_of(const std::string& path) { return megabar::test::input_error(path); }

TEST(PdosInput, DefaultsAndUnits) {
  const auto in = read_input(write_input("a.toml", "scf", "[pdos]\nempty_bands = 24\n"));
  ASSERT_TRUE(in.pdos.has_value());
  EXPECT_EQ(in.pdos->empty_bands, 24);
  EXPECT_EQ(in.scf.extra_bands, 24);
  EXPECT_NEAR(in.pdos->broadening, 0.2 * megabar::units::ev, 1e-15);
  EXPECT_NEAR(in.pdos->energy_step, 0.01 * megabar::units::ev, 1e-15);
  EXPECT_NEAR(in.pdos->ec_window, 10 * megabar::units::ev, 1e-15);
  EXPECT_TRUE(std::isnan(in.pdos->energy_min));
  EXPECT_TRUE(std::isnan(in.pdos->energy_max));

  const auto b = read_input(write_input(
      "b.toml", "scf",
      "[pdos]\nempty_bands = 8\nbroadening = \"0.01 Ha\"\nenergy_step = \"0.02 eV\"\nenergy_min = \"-30 eV\"\n"
      "energy_max = \"1 Ha\"\nec_window = \"0.5 Ry\"\n"));
  EXPECT_EQ(b.scf.extra_bands, 8);
  EXPECT_DOUBLE_EQ(b.pdos->broadening, 0.01);
  EXPECT_NEAR(b.pdos->energy_min, -30 * megabar::units::ev, 1e-14);
  EXPECT_DOUBLE_EQ(b.pdos->energy_max, 1.0);
  EXPECT_DOUBLE_EQ(b.pdos->ec_window, 0.25);

  const auto none = read_input(write_input("c.toml", "scf", ""));
  EXPECT_FALSE(none.pdos.has_value());
}

TEST(PdosInput, TheB2O3ExampleParses) {
  const auto in = read_input(std::string(MEGABAR_SOURCE_DIR) + "/inputs/b2o3-I/pdos.toml");
  ASSERT_TRUE(in.pdos.has_value());
  EXPECT_EQ(in.task, "scf");
  EXPECT_EQ(in.pdos->empty_bands, 24);
  EXPECT_EQ(in.scf.extra_bands, 24);
  EXPECT_NEAR(in.ecut, 30.0, 1e-12);
  EXPECT_NEAR(in.pdos->broadening, 0.2 * megabar::units::ev, 1e-15);
}

TEST(PdosInput, TheOncvExampleParsesWithTheFilesFunctional) {
  const auto in = read_input(std::string(MEGABAR_SOURCE_DIR) + "/inputs/b2o3-I/pdos-oncv.toml");
  ASSERT_TRUE(in.pdos.has_value());
  EXPECT_EQ(in.scf.xc, "LDA-PW92");  // no dft.xc: the psp8 files' pspxc -1012
  EXPECT_EQ(in.scf.extra_bands, 24);
  EXPECT_NEAR(in.ecut, 40.0, 1e-12);
}

TEST(PdosInput, EmptyBandsAndExtraBandsTakeTheLarger) {
  const std::string pp = std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/";
  auto with_extra = [&](int extra, int empty) {
    const fs::path dir = fs::temp_directory_path() / (std::string("megabar-test-pdos-input-") +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    std::ofstream out(dir / "d.toml");
    out << "task = \"scf\"\n[structure]\nfile = \"" << MEGABAR_SOURCE_DIR << "/inputs/b2o3-I/cell.extxyz\"\n"
        << "[dft]\necut = \"25 Ry\"\nextra_bands = " << extra << "\n"
        << "[dft.pseudopotentials]\nB = \"" << pp << "B-GTH-PBE.gth\"\nO = \"" << pp << "O-GTH-PBE.gth\"\n"
        << "[pdos]\nempty_bands = " << empty << "\n";
    out.close();
    return read_input((dir / "d.toml").string()).scf.extra_bands;
  };
  EXPECT_EQ(with_extra(4, 24), 24);
  EXPECT_EQ(with_extra(30, 24), 30);
}

TEST(PdosInput, ErrorsNameTheKey) {
  EXPECT_NE(error_of(write_input("e1.toml", "scf", "[pdos]\nbroadening = \"0.2 eV\"\n")).find("pdos.empty_bands"),
            std::string::npos);
  EXPECT_NE(error_of(write_input("e2.toml", "scf", "[pdos]\nempty_bands = 0\n")).find("pdos.empty_bands"),
            std::string::npos);
  EXPECT_NE(
      error_of(write_input("e3.toml", "scf", "[pdos]\nempty_bands = 4\nbroadening = 0.2\n")).find("pdos.broadening"),
      std::string::npos);
  EXPECT_NE(error_of(write_input("e4.toml", "scf", "[pdos]\nempty_bands = 4\nbroadening = \"0.2 K\"\n"))
                .find("pdos.broadening"),
            std::string::npos);
  EXPECT_NE(error_of(write_input("e5.toml", "scf", "[pdos]\nempty_bands = 4\nbroadening = \"-0.2 eV\"\n"))
                .find("must be positive"),
            std::string::npos);
  EXPECT_NE(error_of(write_input("e6.toml", "scf", "[pdos]\nempty_bands = 4\nsigma = \"0.2 eV\"\n")).find("pdos.sigma"),
            std::string::npos);
  EXPECT_NE(
      error_of(write_input("e7.toml", "scf", "[pdos]\nempty_bands = 4\nenergy_min = \"5 eV\"\nenergy_max = \"1 eV\"\n"))
          .find("pdos.energy_max"),
      std::string::npos);
  EXPECT_NE(error_of(write_input("e8.toml", "relax", "[pdos]\nempty_bands = 4\n"))
                .find("[pdos] is only used with task = \"scf\""),
            std::string::npos);
}

}  // namespace

namespace {

const char* kMd = "[md]\nensemble = \"nve\"\ntimestep = \"1 fs\"\nsteps = 4\ninitial_temperature = \"300 K\"\n";

TEST(PdosInput, MdPdosEveryNeedsPdosAndSetsTheEmptyBands) {
  const auto off = read_input(write_input("m0.toml", "md", kMd));
  EXPECT_EQ(off.md.pdos_every, 0);
  EXPECT_FALSE(off.pdos.has_value());
  const auto on = read_input(write_input(
      "m1.toml", "md", std::string(kMd) + "pdos_every = 5\n[pdos]\nempty_bands = 12\nbroadening = \"0.1 eV\"\n"));
  EXPECT_EQ(on.md.pdos_every, 5);
  ASSERT_TRUE(on.pdos.has_value());
  EXPECT_EQ(on.scf.extra_bands, 12);  // converged at every MD step
  EXPECT_NEAR(on.pdos->broadening, 0.1 * megabar::units::ev, 1e-15);

  auto has = [](const std::string& error, const std::string& what) { return error.find(what) != std::string::npos; };
  // [pdos] without pdos_every (e.g. a campaign's base input): read and checked, but unused, and no
  // empty bands are added to the MD's SCF.
  const auto idle = read_input(write_input("m2.toml", "md", std::string(kMd) + "[pdos]\nempty_bands = 12\n"));
  EXPECT_FALSE(idle.pdos.has_value());
  EXPECT_EQ(idle.scf.extra_bands, 0);
  EXPECT_TRUE(has(error_of(write_input("m2b.toml", "md", std::string(kMd) + "[pdos]\nempty_bands = -3\n")),
                  "pdos.empty_bands"));
  EXPECT_TRUE(has(error_of(write_input("m3.toml", "md", std::string(kMd) + "pdos_every = 5\n")),
                  "md.pdos_every needs a [pdos] table"));
  EXPECT_TRUE(
      has(error_of(write_input("m4.toml", "md",
                               std::string(kMd) + "trajectory_every = 2\npdos_every = 5\n[pdos]\nempty_bands = 4\n")),
          "md.pdos_every"));
  EXPECT_TRUE(
      has(error_of(write_input("m5.toml", "md",
                               std::string(kMd) + "pdos_every = 2\n[pdos]\nempty_bands = 4\nenergy_min = \"-5 eV\"\n")),
          "pdos.energy_min"));
  EXPECT_TRUE(
      has(error_of(write_input("m6.toml", "md", std::string(kMd) + "pdos_every = -1\n[pdos]\nempty_bands = 4\n")),
          "md.pdos_every"));
}

}  // namespace
