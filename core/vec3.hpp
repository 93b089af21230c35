// Cartesian 3-vectors and 3x3 matrices (core/: no Kokkos, no HDF5). A Mat3 is row-major, m[i][j] = row i,
// column j; a cell's lattice vectors are its rows (core/structure.hpp).
#pragma once
#include <array>

namespace megabar::core {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<Vec3, 3>;

inline double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

inline Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

}  // namespace megabar::core
