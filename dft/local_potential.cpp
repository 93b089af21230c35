#include "dft/local_potential.hpp"

#include <cmath>

#include "dft/fields.hpp"

namespace megabar::dft::local {

View1<complex> potential(const Basis& basis, const Atoms& atoms) {
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

double energy(const Basis& basis, const View1<complex>& v_loc_G, const View1<complex>& rho_G) {
  return sphere_dot(basis, rho_G, v_loc_G);
}

}  // namespace megabar::dft::local
