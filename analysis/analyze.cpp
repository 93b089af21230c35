#include "analysis/analyze.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "analysis/angles.hpp"
#include "analysis/bonds.hpp"
#include "analysis/oxygen_pairs.hpp"
#include "analysis/polyhedra.hpp"
#include "analysis/rdf.hpp"
#include "core/elements.hpp"
#include "core/units.hpp"

namespace megabar::analysis {
namespace {

constexpr double A = units::angstrom;               // bohr per angstrom
constexpr double g_cm3_per_amu_A3 = 1.66053906660;  // 1 amu / 1 A^3 in g/cm^3 (CODATA 2018)

std::string fmt(double angstrom) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", angstrom);
  return b;
}

std::string fmt_general(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", x);
  return b;
}

struct Atoms {
  std::vector<int> kind, b, o, bo;  // kind per atom; indices of B, of O, of both
  double mass = 0;                  // amu, all atoms
};

Atoms classify(const Trajectory& t, Result& r) {
  Atoms atoms;
  for (std::size_t a = 0; a < t.symbols.size(); ++a) {
    const std::string& s = t.symbols[a];
    if (!r.atoms.count(s)) r.species.push_back(s);
    ++r.atoms[s];
    atoms.mass += core::element(s).mass;
    const int k = s == "B" ? kB : s == "O" ? kO : kOther;
    atoms.kind.push_back(k);
    if (k == kB) atoms.b.push_back(static_cast<int>(a));
    if (k == kO) atoms.o.push_back(static_cast<int>(a));
    if (k != kOther) atoms.bo.push_back(static_cast<int>(a));
  }
  r.natoms = static_cast<long>(t.symbols.size());
  if (atoms.b.empty() || atoms.o.empty())
    throw std::invalid_argument(t.inputs.front().path + ": the frames hold " + std::to_string(atoms.b.size()) +
                                " B and " + std::to_string(atoms.o.size()) + " O atoms; the analysis needs both");
  if (atoms.bo.size() < t.symbols.size())
    r.warnings.push_back("atoms other than B and O are left out of every statistic");
  return atoms;
}

// Pass 1: g(r), O-O pairs, volume and density.
void first_pass(const Trajectory& t, const Atoms& atoms, Result& r, Rdf& rdf, OxygenPairs& oo) {
  const double reach =
      std::max(rdf.bins() * rdf.bin_width(), *std::max_element(oo.cutoffs().begin(), oo.cutoffs().end()));
  for (const Snapshot& s : t.frames) {
    const auto pairs = pairs_within(s.cell, s.positions, atoms.bo, reach, true);
    rdf.add_frame(pairs, atoms.kind, s.cell.volume);
    oo.add_frame(pairs, atoms.kind, static_cast<long>(atoms.o.size()));
    const double volume_A3 = s.cell.volume / (A * A * A);
    r.steps.push_back(s.step);
    r.volume.push_back(s.cell.volume);
    r.density.push_back(atoms.mass * g_cm3_per_amu_A3 / volume_A3);
  }
}

// Pass 2: everything built on the B-O bonds.
void second_pass(const Trajectory& t, const Options& opt, const Atoms& atoms, Result& r) {
  const double c = r.cutoff.cutoff, dc = kSensitivityAngstrom * A;
  Coordination at(c), minus(c - dc), plus(c + dc);
  Polyhedra polyhedra;
  AngleDistribution obo(opt.angle_bin_width), bob(opt.angle_bin_width);
  for (const Snapshot& s : t.frames) {
    const auto pairs = pairs_between(s.cell, s.positions, atoms.b, atoms.o, c + dc);
    const std::size_t n = s.positions.size();
    at.add_frame(coordination_numbers(n, pairs, c), atoms.kind);
    minus.add_frame(coordination_numbers(n, pairs, c - dc), atoms.kind);
    plus.add_frame(coordination_numbers(n, pairs, c + dc), atoms.kind);
    const BondGraph bonds(n, pairs, c);
    polyhedra.add_frame(bonds, atoms.kind);
    obo.add_frame(bonds, atoms.kind, kB);
    bob.add_frame(bonds, atoms.kind, kO);
  }
  r.coordination = at.table();
  r.coordination_minus = minus.table();
  r.coordination_plus = plus.table();
  r.bond_length = polyhedra.bond_length().estimate();
  r.bond_length_per_frame = polyhedra.bond_length().values();
  r.bond_length_by_coordination = polyhedra.bond_length_by_coordination();
  r.oo_edge = polyhedra.edge_length().estimate();
  r.oo_edge_by_coordination = polyhedra.edge_length_by_coordination();
  r.obo = {obo.bin_width(), obo.density(), obo.mean(), obo.angles()};
  r.bob = {bob.bin_width(), bob.density(), bob.mean(), bob.angles()};
}

void check(const Options& opt) {
  if (!(opt.bin_width > 0)) throw std::invalid_argument("the g(r) bin width must be positive");
  if (!(opt.oo_cutoff > 0)) throw std::invalid_argument("the O-O cutoff must be positive");
  if (opt.bo_cutoff && !(*opt.bo_cutoff > kSensitivityAngstrom * A))
    throw std::invalid_argument("the B-O cutoff must be larger than " + fmt(kSensitivityAngstrom) + " A");
  if (opt.r_max && !(*opt.r_max > opt.bin_width)) throw std::invalid_argument("r_max must exceed the bin width");
  if (!(opt.angle_bin_width > 0 && opt.angle_bin_width <= 180))
    throw std::invalid_argument("the angle bin width must lie in (0, 180] degrees");
}

// The B-O cutoff: given, or by the g_BO rule (whose peak and minimum are reported either way).
void choose_cutoff(const Options& opt, const Rdf& rdf, Result& r) {
  const CutoffChoice rule = bo_cutoff_from_rdf(rdf.g(kBO), rdf.bin_width());
  if (opt.bo_cutoff) {
    r.cutoff = rule;
    r.cutoff.cutoff = *opt.bo_cutoff;
    r.cutoff.rule = "command line";
    r.cutoff.warning.clear();
  } else {
    r.cutoff = rule;
    if (!rule.warning.empty()) r.warnings.push_back(rule.warning);
  }
  r.bo_peak = r.cutoff.peak;
}

void collect_oxygen_pairs(const Options& opt, const Rdf& rdf, const OxygenPairs& oo, Result& r) {
  const double sigma = kSmoothingSigmaAngstrom * A;
  if (auto p = highest_peak(smooth(rdf.g(kOO), rdf.bin_width(), sigma), rdf.bin_width(), 0, opt.oo_cutoff))
    r.oo_peak = p->r;
  r.oo_within = {oo.cutoffs()[0], oo.mean_distance(0).estimate(), oo.neighbours(0).estimate()};
  for (std::size_t c = 1; c < oo.cutoffs().size(); ++c)
    r.oo_scan.push_back({oo.cutoffs()[c], oo.mean_distance(c).estimate(), oo.neighbours(c).estimate()});
}

// The reported part of g(r): whole bins up to r_max.
RdfTable rdf_table(const Rdf& rdf, double r_max, double cell_limit) {
  RdfTable table;
  table.bin_width = rdf.bin_width();
  table.cell_limit = cell_limit;
  const int shown = std::min(rdf.bins(), static_cast<int>(std::floor(r_max / rdf.bin_width() * (1 + 1e-12))));
  table.r_max = shown * rdf.bin_width();
  for (int k = 0; k < shown; ++k) table.r.push_back(rdf.r(k));
  for (PairKind p : {kBB, kBO, kOO}) {
    const auto g = rdf.g(p), n = rdf.running_coordination(p);
    table.g[p].assign(g.begin(), g.begin() + shown);
    table.running[p].assign(n.begin(), n.begin() + shown);
  }
  return table;
}

}  // namespace

Options::Options() : bin_width(kDefaultBinWidthAngstrom * A), oo_cutoff(kDefaultOoCutoffAngstrom * A) {}

Result analyze(const Trajectory& t, const Options& opt) {
  check(opt);
  Result r;
  r.warnings = t.warnings;
  const Atoms atoms = classify(t, r);

  // g(r) range: what is reported, and at least what the cutoff rule and the O-O peak search look at.
  double limit = 1e300;
  for (const Snapshot& s : t.frames) limit = std::min(limit, half_width(s.cell));
  const double r_max = opt.r_max ? *opt.r_max : limit;
  // The periodic images to visit grow as (range / width)^3: refuse ranges far beyond the cell (g(r) there only
  // repeats it) rather than run for hours; small primitive cells with the default cutoffs stay well inside.
  constexpr double kMaxHalfWidths = 100.0;
  constexpr double kMaxBins = 1e6;
  if (opt.r_max && *opt.r_max > kMaxHalfWidths * limit)
    throw std::invalid_argument("--rmax " + fmt(*opt.r_max / A) + " A is more than " + fmt_general(kMaxHalfWidths) +
                                " times half the smallest cell width (" + fmt(limit / A) + " A); use at most " +
                                fmt(kMaxHalfWidths * limit / A) + " A");
  if (opt.oo_cutoff > kMaxHalfWidths * limit)
    throw std::invalid_argument("the O-O cutoff " + fmt(opt.oo_cutoff / A) + " A is more than " +
                                fmt_general(kMaxHalfWidths) + " times half the smallest cell width (" + fmt(limit / A) +
                                " A)");
  if (opt.r_max && *opt.r_max > limit * (1 + 1e-12))
    r.warnings.push_back("g(r) is reported beyond half the smallest cell width (" + fmt(limit / A) +
                         " A): there it shows the periodicity of the cell");
  const double smoothing_reach = 4 * kSmoothingSigmaAngstrom * A;
  const double range = std::max({r_max, kCutoffSearchAngstrom * A + smoothing_reach, opt.oo_cutoff + smoothing_reach});
  if (range / opt.bin_width > kMaxBins)
    throw std::invalid_argument("g(r) up to " + fmt(range / A) + " A in bins of " + fmt_general(opt.bin_width / A) +
                                " A would need more than 1e6 bins; use a --bin-width of at least " +
                                fmt_general(range / A / kMaxBins * 1.001) + " A");
  Rdf rdf(opt.bin_width, range, static_cast<long>(atoms.b.size()), static_cast<long>(atoms.o.size()));
  std::vector<double> oo_cutoffs{opt.oo_cutoff};
  for (double c : kOoScanAngstrom) oo_cutoffs.push_back(c * A);
  OxygenPairs oo(oo_cutoffs);

  first_pass(t, atoms, r, rdf, oo);
  r.mean_volume = estimate(r.volume);
  r.mean_density = estimate(r.density);
  choose_cutoff(opt, rdf, r);
  collect_oxygen_pairs(opt, rdf, oo, r);
  r.rdf = rdf_table(rdf, r_max, limit);
  second_pass(t, opt, atoms, r);
  return r;
}

}  // namespace megabar::analysis
