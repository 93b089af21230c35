"""megabar_py.units against core/units.hpp and core/units.cpp: the same constants, the same unit tables."""
import math
import os
import re

import pytest

from megabar_py import units

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def core_constants():
    """name -> value of every `constexpr double name = EXPR;` of core/units.hpp (EXPR: numbers, earlier names,
    + - * /)."""
    text = open(os.path.join(ROOT, "core", "units.hpp")).read()
    values = {}
    for name, expr in re.findall(r"constexpr\s+double\s+(\w+)\s*=\s*([^;]+);", text):
        assert re.fullmatch(r"[\w.\s+\-*/()]+", expr), expr
        values[name] = float(eval(expr, {"__builtins__": {}}, dict(values)))
    return values


def core_table(dimension):
    """unit -> factor to atomic units of one table of core/units.cpp."""
    text = open(os.path.join(ROOT, "core", "units.cpp")).read()
    m = re.search(r"std::map<std::string, double> %s\{(.*?)\};" % dimension, text, re.S)
    consts = core_constants()
    return {u: float(eval(e, {"__builtins__": {}}, consts)) for u, e in re.findall(r'\{"([^"]*)",\s*([^}]+)\}', m.group(1))}


CORE = core_constants()


@pytest.mark.parametrize("name", ["bohr_in_angstrom", "angstrom", "hartree_in_ev", "rydberg", "ev", "ha_per_bohr3_in_gpa",
                                  "hartree_in_kj_per_mol", "pi", "femtosecond", "boltzmann", "amu"])
def test_same_constant_as_core(name):
    assert getattr(units, name.upper()) == CORE[name]


def test_every_core_constant_is_mirrored():
    assert set(CORE) == {"bohr_in_angstrom", "angstrom", "hartree_in_ev", "rydberg", "ev", "ha_per_bohr3_in_gpa",
                         "hartree_in_kj_per_mol", "pi", "femtosecond", "boltzmann", "amu"}


def test_derived_constants():
    assert units.RYDBERG_IN_EV == CORE["hartree_in_ev"] / 2
    assert units.HARTREE_TIME_FS == pytest.approx(1.0 / CORE["femtosecond"], rel=1e-13)
    assert units.RYDBERG_TIME_FS == pytest.approx(2.0 / CORE["femtosecond"], rel=1e-13)
    assert units.HA_PER_RY == CORE["rydberg"]
    assert units.PI == math.pi


def test_pressure_table_matches_core():
    core = core_table("pressure")
    assert set(units.PRESSURE_IN_GPA) == set(core)
    for unit, gpa in units.PRESSURE_IN_GPA.items():
        assert gpa == pytest.approx(core[unit] / core["GPa"], rel=1e-14), unit


def test_energy_table_matches_core():
    core = core_table("energy")
    assert set(units.ENERGY_IN_RY) == set(core)
    for unit, ry in units.ENERGY_IN_RY.items():
        assert ry == pytest.approx(core[unit] / core["Ry"], rel=1e-14), unit


def test_temperature_table_matches_core():
    assert units.TEMPERATURE_IN_K == core_table("temperature")


def test_parse_quantity():
    assert units.parse_quantity("0.5 Mbar", units.PRESSURE_IN_GPA) == 50.0
    assert units.parse_quantity(" 100 kbar ", units.PRESSURE_IN_GPA) == pytest.approx(10.0)
    assert units.parse_quantity("1 Ha/bohr^3", units.PRESSURE_IN_GPA) == 29421.015696767
    assert units.parse_quantity("300 K", units.TEMPERATURE_IN_K) == 300.0
    assert units.parse_quantity("1 atm", units.PRESSURE_IN_GPA) is None
    assert units.parse_quantity("GPa", units.PRESSURE_IN_GPA) is None


def test_cutoff_ry():
    assert units.cutoff_ry("100 Ry") == 100.0
    assert units.cutoff_ry("50 Ha") == 100.0
    assert units.cutoff_ry("1360 eV") == pytest.approx(1360 / 13.605693122994)
    for bad in ("100", "100 K", "100 Ry extra"):
        with pytest.raises(ValueError):
            units.cutoff_ry(bad)
