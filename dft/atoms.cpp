#include "kernels/math.hpp"
#include "dft/atoms.hpp"

#include <stdexcept>

namespace megabar::dft {

Atoms make_atoms(const Structure& structure, const std::map<std::string, PseudoSource>& pseudopotentials) {
  Atoms atoms;
  atoms.structure = structure;
  std::map<std::string, int> index;
  for (std::size_t a = 0; a < structure.size(); ++a) {
    const auto& el = structure.symbols[a];
    if (!index.count(el)) {
      auto it = pseudopotentials.find(el);
      if (it == pseudopotentials.end())
        throw std::invalid_argument("no pseudopotential for element '" + el + "' (atom " + std::to_string(a + 1) + ")");
      index[el] = static_cast<int>(atoms.species.size());
      atoms.species.push_back(read_species(it->second.file, el, it->second.name));
    }
    atoms.species_of_atom.push_back(index[el]);
  }
  return atoms;
}

double Atoms::n_electrons() const {
  double n = 0;
  for (std::size_t a = 0; a < structure.size(); ++a) n += charge(a);
  return n;
}

kernels::View2<double> Atoms::positions_view() const {
  kernels::View2<double> pos("atoms::positions", structure.size(), 3);
  auto h = Kokkos::create_mirror_view(pos);
  for (std::size_t a = 0; a < structure.size(); ++a)
    for (int d = 0; d < 3; ++d) h(a, d) = structure.positions[a][d];
  Kokkos::deep_copy(pos, h);
  return pos;
}

Kokkos::View<kernels::complex**, Kokkos::LayoutRight, kernels::MemSpace> structure_factors(
    const Atoms& atoms, const kernels::View2<double>& G, int nG) {
  const int ns = static_cast<int>(atoms.species.size());
  const int na = static_cast<int>(atoms.structure.size());
  Kokkos::View<kernels::complex**, Kokkos::LayoutRight, kernels::MemSpace> S("atoms::structure_factor", ns, nG);
  kernels::View1<int> sp("atoms::species", na);
  auto sph = Kokkos::create_mirror_view(sp);
  for (int a = 0; a < na; ++a) sph(a) = atoms.species_of_atom[a];
  Kokkos::deep_copy(sp, sph);
  auto pos = atoms.positions_view();
  Kokkos::parallel_for(
      "dft::atoms::structure_factor", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        for (int a = 0; a < na; ++a) {
          const double phase = G(k, 0) * pos(a, 0) + G(k, 1) * pos(a, 1) + G(k, 2) * pos(a, 2);
          S(sp(a), k) += kernels::complex(kernels::math::cos(phase), -kernels::math::sin(phase));
        }
      });
  return S;
}

}  // namespace megabar::dft
