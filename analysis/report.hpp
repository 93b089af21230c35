// The output of `megabar analyze` (docs/analysis.md, "Output"): DIR/analysis.json with every statistic,
// and CSV tables for plotting (g(r) per pair, angle distributions, per-frame values). Lengths in
// angstrom, angles in degrees, density in g/cm^3. Every file is written to a temporary name first and
// renamed into place (analysis.json last), so a failed run leaves no half-written file.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/analyze.hpp"
#include "analysis/reader.hpp"

namespace megabar::analysis {

struct OutputFile {
  std::string name;  // in the output directory
  std::string text;
};

nlohmann::ordered_json to_json(const Result& result, const Trajectory& trajectory, const FrameSelection& selection,
                               const Options& options);

// analysis.json and the CSV tables.
std::vector<OutputFile> output_files(const Result& result, const Trajectory& trajectory,
                                     const FrameSelection& selection, const Options& options);

// Creates `directory` when missing and writes the files atomically. Throws std::runtime_error naming the
// file; files already renamed into place stay, temporaries are removed.
void write_files(const std::string& directory, const std::vector<OutputFile>& files);

}  // namespace megabar::analysis
