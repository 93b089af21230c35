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
sys.path.insert(0, os.path.join(root, "scripts"))
from megabar_py import inputs, qe  # noqa: E402

structure, ecut, work = sys.argv[1], float(sys.argv[2]), sys.argv[3]
kind = sys.argv[4] if len(sys.argv) > 4 else "PBE"
os.makedirs(work, exist_ok=True)
a = read(structure)
qe.write_gth_files(work, "PBE" if kind == "PBE" else "PADE")
with open(os.path.join(work, "qe.in"), "w") as f:
    f.write(inputs.pw_input(a, ecut, "1e-10", control=inputs.pw_control("scf", forces_stress=True)))
with open(os.path.join(work, "qe.out"), "w") as out:
    subprocess.run(qe.pw_command(2, "qe.in"), cwd=work, stdout=out, stderr=subprocess.STDOUT, check=True,
                   env=qe.pw_env())
print(subprocess.run([sys.executable, os.path.join(here, "qe2json.py"), os.path.join(work, "qe.out")],
                     check=True, capture_output=True, text=True).stdout)
