// trajectory.h5 in the H5MD 1.1 layout (https://www.nongnu.org/h5md/h5md.html; docs/trajectory.md):
//
//   h5md                 version = [1, 1]; author/name; creator/name, version; modules/units (system "SI")
//   particles/all
//     box                dimension = 3, boundary = ["periodic"] * 3
//       edges            value [frames][3][3] nm (rows: lattice vectors)
//     species            int64 [N], atomic numbers (time-independent)
//     position           step int64 [frames], time float64 [frames] ps, value [frames][N][3] nm
//     velocity           value [frames][N][3] nm ps-1
//     force              value [frames][N][3] kJ mol-1 nm-1
//   pdos                 (md.pdos_every > 0) eigenvalues, weights, n_occupied, vbm, cbm, spilling_occupied,
//                        spilling_all_bands: step, time and value [snapshots][...] each (docs/trajectory.md)
//   observables          potential_energy, kinetic_energy, total_energy, conserved_energy (eV),
//                        temperature (K), pressure (GPa), scf_iterations (int64): value [frames]
//
// Every time-dependent element shares position's step and time datasets through hard links (H5MD requires
// it for box/edges and allows it elsewhere), so a frame is one row of each value dataset plus one step and
// one time.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "md/h5file.hpp"
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
  H5mdTrajectory(h5::File file, std::size_t natoms);
  void open_datasets();
  void check_shapes(long frames) const;

  h5::File file_;
  std::size_t natoms_;
  std::optional<h5::Dataset> step_, time_;
  std::vector<h5::Dataset> values_;  // in the order of the series table in trajectory_h5md.cpp
  std::vector<h5::Dataset> pdos_;    // /pdos: step, time, then the value datasets in kPdosValues order
  void open_pdos();
};

}  // namespace megabar::md
