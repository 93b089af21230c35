#include "dft/wavefunction_fft.hpp"

#include "kernels/loops.hpp"

#include <cmath>

namespace megabar::dft {

template <class C>
void bands_to_grids(const Basis& basis, const View2<double>& X, int first, int count, View1<C> grids,
                    bool outside_planes_zero) {
  using R = typename C::value_type;
  const long N = basis.grid_size();
  const int npairs = (count + 1) / 2;
  const int n0 = basis.fft_grid()[0], m0 = basis.wfc_box()[0];
  if (outside_planes_zero && 2 * m0 + 1 < n0) {
    const long plane = N / n0;  // the box planes: 0 ... m0 and n0 - m0 ... n0 - 1
    for (int p = 0; p < npairs; ++p) {
      kernels::fill_zero(grids, (m0 + 1) * plane, p * N);
      kernels::fill_zero(grids, m0 * plane, p * N + (n0 - m0) * plane);
    }
  } else {
    kernels::fill_zero(grids, npairs * N);
  }
  const int npw = basis.npw();
  auto ip = basis.wfc().fft_index;
  auto im = basis.wfc().fft_index_minus;
  const double s = 1.0 / std::sqrt(2.0);  // undo the sqrt(2) of the scaled representation
  kernels::for_2d(
      "dft::wfc::bands_to_grids", npairs, npw, KOKKOS_LAMBDA(int p, int k) {
        const int a = first + 2 * p, b = a + 1;
        const bool has_b = 2 * p + 1 < count;
        C* grid = grids.data() + p * N;
        if (k == 0) {
          grid[ip(0)] = C(R(X(0, a)), R(has_b ? X(0, b) : 0.0));
          return;
        }
        const double ar = s * X(k, a), ai = s * X(npw - 1 + k, a);
        const double br = has_b ? s * X(k, b) : 0.0, bi = has_b ? s * X(npw - 1 + k, b) : 0.0;
        grid[ip(k)] = C(R(ar - bi), R(ai + br));  // a(G) + i b(G)
        grid[im(k)] = C(R(ar + bi), R(br - ai));  // conj(a(G)) + i conj(b(G))
      });
}

template <class C>
void grids_to_bands(const Basis& basis, View1<C> grids, int first, int count, View2<double> Y, double beta) {
  const long N = basis.grid_size();
  const int npairs = (count + 1) / 2;
  const int npw = basis.npw();
  auto ip = basis.wfc().fft_index;
  auto im = basis.wfc().fft_index_minus;
  const double s = 1.0 / std::sqrt(2.0);  // (F(G) +- conj F(-G))/2, times sqrt(2) for the scaled form
  kernels::for_2d(
      "dft::wfc::grids_to_bands", npairs, npw, KOKKOS_LAMBDA(int p, int k) {
        const int a = first + 2 * p, b = a + 1;
        const bool has_b = 2 * p + 1 < count;
        const C* grid = grids.data() + p * N;
        if (k == 0) {
          const C f = grid[ip(0)];
          Y(0, a) = beta * Y(0, a) + f.real();
          if (has_b) Y(0, b) = beta * Y(0, b) + f.imag();
          return;
        }
        const C fp = grid[ip(k)], fm = grid[im(k)];
        // a(G) = (F(G) + conj F(-G))/2 ; b(G) = (F(G) - conj F(-G))/(2i)
        Y(k, a) = beta * Y(k, a) + s * (fp.real() + fm.real());
        Y(npw - 1 + k, a) = beta * Y(npw - 1 + k, a) + s * (fp.imag() - fm.imag());
        if (has_b) {
          Y(k, b) = beta * Y(k, b) + s * (fp.imag() + fm.imag());
          Y(npw - 1 + k, b) = beta * Y(npw - 1 + k, b) - s * (fp.real() - fm.real());
        }
      });
}

template void bands_to_grids(const Basis&, const View2<double>&, int, int, View1<complex>, bool);
template void bands_to_grids(const Basis&, const View2<double>&, int, int, View1<kernels::complexf>, bool);
template void grids_to_bands(const Basis&, View1<complex>, int, int, View2<double>, double);
template void grids_to_bands(const Basis&, View1<kernels::complexf>, int, int, View2<double>, double);

}  // namespace megabar::dft
