#include "md/trajectory_h5md.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "core/version.hpp"
#include "core/elements.hpp"
#include "core/units.hpp"
#include "io/h5md_layout.hpp"

namespace megabar::md {
namespace {

namespace h5 = io::h5;
namespace h5md = io::h5md;
namespace pdos = io::h5md::pdos;
using h5md::ps_per_au;

std::vector<std::int64_t> atomic_numbers(const std::vector<std::string>& symbols) {
  std::vector<std::int64_t> z;
  for (const auto& s : symbols) z.push_back(core::element(s).z);
  return z;
}

void write_metadata(h5::File& file) {
  h5::Group metadata = file.create_group(h5md::metadata);
  metadata.write_int_array_attribute("version", {1, 1});
  const char* user = std::getenv("USER");
  metadata.create_group("author").write_string_attribute("name", user && *user ? user : "unknown");
  h5::Group creator = metadata.create_group("creator");
  creator.write_string_attribute("name", "megabar");
  // "0.1.0 (commit ..., host backend, Release build, GNU 12.2.0)": which megabar wrote the file
  creator.write_string_attribute("version", core::version_line().substr(std::string("megabar ").size()));
  h5::Group units_module = metadata.create_group("modules").create_group("units");
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

// A series' group, its value dataset (empty) and, except for position's own, the links to step and time.
h5::Dataset create_series(h5::File& file, const h5md::Series& s, const h5::Dataset& step, const h5::Dataset& time) {
  h5::Group group = make_groups(file, s.group);
  h5::Dataset value = s.integer ? group.create_rows_dataset<std::int64_t>("value", s.item)
                                : group.create_rows_dataset<double>("value", s.item);
  if (!s.unit.empty()) value.write_string_attribute("unit", s.unit, h5::StringKind::variable);
  if (s.group != h5md::position) {
    group.link(step, "step");
    group.link(time, "time");
  }
  return value;
}

// pdos_ holds step, time, then the value datasets in pdos::Value order.
constexpr int kPdosFirstValue = 2;

}  // namespace

H5mdTrajectory::H5mdTrajectory(h5::File file, std::size_t natoms) : file_(std::move(file)), natoms_(natoms) {}

std::unique_ptr<H5mdTrajectory> H5mdTrajectory::create(const std::string& path,
                                                       const std::vector<std::string>& symbols) {
  h5::File file = h5::File::create(path);
  write_metadata(file);
  h5::Group box = make_groups(file, h5md::box);
  box.write_int_attribute("dimension", 3);
  box.write_string_array_attribute("boundary", {"periodic", "periodic", "periodic"});
  file.create_dataset<std::int64_t>(h5md::species, {symbols.size()}).write(atomic_numbers(symbols));

  h5::Group position = make_groups(file, h5md::position);
  const h5::Dataset step = position.create_rows_dataset<std::int64_t>("step", {});
  h5::Dataset time = position.create_rows_dataset<double>("time", {});
  time.write_string_attribute("unit", h5md::time_unit, h5::StringKind::variable);
  for (const h5md::Series& s : h5md::series(symbols.size())) create_series(file, s, step, time);
  std::unique_ptr<H5mdTrajectory> t(new H5mdTrajectory(std::move(file), symbols.size()));
  t->open_datasets();
  t->flush();
  return t;
}

std::unique_ptr<H5mdTrajectory> H5mdTrajectory::resume(const std::string& path, const std::vector<std::string>& symbols,
                                                       long frames, long pdos_snapshots) {
  h5::File file = h5::File::open(path, true);
  if (file.open_group(h5md::metadata).read_int_array_attribute("version") != std::vector<std::int64_t>{1, 1})
    file.fail("is not an H5MD 1.1 file");
  if (file.open_dataset(h5md::species).read<std::int64_t>() != atomic_numbers(symbols))
    file.fail("holds other atoms than this run (particles/all/species)");
  // A series that earlier versions did not write (observables/stress): added, NaN for the frames so far.
  for (const h5md::Series& s : h5md::series(symbols.size())) {
    if (s.group != h5md::stress || file.contains(h5md::value(s.group))) continue;
    h5::Dataset value = create_series(file, s, file.open_dataset(h5md::step), file.open_dataset(h5md::time));
    std::size_t item = 1;
    for (hsize_t n : s.item) item *= n;
    for (long i = 0; i < frames; ++i) value.append_row(std::vector<double>(item, std::nan("")));
  }
  std::unique_ptr<H5mdTrajectory> t(new H5mdTrajectory(std::move(file), symbols.size()));
  t->open_datasets();
  t->check_shapes(frames);
  t->truncate(frames);
  if (pdos_snapshots > 0 && !t->file_.contains(pdos::value(pdos::kEigenvalues)))
    t->file_.fail("has no /pdos group, but the checkpoint records " + std::to_string(pdos_snapshots) +
                  " PDOS snapshots");
  if (t->file_.contains(pdos::value(pdos::kEigenvalues))) {
    t->open_pdos();
    for (const auto& d : t->pdos_) {
      if (d.rows() < static_cast<hsize_t>(pdos_snapshots))
        d.fail("holds " + std::to_string(d.rows()) + " PDOS snapshots, the checkpoint records " +
               std::to_string(pdos_snapshots));
    }
    if (pdos_snapshots > 0) {  // the last recorded row of each dataset can be read
      t->pdos_[0].read_rows<std::int64_t>(pdos_snapshots - 1, 1);
      t->pdos_[kPdosFirstValue + pdos::kWeights].read_rows<float>(pdos_snapshots - 1, 1);
      t->pdos_[kPdosFirstValue + pdos::kNOccupied].read_rows<std::int64_t>(pdos_snapshots - 1, 1);
      for (int v : {pdos::kEigenvalues, pdos::kVbm, pdos::kCbm, pdos::kSpillingOccupied, pdos::kSpillingAll})
        t->pdos_[kPdosFirstValue + v].read_rows<double>(pdos_snapshots - 1, 1);
      t->pdos_[1].read_rows<double>(pdos_snapshots - 1, 1);
    }
    t->truncate_pdos(pdos_snapshots);
  }
  t->flush();
  return t;
}

void H5mdTrajectory::open_pdos() {
  pdos_.clear();
  pdos_.push_back(file_.open_dataset(pdos::step));
  pdos_.push_back(file_.open_dataset(pdos::time));
  for (int v = 0; v < pdos::kValueCount; ++v)
    pdos_.push_back(file_.open_dataset(pdos::value(static_cast<pdos::Value>(v))));
}

void H5mdTrajectory::append_pdos(const PdosSnapshot& p) {
  const hsize_t nb = p.eigenvalues.size(), L = static_cast<hsize_t>(p.n_l);
  if (nb == 0 || L == 0 || L > 4 || p.weights.size() != nb * natoms_ * L)
    file_.fail("a PDOS snapshot of step " + std::to_string(p.step) + " does not have " + std::to_string(nb) + " x " +
               std::to_string(natoms_) + " x " + std::to_string(L) + " weights");
  if (pdos_.empty()) {
    h5::Group g = make_groups(file_, pdos::group);
    std::vector<std::string> l_names(pdos::l_names, pdos::l_names + L);
    g.write_string_array_attribute(pdos::l_channels, l_names);
    g.write_double_attribute(pdos::broadening, p.broadening * units::hartree_in_ev);
    g.write_double_attribute(pdos::energy_step, p.energy_step * units::hartree_in_ev);
    g.write_double_attribute(pdos::ec_window, p.ec_window * units::hartree_in_ev);
    g.write_string_attribute("what",
                             "Kohn-Sham eigenvalues and projections on Loewdin-orthonormalised pseudo-atomic "
                             "orbitals every md.pdos_every steps (docs/trajectory.md, docs/pdos.md)",
                             h5::StringKind::variable);
    h5::Group eig = g.create_group(pdos::groups[pdos::kEigenvalues]);
    const h5::Dataset step = eig.create_rows_dataset<std::int64_t>("step", {});
    h5::Dataset time = eig.create_rows_dataset<double>("time", {});
    time.write_string_attribute("unit", h5md::time_unit, h5::StringKind::variable);
    for (int v = 0; v < pdos::kValueCount; ++v) {
      h5::Group vg = v == pdos::kEigenvalues ? g.open_group(pdos::groups[v]) : g.create_group(pdos::groups[v]);
      h5::Dataset value = v == pdos::kWeights       ? vg.create_rows_dataset<float>("value", {nb, natoms_, L})
                          : v == pdos::kNOccupied   ? vg.create_rows_dataset<std::int64_t>("value", {})
                          : v == pdos::kEigenvalues ? vg.create_rows_dataset<double>("value", {nb})
                                                    : vg.create_rows_dataset<double>("value", {});
      if (v == pdos::kEigenvalues || v == pdos::kVbm || v == pdos::kCbm)
        value.write_string_attribute("unit", pdos::energy_unit, h5::StringKind::variable);
      if (v == pdos::kEigenvalues) continue;
      vg.link(step, "step");
      vg.link(time, "time");
    }
    open_pdos();
  }
  auto value = [&](pdos::Value v) -> h5::Dataset& { return pdos_[kPdosFirstValue + v]; };
  if (value(pdos::kWeights).shape() != h5::Shape{value(pdos::kWeights).rows(), nb, natoms_, L})
    value(pdos::kWeights)
        .fail("a PDOS snapshot of step " + std::to_string(p.step) + " has other bands or l channels than the first");
  const long before = pdos_snapshots();
  try {
    const double ev = units::hartree_in_ev;
    pdos_[0].append_row(std::vector<std::int64_t>{p.step});
    pdos_[1].append_row(std::vector<double>{p.time * ps_per_au});
    std::vector<double> eig(p.eigenvalues);
    for (double& e : eig) e *= ev;
    value(pdos::kEigenvalues).append_row(eig);
    value(pdos::kWeights).append_row(p.weights);
    value(pdos::kNOccupied).append_row(std::vector<std::int64_t>{p.n_occupied});
    value(pdos::kVbm).append_row(std::vector<double>{p.vbm * ev});
    value(pdos::kCbm).append_row(std::vector<double>{p.cbm * ev});
    value(pdos::kSpillingOccupied).append_row(std::vector<double>{p.spilling_occupied});
    value(pdos::kSpillingAll).append_row(std::vector<double>{p.spilling_all});
  } catch (...) {
    try {
      truncate_pdos(before);
    } catch (...) {
    }
    throw;
  }
}

void H5mdTrajectory::truncate_pdos(long snapshots) {
  for (h5::Dataset& d : pdos_) d.resize_rows(static_cast<hsize_t>(snapshots));
}

void H5mdTrajectory::copy_pdos_from(const std::string& path, long snapshots) {
  if (snapshots <= 0) return;
  const h5::File old = h5::File::open(path, false);
  const hsize_t n = static_cast<hsize_t>(snapshots);
  auto rows = [&](const std::string& dataset) {
    h5::Dataset d = old.open_dataset(dataset);
    if (d.rows() < n) d.fail("holds fewer PDOS snapshots than the checkpoint records");
    return d;
  };
  const auto step = rows(pdos::step).read_rows<std::int64_t>(0, n);
  const auto time = rows(pdos::time).read_rows<double>(0, n);
  const auto eig = rows(pdos::value(pdos::kEigenvalues));
  const auto w = rows(pdos::value(pdos::kWeights));
  const auto nocc = rows(pdos::value(pdos::kNOccupied)).read_rows<std::int64_t>(0, n);
  std::vector<std::vector<double>> scalars;
  for (pdos::Value v : {pdos::kVbm, pdos::kCbm, pdos::kSpillingOccupied, pdos::kSpillingAll})
    scalars.push_back(rows(pdos::value(v)).read_rows<double>(0, n));
  const h5::Group g = old.open_group(pdos::group);
  const double ev = units::hartree_in_ev;
  const h5::Shape ws = w.shape();
  if (ws.size() != 4 || ws[2] != natoms_) w.fail("does not have the shape of this run's PDOS weights");
  const std::size_t nb = ws[1], L = ws[3];
  for (hsize_t k = 0; k < n; ++k) {
    PdosSnapshot p;
    p.step = step[k];
    p.time = time[k] / ps_per_au;
    p.eigenvalues = eig.read_rows<double>(k, 1);
    for (double& e : p.eigenvalues) e /= ev;
    p.n_occupied = static_cast<int>(nocc[k]);
    p.n_l = static_cast<int>(L);
    p.weights = w.read_rows<float>(k, 1);
    p.vbm = scalars[0][k] / ev;
    p.cbm = scalars[1][k] / ev;
    p.spilling_occupied = scalars[2][k];
    p.spilling_all = scalars[3][k];
    p.broadening = g.read_double_attribute(pdos::broadening) / ev;
    p.energy_step = g.read_double_attribute(pdos::energy_step) / ev;
    p.ec_window = g.read_double_attribute(pdos::ec_window) / ev;
    if (p.eigenvalues.size() != nb) eig.fail("does not match the PDOS weights");
    append_pdos(p);
  }
}

void H5mdTrajectory::open_datasets() {
  step_ = file_.open_dataset(h5md::step);
  time_ = file_.open_dataset(h5md::time);
  values_.clear();
  for (const h5md::Series& s : h5md::series(natoms_)) values_.push_back(file_.open_dataset(h5md::value(s.group)));
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
    if (integer)
      d.read_rows<std::int64_t>(needed - 1, 1);
    else
      d.read_rows<double>(needed - 1, 1);
  };
  check(*step_, {}, true);
  check(*time_, {}, false);
  const auto table = h5md::series(natoms_);
  for (std::size_t i = 0; i < table.size(); ++i) check(values_[i], table[i].item, table[i].integer);
}

void H5mdTrajectory::append(const Frame& frame) {
  if (frame.structure.positions.size() != natoms_ || frame.velocities.size() != natoms_ ||
      frame.forces.size() != natoms_)
    file_.fail("a frame of step " + std::to_string(frame.step) + " does not have " + std::to_string(natoms_) +
               " atoms");
  step_->append_row(std::vector<std::int64_t>{frame.step});
  time_->append_row(std::vector<double>{frame.time * ps_per_au});
  const auto table = h5md::series(natoms_);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const std::vector<double> row = table[i].values(frame);
    if (table[i].integer)
      values_[i].append_row(std::vector<std::int64_t>(row.begin(), row.end()));
    else
      values_[i].append_row(row);
  }
}

void H5mdTrajectory::truncate(long frames) {  // frames only; /pdos has its own count (truncate_pdos)
  step_->resize_rows(static_cast<hsize_t>(frames));
  time_->resize_rows(static_cast<hsize_t>(frames));
  for (h5::Dataset& d : values_) d.resize_rows(static_cast<hsize_t>(frames));
}

}  // namespace megabar::md
