// VASP POSCAR / CONTCAR structures (io/, read only; https://www.vasp.at/wiki/index.php/POSCAR):
//
//   comment
//   scale                      > 0: lattice multiplier; < 0: the cell volume in A^3 (VASP's convention)
//   a1x a1y a1z                lattice vectors (A, times scale)
//   a2x a2y a2z
//   a3x a3y a3z
//   B O                        element symbols (VASP 5; required: megabar does not guess them from POTCAR)
//   6 9                        atoms per element
//   [Selective dynamics]       optional (its T/F flags are ignored)
//   Direct | Cartesian         (first letter, either case; K/k = Cartesian)
//   x y z [T T T]              one line per atom, in the order of the counts
//
// Velocities and predictor blocks of a CONTCAR after the positions are not read.
#pragma once
#include <string>

#include "core/structure.hpp"

namespace megabar::io {

// Throws core::InputError "path:line: what" on any malformed line.
core::Structure read_poscar(const std::string& path);

}  // namespace megabar::io
