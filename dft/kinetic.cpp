#include "dft/kinetic.hpp"

#include "kernels/loops.hpp"

namespace megabar::dft::kinetic {

void apply(const Basis& basis, const View2<double>& X, int nb, View2<double> Y, double beta) {
  auto T = basis.kinetic_diagonal();
  kernels::for_2d(
      "dft::kinetic::apply", nb, basis.n_real(),
      KOKKOS_LAMBDA(int n, int k) { Y(k, n) = (beta == 0.0 ? 0.0 : beta * Y(k, n)) + T(k) * X(k, n); });
}

double energy(const Basis& basis, const View2<double>& X, const View1<double>& occ, int nb) {
  auto T = basis.kinetic_diagonal();
  double e = 0;
  Kokkos::parallel_reduce(
      "dft::kinetic::energy", Kokkos::MDRangePolicy<kernels::ExecSpace, Kokkos::Rank<2>>({0, 0}, {basis.n_real(), nb}),
      KOKKOS_LAMBDA(int k, int n, double& acc) { acc += occ(n) * T(k) * X(k, n) * X(k, n); }, e);
  return e;
}

Mat3 stress(const Basis& basis, const View2<double>& X, const View1<double>& occ, int nb) {
  const int npw = basis.npw();
  auto G = basis.wfc().G;
  Mat3 sigma{};
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      double s = 0;
      Kokkos::parallel_reduce(
          "dft::kinetic::stress", Kokkos::MDRangePolicy<kernels::ExecSpace, Kokkos::Rank<2>>({0, 0}, {basis.n_real(), nb}),
          KOKKOS_LAMBDA(int k, int n, double& acc) {
            const int g = k < npw ? k : k - (npw - 1);  // the G of this entry of the scaled vector
            acc += occ(n) * G(g, a) * G(g, b) * X(k, n) * X(k, n);
          },
          s);
      sigma[a][b] = sigma[b][a] = s / basis.cell().volume;
    }
  return sigma;
}

}  // namespace megabar::dft::kinetic
