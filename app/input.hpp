// The run input (TOML). Every key is documented in docs/input.md; unknown keys are errors.
#pragma once
#include <array>
#include <map>
#include <optional>
#include <string>

#include "dft/scf_options.hpp"

namespace megabar::app {

struct PseudoSpec {
  std::string file;  // absolute or relative to the current directory (resolved from the input's folder)
  std::string name;  // optional: potential name inside a library file
};

struct RunInput {
  std::string path;  // the input file
  std::string task;  // "scf"
  std::string structure_file;
  double ecut = 0;   // Ha
  std::optional<std::array<int, 3>> fft_grid;
  std::map<std::string, PseudoSpec> pseudopotentials;
  dft::ScfOptions scf;
  std::string output_directory;
  int threads = 0;   // 0: all hardware threads
};

// Parses and validates; throws std::invalid_argument naming the file, key and line.
RunInput read_input(const std::string& path);

}  // namespace megabar::app
