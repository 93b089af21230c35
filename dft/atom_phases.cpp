#include "dft/atom_phases.hpp"

#include <algorithm>

#include "kernels/loops.hpp"
#include "kernels/math.hpp"

namespace megabar::dft {

namespace {

// table(a, i, j) = exp(-i (j - offset_i) theta_a,i) (a free function: nvcc takes no device lambdas in constructors).
void fill_phase_table(const View2<double>& theta, const int offset[3], AtomPhases::Table table) {
  const int na = static_cast<int>(table.extent(0)), width = static_cast<int>(table.extent(2));
  const int o0 = offset[0], o1 = offset[1], o2 = offset[2];
  kernels::for_2d(
      "dft::atom_phases::table", 3 * na, width, KOKKOS_LAMBDA(int ai, int j) {
        const int a = ai / 3, i = ai % 3;
        const int m = j - (i == 0 ? o0 : i == 1 ? o1 : o2);
        const double phase = m * theta(a, i);
        table(a, i, j) = kernels::complex(kernels::math::cos(phase), -kernels::math::sin(phase));
      });
}

}  // namespace

AtomPhases::AtomPhases(const Atoms& atoms, const Cell& cell, const GVectors& g) : miller_(g.miller) {
  const int na = static_cast<int>(atoms.structure.size());
  View2<double> theta("atom_phases::theta", na, 3);
  auto th = Kokkos::create_mirror_view(theta);
  for (int a = 0; a < na; ++a)
    for (int i = 0; i < 3; ++i) {
      const auto& b = cell.reciprocal[i];
      const auto& r = atoms.structure.positions[a];
      th(a, i) = b[0] * r[0] + b[1] * r[1] + b[2] * r[2];
    }
  Kokkos::deep_copy(theta, th);
  for (int i = 0; i < 3; ++i) offset_[i] = g.max_miller[i];
  const int width = 2 * std::max({offset_[0], offset_[1], offset_[2]}) + 1;
  table_ = Table("atom_phases::table", na, 3, width);
  fill_phase_table(theta, offset_, table_);
}

Kokkos::View<kernels::complex**, Kokkos::LayoutRight, kernels::MemSpace> structure_factors(const Atoms& atoms,
                                                                                           const Basis& basis) {
  const int ns = static_cast<int>(atoms.species.size());
  const int na = static_cast<int>(atoms.structure.size());
  const int nG = basis.dense().count;
  Kokkos::View<kernels::complex**, Kokkos::LayoutRight, kernels::MemSpace> S("atoms::structure_factor", ns, nG);
  kernels::View1<int> sp("atoms::species", na);
  auto sph = Kokkos::create_mirror_view(sp);
  for (int a = 0; a < na; ++a) sph(a) = atoms.species_of_atom[a];
  Kokkos::deep_copy(sp, sph);
  const AtomPhases phase(atoms, basis.cell(), basis.dense());
  Kokkos::parallel_for(
      "dft::atoms::structure_factor", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        for (int a = 0; a < na; ++a) S(sp(a), k) += phase(a, k);
      });
  return S;
}

}  // namespace megabar::dft
