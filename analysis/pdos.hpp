// Projected densities of states averaged over MD snapshots, per species and per coordination environment
// ([n]B, [n]O) (docs/analysis.md, "PDOS"). Input: the /pdos group that `[md] pdos_every` writes into
// trajectory.h5 (docs/trajectory.md): per snapshot the Kohn-Sham eigenvalues eps_n, the band count
// n_occupied and the Loewdin weights W_{a,l,n} of every atom a and l channel (docs/pdos.md).
//
// Every snapshot t is aligned to its own valence-band maximum: e_n = eps_n - VBM_t (0 eV = VBM). The
// absolute Kohn-Sham scale of a periodic cell moves with the density (docs/pdos.md), so only aligned
// energies can be averaged. With the Gaussian g of standard deviation sigma, per atom and l,
//   d_{a,l}^t(E) = 2 sum_n W_{a,l,n}^t g(E - e_n^t)                     (2: spin)
// and a group G of atom-snapshots (all atoms of a species, or those with n neighbours) gets the average
//   D_{G,l}(E) = (1 / N_G) sum_{(t,a) in G} d_{a,l}^t(E),     N_G = number of atom-snapshots in G,
// so sum_n N_{[n]X} D_{[n]X,l} = N_X D_{X,l} (environments add up to the species) and the integral of
// D_{G,l} over all energies is 2 <sum_n W_{a,l,n}> over G. E_c (docs/pdos.md) pools the window of every
// snapshot: E_c(G, l) = sum_{t,a in G} sum_{n in window_t} W e_n / sum W, window_t = the empty bands with
// CBM_t <= eps_n <= min(CBM_t + window, top band of t); also given relative to each snapshot's CBM.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/reader.hpp"
#include "analysis/statistics.hpp"

namespace megabar::analysis {

// One stored snapshot; energies in eV as in the file (absolute Kohn-Sham scale).
struct PdosFrame {
  long step = 0;
  std::vector<double> eigenvalues;  // n_bands
  int n_occupied = 0;
  double vbm = 0, cbm = 0;  // eV (cbm NaN without empty bands)
  double spilling_occupied = 0, spilling_all = 0;
  std::vector<float> weights;  // [band][atom][l]
};

struct PdosSettings {
  double sigma = 0.2;       // eV, Gaussian standard deviation
  double step = 0.01;       // eV, grid step
  double ec_window = 10.0;  // eV
};

struct PdosGroup {
  std::string name;  // "B", "O", "[3]B", "[2]O", ...
  std::string element;
  int coordination = -1;                 // -1: the whole species
  long atom_snapshots = 0;               // N_G
  std::vector<std::vector<double>> dos;  // [l][grid]: D_{G,l}(E), states/eV per atom including spin
  std::vector<double> weight;            // [l]: 2 <sum_n W_{a,l,n}> = the integral of dos[l]
  std::vector<double> ec, ec_minus_cbm;  // [l] (eV; relative to each snapshot's VBM, and CBM); NaN: no weight
};

struct PdosAverage {
  PdosSettings settings;
  double bo_cutoff = 0;              // bohr
  std::vector<std::string> l_names;  // "s", "p", ...
  int n_bands = 0, n_occupied = 0;
  std::vector<long> steps;       // snapshots used
  std::vector<double> energies;  // eV relative to the VBM
  std::vector<double> total;     // <D(E)>: states/eV per cell (all bands), snapshot average
  std::vector<PdosGroup> species, environments;
  Estimate gap, vbm, cbm, spilling_occupied, spilling_all;  // eV (vbm, cbm absolute), fractions
  long ec_truncated_snapshots = 0;                          // snapshots whose CBM + window lies above their top band
};

// Accumulates snapshots; the grid [e_min, e_max] (eV relative to the VBM) is fixed at construction.
class PdosAverager {
 public:
  PdosAverager(const std::vector<std::string>& symbols, int n_bands, int n_l, double e_min, double e_max,
               const PdosSettings& settings);
  // `coordination[a]`: neighbours of B atoms (O) and O atoms (B) within the B-O cutoff; ignored for others.
  // Throws std::invalid_argument when the snapshot does not have n_bands x atoms x n_l weights.
  void add(const PdosFrame& frame, const std::vector<int>& coordination);
  PdosAverage result() const;

 private:
  struct Sums {
    std::string element;
    int coordination = -1;
    long count = 0;
    std::vector<std::vector<double>> dos;
    std::vector<double> weight, sw, swe, swc;
  };
  Sums& group(std::map<std::pair<std::string, int>, Sums>& groups, const std::string& element, int n);
  void broaden(std::vector<double>& curve, double energy, double weight) const;

  std::vector<std::string> symbols_;
  int n_bands_, n_l_;
  PdosSettings settings_;
  double e_min_;
  std::vector<double> energies_, total_;
  std::map<std::pair<std::string, int>, Sums> species_, environments_;
  std::vector<long> steps_;
  std::vector<double> gap_, vbm_, cbm_, spill_occ_, spill_all_;
  int n_occupied_ = 0;
  long truncated_ = 0;
};

// The energy range covering every snapshot's bands relative to its VBM, widened by 8 sigma.
std::pair<double, double> aligned_range(const std::vector<std::vector<double>>& eigenvalues,
                                        const std::vector<double>& vbm, double sigma);

// The PDOS part of `megabar analyze`: every H5MD input with a /pdos group, its snapshots with step >=
// selection.from_step (--every is not applied: md.pdos_every already thins them), coordination from the
// positions of the frame of the same step at `bo_cutoff` (bohr). Empty when no input holds /pdos.
// Throws std::invalid_argument naming the file for inconsistent /pdos data.
std::optional<PdosAverage> analyze_pdos(const std::vector<std::string>& paths, const FrameSelection& selection,
                                        double bo_cutoff, std::vector<std::string>& warnings);

nlohmann::ordered_json pdos_to_json(const PdosAverage& average);
std::string pdos_csv(const PdosAverage& average);  // energy, total, then every group's l channels

struct OutputFile;  // analysis/report.hpp
// Adds "pdos" to analysis.json and pdos.csv to the files of output_files().
void add_pdos_output(std::vector<OutputFile>& files, const PdosAverage& average);

}  // namespace megabar::analysis
