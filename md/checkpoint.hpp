// Checkpoint files: everything a stopped MD run needs to continue exactly, in one HDF5 file.
//
//   /                       attributes file_type = "megabar checkpoint", format_version, creator, checksum
//   /created_by_input       the input of the run that wrote it (its path and full text)
//   /md/reals/NAME          float64[n]   one dataset per StateArrays entry (integrator, thermostat,
//   /md/words/NAME          uint64[n]    barostat, RNG state)
//   /md/texts/NAME          string
//   /provider/...           the same three groups for the force provider's state (SCF history)
//   /run/...                the same three groups for run bookkeeping (e.g. trajectory frames and
//                           extxyz bytes at this checkpoint, for TrajectoryWriter's ResumeInfo)
//
// `checksum` ("fnv1a64:" and 16 hex digits) is a 64-bit FNV-1a hash of every part's names, sizes and bytes and
// of created_by_input, in a fixed order; reading recomputes it, so a checkpoint altered on disk (a flipped bit,
// an edited value) is refused instead of resumed. FNV-1a's step is a bijection of its state for a fixed byte,
// so any one changed byte always changes the hash. Format version 1 files (written before checksums) are
// still read; CheckpointData::verified says which kind was read.
//
// Values round-trip bit for bit (NaN payloads, denormals, -0, 2^64-1). Entry names must be non-empty
// and hold no '/'; texts hold no NUL character.
//
// The file is built in memory (HDF5 core driver), then written atomically (io::replace_file): into
// NAME.tmp.<pid> in the same directory by plain writes, flushed and
// fsync'ed, renamed over NAME, and the directory fsync'ed. A crash at any moment leaves either the old
// checkpoint or the new one, never a mixture, and a failed write removes its temporary file.
#pragma once
#include <string>

#include "md/state_arrays.hpp"

namespace megabar::md {

// Bumped whenever the layout changes so that old files are refused rather than misread.
inline constexpr const char* checkpoint_format_version = "2";

struct CheckpointData {
  StateArrays md;                                          // integrator, thermostat, barostat, RNG
  StateArrays provider;                                    // ForceProvider::save_state
  StateArrays run;                                         // run bookkeeping (trajectory frames, extxyz bytes, ...)
  std::string format_version = checkpoint_format_version;  // writing requires the current version
  std::string created_by_input;                            // the input text (or its name) of the run
  bool verified = false;  // read_checkpoint: the stored checksum matched (false only for version 1 files)
};

// The checksum stored with `data` (see above), e.g. "fnv1a64:0123456789abcdef".
std::string checkpoint_checksum(const CheckpointData& data);

// Throws std::runtime_error naming the file on failure (the previous checkpoint at `path`, if any, is then
// untouched) and std::invalid_argument when data.format_version is not checkpoint_format_version.
void write_checkpoint(const std::string& path, const CheckpointData& data);

// Throws std::runtime_error naming the file and the problem when it is missing, is not a megabar
// checkpoint, has another format version, lacks a part, or its data do not match its checksum.
CheckpointData read_checkpoint(const std::string& path);

}  // namespace megabar::md
