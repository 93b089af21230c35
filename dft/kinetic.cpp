#include "dft/kinetic.hpp"

#include "kernels/loops.hpp"
#include "kernels/reductions.hpp"

namespace megabar::dft::kinetic {

using LongRange = Kokkos::RangePolicy<kernels::ExecSpace, Kokkos::IndexType<long>>;

void apply(const Basis& basis, const View2<double>& X, int nb, View2<double> Y, double beta) {
  auto T = basis.kinetic_diagonal();
  kernels::for_2d(
      "dft::kinetic::apply", nb, basis.n_real(),
      KOKKOS_LAMBDA(int n, int k) { Y(k, n) = (beta == 0.0 ? 0.0 : beta * Y(k, n)) + T(k) * X(k, n); });
}

double energy(const Basis& basis, const View2<double>& X, const View1<double>& occ, int nb) {
  auto T = basis.kinetic_diagonal();
  const long nr = basis.n_real();
  double e = 0;
  Kokkos::parallel_reduce(
      "dft::kinetic::energy", LongRange(0, nr * nb),
      KOKKOS_LAMBDA(long idx, double& acc) {
        const int n = static_cast<int>(idx / nr), k = static_cast<int>(idx % nr);
        acc += occ(n) * T(k) * X(k, n) * X(k, n);
      },
      e);
  return e;
}

Mat3 stress(const Basis& basis, const View2<double>& X, const View1<double>& occ, int nb) {
  const int npw = basis.npw();
  const long nr = basis.n_real();
  auto G = basis.wfc().G;
  kernels::EnergyVirial ev;
  Kokkos::parallel_reduce(
      "dft::kinetic::stress", LongRange(0, nr * nb),
      KOKKOS_LAMBDA(long idx, kernels::EnergyVirial& acc) {
        const int n = static_cast<int>(idx / nr), k = static_cast<int>(idx % nr);
        const int g = k < npw ? k : k - (npw - 1);  // the G of this entry of the scaled vector
        const double gv[3] = {G(g, 0), G(g, 1), G(g, 2)};
        acc.add_outer(occ(n) * X(k, n) * X(k, n), gv);
      },
      Kokkos::Sum<kernels::EnergyVirial>(ev));
  return ev.matrix(1.0 / basis.cell().volume);
}

}  // namespace megabar::dft::kinetic
