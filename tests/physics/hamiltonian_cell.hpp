// The tiny B2O2 cell of tiny_cell.hpp at 10 Ry (n_real ~ 250), with any labelling of its four atoms: the
// cell of the Hamiltonian consistency tests (test_hamiltonian.cpp) and of the SCF tests on it
// (test_scf_tiny_cell.cpp).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "tiny_cell.hpp"

namespace megabar::test::hamiltonian_cell {

using namespace megabar::dft;
using megabar::test::kLattice;
using megabar::test::kPositions;
using megabar::test::kSymbols;

// The cell with the given symbols (any order) at the given positions, GTH-<flavour> pseudopotentials.
inline Atoms make_atoms(const std::vector<std::string>& symbols, const std::vector<Vec3>& positions,
                        const std::string& flavour = "PBE") {
  Atoms atoms;
  atoms.structure.cell = Cell::from_lattice(kLattice);
  atoms.structure.symbols = symbols;
  atoms.structure.positions = positions;
  std::map<std::string, int> index;
  for (const auto& el : symbols) {
    if (!index.count(el)) {
      index[el] = static_cast<int>(atoms.species.size());
      atoms.species.push_back(read_species(
          std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/" + el + "-GTH-" + flavour + ".gth", el));
    }
    atoms.species_of_atom.push_back(index[el]);
  }
  return atoms;
}

constexpr double kEcut = 5.0;  // Ha (10 Ry)

inline Basis make_basis(const Atoms& atoms) {
  return Basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
}

}  // namespace megabar::test::hamiltonian_cell
