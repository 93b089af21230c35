// Structure analysis of a B-O trajectory (docs/analysis.md): density, coordination of B and O, B-O bond
// lengths, three O-O distances, partial g(r), bond angles. Two passes over the frames: the first
// accumulates everything that needs no bond cutoff (g(r), from which the default B-O cutoff comes, O-O
// pairs, volume), the second everything built on the B-O bonds. Lengths are in bohr throughout; the
// report converts them to angstrom.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/coordination.hpp"
#include "analysis/rdf_features.hpp"
#include "analysis/reader.hpp"
#include "analysis/statistics.hpp"

namespace megabar::analysis {

struct Options {
  std::optional<double> bo_cutoff;  // bohr; empty: from the first minimum of g_BO (rdf_features.hpp)
  double bin_width;                 // g(r) bins (bohr)
  std::optional<double> r_max;      // g(r) range (bohr); empty: half the smallest cell width of any frame
  double oo_cutoff;                 // definition (b) of d_OO (bohr)
  double angle_bin_width = 1.0;     // degrees
  Options();                        // the defaults of docs/analysis.md
};

// Defaults and fixed parameters (angstrom).
constexpr double kDefaultBinWidthAngstrom = 0.02;
constexpr double kDefaultOoCutoffAngstrom = 3.0;
constexpr double kSensitivityAngstrom = 0.1;                // the [n]B, [n]O fractions are also given at cutoff -+ this
constexpr double kOoScanAngstrom[] = {2.6, 2.8, 3.0, 3.2};  // definition (b) at these cutoffs too

struct RdfTable {
  double bin_width = 0, r_max = 0, cell_limit = 0;  // bohr; cell_limit: the smallest half width of any frame
  std::vector<double> r;                            // bin centres (bohr)
  std::vector<double> g[3];                         // B-B, B-O, O-O
  std::vector<double> running[3];                   // running coordination numbers (rdf.hpp)
};

struct AngleTable {
  double bin_width = 1;         // degrees
  std::vector<double> density;  // per degree
  Estimate mean;                // degrees
  long angles = 0;
};

struct OoWithin {
  double cutoff = 0;  // bohr
  Estimate mean;      // bohr
  Estimate neighbours;
};

struct Result {
  std::vector<std::string> species;   // species present, in order of first appearance
  std::map<std::string, long> atoms;  // per species
  long natoms = 0;
  std::vector<long> steps;              // one per frame used
  std::vector<double> volume, density;  // per frame: bohr^3, g/cm^3
  Estimate mean_volume, mean_density;
  CutoffChoice cutoff;
  CoordinationTable coordination, coordination_minus, coordination_plus;  // at cutoff, cutoff -+ 0.1 A
  Estimate bond_length;                                                   // B-O (bohr)
  std::vector<double> bond_length_per_frame;
  std::map<int, Estimate> bond_length_by_coordination;
  std::optional<double> oo_peak;  // (a): first peak of g_OO (bohr)
  std::optional<double> bo_peak;  // first peak of g_BO (bohr)
  OoWithin oo_within;             // (b) at the chosen O-O cutoff
  std::vector<OoWithin> oo_scan;  // (b) at kOoScanAngstrom
  Estimate oo_edge;               // (c): polyhedral O-O edge (bohr)
  std::map<int, Estimate> oo_edge_by_coordination;
  RdfTable rdf;
  AngleTable obo, bob;
  std::vector<std::string> warnings;
};

// Throws std::invalid_argument naming the first input when the frames hold no B or no O atom.
Result analyze(const Trajectory& trajectory, const Options& options);

}  // namespace megabar::analysis
