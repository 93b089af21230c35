// H5MD trajectories as megabar writes them (io/h5md_layout.hpp, docs/trajectory.md): particles/all/species
// (atomic numbers), position/step, position/value [frames][N][3] and box/edges/value [frames][3][3] (rows
// are lattice vectors), lengths in nm (or angstrom, when the unit attribute says so).
#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "analysis/reader.hpp"
#include "core/elements.hpp"
#include "core/units.hpp"
#include "io/h5file.hpp"
#include "io/h5md_layout.hpp"

namespace megabar::analysis {
namespace {

namespace h5 = io::h5;
namespace h5md = io::h5md;

// bohr per file length unit.
double length_unit(const h5::Dataset& value) {
  const std::string unit = value.has_attribute("unit") ? value.read_string_attribute("unit") : "";
  if (unit == "nm") return 10 * units::angstrom;
  if (unit == "Angstrom" || unit == "angstrom" || unit == "A" || unit == "Ang") return units::angstrom;
  value.fail("length unit '" + unit + "' is not one this reader knows (nm, Angstrom)");
}

// A file that a running MD holds open for writing is locked by HDF5: say what to do instead.
h5::File open_for_reading(const std::string& path) {
  try {
    return h5::File::open(path, false);
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    if (what.find("lock") == std::string::npos) throw;
    throw std::runtime_error(what +
                             "; the file is open for writing elsewhere (a running MD?): analyse its "
                             "trajectory.extxyz instead, or set HDF5_USE_FILE_LOCKING=FALSE");
  }
}

// The number of frames complete in every time series the file holds (the first dimension of each value
// dataset, and step and time), with a warning in `warnings` naming the longer ones when they differ.
std::size_t complete_frames(const h5::File& file, const std::string& path, std::size_t natoms,
                            std::vector<std::string>& warnings) {
  std::vector<std::pair<std::string, std::size_t>> rows;
  for (const std::string name : {std::string(h5md::step), std::string(h5md::time)})
    if (file.contains(name)) rows.emplace_back(name, file.open_dataset(name).rows());
  for (const auto& series : h5md::series(natoms)) {
    const std::string name = h5md::value(series.group);
    if (file.contains(name)) rows.emplace_back(name, file.open_dataset(name).rows());
  }
  std::size_t least = rows.front().second, most = least;
  for (const auto& [name, n] : rows) least = std::min(least, n), most = std::max(most, n);
  if (least < most) {
    std::string longer;
    for (const auto& [name, n] : rows)
      if (n > least) longer += (longer.empty() ? "" : ", ") + name + " (" + std::to_string(n) + ")";
    warnings.push_back(path + ": " + std::to_string(most - least) + " frame(s) at the end are not complete in every " +
                       "dataset (a writer stopped while flushing?): " + std::to_string(least) +
                       " complete frames read, left out the rest of " + longer);
  }
  return least;
}

}  // namespace

long read_h5md_frames(const std::string& path, std::vector<std::string>& symbols,
                      const std::function<bool(long)>& wanted, const std::function<void(Snapshot&&)>& visit,
                      std::vector<std::string>& warnings) {
  const auto file = open_for_reading(path);
  if (!file.contains(h5md::metadata) || !file.contains(h5md::value(h5md::position)))
    throw std::invalid_argument(path +
                                ": an HDF5 file but not an H5MD trajectory (no h5md group or particles/all/position)");
  symbols.clear();
  for (std::int64_t z : file.open_dataset(h5md::species).read<std::int64_t>()) {
    const core::Element* element = core::element_by_number(z);
    if (!element)
      throw std::invalid_argument(path + ": " + h5md::species + " holds atomic number " + std::to_string(z));
    symbols.push_back(element->symbol);
  }
  const auto position = file.open_dataset(h5md::value(h5md::position));
  const auto edges = file.open_dataset(h5md::value(h5md::box_edges));
  const std::size_t natoms = symbols.size();
  const std::size_t frames = complete_frames(file, path, natoms, warnings);
  const auto steps =
      frames ? file.open_dataset(h5md::step).read_rows<std::int64_t>(0, frames) : std::vector<std::int64_t>{};
  if (position.shape() != h5::Shape{position.rows(), natoms, 3})
    position.fail("expected shape [" + std::to_string(position.rows()) + "][" + std::to_string(natoms) + "][3]");
  if (edges.shape() != h5::Shape{edges.rows(), 3, 3})
    edges.fail("expected one 3 x 3 cell per frame (rows are lattice vectors), as megabar writes it");
  const double r_unit = length_unit(position), cell_unit = length_unit(edges);
  for (std::size_t f = 0; f < frames; ++f) {
    if (!wanted(static_cast<long>(steps[f]))) continue;
    Snapshot s;
    s.step = static_cast<long>(steps[f]);
    const auto r = position.read_rows<double>(f, 1);
    const auto box = edges.read_rows<double>(f, 1);
    core::Mat3 rows;
    for (int k = 0; k < 9; ++k) rows[k / 3][k % 3] = box[k] * cell_unit;
    try {
      s.cell = core::Cell::from_lattice(rows);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(path + ": frame " + std::to_string(f) + ": " + e.what());
    }
    s.positions.resize(natoms);
    for (std::size_t a = 0; a < natoms; ++a)
      for (int k = 0; k < 3; ++k) s.positions[a][k] = r[3 * a + k] * r_unit;
    visit(std::move(s));
  }
  return static_cast<long>(frames);
}

}  // namespace megabar::analysis
