// Periodic cell and atoms, in bohr, and the geometry of a cell (core/: no Kokkos, no HDF5).
// Convention: lattice vectors are the ROWS of `lattice` (lattice[i] = a_i, Cartesian, bohr); reciprocal
// vectors are the rows of `reciprocal` with a_i . b_j = 2 pi delta_ij. Positions are Cartesian, bohr.
// Fractional coordinates f_i = r . b_i / 2 pi, so r = sum_i f_i a_i.
#pragma once
#include <string>
#include <vector>

#include "core/vec3.hpp"

namespace megabar::core {

struct Cell {
  Mat3 lattice{};     // rows a_i (bohr)
  Mat3 reciprocal{};  // rows b_i (1/bohr), a_i.b_j = 2 pi delta_ij
  double volume = 0;  // bohr^3

  // Throws core::InputError when the rows are (nearly) linearly dependent.
  static Cell from_lattice(const Mat3& rows);
};

// Whether a Cartesian coordinate is finite and within a million cell lengths (the longest lattice vector) of the
// origin: unwrapped MD coordinates drift far less, and beyond that wrapping into the cell loses every digit.
// Input structures and trajectory frames are refused otherwise.
bool coordinate_in_reach(double x, const Cell& cell);

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

// ---- cell geometry ------------------------------------------------------------------------------------
// Fractional coordinates of the Cartesian vector r: f_i = r . b_i / 2 pi.
Vec3 fractional(const Cell& cell, const Vec3& r);
// The same, translated into [0, 1): f_i - floor(f_i).
Vec3 wrapped_fractional(const Cell& cell, const Vec3& r);
// The Cartesian vector sum_i f_i a_i.
Vec3 cartesian(const Cell& cell, const Vec3& f);
// Spacing of the lattice planes spanned by the two lattice vectors other than a_k (the cell's width
// across them): w_k = 2 pi / |b_k|.
double plane_spacing(const Cell& cell, int k);
// How many lattice shifts n_k along a_k can bring a point within `reach` of another point of the cell:
// a vector of length <= reach has |f_k| <= reach / w_k, so |n_k| <= ceil(reach |b_k| / 2 pi) + 1 covers
// every image within reach whatever the cell's shape (the ranges of the Ewald sum and of min_distance).
int image_range(const Cell& cell, int k, double reach);

}  // namespace megabar::core
