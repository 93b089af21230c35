#include "dft/atomic_density.hpp"

#include <cmath>

#include "dft/local_potential.hpp"
#include "dft/radial_tables.hpp"

namespace megabar::dft {

using Table = Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>;

// Row s of the table from the species' tabulated n_s(q). (A free function with external linkage: nvcc's
// extended lambdas need one.)
void fill_atomic_density_row(const Basis& basis, const Species& sp, const std::string& xc, int s, Table form) {
  const int nG = basis.dense().count;
  const DeviceRadialTables t = to_device({&sp.atomic_density(std::sqrt(2.0 * basis.ecut_rho()), xc)});
  auto f = t.f, df = t.df;
  const int n = t.n;
  const double dq = t.dq;
  auto G2 = basis.dense().G2;
  Kokkos::parallel_for(
      "dft::atomic_density::form_factors", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        form(s, k) = interpolate_radial(&f(0, 0), &df(0, 0), n, dq, kernels::math::sqrt(G2(k)));
      });
}

Table atomic_density_form_factors(const Basis& basis, const Atoms& atoms, const std::string& xc) {
  const int ns = static_cast<int>(atoms.species.size());
  Table form("atomic_density::form_factors", ns, basis.dense().count);
  for (int s = 0; s < ns; ++s) fill_atomic_density_row(basis, atoms.species[s], xc, s, form);
  return form;
}

View1<complex> atomic_density(const Basis& basis, const Atoms& atoms, const std::string& xc) {
  return local::superpose(basis, atoms, atomic_density_form_factors(basis, atoms, xc), "atomic_density::rho_G");
}

View2<double> scf_correction_forces(const Basis& basis, const Atoms& atoms, const std::string& xc,
                                    const View1<complex>& dV_G) {
  // int dV rho_at = Omega sum_G conj(dV) rho_at has the form of E_loc with rho -> dV and v_s -> n_s.
  return local::pair_forces(basis, atoms, atomic_density_form_factors(basis, atoms, xc), dV_G);
}

}  // namespace megabar::dft
