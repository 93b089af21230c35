#include "analysis/pdos.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "analysis/bonds.hpp"
#include "analysis/neighbours.hpp"
#include "analysis/report.hpp"
#include "core/units.hpp"
#include "io/h5file.hpp"
#include "io/h5md_layout.hpp"

namespace megabar::analysis {
namespace {

namespace h5 = io::h5;
namespace pdos = io::h5md::pdos;
constexpr double kReach = 8.0;  // Gaussians are cut at 8 sigma (relative tail 1e-15)
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string env_name(const std::string& element, int n) { return "[" + std::to_string(n) + "]" + element; }

}  // namespace

std::pair<double, double> aligned_range(const std::vector<std::vector<double>>& eigenvalues,
                                        const std::vector<double>& vbm, double sigma) {
  double lo = 1e300, hi = -1e300;
  for (std::size_t t = 0; t < eigenvalues.size(); ++t)
    for (double e : eigenvalues[t]) {
      lo = std::min(lo, e - vbm[t]);
      hi = std::max(hi, e - vbm[t]);
    }
  return {lo - kReach * sigma, hi + kReach * sigma};
}

PdosAverager::PdosAverager(const std::vector<std::string>& symbols, int n_bands, int n_l, double e_min, double e_max,
                           const PdosSettings& settings)
    : symbols_(symbols), n_bands_(n_bands), n_l_(n_l), settings_(settings), e_min_(e_min) {
  if (!(settings.sigma > 0) || !(settings.step > 0) || !(settings.ec_window > 0))
    throw std::invalid_argument("pdos: broadening, energy step and E_c window must be positive");
  if (n_bands < 1 || n_l < 1 || n_l > 4)
    throw std::invalid_argument("pdos: need at least one band and 1 to 4 l channels");
  if (!(e_max > e_min)) throw std::invalid_argument("pdos: empty energy range");
  const long npts = static_cast<long>(std::floor((e_max - e_min) / settings.step + 1e-9)) + 1;
  if (npts > 2000000) throw std::invalid_argument("pdos: more than 2e6 energy grid points; raise the step");
  for (long k = 0; k < npts; ++k) energies_.push_back(e_min + k * settings.step);
  total_.assign(npts, 0.0);
}

PdosAverager::Sums& PdosAverager::group(std::map<std::pair<std::string, int>, Sums>& groups, const std::string& element,
                                        int n) {
  auto [it, added] = groups.try_emplace({element, n});
  if (added) {
    Sums& s = it->second;
    s.element = element;
    s.coordination = n;
    s.dos.assign(n_l_, std::vector<double>(energies_.size(), 0.0));
    s.weight.assign(n_l_, 0.0);
    s.sw.assign(n_l_, 0.0);
    s.swe.assign(n_l_, 0.0);
    s.swc.assign(n_l_, 0.0);
  }
  return it->second;
}

// curve += weight * 2 g(E - energy) on the grid (2: spin).
void PdosAverager::broaden(std::vector<double>& curve, double energy, double weight) const {
  const double sigma = settings_.sigma, h = settings_.step;
  const long npts = static_cast<long>(curve.size());
  const long k0 = std::max(0L, static_cast<long>(std::floor((energy - kReach * sigma - e_min_) / h)));
  const long k1 = std::min(npts - 1, static_cast<long>(std::ceil((energy + kReach * sigma - e_min_) / h)));
  const double norm = 2.0 * weight / (sigma * std::sqrt(2 * units::pi));
  for (long k = k0; k <= k1; ++k) {
    const double x = (energies_[k] - energy) / sigma;
    curve[k] += norm * std::exp(-0.5 * x * x);
  }
}

void PdosAverager::add(const PdosFrame& f, const std::vector<int>& coordination) {
  const std::size_t natoms = symbols_.size(), nb = static_cast<std::size_t>(n_bands_),
                    L = static_cast<std::size_t>(n_l_);
  if (f.eigenvalues.size() != nb || f.weights.size() != nb * natoms * L || coordination.size() != natoms ||
      f.n_occupied < 1 || f.n_occupied > n_bands_)
    throw std::invalid_argument("pdos: the snapshot of step " + std::to_string(f.step) + " does not have " +
                                std::to_string(nb) + " bands x " + std::to_string(natoms) + " atoms x " +
                                std::to_string(L) + " l channels");
  if (!steps_.empty() && f.n_occupied != n_occupied_)
    throw std::invalid_argument("pdos: the snapshot of step " + std::to_string(f.step) +
                                " has another number of occupied bands");
  n_occupied_ = f.n_occupied;
  steps_.push_back(f.step);
  const double vbm = f.vbm, cbm = f.cbm, top = f.eigenvalues.back();
  const bool empty = f.n_occupied < n_bands_;
  const double window_max = empty ? std::min(cbm + settings_.ec_window, top) : -1e300;
  if (empty && cbm + settings_.ec_window > top) ++truncated_;
  vbm_.push_back(vbm);
  cbm_.push_back(empty ? cbm : kNaN);
  gap_.push_back(empty ? cbm - vbm : kNaN);
  spill_occ_.push_back(f.spilling_occupied);
  spill_all_.push_back(f.spilling_all);

  // The groups of each atom in this snapshot: its species and, for B and O, its environment.
  std::vector<Sums*> of_species(natoms), of_env(natoms, nullptr);
  for (std::size_t a = 0; a < natoms; ++a) {
    const std::string& el = symbols_[a];
    of_species[a] = &group(species_, el, -1);
    of_species[a]->count++;
    if (el == "B" || el == "O") {
      of_env[a] = &group(environments_, el, coordination[a]);
      of_env[a]->count++;
    }
  }
  // Per band: the group sums of W, then one broadening per group and l.
  std::map<Sums*, std::vector<double>> band_sum;
  for (std::size_t n = 0; n < nb; ++n) {
    const double e = f.eigenvalues[n] - vbm;
    broaden(total_, e, 1.0);
    for (auto& [g, w] : band_sum) std::fill(w.begin(), w.end(), 0.0);
    for (std::size_t a = 0; a < natoms; ++a)
      for (Sums* g : {of_species[a], of_env[a]}) {
        if (!g) continue;
        auto& w = band_sum[g];
        w.resize(L, 0.0);
        for (std::size_t l = 0; l < L; ++l) w[l] += f.weights[(n * natoms + a) * L + l];
      }
    const bool in_window = empty && static_cast<int>(n) >= f.n_occupied && f.eigenvalues[n] <= window_max;
    for (auto& [g, w] : band_sum)
      for (std::size_t l = 0; l < L; ++l) {
        if (w[l] == 0) continue;
        broaden(g->dos[l], e, w[l]);
        g->weight[l] += 2 * w[l];
        if (in_window) {
          g->sw[l] += w[l];
          g->swe[l] += w[l] * e;
          g->swc[l] += w[l] * (f.eigenvalues[n] - cbm);
        }
      }
  }
}

PdosAverage PdosAverager::result() const {
  PdosAverage r;
  r.settings = settings_;
  for (int l = 0; l < n_l_; ++l) r.l_names.push_back(pdos::l_names[l]);
  r.n_bands = n_bands_;
  r.n_occupied = n_occupied_;
  r.steps = steps_;
  r.energies = energies_;
  const double T = static_cast<double>(std::max<std::size_t>(1, steps_.size()));
  for (double d : total_) r.total.push_back(d / T);
  auto finish = [&](const Sums& s, const std::string& name) {
    PdosGroup g;
    g.name = name;
    g.element = s.element;
    g.coordination = s.coordination;
    g.atom_snapshots = s.count;
    const double N = static_cast<double>(std::max(1L, s.count));
    for (const auto& curve : s.dos) {
      g.dos.emplace_back();
      for (double d : curve) g.dos.back().push_back(d / N);
    }
    for (int l = 0; l < n_l_; ++l) {
      g.weight.push_back(s.weight[l] / N);
      g.ec.push_back(s.sw[l] > 0 ? s.swe[l] / s.sw[l] : kNaN);
      g.ec_minus_cbm.push_back(s.sw[l] > 0 ? s.swc[l] / s.sw[l] : kNaN);
    }
    return g;
  };
  for (const auto& [key, s] : species_) r.species.push_back(finish(s, s.element));
  for (const auto& [key, s] : environments_) r.environments.push_back(finish(s, env_name(s.element, s.coordination)));
  r.gap = estimate(gap_);
  r.vbm = estimate(vbm_);
  r.cbm = estimate(cbm_);
  r.spilling_occupied = estimate(spill_occ_);
  r.spilling_all = estimate(spill_all_);
  r.ec_truncated_snapshots = truncated_;
  return r;
}

// ---- trajectory.h5 -----------------------------------------------------------------------------------

namespace {

struct PdosFile {
  std::string path;
  std::vector<std::string> symbols;
  std::vector<long> rows;   // the rows of /pdos selected
  std::vector<long> steps;  // their steps
  std::vector<std::vector<double>> eigenvalues;
  std::vector<double> vbm;
  int n_bands = 0, n_l = 0;
  PdosSettings settings;
};

// /pdos snapshots complete in every dataset (a writer killed while flushing can leave some a row longer);
// the rest are named in `warnings` and left out.
hsize_t complete_snapshots(const h5::File& file, const std::string& path, std::vector<std::string>& warnings) {
  hsize_t least = file.open_dataset(pdos::step).rows(), most = least;
  for (int v = 0; v < pdos::kValueCount; ++v) {
    const hsize_t n = file.open_dataset(pdos::value(static_cast<pdos::Value>(v))).rows();
    least = std::min(least, n);
    most = std::max(most, n);
  }
  if (least < most)
    warnings.push_back(path + ": " + std::to_string(most - least) +
                       " /pdos snapshot(s) at the end are not complete in every dataset: left out (" +
                       std::to_string(least) + " read)");
  return least;
}

std::optional<PdosFile> open_pdos(const std::string& path, const FrameSelection& selection,
                                  std::vector<std::string>& warnings) {
  if (detect_format(path) != Format::h5md) return std::nullopt;
  const auto file = h5::File::open(path, false);
  if (!file.contains(pdos::value(pdos::kEigenvalues))) return std::nullopt;
  PdosFile p;
  p.path = path;
  const auto w = file.open_dataset(pdos::value(pdos::kWeights));
  const auto eig = file.open_dataset(pdos::value(pdos::kEigenvalues));
  const hsize_t snapshots = complete_snapshots(file, path, warnings);
  const auto steps =
      snapshots ? file.open_dataset(pdos::step).read_rows<std::int64_t>(0, snapshots) : std::vector<std::int64_t>{};
  const auto vbm = file.open_dataset(pdos::value(pdos::kVbm)).read<double>();
  const h5::Shape ws = w.shape(), es = eig.shape();
  if (ws.size() != 4 || es.size() != 2 || ws[0] < steps.size() || es[0] < steps.size() || ws[1] != es[1] ||
      vbm.size() < steps.size())
    w.fail("the /pdos datasets do not have the layout of docs/trajectory.md");
  if (eig.has_attribute("unit") && eig.read_string_attribute("unit") != pdos::energy_unit)
    eig.fail("eigenvalues not in eV");
  p.n_bands = static_cast<int>(ws[1]);
  p.n_l = static_cast<int>(ws[3]);
  const auto g = file.open_group(pdos::group);
  if (g.has_attribute(pdos::broadening)) p.settings.sigma = g.read_double_attribute(pdos::broadening);
  if (g.has_attribute(pdos::energy_step)) p.settings.step = g.read_double_attribute(pdos::energy_step);
  if (g.has_attribute(pdos::ec_window)) p.settings.ec_window = g.read_double_attribute(pdos::ec_window);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    if (selection.from_step && steps[k] < *selection.from_step) continue;
    p.rows.push_back(static_cast<long>(k));
    p.steps.push_back(static_cast<long>(steps[k]));
    p.eigenvalues.push_back(eig.read_rows<double>(k, 1));
    p.vbm.push_back(vbm[k]);
  }
  return p;
}

}  // namespace

std::optional<PdosAverage> analyze_pdos(const std::vector<std::string>& paths, const FrameSelection& selection,
                                        double bo_cutoff, std::vector<std::string>& warnings) {
  std::vector<PdosFile> files;
  for (const auto& path : paths)
    if (auto p = open_pdos(path, selection, warnings)) files.push_back(std::move(*p));
  if (files.empty()) return std::nullopt;
  std::vector<std::vector<double>> all_eig;
  std::vector<double> all_vbm;
  for (const auto& f : files) {
    if (f.n_bands != files[0].n_bands || f.n_l != files[0].n_l)
      throw std::invalid_argument(f.path + ": /pdos holds " + std::to_string(f.n_bands) + " bands and " +
                                  std::to_string(f.n_l) + " l channels, " + files[0].path + " " +
                                  std::to_string(files[0].n_bands) + " and " + std::to_string(files[0].n_l) +
                                  ": they cannot be averaged together");
    if (f.settings.sigma != files[0].settings.sigma || f.settings.ec_window != files[0].settings.ec_window)
      warnings.push_back(f.path + ": /pdos was written with other [pdos] settings than " + files[0].path +
                         "; the first file's are used");
    all_eig.insert(all_eig.end(), f.eigenvalues.begin(), f.eigenvalues.end());
    all_vbm.insert(all_vbm.end(), f.vbm.begin(), f.vbm.end());
  }
  if (all_eig.empty()) {
    warnings.push_back("pdos: no /pdos snapshot at or after --from-step");
    return std::nullopt;
  }
  const PdosSettings settings = files[0].settings;
  const auto [lo, hi] = aligned_range(all_eig, all_vbm, settings.sigma);
  std::optional<PdosAverager> averager;
  std::vector<std::string> symbols0;
  for (auto& f : files) {
    // Positions of the frames at the snapshots' steps.
    const std::set<long> wanted(f.steps.begin(), f.steps.end());
    std::map<long, Snapshot> frames;
    std::vector<std::string> frame_warnings;  // incomplete frames: already reported by the trajectory reader
    read_h5md_frames(
        f.path, f.symbols, [&](long step) { return wanted.count(step) > 0 && !frames.count(step); },
        [&](Snapshot&& s) { frames.emplace(s.step, std::move(s)); }, frame_warnings);
    if (!averager) {
      symbols0 = f.symbols;
      averager.emplace(f.symbols, f.n_bands, f.n_l, lo, hi, settings);
    } else if (f.symbols != symbols0) {
      throw std::invalid_argument(f.path + ": holds other atoms than " + files[0].path);
    }
    std::vector<int> b, o;
    for (std::size_t a = 0; a < f.symbols.size(); ++a) {
      if (f.symbols[a] == "B") b.push_back(static_cast<int>(a));
      if (f.symbols[a] == "O") o.push_back(static_cast<int>(a));
    }
    const auto file = h5::File::open(f.path, false);
    const auto w = file.open_dataset(pdos::value(pdos::kWeights));
    const auto nocc = file.open_dataset(pdos::value(pdos::kNOccupied)).read<std::int64_t>();
    const auto cbm = file.open_dataset(pdos::value(pdos::kCbm)).read<double>();
    const auto so = file.open_dataset(pdos::value(pdos::kSpillingOccupied)).read<double>();
    const auto sa = file.open_dataset(pdos::value(pdos::kSpillingAll)).read<double>();
    long missing = 0;
    for (std::size_t k = 0; k < f.rows.size(); ++k) {
      const auto it = frames.find(f.steps[k]);
      if (it == frames.end()) {
        ++missing;
        continue;
      }
      const hsize_t row = static_cast<hsize_t>(f.rows[k]);
      PdosFrame pf;
      pf.step = f.steps[k];
      pf.eigenvalues = f.eigenvalues[k];
      pf.n_occupied = static_cast<int>(nocc.at(row));
      pf.vbm = f.vbm[k];
      pf.cbm = cbm.at(row);
      pf.spilling_occupied = so.at(row);
      pf.spilling_all = sa.at(row);
      pf.weights = w.read_rows<float>(row, 1);
      const Snapshot& s = it->second;
      const auto pairs = pairs_between(s.cell, s.positions, b, o, bo_cutoff);
      try {
        averager->add(pf, coordination_numbers(s.positions.size(), pairs, bo_cutoff));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(f.path + ": " + e.what());
      }
    }
    if (missing > 0)
      warnings.push_back(f.path + ": " + std::to_string(missing) +
                         " PDOS snapshots have no trajectory frame of the same step and were left out");
  }
  PdosAverage r = averager->result();
  if (r.steps.empty()) return std::nullopt;
  r.bo_cutoff = bo_cutoff;
  return r;
}

// ---- output ------------------------------------------------------------------------------------------

namespace {

nlohmann::ordered_json number(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json rounded(const std::vector<double>& v) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (double x : v) a.push_back(std::round(x * 1e8) / 1e8);
  return a;
}

nlohmann::ordered_json estimate_json(const Estimate& e) {
  return {{"mean", number(e.mean)}, {"standard_error", number(e.standard_error)}};
}

nlohmann::ordered_json group_json(const PdosAverage& r, const PdosGroup& g, long species_count) {
  nlohmann::ordered_json j;
  j["atom_snapshots"] = g.atom_snapshots;
  if (g.coordination >= 0) j["fraction_of_species"] = species_count ? double(g.atom_snapshots) / species_count : 0.0;
  nlohmann::ordered_json ec, ecc, w;
  for (std::size_t l = 0; l < r.l_names.size(); ++l) {
    ec[r.l_names[l]] = number(g.ec[l]);
    ecc[r.l_names[l]] = number(g.ec_minus_cbm[l]);
    w[r.l_names[l]] = g.weight[l];
  }
  j["E_c_eV"] = ec;
  j["E_c_minus_cbm_eV"] = ecc;
  j["integral"] = w;
  for (std::size_t l = 0; l < r.l_names.size(); ++l) j[r.l_names[l]] = rounded(g.dos[l]);
  return j;
}

}  // namespace

nlohmann::ordered_json pdos_to_json(const PdosAverage& r) {
  nlohmann::ordered_json j;
  j["what"] =
      "projected DOS on pseudo-atomic orbitals averaged over the /pdos snapshots, per species and per B-O "
      "coordination environment (docs/analysis.md, PDOS)";
  j["units"] =
      "energies in eV relative to each snapshot's own VBM (0 = VBM); DOS in states/eV per atom including spin "
      "(total: per cell)";
  j["alignment"] = "each snapshot's eigenvalues minus its own VBM, before averaging";
  j["snapshots"] = r.steps.size();
  j["steps"] = r.steps;
  j["bo_cutoff_A"] = r.bo_cutoff / units::angstrom;
  j["broadening"] = {
      {"shape", "Gaussian"}, {"sigma_eV", r.settings.sigma}, {"fwhm_eV", 2.3548200450309493 * r.settings.sigma}};
  j["n_bands"] = r.n_bands;
  j["n_occupied_bands"] = r.n_occupied;
  j["gap_eV"] = estimate_json(r.gap);
  j["vbm_absolute_eV"] = estimate_json(r.vbm);
  j["cbm_absolute_eV"] = estimate_json(r.cbm);
  j["spilling"] = {{"occupied", estimate_json(r.spilling_occupied)}, {"all_bands", estimate_json(r.spilling_all)}};
  j["E_c_window_eV"] = r.settings.ec_window;
  j["E_c_window_truncated_snapshots"] = r.ec_truncated_snapshots;
  j["l_channels"] = r.l_names;
  j["energies_eV"] = rounded(r.energies);
  j["total"] = rounded(r.total);
  std::map<std::string, long> species_count;
  nlohmann::ordered_json sp, env;
  for (const auto& g : r.species) {
    species_count[g.element] = g.atom_snapshots;
    sp[g.name] = group_json(r, g, 0);
  }
  for (const auto& g : r.environments) env[g.name] = group_json(r, g, species_count[g.element]);
  j["species"] = sp;
  j["environments"] = env;
  return j;
}

std::string pdos_csv(const PdosAverage& r) {
  std::ostringstream out;
  out.precision(10);
  out << "# energy_eV relative to each snapshot's VBM; total per cell, the others per atom (states/eV, with spin)\n";
  out << "energy_eV,total";
  for (const auto* groups : {&r.species, &r.environments})
    for (const auto& g : *groups)
      for (const auto& l : r.l_names) out << "," << g.name << "_" << l;
  out << "\n";
  for (std::size_t k = 0; k < r.energies.size(); ++k) {
    out << r.energies[k] << "," << r.total[k];
    for (const auto* groups : {&r.species, &r.environments})
      for (const auto& g : *groups)
        for (std::size_t l = 0; l < r.l_names.size(); ++l) out << "," << g.dos[l][k];
    out << "\n";
  }
  return out.str();
}

}  // namespace megabar::analysis

namespace megabar::analysis {

void add_pdos_output(std::vector<OutputFile>& files, const PdosAverage& average) {
  auto json = std::find_if(files.begin(), files.end(), [](const OutputFile& f) { return f.name == "analysis.json"; });
  if (json == files.end()) throw std::logic_error("add_pdos_output: no analysis.json among the output files");
  auto j = nlohmann::ordered_json::parse(json->text);
  j["pdos"] = pdos_to_json(average);
  json->text = j.dump(1) + "\n";
  files.insert(json, OutputFile{"pdos.csv", pdos_csv(average)});  // analysis.json stays the last one written
}

}  // namespace megabar::analysis
