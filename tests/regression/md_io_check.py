#!/usr/bin/python3
"""Checks a megabar trajectory with the readers users will open it with (docs/trajectory.md).

    tests/regression/md_io_check.py DIRECTORY [EXPECTED_FRAMES] [--results]

DIRECTORY holds trajectory.h5 and trajectory.extxyz, as md::TrajectoryWriter writes them.
  1. h5py: the H5MD 1.1 layout (h5md metadata, box attributes, species, step/time hard links, units).
  2. ASE reads trajectory.extxyz; its positions, cell, velocities (from masses and momenta), forces,
     energy and stress (get_stress) agree with the h5 datasets after unit conversion (to 1e-12 relative:
     both files hold the same doubles).
  3. MDAnalysis reads trajectory.h5 with its default settings (convert_units=True), using the extxyz as
     topology, and agrees with ASE (to float32 precision: MDAnalysis keeps coordinates in float32).
  4. With --results (a real run's directory): the last frame, and final.extxyz as ASE reads it, agree with
     results.json (energy, forces, stress, temperature, pressure), and in every frame ASE's kinetic
     energy, temperature (3N degrees of freedom; megabar's N_f is 3N or 3N - 3) and pressure
     -tr(get_stress(include_ideal_gas=True))/3 are the file's.
Prints one line per failed check and exits 1 if any failed; exits 0 with "md_io_check: OK ...".
Needs Debian's python3-h5py, python3-mdanalysis and python3-ase (scripts/setup installs them).
"""
import sys
import warnings

warnings.filterwarnings("ignore")  # MDAnalysis' deprecation and guessing warnings are not ours

import numpy as np  # noqa: E402

try:
    import h5py
    import MDAnalysis as mda
    import ase.io
except ImportError as e:  # the GoogleTest that runs this script skips before getting here
    sys.exit(f"md_io_check: {e} (apt-get install python3-h5py python3-mdanalysis python3-ase)")

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}")


def close(a, b, rtol, atol=0.0):
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol)


# Unit conversions between the two files (and MDAnalysis' own units: Angstrom, ps, kJ/(mol Angstrom)),
# with megabar's CODATA 2018 constants (core/units.hpp; ASE 3.22's default units are CODATA 2014).
KJ_PER_MOL_IN_EV = 27.211386245988 / 2625.4996394799  # E_h in eV / E_h N_A in kJ/mol
BOHR_IN_ANGSTROM = 0.529177210903
GPA_PER_EV_PER_A3 = 29421.015696767 / 27.211386245988 * BOHR_IN_ANGSTROM**3
# ASE's time unit sqrt(amu A^2 / eV) in fs, with megabar's constants (ase.units.fs is its inverse in
# CODATA 2014, 1e-8 away): the unit of the momenta megabar writes.
ASE_TIME_IN_FS = (1822.888486209 * 27.211386245988) ** 0.5 / BOHR_IN_ANGSTROM / 41.341373335182
KB_EV_PER_K = 3.166811563455e-6 * 27.211386245988
ANGSTROM_PER_NM = 10.0
FS_PER_PS = 1000.0


def check_h5md_layout(f, n_frames_expected):
    check(list(f["h5md"].attrs["version"]) == [1, 1], "h5md version is [1, 1]")
    check(f["h5md/creator"].attrs["name"] == b"megabar", "h5md/creator name is megabar")
    check("name" in f["h5md/author"].attrs, "h5md/author has a name")
    check(f["h5md/modules/units"].attrs["system"] == "SI", "units module declares the SI system")
    box = f["particles/all/box"]
    check(box.attrs["dimension"] == 3, "box dimension is 3")
    check([b.decode() for b in box.attrs["boundary"]] == ["periodic"] * 3, "box boundary is periodic x3")
    position = f["particles/all/position"]
    n_frames = position["value"].shape[0]
    if n_frames_expected is not None:
        check(n_frames == n_frames_expected, f"{n_frames} frames in trajectory.h5, expected {n_frames_expected}")
    elements = ["particles/all/velocity", "particles/all/force", "particles/all/box/edges"] + [
        "observables/" + name for name in f["observables"]]
    for name in elements:
        check(f[name + "/step"] == position["step"], f"{name}/step is a hard link to position/step")
        check(f[name + "/time"] == position["time"], f"{name}/time is a hard link to position/time")
        check(f[name + "/value"].shape[0] == n_frames, f"{name}/value has {n_frames} frames")
    units = {"particles/all/position/value": "nm", "particles/all/position/time": "ps",
             "particles/all/velocity/value": "nm ps-1", "particles/all/force/value": "kJ mol-1 nm-1",
             "particles/all/box/edges/value": "nm", "observables/potential_energy/value": "eV",
             "observables/temperature/value": "K", "observables/pressure/value": "GPa"}
    for name, unit in units.items():
        check(f[name].attrs.get("unit") == unit, f"{name} has unit '{unit}'")
    return n_frames


def check_ase_against_h5(f, frames):
    check(len(frames) == f["particles/all/position/value"].shape[0], "ASE reads as many frames as trajectory.h5 holds")
    numbers = f["particles/all/species"][()]
    p = f["particles/all"]
    obs = f["observables"]
    for i, atoms in enumerate(frames):
        tag = f"frame {i}"
        check(list(atoms.numbers) == list(numbers), f"{tag}: species are the atomic numbers of the extxyz symbols")
        check(atoms.info["step"] == p["position/step"][i], f"{tag}: step")
        check(close(atoms.info["time_fs"], p["position/time"][i] * FS_PER_PS, 1e-12), f"{tag}: time")
        check(close(atoms.positions, p["position/value"][i] * ANGSTROM_PER_NM, 1e-12), f"{tag}: positions")
        check(close(atoms.cell[:], p["box/edges/value"][i] * ANGSTROM_PER_NM, 1e-12, 1e-300), f"{tag}: cell")
        check(all(atoms.pbc), f"{tag}: periodic")
        vel = atoms.get_velocities() / ASE_TIME_IN_FS  # Angstrom/fs
        check(close(vel, p["velocity/value"][i] * ANGSTROM_PER_NM / FS_PER_PS, 1e-12, 1e-300), f"{tag}: velocities")
        if "stress" in obs:
            stress = atoms.get_stress(voigt=False) * GPA_PER_EV_PER_A3
            check(close(stress, obs["stress/value"][i], 1e-12, 1e-300), f"{tag}: stress (ASE's get_stress)")
        check(close(atoms.get_forces(), p["force/value"][i] * KJ_PER_MOL_IN_EV / ANGSTROM_PER_NM, 1e-12, 1e-300),
              f"{tag}: forces")
        check(close(atoms.get_potential_energy(), obs["potential_energy/value"][i], 1e-12), f"{tag}: energy")
        for key, name in [("kinetic_energy_eV", "kinetic_energy"), ("total_energy_eV", "total_energy"),
                          ("conserved_energy_eV", "conserved_energy"), ("temperature_K", "temperature"),
                          ("pressure_GPa", "pressure"), ("scf_iterations", "scf_iterations")]:
            check(close(atoms.info[key], obs[name + "/value"][i], 1e-12, 1e-300), f"{tag}: {key}")


def check_against_results(directory, frames, f):
    """The run's results.json against the last frame and final.extxyz; every frame's pressure against ASE's."""
    import json
    r = json.load(open(f"{directory}/results.json"))
    n3 = 3 * len(frames[0])
    for atoms in frames:
        tag = f"frame {atoms.info['step']}"
        check(close(atoms.get_kinetic_energy(), atoms.info["kinetic_energy_eV"], 1e-12),
              f"{tag}: ASE's kinetic energy (from masses and momenta) is the file's")
        # ASE counts 3N degrees of freedom, megabar 3N - 3 when the centre of mass is fixed (the default)
        t_ase = atoms.get_kinetic_energy() * 2 / (n3 * KB_EV_PER_K)
        check(any(close(t_ase * n3 / dof, atoms.info["temperature_K"], 1e-12) for dof in (n3, n3 - 3)),
              f"{tag}: ASE's temperature (x 3N/N_f) is the file's temperature_K")
        # P = -tr(stress + kinetic part)/3: ASE's pressure from the stress= and momenta megabar wrote
        p = -np.trace(atoms.get_stress(voigt=False, include_ideal_gas=True)) / 3 * GPA_PER_EV_PER_A3
        check(close(p, atoms.info["pressure_GPa"], 1e-9, 1e-9), f"{tag}: ASE's pressure {p} GPa, the file's "
              f"{atoms.info['pressure_GPa']} GPa")
    final = ase.io.read(f"{directory}/final.extxyz", format="extxyz")
    for tag, atoms in (("last frame", frames[-1]), ("final.extxyz", final)):
        check(close(atoms.get_potential_energy(), r["total_energy_Ha"] * 27.211386245988, 1e-12),
              f"{tag}: energy is results.json's total_energy_Ha")
        forces = np.array(r["forces_Ha_per_bohr"]) * 27.211386245988 / BOHR_IN_ANGSTROM
        check(close(atoms.get_forces(), forces, 1e-12, 1e-12), f"{tag}: forces are results.json's")
        check(r.get("stress_convention", "").startswith("QE"), "results.json states QE's stress sign")
        stress = -np.array(r["stress_GPa"]) / GPA_PER_EV_PER_A3  # results.json has QE's sign, ASE the other
        check(close(atoms.get_stress(voigt=False), stress, 1e-12, 1e-14), f"{tag}: stress is results.json's")
        t_ase = 2 * atoms.get_kinetic_energy() / (n3 * KB_EV_PER_K)
        check(any(close(t_ase * n3 / dof, r["md"]["final_temperature_K"], 1e-12) for dof in (n3, n3 - 3)),
              f"{tag}: temperature is results.json's")
        p = -np.trace(atoms.get_stress(voigt=False, include_ideal_gas=True)) / 3 * GPA_PER_EV_PER_A3
        check(close(p, r["md"]["final_pressure_GPa"], 1e-9, 1e-9), f"{tag}: pressure is results.json's")
        check(close(atoms.get_volume(), r["md"]["final_volume_A3"], 1e-12), f"{tag}: volume is results.json's")
    check(final.info["step"] == frames[-1].info["step"], "final.extxyz is the last frame")


def check_mdanalysis_against_ase(directory, frames):
    u = mda.Universe(f"{directory}/trajectory.extxyz", f"{directory}/trajectory.h5",
                     topology_format="XYZ", format="H5MD")
    check(len(u.atoms) == len(frames[0]), "MDAnalysis sees the number of atoms")
    check(u.trajectory.n_frames == len(frames), "MDAnalysis sees the number of frames")
    check(list(u.atoms.names) == frames[0].get_chemical_symbols(), "MDAnalysis topology names from the extxyz")
    for ts, atoms in zip(u.trajectory, frames):
        tag = f"MDAnalysis frame {ts.frame}"
        scale = max(1.0, np.abs(atoms.positions).max())
        check(close(ts.positions, atoms.positions, 1e-6, 1e-6 * scale), f"{tag}: positions in Angstrom")
        check(close(ts.dimensions, atoms.cell.cellpar(), 1e-5), f"{tag}: box lengths (Angstrom) and angles")
        vel = atoms.get_velocities() / ASE_TIME_IN_FS * FS_PER_PS  # Angstrom/ps
        check(close(ts.velocities, vel, 1e-6, 1e-6 * max(1e-30, np.abs(vel).max())), f"{tag}: velocities")
        forces = atoms.get_forces() / KJ_PER_MOL_IN_EV  # kJ/(mol Angstrom)
        check(close(ts.forces, forces, 1e-6, 1e-6 * max(1e-30, np.abs(forces).max())), f"{tag}: forces")
        check(close(ts.time, atoms.info["time_fs"] / FS_PER_PS, 1e-12), f"{tag}: time in ps")
        check(ts.data["step"] == atoms.info["step"], f"{tag}: step")
        check(close(ts.data["temperature"], atoms.info["temperature_K"], 1e-12), f"{tag}: temperature observable")
        check(close(ts.data["potential_energy"], atoms.get_potential_energy(), 1e-12), f"{tag}: energy observable")


def main():
    args = [a for a in sys.argv[1:] if a != "--results"]
    if len(args) not in (1, 2):
        sys.exit(__doc__)
    directory = args[0]
    expected = int(args[1]) if len(args) == 2 else None
    with h5py.File(f"{directory}/trajectory.h5", "r") as f:
        n_frames = check_h5md_layout(f, expected)
        frames = ase.io.read(f"{directory}/trajectory.extxyz", index=":", format="extxyz")
        check_ase_against_h5(f, frames)
        if "--results" in sys.argv[1:] and frames:
            check_against_results(directory, frames, f)
    if frames:
        check_mdanalysis_against_ase(directory, frames)
    if failures:
        print(f"md_io_check: {len(failures)} check(s) failed")
        return 1
    print(f"md_io_check: OK ({n_frames} frames, {len(frames[0]) if frames else 0} atoms; h5py, ASE, MDAnalysis agree)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
