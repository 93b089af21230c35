// Periodic cell and atoms, in bohr.
// Convention: lattice vectors are the ROWS of `lattice` (lattice[i] = a_i, Cartesian, bohr); reciprocal
// vectors are the rows of `reciprocal` with a_i . b_j = 2 pi delta_ij. Positions are Cartesian, bohr.
#pragma once
#include <array>
#include <string>
#include <vector>

namespace megabar::dft {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<Vec3, 3>;

struct Cell {
  Mat3 lattice{};     // rows a_i (bohr)
  Mat3 reciprocal{};  // rows b_i (1/bohr), a_i.b_j = 2 pi delta_ij
  double volume = 0;  // bohr^3

  static Cell from_lattice(const Mat3& rows);
};

struct Structure {
  Cell cell;
  std::vector<std::string> symbols;  // chemical symbol per atom, input order
  std::vector<Vec3> positions;       // Cartesian, bohr
  std::size_t size() const { return symbols.size(); }
  // Smallest distance between two atoms over periodic images (bohr), exact when below 5 bohr (and for
  // a single atom the shortest lattice vector).
  double min_distance() const;
  // Positions translated by lattice vectors into the cell (fractional coordinates in [0, 1)).
  std::vector<Vec3> wrapped_positions() const;
};

// Reads the first frame of an extended XYZ file as ASE writes it: a count line, a comment line with
// Lattice="ax ay az bx by bz cx cy cz" and Properties=species:S:1:pos:R:3[:...], then one line per atom
// (angstrom). Errors name the file and line.
Structure read_extxyz(const std::string& path);

// Writes one frame in ASE's extended XYZ (angstrom; forces in eV/angstrom and energy in eV when given).
// `append` adds a frame to an existing file (trajectories); otherwise the file is replaced atomically.
void write_extxyz(const std::string& path, const Structure& s, const std::vector<Vec3>* forces = nullptr,
                  const double* energy = nullptr, bool append = false);

double dot(const Vec3& a, const Vec3& b);

}  // namespace megabar::dft
