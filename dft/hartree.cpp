#include "dft/hartree.hpp"

#include "dft/units.hpp"

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

}  // namespace megabar::dft::hartree
