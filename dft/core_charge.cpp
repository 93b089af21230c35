#include "dft/core_charge.hpp"

#include "dft/local_potential.hpp"
#include "dft/term.hpp"
#include "kernels/math.hpp"
#include "kernels/reductions.hpp"

namespace megabar::dft {

namespace core_detail {
// Free functions with external linkage (nvcc's extended lambdas).
View1<complex> core_density(const Basis& basis, const Atoms& atoms) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  auto form = local::core_form_factor_table(basis, atoms, false);
  auto S = structure_factors(atoms, basis.dense().G, nG);
  View1<complex> rho("core::rho_G", nG);
  const double inv_omega = 1.0 / basis.cell().volume;
  Kokkos::parallel_for("dft::core::density", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
    complex sum(0.0, 0.0);
    for (int s = 0; s < ns; ++s) sum += form(s, k) * S(s, k);
    rho(k) = inv_omega * sum;
  });
  return rho;
}

Mat3 core_virial(const Basis& basis, const Atoms& atoms, const View1<complex>& v_G) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  const auto dform = local::core_form_factor_table(basis, atoms, true);
  auto S = structure_factors(atoms, basis.dense().G, nG);
  auto G = basis.dense().G;
  auto G2 = basis.dense().G2;
  kernels::EnergyVirial ev;
  Kokkos::parallel_reduce(
      "dft::core::stress", kernels::RangePolicy(0, nG),
      KOKKOS_LAMBDA(int k, kernels::EnergyVirial& acc) {
        if (G2(k) == 0.0) return;
        complex d(0.0, 0.0);
        for (int s = 0; s < ns; ++s) d += dform(s, k) * S(s, k);
        const double re = v_G(k).real() * d.real() + v_G(k).imag() * d.imag();  // Re[conj(v) d]
        const double g[3] = {G(k, 0), G(k, 1), G(k, 2)};
        acc.add_outer(re / kernels::math::sqrt(G2(k)), g);
      },
      Kokkos::Sum<kernels::EnergyVirial>(ev));
  return ev.matrix(1.0 / basis.cell().volume);
}

void add_fields(const View1<double>& a_r, const View1<double>& b_r, View1<double> out_r, const View1<complex>& a_G,
                const View1<complex>& b_G, View1<complex> out_G) {
  Kokkos::parallel_for("dft::core::add_r", kernels::RangePolicy(0, a_r.extent(0)),
                       KOKKOS_LAMBDA(long i) { out_r(i) = a_r(i) + b_r(i); });
  Kokkos::parallel_for("dft::core::add_G", kernels::RangePolicy(0, a_G.extent(0)),
                       KOKKOS_LAMBDA(long k) { out_G(k) = a_G(k) + b_G(k); });
}
}  // namespace core_detail

CoreCharge::CoreCharge(const Basis& basis, const Atoms& atoms, const FieldTransform& fields)
    : basis_(basis), atoms_(atoms) {
  for (const auto& sp : atoms.species) empty_ = empty_ && !sp.has_core();
  if (empty_) return;
  rho_G_ = core_detail::core_density(basis, atoms);
  rho_r_ = View1<double>("core::rho_r", basis.grid_size());
  fields.to_real(rho_G_, rho_r_);
}

void CoreCharge::add_to(const View1<double>& rho_r, const View1<complex>& rho_G, View1<double> out_r,
                        View1<complex> out_G) const {
  core_detail::add_fields(rho_r, rho_r_, out_r, rho_G, rho_G_, out_G);
}

std::vector<Vec3> CoreCharge::forces(const View1<complex>& v_xc_G) const {
  return host_forces(local::pair_forces(basis_, atoms_, local::core_form_factor_table(basis_, atoms_, false), v_xc_G));
}

Mat3 CoreCharge::stress(const View1<complex>& v_xc_G) const { return core_detail::core_virial(basis_, atoms_, v_xc_G); }

}  // namespace megabar::dft
