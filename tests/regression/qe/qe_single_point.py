#!/usr/bin/python3
"""Quantum ESPRESSO single point (energy, forces, stress) on a structure megabar wrote, for comparison.

usage: /usr/bin/python3 qe_single_point.py STRUCTURE.extxyz ECUT_RY WORKDIR [XC: PBE|LDA]
Writes WORKDIR/qe.in (GTH files converted with cp2k_to_qe_gth.py from inputs/pseudopotentials), runs
`mpirun -np 2 pw.x` there and prints the QE JSON summary (qe2json.py) to stdout.
Used to check relaxations: megabar's final pressure must agree with QE's single point on final.extxyz.
"""
import os
import subprocess
import sys

from ase.io import read

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
structure, ecut, work = sys.argv[1], float(sys.argv[2]), sys.argv[3]
kind = sys.argv[4] if len(sys.argv) > 4 else "PBE"
os.makedirs(work, exist_ok=True)
a = read(structure)
for el in ("B", "O"):
    gth = subprocess.run([sys.executable, os.path.join(here, "cp2k_to_qe_gth.py"),
                          os.path.join(root, "inputs/pseudopotentials", f"{el}-GTH-{'PBE' if kind == 'PBE' else 'PADE'}.gth")],
                         check=True, capture_output=True, text=True).stdout
    open(os.path.join(work, f"{el}.gth"), "w").write(gth)
lines = ["&control", " calculation='scf', pseudo_dir='.', outdir='./tmp', tprnfor=.true., tstress=.true., disk_io='none'", "/",
         "&system", f" ibrav=0, nat={len(a)}, ntyp=2, ecutwfc={ecut}, nosym=.true.", "/",
         "&electrons", " conv_thr=1e-10, mixing_beta=0.5", "/",
         "ATOMIC_SPECIES", "B 10.811 B.gth", "O 15.999 O.gth", "CELL_PARAMETERS angstrom"]
lines += [" %.10f %.10f %.10f" % tuple(v) for v in a.cell]
lines += ["ATOMIC_POSITIONS angstrom"]
lines += [" %s %.10f %.10f %.10f" % (s, *p) for s, p in zip(a.get_chemical_symbols(), a.positions)]
lines += ["K_POINTS gamma"]
open(os.path.join(work, "qe.in"), "w").write("\n".join(lines) + "\n")
env = dict(os.environ, OMP_NUM_THREADS="1")
with open(os.path.join(work, "qe.out"), "w") as out:
    subprocess.run(["mpirun", "--allow-run-as-root", "-np", "2", "pw.x", "-in", "qe.in"], cwd=work, stdout=out,
                   stderr=subprocess.STDOUT, check=True, env=env)
print(subprocess.run([sys.executable, os.path.join(here, "qe2json.py"), os.path.join(work, "qe.out")],
                     check=True, capture_output=True, text=True).stdout)
