// 3x3 matrix helpers for the integrators (cell, strain rates, pressure tensors). Matrices are
// core::Mat3 (row-major, m[i][j] = row i, column j); vectors are core::Vec3.
#pragma once
#include "core/vec3.hpp"

namespace megabar::md {

using core::Mat3;
using core::Vec3;

inline Mat3 identity3() { return Mat3{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}; }

inline Mat3 transpose(const Mat3& a) {
  Mat3 t{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) t[i][j] = a[j][i];
  return t;
}

inline Mat3 multiply(const Mat3& a, const Mat3& b) {
  Mat3 c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) c[i][j] += a[i][k] * b[k][j];
  return c;
}

inline Vec3 mat_vec(const Mat3& m, const Vec3& v) {
  return {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2], m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
          m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
}

inline double trace(const Mat3& a) { return a[0][0] + a[1][1] + a[2][2]; }

// sum_ab a_ab b_ab (Frobenius product)
inline double frobenius_dot(const Mat3& a, const Mat3& b) {
  double s = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) s += a[i][j] * b[i][j];
  return s;
}

inline Mat3 symmetric_part(const Mat3& a) {
  Mat3 s{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) s[i][j] = 0.5 * (a[i][j] + a[j][i]);
  return s;
}

// Eigen-decomposition of a symmetric matrix, a = U diag(lambda) U^T; the columns of U are the eigenvectors.
struct SymmetricEigen {
  Vec3 lambda{};
  Mat3 U{};
};

// Cyclic Jacobi rotations; exact (U = I, lambda = diagonal) when `a` is already diagonal.
SymmetricEigen symmetric_eigen(const Mat3& a);

// U diag(d) U^T
Mat3 from_eigenbasis(const Mat3& U, const Vec3& d);

// sinh(x)/x, accurate near x = 0 (the MTK propagators divide by a strain rate that may vanish)
double sinhc(double x);

}  // namespace megabar::md
