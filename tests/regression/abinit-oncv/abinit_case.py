"""Helpers for make_references.sh: ABINIT (and pw.x) references with the PseudoDojo ONCV psp8 files.

usage:
  abinit_case.py structure CIF STRAIN RATTLE SEED OUT.extxyz
        the structure of ../qe/make_case.py (cell x STRAIN, ASE Gaussian rattle RATTLE A with SEED), read back
        from its pw.x input by ../qe/case_tools.py and written with ASE (8 decimals)
  abinit_case.py grid CELL.extxyz ECUT_RY                 print the FFT grid n1 n2 n3 (see fft_grid)
  abinit_case.py abinit CELL.extxyz ECUT_RY PSPDIR        print the ABINIT input (case.abi)
  abinit_case.py json CASE.abo CASE.log CELL.extxyz PSPDIR PKGVERSION WALL_S   print case.json
  abinit_case.py qe CELL.extxyz ECUT_RY                   print the pw.x input (qe.in; B.upf, O.upf in '.')
  abinit_case.py qejson QE.out CELL.extxyz UPFDIR WALL_S  print qe.json
  abinit_case.py table CASEDIR ...                        print the markdown table of the README

Only Debian's python3 with python3-ase and numpy is needed.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from ase.io import read, write

HERE = os.path.dirname(os.path.abspath(__file__))
QE_DIR = os.path.join(HERE, "..", "qe")
sys.path.insert(0, QE_DIR)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "scripts"))
import case_tools  # noqa: E402  (tests/regression/qe)
from megabar_py import inputs, qe, units  # noqa: E402

ZION = {"B": 3, "O": 6}  # valence charges of the PseudoDojo B.psp8, O.psp8 (zion); checked against the files
ELEMENTS = ("B", "O")
MASSES = inputs.QE_MASSES


def structure(cif, strain, rattle, seed, out):
    with tempfile.TemporaryDirectory() as tmp:
        qe_in = os.path.join(tmp, "case.in")
        with open(qe_in, "w") as f:
            subprocess.run([sys.executable, os.path.join(QE_DIR, "make_case.py"), cif, "1,1,1", strain, rattle,
                            seed, "60", "scf"], stdout=f, check=True)
        case_tools.extxyz(qe_in, out)


def good(n):
    """Only prime factors 2, 3, 5."""
    for p in (2, 3, 5):
        while n % p == 0:
            n //= p
    return n == 1


def fft_grid(atoms, ecut_ry):
    """QE's rule for ecutrho = 4 ecutwfc: n_i >= int(2 sqrt(ecutrho) |a_i| / (2 pi)) + 1 (|a_i| in bohr,
    ecutrho in Ry, so sqrt(ecutrho) is the density's |G|max in 1/bohr), rounded up to a 2,3,5-smooth size."""
    gmax = np.sqrt(4.0 * ecut_ry)
    grid = []
    for v in atoms.cell.array:
        n = int(2.0 * gmax * np.linalg.norm(v) * units.ANGSTROM / (2.0 * np.pi)) + 1
        while not good(n):
            n += 1
        grid.append(n)
    return grid


def n_bands(atoms):
    ne = sum(ZION[s] for s in atoms.get_chemical_symbols())
    assert ne % 2 == 0
    return ne // 2


def abinit_input(cell, ecut_ry, pspdir):
    a = read(cell)
    ecut_ry = float(ecut_ry)
    sym = a.get_chemical_symbols()
    grid = fft_grid(a, ecut_ry)
    lines = [
        f"# ABINIT 9.6 Gamma-point reference, B2O3 with PseudoDojo NC-SR v0.4 LDA psp8 (Debian abinit-data)",
        f"# structure: cell.extxyz (Angstrom); ecut {ecut_ry:g} Ry; FFT grid = QE's rule for ecutrho = 4 ecut",
        f'pp_dirpath "{pspdir}"',
        f'pseudos "{", ".join(e + ".psp8" for e in ELEMENTS)}"',
        "ntypat 2",
        f"znucl {' '.join(str({'B': 5, 'O': 8}[e]) for e in ELEMENTS)}",
        f"natom {len(a)}",
        "typat " + " ".join(str(ELEMENTS.index(s) + 1) for s in sym),
        "acell 3*1.0 Angstr",
        "rprim",
    ]
    lines += ["  %.10f %.10f %.10f" % tuple(v) for v in a.cell.array]
    lines.append("xcart")
    lines += ["  %.10f %.10f %.10f" % tuple(p) for p in a.positions]
    lines[-1] += " Angstr"
    lines += [
        f"ecut {ecut_ry / 2:.10g}   # Ha ({ecut_ry:g} Ry)",
        "ecutsm 0.0",
        "dilatmx 1.0",
        f"ngfft {grid[0]} {grid[1]} {grid[2]}",
        "kptopt 0",
        "nkpt 1",
        "kpt 0 0 0",
        "istwfk 2",
        "occopt 1",
        f"nband {n_bands(a)}",
        "nsym 1",
        "chkprim 0",
        "chksymbreak 0",
        "optstress 1",
        "optforces 1",
        "tolvrs 1.0d-14",
        "nstep 200",
        "prtwf 0",
        "prtden 0",
        "prteig 0",
        "prtebands 0",
        "prtgsr 0",
    ]
    return "\n".join(lines) + "\n"


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def psp_info(pspdir, ext):
    out = {}
    for e in ELEMENTS:
        p = os.path.join(pspdir, f"{e}.{ext}")
        out[e] = {"path": os.path.realpath(p) if ext == "psp8" else f"{e}.upf (scripts/psp8-to-upf of the psp8 file)",
                  "md5": md5(p)}
    return out


def yaml_block(text, tag):
    """The last YAML document '--- !TAG' ... '...' of an ABINIT output, as text."""
    blocks = re.findall(r"^--- !" + tag + r"\n(.*?)\n\.\.\.$", text, re.S | re.M)
    if not blocks:
        sys.exit(f"no YAML document !{tag}")
    return blocks[-1]


def yaml_scalar(block, key):
    m = re.search(r"^\s*" + re.escape(key) + r"\s*:\s*(\S+)", block, re.M)
    return float(m.group(1)) if m else None


def yaml_matrix(block, key):
    m = re.search(r"^" + re.escape(key) + r"\s*:[ \t]*(?:#.*)?\n((?:- \[.*\n?)+)", block, re.M)
    if not m:
        sys.exit(f"no matrix {key}")
    return [[float(x) for x in row.split(",") if x.strip()] for row in re.findall(r"- \[(.*?)\]", m.group(1))]


def abinit_json(abo, log, cell, pspdir, pkgversion, wall):
    t = open(abo).read()
    lt = open(log).read()
    a = read(cell)
    if "Calculation completed" not in t:
        sys.exit(f"{abo}: ABINIT did not complete")
    res = yaml_block(t, "ResultsGS")
    en = yaml_block(t, "EnergyTerms")
    etot = yaml_scalar(res, "etotal")
    energies = {}
    for key, name in [("kinetic", "kinetic_Ha"), ("hartree", "hartree_Ha"), ("xc", "xc_Ha"),
                      ("Ewald energy", "ewald_Ha"), ("psp_core", "psp_core_Ha"), ("local_psp", "local_psp_Ha"),
                      ("non_local_psp", "nonlocal_psp_Ha"), ("total_energy", "total_energy_Ha")]:
        energies[name] = yaml_scalar(en, key)
    if abs(energies["total_energy_Ha"] - etot) > 1e-6:  # ResultsGS prints 9 digits, EnergyTerms 15
        sys.exit("EnergyTerms total_energy != ResultsGS etotal")
    etot = energies["total_energy_Ha"]
    # ABINIT: stress = (1/Omega) dE/d(strain), negative under compression; its printed
    # "Pressure= ... GPa" is -trace/3 of that tensor. megabar and QE: sigma = -(ABINIT's), P = trace(sigma)/3.
    s_abi = np.array(yaml_matrix(res, "cartesian_stress_tensor"))
    sigma = -s_abi
    p_ha = np.trace(sigma) / 3.0
    p_printed = float(re.findall(r"-?\s*Pressure=\s*(\S+)\s*GPa", t)[-1])
    if abs(p_ha * units.HA_PER_BOHR3_IN_GPA - p_printed) > 1e-3 * max(1.0, abs(p_printed)) + 2e-4:
        sys.exit(f"pressure check failed: trace(-stress)/3 = {p_ha * units.HA_PER_BOHR3_IN_GPA} GPa, "
                 f"ABINIT printed {p_printed} GPa")
    p_yaml = yaml_scalar(res, "pressure_GPa")
    forces = yaml_matrix(res, "cartesian_forces")
    if len(forces) != len(a):
        sys.exit("wrong number of forces")
    if not re.search(r"input values of ngfft.*are alright and will be used", lt):
        sys.exit(f"{log}: ABINIT did not accept the input ngfft")
    ngfft = re.search(r"^\s*ngfft\s+(\d+)\s+(\d+)\s+(\d+)", t, re.M)
    fft = [int(x) for x in ngfft.groups()]
    nstep = re.findall(r"At SCF step\s+(\d+)", t)
    ecut_ha = float(re.search(r"^\s*ecut\s+(\S+)", t, re.M).group(1).replace("D", "E").replace("d", "e"))
    ixc = int(re.search(r"^\s*ixc\s+(-?\d+)", t, re.M).group(1)) if re.search(r"^\s*ixc\s+(-?\d+)", t, re.M) \
        else None
    boxcut = re.findall(r"boxcut\(ratio\)=\s*(\S+)", lt)
    version = re.search(r"\.Version\s+(\S+)\s+of ABINIT", t)
    out = {
        "code": f"ABINIT {version.group(1) if version else '?'} ({pkgversion})",
        "total_energy_Ha": etot,
        "energy_terms_Ha": energies,
        "energy_terms_note": "ABINIT's EnergyTerms: psp_core = sum_species N_s epsatm_s * N_el / Omega (the G=0 "
                             "non-Coulomb local term); QE's one-electron = kinetic + local_psp + psp_core + "
                             "nonlocal_psp; xc includes the model core charge (nlcc)",
        "n_electrons": float(sum(ZION[s] for s in a.get_chemical_symbols())),
        "n_bands": n_bands(a),
        "ecut_Ha": ecut_ha,
        "ecut_Ry": 2 * ecut_ha,
        "ecutrho_Ry": 8 * ecut_ha,
        "fft_grid": fft,
        "boxcut_ratio": float(boxcut[-1]) if boxcut else None,
        "ixc": ixc,
        "forces_Ha_per_bohr": forces,
        "stress_sign_convention": "positive under compression (megabar/QE): stress = -(ABINIT's cartesian "
                                  "stress tensor); pressure = trace/3",
        "stress_Ha_per_bohr3": sigma.tolist(),
        "stress_GPa": (sigma * units.HA_PER_BOHR3_IN_GPA).tolist(),
        "pressure_GPa": p_ha * units.HA_PER_BOHR3_IN_GPA,
        "pressure_GPa_printed_by_abinit": p_printed,
        "pressure_GPa_yaml": p_yaml,
        "abinit_stress_Ha_per_bohr3_as_printed": s_abi.tolist(),
        "max_abs_force_Ha_per_bohr": float(np.abs(np.array(forces)).max()),
        "volume_A3": a.get_volume(),
        "natom": len(a),
        "scf_steps": int(nstep[-1]) if nstep else None,
        "wall_s": float(wall),
        "pseudopotentials": psp_info(pspdir, "psp8"),
    }
    return out


def qe_input(cell, ecut_ry):
    a = read(cell)
    grid = fft_grid(a, float(ecut_ry))
    text = inputs.pw_input(a, float(ecut_ry), "1e-10", control=inputs.pw_control("scf", forces_stress=True))
    text = text.replace(".gth", ".upf")
    # same FFT grid as ABINIT; ecutrho = 4 ecutwfc is pw.x's default (written out)
    text = text.replace("nosym=.true.", "nosym=.true., ecutrho=%g, nr1=%d, nr2=%d, nr3=%d"
                        % (4 * float(ecut_ry), *grid))
    return text


def qe_json(out, cell, upfdir, wall):
    t = open(out).read()
    if "convergence has been achieved" not in t:
        sys.exit(f"{out}: pw.x did not converge")
    s = qe.summary(t)
    a = read(cell)
    s["code"] = f"Quantum ESPRESSO pw.x {qe.version(t)}"
    s["stress_sign_convention"] = "as pw.x prints it: positive under compression; pressure = trace/3"
    s["pressure_GPa_from_trace"] = float(np.trace(np.array(s["stress_Ha_per_bohr3"])) / 3
                                         * units.HA_PER_BOHR3_IN_GPA)
    s["max_abs_force_Ha_per_bohr"] = float(np.abs(np.array(s["forces_Ha_per_bohr"])).max())
    s["exchange_correlation"] = re.search(r"Exchange-correlation=\s*(.*)", t).group(1).strip()
    s["wall_s"] = float(wall)
    s["own_timing"] = qe.own_timing(t)
    s["pseudopotentials"] = psp_info(upfdir, "upf")
    s["natom"] = len(a)
    return s


def table(*dirs):
    """A markdown table of the cases in dirs (case.json, and qe.json where present)."""
    rows = ["| case | atoms | V (A^3) | ecut (Ry) | grid | E ABINIT (Ha) | P ABINIT (GPa) | max abs F (Ha/bohr) | SCF steps | ABINIT wall (s) | E pw.x (Ha) | P pw.x (GPa) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for d in dirs:
        c = json.load(open(os.path.join(d, "case.json")))
        q = json.load(open(os.path.join(d, "qe.json"))) if os.path.exists(os.path.join(d, "qe.json")) else None
        rows.append(f"| `{os.path.basename(os.path.normpath(d))}` | {c['natom']} | {c['volume_A3']:.3f} | {c['ecut_Ry']:g} | "
                    f"{' '.join(map(str, c['fft_grid']))} | {c['total_energy_Ha']:.8f} | {c['pressure_GPa']:.3f} | "
                    f"{c['max_abs_force_Ha_per_bohr']:.5f} | {c['scf_steps']} | {c['wall_s']:.0f} | "
                    + (f"{q['total_energy_Ha']:.8f} | {q['pressure_GPa']:.3f} |" if q else "- | - |"))
    print("\n".join(rows))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "structure":
        structure(*args)
    elif cmd == "grid":
        print(*fft_grid(read(args[0]), float(args[1])))
    elif cmd == "abinit":
        print(abinit_input(*args), end="")
    elif cmd == "json":
        json.dump(abinit_json(*args), sys.stdout, indent=1)
        print()
    elif cmd == "qe":
        print(qe_input(*args), end="")
    elif cmd == "qejson":
        json.dump(qe_json(*args), sys.stdout, indent=1)
        print()
    elif cmd == "table":
        table(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
