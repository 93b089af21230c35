"""Input writers (round trips through tomllib and ASE's pw.x reader) and pw.x output parsing."""
import glob
import json
import os
import tomllib

import numpy as np
import pytest
from ase import Atoms

from megabar_py import inputs, qe, runs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_megabar_toml_round_trip():
    tables = [(None, {"task": "md"}),
              ("structure", {"file": 'odd "name"\\x.extxyz'}),
              ("dft", {"ecut": "80 Ry", "fft_grid": [45, 45, 80], "extra_bands": 4}),
              ("dft.pseudopotentials", {"B": {"file": "B.gth", "name": "GTH-PBE-q3"}, "O": "O.gth"}),
              ("md", {"steps": 10, "seed": 7, "dt_scale": 0.25}),
              ("output", {"directory": "out", "forces": False, "stress": True})]
    text = inputs.megabar_toml(tables, header=["a comment"])
    assert text.startswith("# a comment\ntask = \"md\"\n\n[structure]\n")
    doc = tomllib.loads(text)
    assert doc["task"] == "md"
    assert doc["structure"]["file"] == 'odd "name"\\x.extxyz'
    assert doc["dft"]["fft_grid"] == [45, 45, 80] and doc["dft"]["extra_bands"] == 4
    assert doc["dft"]["pseudopotentials"] == {"B": {"file": "B.gth", "name": "GTH-PBE-q3"}, "O": "O.gth"}
    assert doc["md"] == {"steps": 10, "seed": 7, "dt_scale": 0.25}
    assert doc["output"] == {"directory": "out", "forces": False, "stress": True}


@pytest.mark.parametrize("case", sorted(glob.glob(os.path.join(ROOT, "tests", "regression", "qe", "b2o3-*", "case.json"))))
def test_committed_megabar_inputs_parse(case):
    doc = tomllib.load(open(os.path.join(os.path.dirname(case), "megabar.toml"), "rb"))
    assert doc["dft"]["fft_grid"] == json.load(open(case))["fft_grid"]


def cell():
    return Atoms("B2O3", scaled_positions=[[0.1, 0.2, 0.3], [0.6, 0.5, 0.4], [0.0, 0.0, 0.5], [0.3, 0.7, 0.9],
                                           [0.85, 0.15, 0.05]],
                 cell=[[4.35, 0, 0], [-2.175, 3.767, 0], [0, 0, 8.34]], pbc=True)


def test_pw_input_round_trip_through_ase(tmp_path, monkeypatch):
    from ase.io import read
    atoms = cell()
    text = inputs.pw_input(atoms, 80.0, 2e-8, control=inputs.pw_control("scf", forces_stress=True))
    assert "ecutwfc=80.0" in text and "conv_thr=2.000e-08" in text and "tprnfor=.true., tstress=.true." in text
    assert "B 10.811 B.gth\nO 15.999 O.gth" in text
    path = tmp_path / "qe.in"
    path.write_text(text)
    monkeypatch.chdir(tmp_path)  # ASE looks for pseudopotentials in pseudo_dir='.': none there
    back = read(str(path), format="espresso-in")
    assert back.get_chemical_symbols() == atoms.get_chemical_symbols()
    assert np.abs(back.cell.array - atoms.cell.array).max() < 1e-9
    assert np.abs(back.positions - atoms.positions).max() < 1e-9


def test_pw_input_md_cards():
    atoms = cell()
    v = np.arange(15.0).reshape(5, 3)
    ions = " pot_extrapolation='second_order'"
    text = inputs.pw_input(atoms, 35.0, "1e-10", control=inputs.pw_control("md", after=",\n nstep=3"), ions=ions,
                           digits=12, velocities_au=v)
    lines = text.splitlines()
    assert lines[1] == " calculation='md', pseudo_dir='.', outdir='./tmp', disk_io='none',"
    assert lines[2] == " nstep=3"
    assert "&ions" in lines and ions in lines and " conv_thr=1e-10, mixing_beta=0.5" in lines
    i = lines.index("ATOMIC_VELOCITIES")
    assert lines[i + 1] == " B %.15e %.15e %.15e" % (0.0, 1.0, 2.0)
    assert len(lines) == i + 6 and lines[i - 1] == "K_POINTS gamma"
    assert lines[lines.index("ATOMIC_POSITIONS angstrom") + 1].split()[1] == "%.12f" % atoms.positions[0, 0]


def test_qe_summary_of_a_committed_reference():
    case = os.path.join(ROOT, "tests", "regression", "qe", "b2o3-I_rattled_35Ry_PBE")
    text = open(os.path.join(case, "case.out")).read()
    assert qe.summary(text) == json.load(open(os.path.join(case, "case.json")))
    assert qe.fft_grid(text) == json.load(open(os.path.join(case, "case.json")))["fft_grid"]
    assert qe.total_energies_ha(text)[-1] == json.load(open(os.path.join(case, "case.json")))["total_energy_Ha"]
    assert qe.scf_iterations(text) and all(n > 0 for n in qe.scf_iterations(text))
    assert qe.version(text).startswith("v.6")
    assert "WALL" in qe.own_timing(text) and qe.own_timing("") == "?"


def test_qe_md_energies():
    text = ("!    total energy              =     -80.00000000 Ry\n"
            "     kinetic energy (Ekin) =           0.02000000 Ry\n"
            "     Ekin + Etot (const)   =     -79.98000000 Ry\n")
    assert qe.md_energies_ha(text) == ([-40.0], [0.01], [-39.99])


def test_qe_gth_conversion_layout():
    text = qe.qe_gth(os.path.join(qe.PSEUDO_DIR, "B-GTH-PBE.gth"))
    lines = text.splitlines()
    assert lines[1].split()[:2] == ["5", "3"]            # zatom, zion of boron
    assert lines[2].split()[:2] == ["10", "11"]          # pspcod 10, PBE


def test_parse_repeat():
    assert qe.parse_repeat("1,1,2") == [1, 1, 2]
    for bad in ("1,1", "1,0,1", "a,b,c", "1,1,1,1"):
        assert qe.parse_repeat(bad) is None


def test_md_log_rows():
    text = ("# megabar md log (nve)\n"
            "    step    time_fs           E_pot_Ha       E_kin_Ha     E_conserved_Ha drift_Ha/at       T_K     P_GPa"
            "      V_A^3  scf  s/step      ETA\n"
            "       0      0.000    -155.0000000000     0.01000000    -154.9900000000   0.000e+00    300.00     1.250"
            "   135.0000   11    1.00        -\n"
            "       1      0.500    -155.0100000000     0.02000000    -154.9900000000   1.000e-09    600.00     1.300"
            "   135.0000    5    0.25     0:01\n")
    rows = runs.parse_md_log(text)
    assert [r["step"] for r in rows] == [0, 1]
    assert rows[1] == dict(step=1, time_fs=0.5, E_pot=-155.01, E_kin=0.02, E_cons=-154.99, T=600.0, scf=5, s_step=0.25)
    assert runs.md_row("# comment") is None
    assert runs.fmt(None, ".2f") == "-" and runs.fmt(1.234, ".2f") == "1.23"
