#include "analysis/command.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "analysis/analyze.hpp"
#include "analysis/pdos.hpp"
#include "analysis/report.hpp"
#include "core/units.hpp"

namespace megabar::analysis {

double parse_bo_cutoff(const std::string& text) {
  const std::size_t eq = text.find('=');
  const std::string pair = text.substr(0, eq);
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("--cutoff '" + text + "': " + why +
                                 " (expected B-O=DISTANCE in angstrom, e.g. B-O=1.9)");
  };
  if (eq == std::string::npos) throw bad("no '='");
  if (pair != "B-O" && pair != "O-B") throw bad("only the B-O cutoff can be set");
  const std::string value = text.substr(eq + 1);
  std::size_t used = 0;
  double d = 0;
  try {
    d = std::stod(value, &used);
  } catch (const std::exception&) {
    throw bad("'" + value + "' is not a number");
  }
  if (used != value.size() || !std::isfinite(d) || d <= 0) throw bad("'" + value + "' is not a positive distance");
  // B-O bonds are 1.3-1.7 A at any pressure studied here and g_BO's first minimum lies near 1.9-2.3 A; far
  // larger cutoffs count second neighbours and periodic images and make the neighbour search very slow.
  if (d > kMaxBoCutoffAngstrom)
    throw bad(value + " A is no B-O bond length; use at most " + std::to_string(int(kMaxBoCutoffAngstrom)) + " A");
  return d;
}

int run_analyze(const AnalyzeArguments& args) {
  auto positive = [](double x, const char* option) {
    if (!(x > 0) || !std::isfinite(x))
      throw std::invalid_argument(std::string(option) + " must be a positive number of angstrom");
  };
  positive(args.bin_width, "--bin-width");
  positive(args.oo_cutoff, "--oo-cutoff");
  if (args.r_max) positive(*args.r_max, "--rmax");
  if (args.every < 1) throw std::invalid_argument("--every must be at least 1, got " + std::to_string(args.every));
  Options options;
  if (!args.cutoff.empty()) options.bo_cutoff = parse_bo_cutoff(args.cutoff) * units::angstrom;
  options.bin_width = args.bin_width * units::angstrom;
  if (args.r_max) options.r_max = *args.r_max * units::angstrom;
  options.oo_cutoff = args.oo_cutoff * units::angstrom;
  FrameSelection selection;
  selection.from_step = args.from_step;
  selection.every = args.every;

  const Trajectory trajectory = read_trajectories(args.inputs, selection);
  const Result r = analyze(trajectory, options);
  std::vector<std::string> pdos_warnings;  // the /pdos snapshots of md.pdos_every, when an input holds them
  const auto pdos = analyze_pdos(args.inputs, selection, r.cutoff.cutoff, pdos_warnings);
  auto files = output_files(r, trajectory, selection, options);
  if (pdos) add_pdos_output(files, *pdos);
  write_files(args.output, files);

  const double A = units::angstrom;
  std::printf("megabar analyze: %zu frames (steps %ld to %ld), %ld atoms, density %.4f g/cm3\n", r.steps.size(),
              r.steps.front(), r.steps.back(), r.natoms, r.mean_density.mean);
  std::printf("  B-O cutoff %.3f A (%s)\n", r.cutoff.cutoff / A, r.cutoff.rule.c_str());
  for (const auto& [species, by_n] : r.coordination.fractions) {
    std::printf("  %s:", species.c_str());
    for (const auto& [n, e] : by_n) std::printf("  [%d]%s %.2f %%", n, species.c_str(), 100 * e.mean);
    std::printf("\n");
  }
  std::printf("  mean B-O %.4f A; O-O: g_OO peak %.4f A, mean within %.2f A %.4f A, polyhedral edge %.4f A\n",
              r.bond_length.mean / A, r.oo_peak ? *r.oo_peak / A : std::nan(""), r.oo_within.cutoff / A,
              r.oo_within.mean.mean / A, r.oo_edge.mean / A);
  if (pdos) {
    std::printf("  PDOS: %zu snapshots aligned to their VBM, gap %.3f eV;", pdos->steps.size(), pdos->gap.mean);
    for (const auto& g : pdos->environments) std::printf(" %s %ld", g.name.c_str(), g.atom_snapshots);
    std::printf(" atom-snapshots\n");
  }
  std::printf("  written: %s/analysis.json\n", args.output.c_str());
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  for (const auto& w : pdos_warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return 0;
}

}  // namespace megabar::analysis
