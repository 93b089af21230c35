// Reading trajectories for analysis (analysis/reader.hpp: H5MD written by md::TrajectoryWriter, extended
// XYZ, concatenation, --from and --every) and the command's output and errors (analysis/command.hpp,
// analysis/report.hpp): analysis.json keys, CSV tables, atomic writes, nothing written on bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/analyze.hpp"
#include "analysis/command.hpp"
#include "analysis/report.hpp"
#include "core/elements.hpp"
#include "io/extxyz.hpp"
#include "io/h5file.hpp"
#include "md/trajectory.hpp"
#include "test_analysis_helpers.hpp"

namespace fs = std::filesystem;
using namespace megabar;
using namespace megabar::analysis;
using namespace megabar::analysis::testing;

namespace {

// Six MD-like frames of B2O3-I, steps 0, 10, ..., 50: atoms displaced by up to 0.05 A and the cell
// strained by up to 1 %, so that the frames differ.
std::vector<md::Frame> md_frames() {
  const auto crystal = io::read_extxyz_frames(data_file(kCrystalI)).at(0);
  std::vector<md::Frame> frames;
  for (int i = 0; i < 6; ++i) {
    md::Frame f = crystal;
    f.step = 10 * i;
    f.time = 5.0 * i * units::femtosecond;
    core::Mat3 rows = crystal.structure.cell.lattice;
    for (auto& row : rows)
      for (double& x : row) x *= 1 + 0.002 * i;
    f.structure.cell = core::Cell::from_lattice(rows);
    for (std::size_t a = 0; a < f.structure.size(); ++a)
      for (int k = 0; k < 3; ++k) f.structure.positions[a][k] += 0.05 * A * std::sin(1.3 * a + 2.1 * k + 0.7 * i);
    f.masses.clear();
    for (const auto& symbol : f.structure.symbols) f.masses.push_back(core::element(symbol).mass * units::amu);
    f.velocities.assign(f.structure.size(), core::Vec3{0, 0, 0});
    f.forces.assign(f.structure.size(), core::Vec3{0, 0, 0});
    frames.push_back(f);
  }
  return frames;
}

// trajectory.h5 and trajectory.extxyz of md_frames() in `dir`.
void write_md_trajectory(const std::string& dir) {
  const auto frames = md_frames();
  md::TrajectoryWriter w(dir, frames[0].structure.symbols, nullptr);
  for (const auto& f : frames) w.append(f);
}

std::vector<long> steps_of(const Trajectory& t) {
  std::vector<long> s;
  for (const auto& f : t.frames) s.push_back(f.step);
  return s;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// A writer killed while flushing can leave position a row longer than the observables (or the other way):
// only frames complete in every dataset are read, and the warning says how many were left out and where.
TEST(AnalysisIo, H5mdFramesIncompleteInSomeDatasetAreLeftOutWithAWarning) {
  TempDir dir;
  write_md_trajectory(dir.path().string());
  const std::string path = dir.file("trajectory.h5");
  {
    auto file = io::h5::File::open(path, true);
    auto position = file.open_dataset("particles/all/position/value");
    position.append_row(std::vector<double>(3 * md_frames()[0].structure.size(), 0.0));
    auto step = file.open_dataset("particles/all/position/step");
    step.append_row(std::vector<std::int64_t>{60});
  }
  const Trajectory t = read_trajectories({path}, {});
  EXPECT_EQ(steps_of(t), (std::vector<long>{0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(t.inputs.at(0).frames_read, 6);
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("1 frame(s) at the end are not complete"), std::string::npos) << t.warnings[0];
  EXPECT_NE(t.warnings[0].find("particles/all/position/value (7)"), std::string::npos) << t.warnings[0];

  {  // one more row in the observables, but not in the box: still six
    auto file = io::h5::File::open(path, true);
    file.open_dataset("observables/temperature/value").append_row(std::vector<double>{300.0});
  }
  EXPECT_EQ(read_trajectories({path}, {}).frames.size(), 6u);
}

TEST(AnalysisIo, H5mdAndExtxyzGiveTheSameFrames) {
  TempDir dir;
  write_md_trajectory(dir.path().string());
  const Trajectory h5 = read_trajectories({dir.file("trajectory.h5")}, {});
  const Trajectory xyz = read_trajectories({dir.file("trajectory.extxyz")}, {});
  EXPECT_EQ(h5.inputs.at(0).format, "h5md");
  EXPECT_EQ(xyz.inputs.at(0).format, "extxyz");
  EXPECT_EQ(h5.symbols, xyz.symbols);
  EXPECT_EQ(steps_of(h5), (std::vector<long>{0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(steps_of(xyz), steps_of(h5));
  const auto reference = md_frames();
  for (std::size_t f = 0; f < h5.frames.size(); ++f) {
    EXPECT_NEAR(h5.frames[f].cell.volume, reference[f].structure.cell.volume,
                1e-10 * reference[f].structure.cell.volume);
    for (std::size_t a = 0; a < h5.symbols.size(); ++a)
      for (int k = 0; k < 3; ++k) {
        EXPECT_NEAR(h5.frames[f].positions[a][k], reference[f].structure.positions[a][k], 1e-12);
        EXPECT_EQ(xyz.frames[f].positions[a][k], reference[f].structure.positions[a][k]);  // bit for bit
      }
  }
  Options options;
  options.bo_cutoff = 1.9 * A;
  const Result a = analyze(h5, options), b = analyze(xyz, options);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_NEAR(a.bond_length.mean, b.bond_length.mean, 1e-12);
  EXPECT_NEAR(a.mean_density.mean, b.mean_density.mean, 1e-10);
  EXPECT_DOUBLE_EQ(a.coordination.fractions.at("B").at(3).mean, 1.0);
  // Six different frames: per-frame values differ and a standard error exists.
  EXPECT_EQ(a.bond_length_per_frame.size(), 6u);
  EXPECT_GT(a.bond_length.standard_error, 0);
  EXPECT_GT(a.mean_density.standard_error, 0);
  EXPECT_NEAR(a.density.back() / a.density.front(), std::pow(1.01, -3), 1e-12);
}

TEST(AnalysisIo, FromEveryAndConcatenation) {
  TempDir dir;
  write_md_trajectory(dir.path().string());
  const std::string h5 = dir.file("trajectory.h5"), xyz = dir.file("trajectory.extxyz");
  auto steps = [](std::vector<std::string> paths, std::optional<long> from, long every) {
    FrameSelection s;
    s.from_step = from;
    s.every = every;
    return steps_of(read_trajectories(paths, s));
  };
  EXPECT_EQ(steps({h5}, 20, 1), (std::vector<long>{20, 30, 40, 50}));
  EXPECT_EQ(steps({h5}, std::nullopt, 2), (std::vector<long>{0, 20, 40}));
  EXPECT_EQ(steps({xyz}, 10, 2), (std::vector<long>{10, 30, 50}));
  EXPECT_EQ(steps({h5}, 25, 1), (std::vector<long>{30, 40, 50}));
  // Concatenated in the order given; --every counts over the whole sequence, --from applies to each frame.
  EXPECT_EQ(steps({h5, xyz}, std::nullopt, 1), (std::vector<long>{0, 10, 20, 30, 40, 50, 0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(steps({h5, xyz}, 30, 2), (std::vector<long>{30, 50, 40}));
  const Trajectory both = read_trajectories({h5, xyz}, {});
  ASSERT_EQ(both.inputs.size(), 2u);
  EXPECT_EQ(both.inputs[1].frames_read, 6);
  // Past the last step: nothing left, an error naming the file.
  const std::string message = error_of([&] { steps({h5}, 60, 1); });
  EXPECT_NE(message.find("no frame left"), std::string::npos) << message;
  EXPECT_NE(message.find(h5), std::string::npos) << message;
  EXPECT_NE(error_of([&] { steps({h5}, std::nullopt, 0); }).find("--every"), std::string::npos);
}

// An extended XYZ file without step= keys (e.g. written by ASE): steps are the frame indices.
TEST(AnalysisIo, ExtxyzWithoutStepsUsesFrameIndices) {
  TempDir dir;
  const std::string crystal = slurp(data_file(kCrystalI));
  std::ofstream(dir.file("three.extxyz")) << crystal << crystal << crystal;
  FrameSelection from1;
  from1.from_step = 1;
  const Trajectory t = read_trajectories({dir.file("three.extxyz")}, from1);
  EXPECT_EQ(steps_of(t), (std::vector<long>{1, 2}));
  EXPECT_TRUE(t.inputs[0].steps_from_index);
  EXPECT_EQ(t.inputs[0].frames_read, 3);
  EXPECT_EQ(t.inputs[0].frames_used, 2);
}

// The trajectory.extxyz of a running MD may end inside its last frame: that frame is left out, with a
// warning that reaches analysis.json; a file without one whole frame is an error.
TEST(AnalysisIo, IncompleteLastExtxyzFrameIsLeftOut) {
  TempDir dir;
  const std::string crystal = slurp(data_file(kCrystalI));
  const std::size_t line_end = crystal.find('\n', crystal.size() / 2);
  // Cut in the middle of an atom line, and after a whole atom line of a frame that is not finished.
  for (const std::size_t cut : {line_end - 5, line_end + 1}) {
    const std::string partial = crystal.substr(0, cut);
    std::ofstream(dir.file("running.extxyz")) << crystal << crystal << partial;
    const Trajectory t = read_trajectories({dir.file("running.extxyz")}, {});
    EXPECT_EQ(t.frames.size(), 2u);
    ASSERT_EQ(t.warnings.size(), 1u);
    EXPECT_NE(t.warnings[0].find("running.extxyz"), std::string::npos) << t.warnings[0];
    EXPECT_NE(t.warnings[0].find("incomplete last frame"), std::string::npos) << t.warnings[0];
    Options options;
    options.bo_cutoff = 1.9 * A;
    EXPECT_EQ(analyze(t, options).warnings, t.warnings);
  }
  // A bad line that is not the file's unfinished end is an error.
  std::string damaged = crystal;
  damaged.replace(damaged.find("\nO ") + 3, 1, "x");
  std::ofstream(dir.file("damaged.extxyz")) << crystal << damaged << crystal.substr(0, line_end - 5);
  EXPECT_NE(error_of([&] { read_trajectories({dir.file("damaged.extxyz")}, {}); }).find("damaged.extxyz:"),
            std::string::npos);
  const std::string partial = crystal.substr(0, line_end - 5);

  std::ofstream(dir.file("started.extxyz")) << partial;
  const std::string m = error_of([&] { read_trajectories({dir.file("started.extxyz")}, {}); });
  EXPECT_NE(m.find("started.extxyz"), std::string::npos) << m;
  EXPECT_NE(m.find("the file ends"), std::string::npos) << m;
}

TEST(AnalysisIo, BadInputsAreNamed) {
  TempDir dir;
  // Missing file.
  const std::string missing = dir.file("nothing.h5");
  std::string m = error_of([&] { read_trajectories({missing}, {}); });
  EXPECT_NE(m.find(missing), std::string::npos) << m;
  EXPECT_NE(m.find("cannot open"), std::string::npos) << m;
  // Neither HDF5 nor extended XYZ.
  std::ofstream(dir.file("notes.txt")) << "B2O3 glass at 20 GPa\n";
  m = error_of([&] { read_trajectories({dir.file("notes.txt")}, {}); });
  EXPECT_NE(m.find("notes.txt"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown format"), std::string::npos) << m;
  // HDF5 but not H5MD.
  io::h5::File::create(dir.file("other.h5")).create_group("data");
  m = error_of([&] { read_trajectories({dir.file("other.h5")}, {}); });
  EXPECT_NE(m.find("other.h5"), std::string::npos) << m;
  EXPECT_NE(m.find("not an H5MD"), std::string::npos) << m;
  // Files with different atoms: the second file is named.
  m = error_of([&] { read_trajectories({data_file(kCrystalI), data_file(kCrystalII)}, {}); });
  EXPECT_NE(m.find(kCrystalII), std::string::npos) << m;
  EXPECT_NE(m.find("20 atoms"), std::string::npos) << m;
  // Frames with different atom counts inside one file.
  std::ofstream(dir.file("mixed.extxyz")) << slurp(data_file(kCrystalI)) << slurp(data_file(kCrystalII));
  m = error_of([&] { read_trajectories({dir.file("mixed.extxyz")}, {}); });
  EXPECT_NE(m.find("mixed.extxyz: frame 1"), std::string::npos) << m;
  // No B atoms.
  std::ofstream(dir.file("silica.extxyz")) << "3\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\n"
                                           << "Si 0 0 0\nO 1.6 0 0\nO 0 1.6 0\n";
  const Trajectory silica = read_trajectories({dir.file("silica.extxyz")}, {});
  m = error_of([&] { analyze(silica, Options()); });
  EXPECT_NE(m.find("silica.extxyz"), std::string::npos) << m;
  EXPECT_NE(m.find("0 B"), std::string::npos) << m;
  // A bad --cutoff.
  EXPECT_NEAR(parse_bo_cutoff("B-O=1.85"), 1.85, 1e-15);
  EXPECT_NEAR(parse_bo_cutoff("O-B=2"), 2.0, 1e-15);
  for (const char* bad : {"1.9", "B-B=1.9", "B-O=", "B-O=abc", "B-O=-1", "B-O=1.9A"})
    EXPECT_NE(error_of([&] { parse_bo_cutoff(bad); }).find("--cutoff"), std::string::npos) << bad;
}

// A failing command writes nothing: not even the output directory.
TEST(AnalysisIo, FailedCommandWritesNothing) {
  TempDir dir;
  AnalyzeArguments args;
  args.output = dir.file("out");
  args.inputs = {data_file(kCrystalI), dir.file("missing.extxyz")};
  EXPECT_NE(error_of([&] { run_analyze(args); }).find("missing.extxyz"), std::string::npos);
  args.inputs = {data_file(kCrystalI)};
  args.cutoff = "B-O=x";
  EXPECT_NE(error_of([&] { run_analyze(args); }).find("--cutoff"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.file("out")));
}

TEST(AnalysisIo, CommandWritesJsonAndTables) {
  TempDir dir;
  write_md_trajectory(dir.file("run"));
  AnalyzeArguments args;
  args.inputs = {dir.file("run/trajectory.h5")};
  args.output = dir.file("out");
  args.cutoff = "B-O=1.9";
  args.every = 2;
  ASSERT_EQ(run_analyze(args), 0);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.file("out"))) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"analysis.json", "angles_B-O-B.csv", "angles_O-B-O.csv", "frames.csv",
                                             "rdf_B-B.csv", "rdf_B-O.csv", "rdf_O-O.csv"}));  // no temporaries
  const auto j = nlohmann::json::parse(slurp(dir.file("out/analysis.json")));
  EXPECT_EQ(j["frames_used"], 3);
  EXPECT_EQ(j["per_frame"]["step"], (std::vector<long>{0, 20, 40}));
  EXPECT_EQ(j["atoms"]["total"], 15);
  EXPECT_EQ(j["atoms"]["B"], 6);
  EXPECT_DOUBLE_EQ(j["cutoff"]["B-O_A"].get<double>(), 1.9);
  EXPECT_EQ(j["cutoff"]["rule"], "command line");
  EXPECT_DOUBLE_EQ(j["coordination"]["B"]["3"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["coordination"]["O"]["2"].get<double>(), 1.0);
  EXPECT_EQ(j["coordination"]["per_frame"]["B"]["3"].size(), 3u);
  EXPECT_TRUE(j["coordination"]["standard_error"]["B"]["3"].is_number());
  EXPECT_DOUBLE_EQ(j["coordination"]["sensitivity"]["cutoff_minus_0.1_A"]["cutoff_A"].get<double>(), 1.8);
  EXPECT_DOUBLE_EQ(j["coordination"]["sensitivity"]["cutoff_plus_0.1_A"]["B"]["3"].get<double>(), 1.0);
  EXPECT_NEAR(j["mean_bond_length_A"]["B-O"].get<double>(), 1.385, 0.01);  // strained frames
  EXPECT_TRUE(j["mean_bond_length_A"]["standard_error"]["B-O"].is_number());
  for (const char* key : {"g_OO_first_peak"}) EXPECT_TRUE(j["O-O_distance_A"][key].is_number()) << key;
  EXPECT_DOUBLE_EQ(j["O-O_distance_A"]["mean_within_cutoff"]["cutoff_A"].get<double>(), 3.0);
  EXPECT_TRUE(j["O-O_distance_A"]["mean_within_cutoff"]["value"].is_number());
  EXPECT_EQ(j["O-O_distance_A"]["mean_within_cutoff"]["scan"].size(), 4u);
  EXPECT_TRUE(j["O-O_distance_A"]["polyhedral_edge"]["value"].is_number());
  EXPECT_TRUE(j["density_g_cm3"].is_number());
  EXPECT_TRUE(j["volume_A3"].is_number());
  EXPECT_EQ(j["rdf"]["r_A"].size(), j["rdf"]["g"]["O-O"].size());
  EXPECT_EQ(j["angles_deg"]["O-B-O"]["density_per_deg"].size(), 180u);
  EXPECT_TRUE(j["warnings"].empty());
  // The CSV tables hold what the JSON holds.
  const std::string rdf = slurp(dir.file("out/rdf_B-O.csv"));
  EXPECT_EQ(rdf.substr(0, rdf.find('\n')), "r_A,g,running_coordination");
  EXPECT_EQ(static_cast<std::size_t>(std::count(rdf.begin(), rdf.end(), '\n')), j["rdf"]["r_A"].size() + 1);
  const std::string frames = slurp(dir.file("out/frames.csv"));
  EXPECT_EQ(frames.substr(0, frames.find('\n')), "step,volume_A3,density_g_cm3,mean_B-O_A,B_3,O_2");
  EXPECT_EQ(std::count(frames.begin(), frames.end(), '\n'), 4);
}
