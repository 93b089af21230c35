#include "analysis/reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/extxyz.hpp"

namespace megabar::analysis {
namespace {

bool is_count_line(const std::string& line) {
  std::istringstream s(line);
  std::string first, rest;
  if (!(s >> first) || (s >> rest)) return false;
  for (char c : first)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return first.find_first_not_of('0') != std::string::npos;  // positive
}

// Whether a reading error comes from a file that a writer has not finished: the file ends inside a frame,
// or the error is on its last line and that line has no newline yet (io's reader names "path:line: ...").
bool cut_in_last_frame(const std::string& path, const std::string& message) {
  if (message.find(": the file ends ") != std::string::npos) return true;
  std::ifstream in(path, std::ios::binary);
  long lines = 0;
  char last = '\n';
  for (char c; in.get(c); last = c) lines += c == '\n';
  if (last == '\n') return false;
  const std::string at = path + ":" + std::to_string(lines + 1) + ":";
  return message.compare(0, at.size(), at) == 0;
}

// Appends the frames of an extended XYZ file (cell and positions), checking that their atoms agree.
void collect_extxyz_frames(const std::string& path, std::vector<Snapshot>& frames, std::vector<std::string>& symbols) {
  io::for_each_extxyz_frame(path, [&](io::Frame&& f) {
    if (frames.empty())
      symbols = f.structure.symbols;
    else if (f.structure.symbols != symbols)
      throw std::invalid_argument(path + ": frame " + std::to_string(frames.size()) + " holds " +
                                  std::to_string(f.structure.size()) + " atoms that differ from frame 0's " +
                                  std::to_string(symbols.size()) +
                                  " (count or species order); all frames analysed "
                                  "together must hold the same atoms");
    frames.push_back({f.step, f.structure.cell, std::move(f.structure.positions)});
  });
}

// The frames of one extended XYZ file. Files without step= keys (every frame at step 0, more than one
// frame) get their frame indices as steps, so that --from works on them too.
std::vector<Snapshot> read_extxyz_file(const std::string& path, std::vector<std::string>& symbols, bool& from_index,
                                       std::vector<std::string>& warnings) {
  std::vector<Snapshot> frames;
  symbols.clear();
  try {
    collect_extxyz_frames(path, frames, symbols);
  } catch (const std::invalid_argument& e) {
    if (frames.empty() || !cut_in_last_frame(path, e.what())) throw;
    warnings.push_back(std::string(e.what()) + ": the incomplete last frame is left out");
  }
  from_index = frames.size() > 1;
  for (const auto& s : frames) from_index = from_index && s.step == 0;
  if (from_index)
    for (std::size_t k = 0; k < frames.size(); ++k) frames[k].step = static_cast<long>(k);
  return frames;
}

std::string describe(const std::vector<std::string>& symbols) { return std::to_string(symbols.size()) + " atoms"; }

}  // namespace

Format detect_format(const std::string& path) {
  io::check_regular_file(path, "a trajectory (H5MD or extended XYZ)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot open the file (missing or unreadable)");
  char head[8] = {};
  in.read(head, sizeof head);
  if (in.gcount() == 8 && std::string(head, 8) == std::string("\x89HDF\r\n\x1a\n", 8)) return Format::h5md;
  in.clear();
  in.seekg(0);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (is_count_line(line)) return Format::extxyz;
    break;
  }
  throw std::invalid_argument(path +
                              ": unknown format: expected an H5MD trajectory (HDF5, e.g. trajectory.h5) or an "
                              "extended XYZ file (first line: the number of atoms)");
}

namespace {

std::string general(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// A frame the analysis can use: positions within reach of the cell (core::coordinate_in_reach).
void check_snapshot(const std::string& path, const Snapshot& s) {
  for (std::size_t a = 0; a < s.positions.size(); ++a) {
    const auto& p = s.positions[a];
    for (double x : p)
      if (!core::coordinate_in_reach(x, s.cell))
        throw std::invalid_argument(path + ": frame at step " + std::to_string(s.step) + ": atom " +
                                    std::to_string(a + 1) + " has a coordinate of " + general(x) +
                                    " bohr, not finite or more than a million cell lengths away: a damaged frame");
  }
}

}  // namespace

Trajectory read_trajectories(const std::vector<std::string>& paths, const FrameSelection& selection) {
  if (paths.empty()) throw std::invalid_argument("no trajectory files given");
  if (selection.every < 1)
    throw std::invalid_argument("--every must be at least 1, got " + std::to_string(selection.every));
  Trajectory t;
  long passed_from = 0;  // frames at or after from_step so far, over all files
  auto wanted = [&](long step) {
    if (selection.from_step && step < *selection.from_step) return false;
    return passed_from++ % selection.every == 0;
  };
  for (const std::string& path : paths) {
    InputFile in{path, "", 0, 0, false};
    std::vector<std::string> symbols;
    std::vector<Snapshot> kept;
    auto keep = [&](Snapshot&& s) {
      check_snapshot(path, s);
      kept.push_back(std::move(s));
    };
    if (detect_format(path) == Format::h5md) {
      in.format = "h5md";
      in.frames_read = read_h5md_frames(path, symbols, wanted, keep, t.warnings);
    } else {
      in.format = "extxyz";
      auto frames = read_extxyz_file(path, symbols, in.steps_from_index, t.warnings);
      in.frames_read = static_cast<long>(frames.size());
      for (auto& s : frames)
        if (wanted(s.step)) keep(std::move(s));
    }
    if (t.inputs.empty())
      t.symbols = symbols;
    else if (symbols != t.symbols && in.frames_read > 0)
      throw std::invalid_argument(path + ": holds " + describe(symbols) + " that differ from those of " +
                                  paths.front() + " (" + describe(t.symbols) +
                                  "; count or species order); concatenated trajectories "
                                  "must hold the same atoms");
    in.frames_used = static_cast<long>(kept.size());
    for (auto& s : kept) t.frames.push_back(std::move(s));
    t.inputs.push_back(in);
  }
  if (t.frames.empty())
    throw std::invalid_argument(
        paths.front() + (paths.size() > 1 ? " (and the other inputs)" : "") + ": no frame left to analyse" +
        (selection.from_step ? " after --from " + std::to_string(*selection.from_step) : std::string()));
  return t;
}

}  // namespace megabar::analysis
