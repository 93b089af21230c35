#include "md/trajectory_h5md.hpp"

#include <cstdlib>
#include <functional>
#include <stdexcept>

#include "dft/elements.hpp"
#include "dft/units.hpp"

namespace megabar::md {
namespace {

// File units per atomic unit. The unit strings are those of H5MD's "units" module (SI system) that
// MDAnalysis's H5MD reader also understands, so it reads the file with its default convert_units=True.
constexpr double hartree_in_kj_per_mol = 2625.4996394799;        // E_h N_A / 1000 (CODATA 2018)
constexpr double nm_per_bohr = units::bohr_in_angstrom / 10.0;
constexpr double ps_per_au = 1.0 / (1000.0 * units::femtosecond);
constexpr double nm_per_ps_per_au = nm_per_bohr / ps_per_au;             // velocity
constexpr double kj_per_mol_nm_per_au = hartree_in_kj_per_mol / nm_per_bohr;  // force

const char* const creator_version = "development";

// One time series: where its value dataset lives, its unit, the shape of one item and how a frame fills it.
struct Series {
  std::string group;
  std::string unit;  // empty: dimensionless
  h5::Shape item;
  bool integer;
  std::function<std::vector<double>(const Frame&)> values;
};

std::vector<double> flatten(const std::vector<Vec3>& vectors, double factor) {
  std::vector<double> out;
  out.reserve(3 * vectors.size());
  for (const auto& v : vectors)
    for (double x : v) out.push_back(x * factor);
  return out;
}

std::vector<Series> series_table(hsize_t natoms) {
  auto scalar = [](std::string name, std::string unit, double factor, double Frame::*field) {
    return Series{"observables/" + name, std::move(unit), {}, false,
                  [=](const Frame& f) { return std::vector<double>{f.*field * factor}; }};
  };
  const double ev = units::hartree_in_ev;
  return {
      {"particles/all/position", "nm", {natoms, 3}, false,
       [](const Frame& f) { return flatten(f.structure.positions, nm_per_bohr); }},
      {"particles/all/velocity", "nm ps-1", {natoms, 3}, false,
       [](const Frame& f) { return flatten(f.velocities, nm_per_ps_per_au); }},
      {"particles/all/force", "kJ mol-1 nm-1", {natoms, 3}, false,
       [](const Frame& f) { return flatten(f.forces, kj_per_mol_nm_per_au); }},
      {"particles/all/box/edges", "nm", {3, 3}, false,
       [](const Frame& f) {
         return flatten({f.structure.cell.lattice.begin(), f.structure.cell.lattice.end()}, nm_per_bohr);
       }},
      scalar("potential_energy", "eV", ev, &Frame::potential_energy),
      scalar("kinetic_energy", "eV", ev, &Frame::kinetic_energy),
      scalar("total_energy", "eV", ev, &Frame::total_energy),
      scalar("conserved_energy", "eV", ev, &Frame::conserved_energy),
      scalar("temperature", "K", 1.0, &Frame::temperature),
      scalar("pressure", "GPa", units::ha_per_bohr3_in_gpa, &Frame::pressure),
      {"observables/scf_iterations", "", {}, true,
       [](const Frame& f) { return std::vector<double>{static_cast<double>(f.scf_iterations)}; }},
  };
}

std::vector<std::int64_t> atomic_numbers(const std::vector<std::string>& symbols) {
  std::vector<std::int64_t> z;
  for (const auto& s : symbols) z.push_back(dft::element(s).z);
  return z;
}

void write_metadata(h5::File& file) {
  h5::Group h5md = file.create_group("h5md");
  h5md.write_int_array_attribute("version", {1, 1});
  const char* user = std::getenv("USER");
  h5md.create_group("author").write_string_attribute("name", user && *user ? user : "unknown");
  h5::Group creator = h5md.create_group("creator");
  creator.write_string_attribute("name", "megabar");
  creator.write_string_attribute("version", creator_version);
  h5::Group units_module = h5md.create_group("modules").create_group("units");
  units_module.write_int_array_attribute("version", {1, 0});
  units_module.write_string_attribute("system", "SI", h5::StringKind::variable);
}

// Groups along the way are created as needed ("particles/all/box/edges").
h5::Group make_groups(h5::File& file, const std::string& path) {
  std::string done;
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    done += (done.empty() ? "" : "/") + path.substr(start, end - start);
    if (!file.contains(done)) file.create_group(done);
    start = end + 1;
  }
  return file.open_group(path);
}

}  // namespace

H5mdTrajectory::H5mdTrajectory(h5::File file, std::size_t natoms) : file_(std::move(file)), natoms_(natoms) {}

std::unique_ptr<H5mdTrajectory> H5mdTrajectory::create(const std::string& path,
                                                       const std::vector<std::string>& symbols) {
  h5::File file = h5::File::create(path);
  write_metadata(file);
  h5::Group all = make_groups(file, "particles/all");
  h5::Group box = all.create_group("box");
  box.write_int_attribute("dimension", 3);
  box.write_string_array_attribute("boundary", {"periodic", "periodic", "periodic"});
  all.create_dataset<std::int64_t>("species", {symbols.size()}).write(atomic_numbers(symbols));

  h5::Group position = all.create_group("position");
  const h5::Dataset step = position.create_rows_dataset<std::int64_t>("step", {});
  h5::Dataset time = position.create_rows_dataset<double>("time", {});
  time.write_string_attribute("unit", "ps", h5::StringKind::variable);
  for (const Series& s : series_table(symbols.size())) {
    h5::Group group = make_groups(file, s.group);
    h5::Dataset value = s.integer ? group.create_rows_dataset<std::int64_t>("value", s.item)
                                  : group.create_rows_dataset<double>("value", s.item);
    if (!s.unit.empty()) value.write_string_attribute("unit", s.unit, h5::StringKind::variable);
    if (s.group == "particles/all/position") continue;
    group.link(step, "step");
    group.link(time, "time");
  }
  std::unique_ptr<H5mdTrajectory> t(new H5mdTrajectory(std::move(file), symbols.size()));
  t->open_datasets();
  t->flush();
  return t;
}

std::unique_ptr<H5mdTrajectory> H5mdTrajectory::resume(const std::string& path,
                                                       const std::vector<std::string>& symbols, long frames) {
  h5::File file = h5::File::open(path, true);
  if (file.open_group("h5md").read_int_array_attribute("version") != std::vector<std::int64_t>{1, 1})
    file.fail("is not an H5MD 1.1 file");
  if (file.open_dataset("particles/all/species").read<std::int64_t>() != atomic_numbers(symbols))
    file.fail("holds other atoms than this run (particles/all/species)");
  std::unique_ptr<H5mdTrajectory> t(new H5mdTrajectory(std::move(file), symbols.size()));
  t->open_datasets();
  t->check_shapes(frames);
  t->truncate(frames);
  t->flush();
  return t;
}

void H5mdTrajectory::open_datasets() {
  step_ = file_.open_dataset("particles/all/position/step");
  time_ = file_.open_dataset("particles/all/position/time");
  values_.clear();
  for (const Series& s : series_table(natoms_)) values_.push_back(file_.open_dataset(s.group + "/value"));
}

// Every dataset has the layout create() gives it and at least `frames` rows, the last of which can be read.
void H5mdTrajectory::check_shapes(long frames) const {
  const hsize_t needed = static_cast<hsize_t>(frames);
  auto check = [&](const h5::Dataset& d, const h5::Shape& item, bool integer) {
    h5::Shape expected{d.rows()};
    expected.insert(expected.end(), item.begin(), item.end());
    if (d.shape() != expected) d.fail("does not have the shape of this run's trajectory");
    if (d.rows() < needed)
      d.fail("holds " + std::to_string(d.rows()) + " frames, the checkpoint records " + std::to_string(frames));
    if (needed == 0) return;
    if (integer) d.read_rows<std::int64_t>(needed - 1, 1);
    else d.read_rows<double>(needed - 1, 1);
  };
  check(*step_, {}, true);
  check(*time_, {}, false);
  const auto table = series_table(natoms_);
  for (std::size_t i = 0; i < table.size(); ++i) check(values_[i], table[i].item, table[i].integer);
}

void H5mdTrajectory::append(const Frame& frame) {
  if (frame.structure.positions.size() != natoms_ || frame.velocities.size() != natoms_ ||
      frame.forces.size() != natoms_)
    file_.fail("a frame of step " + std::to_string(frame.step) + " does not have " + std::to_string(natoms_) + " atoms");
  step_->append_row(std::vector<std::int64_t>{frame.step});
  time_->append_row(std::vector<double>{frame.time * ps_per_au});
  const auto table = series_table(natoms_);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const std::vector<double> row = table[i].values(frame);
    if (table[i].integer) values_[i].append_row(std::vector<std::int64_t>(row.begin(), row.end()));
    else values_[i].append_row(row);
  }
}

void H5mdTrajectory::truncate(long frames) {
  step_->resize_rows(static_cast<hsize_t>(frames));
  time_->resize_rows(static_cast<hsize_t>(frames));
  for (h5::Dataset& d : values_) d.resize_rows(static_cast<hsize_t>(frames));
}

}  // namespace megabar::md
