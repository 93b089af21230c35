// MD file I/O: the HDF5 wrapper, checkpoints (bit-exact, atomic, refused when foreign) and trajectories
// (H5MD + extended XYZ, resumed and rebuilt after a crash).
#include <gtest/gtest.h>
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

#include "dft/units.hpp"
#include "md/checkpoint.hpp"
#include "md/h5file.hpp"
#include "md/trajectory.hpp"

namespace fs = std::filesystem;
using namespace megabar;
using md::CheckpointData;
using md::StateArrays;

namespace {

// A fresh directory under the system's temporary folder, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "megabar-mdio-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

double from_bits(std::uint64_t bits) {
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_same_state(const StateArrays& a, const StateArrays& b) {
  ASSERT_EQ(a.reals.size(), b.reals.size());
  for (const auto& [name, values] : a.reals) {
    ASSERT_TRUE(b.reals.count(name)) << name;
    EXPECT_TRUE(same_bits(values, b.reals.at(name))) << name;
  }
  EXPECT_EQ(a.words, b.words);
  EXPECT_EQ(a.texts, b.texts);
}

// Values that a careless writer would lose: NaN payloads, a signalling NaN, denormals, -0, infinities,
// the extreme words, empty arrays and empty texts.
CheckpointData awkward_checkpoint() {
  CheckpointData data;
  data.md.reals["special"] = {from_bits(0x7ff8000000000123ull), from_bits(0x7ff0000000000001ull),
                              std::numeric_limits<double>::denorm_min(), -0.0,
                              std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
                              1.0 / 3.0, -2.2250738585072014e-308 / 3};
  data.md.reals["empty"] = {};
  data.md.words["rng"] = {0, 1, 0xffffffffffffffffull, 0x8000000000000000ull, 0x0123456789abcdefull};
  data.md.words["none"] = {};
  data.md.texts["ensemble"] = "NPT";
  data.md.texts["blank"] = "";
  data.provider.reals["history 0"] = std::vector<double>(1000, 0.1);
  data.provider.texts["note"] = "multi\nline\ttext with unicode: \xc3\x85ngstr\xc3\xb6m";
  data.run.words["trajectory_frames"] = {42};
  data.run.words["extxyz_bytes"] = {123456789};
  data.created_by_input = "[md]\nensemble = \"NPT\"\ntimestep = \"0.5 fs\"\n";
  return data;
}

template <class F> std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

// ---- h5file -------------------------------------------------------------------------------------------
TEST(MdIoH5File, RowsDatasetAppendsResizesAndReadsBack) {
  TempDir dir;
  const std::string path = dir.file("rows.h5");
  {
    auto file = md::h5::File::create(path);
    auto group = file.create_group("g");
    auto rows = group.create_rows_dataset<double>("x", {2, 3});
    for (int r = 0; r < 5; ++r) rows.append_row(std::vector<double>(6, r + 0.5));
    rows.resize_rows(3);
    rows.append_row(std::vector<double>(6, -1.0));
    group.write_string_attribute("unit", "nm", md::h5::StringKind::variable);
    group.write_int_array_attribute("version", {1, 1});
    file.close();
  }
  auto file = md::h5::File::open(path, false);
  auto rows = file.open_group("g").open_dataset("x");
  EXPECT_EQ(rows.shape(), (md::h5::Shape{4, 2, 3}));
  const auto all = rows.read<double>();
  EXPECT_EQ(all[6 * 2], 2.5);
  EXPECT_EQ(all[6 * 3 + 5], -1.0);
  EXPECT_EQ(rows.read_rows<double>(1, 1), std::vector<double>(6, 1.5));
  EXPECT_EQ(file.open_group("g").read_string_attribute("unit"), "nm");
  EXPECT_EQ(file.open_group("g").read_int_array_attribute("version"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_TRUE(file.contains("g/x"));
  EXPECT_FALSE(file.contains("g/y/z"));
}

TEST(MdIoH5File, ErrorsNameTheFileAndObject) {
  TempDir dir;
  const std::string path = dir.file("e.h5");
  auto file = md::h5::File::create(path);
  file.create_group("g").create_dataset<std::int64_t>("n", {3});
  const std::string missing = error_of([&] { file.open_group("g").open_dataset("absent"); });
  EXPECT_NE(missing.find(path + ":/g"), std::string::npos) << missing;
  EXPECT_NE(missing.find("absent"), std::string::npos) << missing;
  const std::string wrong_type = error_of([&] { file.open_group("g").open_dataset("n").read<double>(); });
  EXPECT_NE(wrong_type.find(path + ":/g/n"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("64-bit floats"), std::string::npos) << wrong_type;
  const std::string not_hdf5 = error_of([&] { md::h5::File::open(dir.file("none.h5"), false); });
  EXPECT_NE(not_hdf5.find("none.h5"), std::string::npos) << not_hdf5;
}

// ---- checkpoint ---------------------------------------------------------------------------------------
TEST(MdIoCheckpoint, RoundTripIsBitExact) {
  TempDir dir;
  const std::string path = dir.file("run.ckpt.h5");
  const CheckpointData written = awkward_checkpoint();
  md::write_checkpoint(path, written);
  const CheckpointData read = md::read_checkpoint(path);
  expect_same_state(written.md, read.md);
  expect_same_state(written.provider, read.provider);
  expect_same_state(written.run, read.run);
  EXPECT_EQ(read.created_by_input, written.created_by_input);
  EXPECT_EQ(read.format_version, md::checkpoint_format_version);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"run.ckpt.h5"});  // no temporary left
}

TEST(MdIoCheckpoint, EmptyStateRoundTripsAndOverwrites) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  md::write_checkpoint(path, CheckpointData{});
  const CheckpointData read = md::read_checkpoint(path);
  EXPECT_TRUE(read.md.reals.empty() && read.md.words.empty() && read.md.texts.empty());
  EXPECT_TRUE(read.run.words.empty());
  EXPECT_EQ(read.created_by_input, "");
}

TEST(MdIoCheckpoint, RejectsFilesThatAreNotCheckpoints) {
  TempDir dir;
  const std::string missing = error_of([&] { md::read_checkpoint(dir.file("absent.h5")); });
  EXPECT_NE(missing.find("absent.h5"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no such file"), std::string::npos) << missing;

  const std::string text_file = dir.file("notes.h5");
  std::ofstream(text_file) << "not HDF5 at all\n";
  const std::string text = error_of([&] { md::read_checkpoint(text_file); });
  EXPECT_NE(text.find("notes.h5"), std::string::npos) << text;
  EXPECT_NE(text.find("not a megabar checkpoint"), std::string::npos) << text;

  const std::string other_h5 = dir.file("other.h5");
  md::h5::File::create(other_h5).create_group("data");
  const std::string other = error_of([&] { md::read_checkpoint(other_h5); });
  EXPECT_NE(other.find("other.h5"), std::string::npos) << other;
  EXPECT_NE(other.find("not a megabar checkpoint"), std::string::npos) << other;
}

TEST(MdIoCheckpoint, RejectsAnotherFormatVersionAndMissingParts) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  md::h5::File::open(path, true).write_string_attribute("format_version", "999");
  const std::string version = error_of([&] { md::read_checkpoint(path); });
  EXPECT_NE(version.find("c.h5"), std::string::npos) << version;
  EXPECT_NE(version.find("format version '999'"), std::string::npos) << version;

  md::write_checkpoint(path, awkward_checkpoint());
  {
    auto file = md::h5::File::open(path, true);
    ASSERT_GE(H5Ldelete(file.id(), "provider", H5P_DEFAULT), 0);
  }
  const std::string incomplete = error_of([&] { md::read_checkpoint(path); });
  EXPECT_NE(incomplete.find("incomplete"), std::string::npos) << incomplete;
  EXPECT_NE(incomplete.find("provider"), std::string::npos) << incomplete;

  CheckpointData future = awkward_checkpoint();
  future.format_version = "2";
  EXPECT_THROW(md::write_checkpoint(path, future), std::invalid_argument);
}

TEST(MdIoCheckpoint, FailedWriteKeepsThePreviousCheckpointAndLeavesNoTemporary) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  const std::string before = slurp(path);

  // Fails half-way through writing (an entry name HDF5 cannot hold).
  CheckpointData bad = awkward_checkpoint();
  bad.md.reals["a/b"] = {1.0};
  const std::string message = error_of([&] { md::write_checkpoint(path, bad); });
  EXPECT_NE(message.find("c.h5"), std::string::npos) << message;
  EXPECT_NE(message.find("a/b"), std::string::npos) << message;
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"c.h5"});

  // Fails at the very end (the rename: the destination is a non-empty directory).
  const std::string blocked = dir.file("blocked");
  fs::create_directories(fs::path(blocked) / "inside");
  EXPECT_THROW(md::write_checkpoint(blocked, awkward_checkpoint()), std::runtime_error);
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"blocked", "c.h5"}));
  EXPECT_EQ(md::read_checkpoint(path).run.words.at("trajectory_frames"), std::vector<std::uint64_t>{42});
}

TEST(MdIoCheckpoint, UnwritableDirectoryKeepsThePreviousCheckpoint) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  const std::string before = slurp(path);
  fs::permissions(dir.path(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                  fs::perm_options::remove);
  EXPECT_THROW(md::write_checkpoint(path, CheckpointData{}), std::runtime_error);
  fs::permissions(dir.path(), fs::perms::owner_write, fs::perm_options::add);
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"c.h5"});
}

// ---- trajectory ---------------------------------------------------------------------------------------
namespace {

const std::vector<std::string> kSymbols{"B", "O", "O"};

// Frame i of a made-up NPT run of 3 atoms in a triclinic cell that changes from frame to frame, with a
// few values that only an exact writer keeps (-0, a denormal, 1/3).
md::Frame make_frame(long i) {
  md::Frame f;
  f.step = 10 * i;
  f.time = 5.0 * i * units::femtosecond;
  const dft::Mat3 lattice{{{9.1 + 0.01 * i, 0.0, 0.0}, {1.3, 8.7 - 0.02 * i, 0.0}, {0.4, -0.7, 10.2 + 1e-3 * i}}};
  f.structure.cell = dft::Cell::from_lattice(lattice);
  f.structure.symbols = kSymbols;
  for (int a = 0; a < 3; ++a) {
    dft::Vec3 r, v, F;
    for (int k = 0; k < 3; ++k) {
      r[k] = 3.0 * std::sin(1.7 * i + 2.3 * a + 0.9 * k) + 4.0;
      v[k] = 1e-4 * std::cos(0.3 * i + a - 1.1 * k);
      F[k] = 0.02 * std::sin(0.5 * i - 0.7 * a + k);
    }
    f.structure.positions.push_back(r);
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
  return f;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const std::vector<dft::Vec3>& a, const std::vector<dft::Vec3>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(dft::Vec3)) == 0);
}

void expect_same_frame(const md::Frame& a, const md::Frame& b) {
  EXPECT_EQ(a.step, b.step);
  EXPECT_TRUE(same_bits(a.time, b.time)) << a.step;
  EXPECT_EQ(a.structure.symbols, b.structure.symbols);
  EXPECT_TRUE(same_bits(std::vector<dft::Vec3>(a.structure.cell.lattice.begin(), a.structure.cell.lattice.end()),
                        std::vector<dft::Vec3>(b.structure.cell.lattice.begin(), b.structure.cell.lattice.end())))
      << a.step;
  EXPECT_TRUE(same_bits(a.structure.positions, b.structure.positions)) << a.step;
  EXPECT_TRUE(same_bits(a.velocities, b.velocities)) << a.step;
  EXPECT_TRUE(same_bits(a.forces, b.forces)) << a.step;
  for (auto field : {&md::Frame::potential_energy, &md::Frame::kinetic_energy, &md::Frame::total_energy,
                     &md::Frame::conserved_energy, &md::Frame::temperature, &md::Frame::pressure})
    EXPECT_TRUE(same_bits(a.*field, b.*field)) << a.step;
  EXPECT_EQ(a.scf_iterations, b.scf_iterations);
}

const std::vector<std::string> kFloatDatasets{
    "particles/all/position/time",          "particles/all/position/value",
    "particles/all/velocity/value",         "particles/all/force/value",
    "particles/all/box/edges/value",        "observables/potential_energy/value",
    "observables/kinetic_energy/value",     "observables/total_energy/value",
    "observables/conserved_energy/value",   "observables/temperature/value",
    "observables/pressure/value"};
const std::vector<std::string> kIntDatasets{"particles/all/position/step", "particles/all/species",
                                            "observables/scf_iterations/value"};

// Every dataset of two trajectory.h5 files holds the same values, bit for bit.
void expect_same_h5(const std::string& a_path, const std::string& b_path) {
  auto a = md::h5::File::open(a_path, false), b = md::h5::File::open(b_path, false);
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
  const auto frames = md::read_extxyz_frames(dir.file("trajectory.extxyz"));
  ASSERT_EQ(frames.size(), 5u);
  for (long i = 0; i < 5; ++i) expect_same_frame(frames[i], make_frame(i));
  // The cell is rebuilt from the lattice, as Cell::from_lattice builds it.
  EXPECT_TRUE(same_bits(frames[3].structure.cell.volume, make_frame(3).structure.cell.volume));

  // A single-frame file (final.extxyz) reads back the same, and dft::read_extxyz reads its structure.
  const std::string single = dir.file("final.extxyz");
  md::write_extxyz_frame(single, make_frame(7), kSymbols);
  expect_same_frame(md::read_extxyz_frames(single).at(0), make_frame(7));
  const dft::Structure s = dft::read_extxyz(single);
  EXPECT_EQ(s.symbols, kSymbols);
  EXPECT_NEAR(s.positions[1][2], make_frame(7).structure.positions[1][2], 1e-9);
}

TEST(MdIoTrajectory, ExtxyzReaderTakesFilesWithoutVelocitiesAndNamesBadLines) {
  TempDir dir;
  const std::string plain = dir.file("plain.extxyz");
  std::ofstream(plain) << "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n"
                       << "B 0 0 0\nO 1.2 0 0\n";
  const auto frames = md::read_extxyz_frames(plain);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].velocities.empty());
  EXPECT_DOUBLE_EQ(frames[0].structure.positions[1][0], 1.2 * units::angstrom);

  const std::string bad = dir.file("bad.extxyz");
  std::ofstream(bad) << "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nB 0 0 0\nO 1.2 zero 0\n";
  const std::string message = error_of([&] { md::read_extxyz_frames(bad); });
  EXPECT_NE(message.find("bad.extxyz:4"), std::string::npos) << message;
  EXPECT_NE(message.find("zero"), std::string::npos) << message;
}

TEST(MdIoTrajectory, H5mdLayoutUnitsAndValues) {
  TempDir dir;
  {
    md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
    write_frames(w, 0, 4);
  }
  auto file = md::h5::File::open(dir.file("trajectory.h5"), false);
  EXPECT_EQ(file.open_group("h5md").read_int_array_attribute("version"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(file.open_group("h5md/creator").read_string_attribute("name"), "megabar");
  EXPECT_TRUE(file.open_group("h5md/author").has_attribute("name"));
  const auto box = file.open_group("particles/all/box");
  EXPECT_EQ(box.read_int_attribute("dimension"), 3);
  EXPECT_EQ(file.open_dataset("particles/all/species").read<std::int64_t>(), (std::vector<std::int64_t>{5, 8, 8}));
  EXPECT_EQ(file.open_dataset("particles/all/position/value").shape(), (md::h5::Shape{4, 3, 3}));
  EXPECT_EQ(file.open_dataset("particles/all/box/edges/value").shape(), (md::h5::Shape{4, 3, 3}));
  EXPECT_EQ(file.open_dataset("observables/temperature/value").shape(), (md::h5::Shape{4}));
  const std::pair<const char*, const char*> units_of[] = {
      {"particles/all/position/value", "nm"},      {"particles/all/position/time", "ps"},
      {"particles/all/velocity/value", "nm ps-1"}, {"particles/all/force/value", "kJ mol-1 nm-1"},
      {"particles/all/box/edges/value", "nm"},     {"observables/potential_energy/value", "eV"},
      {"observables/temperature/value", "K"},      {"observables/pressure/value", "GPa"}};
  for (const auto& [name, unit] : units_of) EXPECT_EQ(file.open_dataset(name).read_string_attribute("unit"), unit) << name;

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
      auto file = md::h5::File::open(h5, true);
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
  md::TrajectoryWriter w(dir.path().string(), kSymbols, nullptr);
  EXPECT_EQ(w.frames(), 0);
  EXPECT_EQ(w.extxyz_bytes(), 0u);
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"trajectory.extxyz", "trajectory.h5"}));
  md::Frame wrong = make_frame(0);
  wrong.forces.pop_back();
  EXPECT_THROW(w.append(wrong), std::invalid_argument);
  wrong = make_frame(0);
  wrong.structure.symbols = {"B", "B", "O"};
  EXPECT_THROW(w.append(wrong), std::invalid_argument);
  EXPECT_EQ(w.frames(), 0);
  EXPECT_EQ(w.extxyz_bytes(), 0u);
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
    at_checkpoint.extxyz_bytes = md::format_extxyz_frame(make_frame(0), kSymbols).size() +
                                 md::format_extxyz_frame(make_frame(1), kSymbols).size();
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
