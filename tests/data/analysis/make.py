#!/usr/bin/python3
"""Converts the reference crystal CIFs of ../shared/reference/structures into the extended XYZ files of this
folder, the inputs of the analysis tests (tests/unit/test_analysis*.cpp, tests/cli/test_analyze.sh).

Run once, from anywhere, with Debian's python3-ase (3.22):   /usr/bin/python3 tests/data/analysis/make.py

Each CIF is already expanded to P1 (every atom listed, symmetry 'x, y, z'), so ASE's reader keeps the atoms
in the CIF's order and adds none. The extxyz files hold the cell (Lattice, angstrom, rows = a, b, c as ASE's
cellpar_to_cell orients them: a along x, b in the xy plane), species and Cartesian positions (angstrom)
only, in ASE's layout (Properties=species:S:1:pos:R:3), which io::read_extxyz_frames reads.
"""
import os

from ase.io import read, write

HERE = os.path.dirname(os.path.abspath(__file__))
STRUCTURES = os.path.normpath(os.path.join(HERE, "../../../../shared/reference/structures"))

NAMES = [
    "B2O3-I_P3121_phonondb-mp306_DFT",   # [3]B, [2]O; known answers in ../shared/science-b2o3.md
    "B2O3-II_Cmc21_phonondb-mp717_DFT",  # [4]B, 1/3 [2]O + 2/3 [3]O
    "B2O3-I_MDavg_exptcell",             # the same crystals, experimental cells, MD-averaged sites
    "B2O3-II_MDavg_exptcell",
]

for name in NAMES:
    atoms = read(os.path.join(STRUCTURES, name + ".cif"))
    atoms.pbc = True
    for key in list(atoms.arrays):  # e.g. spacegroup_kinds: not needed, keep the files plain
        if key not in ("numbers", "positions"):
            del atoms.arrays[key]
    atoms.info = {}
    out = os.path.join(HERE, name + ".extxyz")
    write(out, atoms, format="extxyz", columns=["symbols", "positions"])
    print(f"{out}: {len(atoms)} atoms, {atoms.get_chemical_formula()}, volume {atoms.get_volume():.4f} A^3")
