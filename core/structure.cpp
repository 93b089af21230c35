#include "core/structure.hpp"

#include <algorithm>
#include <cmath>

#include "core/errors.hpp"
#include "core/units.hpp"

namespace megabar::core {

bool coordinate_in_reach(double x, const Cell& cell) {
  double size = 0;
  for (const auto& row : cell.lattice)
    size = std::max(size, std::sqrt(row[0] * row[0] + row[1] * row[1] + row[2] * row[2]));
  return std::isfinite(x) && std::fabs(x) <= 1e6 * size;
}

Cell Cell::from_lattice(const Mat3& rows) {
  Cell c;
  c.lattice = rows;
  const Vec3 a23 = cross(rows[1], rows[2]);
  const double det = dot(rows[0], a23);
  c.volume = std::fabs(det);
  if (c.volume < 1e-8) throw InputError("cell: lattice vectors are (nearly) linearly dependent");
  const double f = 2.0 * units::pi / det;  // b_i = 2 pi (a_j x a_k) / (a_1 . a_2 x a_3)
  const Vec3 a31 = cross(rows[2], rows[0]), a12 = cross(rows[0], rows[1]);
  for (int k = 0; k < 3; ++k) {
    c.reciprocal[0][k] = f * a23[k];
    c.reciprocal[1][k] = f * a31[k];
    c.reciprocal[2][k] = f * a12[k];
  }
  return c;
}

Vec3 fractional(const Cell& cell, const Vec3& r) {
  Vec3 f;
  for (int i = 0; i < 3; ++i) f[i] = dot(r, cell.reciprocal[i]) / (2.0 * units::pi);
  return f;
}

Vec3 wrapped_fractional(const Cell& cell, const Vec3& r) {
  Vec3 f = fractional(cell, r);
  for (double& x : f) x -= std::floor(x);
  return f;
}

Vec3 cartesian(const Cell& cell, const Vec3& f) {
  Vec3 r;
  for (int k = 0; k < 3; ++k) r[k] = f[0] * cell.lattice[0][k] + f[1] * cell.lattice[1][k] + f[2] * cell.lattice[2][k];
  return r;
}

double plane_spacing(const Cell& cell, int k) {
  return 2.0 * units::pi / std::sqrt(dot(cell.reciprocal[k], cell.reciprocal[k]));
}

int image_range(const Cell& cell, int k, double reach) {
  return static_cast<int>(
             std::ceil(reach * std::sqrt(dot(cell.reciprocal[k], cell.reciprocal[k])) / (2.0 * units::pi))) +
         1;
}

std::vector<Vec3> Structure::wrapped_positions() const {
  std::vector<Vec3> out(positions.size());
  for (std::size_t a = 0; a < positions.size(); ++a) out[a] = cartesian(cell, wrapped_fractional(cell, positions[a]));
  return out;
}

double Structure::min_distance() const {
  const auto pos = wrapped_positions();
  // Every image within 5 bohr is visited whatever the cell's shape (image_range), so the result is exact
  // whenever it is below 5 bohr.
  double best = 1e300;
  const double reach = 5.0;
  int m[3];
  for (int k = 0; k < 3; ++k) m[k] = image_range(cell, k, reach);
  for (std::size_t i = 0; i < size(); ++i)
    for (std::size_t j = i; j < size(); ++j)
      for (int n0 = -m[0]; n0 <= m[0]; ++n0)
        for (int n1 = -m[1]; n1 <= m[1]; ++n1)
          for (int n2 = -m[2]; n2 <= m[2]; ++n2) {
            if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
            Vec3 d;
            for (int k = 0; k < 3; ++k)
              d[k] =
                  pos[j][k] - pos[i][k] + n0 * cell.lattice[0][k] + n1 * cell.lattice[1][k] + n2 * cell.lattice[2][k];
            best = std::min(best, std::sqrt(dot(d, d)));
          }
  return best;
}

}  // namespace megabar::core
