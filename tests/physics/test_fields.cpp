// dft/fields.hpp: the paired transforms (two real fields through one complex FFT) give what two single
// transforms give, both ways, on the tiny triclinic cell's grid.
#include <gtest/gtest.h>

#include <cmath>

#include "tiny_cell.hpp"

namespace {

using namespace megabar::dft;
using namespace megabar::test;

double abs_value(double x) { return std::fabs(x); }
double abs_value(const complex& z) { return Kokkos::abs(z); }

// max_i |a(i) - b(i)| for real or complex views
template <class V>
double max_diff(const V& a, const V& b) {
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
  double d = 0;
  for (std::size_t i = 0; i < ha.extent(0); ++i) d = std::max(d, abs_value(ha(i) - hb(i)));
  return d;
}

double max_abs(const View1<double>& a) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  double m = 0;
  for (std::size_t i = 0; i < h.extent(0); ++i) m = std::max(m, std::fabs(h(i)));
  return m;
}

TEST(FieldTransform, PairedTransformsEqualTwoSingleOnes) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  const FieldTransform fields(basis);
  const auto a_G = smooth_density(basis, 0.02, 0.3), b_G = smooth_density(basis, -0.01, 0.7);
  const long N = basis.grid_size();
  View1<double> a_r("a_r", N), b_r("b_r", N), pa_r("pa_r", N), pb_r("pb_r", N);
  fields.to_real(a_G, a_r);
  fields.to_real(b_G, b_r);
  fields.to_real_pair(a_G, b_G, pa_r, pb_r);
  ASSERT_GT(max_abs(a_r), 0.1);
  EXPECT_LT(max_diff(a_r, pa_r), 1e-13);
  EXPECT_LT(max_diff(b_r, pb_r), 1e-13);
  // Back to the sphere: a * b is real but reaches beyond the sphere, so this also checks the dropped part.
  View1<double> ab_r("ab_r", N);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_r);
  auto bh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b_r);
  auto abh = Kokkos::create_mirror_view(ab_r);
  for (long i = 0; i < N; ++i) abh(i) = ah(i) * bh(i) + 0.1 * std::sin(0.37 * i);
  Kokkos::deep_copy(ab_r, abh);
  const int nG = basis.dense().count;
  View1<complex> x_G("x_G", nG), y_G("y_G", nG), px_G("px_G", nG), py_G("py_G", nG);
  fields.to_sphere(ab_r, x_G);
  fields.to_sphere(b_r, y_G);
  fields.to_sphere_pair(ab_r, b_r, px_G, py_G);
  EXPECT_LT(max_diff(x_G, px_G), 1e-14);
  EXPECT_LT(max_diff(y_G, py_G), 1e-14);
}

}  // namespace
