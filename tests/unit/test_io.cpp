// io/: the one extended XYZ reader and writer (both number formats byte for byte as earlier versions wrote
// them, tolerant reading) and atomic file replacement.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "io/atomic_file.hpp"
#include "io/extxyz.hpp"

#include "md_io_test_helpers.hpp"

namespace {

using namespace megabar;
using namespace megabar::md_io_test;

const std::vector<std::string> kSymbols{"B", "O", "O"};

core::Structure structure() {
  core::Structure s;
  s.cell = core::Cell::from_lattice({{{9.1, 0.0, 0.0}, {1.3, 8.7, 0.0}, {0.4, -0.7, 10.2}}});
  s.symbols = kSymbols;
  s.positions = {{0.1, 2.0 / 3.0, -1.7}, {4.4, 3.3, 1e-9}, {-0.0, 8.25, 5.125}};
  return s;
}

// What megabar's structure writer printed before io/ existed (std::ostream, fixed, 10 decimals, double
// arithmetic): the format write_extxyz keeps.
std::string earlier_structure_text(const core::Structure& s, const std::vector<core::Vec3>* forces,
                                   const double* energy) {
  std::ostringstream out;
  out.precision(10);
  out << std::fixed;
  out << s.size() << "\n";
  out << "Lattice=\"";
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) out << (i || k ? " " : "") << s.cell.lattice[i][k] / units::angstrom;
  out << "\" Properties=species:S:1:pos:R:3" << (forces ? ":forces:R:3" : "");
  if (energy) out << " energy=" << *energy * units::hartree_in_ev;
  out << " pbc=\"T T T\"\n";
  const double ev_per_angstrom = units::hartree_in_ev * units::angstrom;
  for (std::size_t a = 0; a < s.size(); ++a) {
    out << s.symbols[a];
    for (int k = 0; k < 3; ++k) out << " " << s.positions[a][k] / units::angstrom;
    if (forces)
      for (int k = 0; k < 3; ++k) out << " " << (*forces)[a][k] * ev_per_angstrom;
    out << "\n";
  }
  return out.str();
}

TEST(IoExtxyz, StructureFilesKeepTheirTenDecimals) {
  TempDir dir;
  const core::Structure s = structure();
  const std::vector<core::Vec3> forces{{1e-3, -2e-3, 0.0}, {0.25, 1.0 / 7.0, -0.0}, {-1e-5, 3e-4, 2.5}};
  const double energy = -34.56789012345;

  const std::string plain = dir.file("plain.extxyz");
  io::write_extxyz(plain, s);
  EXPECT_EQ(slurp(plain), earlier_structure_text(s, nullptr, nullptr));

  const std::string relax = dir.file("relax.extxyz");
  io::write_extxyz(relax, s, &forces, &energy);
  io::write_extxyz(relax, s, &forces, &energy, /*append=*/true);
  const std::string frame = earlier_structure_text(s, &forces, &energy);
  EXPECT_EQ(slurp(relax), frame + frame);
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"plain.extxyz", "relax.extxyz"}));  // no temporary left
}

// The MD frame format of earlier versions: 21 significant digits of the long-double product.
std::string earlier_number(double x, long double per_au) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.21Lg", static_cast<long double>(x) * per_au);
  return buffer;
}

TEST(IoExtxyz, MdFramesKeepTheir21Digits) {
  io::Frame f;
  f.step = 120;
  f.time = 60.0 * units::femtosecond;
  f.structure = structure();
  f.masses = {10.81 * units::amu, 15.999 * units::amu, 1.0 / 3.0};
  f.velocities = {{1e-4, -2e-4, 1.0 / 3.0}, {0, 0, 0}, {-0.0, 5e-310, 7e-3}};
  f.stress = {{{1e-3, 2e-5, -0.0}, {2e-5, -4e-4, 1.0 / 3.0}, {-0.0, 1.0 / 3.0, 5e-310}}};
  f.forces = {{1e-3, -2e-3, 0.0}, {0.25, 1.0 / 7.0, -0.0}, {-1e-5, 3e-4, 2.5}};
  f.potential_energy = -34.5;
  f.kinetic_energy = 0.0123;
  f.total_energy = f.potential_energy + f.kinetic_energy;
  f.conserved_energy = -34.4;
  f.temperature = 1500.25;
  f.pressure = 1e-3;
  f.scf_iterations = 9;
  const long double A = units::bohr_in_angstrom, ev = units::hartree_in_ev;
  const long double force = ev / A, amu = 1.0L / units::amu;
  const long double momentum = std::sqrt(static_cast<long double>(units::hartree_in_ev) / units::amu);
  const long double stress = -ev / (A * A * A);
  std::string expected = "3\nLattice=\"";
  for (int i = 0; i < 9; ++i) expected += (i ? " " : "") + earlier_number(f.structure.cell.lattice[i / 3][i % 3], A);
  expected += "\" Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:forces:R:3 step=120 time_fs=" +
              earlier_number(f.time, 1.0L / units::femtosecond) + " energy=" + earlier_number(f.potential_energy, ev) +
              " kinetic_energy_eV=" + earlier_number(f.kinetic_energy, ev) +
              " total_energy_eV=" + earlier_number(f.total_energy, ev) +
              " conserved_energy_eV=" + earlier_number(f.conserved_energy, ev) +
              " temperature_K=" + earlier_number(f.temperature, 1.0L) +
              " pressure_GPa=" + earlier_number(f.pressure, units::ha_per_bohr3_in_gpa) + " stress=\"";
  for (int i = 0; i < 9; ++i) expected += (i ? " " : "") + earlier_number(f.stress[i / 3][i % 3], stress);
  expected += "\" scf_iterations=9 pbc=\"T T T\"\n";
  for (int a = 0; a < 3; ++a) {
    expected += kSymbols[a];
    for (int k = 0; k < 3; ++k) expected += " " + earlier_number(f.structure.positions[a][k], A);
    expected += " " + earlier_number(f.masses[a], amu);
    for (int k = 0; k < 3; ++k) {
      char p[64];
      std::snprintf(p, sizeof p, "%.21Lg", static_cast<long double>(f.masses[a]) * f.velocities[a][k] * momentum);
      expected += std::string(" ") + p;
    }
    for (int k = 0; k < 3; ++k) expected += " " + earlier_number(f.forces[a][k], force);
    expected += "\n";
  }
  EXPECT_EQ(io::format_extxyz_frame(f, kSymbols), expected);
}

// What ASE writes for atoms with momenta and a calculator's stress (Voigt) and no masses column: velocities
// from the momenta and the elements' conventional masses (ASE's too), the stress with megabar's sign; a
// `vel` column in angstrom/fs (earlier versions' files) is read as before.
TEST(IoExtxyz, ReadsAsesMomentaAndStressAndEarlierVelocities) {
  TempDir dir;
  const std::string path = dir.file("ase.extxyz");
  // B with v = (1, 0, -2) angstrom/fs: in ASE's units p = m v / ase.units.fs
  const double ase_fs = 0.09822694788464063;  // ase.units.fs (ASE 3.22, CODATA 2014)
  std::ofstream(path) << std::setprecision(17)
                      << "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:momenta:R:3:forces:R:3 "
                      << "energy=-10.5 stress=\"-0.01 -0.02 -0.03 0.004 0.005 0.006\" pbc=\"T T T\"\n"
                      << "B 0 0 0 " << 10.81 / ase_fs << " 0 " << -2 * 10.81 / ase_fs << " 0.1 0 0\n"
                      << "O 1.2 0 0 0 0 0 -0.1 0 0\n";
  const io::Frame f = io::read_extxyz_frames(path).at(0);
  ASSERT_EQ(f.velocities.size(), 2u);
  const double fs = units::femtosecond, A = units::angstrom;
  EXPECT_NEAR(f.velocities[0][0] / (A / fs), 1.0, 1e-7);  // CODATA 2014 (ASE) against 2018 (megabar)
  EXPECT_NEAR(f.velocities[0][2] / (A / fs), -2.0, 2e-7);
  EXPECT_EQ(f.velocities[1][0], 0.0);
  EXPECT_DOUBLE_EQ(f.masses[1], 15.999 * units::amu);
  const double gpa = units::ha_per_bohr3_in_gpa, ev_per_a3_in_gpa = 160.21766208;
  EXPECT_NEAR(f.stress[0][0] * gpa, 0.01 * ev_per_a3_in_gpa, 1e-6);  // QE's sign: +
  EXPECT_NEAR(f.stress[2][2] * gpa, 0.03 * ev_per_a3_in_gpa, 1e-6);
  EXPECT_NEAR(f.stress[1][2] * gpa, -0.004 * ev_per_a3_in_gpa, 1e-6);  // Voigt 4: yz
  EXPECT_NEAR(f.stress[0][2] * gpa, -0.005 * ev_per_a3_in_gpa, 1e-6);  // 5: xz
  EXPECT_NEAR(f.stress[1][0] * gpa, -0.006 * ev_per_a3_in_gpa, 1e-6);  // 6: xy

  std::ofstream(path) << "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:vel:R:3\nB 0 0 0 0.5 0 0\n";
  const io::Frame old = io::read_extxyz_frames(path).at(0);
  EXPECT_DOUBLE_EQ(old.velocities.at(0)[0], 0.5 * A / fs);
  EXPECT_TRUE(old.masses.empty());
  EXPECT_TRUE(std::isnan(old.stress[0][0]));  // unknown, not zero

  std::ofstream(path)
      << "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:momenta:R:3\nXx 0 0 0 1 0 0\n";
  std::string message = error_of([&] { io::read_extxyz_frames(path); });
  EXPECT_NE(message.find("ase.extxyz:3"), std::string::npos) << message;
  EXPECT_NE(message.find("masses"), std::string::npos) << message;
  std::ofstream(path) << "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3\n"
                      << "B 0 0 0 -1 1 0 0\n";
  message = error_of([&] { io::read_extxyz_frames(path); });
  EXPECT_NE(message.find("positive"), std::string::npos) << message;
  std::ofstream(path) << "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 stress=\"1 2 3\"\nB 0 0 0\n";
  message = error_of([&] { io::read_extxyz_frames(path); });
  EXPECT_NE(message.find("ase.extxyz:2"), std::string::npos) << message;
  EXPECT_NE(message.find("stress"), std::string::npos) << message;
}

TEST(IoExtxyz, KeysMatchWhateverTheirCase) {
  TempDir dir;
  const std::string path = dir.file("mixed.extxyz");
  std::ofstream(path)
      << "1\nlattice=\"5 0 0 0 5 0 0 0 5\" PROPERTIES=pos:R:3:species:S:1 Step=7 TIME_FS=2.5 Energy=-1\n"
      << "0.5 0 0 Si\n";
  EXPECT_EQ(io::read_extxyz(path).symbols, std::vector<std::string>{"Si"});  // columns found by name
  const io::Frame f = io::read_extxyz_frames(path).at(0);
  EXPECT_EQ(f.step, 7);
  EXPECT_DOUBLE_EQ(f.time, 2.5 * units::femtosecond);
  EXPECT_DOUBLE_EQ(f.potential_energy, -1.0 / units::hartree_in_ev);
  EXPECT_NEAR(f.structure.cell.volume / std::pow(5.0 * units::angstrom, 3), 1.0, 1e-14);
  EXPECT_DOUBLE_EQ(f.structure.positions.at(0)[0], 0.5 * units::angstrom);
}

// Input structures: the first frame only, lengths converted in double as megabar always did.
TEST(IoExtxyz, StructureReaderTakesTheFirstFrameInDouble) {
  TempDir dir;
  const std::string path = dir.file("two.extxyz");
  std::ofstream(path) << "2\nLattice=\"5.1 0 0 0 5.2 0 0 0 5.3\" Properties=species:S:1:pos:R:3:forces:R:3\n"
                      << "B 0.123456789 1.1 2.2 0 0 0\nO 1.7 0.3 4.9 0 0 0\n"
                      << "2\nnot a comment line\nB 0 0 0\n";
  const core::Structure s = io::read_extxyz(path);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.positions[0][0], std::strtod("0.123456789", nullptr) * units::angstrom);
  EXPECT_EQ(s.cell.lattice[1][1], 5.2 * units::angstrom);
  const std::string message = error_of([&] { io::read_extxyz_frames(path); });
  EXPECT_NE(message.find("two.extxyz:6:"), std::string::npos) << message;  // the second frame's comment line

  const std::string empty = dir.file("empty.extxyz");
  std::ofstream(empty) << "\n";
  EXPECT_NE(error_of([&] { io::read_extxyz(empty); }).find("empty.extxyz:1:"), std::string::npos);
  const std::string infinite = dir.file("infinite.extxyz");
  std::ofstream(infinite) << "1\nLattice=\"5 0 0 0 5 0 0 0 5\"\nB inf 0 0\n";
  EXPECT_NE(error_of([&] { io::read_extxyz(infinite); }).find("not a finite number"), std::string::npos);
  EXPECT_THROW(io::read_extxyz(dir.file("missing.extxyz")), std::invalid_argument);
}

TEST(IoExtxyz, ACountLineThatSaysTooFewAtomsIsAnError) {
  TempDir dir;
  const std::string path = dir.file("short.extxyz");
  std::ofstream(path) << "1\nLattice=\"5 0 0 0 5 0 0 0 5\"\nB 0 0 0\nO 1.4 0 0\n";  // 2 atoms, count 1
  const std::string message = error_of([&] { io::read_extxyz(path); });
  EXPECT_NE(message.find("short.extxyz:4:"), std::string::npos) << message;
  EXPECT_NE(message.find("after the 1 atoms of the count line"), std::string::npos) << message;
  // A next frame, or blank lines, after the counted atoms are fine.
  const std::string two = dir.file("fine.extxyz");
  std::ofstream(two) << "1\nLattice=\"5 0 0 0 5 0 0 0 5\"\nB 0 0 0\n\n1\nLattice=\"5 0 0 0 5 0 0 0 5\"\nB 1 0 0\n\n";
  EXPECT_EQ(io::read_extxyz(two).size(), 1u);
  EXPECT_EQ(io::read_extxyz_frames(two).size(), 2u);
}

TEST(IoAtomicFile, TemporariesOfDeadProcessesAreRemoved) {
  TempDir dir;
  const std::string path = dir.file("results.json");
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // now a pid without a process
  const std::string dead = path + ".tmp." + std::to_string(child), alive = path + ".tmp.1";
  std::ofstream(dead) << "partial";
  std::ofstream(alive) << "another process's";
  io::replace_file(path, "{}\n");
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(alive));  // pid 1 runs: not ours to remove
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(IoAtomicFile, FailuresKeepTheOldFilesAndLeaveNoTemporary) {
  TempDir dir;
  const std::string a = dir.file("a.txt"), b = dir.file("b.txt");
  io::replace_file(a, "old a\n");
  io::replace_file(a, "new a\n");
  EXPECT_EQ(slurp(a), "new a\n");

  // A writer that fails half-way: the old file stays, the temporary is removed.
  EXPECT_THROW(io::replace_file(a,
                                [](const std::string& temporary) {
                                  std::ofstream(temporary) << "half";
                                  throw std::runtime_error("disk full");
                                }),
               std::runtime_error);
  EXPECT_EQ(slurp(a), "new a\n");

  // Several files: the rename of the second fails (a non-empty directory is in the way); the first is
  // replaced, the second's temporary removed.
  std::filesystem::create_directories(std::filesystem::path(b) / "inside");
  EXPECT_THROW(io::replace_files({{a, "third a\n"}, {b, "b\n"}}), std::runtime_error);
  EXPECT_EQ(slurp(a), "third a\n");
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"a.txt", "b.txt"}));
}

}  // namespace
