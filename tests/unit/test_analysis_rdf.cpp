// g(r) normalisation and features (analysis/rdf.hpp, analysis/rdf_features.hpp), the B-O cutoff rule on
// synthetic curves, and the block standard error (analysis/statistics.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/analyze.hpp"
#include "analysis/rdf.hpp"
#include "analysis/rdf_features.hpp"
#include "analysis/statistics.hpp"
#include "test_analysis_helpers.hpp"

using namespace megabar;
using namespace megabar::analysis;
using namespace megabar::analysis::testing;

namespace {

// Uncorrelated atoms (an ideal gas) in a skewed cell, many frames: 40 B and 60 O.
Trajectory ideal_gas(int frames) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> unit(0, 1);
  const core::Mat3 rows{{{12, 0, 0}, {3, 11, 0}, {-2, 2.5, 13}}};
  std::vector<std::string> symbols;
  for (int a = 0; a < 100; ++a) symbols.push_back(a < 40 ? "B" : "O");
  std::vector<Snapshot> list;
  for (int f = 0; f < frames; ++f) {
    std::vector<core::Vec3> r;
    for (int a = 0; a < 100; ++a) {
      const double f0 = unit(rng), f1 = unit(rng), f2 = unit(rng);
      core::Vec3 p;
      for (int k = 0; k < 3; ++k) p[k] = f0 * rows[0][k] + f1 * rows[1][k] + f2 * rows[2][k];
      r.push_back(p);
    }
    list.push_back(snapshot(rows, r, f));
  }
  return trajectory(symbols, list);
}

std::vector<double> sampled(double w, int bins, double (*g)(double)) {
  std::vector<double> out;
  for (int k = 0; k < bins; ++k) out.push_back(g((k + 0.5) * w / A));
  return out;
}

double gauss(double r, double r0, double s) { return std::exp(-0.5 * std::pow((r - r0) / s, 2)); }

}  // namespace

// For uncorrelated atoms g_ab(r) -> 1 at every r, within the statistical noise of the histogram; the
// running coordination number at r is the density times the sphere volume.
TEST(AnalysisRdf, IdealGasIsNormalisedToOne) {
  const Trajectory t = ideal_gas(300);
  Options options;
  options.bo_cutoff = 1.9 * A;
  options.bin_width = 0.1 * A;
  const Result r = analyze(t, options);
  const double volume = t.frames[0].cell.volume;
  for (int p = 0; p < 3; ++p) {
    double sum = 0;
    int bins = 0;
    for (std::size_t k = 0; k < r.rdf.r.size(); ++k)
      if (r.rdf.r[k] > 2.0 * A) {
        sum += r.rdf.g[p][k];
        ++bins;
      }
    ASSERT_GT(bins, 20);
    EXPECT_NEAR(sum / bins, 1.0, 0.01) << kPairNames[p];
    // Around a B: 60 O, or 39 other B, uniformly in the cell.
    const double others = p == kBB ? 39 : 60;  // B-B: B around B; B-O: O around B; O-O: 59 O around O
    const double n_expected = (p == kOO ? 59 : others) / volume * 4.0 / 3 * units::pi * std::pow(r.rdf.r_max, 3);
    EXPECT_NEAR(r.rdf.running[p].back() / n_expected, 1.0, 0.02) << kPairNames[p];
  }
  EXPECT_NEAR(r.rdf.r_max, r.rdf.cell_limit, 0.1 * A);
  EXPECT_LE(r.rdf.r_max, r.rdf.cell_limit);
  EXPECT_EQ(r.rdf.r.size(), r.rdf.g[kBO].size());
  // 300 frames of 40 B: block standard errors are defined and small.
  EXPECT_GT(r.coordination.mean.at("B").standard_error, 0);
  EXPECT_LT(r.coordination.mean.at("B").standard_error, 0.05);
}

// The running B-O coordination number at the bond cutoff is the mean [n]B (B2O3-I: 3), also beyond half
// the cell width (--rmax), where a warning says that g(r) shows the cell's periodicity.
TEST(AnalysisRdf, RunningCoordinationAtTheCutoffIsTheMeanCoordination) {
  Options options;
  options.bo_cutoff = 1.9 * A;
  options.r_max = 3.0 * A;
  const Result r = analyze(read_trajectories({data_file(kCrystalI)}, {}), options);
  const int k = static_cast<int>(std::lround(1.9 / 0.02)) - 1;  // the bin whose upper edge is 1.9 A
  EXPECT_NEAR(r.rdf.running[kBO].at(k), 3.0, 1e-12);
  EXPECT_NEAR(r.rdf.r_max / A, 3.0, 1e-9);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("periodicity"), std::string::npos) << r.warnings[0];
  // Default range: half the smallest width of the hexagonal cell, 4.3506 sin(60) / 2 = 1.884 A.
  options.r_max.reset();
  const Result d = analyze(read_trajectories({data_file(kCrystalI)}, {}), options);
  EXPECT_NEAR(d.rdf.cell_limit / A, 4.35062 * std::sqrt(3.0) / 4, 1e-6);
  EXPECT_TRUE(d.warnings.empty());
}

TEST(AnalysisRdf, CutoffRuleOnSyntheticCurves) {
  const double w = 0.02 * A;
  // A glass-like g_BO: first shell at 1.40 A (height 20), second shell from 2.4 A, a clear minimum between.
  const auto glass = sampled(w, 200, [](double r) { return 20 * gauss(r, 1.40, 0.06) + 2 * gauss(r, 2.55, 0.15); });
  const CutoffChoice c = bo_cutoff_from_rdf(glass, w);
  EXPECT_EQ(c.rule, "first minimum of g_BO");
  EXPECT_TRUE(c.warning.empty());
  ASSERT_TRUE(c.peak && c.minimum);
  EXPECT_NEAR(*c.peak / A, 1.40, 0.005);
  EXPECT_GT(c.cutoff / A, 1.7);
  EXPECT_LT(c.cutoff / A, 2.2);

  // A shallow dip inside the first shell (a [4]B sub-peak at 1.52 A) is not the end of the shell.
  const auto split = sampled(
      w, 200, [](double r) { return 20 * gauss(r, 1.38, 0.04) + 14 * gauss(r, 1.56, 0.04) + 2 * gauss(r, 2.6, 0.15); });
  const CutoffChoice s = bo_cutoff_from_rdf(split, w);
  EXPECT_EQ(s.rule, "first minimum of g_BO");
  EXPECT_GT(s.cutoff / A, 1.75);

  // No minimum below 3 A (the curve keeps falling), and no pair at all: the 1.9 A fallback, with a warning.
  const auto falling = sampled(w, 200, [](double r) { return r < 1.3 ? 0.0 : 10 * std::exp(-(r - 1.3)); });
  const CutoffChoice f = bo_cutoff_from_rdf(falling, w);
  EXPECT_EQ(f.rule, "fallback");
  EXPECT_NEAR(f.cutoff / A, 1.9, 1e-12);
  EXPECT_NE(f.warning.find("no minimum"), std::string::npos) << f.warning;
  const CutoffChoice none = bo_cutoff_from_rdf(std::vector<double>(200, 0.0), w);
  EXPECT_EQ(none.rule, "fallback");
  EXPECT_NE(none.warning.find("no B-O pair"), std::string::npos) << none.warning;

  // Two sharp lines with nothing between (a crystal): the middle of the empty gap, 1.40..2.60 -> 2.00 A.
  std::vector<double> lines(200, 0.0);
  lines[70] = 50;   // centre 1.41 A
  lines[129] = 20;  // centre 2.59 A
  const CutoffChoice g = bo_cutoff_from_rdf(lines, w);
  EXPECT_EQ(g.rule, "first minimum of g_BO");
  EXPECT_NEAR(g.cutoff / A, 2.0, 1e-9);
}

TEST(AnalysisRdf, PeakIsRefinedBetweenBins) {
  const double w = 0.02 * A;
  const auto g = sampled(w, 200, [](double r) { return 3 * gauss(r, 2.391, 0.1); });
  const auto p = highest_peak(g, w, 0, 3.0 * A);
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->r / A, 2.391, 1e-3);
  EXPECT_FALSE(highest_peak(std::vector<double>(10, 0.0), w, 0, 3.0 * A));
  // Smoothing keeps the area and, for a wide symmetric peak, the position.
  const auto s = smooth(g, w, 0.05 * A);
  double area = 0, area_s = 0;
  for (std::size_t k = 0; k < g.size(); ++k) area += g[k], area_s += s[k];
  EXPECT_NEAR(area_s, area, 1e-9 * area);
  EXPECT_NEAR(highest_peak(s, w, 0, 3.0 * A)->r / A, 2.391, 2e-3);
}

TEST(AnalysisStatistics, BlockStandardError) {
  // Fewer than 10 frames: the plain standard error of the mean.
  const Estimate four = estimate({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(four.mean, 2.5);
  EXPECT_NEAR(four.standard_error, std::sqrt(5.0 / 3) / 2, 1e-15);
  // 20 frames: 10 blocks of 2; block means 1..10 -> SE = sd(1..10) / sqrt(10).
  std::vector<double> twenty;
  for (int b = 1; b <= 10; ++b) twenty.insert(twenty.end(), {b - 0.5, b + 0.5});
  const Estimate e = estimate(twenty);
  EXPECT_DOUBLE_EQ(e.mean, 5.5);
  EXPECT_NEAR(e.standard_error, std::sqrt(55.0 / 6) / std::sqrt(10.0), 1e-14);
  EXPECT_EQ(e.frames, 20);
  const Estimate one = estimate({7});
  EXPECT_DOUBLE_EQ(one.mean, 7);
  EXPECT_TRUE(std::isnan(one.standard_error));
  // Frames without a value (NaN) are left out.
  FrameSeries series;
  series.add(3, 2);
  series.add(0, 0);
  series.add(5, 2);
  EXPECT_EQ(series.values().size(), 3u);
  EXPECT_TRUE(std::isnan(series.values()[1]));
  EXPECT_DOUBLE_EQ(series.estimate().mean, 2.0);
  EXPECT_EQ(series.estimate().frames, 2);
}
