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

}  // namespace megabar::dft
