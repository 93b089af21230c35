#include "dft/core_charge.hpp"

#include "dft/local_potential.hpp"
#include "dft/term.hpp"
#include "kernels/math.hpp"
#include "kernels/reductions.hpp"

namespace megabar::dft {

namespace core_detail {
// Free functions with external linkage (nvcc's extended lambdas).
void add_fields(const View1<double>& a_r, const View1<double>& b_r, View1<double> out_r, const View1<complex>& a_G,
                const View1<complex>& b_G, View1<complex> out_G) {
  Kokkos::parallel_for(
      "dft::core::add_r", kernels::RangePolicy(0, a_r.extent(0)),
      KOKKOS_LAMBDA(long i) { out_r(i) = a_r(i) + b_r(i); });
  Kokkos::parallel_for(
      "dft::core::add_G", kernels::RangePolicy(0, a_G.extent(0)),
      KOKKOS_LAMBDA(long k) { out_G(k) = a_G(k) + b_G(k); });
}
}  // namespace core_detail

CoreCharge::CoreCharge(const Basis& basis, const Atoms& atoms, const FieldTransform& fields)
    : basis_(basis), atoms_(atoms) {
  for (const auto& sp : atoms.species) empty_ = empty_ && !sp.has_core();
  if (empty_) return;
  rho_G_ = local::superpose(basis, atoms, local::core_form_factor_table(basis, atoms, false), "core::rho_G");
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

Mat3 CoreCharge::stress(const View1<complex>& v_xc_G) const {
  return local::pair_virial(basis_, atoms_, local::core_form_factor_table(basis_, atoms_, true), v_xc_G)
      .matrix(1.0 / basis_.cell().volume);
}

}  // namespace megabar::dft
