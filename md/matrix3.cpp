#include "md/matrix3.hpp"

#include <cmath>

namespace megabar::md {

SymmetricEigen symmetric_eigen(const Mat3& a_in) {
  Mat3 a = symmetric_part(a_in);
  Mat3 U = identity3();
  for (int sweep = 0; sweep < 50; ++sweep) {
    const double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
    const double diag = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2];
    if (off == 0.0 || off < 1e-34 * diag) break;
    for (int p = 0; p < 2; ++p)
      for (int q = p + 1; q < 3; ++q) {
        if (a[p][q] == 0.0) continue;
        // rotation angle that zeroes a_pq: tan(2 theta) = 2 a_pq / (a_qq - a_pp)
        const double theta = 0.5 * (a[q][q] - a[p][p]) / a[p][q];
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        Mat3 J = identity3();  // a <- J^T a J
        J[p][p] = c;
        J[q][q] = c;
        J[p][q] = s;
        J[q][p] = -s;
        a = multiply(transpose(J), multiply(a, J));
        a[p][q] = a[q][p] = 0.0;
        U = multiply(U, J);
      }
  }
  return {Vec3{a[0][0], a[1][1], a[2][2]}, U};
}

Mat3 from_eigenbasis(const Mat3& U, const Vec3& d) {
  Mat3 m{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) m[i][j] += U[i][k] * d[k] * U[j][k];
  return m;
}

double sinhc(double x) {
  const double x2 = x * x;
  if (x2 < 1e-4) return 1.0 + x2 / 6.0 * (1.0 + x2 / 20.0 * (1.0 + x2 / 42.0));  // error ~ x^8/9! < 1e-21
  return std::sinh(x) / x;
}

}  // namespace megabar::md
