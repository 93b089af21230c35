#include "dft/kinetic.hpp"

namespace megabar::dft::kinetic {

void apply(const Basis& basis, const View2<double>& X, int nb, View2<double> Y, double beta) {
  auto T = basis.kinetic_diagonal();
  Kokkos::parallel_for(
      "dft::kinetic::apply", Kokkos::MDRangePolicy<kernels::ExecSpace, Kokkos::Rank<2>>({0, 0}, {basis.n_real(), nb}),
      KOKKOS_LAMBDA(int k, int n) { Y(k, n) = (beta == 0.0 ? 0.0 : beta * Y(k, n)) + T(k) * X(k, n); });
}

double energy(const Basis& basis, const View2<double>& X, const View1<double>& occ, int nb) {
  auto T = basis.kinetic_diagonal();
  double e = 0;
  Kokkos::parallel_reduce(
      "dft::kinetic::energy", Kokkos::MDRangePolicy<kernels::ExecSpace, Kokkos::Rank<2>>({0, 0}, {basis.n_real(), nb}),
      KOKKOS_LAMBDA(int k, int n, double& acc) { acc += occ(n) * T(k) * X(k, n) * X(k, n); }, e);
  return e;
}

}  // namespace megabar::dft::kinetic
