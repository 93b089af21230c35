"""Helpers for make_references.sh: structures and megabar inputs next to each QE reference.

usage:
  case_tools.py primitive-c CIF OUT.extxyz       C-centred conventional cell -> primitive cell (half the atoms)
  case_tools.py extxyz QE_IN OUT.extxyz          the structure of a pw.x input, written by ASE
  case_tools.py sync CASEDIR                      CASEDIR/case.in -> CASEDIR/cell.extxyz (ASE), and case.in's
                                                  positions rewritten from cell.extxyz so both hold the same numbers
  case_tools.py megabar CASEDIR XC KIND JSON [IN] megabar.toml (+ tolerances.json when JSON is CASEDIR/case.json);
                                                  XC = PBE | LDA, KIND = PBE | PADE (GTH file family),
                                                  IN = QE input to take the structure from (default CASEDIR/case.in)

Only Debian's python3 with python3-ase and numpy is needed.
"""
import contextlib
import json
import os
import re
import sys
import tempfile

import numpy as np
from ase import Atoms
from ase.io import read, write

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
from megabar_py import inputs  # noqa: E402

# Tolerances stated by every CI case (keys as in case.json, Hartree).
TOLERANCES = {
    "total_energy_Ha": 1e-5,
    "one_electron_Ha": 1e-4,
    "hartree_Ha": 1e-4,
    "xc_Ha": 1e-4,
    "ewald_Ha": 1e-6,
    "forces_Ha_per_bohr": 5e-5,
    "stress_GPa": 0.05,
}
PSEUDO_DIR = "../../../../inputs/pseudopotentials"  # from tests/regression/qe/CASE/


def read_qe_input(path):
    """ASE's espresso-in reader, run from an empty directory: with pseudo_dir='.' it would otherwise try
    to grep a valence out of ./B.gth (a GTH file has no such line) and fail."""
    path = os.path.abspath(path)
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as empty:
        os.chdir(empty)
        try:
            atoms = read(path, format="espresso-in")
        finally:
            os.chdir(here)
    clean = Atoms(symbols=atoms.get_chemical_symbols(), positions=atoms.positions,
                  cell=atoms.cell, pbc=True)
    return clean


def primitive_c(cif, out):
    """Primitive cell of a C-centred (translation (1/2,1/2,0)) conventional cell, built with ASE."""
    conv = read(cif)
    P = np.array([[0.5, -0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    cell = P @ conv.cell.array
    frac = np.linalg.solve(cell.T, conv.positions.T).T
    frac -= np.floor(frac + 1e-8)
    keep, seen = [], []
    for i, f in enumerate(frac):
        if any(np.abs((f - g) - np.round(f - g)).max() < 1e-5 for g in seen):
            continue  # a lattice-vector image of an atom already kept (species checked below)
        seen.append(f)
        keep.append(i)
    prim = Atoms(symbols=[conv[i].symbol for i in keep], scaled_positions=frac[keep], cell=cell, pbc=True)
    if len(prim) * 2 != len(conv):
        sys.exit(f"primitive-c: expected {len(conv) // 2} atoms, got {len(prim)} (is {cif} C-centred?)")
    # every conventional atom must be a primitive atom shifted by a primitive lattice vector
    for a in conv:
        d = np.linalg.solve(cell.T, (prim.positions - a.position).T).T
        d -= np.round(d)
        j = int(np.argmin(np.linalg.norm(d @ cell, axis=1)))
        if np.linalg.norm(d[j] @ cell) > 1e-4 or prim[j].symbol != a.symbol:
            sys.exit("primitive-c: conventional atom not reproduced by the primitive cell")
    write(out, prim, format="extxyz")
    print(f"primitive-c: {len(conv)} -> {len(prim)} atoms, volume {conv.get_volume():.4f} -> "
          f"{prim.get_volume():.4f} A^3", file=sys.stderr)


def extxyz(qe_in, out):
    write(out, read_qe_input(qe_in), format="extxyz")


def sync(casedir):
    qe_in = os.path.join(casedir, "case.in")
    xyz = os.path.join(casedir, "cell.extxyz")
    write(xyz, read_qe_input(qe_in), format="extxyz")
    atoms = read(xyz)  # ASE writes positions with 8 decimals: put exactly those numbers back into case.in
    text = open(qe_in).read()
    head, rest = text.split("ATOMIC_POSITIONS angstrom\n")
    lines = rest.split("\n")
    n = len(atoms)
    new = [" %s %.10f %.10f %.10f" % (s, *p) for s, p in zip(atoms.get_chemical_symbols(), atoms.positions)]
    for old, nw in zip(lines[:n], new):
        if old.split()[0] != nw.split()[0]:
            sys.exit(f"sync: species order differs in {qe_in}")
    open(qe_in, "w").write(head + "ATOMIC_POSITIONS angstrom\n" + "\n".join(new + lines[n:]))
    back = read_qe_input(qe_in)
    dpos = np.abs(back.positions - atoms.positions).max()
    dcell = np.abs(back.cell.array - atoms.cell.array).max()
    if dpos > 1e-12 or dcell > 1e-12:
        sys.exit(f"sync: case.in and cell.extxyz differ ({dpos:.2e} A, {dcell:.2e} A)")


def megabar(casedir, xc, kind, json_path, qe_in=None):
    ref = json.load(open(json_path))
    qe_in = qe_in or os.path.join(casedir, "case.in")
    ecut = float(re.search(r"ecutwfc\s*=\s*([0-9.eEdD+-]+)", open(qe_in).read()).group(1))
    rel = os.path.relpath(os.path.abspath(json_path), os.path.abspath(casedir))
    toml = inputs.megabar_toml([
        (None, {"task": "scf"}),
        ("structure", {"file": "cell.extxyz"}),
        ("dft", {"ecut": f"{ecut:g} Ry", "xc": xc, "fft_grid": list(ref["fft_grid"])}),
        ("dft.pseudopotentials", {el: f"{PSEUDO_DIR}/{el}-GTH-{kind}.gth" for el in ("B", "O")}),
        ("scf", {"energy_tolerance": "1e-10 Ha", "max_iterations": 200}),
        ("output", {"directory": "out"}),
    ], header=[f"megabar input for the Quantum ESPRESSO 6.7 reference {rel}",
               f"(same structure as the QE input, same FFT grid as QE used; Gamma point, {xc}, GTH-{kind} pseudopotentials)"])
    open(os.path.join(casedir, "megabar.toml"), "w").write(toml)
    if os.path.abspath(json_path) == os.path.abspath(os.path.join(casedir, "case.json")):
        with open(os.path.join(casedir, "tolerances.json"), "w") as f:
            json.dump(TOLERANCES, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"primitive-c": primitive_c, "extxyz": extxyz, "sync": sync, "megabar": megabar}[cmd](*args)
