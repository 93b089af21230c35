"""Quantum ESPRESSO (pw.x 6.7): GTH files in its layout, the command line, and what its output says.

Energies read from pw.x output are converted from Ry to Ha (units.HA_PER_RY).
"""
import os
import re
import shutil
import subprocess
import sys

from . import units

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CP2K_TO_QE_GTH = os.path.join(ROOT, "tests", "regression", "qe", "cp2k_to_qe_gth.py")
PSEUDO_DIR = os.path.join(ROOT, "inputs", "pseudopotentials")

FFT_DIMENSIONS = re.compile(r"FFT dimensions: \(\s*(\d+),\s*(\d+),\s*(\d+)\)")
TOTAL_ENERGY = r"!\s+total energy\s+=\s+(\S+) Ry"
CONVERGED = r"convergence has been achieved in\s+(\d+) iterations"
CONSERVED = r"Ekin \+ Etot \(const\)\s+=\s+(\S+) Ry"
KINETIC = r"kinetic energy \(Ekin\)\s+=\s+(\S+) Ry"


def qe_gth(cp2k_file):
    """The QE (ABINIT pspcod 10) layout of a CP2K GTH block, via tests/regression/qe/cp2k_to_qe_gth.py."""
    out = subprocess.run([sys.executable, CP2K_TO_QE_GTH, cp2k_file], check=True, capture_output=True, text=True)
    return out.stdout


def write_gth_files(work, family="PBE", elements=("B", "O"), copy_cp2k=False):
    """work/X.gth for pw.x from inputs/pseudopotentials/X-GTH-<family>.gth; with copy_cp2k the CP2K files too
    (for megabar, under their own names)."""
    for el in elements:
        src = os.path.join(PSEUDO_DIR, f"{el}-GTH-{family}.gth")
        if copy_cp2k:
            shutil.copy(src, work)
        with open(os.path.join(work, f"{el}.gth"), "w") as f:
            f.write(qe_gth(src))


def pw_command(np_, input_name):
    """mpirun with np_ ranks of pw.x on input_name (run with pw_env())."""
    return ["mpirun", "--allow-run-as-root", "-np", str(np_), "pw.x", "-in", input_name]


def pw_env():
    """The environment of a pw.x run: one OpenMP thread per MPI rank."""
    return dict(os.environ, OMP_NUM_THREADS="1")


def have_pw():
    return shutil.which("pw.x") is not None and shutil.which("mpirun") is not None


def fft_grid(text):
    """The first "FFT dimensions" of pw.x output as [n1, n2, n3], or None."""
    m = FFT_DIMENSIONS.search(text)
    return [int(x) for x in m.groups()] if m else None


def total_energies_ha(text):
    """Every converged total energy ('!' lines) in Ha."""
    return [float(x) * units.HA_PER_RY for x in re.findall(TOTAL_ENERGY, text)]


def scf_iterations(text):
    """The iteration count of every converged SCF."""
    return [int(x) for x in re.findall(CONVERGED, text)]


def own_timing(text):
    """pw.x's own 'PWSCF : ... CPU ... WALL' line as 'X CPU, Y WALL', or '?'."""
    own = re.findall(r"PWSCF\s+:\s+(.*?)CPU\s+(.*?)WALL", text)
    return f"{own[-1][0].strip()} CPU, {own[-1][1].strip()} WALL" if own else "?"


def version(text):
    m = re.search(r"Program PWSCF (v\.\S+)", text)
    return m.group(1) if m else "?"


def md_energies_ha(text):
    """(E_pot, E_kin, E_kin + E_pot conserved) lists of a pw.x calculation='md' output, in Ha."""
    return (total_energies_ha(text),
            [float(x) * units.HA_PER_RY for x in re.findall(KINETIC, text)],
            [float(x) * units.HA_PER_RY for x in re.findall(CONSERVED, text)])


def summary(t):
    """A pw.x scf output with forces and stress as a dict in Hartree atomic units (the reference files of
    tests/regression/qe, written by qe2json.py)."""
    ry = units.HA_PER_RY

    def last(pat):
        m = re.findall(pat, t)
        return float(m[-1]) if m else None

    out = {
        "total_energy_Ha": last(TOTAL_ENERGY) * ry,
        "one_electron_Ha": last(r"one-electron contribution =\s+(\S+) Ry") * ry,
        "hartree_Ha": last(r"hartree contribution\s+=\s+(\S+) Ry") * ry,
        "xc_Ha": last(r"xc contribution\s+=\s+(\S+) Ry") * ry,
        "ewald_Ha": last(r"ewald contribution\s+=\s+(\S+) Ry") * ry,
        "fft_grid": [int(x) for x in FFT_DIMENSIONS.findall(t)[0]],
        "n_electrons": last(r"number of electrons\s+=\s+(\S+)"),
        "n_bands": int(last(r"Kohn-Sham states=\s+(\d+)")),
        "pressure_GPa": last(r"P=\s*(\S+)") / 10.0,
    }
    f = re.search(r"Forces acting on atoms.*?\n\n(.*?)\n\n", t, re.S).group(1)
    out["forces_Ha_per_bohr"] = [[float(x) * ry for x in l.split("=")[1].split()] for l in f.strip().split("\n")]
    s = re.search(r"total   stress .*?\n(.*?\n.*?\n.*?)\n", t, re.S).group(1)
    out["stress_Ha_per_bohr3"] = [[float(x) * ry for x in l.split()[:3]] for l in s.split("\n")]
    out["stress_GPa"] = [[float(x) / 10.0 for x in l.split()[3:6]] for l in s.split("\n")]
    return out


def bench_cell(work, repeat, family="PBE"):
    """The B2O3-I benchmark cell of scripts/bench-*-vs-qe in work: inputs/b2o3-I/cell.extxyz repeated by
    repeat (three integers), written as work/cell.extxyz, with the GTH files of both codes beside it. Returns
    the structure as read back from cell.extxyz (an ase.Atoms), so that QE gets exactly the numbers megabar
    reads."""
    from ase.io import read, write
    atoms = read(os.path.join(ROOT, "inputs", "b2o3-I", "cell.extxyz")).repeat(repeat)
    write_gth_files(work, family, copy_cp2k=True)
    write(os.path.join(work, "cell.extxyz"), atoms, format="extxyz")
    return read(os.path.join(work, "cell.extxyz"))


def parse_repeat(text):
    """'1,1,2' -> [1, 1, 2]; None unless three positive integers."""
    try:
        rep = [int(x) for x in text.split(",")]
    except ValueError:
        return None
    return rep if len(rep) == 3 and min(rep) >= 1 else None
