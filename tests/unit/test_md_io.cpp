// MD trajectory I/O: H5MD + extended XYZ, resumed at a checkpoint and rebuilt after a crash.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/version.hpp"
#include "core/units.hpp"
#include "io/extxyz.hpp"
#include "io/h5file.hpp"
#include "md/checkpoint.hpp"
#include "md/trajectory.hpp"

#include "md_io_test_helpers.hpp"

namespace fs = std::filesystem;
using namespace megabar;
using namespace megabar::md_io_test;

// ---- trajectory ---------------------------------------------------------------------------------------
namespace {

const std::vector<std::string> kSymbols{"B", "O", "O"};

// Frame i of a made-up NPT run of 3 atoms in a triclinic cell that changes from frame to frame, with a
// few values that only an exact writer keeps (-0, a denormal, 1/3).
md::Frame make_frame(long i) {
  md::Frame f;
  f.step = 10 * i;
  f.time = 5.0 * i * units::femtosecond;
  const core::Mat3 lattice{{{9.1 + 0.01 * i, 0.0, 0.0}, {1.3, 8.7 - 0.02 * i, 0.0}, {0.4, -0.7, 10.2 + 1e-3 * i}}};
  f.structure.cell = core::Cell::from_lattice(lattice);
  f.structure.symbols = kSymbols;
  for (int a = 0; a < 3; ++a) {
    core::Vec3 r, v, F;
    for (int k = 0; k < 3; ++k) {
      r[k] = 3.0 * std::sin(1.7 * i + 2.3 * a + 0.9 * k) + 4.0;
      v[k] = 1e-4 * std::cos(0.3 * i + a - 1.1 * k);
      F[k] = 0.02 * std::sin(0.5 * i - 0.7 * a + k);
    }
    f.structure.positions.push_back(r);
    f.masses.push_back((a == 0 ? 10.81 : 15.999 + 0.5 * i) * units::amu);  // masses of the run, not the table's
    f.velocities.push_back(v);
    f.forces.push_back(F);
  }
  f.velocities[0][0] = -0.0;
  f.forces[1][2] = std::numeric_limits<double>::denorm_min() * 12345;
  f.structure.positions[2][1] = 1.0 / 3.0;
  f.potential_energy = -100.123456789 - 1e-3 * i;
  f.kinetic_energy = 0.0123 * (1 + 0.1 * i);
  f.total_energy = f.potential_energy + f.kinetic_energy;
  f.conserved_energy = f.total_energy + 1e-6 * i;
  f.temperature = 300.0 + i / 3.0;
  f.pressure = (1.0 + i / 7.0) / units::ha_per_bohr3_in_gpa;
  f.scf_iterations = 7 + static_cast<int>(i % 3);
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) f.stress[a][b] = f.stress[b][a] = (1.0 + a + 0.1 * b + 0.01 * i) * 1e-4;
  f.stress[0][2] = f.stress[2][0] = -0.0;
  f.stress[1][1] = 1.0 / 3.0 * 1e-3;
  return f;
}

using md_io_test::same_bits;  // the std::vector<double> overload
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const std::vector<core::Vec3>& a, const std::vector<core::Vec3>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(core::Vec3)) == 0);
}

void expect_same_frame(const md::Frame& a, const md::Frame& b) {
  EXPECT_EQ(a.step, b.step);
  EXPECT_TRUE(same_bits(a.time, b.time)) << a.step;
  EXPECT_EQ(a.structure.symbols, b.structure.symbols);
  EXPECT_TRUE(same_bits(std::vector<core::Vec3>(a.structure.cell.lattice.begin(), a.structure.cell.lattice.end()),
                        std::vector<core::Vec3>(b.structure.cell.lattice.begin(), b.structure.cell.lattice.end())))
      << a.step;
  EXPECT_TRUE(same_bits(a.structure.positions, b.structure.positions)) << a.step;
  EXPECT_TRUE(same_bits(a.velocities, b.velocities)) << a.step;
  EXPECT_TRUE(same_bits(a.masses, b.masses)) << a.step;
  EXPECT_TRUE(same_bits(std::vector<core::Vec3>(a.stress.begin(), a.stress.end()),
                        std::vector<core::Vec3>(b.stress.begin(), b.stress.end())))
      << a.step;
  EXPECT_TRUE(same_bits(a.forces, b.forces)) << a.step;
  for (auto field : {&md::Frame::potential_energy, &md::Frame::kinetic_energy, &md::Frame::total_energy,
                     &md::Frame::conserved_energy, &md::Frame::temperature, &md::Frame::pressure})
    EXPECT_TRUE(same_bits(a.*field, b.*field)) << a.step;
  EXPECT_EQ(a.scf_iterations, b.scf_iterations);
}

const std::vector<std::string> kFloatDatasets{
    "particles/all/position/time",      "particles/all/position/value",   "particles/all/velocity/value",
    "particles/all/force/value",        "particles/all/box/edges/value",  "observables/potential_energy/value",
    "observables/kinetic_energy/value", "observables/total_energy/value", "observables/conserved_energy/value",
    "observables/temperature/value",    "observables/pressure/value",     "observables/stress/value"};
const std::vector<std::string> kIntDatasets{"particles/all/position/step", "particles/all/species",
                                            "observables/scf_iterations/value"};

// Every dataset of two trajectory.h5 files holds the same values, bit for bit.
void expect_same_h5(const std::string& a_path, const std::string& b_path) {
  auto a = io::h5::File::open(a_path, false), b = io::h5::File::open(b_path, false);
  for (const auto& name : kFloatDatasets) {
    EXPECT_EQ(a.open_dataset(name).shape(), b.open_dataset(name).shape()) << name;
    EXPECT_TRUE(same_bits(a.open_dataset(name).read<double>(), b.open_dataset(name).read<double>())) << name;
  }
  for (const auto& name : kIntDatasets)
    EXPECT_EQ(a.open_dataset(name).read<std::int64_t>(), b.open_dataset(name).read<std::int64_t>()) << name;
}

void write_frames(md::TrajectoryWriter& w, long first, long end) {
  for (long i = first; i < end; ++i) w.append(make_frame(i));
}

}  // namespace

TEST(MdIoTrajectory, ExtxyzFramesReadBackBitExact) {
  TempDir dir;
  {
    md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 5);
    EXPECT_EQ(w.frames(), 5);
    EXPECT_EQ(w.extxyz_bytes(), fs::file_size(dir.file("trajectory.extxyz")));
  }
  const auto frames = io::read_extxyz_frames(dir.file("trajectory.extxyz"));
  ASSERT_EQ(frames.size(), 5u);
  for (long i = 0; i < 5; ++i) expect_same_frame(frames[i], make_frame(i));
  // The cell is rebuilt from the lattice, as Cell::from_lattice builds it.
  EXPECT_TRUE(same_bits(frames[3].structure.cell.volume, make_frame(3).structure.cell.volume));

  // A single-frame file (final.extxyz) reads back the same, and io::read_extxyz reads its structure.
  const std::string single = dir.file("final.extxyz");
  io::write_extxyz_frame(single, make_frame(7), kSymbols);
  expect_same_frame(io::read_extxyz_frames(single).at(0), make_frame(7));
  const core::Structure s = io::read_extxyz(single);
  EXPECT_EQ(s.symbols, kSymbols);
  EXPECT_NEAR(s.positions[1][2], make_frame(7).structure.positions[1][2], 1e-9);
}

TEST(MdIoTrajectory, ExtxyzReaderTakesFilesWithoutVelocitiesAndNamesBadLines) {
  TempDir dir;
  const std::string plain = dir.file("plain.extxyz");
  std::ofstream(plain) << "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n"
                       << "B 0 0 0\nO 1.2 0 0\n";
  const auto frames = io::read_extxyz_frames(plain);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].velocities.empty());
  EXPECT_DOUBLE_EQ(frames[0].structure.positions[1][0], 1.2 * units::angstrom);

  const std::string bad = dir.file("bad.extxyz");
  std::ofstream(bad) << "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nB 0 0 0\nO 1.2 zero 0\n";
  const std::string message = error_of([&] { io::read_extxyz_frames(bad); });
  EXPECT_NE(message.find("bad.extxyz:4"), std::string::npos) << message;
  EXPECT_NE(message.find("zero"), std::string::npos) << message;
}

TEST(MdIoTrajectory, H5mdLayoutUnitsAndValues) {
  TempDir dir;
  {
    md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 4);
  }
  auto file = io::h5::File::open(dir.file("trajectory.h5"), false);
  EXPECT_EQ(file.open_group("h5md").read_int_array_attribute("version"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(file.open_group("h5md/creator").read_string_attribute("name"), "megabar");
  // the build that wrote it: "0.1.0 (commit ..., host backend, ...)", as `megabar --version` without the name
  EXPECT_EQ("megabar " + file.open_group("h5md/creator").read_string_attribute("version"), core::version_line());
  EXPECT_TRUE(file.open_group("h5md/author").has_attribute("name"));
  const auto box = file.open_group("particles/all/box");
  EXPECT_EQ(box.read_int_attribute("dimension"), 3);
  EXPECT_EQ(file.open_dataset("particles/all/species").read<std::int64_t>(), (std::vector<std::int64_t>{5, 8, 8}));
  EXPECT_EQ(file.open_dataset("particles/all/position/value").shape(), (io::h5::Shape{4, 3, 3}));
  EXPECT_EQ(file.open_dataset("particles/all/box/edges/value").shape(), (io::h5::Shape{4, 3, 3}));
  EXPECT_EQ(file.open_dataset("observables/temperature/value").shape(), (io::h5::Shape{4}));
  const std::pair<const char*, const char*> units_of[] = {
      {"particles/all/position/value", "nm"},      {"particles/all/position/time", "ps"},
      {"particles/all/velocity/value", "nm ps-1"}, {"particles/all/force/value", "kJ mol-1 nm-1"},
      {"particles/all/box/edges/value", "nm"},     {"observables/potential_energy/value", "eV"},
      {"observables/temperature/value", "K"},      {"observables/pressure/value", "GPa"}};
  for (const auto& [name, unit] : units_of)
    EXPECT_EQ(file.open_dataset(name).read_string_attribute("unit"), unit) << name;

  EXPECT_EQ(file.open_dataset("observables/scf_iterations/step").read<std::int64_t>(),
            (std::vector<std::int64_t>{0, 10, 20, 30}));  // hard link to position/step
  const md::Frame f2 = make_frame(2);
  const double nm = units::bohr_in_angstrom / 10;
  EXPECT_DOUBLE_EQ(file.open_dataset("particles/all/position/value").read_rows<double>(2, 1)[4],
                   f2.structure.positions[1][1] * nm);
  EXPECT_DOUBLE_EQ(file.open_dataset("particles/all/box/edges/value").read_rows<double>(2, 1)[3],
                   f2.structure.cell.lattice[1][0] * nm);
  EXPECT_DOUBLE_EQ(file.open_dataset("particles/all/position/time").read<double>()[2], 10.0 / 1000);  // ps
  EXPECT_NEAR(file.open_dataset("particles/all/force/value").read_rows<double>(2, 1)[0],
              f2.forces[0][0] * 2625.4996394799 / nm, 1e-9);
  EXPECT_DOUBLE_EQ(file.open_dataset("observables/pressure/value").read<double>()[2], 1.0 + 2 / 7.0);
  // stress: rows of the 3x3 tensor in GPa with ASE's sign (the frame's is QE's)
  EXPECT_EQ(file.open_dataset("observables/stress/value").shape(), (io::h5::Shape{4, 3, 3}));
  EXPECT_EQ(file.open_dataset("observables/stress/value").read_string_attribute("unit"), "GPa");
  EXPECT_DOUBLE_EQ(file.open_dataset("observables/stress/value").read_rows<double>(2, 1)[5],
                   -f2.stress[1][2] * units::ha_per_bohr3_in_gpa);
  EXPECT_DOUBLE_EQ(file.open_dataset("observables/potential_energy/value").read<double>()[2],
                   f2.potential_energy * units::hartree_in_ev);
}

TEST(MdIoTrajectory, ResumeCutsBackAndContinuesLikeAnUninterruptedRun) {
  TempDir straight, resumed;
  {
    md::TrajectoryWriter w(straight.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 8);
  }
  md::ResumeInfo at_checkpoint;
  {
    md::TrajectoryWriter w(resumed.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 3);
    w.sync();
    at_checkpoint = {w.frames(), w.extxyz_bytes()};
    write_frames(w, 3, 6);  // written after the checkpoint, then the run stops
  }
  {
    md::TrajectoryWriter w(resumed.path().string(), kSymbols, &at_checkpoint);
    EXPECT_FALSE(w.rebuilt_h5());
    EXPECT_EQ(w.frames(), 3);
    EXPECT_EQ(w.extxyz_bytes(), at_checkpoint.extxyz_bytes);
    write_frames(w, 3, 8);
    EXPECT_EQ(w.frames(), 8);
  }
  EXPECT_EQ(slurp(resumed.file("trajectory.extxyz")), slurp(straight.file("trajectory.extxyz")));
  expect_same_h5(resumed.file("trajectory.h5"), straight.file("trajectory.h5"));
  EXPECT_EQ(resumed.listing(), (std::vector<std::string>{"trajectory.extxyz", "trajectory.h5"}));
}

// A run written by an earlier version (no observables/stress) continues: the series is added, NaN for the
// frames written before, and the other datasets are those of an uninterrupted run.
TEST(MdIoTrajectory, ResumeAddsTheStressSeriesToAnEarlierVersionsFile) {
  TempDir straight, resumed;
  {
    md::TrajectoryWriter w(straight.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 5);
  }
  md::ResumeInfo at_checkpoint;
  {
    md::TrajectoryWriter w(resumed.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 3);
    w.sync();
    at_checkpoint = {w.frames(), w.extxyz_bytes()};
  }
  {  // what an earlier version wrote: no stress series
    const hid_t file = H5Fopen(resumed.file("trajectory.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    ASSERT_GE(H5Ldelete(file, "observables/stress", H5P_DEFAULT), 0);
    H5Fclose(file);
    ASSERT_FALSE(io::h5::File::open(resumed.file("trajectory.h5"), false).contains("observables/stress"));
  }
  {
    md::TrajectoryWriter w(resumed.path().string(), kSymbols, &at_checkpoint);
    EXPECT_FALSE(w.rebuilt_h5());
    write_frames(w, 3, 5);
  }
  auto a = io::h5::File::open(resumed.file("trajectory.h5"), false);
  auto b = io::h5::File::open(straight.file("trajectory.h5"), false);
  const auto stress = a.open_dataset("observables/stress/value").read<double>();
  const auto expected = b.open_dataset("observables/stress/value").read<double>();
  ASSERT_EQ(stress.size(), expected.size());
  for (std::size_t i = 0; i < stress.size(); ++i) {
    if (i < 3 * 9)
      EXPECT_TRUE(std::isnan(stress[i])) << i;
    else
      EXPECT_TRUE(same_bits(stress[i], expected[i])) << i;
  }
  EXPECT_EQ(a.open_dataset("observables/stress/step").read<std::int64_t>(),
            b.open_dataset("particles/all/position/step").read<std::int64_t>());  // linked to position/step
  for (const auto& name : kFloatDatasets)
    if (name != "observables/stress/value")
      EXPECT_TRUE(same_bits(a.open_dataset(name).read<double>(), b.open_dataset(name).read<double>())) << name;
}

TEST(MdIoTrajectory, KilledWriterResumesFromTheCheckpoint) {
  TempDir straight, killed;
  {
    md::TrajectoryWriter w(straight.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 6);
  }
  md::ResumeInfo at_checkpoint;
  {
    md::TrajectoryWriter w(killed.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 2);
    at_checkpoint = {w.frames(), w.extxyz_bytes()};
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // a run that dies without closing anything, as under kill -9
    try {
      md::TrajectoryWriter w(killed.path().string(), kSymbols, &at_checkpoint);
      write_frames(w, 2, 5);
    } catch (...) {
      std::_Exit(2);
    }
    std::_Exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  md::TrajectoryWriter w(killed.path().string(), kSymbols, &at_checkpoint);
  EXPECT_FALSE(w.rebuilt_h5());
  write_frames(w, 2, 6);
  EXPECT_EQ(slurp(killed.file("trajectory.extxyz")), slurp(straight.file("trajectory.extxyz")));
  expect_same_h5(killed.file("trajectory.h5"), straight.file("trajectory.h5"));
}

TEST(MdIoTrajectory, DamagedH5IsMovedAsideAndRebuiltFromExtxyz) {
  TempDir straight;
  {
    md::TrajectoryWriter w(straight.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 6);
  }
  // Three kinds of damage: the superblock overwritten, the file cut short, and a valid file with fewer
  // frames than the checkpoint records.
  for (int damage = 0; damage < 3; ++damage) {
    SCOPED_TRACE("damage " + std::to_string(damage));
    TempDir dir;
    md::ResumeInfo at_checkpoint;
    {
      md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
      write_frames(w, 0, 4);
      at_checkpoint = {w.frames(), w.extxyz_bytes()};
      write_frames(w, 4, 5);
    }
    const std::string h5 = dir.file("trajectory.h5");
    if (damage == 0) {
      std::fstream f(h5, std::ios::in | std::ios::out | std::ios::binary);
      const std::string garbage(512, '\x5a');
      f.write(garbage.data(), garbage.size());
    } else if (damage == 1) {
      fs::resize_file(h5, fs::file_size(h5) / 2);
    } else {
      auto file = io::h5::File::open(h5, true);
      file.open_dataset("particles/all/force/value").resize_rows(2);
    }
    md::TrajectoryWriter w(dir.path().string(), kSymbols, &at_checkpoint);
    EXPECT_TRUE(w.rebuilt_h5());
    EXPECT_EQ(w.frames(), 4);
    write_frames(w, 4, 6);
    EXPECT_TRUE(fs::exists(h5 + ".damaged"));
    EXPECT_EQ(slurp(dir.file("trajectory.extxyz")), slurp(straight.file("trajectory.extxyz")));
    expect_same_h5(h5, straight.file("trajectory.h5"));
  }
}

TEST(MdIoTrajectory, ResumeFailsWhenExtxyzIsShorterThanTheCheckpoint) {
  TempDir dir;
  md::ResumeInfo at_checkpoint;
  {
    md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 3);
    at_checkpoint = {w.frames(), w.extxyz_bytes()};
  }
  md::ResumeInfo mid_line{at_checkpoint.frames, at_checkpoint.extxyz_bytes - 5};
  const std::string line = error_of([&] { md::TrajectoryWriter(dir.path().string(), kSymbols, &mid_line); });
  EXPECT_NE(line.find("does not end a line"), std::string::npos) << line;
  EXPECT_EQ(fs::file_size(dir.file("trajectory.extxyz")), at_checkpoint.extxyz_bytes);  // left as it was

  fs::resize_file(dir.file("trajectory.extxyz"), at_checkpoint.extxyz_bytes - 100);
  const std::string shorter = error_of([&] { md::TrajectoryWriter(dir.path().string(), kSymbols, &at_checkpoint); });
  EXPECT_NE(shorter.find("trajectory.extxyz"), std::string::npos) << shorter;
  EXPECT_NE(shorter.find("shorter than the checkpoint"), std::string::npos) << shorter;

  // A damaged .h5 and an extxyz holding fewer frames than the checkpoint in the recorded bytes: no rebuild.
  TempDir other;
  {
    md::TrajectoryWriter w(other.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 2);
    at_checkpoint = {3, w.extxyz_bytes()};
  }
  fs::remove(other.file("trajectory.h5"));
  const std::string fewer = error_of([&] { md::TrajectoryWriter(other.path().string(), kSymbols, &at_checkpoint); });
  EXPECT_NE(fewer.find("hold 2 frames, but the checkpoint records 3"), std::string::npos) << fewer;
  EXPECT_FALSE(fs::exists(other.file("trajectory.h5")));
}

TEST(MdIoTrajectory, NewWriterReplacesOldFilesAndChecksFrames) {
  TempDir dir;
  {
    md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 3);
  }
  std::ofstream(dir.file("trajectory.h5.damaged")) << "old";
  const std::string old_extxyz = slurp(dir.file("trajectory.extxyz"));
  md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
  EXPECT_EQ(w.frames(), 0);
  EXPECT_EQ(w.extxyz_bytes(), 0u);
  // Nothing replaced yet: a run that fails before its first frame leaves the earlier files as they were.
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"trajectory.extxyz", "trajectory.h5", "trajectory.h5.damaged"}));
  EXPECT_EQ(slurp(dir.file("trajectory.extxyz")), old_extxyz);
  md::Frame wrong = make_frame(0);
  wrong.forces.pop_back();
  EXPECT_THROW(w.append(wrong), std::invalid_argument);
  wrong = make_frame(0);
  wrong.structure.symbols = {"B", "B", "O"};
  EXPECT_THROW(w.append(wrong), std::invalid_argument);
  EXPECT_EQ(w.frames(), 0);
  EXPECT_EQ(w.extxyz_bytes(), 0u);
  EXPECT_EQ(slurp(dir.file("trajectory.extxyz")), old_extxyz);  // a refused frame replaces nothing either
  write_frames(w, 0, 1);                                        // the first frame replaces both files
  EXPECT_EQ(w.frames(), 1);
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"trajectory.extxyz", "trajectory.h5"}));
  EXPECT_EQ(md::TrajectoryWriter(dir.path().string(), kSymbols, nullptr).frames(), 0);
  EXPECT_THROW(md::TrajectoryWriter(dir.path().string(), {"B", "Xx"}, nullptr), std::invalid_argument);
}

// ---- the files as h5py, ASE and MDAnalysis read them (tests/regression/md_io_check.py) ------------------
namespace {

// A Python that has h5py, MDAnalysis and ASE: $MEGABAR_PYTHON, Debian's /usr/bin/python3 or python3 on the
// PATH; empty when none has all three.
std::string python_with_readers() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("MEGABAR_PYTHON")) candidates.push_back(env);
  candidates.insert(candidates.end(), {"/usr/bin/python3", "python3"});
  for (const auto& python : candidates) {
    const std::string probe = "'" + python + "' -c 'import h5py, MDAnalysis, ase.io' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return python;
  }
  return "";
}

}  // namespace

TEST(MdIoTrajectory, PythonReadersAgreeWithTheFiles) {
  const std::string python = python_with_readers();
  if (python.empty()) GTEST_SKIP() << "no python3 with h5py, MDAnalysis and ASE (scripts/setup installs them)";
  TempDir dir;
  md::ResumeInfo at_checkpoint;
  {
    md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 4);
    at_checkpoint = {2, 0};
    at_checkpoint.extxyz_bytes = io::format_extxyz_frame(make_frame(0), kSymbols).size() +
                                 io::format_extxyz_frame(make_frame(1), kSymbols).size();
  }
  fs::resize_file(dir.file("trajectory.h5"), 1000);  // damaged: the rebuilt file is checked too
  {
    md::TrajectoryWriter w(dir.path().string(), kSymbols, &at_checkpoint);
    ASSERT_TRUE(w.rebuilt_h5());
    write_frames(w, 2, 6);
  }
  const std::string log = dir.file("md_io_check.log");
  const std::string command = "'" + python + "' -W ignore " MEGABAR_SOURCE_DIR "/tests/regression/md_io_check.py '" +
                              dir.path().string() + "' 6 >'" + log + "' 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << slurp(log);
  EXPECT_NE(slurp(log).find("md_io_check: OK (6 frames, 3 atoms"), std::string::npos) << slurp(log);
}
