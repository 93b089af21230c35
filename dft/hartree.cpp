#include "dft/hartree.hpp"

#include "core/units.hpp"

namespace megabar::dft::hartree {

double potential(const Basis& basis, const View1<complex>& rho_G, View1<complex> v_G) {
  auto G2 = basis.dense().G2;
  const double four_pi = 4.0 * units::pi;
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::hartree::potential", kernels::RangePolicy(0, basis.dense().count),
      KOKKOS_LAMBDA(int k, double& acc) {
        if (G2(k) == 0.0) {
          v_G(k) = complex(0.0, 0.0);
          return;
        }
        v_G(k) = (four_pi / G2(k)) * rho_G(k);
        acc += four_pi / G2(k) * (rho_G(k).real() * rho_G(k).real() + rho_G(k).imag() * rho_G(k).imag());
      },
      sum);
  return 0.5 * basis.cell().volume * sum;
}

double energy(const Basis& basis, const View1<complex>& rho_G) {
  auto G2 = basis.dense().G2;
  const double four_pi = 4.0 * units::pi;
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::hartree::energy", kernels::RangePolicy(0, basis.dense().count),
      KOKKOS_LAMBDA(int k, double& acc) {
        if (G2(k) > 0.0)
          acc += four_pi / G2(k) * (rho_G(k).real() * rho_G(k).real() + rho_G(k).imag() * rho_G(k).imag());
      },
      sum);
  return 0.5 * basis.cell().volume * sum;
}

Mat3 stress(const Basis& basis, const View1<complex>& rho_G) {
  auto G2 = basis.dense().G2;
  auto G = basis.dense().G;
  const double four_pi = 4.0 * units::pi;
  const double eh_over_omega = energy(basis, rho_G) / basis.cell().volume;
  Mat3 sigma{};
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      double s = 0;
      Kokkos::parallel_reduce(
          "dft::hartree::stress", kernels::RangePolicy(0, basis.dense().count),
          KOKKOS_LAMBDA(int k, double& acc) {
            if (G2(k) > 0.0)
              acc += four_pi * (rho_G(k).real() * rho_G(k).real() + rho_G(k).imag() * rho_G(k).imag()) * G(k, a) *
                     G(k, b) / (G2(k) * G2(k));
          },
          s);
      sigma[a][b] = sigma[b][a] = (a == b ? eh_over_omega : 0.0) - s;
    }
  return sigma;
}

}  // namespace megabar::dft::hartree
