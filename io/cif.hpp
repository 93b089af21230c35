// Crystallographic Information Files (io/, read only; CIF 1.1 syntax parsed by gemmi, the Debian package
// gemmi-dev): small-molecule and inorganic crystal structures, as the ICSD, COD, Materials Project and ASE
// write them.
//
// The first data block that holds both a cell (_cell_length_a/b/c; _cell_angle_alpha/beta/gamma, 90 degrees
// when absent as the CIF dictionary says) and atom sites (_atom_site_fract_x/y/z) is read. Its symmetry comes
// from, in this order: the operations listed (_space_group_symop_operation_xyz or _symmetry_equiv_pos_as_xyz,
// which must form a group, centring translations included), the Hall symbol (_space_group_name_Hall,
// _symmetry_space_group_name_Hall), the Hermann-Mauguin symbol (_space_group_name_H-M_alt,
// _symmetry_space_group_name_H-M; the rhombohedral or hexagonal setting of R groups told by the cell angles),
// the space-group number (_space_group_IT_number, _symmetry_Int_Tables_number; the standard setting); with none
// of these the file is taken as P 1.
//
// Every site is expanded by the operations; images within 0.01 A of an atom already placed (periodic images
// included) are dropped (special positions, or a file that lists the sites of the whole cell and its space
// group). Sites must be fully occupied (_atom_site_occupancy within 0.01 of 1). The element is the one of
// _atom_site_type_symbol ("O", "O2-", "Fe3+"), else the leading letters of _atom_site_label ("O1", "Ba2").
//
// The cell is put in the standard orientation of ASE's cellpar_to_cell: a along x, b in the xy plane, c
// with a positive z. Atoms come site by site, in the order of the file, each with its images in the order of
// the operations (as ASE orders them).
#pragma once
#include <string>

#include "core/structure.hpp"

namespace megabar::io {

// Throws core::InputError naming the file (and, where it applies, the line, site, tag or operation) for
// unreadable CIF syntax, a missing cell or atom sites, an unknown space group or element, partial
// occupancy, or two different sites on the same position.
core::Structure read_cif(const std::string& path);

}  // namespace megabar::io
