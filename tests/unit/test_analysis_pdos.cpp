// PDOS snapshots of MD runs (md.pdos_every): the /pdos group of trajectory.h5 (md/trajectory_h5md.hpp),
// cut back and recovered on resume, and their averages per species and coordination environment
// (analysis/pdos.hpp): environments add up to the species, integral sum rules, VBM alignment, E_c.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/command.hpp"
#include "analysis/pdos.hpp"
#include "core/elements.hpp"
#include "io/extxyz.hpp"
#include "io/h5file.hpp"
#include "md/trajectory.hpp"
#include "md/trajectory_h5md.hpp"
#include "test_analysis_helpers.hpp"

namespace fs = std::filesystem;
using namespace megabar;
using namespace megabar::analysis;
using namespace megabar::analysis::testing;

namespace {

// Deterministic numbers in [0, 1).
double hash01(int a, int b, int c, int d) {
  const double x = std::sin(12.9898 * a + 78.233 * b + 37.719 * c + 11.131 * d + 0.5) * 43758.5453;
  return x - std::floor(x);
}

// A synthetic snapshot: n_bands bands, n_occ occupied, a gap of ~3 eV above the VBM, weights with
// sum over atoms and l <= 1 per band. `shift` moves every energy (the absolute scale of the cell).
PdosFrame synthetic(long step, int natoms, int nb, int nocc, int L, double shift) {
  PdosFrame f;
  f.step = step;
  f.n_occupied = nocc;
  double e = -20 + shift + hash01(step, 0, 0, 0);
  for (int n = 0; n < nb; ++n) {
    f.eigenvalues.push_back(e);
    e += (n + 1 == nocc ? 3.0 : 0.4 + 1.5 * hash01(step, n, 1, 0));
  }
  f.vbm = f.eigenvalues[nocc - 1];
  f.cbm = f.eigenvalues[nocc];
  f.weights.resize(static_cast<std::size_t>(nb) * natoms * L);
  for (int n = 0; n < nb; ++n)
    for (int a = 0; a < natoms; ++a)
      for (int l = 0; l < L; ++l)
        f.weights[(n * natoms + a) * L + l] = static_cast<float>(0.9 / (natoms * L) * hash01(step, n, a, l));
  f.spilling_occupied = 0.01 * (1 + step % 3);
  f.spilling_all = 0.1;
  return f;
}

double integral(const std::vector<double>& y, double h) {
  double s = 0;
  for (double v : y) s += v;
  return s * h;
}

const std::vector<std::string> kSymbols = {"B", "B", "O", "O", "O", "O"};
const std::vector<std::vector<int>> kCoordination = {{3, 4, 2, 2, 2, 1}, {3, 3, 2, 2, 1, 1}, {4, 4, 3, 2, 2, 1}};
constexpr int kBands = 8, kOcc = 4, kL = 2;

PdosAverage average_of(const std::vector<PdosFrame>& frames, const PdosSettings& settings) {
  std::vector<std::vector<double>> eig;
  std::vector<double> vbm;
  for (const auto& f : frames) {
    eig.push_back(f.eigenvalues);
    vbm.push_back(f.vbm);
  }
  const auto [lo, hi] = aligned_range(eig, vbm, settings.sigma);
  PdosAverager av(kSymbols, kBands, kL, lo, hi, settings);
  for (std::size_t t = 0; t < frames.size(); ++t) av.add(frames[t], kCoordination[t]);
  return av.result();
}

std::vector<PdosFrame> synthetic_frames(const std::vector<double>& shifts) {
  std::vector<PdosFrame> frames;
  for (std::size_t t = 0; t < shifts.size(); ++t)
    frames.push_back(synthetic(static_cast<long>(t), static_cast<int>(kSymbols.size()), kBands, kOcc, kL, shifts[t]));
  return frames;
}

const PdosGroup& find(const std::vector<PdosGroup>& groups, const std::string& name) {
  for (const auto& g : groups)
    if (g.name == name) return g;
  throw std::runtime_error("no group " + name);
}

}  // namespace

TEST(PdosAverage, EnvironmentsWeightedByCountsAddUpToTheSpecies) {
  const PdosAverage r = average_of(synthetic_frames({0.0, 1.3, -2.1}), PdosSettings{});
  ASSERT_EQ(r.steps.size(), 3u);
  ASSERT_EQ(r.species.size(), 2u);
  EXPECT_EQ(find(r.species, "B").atom_snapshots, 6);
  EXPECT_EQ(find(r.species, "O").atom_snapshots, 12);
  EXPECT_EQ(find(r.environments, "[3]B").atom_snapshots, 3);
  EXPECT_EQ(find(r.environments, "[4]B").atom_snapshots, 3);
  EXPECT_EQ(find(r.environments, "[1]O").atom_snapshots, 4);
  EXPECT_EQ(find(r.environments, "[2]O").atom_snapshots, 7);
  EXPECT_EQ(find(r.environments, "[3]O").atom_snapshots, 1);
  for (const auto& sp : r.species)
    for (int l = 0; l < kL; ++l) {
      double peak = 0;
      for (double d : sp.dos[l]) peak = std::max(peak, d);
      for (std::size_t k = 0; k < r.energies.size(); ++k) {
        double sum = 0;
        long count = 0;
        for (const auto& env : r.environments)
          if (env.element == sp.element) {
            sum += env.atom_snapshots * env.dos[l][k];
            count += env.atom_snapshots;
          }
        ASSERT_EQ(count, sp.atom_snapshots);
        ASSERT_NEAR(sum, sp.atom_snapshots * sp.dos[l][k], 1e-12 * peak * sp.atom_snapshots)
            << sp.element << " l=" << l << " k=" << k;
      }
    }
}

TEST(PdosAverage, IntegralsAreTwiceTheMeanWeightAndTheBandCount) {
  const auto frames = synthetic_frames({0.0, 1.3, -2.1});
  const PdosAverage r = average_of(frames, PdosSettings{});
  const double h = r.settings.step;
  EXPECT_NEAR(integral(r.total, h), 2.0 * kBands, 1e-9);
  double occupied = 0;  // up to mid-gap (gaps ~3 eV >> sigma)
  for (std::size_t k = 0; k < r.energies.size(); ++k)
    if (r.energies[k] < 1.5) occupied += r.total[k] * h;
  EXPECT_NEAR(occupied, 2.0 * kOcc, 1e-6);
  // Directly from the weights: 2 <sum_n W_{a,l,n}> over the atom-snapshots of each group.
  for (const auto* groups : {&r.species, &r.environments})
    for (const auto& g : *groups)
      for (int l = 0; l < kL; ++l) {
        double direct = 0;
        long count = 0;
        for (std::size_t t = 0; t < frames.size(); ++t)
          for (std::size_t a = 0; a < kSymbols.size(); ++a) {
            if (kSymbols[a] != g.element || (g.coordination >= 0 && kCoordination[t][a] != g.coordination)) continue;
            ++count;
            for (int n = 0; n < kBands; ++n) direct += 2.0 * frames[t].weights[(n * kSymbols.size() + a) * kL + l];
          }
        ASSERT_EQ(count, g.atom_snapshots) << g.name;
        EXPECT_NEAR(g.weight[l], direct / count, 1e-12) << g.name;
        EXPECT_NEAR(integral(g.dos[l], h), g.weight[l], 1e-9 * g.weight[l]) << g.name << " l=" << l;
      }
}

TEST(PdosAverage, EachSnapshotIsAlignedToItsOwnVbm) {
  const PdosAverage a = average_of(synthetic_frames({0.0, 0.0, 0.0}), PdosSettings{});
  const PdosAverage b = average_of(synthetic_frames({5.0, -3.7, 11.2}), PdosSettings{});
  ASSERT_EQ(a.energies.size(), b.energies.size());
  for (std::size_t k = 0; k < a.energies.size(); ++k) {
    ASSERT_NEAR(a.energies[k], b.energies[k], 1e-9);
    ASSERT_NEAR(a.total[k], b.total[k], 1e-9);
    for (std::size_t g = 0; g < a.environments.size(); ++g)
      for (int l = 0; l < kL; ++l) ASSERT_NEAR(a.environments[g].dos[l][k], b.environments[g].dos[l][k], 1e-9);
  }
  for (std::size_t g = 0; g < a.environments.size(); ++g)
    for (int l = 0; l < kL; ++l) EXPECT_NEAR(a.environments[g].ec[l], b.environments[g].ec[l], 1e-9);
  EXPECT_NEAR(a.gap.mean, b.gap.mean, 1e-12);
  EXPECT_NEAR(b.vbm.mean - a.vbm.mean, (5.0 - 3.7 + 11.2) / 3, 1e-9);
}

TEST(PdosAverage, CentreOfGravityPoolsTheWindowOfEverySnapshot) {
  PdosSettings s;
  s.ec_window = 2.5;  // cuts the empty bands of each snapshot
  const auto frames = synthetic_frames({0.0, 1.3, -2.1});
  const PdosAverage r = average_of(frames, s);
  long truncated = 0;
  for (const auto* groups : {&r.species, &r.environments})
    for (const auto& g : *groups)
      for (int l = 0; l < kL; ++l) {
        double sw = 0, swe = 0, swc = 0;
        for (std::size_t t = 0; t < frames.size(); ++t) {
          const auto& f = frames[t];
          for (std::size_t a = 0; a < kSymbols.size(); ++a) {
            if (kSymbols[a] != g.element || (g.coordination >= 0 && kCoordination[t][a] != g.coordination)) continue;
            for (int n = kOcc; n < kBands; ++n) {
              if (f.eigenvalues[n] > f.cbm + s.ec_window) continue;
              const double w = f.weights[(n * kSymbols.size() + a) * kL + l];
              sw += w;
              swe += w * (f.eigenvalues[n] - f.vbm);
              swc += w * (f.eigenvalues[n] - f.cbm);
            }
          }
        }
        EXPECT_NEAR(g.ec[l], swe / sw, 1e-9) << g.name;
        EXPECT_NEAR(g.ec_minus_cbm[l], swc / sw, 1e-9) << g.name;
        EXPECT_GE(g.ec_minus_cbm[l], 0.0);
        EXPECT_LE(g.ec_minus_cbm[l], s.ec_window);
      }
  for (const auto& f : frames) truncated += f.cbm + s.ec_window > f.eigenvalues.back();
  EXPECT_EQ(r.ec_truncated_snapshots, truncated);
}

TEST(PdosAverage, RejectsSnapshotsOfAnotherShape) {
  PdosAverager av(kSymbols, kBands, kL, -30, 30, PdosSettings{});
  auto f = synthetic(0, 6, kBands, kOcc, kL, 0);
  f.weights.pop_back();
  EXPECT_THROW(av.add(f, kCoordination[0]), std::invalid_argument);
}

// ---- trajectory.h5 -----------------------------------------------------------------------------------

namespace {

// B2O3-I frames, steps 0..50 by 10, slightly displaced.
std::vector<md::Frame> crystal_frames() {
  const auto crystal = io::read_extxyz_frames(data_file(kCrystalI)).at(0);
  std::vector<md::Frame> frames;
  for (int i = 0; i < 6; ++i) {
    md::Frame f = crystal;
    f.step = 10 * i;
    f.time = 5.0 * i * units::femtosecond;
    for (std::size_t a = 0; a < f.structure.size(); ++a)
      for (int k = 0; k < 3; ++k) f.structure.positions[a][k] += 0.03 * A * std::sin(1.3 * a + 2.1 * k + 0.7 * i);
    f.masses.clear();
    for (const auto& symbol : f.structure.symbols) f.masses.push_back(core::element(symbol).mass * units::amu);
    f.velocities.assign(f.structure.size(), core::Vec3{0, 0, 0});
    f.forces.assign(f.structure.size(), core::Vec3{0, 0, 0});
    frames.push_back(f);
  }
  return frames;
}

md::PdosSnapshot md_snapshot(long step, int natoms) {
  const PdosFrame f = synthetic(step, natoms, 40, 36, 2, 3.0);
  md::PdosSnapshot p;
  p.step = step;
  p.time = step * 0.5 * units::femtosecond;
  for (double e : f.eigenvalues) p.eigenvalues.push_back(e / units::hartree_in_ev);
  p.n_occupied = f.n_occupied;
  p.n_l = 2;
  p.weights = f.weights;
  p.vbm = f.vbm / units::hartree_in_ev;
  p.cbm = f.cbm / units::hartree_in_ev;
  p.spilling_occupied = f.spilling_occupied;
  p.spilling_all = f.spilling_all;
  p.broadening = 0.2 * units::ev;
  p.energy_step = 0.01 * units::ev;
  p.ec_window = 10 * units::ev;
  return p;
}

long pdos_rows(const std::string& h5) {
  const auto f = io::h5::File::open(h5, false);
  const auto steps = f.open_dataset("pdos/eigenvalues/step");
  for (const char* g : {"weights", "n_occupied", "vbm", "cbm", "spilling_occupied", "spilling_all_bands"})
    EXPECT_EQ(f.open_dataset(std::string("pdos/") + g + "/value").rows(), steps.rows()) << g;
  return static_cast<long>(steps.rows());
}

}  // namespace

TEST(PdosTrajectory, SnapshotsAreStoredAveragedAndAnalysed) {
  TempDir dir;
  const auto frames = crystal_frames();
  const auto& symbols = frames[0].structure.symbols;
  const int natoms = static_cast<int>(symbols.size());
  {
    md::TrajectoryWriter w(dir.path().string(), symbols, nullptr);
    for (const auto& f : frames) {
      w.append(f);
      if (f.step % 20 == 0) w.append_pdos(md_snapshot(f.step, natoms));
    }
    EXPECT_EQ(w.pdos_snapshots(), 3);
    auto bad = md_snapshot(60, natoms);
    bad.eigenvalues.pop_back();
    EXPECT_THROW(w.append_pdos(bad), std::runtime_error);
    EXPECT_EQ(w.pdos_snapshots(), 3);
  }
  const std::string h5 = (dir.path() / md::trajectory_h5_name).string();
  EXPECT_EQ(pdos_rows(h5), 3);
  {
    const auto f = io::h5::File::open(h5, false);
    EXPECT_EQ(f.open_dataset("pdos/weights/value").shape(), (io::h5::Shape{3, 40, static_cast<hsize_t>(natoms), 2}));
    EXPECT_EQ(f.open_dataset("pdos/eigenvalues/value").read_string_attribute("unit"), "eV");
    EXPECT_EQ(f.open_dataset("pdos/weights/step").read<std::int64_t>(), (std::vector<std::int64_t>{0, 20, 40}));
    EXPECT_NEAR(f.open_group("pdos").read_double_attribute("broadening_eV"), 0.2, 1e-12);
    const auto eig = f.open_dataset("pdos/eigenvalues/value").read_rows<double>(1, 1);
    EXPECT_NEAR(eig[0], md_snapshot(20, natoms).eigenvalues[0] * units::hartree_in_ev, 1e-12);
  }

  std::vector<std::string> warnings;
  const auto r = analyze_pdos({h5}, FrameSelection{}, 1.9 * A, warnings);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(r->steps, (std::vector<long>{0, 20, 40}));
  EXPECT_EQ(find(r->species, "B").atom_snapshots, 18);
  EXPECT_EQ(find(r->species, "O").atom_snapshots, 27);
  EXPECT_EQ(find(r->environments, "[3]B").atom_snapshots, 18);  // B2O3-I: trigonal B, two-fold O
  EXPECT_EQ(find(r->environments, "[2]O").atom_snapshots, 27);
  EXPECT_NEAR(integral(r->total, r->settings.step), 80.0, 1e-8);
  EXPECT_NEAR(r->settings.sigma, 0.2, 1e-12);

  FrameSelection later;
  later.from_step = 20;
  EXPECT_EQ(analyze_pdos({h5}, later, 1.9 * A, warnings)->steps, (std::vector<long>{20, 40}));

  // megabar analyze: "pdos" in analysis.json, pdos.csv.
  AnalyzeArguments args;
  args.inputs = {h5};
  args.output = (dir.path() / "analysis").string();
  ASSERT_EQ(run_analyze(args), 0);
  std::ifstream in(dir.path() / "analysis" / "analysis.json");
  const auto j = nlohmann::json::parse(in);
  ASSERT_TRUE(j.contains("pdos"));
  EXPECT_EQ(j["pdos"]["snapshots"], 3);
  EXPECT_EQ(j["pdos"]["environments"]["[3]B"]["atom_snapshots"], 18);
  EXPECT_EQ(j["pdos"]["species"]["O"]["p"].size(), j["pdos"]["energies_eV"].size());
  EXPECT_TRUE(fs::exists(dir.path() / "analysis" / "pdos.csv"));
}

TEST(PdosTrajectory, ResumeCutsSnapshotsBackAndARebuildRecoversThem) {
  TempDir dir;
  const auto frames = crystal_frames();
  const auto& symbols = frames[0].structure.symbols;
  const int natoms = static_cast<int>(symbols.size());
  const std::string h5 = (dir.path() / md::trajectory_h5_name).string();
  md::ResumeInfo at2;
  {
    md::TrajectoryWriter w(dir.path().string(), symbols, nullptr);
    for (int i = 0; i < 4; ++i) {
      w.append(frames[i]);
      w.append_pdos(md_snapshot(frames[i].step, natoms));
      if (i == 1) at2 = {w.frames(), w.extxyz_bytes(), w.pdos_snapshots()};
    }
  }
  EXPECT_EQ(pdos_rows(h5), 4);
  {  // a checkpoint after two frames: /pdos goes back to two snapshots too
    md::TrajectoryWriter w(dir.path().string(), symbols, &at2);
    EXPECT_FALSE(w.rebuilt_h5());
    EXPECT_EQ(w.pdos_snapshots(), 2);
    w.append(frames[2]);
    w.append_pdos(md_snapshot(frames[2].step, natoms));
  }
  EXPECT_EQ(pdos_rows(h5), 3);
  {
    const auto f = io::h5::File::open(h5, false);
    EXPECT_EQ(f.open_dataset("pdos/eigenvalues/step").read<std::int64_t>(), (std::vector<std::int64_t>{0, 10, 20}));
  }
  // trajectory.h5 with fewer frames than the checkpoint records: rebuilt from trajectory.extxyz, /pdos copied
  // from the damaged file.
  md::ResumeInfo at3{3, 0, 3};
  {
    md::TrajectoryWriter w(dir.path().string(), symbols, &at2);  // cuts to two frames and two snapshots
    w.append(frames[2]);
    w.append_pdos(md_snapshot(frames[2].step, natoms));
    at3.extxyz_bytes = w.extxyz_bytes();
  }
  { auto t = md::H5mdTrajectory::resume(h5, symbols, 1, 3); }  // h5 down to one frame, the 3 snapshots kept
  {
    md::TrajectoryWriter w(dir.path().string(), symbols, &at3);
    EXPECT_TRUE(w.rebuilt_h5());
    EXPECT_EQ(w.frames(), 3);
    EXPECT_EQ(w.pdos_snapshots(), 3);
  }
  EXPECT_EQ(pdos_rows(h5), 3);
  {
    const auto f = io::h5::File::open(h5, false);
    EXPECT_EQ(f.open_dataset("pdos/weights/step").read<std::int64_t>(), (std::vector<std::int64_t>{0, 10, 20}));
    EXPECT_EQ(f.open_dataset("pdos/weights/value").read_rows<float>(2, 1), md_snapshot(20, natoms).weights);
  }
  // An unreadable trajectory.h5: the frames come back from trajectory.extxyz, the snapshots are lost.
  { std::ofstream(h5, std::ios::trunc) << "not HDF5"; }
  {
    md::TrajectoryWriter w(dir.path().string(), symbols, &at3);
    EXPECT_TRUE(w.rebuilt_h5());
    EXPECT_EQ(w.frames(), 3);
    EXPECT_EQ(w.pdos_snapshots(), 0);
    w.append(frames[3]);
    w.append_pdos(md_snapshot(frames[3].step, natoms));
    EXPECT_EQ(w.pdos_snapshots(), 1);
  }
}
