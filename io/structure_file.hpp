// Input structures in the formats megabar reads (docs/input.md, [structure]): extended XYZ (io/extxyz.hpp,
// the first frame), VASP POSCAR/CONTCAR (io/poscar.hpp) and CIF (io/cif.hpp), told apart by the file name,
// else by content.
#pragma once
#include <string>

#include "core/structure.hpp"

namespace megabar::io {

enum class StructureFormat { extxyz, poscar, cif };

// By name: *.extxyz, *.xyz -> extxyz; POSCAR*, CONTCAR*, *.vasp, *.poscar -> poscar; *.cif -> cif. Otherwise
// by content: a first line (other than blank and # comment lines) starting with data_ -> cif; a first line
// holding one integer (the atom count) -> extxyz; one number on line 2 and three on each of lines 3-5 ->
// poscar. Throws core::InputError naming the file and listing the formats megabar reads (with the ASE
// command that converts others, e.g. PDB) when none fits.
StructureFormat structure_format(const std::string& path);

// The structure in the file, in whichever of the formats above it is.
core::Structure read_structure(const std::string& path);

}  // namespace megabar::io
