// The trajectory of an MD run, written frame by frame into two files of one directory
// (layout and units: docs/trajectory.md):
//   trajectory.h5      H5MD 1.1 (positions, velocities, forces, box, species, observables), read by
//                      h5py and MDAnalysis with its default settings (nm, ps, kJ mol-1 nm-1).
//   trajectory.extxyz  ASE's extended XYZ (angstrom, angstrom/fs, eV/angstrom, eV), printed with enough
//                      digits that io::read_extxyz_frames gives back the written Frame bit for bit. It carries
//                      everything trajectory.h5 holds, so a damaged trajectory.h5 is rebuilt from it.
// The file formats are io/'s (io/extxyz.hpp, io/h5md_layout.hpp); this writer keeps the two files in step.
//
// Both files are handed to the operating system after every frame, so a killed run (kill -9) loses at
// most the frame being written. A checkpoint records frames() and extxyz_bytes() (call sync() first, so
// that they are on disk too); a resumed run cuts both files back to exactly that and continues.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/structure.hpp"
#include "io/frame.hpp"

namespace megabar::md {

using core::Structure;
using core::Vec3;
using io::Frame;         // one frame of both files
using io::PdosSnapshot;  // one row of trajectory.h5's /pdos

// Where the trajectory stood at the last checkpoint.
struct ResumeInfo {
  long frames = 0;
  std::uint64_t extxyz_bytes = 0;
  long pdos_snapshots = 0;  // rows of /pdos in trajectory.h5
};

inline constexpr const char* trajectory_h5_name = "trajectory.h5";
inline constexpr const char* trajectory_extxyz_name = "trajectory.extxyz";

class H5mdTrajectory;  // md/trajectory_h5md.hpp
class ExtxyzAppender;  // md/trajectory.cpp

class TrajectoryWriter {
 public:
  // `symbols`: the atoms, in order. Without `resume`, new files replace old ones when the first frame or
  // PDOS snapshot is appended or sync() is called (the directory is created when missing); until then an
  // earlier run's files stay as they were, so a run that fails before its first frame leaves them intact. With `resume`, trajectory.extxyz is cut back to resume->extxyz_bytes and
  // trajectory.h5 to resume->frames frames and resume->pdos_snapshots PDOS snapshots; a trajectory.h5 that
  // cannot be opened or does not fit is moved
  // to trajectory.h5.damaged and rebuilt from trajectory.extxyz. Throws std::runtime_error naming the file
  // when trajectory.extxyz is shorter than the checkpoint says or does not hold resume->frames frames.
  // A rebuilt trajectory.h5 takes its /pdos rows from the damaged file when they can still be read there
  // (trajectory.extxyz does not hold them); otherwise they are lost, with a warning on stderr.
  TrajectoryWriter(const std::string& directory, const std::vector<std::string>& symbols, const ResumeInfo* resume);
  ~TrajectoryWriter();
  TrajectoryWriter(const TrajectoryWriter&) = delete;
  TrajectoryWriter& operator=(const TrajectoryWriter&) = delete;

  // Appends one frame to both files and hands them to the operating system. Throws std::invalid_argument
  // when the frame's atoms do not match `symbols`; on an I/O failure both files are cut back to the frames
  // before and std::runtime_error is thrown.
  void append(const Frame& frame);
  // Appends one PDOS snapshot to trajectory.h5 (/pdos, created by the first one; every later one must
  // have the same bands, atoms and l channels). On failure /pdos is cut back and std::runtime_error thrown.
  void append_pdos(const PdosSnapshot& snapshot);
  // Makes both files durable (fsync), e.g. before a checkpoint records frames() and extxyz_bytes().
  void sync();

  long frames() const { return frames_; }
  long pdos_snapshots() const;  // 0 before the files are started
  std::uint64_t extxyz_bytes() const;
  bool rebuilt_h5() const { return rebuilt_h5_; }  // whether the constructor rebuilt trajectory.h5

 private:
  void start_new();
  void start_if_new();  // start_new() unless the files are open
  void resume_from(const ResumeInfo& resume);
  void cut_extxyz(const ResumeInfo& resume);
  void rebuild_h5(const ResumeInfo& resume);

  std::string directory_, h5_path_, extxyz_path_;
  std::vector<std::string> symbols_;
  std::unique_ptr<H5mdTrajectory> h5_;
  std::unique_ptr<ExtxyzAppender> extxyz_;
  long frames_ = 0;
  bool rebuilt_h5_ = false;
};

}  // namespace megabar::md
