#include "dft/local_potential.hpp"

#include <cmath>

#include "dft/fields.hpp"
#include "kernels/math.hpp"

namespace megabar::dft::local {

Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> form_factors(const Basis& basis, const Atoms& atoms) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  // Radial form factors per species, evaluated on the host (they are cheap and not on a hot path).
  Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> form("local::form_factor", ns, nG);
  auto fh = Kokkos::create_mirror_view(form);
  auto G2 = Kokkos::create_mirror_view(basis.dense().G2);
  Kokkos::deep_copy(G2, basis.dense().G2);
  for (int s = 0; s < ns; ++s)
    for (int k = 0; k < nG; ++k)
      fh(s, k) = G2(k) > 0 ? atoms.species[s].local_form_factor(std::sqrt(G2(k))) : atoms.species[s].local_g0_term();
  Kokkos::deep_copy(form, fh);
  return form;
}

View1<complex> potential(const Basis& basis, const Atoms& atoms) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  auto form = form_factors(basis, atoms);
  auto S = structure_factors(atoms, basis.dense().G, nG);
  View1<complex> v("local::v_G", nG);
  const double inv_omega = 1.0 / basis.cell().volume;
  Kokkos::parallel_for("dft::local::potential", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
    complex sum(0.0, 0.0);
    for (int s = 0; s < ns; ++s) sum += form(s, k) * S(s, k);
    v(k) = inv_omega * sum;
  });
  return v;
}

View2<double> forces(const Basis& basis, const Atoms& atoms, const View1<complex>& rho_G) {
  const int nG = basis.dense().count;
  const int na = static_cast<int>(atoms.structure.size());
  auto form = form_factors(basis, atoms);
  auto pos = atoms.positions_view();
  View1<int> sp("local::species", na);
  auto sph = Kokkos::create_mirror_view(sp);
  for (int a = 0; a < na; ++a) sph(a) = atoms.species_of_atom[a];
  Kokkos::deep_copy(sp, sph);
  auto G = basis.dense().G;
  View2<double> F("local::forces", na, 3);
  // One team of work per atom: a reduction over the sphere for the three components.
  for (int a = 0; a < na; ++a) {
    double f[3] = {0, 0, 0};
    for (int d = 0; d < 3; ++d) {
      double fd = 0;
      Kokkos::parallel_reduce(
          "dft::local::forces", kernels::RangePolicy(0, nG),
          KOKKOS_LAMBDA(int k, double& acc) {
            const double phase = G(k, 0) * pos(a, 0) + G(k, 1) * pos(a, 1) + G(k, 2) * pos(a, 2);
            // Re[i G conj(rho) v e^{-i phase}] = G v Im[rho e^{i phase}]
            const double c = kernels::math::cos(phase), s = kernels::math::sin(phase);
            acc += G(k, d) * form(sp(a), k) * (rho_G(k).imag() * c + rho_G(k).real() * s);
          },
          fd);
      f[d] = fd;
    }
    auto Fa = Kokkos::subview(F, a, Kokkos::ALL);
    auto h = Kokkos::create_mirror_view(Fa);
    for (int d = 0; d < 3; ++d) h(d) = f[d];
    Kokkos::deep_copy(Fa, h);
  }
  return F;
}

Mat3 stress(const Basis& basis, const Atoms& atoms, const View1<complex>& v_loc_G, const View1<complex>& rho_G) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> dform("local::form_factor_derivative", ns, nG);
  auto dh = Kokkos::create_mirror_view(dform);
  auto G2h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G2);
  for (int s = 0; s < ns; ++s)
    for (int k = 0; k < nG; ++k)
      dh(s, k) = G2h(k) > 0 ? atoms.species[s].local_form_factor_derivative(std::sqrt(G2h(k))) : 0.0;
  Kokkos::deep_copy(dform, dh);
  auto S = structure_factors(atoms, basis.dense().G, nG);
  auto G = basis.dense().G;
  auto G2 = basis.dense().G2;
  const double omega = basis.cell().volume;
  const double eloc_over_omega = energy(basis, v_loc_G, rho_G) / omega;
  Mat3 sigma{};
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      double sum = 0;
      Kokkos::parallel_reduce(
          "dft::local::stress", kernels::RangePolicy(0, nG),
          KOKKOS_LAMBDA(int k, double& acc) {
            if (G2(k) == 0.0) return;
            complex dv(0.0, 0.0);
            for (int s = 0; s < ns; ++s) dv += dform(s, k) * S(s, k);
            const double re = rho_G(k).real() * dv.real() + rho_G(k).imag() * dv.imag();  // Re[conj(rho) dv]
            acc += re * G(k, a) * G(k, b) / kernels::math::sqrt(G2(k));
          },
          sum);
      sigma[a][b] = sigma[b][a] = (a == b ? eloc_over_omega : 0.0) + sum / omega;
    }
  return sigma;
}

double energy(const Basis& basis, const View1<complex>& v_loc_G, const View1<complex>& rho_G) {
  return sphere_dot(basis, rho_G, v_loc_G);
}

}  // namespace megabar::dft::local
