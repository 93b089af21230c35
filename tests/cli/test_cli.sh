#!/usr/bin/env bash
# End-to-end tests of the megabar command line (registered with CTest as "cli"):
#
#   tests/cli/test_cli.sh PATH/TO/megabar
#
# 1. A good run: inputs/b2o3-I at 20 Ry must exit 0 and write results.json with every documented key.
# 2. Bad inputs: each must exit non-zero, print a message that names the problem, and write no results.json.
# 3. A non-converged SCF (max_iterations = 2): exit non-zero AND results.json with scf.converged = false.
# Every case runs in its own temporary folder (inputs copied there), so nothing is written into the tree.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cli_setup cli "$@"
example="$root/inputs/b2o3-I"
pseudo="$root/inputs/pseudopotentials"
cli_need_python

# Single-threaded runs ([parallel] threads = 1 in the input) and quick FFTW planning: CTest runs this
# in parallel with the other tests.
export OMP_NUM_THREADS=1 MEGABAR_FFTW_ESTIMATE=1



# new_case NAME: a fresh folder with the example structure, pseudopotentials and a 20 Ry input.
new_case() {
  local d="$work/$1"
  mkdir -p "$d"
  cp "$example/cell.extxyz" "$d/cell.extxyz"
  cp "$pseudo/B-GTH-PBE.gth" "$pseudo/O-GTH-PBE.gth" "$d/"
  cat >"$d/scf.toml" <<'EOF'
task = "scf"

[structure]
file = "cell.extxyz"

[dft]
ecut = "20 Ry"
xc = "PBE"

[dft.pseudopotentials]
B = "B-GTH-PBE.gth"
O = "O-GTH-PBE.gth"

[scf]
energy_tolerance = "1e-6 Ha"
max_iterations = 100

[output]
directory = "out"

[parallel]
threads = 1
EOF
  echo "$d"
}

# run_case DIR: runs megabar on DIR/scf.toml, output in DIR/log; sets $rc.
run_case() {
  local d="$1"
  (cd "$d" && "$megabar" run scf.toml) >"$d/log" 2>&1
  rc=$?
}

# expect_failure NAME KEYWORD: after run_case, the run must have failed, named KEYWORD (grep -i -F) and
# written no results.json.
expect_failure() {
  local name="$1" keyword="$2" d="$work/$1" ok=1
  if [[ $rc -eq 0 ]]; then
    fail "$name: exit status 0, expected non-zero"
    ok=0
  fi
  if ! grep -q -i -F -- "$keyword" "$d/log"; then
    fail "$name: the message does not mention '$keyword'"
    ok=0
  fi
  if ! grep -q -i "error" "$d/log"; then
    fail "$name: no 'error' in the output"
    ok=0
  fi
  if [[ -e "$d/out/results.json" ]]; then
    fail "$name: results.json was written although the input is bad"
    ok=0
  fi
  if [[ $ok -eq 1 ]]; then
    passed=$((passed + 1))
    echo "ok   $name (exit $rc): $(grep -i -m1 error "$d/log")"
  else
    echo "---- output of $name:" >&2
    cat "$d/log" >&2
  fi
}

# ---- 1. good run ----------------------------------------------------------------------------------------
d=$(new_case good)
t0=$SECONDS
run_case "$d"
echo "good run: exit $rc in $((SECONDS - t0)) s"
if [[ $rc -ne 0 ]]; then
  fail "good: exit status $rc"
  cat "$d/log" >&2
elif ! python3 - "$d/out/results.json" <<'EOF'
import json, math, sys
r = json.load(open(sys.argv[1]))
problems = []
def need(path, kind):
    node = r
    for k in path.split("."):
        if not isinstance(node, dict) or k not in node:
            problems.append("missing " + path)
            return None
        node = node[k]
    if kind == "number" and not (isinstance(node, (int, float)) and not isinstance(node, bool) and math.isfinite(node)):
        problems.append(f"{path} is not a finite number: {node!r}")
    if kind == "int" and not (isinstance(node, int) and not isinstance(node, bool) and node > 0):
        problems.append(f"{path} is not a positive integer: {node!r}")
    if kind == "bool" and not isinstance(node, bool):
        problems.append(f"{path} is not a boolean: {node!r}")
    if kind == "grid" and not (isinstance(node, list) and len(node) == 3 and all(isinstance(x, int) and x > 0 for x in node)):
        problems.append(f"{path} is not three positive integers: {node!r}")
    if kind == "dict" and not (isinstance(node, dict) and node):
        problems.append(f"{path} is not a non-empty object: {node!r}")
    return node
need("total_energy_Ha", "number")
for t in ("kinetic", "local", "nonlocal", "hartree", "xc", "ewald"):
    need("energy_terms_Ha." + t, "number")
need("scf.iterations", "int")
conv = need("scf.converged", "bool")
need("fft_grid", "grid")
need("n_plane_waves", "int")
ne = need("n_electrons", "number")
nb = need("n_bands", "int")
nocc = need("n_occupied_bands", "int")
need("timings_s", "dict")
for k in ("megabar", "commit", "backend", "cuda_arch", "build_type", "compiler", "started_utc", "host", "input"):
    v = need("provenance." + k, None)
    if v is not None and not (isinstance(v, str) and v):
        problems.append(f"provenance.{k} is not a non-empty string: {v!r}")
need("provenance.host_threads", "int")
fp = need("provenance.input_fnv1a64", None)
if fp is not None and not (isinstance(fp, str) and len(fp) == 16 and all(c in "0123456789abcdef" for c in fp)):
    problems.append(f"provenance.input_fnv1a64 is not 16 hex digits: {fp!r}")
pred = need("memory.predicted_peak_bytes", "int")
meas = need("memory.measured_peak_bytes", "int")
need("memory.device", "str")
if not problems and not (meas <= pred <= 1.5 * meas):
    problems.append(f"memory: predicted peak {pred} B is not within [1, 1.5] x the measured {meas} B")
if not problems:
    terms = r["energy_terms_Ha"]
    s = sum(terms[t] for t in ("kinetic", "local", "nonlocal", "hartree", "xc", "ewald"))
    if abs(s - r["total_energy_Ha"]) > 1e-8:
        problems.append(f"the energy terms sum to {s}, total_energy_Ha is {r['total_energy_Ha']}")
    if conv is not True:
        problems.append("scf.converged is not true")
    if ne != 72 or nocc != 36 or nb != 36:
        problems.append(f"n_electrons {ne}, n_occupied_bands {nocc}, n_bands {nb}: expected 72, 36 and 36 for B2O3-I (GTH valence)")
    if not (-160 < r["total_energy_Ha"] < -140):
        problems.append(f"total_energy_Ha {r['total_energy_Ha']} is implausible for B2O3-I")
for p in problems:
    print("  " + p)
print(f"  total_energy_Ha {r.get('total_energy_Ha')}, grid {r.get('fft_grid')}, "
      f"{r.get('n_plane_waves')} plane waves, {r.get('scf', {}).get('iterations')} iterations")
sys.exit(1 if problems else 0)
EOF
then
  fail "good: results.json is incomplete"
else
  passed=$((passed + 1))
  echo "ok   good"
fi

# ---- 2. bad inputs --------------------------------------------------------------------------------------
d=$(new_case malformed_toml)
printf '\n[scf\nmixing_beta = 0.3\n' >>"$d/scf.toml"
run_case "$d"; expect_failure malformed_toml "TOML"

d=$(new_case unknown_key)
sed -i 's/^xc = "PBE"$/xc = "PBE"\nfoo = 1/' "$d/scf.toml"
run_case "$d"; expect_failure unknown_key "foo"

d=$(new_case unknown_top_level_table)
printf '\n[md]\nsteps = 10\n' >>"$d/scf.toml"
run_case "$d"; expect_failure unknown_top_level_table "md"

d=$(new_case unknown_unit)
sed -i 's/^ecut = "20 Ry"$/ecut = "80 Rydberg"/' "$d/scf.toml"
run_case "$d"; expect_failure unknown_unit "Rydberg"

d=$(new_case missing_unit)
sed -i 's/^ecut = "20 Ry"$/ecut = "20"/' "$d/scf.toml"
run_case "$d"; expect_failure missing_unit "ecut"

d=$(new_case ecut_number_not_string)
sed -i 's/^ecut = "20 Ry"$/ecut = 20/' "$d/scf.toml"
run_case "$d"; expect_failure ecut_number_not_string "ecut"

d=$(new_case zero_ecut)
sed -i 's/^ecut = "20 Ry"$/ecut = "0 Ry"/' "$d/scf.toml"
run_case "$d"; expect_failure zero_ecut "ecut"

d=$(new_case negative_ecut)
sed -i 's/^ecut = "20 Ry"$/ecut = "-20 Ry"/' "$d/scf.toml"
run_case "$d"; expect_failure negative_ecut "ecut"

d=$(new_case unknown_xc)
sed -i 's/^xc = "PBE"$/xc = "B3LYP"/' "$d/scf.toml"
run_case "$d"; expect_failure unknown_xc "B3LYP"

d=$(new_case unknown_task)
sed -i 's/^task = "scf"$/task = "phonons"/' "$d/scf.toml"
run_case "$d"; expect_failure unknown_task "phonons"

d=$(new_case missing_structure_file)
rm "$d/cell.extxyz"
run_case "$d"; expect_failure missing_structure_file "cell.extxyz"

d=$(new_case missing_pseudopotential_file)
rm "$d/O-GTH-PBE.gth"
run_case "$d"; expect_failure missing_pseudopotential_file "O-GTH-PBE.gth"

d=$(new_case unknown_element)
sed -i '3s/^B /X /' "$d/cell.extxyz"
run_case "$d"; expect_failure unknown_element "'X'"

d=$(new_case element_without_pseudopotential)
sed -i '/^O = /d' "$d/scf.toml"
run_case "$d"; expect_failure element_without_pseudopotential "'O'"

d=$(new_case atoms_too_close)
# put atom 2 at 0.3 angstrom from atom 1
python3 - "$d/cell.extxyz" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().splitlines()
a = lines[2].split()
x, y, z = (float(v) for v in a[1:4])
b = lines[3].split()
lines[3] = f"{b[0]} {x + 0.3:.8f} {y:.8f} {z:.8f}"
open(p, "w").write("\n".join(lines) + "\n")
EOF
run_case "$d"; expect_failure atoms_too_close "angstrom apart"

d=$(new_case device_memory_too_small)
echo 'device_memory = "1 MiB"' >>"$d/scf.toml"   # [parallel] is the input's last table
run_case "$d"; expect_failure device_memory_too_small "parallel.device_memory"

d=$(new_case device_memory_bad_unit)
echo 'device_memory = "4 parsec"' >>"$d/scf.toml"
run_case "$d"; expect_failure device_memory_bad_unit "GiB"

d=$(new_case garbled_pseudopotential)
# the local-part line of B: replace the first C_i coefficient by a word
sed -i '3s/-5.85946171/-5.8594617x/' "$d/B-GTH-PBE.gth"
run_case "$d"; expect_failure garbled_pseudopotential "B-GTH-PBE.gth"

d=$(new_case garbled_structure)
sed -i '5s/^\(B *\)[0-9.]*/\1one/' "$d/cell.extxyz"
run_case "$d"; expect_failure garbled_structure "cell.extxyz"

d=$(new_case bad_fft_grid)
sed -i 's/^xc = "PBE"$/xc = "PBE"\nfft_grid = [24, 24]/' "$d/scf.toml"
run_case "$d"; expect_failure bad_fft_grid "fft_grid"

d=$(new_case fft_grid_too_small)
sed -i 's/^xc = "PBE"$/xc = "PBE"\nfft_grid = [8, 8, 8]/' "$d/scf.toml"
run_case "$d"; expect_failure fft_grid_too_small "too small"

d=$(new_case pseudopotential_of_other_element)
sed -i 's/^B = "B-GTH-PBE.gth"$/B = "O-GTH-PBE.gth"/' "$d/scf.toml"
run_case "$d"; expect_failure pseudopotential_of_other_element "no block for element 'B'"

d=$(new_case pseudopotential_missing_name_in_library)
cp "$pseudo/GTH_POTENTIALS_B_O" "$d/"
sed -i 's/^B = "B-GTH-PBE.gth"$/B = { file = "GTH_POTENTIALS_B_O", name = "GTH-BLYP-q3" }/' "$d/scf.toml"
run_case "$d"; expect_failure pseudopotential_missing_name_in_library "GTH-BLYP-q3"

d=$(new_case mixing_beta_out_of_range)
sed -i 's/^max_iterations = 100$/max_iterations = 100\nmixing_beta = 1.5/' "$d/scf.toml"
run_case "$d"; expect_failure mixing_beta_out_of_range "mixing_beta"

# ---- 3. SCF not converged -------------------------------------------------------------------------------
d=$(new_case not_converged)
sed -i 's/^max_iterations = 100$/max_iterations = 2/; s/^energy_tolerance = .*/energy_tolerance = "1e-10 Ha"/' "$d/scf.toml"
run_case "$d"
if [[ $rc -eq 0 ]]; then
  fail "not_converged: exit status 0, expected non-zero"
elif ! grep -q -i "converge" "$d/log"; then
  fail "not_converged: the message does not say the SCF did not converge"
  cat "$d/log" >&2
elif [[ ! -f "$d/out/results.json" ]]; then
  fail "not_converged: no results.json (it must be written, with converged = false)"
elif ! python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["scf"]
ok = s["converged"] is False and s["iterations"] == 2 and isinstance(r["total_energy_Ha"], float)
sys.exit(0 if ok else 1)' "$d/out/results.json"; then
  fail "not_converged: results.json does not say converged: false after 2 iterations"
  cat "$d/out/results.json" >&2
else
  passed=$((passed + 1))
  echo "ok   not_converged (exit $rc): results.json has converged false"
fi

# ---- a bad input leaves an older run's results.json as it was (an earlier good result is never lost; the
# exit status says this run failed) ---------------------------------------------------------------------------
d=$(new_case earlier_results)
mkdir -p "$d/out" && echo '{"total_energy_Ha": -1}' >"$d/out/results.json"
cp "$d/out/results.json" "$d/earlier.json"
sed -i 's/^ecut = "20 Ry"$/ecut = "-20 Ry"/' "$d/scf.toml"
run_case "$d"
mv "$d/out/results.json" "$d/kept.json" 2>/dev/null
expect_failure earlier_results "dft.ecut"
if ! cmp -s "$d/earlier.json" "$d/kept.json"; then fail "earlier_results: the earlier results.json was removed or changed"; fi

# ---- absurd cutoffs are refused from the cell and cutoff alone, within seconds (they used to take minutes and
# gigabytes building G vectors, end in bad_alloc, or overflow an int) -------------------------------------------
for e in 4000 1e6 1e20; do
  d=$(new_case "ecut_$e")
  sed -i "s/^ecut = \"20 Ry\"$/ecut = \"$e Ry\"/" "$d/scf.toml"
  echo 'device_memory = "16 GiB"' >>"$d/scf.toml"  # [parallel]: the same limit on any machine
  t0=$SECONDS
  (cd "$d" && timeout 60 "$megabar" run scf.toml) >"$d/log" 2>&1
  rc=$?
  expect_failure "ecut_$e" "dft.ecut"
  if ((SECONDS - t0 > 10)); then fail "ecut_$e: refused only after $((SECONDS - t0)) s"; fi
done

# ---- the same cell as a VASP POSCAR (written by ASE when it is installed): the same energy ------------------
if /usr/bin/python3 -c "import ase.io" 2>/dev/null; then
  d=$(new_case poscar)
  /usr/bin/python3 -c "import ase.io, sys; ase.io.write(sys.argv[2], ase.io.read(sys.argv[1]), format='vasp', direct=True)" \
    "$d/cell.extxyz" "$d/POSCAR"
  sed -i 's|^file = "cell.extxyz"|file = "POSCAR"|' "$d/scf.toml"
  run_case "$d"
  if [[ $rc -ne 0 ]]; then
    fail "POSCAR input: exit status $rc"
    tail -5 "$d/log" >&2
  elif ! python3 -c '
import json, sys
a, b = (json.load(open(p))["total_energy_Ha"] for p in sys.argv[1:])
sys.exit(0 if abs(a - b) < 1e-8 else 1)' "$work/good/out/results.json" "$d/out/results.json"; then
    fail "POSCAR input: the energy differs from the extended XYZ run's"
  else
    passed=$((passed + 1))
    echo "ok   the same cell as a POSCAR written by ASE gives the extended XYZ energy"
  fi
else
  echo "skip POSCAR written by ASE (no ase module in /usr/bin/python3)"
fi

# ---- the same cell as a CIF written by ASE: the energy of ASE's own reading of that CIF (ASE 3.22 writes 5
# decimals, so the extended XYZ run's energy only to 1e-4 Ha) -------------------------------------------------
if /usr/bin/python3 -c "import ase.io" 2>/dev/null; then
  d=$(new_case cif)
  d_ase=$(new_case cif_read_by_ase)
  /usr/bin/python3 -c "import ase.io, sys; ase.io.write(sys.argv[2], ase.io.read(sys.argv[1]), format='cif')
ase.io.write(sys.argv[3], ase.io.read(sys.argv[2], format='cif'), format='extxyz')" \
    "$d/cell.extxyz" "$d/cell.cif" "$d_ase/cell.extxyz"
  sed -i 's|^file = "cell.extxyz"|file = "cell.cif"|' "$d/scf.toml"
  run_case "$d_ase"
  run_case "$d"
  if [[ $rc -ne 0 ]]; then
    fail "CIF input: exit status $rc"
    tail -5 "$d/log" >&2
  elif ! python3 -c '
import json, sys
a, b, c = (json.load(open(p))["total_energy_Ha"] for p in sys.argv[1:])
sys.exit(0 if abs(a - b) < 1e-8 and abs(c - b) < 1e-4 else 1)' "$d_ase/out/results.json" "$d/out/results.json" \
    "$work/good/out/results.json"; then
    fail "CIF input: the energy differs from that of ASE's reading of the CIF (or the extended XYZ run's)"
  else
    passed=$((passed + 1))
    echo "ok   the same cell as a CIF written by ASE gives the energy of ASE's reading of it"
  fi
else
  echo "skip CIF written by ASE (no ase module in /usr/bin/python3)"
fi

# ---- relax: a few steps of an atoms-only relaxation write the documented files -----------------------------
d=$(new_case relax)
sed -i 's/^task = "scf"$/task = "relax"/' "$d/scf.toml"
printf '\n[relax]\nforce_tolerance = "1e-5 Ha/bohr"\nmax_steps = 2\n' >>"$d/scf.toml"
run_case "$d"
if [[ $rc -ne 2 ]]; then
  fail "relax: 2 steps cannot reach 1e-5 Ha/bohr, expected exit 2, got $rc"
  cat "$d/log" >&2
elif ! python3 - "$d/out" <<'PYEOF'
import json, sys, os
out = sys.argv[1]
r = json.load(open(os.path.join(out, "results.json")))
assert r["task"] == "relax" and r["relax"]["converged"] is False and r["relax"]["steps"] == 2, r.get("relax")
assert len(r["forces_Ha_per_bohr"]) == 15
log = [l for l in open(os.path.join(out, "relax.log")) if not l.startswith("#") and l.split()[0].isdigit()]
assert len(log) == 3, log
frames = open(os.path.join(out, "relax_trajectory.extxyz")).read().count("Lattice=")
assert frames == 3, frames
final = open(os.path.join(out, "final.extxyz")).read().splitlines()
assert final[0].strip() == "15" and "Lattice=" in final[1] and "forces:R:3" in final[1]
PYEOF
then
  fail "relax: files incomplete"
else
  passed=$((passed + 1))
  echo "ok   relax (exit 2 after 2 steps, relax.log, trajectory, final.extxyz, results.json)"
fi
# ASE reads every relaxation step's energy, forces and (cell relaxations: atoms-only ones compute none)
# stress; the last ones are results.json's.
if /usr/bin/python3 -c "import ase.io" 2>/dev/null; then
  if ! /usr/bin/python3 - "$d/out" <<'PYEOF'; then
import json, os, sys
import numpy as np
import ase.io
out = sys.argv[1]
r = json.load(open(os.path.join(out, "results.json")))
steps = ase.io.read(os.path.join(out, "relax_trajectory.extxyz"), ":")
final = ase.io.read(os.path.join(out, "final.extxyz"))
ev, bohr, gpa_per_ev_a3 = 27.211386245988, 0.529177210903, 29421.015696767 / 27.211386245988 * 0.529177210903**3
cell = r["relax"]["cell"]
assert ("stress_GPa" in r) == cell, "results.json has a stress exactly when the cell relaxes"
for atoms in steps + [final]:
    atoms.get_potential_energy(), atoms.get_forces()
    assert ("stress" in atoms.calc.results) == cell  # no stress claimed where none was computed
for atoms in (steps[-1], final):
    assert abs(atoms.get_potential_energy() - r["total_energy_Ha"] * ev) < 1e-8, atoms.get_potential_energy()
    assert np.allclose(atoms.get_forces(), np.array(r["forces_Ha_per_bohr"]) * ev / bohr, atol=1e-9)
    # ASE's sign is the opposite of results.json's (QE's); 10 significant digits in the file
    assert not cell or np.allclose(atoms.get_stress(voigt=False) * gpa_per_ev_a3, -np.array(r["stress_GPa"]), rtol=1e-8, atol=1e-8)
PYEOF
    fail "relax: ASE does not read results.json's energy, forces and stress from the relaxation files"
  else
    passed=$((passed + 1))
    echo "ok   relax: ASE reads energy, forces and stress of every step; the last are results.json's"
  fi
fi

d=$(new_case relax_pressure_without_cell)
sed -i 's/^task = "scf"$/task = "relax"/' "$d/scf.toml"
printf '\n[relax]\npressure = "10 GPa"\n' >>"$d/scf.toml"
run_case "$d"; expect_failure relax_pressure_without_cell "relax.cell"

# ---- md inputs: bad [md] sections fail before any SCF, naming the key --------------------------------------
# md_case NAME 'TOML LINES': task = "md" with the given [md] section.
md_case() {
  local d
  d=$(new_case "$1")
  sed -i 's/^task = "scf"$/task = "md"/' "$d/scf.toml"
  printf '\n[md]\n%b\n' "$2" >>"$d/scf.toml"
  run_case "$d"
}
md_case md_no_timestep 'steps = 2\ninitial_temperature = "300 K"'; expect_failure md_no_timestep "md.timestep"
md_case md_timestep_unit 'timestep = "0.5"\nsteps = 2\ninitial_temperature = "300 K"'; expect_failure md_timestep_unit "md.timestep"
md_case md_timestep_huge 'timestep = "500 fs"\nsteps = 2\ninitial_temperature = "300 K"'; expect_failure md_timestep_huge "unit mistake"
md_case md_bad_ensemble 'ensemble = "nvx"\ntimestep = "1 fs"\nsteps = 2'; expect_failure md_bad_ensemble "md.ensemble"
md_case md_nve_needs_t0 'timestep = "1 fs"\nsteps = 2'; expect_failure md_nve_needs_t0 "md.initial_temperature"
md_case md_nve_target 'timestep = "1 fs"\nsteps = 2\ninitial_temperature = "300 K"\ntemperature = "300 K"'; expect_failure md_nve_target "md.temperature"
md_case md_npt_no_p 'ensemble = "npt"\ntimestep = "1 fs"\nsteps = 2\ntemperature = "300 K"'; expect_failure md_npt_no_p "md.pressure"
md_case md_temp_unit 'ensemble = "nvt"\ntimestep = "1 fs"\nsteps = 2\ntemperature = "300 C"'; expect_failure md_temp_unit "md.temperature"
md_case md_mass_unit 'timestep = "1 fs"\nsteps = 2\ninitial_temperature = "300 K"\n[md.masses]\nB = "11 g"'; expect_failure md_mass_unit "md.masses.B"
md_case md_pressure_range 'ensemble = "npt"\ntimestep = "1 fs"\nsteps = 2\ntemperature = "300 K"\npressure = "1e4 GPa"'; expect_failure md_pressure_range "md.pressure"
md_case md_time_hint 'timestep = 1\nsteps = 2'; expect_failure md_time_hint 'e.g. "1 fs"'
md_case md_no_velocities 'timestep = "1 fs"\nsteps = 2\ninitial_velocities = "structure"'; expect_failure md_no_velocities "no velocities"
d=$(new_case md_restart_scf)
(cd "$d" && "$megabar" run scf.toml --restart) >"$d/log" 2>&1
rc=$?
expect_failure md_restart_scf "--restart"

# ---- usage errors ---------------------------------------------------------------------------------------
d="$work/usage"
mkdir -p "$d"
# Every command-line error exits 1 (the documented status), help exits 0.
for args in "" "bogus" "run" "analyze --every x t.h5 -o out" "run a.toml --no-such-option"; do
  # shellcheck disable=SC2086
  (cd "$d" && "$megabar" $args) >"$d/log" 2>&1
  rc=$?
  if [[ $rc -ne 1 ]]; then fail "usage error 'megabar $args': exit $rc, expected 1"; else passed=$((passed + 1)); echo "ok   usage error '$args' (exit 1)"; fi
done
if ! (cd "$d" && "$megabar" --help && "$megabar" run --help) >"$d/log" 2>&1; then fail "--help did not exit 0"; else passed=$((passed + 1)); echo "ok   --help (exit 0)"; fi
# --version: exit 0, version, commit, backend and build type on one line; the same build in every results.json.
if ! (cd "$d" && "$megabar" --version) >"$d/log" 2>&1; then
  fail "--version did not exit 0"
elif ! grep -Eq '^megabar [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]{12}(-dirty)?, (host|cuda) backend.*, [A-Za-z]+ build, .+\)$' "$d/log"; then
  fail "--version does not print version, commit, backend and build type: $(cat "$d/log")"
else
  passed=$((passed + 1))
  echo "ok   --version: $(cat "$d/log")"
fi
if (cd "$d" && "$megabar" run does-not-exist.toml) >"$d/log" 2>&1; then
  fail "missing input file: exited 0"
elif ! grep -q "does-not-exist.toml" "$d/log"; then
  fail "missing input file: the message does not name the file"
  cat "$d/log" >&2
else
  passed=$((passed + 1))
  echo "ok   missing input file"
fi
echo
echo "cli: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
