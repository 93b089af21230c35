#include "dft/hartree.hpp"

#include "dft/coulomb.hpp"
#include "kernels/reductions.hpp"

namespace megabar::dft::hartree {

double potential(const Basis& basis, const View1<complex>& rho_G, View1<complex> v_G) {
  auto G2 = basis.dense().G2;
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::hartree::potential", kernels::RangePolicy(0, basis.dense().count),
      KOKKOS_LAMBDA(int k, double& acc) {
        const double vc = coulomb_kernel(G2(k));
        v_G(k) = vc * rho_G(k);
        acc += vc * (rho_G(k).real() * rho_G(k).real() + rho_G(k).imag() * rho_G(k).imag());
      },
      sum);
  return 0.5 * basis.cell().volume * sum;
}

double energy(const Basis& basis, const View1<complex>& rho_G) {
  auto G2 = basis.dense().G2;
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::hartree::energy", kernels::RangePolicy(0, basis.dense().count),
      KOKKOS_LAMBDA(int k, double& acc) {
        acc += coulomb_kernel(G2(k)) * (rho_G(k).real() * rho_G(k).real() + rho_G(k).imag() * rho_G(k).imag());
      },
      sum);
  return 0.5 * basis.cell().volume * sum;
}

Mat3 stress(const Basis& basis, const View1<complex>& rho_G) {
  auto G2 = basis.dense().G2;
  auto G = basis.dense().G;
  kernels::EnergyVirial ev;  // energy: sum v_C |rho|^2;  s_ab: sum v_C |rho|^2 G_a G_b / G^2
  Kokkos::parallel_reduce(
      "dft::hartree::stress", kernels::RangePolicy(0, basis.dense().count),
      KOKKOS_LAMBDA(int k, kernels::EnergyVirial& acc) {
        if (G2(k) == 0.0) return;
        const double w =
            coulomb_kernel(G2(k)) * (rho_G(k).real() * rho_G(k).real() + rho_G(k).imag() * rho_G(k).imag());
        const double g[3] = {G(k, 0), G(k, 1), G(k, 2)};
        acc.energy += w;
        acc.add_outer(w / G2(k), g);
      },
      Kokkos::Sum<kernels::EnergyVirial>(ev));
  const double eh_over_omega = 0.5 * ev.energy;  // E_H / Omega
  Mat3 sigma = ev.matrix(-1.0);
  for (int a = 0; a < 3; ++a) sigma[a][a] += eh_over_omega;
  return sigma;
}

}  // namespace megabar::dft::hartree

namespace megabar::dft {

HartreeTerm::HartreeTerm(const Basis& basis, const FieldTransform& fields)
    : basis_(basis), fields_(fields), v_G_("scf::v_h_G", basis.dense().count), v_r_("scf::v_h_r", basis.grid_size()) {}

bool HartreeTerm::add_potential(const TermState& s, View1<double> v_eff) {
  hartree::potential(basis_, s.rho_G, v_G_);
  fields_.to_real(v_G_, v_r_);
  add_to_potential(v_r_, v_eff);
  return true;
}

}  // namespace megabar::dft
