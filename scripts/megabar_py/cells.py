"""Crystal structures through ASE: CIF files (symmetry applied), extended XYZ, supercells.

A structure is handled as (lattice, symbols, frac): lattice rows a1, a2, a3 in angstrom (a1 along x, a2 in
the xy plane, ASE's convention and that of megabar's cell.extxyz), chemical symbols, and fractional
coordinates wrapped into [0, 1).
"""
import numpy as np


def _wrap(frac):
    f = np.mod(frac, 1.0)
    f[np.isclose(f, 1.0, atol=1e-9)] = 0.0
    return f


def read_cif(path):
    """The full cell of a CIF (ASE applies its symmetry operations and removes duplicate sites)."""
    from ase.io import read
    atoms = read(path, format="cif")
    return atoms.cell.array.copy(), atoms.get_chemical_symbols(), _wrap(atoms.get_scaled_positions(wrap=False))


def read_extxyz(path, index=0):
    """One frame of an extended XYZ file (default the first)."""
    from ase.io import read
    atoms = read(path, index=index, format="extxyz")
    lat = atoms.cell.array.copy()
    return lat, atoms.get_chemical_symbols(), np.mod(atoms.positions @ np.linalg.inv(lat), 1.0)


def species_order(symbols):
    """Atom indices grouped by species in the order the species first appear, stable within a species."""
    first = list(dict.fromkeys(symbols))
    return sorted(range(len(symbols)), key=lambda a: (first.index(symbols[a]), a))


def supercell(lat, symbols, frac, P):
    """The supercell whose lattice rows are P @ lat (P: integer 3x3, positive determinant), by
    ase.build.make_supercell. Atoms come grouped by species (first-appearance order), each atom of the cell
    with its images in the order of their primitive translations; fractional coordinates in [0, 1)."""
    from ase import Atoms
    from ase.build import make_supercell
    P = np.asarray(P)
    det = int(round(np.linalg.det(P)))
    if det <= 0:
        raise ValueError("the supercell matrix must have a positive determinant (got %d)" % det)
    prim = Atoms(symbols=symbols, scaled_positions=frac, cell=lat, pbc=True)
    sup = make_supercell(prim, P, wrap=False)
    new_lat = P @ lat
    f = sup.positions @ np.linalg.inv(new_lat)
    f = np.where(np.abs(f - np.round(f)) < 1e-9, np.round(f), f)
    f = np.mod(f, 1.0)
    n = len(symbols)
    source = np.arange(len(sup)) % n                           # make_supercell: cell by cell, atoms in order
    shift = np.rint(f @ P - frac[source]).astype(int)          # primitive translation of each image
    rank = {a: i for i, a in enumerate(species_order(symbols))}
    order = sorted(range(len(sup)), key=lambda k: (rank[source[k]], tuple(shift[k])))
    out_frac = np.array([(frac[source[k]] + shift[k]) @ np.linalg.inv(P) for k in order])
    out_frac = np.where(np.abs(out_frac) < 1e-9, 0.0, out_frac)
    out_frac = np.where(np.abs(out_frac - 1.0) < 1e-9, 0.0, out_frac)
    if len(out_frac) != det * n:
        raise ValueError("internal: the supercell has %d atoms, expected %d" % (len(out_frac), det * n))
    return new_lat, [symbols[source[k]] for k in order], out_frac


def density_g_cm3(lat, symbols, masses):
    """Mass density in g/cm3 of a cell (lattice rows in angstrom) with masses in g/mol per symbol."""
    from .units import AVOGADRO
    vol = abs(np.linalg.det(lat))
    return sum(masses[s] for s in symbols) / (vol * 1e-24 * AVOGADRO)
