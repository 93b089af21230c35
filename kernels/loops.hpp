// Loops over two indices, written once for every backend.
//
// for_2d(label, n0, n1, f) calls f(i0, i1) for all 0 <= i0 < n0, 0 <= i1 < n1, in parallel, with i1 varying
// fastest between neighbouring threads: put the index along which the data are contiguous last (the G-vector
// or plane-wave index of a LayoutLeft band matrix, the inner index of a LayoutRight table) so that GPU
// threads read neighbouring entries.
//
// Why not Kokkos::MDRangePolicy: Kokkos 3.4's CUDA back end maps the second index's tiles onto the grid's y
// dimension and clamps it at the x limit (2^31 - 1), not at y's 65535. A loop whose second extent needs more
// than 65535 tiles (for example over the 360 000 density-sphere G vectors of 60 B2O3 atoms at 80 Ry) then fails
// to launch, and in a release build nothing reports it: the first GPU run computed a zero local potential
// that way. One flat range has no such limit.
#pragma once
#include "kernels/views.hpp"

namespace megabar::kernels {

template <class F>
void for_2d(const char* label, long n0, long n1, const F& f) {
  if (n0 <= 0 || n1 <= 0) return;
  const long total = n0 * n1;
  if constexpr (Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible) {
    // CPU threads: contiguous chunks of the flat range, walked row by row, one division per row segment. A
    // division per element (idx / n1, idx % n1: tens of cycles each) cost more than the loop bodies, which are
    // mostly a load and a store.
    constexpr long chunk = 4096;
    Kokkos::parallel_for(label, Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, (total + chunk - 1) / chunk),
                         [=](const long c) {
                           long idx = c * chunk;
                           const long end = idx + chunk < total ? idx + chunk : total;
                           while (idx < end) {
                             const long i0 = idx / n1, row = i0 * n1;
                             const long stop = row + n1 < end ? row + n1 : end;
                             for (long k = idx; k < stop; ++k) f(static_cast<int>(i0), static_cast<int>(k - row));
                             idx = stop;
                           }
                         });
  } else {
    Kokkos::parallel_for(
        label, Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, total),
        KOKKOS_LAMBDA(const long idx) { f(static_cast<int>(idx / n1), static_cast<int>(idx % n1)); });
  }
}

// Sets `count` entries of v (complex<double> or complex<float>) from `first` on to zero. Kokkos::deep_copy(v,
// complex(0, 0)) fills Kokkos::complex one element at a time, which the host compiler does not vectorise: on
// the 8-grid FFT batches of a 30-atom cell (53 MB) it took 5.9 ms against 1.6 ms for this loop over the real
// numbers (7.6 % of an SCF's time, perf).
template <class C>
void fill_zero(const View1<C>& v, long count, long first = 0) {
  if (count <= 0) return;
  using Real = typename C::value_type;
  Real* d = reinterpret_cast<Real*>(v.data() + first);
  Kokkos::parallel_for(
      "kernels::fill_zero", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, 2 * count),
      KOKKOS_LAMBDA(const long i) { d[i] = Real(0); });
}

}  // namespace megabar::kernels
