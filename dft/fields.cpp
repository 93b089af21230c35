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

void FieldTransform::to_real_pair(const View1<complex>& a_G, const View1<complex>& b_G, View1<double> a_r,
                                  View1<double> b_r) const {
  auto work = work_;
  kernels::fill_zero(work, basis_.grid_size());
  auto idx = basis_.dense().fft_index;
  Kokkos::parallel_for(
      "dft::fields::scatter_pair", kernels::RangePolicy(0, basis_.dense().count),
      KOKKOS_LAMBDA(int k) { work(idx(k)) = a_G(k) + complex(0.0, 1.0) * b_G(k); });
  fft_.backward(work);
  Kokkos::parallel_for(
      "dft::fields::split_pair", kernels::RangePolicy(0, basis_.grid_size()), KOKKOS_LAMBDA(long i) {
        a_r(i) = work(i).real();
        b_r(i) = work(i).imag();
      });
}

void FieldTransform::to_sphere_pair(const View1<double>& a_r, const View1<double>& b_r, View1<complex> a_G,
                                    View1<complex> b_G) const {
  auto work = work_;
  Kokkos::parallel_for(
      "dft::fields::load_pair", kernels::RangePolicy(0, basis_.grid_size()),
      KOKKOS_LAMBDA(long i) { work(i) = complex(a_r(i), b_r(i)); });
  fft_.forward(work);
  auto idx = basis_.dense().fft_index;
  auto idx_minus = basis_.dense().fft_index_minus;
  // F = A + i B with A(-G) = conj A(G), B(-G) = conj B(G):  A = (F(G) + conj F(-G))/2,  B = (F(G) - conj F(-G))/2i
  Kokkos::parallel_for(
      "dft::fields::gather_pair", kernels::RangePolicy(0, basis_.dense().count), KOKKOS_LAMBDA(int k) {
        const complex f = work(idx(k)), g = Kokkos::conj(work(idx_minus(k)));
        a_G(k) = 0.5 * (f + g);
        b_G(k) = complex(0.0, -0.5) * (f - g);
      });
}

double sphere_dot(const Basis& basis, const View1<complex>& a, const View1<complex>& b) {
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::fields::sphere_dot", kernels::RangePolicy(0, basis.dense().count),
      KOKKOS_LAMBDA(int k, double& acc) { acc += a(k).real() * b(k).real() + a(k).imag() * b(k).imag(); }, sum);
  return basis.cell().volume * sum;
}

double grid_dot(const Basis& basis, const View1<double>& a, const View1<double>& b) {
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::fields::grid_dot", kernels::RangePolicy(0, basis.grid_size()),
      KOKKOS_LAMBDA(long i, double& acc) { acc += a(i) * b(i); }, sum);
  return sum * basis.cell().volume / static_cast<double>(basis.grid_size());
}

}  // namespace megabar::dft
