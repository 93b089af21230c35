// trajectory.h5 in the H5MD 1.1 layout of io/h5md_layout.hpp (docs/trajectory.md): the writer, which
// also cuts a file back to a checkpoint and copies /pdos out of a damaged one.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/h5file.hpp"
#include "md/trajectory.hpp"

namespace megabar::md {

class H5mdTrajectory {
 public:
  // A new file (an existing one is replaced).
  static std::unique_ptr<H5mdTrajectory> create(const std::string& path, const std::vector<std::string>& symbols);
  // An existing file, cut back to `frames` frames. Throws std::runtime_error naming the file when it cannot
  // be opened, is not laid out as create() lays it out for these atoms, or holds fewer frames.
  static std::unique_ptr<H5mdTrajectory> resume(const std::string& path, const std::vector<std::string>& symbols,
                                                long frames, long pdos_snapshots = 0);

  void append(const Frame& frame);  // one row in every dataset (call flush() to hand it to the OS)
  void truncate(long frames);
  void append_pdos(const PdosSnapshot& snapshot);  // creates /pdos with the first snapshot
  void truncate_pdos(long snapshots);
  long pdos_snapshots() const { return pdos_.empty() ? 0 : static_cast<long>(pdos_[0].rows()); }
  // Copies the first `snapshots` rows of /pdos from another file of the same atoms (a damaged
  // trajectory.h5 being rebuilt). Throws std::runtime_error when they cannot be read.
  void copy_pdos_from(const std::string& path, long snapshots);
  void flush() { file_.flush(); }
  long frames() const { return static_cast<long>(step_->rows()); }

 private:
  H5mdTrajectory(io::h5::File file, std::size_t natoms);
  void open_datasets();
  void check_shapes(long frames) const;

  io::h5::File file_;
  std::size_t natoms_;
  std::optional<io::h5::Dataset> step_, time_;
  std::vector<io::h5::Dataset> values_;  // in the order of io::h5md::series()
  std::vector<io::h5::Dataset> pdos_;    // /pdos: step, time, then the value datasets in io::h5md::pdos::Value order
  void open_pdos();
};

}  // namespace megabar::md
