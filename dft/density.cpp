#include "dft/density.hpp"

#include <algorithm>

#include "dft/wavefunction_fft.hpp"
#include "kernels/timer.hpp"

namespace megabar::dft {

void compute_density(const Hamiltonian& H, const View2<double>& X, const View1<double>& occ, int nb,
                     View1<double> rho_r) {
  kernels::ScopedTimer timer("dft::density");
  const Basis& basis = H.basis();
  const long N = basis.grid_size();
  const int bands_per_batch = 2 * H.fft().batch();
  auto work = H.fft_work();
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
            const complex f = work(p * N + i);  // psi_a(r) + i psi_b(r), without Omega^{-1/2}
            const int a = first + 2 * p;
            s += occ(a) * f.real() * f.real();
            if (2 * p + 1 < count) s += occ(a + 1) * f.imag() * f.imag();
          }
          rho_r(i) += inv_omega * s;
        });
  }
}

}  // namespace megabar::dft
