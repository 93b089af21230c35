// Trajectories for analysis: H5MD files written by megabar (trajectory.h5) and extended XYZ files (one or
// more frames, ASE's layout), read into cells and positions only, in bohr (docs/analysis.md, "Inputs").
//
// Several files are concatenated in the order given (e.g. the stages of a campaign, or a run and its
// continuation); every frame of every file must hold the same atoms in the same order. The selection is
// applied to the concatenated sequence: frames with step < from_step are skipped, then every `every`-th
// of the remaining frames is kept, starting with the first.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/structure.hpp"

namespace megabar::analysis {

struct Snapshot {
  long step = 0;
  core::Cell cell;                    // bohr
  std::vector<core::Vec3> positions;  // Cartesian, bohr (any periodic image)
};

struct InputFile {
  std::string path;
  std::string format;             // "h5md" or "extxyz"
  long frames_read = 0;           // frames in the file
  long frames_used = 0;           // of which selected
  bool steps_from_index = false;  // an extxyz file without step= keys: steps are the frame indices
};

struct Trajectory {
  std::vector<std::string> symbols;  // one per atom, the same in every frame
  std::vector<Snapshot> frames;      // the selected frames, in order
  std::vector<InputFile> inputs;
  std::vector<std::string> warnings;  // e.g. an incomplete last frame left out
};

struct FrameSelection {
  std::optional<long> from_step;  // skip frames with step < from_step
  long every = 1;                 // keep every `every`-th frame (>= 1)
};

enum class Format { h5md, extxyz };

// Looks at the first bytes: the HDF5 signature means H5MD, a first line holding one positive integer
// (the atom count) means extended XYZ. Throws std::invalid_argument naming the file when it cannot be
// opened or is neither.
Format detect_format(const std::string& path);

// Reads and concatenates the files. An extended XYZ file that ends inside its last frame (a running MD
// still writing it) loses that frame, with a warning in Trajectory::warnings; any other damage is an error.
// Throws std::invalid_argument naming the file (and frame) for a missing or unreadable file, an unknown
// format, frames whose atoms differ from the first frame's, or when no frame is left after the selection;
// HDF5 errors come as std::runtime_error naming the file and object.
Trajectory read_trajectories(const std::vector<std::string>& paths, const FrameSelection& selection);

// The frames of one H5MD file (reader_h5md.cpp). `wanted(step)` is asked once per frame, in order, before
// the frame is read; `visit` receives the frames it wanted. Only frames complete in every time series of the
// file (step, time, position, box, velocity, force, observables) are read: a writer killed while flushing can
// leave some datasets a row longer than others. Those dropped are named in `warnings`. Returns the number
// of complete frames.
long read_h5md_frames(const std::string& path, std::vector<std::string>& symbols,
                      const std::function<bool(long)>& wanted, const std::function<void(Snapshot&&)>& visit,
                      std::vector<std::string>& warnings);

}  // namespace megabar::analysis
