"""Shared Python of megabar's helper scripts (scripts/*, tests/regression/qe/*.py).

    units     constants and unit tables, the values of core/units.hpp (tests/test_units.py compares them)
    inputs    megabar TOML and Quantum ESPRESSO pw.x input text
    qe        GTH conversion for pw.x, running pw.x, reading its output
    runs      finding and running megabar, reading md.log
    campaign  campaign and stage folders, stage.toml, pressure series of a stage
    stats     block averages and standard errors
    cells     crystal structures through ASE (CIF, extended XYZ, supercells)

Scripts are run as scripts/NAME, so each puts its own folder on sys.path before `import megabar_py`.
Everything here runs under Debian's /usr/bin/python3 (python3-numpy, python3-ase, python3-h5py; scripts/setup).
numpy and ASE are imported only by the modules that need them.
"""
