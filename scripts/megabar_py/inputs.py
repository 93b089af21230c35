"""Input text for megabar (TOML) and for Quantum ESPRESSO's pw.x.

megabar_toml writes a run input from an ordered list of tables; pw_input writes the pw.x input the scripts
and tests/regression/qe use for B2O3 (Gamma point, nosym, mixing_beta 0.5, GTH files X.gth in the working
folder, cell and positions in angstrom). Both are plain text builders: the caller chooses every value.
"""

# Masses of ATOMIC_SPECIES in every pw.x input of the scripts (amu), = [md.masses] of bench-md-vs-qe.
QE_MASSES = {"B": 10.811, "O": 15.999}


def toml_string(s):
    """A TOML basic string: quotes and backslashes escaped."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_value(v):
    """str -> "quoted", bool -> true/false, list -> [a, b], dict -> { k = v, ... }, numbers as Python writes them."""
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    return str(v)


def megabar_toml(tables, header=()):
    """A megabar input: header comment lines (without '# '), then tables, a list of (name, {key: value}) in
    order; name None (first) holds the top-level keys. Tables are separated by one blank line; a table whose
    dict is empty is written as its header alone."""
    blocks = []
    for i, (name, items) in enumerate(tables):
        lines = ["# " + h for h in header] if i == 0 else []
        if name is not None:
            lines.append(f"[{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in items.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def pw_control(calculation="scf", forces_stress=False, before_disk_io="", after=""):
    """The body of pw.x's &control namelist: pseudopotentials in '.', scratch in ./tmp, no disk I/O."""
    fs = ", tprnfor=.true., tstress=.true." if forces_stress else ""
    return f" calculation='{calculation}', pseudo_dir='.', outdir='./tmp'{fs}{before_disk_io}, disk_io='none'{after}"


def pw_cards(atoms, masses=QE_MASSES, digits=10, velocities_au=None):
    """ATOMIC_SPECIES, CELL_PARAMETERS and ATOMIC_POSITIONS (angstrom), K_POINTS gamma, and ATOMIC_VELOCITIES
    (bohr per Rydberg time unit) when velocities_au is given. atoms: an ase.Atoms."""
    f = f"%.{digits}f"
    lines = ["ATOMIC_SPECIES"] + [f"{el} {m} {el}.gth" for el, m in masses.items()]
    lines.append("CELL_PARAMETERS angstrom")
    lines += [" " + " ".join([f] * 3) % tuple(v) for v in atoms.cell]
    lines.append("ATOMIC_POSITIONS angstrom")
    lines += [(" %s " + " ".join([f] * 3)) % (s, *p) for s, p in zip(atoms.get_chemical_symbols(), atoms.positions)]
    lines.append("K_POINTS gamma")
    if velocities_au is not None:
        lines.append("ATOMIC_VELOCITIES")  # read after ATOMIC_POSITIONS
        lines += [" %s %.15e %.15e %.15e" % (s, *v) for s, v in zip(atoms.get_chemical_symbols(), velocities_au)]
    return lines


def pw_input(atoms, ecut, conv_thr, control=None, ions=None, masses=QE_MASSES, digits=10, velocities_au=None):
    """A pw.x input (text): &control (default pw_control()), &system with ecutwfc = ecut (Ry, written as given),
    &electrons with conv_thr (Ry; a float is written %.3e, a string as it is), &ions when ions is given, then
    pw_cards."""
    thr = conv_thr if isinstance(conv_thr, str) else f"{conv_thr:.3e}"
    lines = ["&control", pw_control() if control is None else control, "/",
             "&system", f" ibrav=0, nat={len(atoms)}, ntyp={len(masses)}, ecutwfc={ecut}, nosym=.true.", "/",
             "&electrons", f" conv_thr={thr}, mixing_beta=0.5", "/"]
    if ions is not None:
        lines += ["&ions", ions, "/"]
    lines += pw_cards(atoms, masses, digits, velocities_au)
    return "\n".join(lines) + "\n"
