#include "dft/term.hpp"

namespace megabar::dft {

void add_to_potential(const View1<double>& v, View1<double> v_eff) {
  Kokkos::parallel_for(
      "dft::term::add_potential", kernels::RangePolicy(0, v_eff.extent(0)),
      KOKKOS_LAMBDA(long i) { v_eff(i) += v(i); });
}

std::vector<Vec3> host_forces(const View2<double>& F) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), F);
  std::vector<Vec3> v(F.extent(0));
  for (std::size_t a = 0; a < v.size(); ++a)
    for (int d = 0; d < 3; ++d) v[a][d] = h(a, d);
  return v;
}

}  // namespace megabar::dft
