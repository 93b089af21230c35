"""scripts/md-force-check: the md input becomes an SCF input with tight tolerances and the frame as structure."""
import importlib.machinery
import importlib.util
import os
import tomllib

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "md-force-check")


def load_script():
    loader = importlib.machinery.SourceFileLoader("md_force_check", SCRIPT)
    spec = importlib.util.spec_from_loader("md_force_check", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


MD_INPUT = '''task = "md"

[structure]
file = "cell.extxyz"

[dft]
ecut = "80 Ry"
fft_grid = [48, 48, 180]

[dft.pseudopotentials]
B = "B.gth"
O = "O.gth"

[scf]
energy_tolerance = "1e-08 Ha"
max_iterations = 200

[md]
ensemble = "nve"
steps = 10

[md.masses]
B = "10.811 amu"

[parallel]
threads = 2

[output]
directory = "run"
'''


def test_tight_input_keeps_the_physics_and_replaces_the_rest():
    text = load_script().tight_input(MD_INPUT, "frame.extxyz", 1e-12)
    cfg = tomllib.loads(text)
    assert cfg["task"] == "scf"
    assert cfg["structure"]["file"] == "frame.extxyz"
    assert cfg["dft"]["ecut"] == "80 Ry" and cfg["dft"]["fft_grid"] == [48, 48, 180]
    assert cfg["dft"]["pseudopotentials"] == {"B": "B.gth", "O": "O.gth"}
    assert cfg["scf"] == {"energy_tolerance": "1e-12 Ha", "density_tolerance": "1e-12 Ha", "max_iterations": 300}
    assert "md" not in cfg
    assert cfg["output"] == {"directory": "out"}
    assert cfg["parallel"]["threads"] == 2
