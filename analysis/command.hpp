// `megabar analyze INPUT... --output DIR [options]` (docs/analysis.md): reads the trajectories, analyses
// them, writes DIR/analysis.json and the CSV tables, and prints a short summary and any warnings.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace megabar::analysis {

struct AnalyzeArguments {
  std::vector<std::string> inputs;
  std::string output;
  std::string cutoff;  // "B-O=1.9" (angstrom); empty: the g_BO rule
  std::optional<long> from_step;
  long every = 1;
  double bin_width = 0.02;      // angstrom
  std::optional<double> r_max;  // angstrom
  double oo_cutoff = 3.0;       // angstrom
};

// Parses "B-O=1.9" (or "O-B=1.9"); returns the distance in angstrom. Throws std::invalid_argument.
// The largest B-O bond cutoff --cutoff accepts (angstrom).
inline constexpr double kMaxBoCutoffAngstrom = 3.0;
double parse_bo_cutoff(const std::string& text);

// Runs the analysis; returns the exit status (0). Throws on bad input, naming the file; then nothing is written.
int run_analyze(const AnalyzeArguments& arguments);

}  // namespace megabar::analysis
