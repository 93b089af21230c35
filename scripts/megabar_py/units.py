"""Units and constants: the values of core/units.hpp (CODATA 2018), which tests/test_units.py reads and compares.

Inside megabar everything is in Hartree atomic units; the scripts meet units only where they read or write
text: "80 Ry" in a TOML input, Ry in pw.x output, GPa in md.log. The tables below give the factor to one
unit per dimension (Ry for cutoffs, GPa for pressures, K for temperatures).
"""
import re

# core/units.hpp, by the same names.
BOHR_IN_ANGSTROM = 0.529177210903
ANGSTROM = 1.0 / BOHR_IN_ANGSTROM           # bohr per angstrom
HARTREE_IN_EV = 27.211386245988
RYDBERG = 0.5                               # Ha per Ry
EV = 1.0 / HARTREE_IN_EV                    # Ha per eV
HA_PER_BOHR3_IN_GPA = 29421.015696767
HARTREE_IN_KJ_PER_MOL = 2625.4996394799
PI = 3.14159265358979323846
FEMTOSECOND = 41.341373335182               # hbar / E_h per fs
BOLTZMANN = 3.166811563455e-6               # Ha per K
AMU = 1822.888486209                        # electron masses per atomic mass unit

# Derived, for the scripts.
HA_PER_RY = RYDBERG
RYDBERG_IN_EV = 13.605693122994             # HARTREE_IN_EV / 2, exactly (tested)
HARTREE_TIME_FS = 0.024188843265857         # hbar / E_h in fs (1 / FEMTOSECOND to 13 digits, tested)
RYDBERG_TIME_FS = 2.0 * HARTREE_TIME_FS     # pw.x's time unit (dt, velocities): 4.8378e-17 s
AVOGADRO = 6.02214076e23                    # 1/mol (SI 2019, exact)

# Factors to one unit per dimension; the unit names are those core/units.cpp accepts.
ENERGY_IN_RY = {"Ry": 1.0, "Ha": 2.0, "eV": 1.0 / RYDBERG_IN_EV}
PRESSURE_IN_GPA = {"GPa": 1.0, "Mbar": 100.0, "kbar": 0.1, "Ha/bohr^3": HA_PER_BOHR3_IN_GPA}
TEMPERATURE_IN_K = {"K": 1.0}

_QUANTITY = re.compile(r"^\s*([-+0-9.eE]+)\s*(\S+)\s*$")


def parse_quantity(text, table):
    """'0.5 Mbar' with table PRESSURE_IN_GPA -> 50.0; None when the text is not 'NUMBER UNIT' with a unit of
    the table."""
    m = _QUANTITY.match(str(text))
    if not m or m.group(2) not in table:
        return None
    return float(m.group(1)) * table[m.group(2)]


def cutoff_ry(text):
    """'100 Ry' / '50 Ha' / '1360 eV' -> Ry; ValueError for another unit or no unit."""
    parts = str(text).split()
    if len(parts) != 2 or parts[1] not in ENERGY_IN_RY:
        raise ValueError("cannot read the cutoff '%s' (use Ry, Ha or eV)" % text)
    return float(parts[0]) * ENERGY_IN_RY[parts[1]]
