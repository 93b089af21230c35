#include "dft/density.hpp"

#include <algorithm>

#include "dft/wavefunction_fft.hpp"
#include "kernels/timer.hpp"

namespace megabar::dft {

namespace {

// rho_r = sum_n occ(n) |psi_n(r)|^2 / Omega through the grids `work` (complex<double> or complex<float>).
template <class C>
void accumulate_density(const Hamiltonian& H, View1<C> work, const View2<double>& X, const View1<double>& occ, int nb,
                        View1<double> rho_r) {
  const Basis& basis = H.basis();
  const long N = basis.grid_size();
  const int bands_per_batch = 2 * H.fft().batch();
  Kokkos::deep_copy(rho_r, 0.0);
  const double inv_omega = 1.0 / basis.cell().volume;
  for (int first = 0; first < nb; first += bands_per_batch) {
    const int count = std::min(bands_per_batch, nb - first);
    const int npairs = (count + 1) / 2;
    bands_to_grids(basis, X, first, count, work);
    H.fft().backward_box(work, npairs, basis.wfc_box());
    Kokkos::parallel_for(
        "dft::density::accumulate", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) {
          double s = 0;
          for (int p = 0; p < npairs; ++p) {
            const C f = work(p * N + i);  // psi_a(r) + i psi_b(r), without Omega^{-1/2}
            const double re = f.real(), im = f.imag();
            const int a = first + 2 * p;
            s += occ(a) * re * re;
            if (2 * p + 1 < count) s += occ(a + 1) * im * im;
          }
          rho_r(i) += inv_omega * s;
        });
  }
}

}  // namespace

void compute_density(const Hamiltonian& H, const View2<double>& X, const View1<double>& occ, int nb,
                     View1<double> rho_r, bool single) {
  kernels::ScopedTimer timer(single ? "dft::density_single" : "dft::density");
  if (single)
    accumulate_density(H, H.fft_work_single(), X, occ, nb, rho_r);
  else
    accumulate_density(H, H.fft_work(), X, occ, nb, rho_r);
}

}  // namespace megabar::dft
