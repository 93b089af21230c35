#!/usr/bin/python3
"""megabar as an i-PI client driven by ASE (registered with CTest as "drive"):

    tests/cli/test_drive.py PATH/TO/megabar

On the 15-atom B2O3-I cell at 25 Ry (fast; the physics is not the point):
  1. `megabar run` gives the reference energy, forces and stress of the cell;
  2. ASE's SocketIOCalculator (a UNIX socket) drives `megabar drive`: the first structure's energy, forces and
     stress (ASE's units and sign) are the reference's; 4 velocity-Verlet steps at 1 fs follow, the
     cell is then strained by 1 % (the virial path), and ASE closes the connection: megabar exits 0;
  3. the last structure, written and run by `megabar run`, gives the energy and forces ASE received;
  4. the same over TCP with --extrapolation 2 for 3 steps, and `megabar drive` errors: no address, both
     addresses, a server that never listens (exit 1 after --connect-timeout, naming the address), a
     server that sends another number of atoms (exit 1, naming both counts).
Needs Debian's python3-ase and python3-numpy (scripts/setup installs them).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

import numpy as np
import ase.io
from ase.calculators.socketio import SocketIOCalculator
from ase.md.verlet import VelocityVerlet
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
import ase.units

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The protocol carries Hartree atomic units, which ASE converts with its own constants (CODATA 2014): the
# reference goes through the same ones, so that the comparison is exact. (megabar's CODATA 2018 E_h in eV
# differs by 8e-9: 3e-5 eV on these 4100 eV.)
HA_EV = ase.units.Ha
BOHR_A = ase.units.Bohr
GPA_PER_EV_A3 = 1 / ase.units.GPa
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def write_input(d, structure="cell.extxyz"):
    shutil.copy(os.path.join(ROOT, "inputs/b2o3-I/cell.extxyz"), os.path.join(d, "cell.extxyz"))
    with open(os.path.join(d, "scf.toml"), "w") as f:
        f.write(f'''task = "scf"
[structure]
file = "{structure}"
[dft]
ecut = "25 Ry"
[dft.pseudopotentials]
B = "{ROOT}/inputs/pseudopotentials/B-GTH-PBE.gth"
O = "{ROOT}/inputs/pseudopotentials/O-GTH-PBE.gth"
[scf]
# Tight, so that the forces of two SCFs that reach the same structure by different paths (megabar run from
# scratch; drive from the previous structure's bands and mixing pairs) agree to 1e-4 eV/A: at 1e-10 Ha
# they differed by up to 2.4e-4 eV/A (5e-6 Ha/bohr), the forces' first-order error in the residual.
energy_tolerance = "1e-12 Ha"
[output]
directory = "out"
[parallel]
threads = 1
''')


def reference(megabar, d):
    """results.json's energy (eV), forces (eV/A) and stress (eV/A^3, ASE's sign), in ASE's units."""
    subprocess.run([megabar, "run", "scf.toml"], cwd=d, check=True, stdout=subprocess.DEVNULL)
    r = json.load(open(os.path.join(d, "out/results.json")))
    ha_per_bohr3_in_gpa = 29421.015696767  # megabar's GPa (core/units.hpp), back to Ha/bohr^3, then ASE's
    return (r["total_energy_Ha"] * HA_EV, np.array(r["forces_Ha_per_bohr"]) * HA_EV / BOHR_A,
            -np.array(r["stress_GPa"]) / ha_per_bohr3_in_gpa * HA_EV / BOHR_A**3)


def start_drive(megabar, d, *args):
    log = open(os.path.join(d, "drive.out"), "w")
    return subprocess.Popen([megabar, "drive", "scf.toml", *args], cwd=d, stdout=log, stderr=subprocess.STDOUT)


def drive_unix(megabar, work):
    d = os.path.join(work, "unix")
    os.makedirs(d)
    write_input(d)
    e_ref, f_ref, s_ref = reference(megabar, d)
    atoms = ase.io.read(os.path.join(d, "cell.extxyz"))
    name = f"megabar-test-{os.getpid()}"
    with SocketIOCalculator(unixsocket=name, timeout=300) as calc:
        proc = start_drive(megabar, d, "--unix", name)
        atoms.calc = calc
        e = atoms.get_potential_energy()
        # ASE sends positions and cell in its bohr (CODATA 2014, 4e-10 from megabar's): at the -200 GPa of this
        # 25 Ry cell that volume change is P dV ~ 1e-8 Ha.
        check(abs(e - e_ref) < 1e-6, f"UNIX socket: energy {e:.9f} eV, megabar run {e_ref:.9f} eV")
        check(np.abs(atoms.get_forces() - f_ref).max() < 1e-5, "UNIX socket: forces are megabar run's (eV/A)")
        stress = atoms.get_stress(voigt=False)
        check(np.abs(stress - s_ref).max() * GPA_PER_EV_A3 < 1e-3,
              f"UNIX socket: stress is megabar run's (max diff {np.abs(stress - s_ref).max() * GPA_PER_EV_A3:.2e} GPa)")
        MaxwellBoltzmannDistribution(atoms, temperature_K=600, rng=np.random.default_rng(5))
        dyn = VelocityVerlet(atoms, timestep=1.0 * ase.units.fs)
        energies = []
        dyn.attach(lambda: energies.append(atoms.get_total_energy()), interval=1)
        dyn.run(4)
        drift = max(energies) - min(energies)
        # megabar's own NVE at 1 fs: ~1e-3 eV/atom at 1500 K (tests/cli/test_md_restart.sh allows 2.7e-3)
        check(drift < 1e-3 * len(atoms),
              f"UNIX socket: 4 ASE velocity-Verlet steps conserve the energy ({drift / len(atoms):.2e} eV/atom)")
        # A strained cell: the stress ASE computes from the virial megabar sends, by finite differences.
        atoms.set_momenta(np.zeros_like(atoms.positions))
        base = atoms.copy()
        eps = 1e-4
        strained = []
        for sign in (1, -1):
            a = base.copy()
            a.set_cell(base.cell[:] @ (np.eye(3) + sign * eps * np.diag([1, 0, 0])), scale_atoms=True)
            a.calc = calc
            strained.append(a.get_potential_energy())
        atoms.calc = calc
        s_xx = atoms.get_stress(voigt=False)[0, 0]
        fd = (strained[0] - strained[1]) / (2 * eps) / atoms.get_volume()
        check(abs(s_xx - fd) * GPA_PER_EV_A3 < 0.05,
              f"UNIX socket: stress xx {s_xx * GPA_PER_EV_A3:.4f} GPa, finite difference of the energy "
              f"{fd * GPA_PER_EV_A3:.4f} GPa")
        last = atoms.copy()
        e_last, f_last = atoms.get_potential_energy(), atoms.get_forces()
    rc = proc.wait(timeout=120)
    check(rc == 0, f"UNIX socket: megabar drive exits 0 when ASE closes the connection (got {rc})")
    out = open(os.path.join(d, "drive.out")).read()
    check("closed the connection after" in out, "UNIX socket: megabar says the server closed the connection")
    check(os.path.exists(os.path.join(d, "out/drive.log")), "UNIX socket: out/drive.log written")
    # The last structure through `megabar run`.
    ase.io.write(os.path.join(d, "last.extxyz"), last, format="extxyz")
    os.makedirs(os.path.join(d, "last"))
    write_input(os.path.join(d, "last"), structure="../last.extxyz")
    e_run, f_run, _ = reference(megabar, os.path.join(d, "last"))
    check(abs(e_last - e_run) < 1e-6, f"the last driven structure: energy {e_last:.9f} eV, megabar run {e_run:.9f} eV")
    check(np.abs(f_last - f_run).max() < 1e-4, f"the last driven structure: forces are megabar run's (max diff {np.abs(f_last - f_run).max():.2e} eV/A)")


def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def drive_tcp(megabar, work):
    d = os.path.join(work, "tcp")
    os.makedirs(d)
    write_input(d)
    atoms = ase.io.read(os.path.join(d, "cell.extxyz"))
    port = free_port()
    with SocketIOCalculator(port=port, timeout=300) as calc:
        proc = start_drive(megabar, d, "--port", str(port), "--extrapolation", "2")
        atoms.calc = calc
        MaxwellBoltzmannDistribution(atoms, temperature_K=600, rng=np.random.default_rng(7))
        VelocityVerlet(atoms, timestep=1.0 * ase.units.fs).run(3)
        check(np.isfinite(atoms.get_potential_energy()), "TCP with --extrapolation 2: 3 velocity-Verlet steps")
    check(proc.wait(timeout=120) == 0, "TCP: megabar drive exits 0")


def drive_errors(megabar, work):
    d = os.path.join(work, "errors")
    os.makedirs(d)
    write_input(d)

    def run(*args, timeout=120):
        return subprocess.run([megabar, "drive", "scf.toml", *args], cwd=d, capture_output=True, text=True,
                              timeout=timeout)

    r = run()
    check(r.returncode == 1 and "--unix NAME or --port" in r.stderr, "no address: exit 1, says what to give")
    r = run("--unix", "x", "--port", "3000")
    check(r.returncode == 1, "both --unix and --port: exit 1")
    r = run("--unix", f"never-{os.getpid()}", "--connect-timeout", "1")
    check(r.returncode == 1 and f"/tmp/ipi_never-{os.getpid()}" in r.stderr,
          f"no server: exit 1 naming the socket ({r.stderr.strip()[-120:]})")
    # A server of another system (3 atoms).
    name = f"megabar-wrong-{os.getpid()}"
    from ase import Atoms
    small = Atoms("BO2", positions=[[0, 0, 0], [1.3, 0, 0], [0, 1.3, 0]], cell=[5, 5, 5], pbc=True)
    with SocketIOCalculator(unixsocket=name, timeout=120) as calc:
        proc = subprocess.Popen([megabar, "drive", "scf.toml", "--unix", name], cwd=d, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        small.calc = calc
        try:
            small.get_potential_energy()
            check(False, "a server with 3 atoms: megabar answered")
        except Exception:
            pass
    out, err = proc.communicate(timeout=120)
    check(proc.returncode == 1 and "3 atoms" in err and "15" in err,
          f"a server with 3 atoms: exit 1 naming both counts ({err.strip()[-160:]})")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    megabar = os.path.abspath(sys.argv[1])
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MEGABAR_FFTW_ESTIMATE"] = "1"
    work = tempfile.mkdtemp(prefix="megabar-drive-")
    try:
        drive_unix(megabar, work)
        drive_tcp(megabar, work)
        drive_errors(megabar, work)
    finally:
        if not failures:
            shutil.rmtree(work, ignore_errors=True)
    print(f"drive: {len(failures)} failed" + (f" (files in {work})" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
