// Scalar fields (density, potentials) on the dense grid and on the density sphere.
// rho(r) = sum_G rho(G) exp(iG.r): rho_G holds the sphere coefficients in the order of basis.dense();
// real-space values are stored as complex grids with zero imaginary part when moved through the FFT.
#pragma once
#include "dft/basis.hpp"
#include "kernels/fft.hpp"

namespace megabar::dft {

class FieldTransform {
 public:
  explicit FieldTransform(const Basis& basis);
  // Sphere coefficients -> real values on the grid (length grid_size).
  void to_real(const View1<complex>& f_G, View1<double> f_r) const;
  // Real grid values -> sphere coefficients (components outside the sphere are dropped).
  void to_sphere(const View1<double>& f_r, View1<complex> f_G) const;
  // The same for two real fields at the cost of one transform: a + i b goes through the FFT, and the two are
  // separated by their symmetry (real fields: f(-G) = conj f(G)).
  void to_real_pair(const View1<complex>& a_G, const View1<complex>& b_G, View1<double> a_r, View1<double> b_r) const;
  void to_sphere_pair(const View1<double>& a_r, const View1<double>& b_r, View1<complex> a_G, View1<complex> b_G) const;
  const Basis& basis() const { return basis_; }

 private:
  const Basis& basis_;
  kernels::FFT3D fft_;
  View1<complex> work_;
};

// Omega * sum_G conj(a(G)) b(G), the integral of a(r) b(r) over the cell (a, b real fields).
double sphere_dot(const Basis& basis, const View1<complex>& a, const View1<complex>& b);
// (Omega/N) sum_r a(r) b(r), the same integral from the values on the grid.
double grid_dot(const Basis& basis, const View1<double>& a, const View1<double>& b);

}  // namespace megabar::dft
