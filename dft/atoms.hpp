// Atoms with their pseudopotentials: what the Hamiltonian terms need about the ions.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/structure.hpp"
#include "dft/species.hpp"
#include "kernels/views.hpp"

namespace megabar::dft {

using core::Cell;
using core::Mat3;
using core::Structure;
using core::Vec3;

struct Atoms {
  Structure structure;
  std::vector<Species> species;      // one per distinct element
  std::vector<int> species_of_atom;  // index into species, per atom in input order

  double n_electrons() const;
  double charge(std::size_t atom) const { return species[species_of_atom[atom]].zion; }
  // Positions as a device View (natoms x 3, bohr).
  kernels::View2<double> positions_view() const;
};

// Where the pseudopotential of one element comes from: a file, and the potential's name inside a library.
struct PseudoSource {
  std::string file;
  std::string name;
};

// Attaches pseudopotentials to a structure, one per distinct element (in order of first appearance).
// Throws std::invalid_argument naming the element and atom when no pseudopotential is given for it.
Atoms make_atoms(const Structure& structure, const std::map<std::string, PseudoSource>& pseudopotentials);

}  // namespace megabar::dft
