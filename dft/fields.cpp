#include "dft/fields.hpp"

#include "kernels/loops.hpp"

namespace megabar::dft {

FieldTransform::FieldTransform(const Basis& basis)
    : basis_(basis), fft_(basis.fft_grid(), 1), work_("fields::work", basis.grid_size()) {}

void FieldTransform::to_real(const View1<complex>& f_G, View1<double> f_r) const {
  auto work = work_;
  kernels::fill_zero(work, basis_.grid_size());
  auto idx = basis_.dense().fft_index;
  Kokkos::parallel_for(
      "dft::fields::scatter", kernels::RangePolicy(0, basis_.dense().count),
      KOKKOS_LAMBDA(int k) { work(idx(k)) = f_G(k); });
  fft_.backward(work);
  Kokkos::parallel_for(
      "dft::fields::real_part", kernels::RangePolicy(0, basis_.grid_size()),
      KOKKOS_LAMBDA(long i) { f_r(i) = work(i).real(); });
}

void FieldTransform::to_sphere(const View1<double>& f_r, View1<complex> f_G) const {
  auto work = work_;
  Kokkos::parallel_for(
      "dft::fields::load_real", kernels::RangePolicy(0, basis_.grid_size()),
      KOKKOS_LAMBDA(long i) { work(i) = complex(f_r(i), 0.0); });
  fft_.forward(work);
  auto idx = basis_.dense().fft_index;
  Kokkos::parallel_for(
      "dft::fields::gather", kernels::RangePolicy(0, basis_.dense().count),
      KOKKOS_LAMBDA(int k) { f_G(k) = work(idx(k)); });
}

double sphere_dot(const Basis& basis, const View1<complex>& a, const View1<complex>& b) {
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::fields::sphere_dot", kernels::RangePolicy(0, basis.dense().count),
      KOKKOS_LAMBDA(int k, double& acc) { acc += a(k).real() * b(k).real() + a(k).imag() * b(k).imag(); }, sum);
  return basis.cell().volume * sum;
}

}  // namespace megabar::dft
