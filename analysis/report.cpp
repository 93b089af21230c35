#include "analysis/report.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "analysis/rdf.hpp"
#include "core/units.hpp"
#include "io/atomic_file.hpp"

namespace megabar::analysis {
namespace {

using json = nlohmann::ordered_json;
constexpr double A = units::angstrom;

json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }
// Angstrom, rounded to 12 significant digits so that 3.0 A read in and converted back prints as 3.
json length(double bohr) {
  if (!std::isfinite(bohr)) return nullptr;
  char b[40];
  std::snprintf(b, sizeof b, "%.12g", bohr / A);
  return std::strtod(b, nullptr);
}
json length(const std::optional<double>& bohr) { return bohr ? length(*bohr) : json(nullptr); }

json lengths(const std::vector<double>& bohr) {
  json out = json::array();
  for (double x : bohr) out.push_back(length(x));
  return out;
}

json numbers(const std::vector<double>& values, double scale = 1) {
  json out = json::array();
  for (double x : values) out.push_back(number(x * scale));
  return out;
}

// {"B": {"3": f, ...}, "O": {...}} from a coordination table, with the mean, the standard error or the
// per-frame series of each fraction.
json fractions(const CoordinationTable& t) {
  json out;
  out["cutoff_A"] = length(t.cutoff);
  for (const auto& [species, by_n] : t.fractions) {
    out[species] = json::object();
    for (const auto& [n, e] : by_n) out[species][std::to_string(n)] = number(e.mean);
  }
  out["mean"] = json::object();
  for (const auto& [species, e] : t.mean) out["mean"][species] = number(e.mean);
  return out;
}

json coordination(const Result& r) {
  json out = fractions(r.coordination);
  json se, se_mean, per_frame;
  for (const auto& [species, by_n] : r.coordination.fractions) {
    se[species] = json::object();
    for (const auto& [n, e] : by_n) se[species][std::to_string(n)] = number(e.standard_error);
    se_mean[species] = number(r.coordination.mean.at(species).standard_error);
    per_frame[species] = json::object();
    for (const auto& [n, series] : r.coordination.per_frame.at(species))
      per_frame[species][std::to_string(n)] = numbers(series);
  }
  se["mean"] = se_mean;
  out["standard_error"] = se;
  out["sensitivity"] = {{"cutoff_minus_0.1_A", fractions(r.coordination_minus)},
                        {"cutoff_plus_0.1_A", fractions(r.coordination_plus)}};
  out["per_frame"] = per_frame;
  return out;
}

json by_coordination(const std::map<int, Estimate>& m) {
  json out = json::object();
  for (const auto& [n, e] : m) out[std::to_string(n)] = length(e.mean);
  return out;
}

json oo_within(const OoWithin& w) {
  return {{"value", length(w.mean.mean)},
          {"standard_error", length(w.mean.standard_error)},
          {"cutoff_A", length(w.cutoff)},
          {"neighbours_per_O", number(w.neighbours.mean)}};
}

json oo_distances(const Result& r) {
  json within = oo_within(r.oo_within);
  within["scan"] = json::array();
  for (const auto& w : r.oo_scan) within["scan"].push_back(oo_within(w));
  return {{"g_OO_first_peak", length(r.oo_peak)},
          {"mean_within_cutoff", within},
          {"polyhedral_edge",
           {{"value", length(r.oo_edge.mean)},
            {"standard_error", length(r.oo_edge.standard_error)},
            {"by_B_coordination", by_coordination(r.oo_edge_by_coordination)}}}};
}

json rdf(const Result& r) {
  const RdfTable& t = r.rdf;
  json g, n;
  for (int p = 0; p < 3; ++p) {
    g[kPairNames[p]] = numbers(t.g[p]);
    n[kPairNames[p]] = numbers(t.running[p]);
  }
  return {{"bin_width_A", length(t.bin_width)},
          {"r_max_A", length(t.r_max)},
          {"cell_limit_A", length(t.cell_limit)},
          {"r_A", lengths(t.r)},
          {"g", g},
          {"running_coordination", n},
          {"files", {{"B-B", "rdf_B-B.csv"}, {"B-O", "rdf_B-O.csv"}, {"O-O", "rdf_O-O.csv"}}}};
}

std::vector<double> angle_centres(const AngleTable& a) {
  std::vector<double> c;
  for (std::size_t k = 0; k < a.density.size(); ++k) c.push_back((k + 0.5) * a.bin_width);
  return c;
}

json angles(const AngleTable& a, const char* file) {
  return {{"mean", number(a.mean.mean)},
          {"standard_error", number(a.mean.standard_error)},
          {"angles", a.angles},
          {"bin_width", a.bin_width},
          {"bin_centres", numbers(angle_centres(a))},
          {"density_per_deg", numbers(a.density)},
          {"file", file}};
}

std::string csv_number(double x) {
  if (!std::isfinite(x)) return "";
  char b[40];
  std::snprintf(b, sizeof b, "%.10g", x);
  return b;
}

std::string rdf_csv(const Result& r, int p) {
  std::string out = "r_A,g,running_coordination\n";
  for (std::size_t k = 0; k < r.rdf.r.size(); ++k)
    out += csv_number(r.rdf.r[k] / A) + "," + csv_number(r.rdf.g[p][k]) + "," + csv_number(r.rdf.running[p][k]) + "\n";
  return out;
}

std::string angle_csv(const AngleTable& a) {
  std::string out = "angle_deg,density_per_deg\n";
  const auto c = angle_centres(a);
  for (std::size_t k = 0; k < c.size(); ++k) out += csv_number(c[k]) + "," + csv_number(a.density[k]) + "\n";
  return out;
}

std::string frames_csv(const Result& r) {
  std::string out = "step,volume_A3,density_g_cm3,mean_B-O_A";
  const auto& per_frame = r.coordination.per_frame;
  for (const auto& [species, by_n] : per_frame)
    for (const auto& [n, series] : by_n) out += "," + species + "_" + std::to_string(n);
  out += "\n";
  for (std::size_t f = 0; f < r.steps.size(); ++f) {
    out += std::to_string(r.steps[f]) + "," + csv_number(r.volume[f] / (A * A * A)) + "," + csv_number(r.density[f]) +
           "," + csv_number(r.bond_length_per_frame[f] / A);
    for (const auto& [species, by_n] : per_frame)
      for (const auto& [n, series] : by_n) out += "," + csv_number(series[f]);
    out += "\n";
  }
  return out;
}

}  // namespace

nlohmann::ordered_json to_json(const Result& r, const Trajectory& t, const FrameSelection& selection,
                               const Options& options) {
  json out;
  out["program"] = "megabar analyze";
  out["format_version"] = 1;
  out["inputs"] = json::array();
  for (const auto& in : t.inputs)
    out["inputs"].push_back({{"path", in.path},
                             {"format", in.format},
                             {"frames_read", in.frames_read},
                             {"frames_used", in.frames_used},
                             {"steps_from_index", in.steps_from_index}});
  out["selection"] = {{"from_step", selection.from_step ? json(*selection.from_step) : json(nullptr)},
                      {"every", selection.every},
                      {"inputs", "concatenated in the order given"}};
  out["frames_used"] = r.steps.size();
  out["steps"] = {{"first", r.steps.front()}, {"last", r.steps.back()}};
  out["atoms"] = {{"total", r.natoms}};
  for (const auto& [species, n] : r.atoms) out["atoms"][species] = n;
  out["volume_A3"] = number(r.mean_volume.mean / (A * A * A));
  out["density_g_cm3"] = number(r.mean_density.mean);
  out["standard_error"] = {
      {"method", "block average: the frames, in order, cut into min(10, frames) contiguous blocks; null for one frame"},
      {"volume_A3", number(r.mean_volume.standard_error / (A * A * A))},
      {"density_g_cm3", number(r.mean_density.standard_error)}};
  out["cutoff"] = {{"B-O_A", length(r.cutoff.cutoff)},
                   {"rule", r.cutoff.rule},
                   {"g_BO_first_peak_A", length(r.cutoff.peak)},
                   {"g_BO_first_minimum_A", length(r.cutoff.minimum)},
                   {"smoothing_sigma_A", kSmoothingSigmaAngstrom},
                   {"search_limit_A", kCutoffSearchAngstrom},
                   {"fallback_A", kFallbackCutoffAngstrom}};
  out["coordination"] = coordination(r);
  out["mean_bond_length_A"] = {{"B-O", length(r.bond_length.mean)},
                               {"standard_error", {{"B-O", length(r.bond_length.standard_error)}}},
                               {"B-O_by_B_coordination", by_coordination(r.bond_length_by_coordination)}};
  out["O-O_distance_A"] = oo_distances(r);
  out["angles_deg"] = {{"O-B-O", angles(r.obo, "angles_O-B-O.csv")}, {"B-O-B", angles(r.bob, "angles_B-O-B.csv")}};
  out["rdf"] = rdf(r);
  out["per_frame"] = {{"step", r.steps},
                      {"volume_A3", numbers(r.volume, 1 / (A * A * A))},
                      {"density_g_cm3", numbers(r.density)},
                      {"mean_B-O_A", lengths(r.bond_length_per_frame)},
                      {"file", "frames.csv"}};
  out["options"] = {{"bin_width_A", length(options.bin_width)},
                    {"r_max_A", options.r_max ? length(*options.r_max) : json(nullptr)},
                    {"O-O_cutoff_A", length(options.oo_cutoff)},
                    {"angle_bin_width_deg", options.angle_bin_width}};
  out["warnings"] = r.warnings;
  return out;
}

std::vector<OutputFile> output_files(const Result& r, const Trajectory& t, const FrameSelection& selection,
                                     const Options& options) {
  std::vector<OutputFile> files;
  for (int p = 0; p < 3; ++p) files.push_back({std::string("rdf_") + kPairNames[p] + ".csv", rdf_csv(r, p)});
  files.push_back({"angles_O-B-O.csv", angle_csv(r.obo)});
  files.push_back({"angles_B-O-B.csv", angle_csv(r.bob)});
  files.push_back({"frames.csv", frames_csv(r)});
  files.push_back({"analysis.json", to_json(r, t, selection, options).dump(1) + "\n"});
  return files;
}

void write_files(const std::string& directory, const std::vector<OutputFile>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) throw std::runtime_error(directory + ": cannot create the output directory: " + ec.message());
  std::vector<io::FileText> texts;
  for (const auto& f : files) texts.push_back({(fs::path(directory) / f.name).string(), f.text});
  io::replace_files(texts);
}

}  // namespace megabar::analysis
