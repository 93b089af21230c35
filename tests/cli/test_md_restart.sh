#!/usr/bin/env bash
# Exact restart of MD runs (registered with CTest as "md_restart"):
#
#   tests/cli/test_md_restart.sh PATH/TO/megabar
#
# On the 15-atom B2O3-I cell at a low cutoff (fast; the physics is not the point here), NPT with the
# stochastic CSVR thermostat (so the random-number state, the barostat and the SCF extrapolation history
# must all survive a restart):
#   1. an uninterrupted run of N steps (the reference);
#   2. a run stopped by md.steps after a few steps, then `--restart` with md.steps = N;
#   3. a run stopped by SIGTERM (exit 75, checkpoint written), then `--restart`;
#   4. a run killed with SIGKILL at a random moment (repeated), then `--restart`;
#   5. with md.pdos_every = 1 (band projections in trajectory.h5:/pdos every step, 4 empty bands): killed
#      with SIGKILL at random moments and continued, /pdos must hold every step once and the same numbers
#      (compared through `megabar analyze`'s "pdos" section).
# Each continued run must reproduce the reference trajectory.extxyz byte for byte (positions, velocities,
# forces and energies printed to round-trip precision), and trajectory.h5 must hold the same frames.
# Also: --restart without a checkpoint, with another ensemble, or with md.steps below the checkpoint's step
# fails with a clear message, as does one that changes the time step or the cutoff; --restart of a finished run
# (results.json lost) writes its results again.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cli_setup md-restart "$@"
export OMP_NUM_THREADS=1
unset MEGABAR_FFTW_ESTIMATE  # measured FFT plans, carried over by fft_plans and the plan cache: the real path

export MEGABAR_FFT_PLAN_CACHE="$work/fft-plan-cache"  # the reference run fills it; the others re-use it

N=8

same_trajectory() {  # DIR LABEL
  if ! cmp -s "$work/ref/out/trajectory.extxyz" "$1/out/trajectory.extxyz"; then
    fail "$2: trajectory.extxyz differs from the uninterrupted run"
    diff <(grep -c . "$work/ref/out/trajectory.extxyz") <(grep -c . "$1/out/trajectory.extxyz") >&2
    return
  fi
  if command -v h5dump >/dev/null; then
    if ! diff -q <(h5dump -d /particles/all/position/value "$work/ref/out/trajectory.h5" | tail -n +3) \
                 <(h5dump -d /particles/all/position/value "$1/out/trajectory.h5" | tail -n +3) >/dev/null; then
      fail "$2: trajectory.h5 positions differ from the uninterrupted run"
      return
    fi
  fi
  echo "ok: $2"
}

# 1. Reference.
md_restart_input "$work/ref" $N
(cd "$work/ref" && "$megabar" run md.toml > run.log 2>&1) || { cat "$work/ref/run.log" >&2; fail "reference run"; exit 1; }

# The reference run's own results: the NPT conserved energy holds, few SCF iterations per step with the
# extrapolation, and trajectory.h5 holds 15-atom frames with box and observables (h5py, when installed).
# Debian's python3 has h5py (scripts/setup installs it); a python3 earlier on PATH (e.g. pyenv) may not.
py=python3
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c "import h5py" 2>/dev/null && py=/usr/bin/python3
"$py" - "$work/ref/out" $N <<'PYEOF' || fail "reference run: results"
import json, os, sys
out, n = sys.argv[1], int(sys.argv[2])
md = json.load(open(os.path.join(out, "results.json")))["md"]
assert md["completed"] and md["steps"] == n, md
assert abs(md["conserved_energy_drift_Ha_per_atom"]) < 1e-4, md  # 1 fs steps at ~2000 K: ~4e-5 seen
assert md["mean_scf_iterations"] <= 10, md  # 14 from scratch at step 0
try:
    import h5py
except ImportError:
    print("note: h5py not installed: trajectory.h5 layout not checked")
    sys.exit(0)
with h5py.File(os.path.join(out, "trajectory.h5"), "r") as f:
    assert list(f["h5md"].attrs["version"]) == [1, 1]
    pos = f["particles/all/position/value"]
    assert pos.shape == (n + 1, 15, 3), pos.shape
    assert f["particles/all/box/edges/value"].shape == (n + 1, 3, 3)
    assert list(f["particles/all/position/step"][:]) == list(range(n + 1))
    for name in ("potential_energy", "kinetic_energy", "total_energy", "conserved_energy", "temperature",
                 "pressure", "scf_iterations"):
        assert f["observables/" + name + "/value"].shape[0] == n + 1, name
PYEOF

# The reference run's files as ASE, MDAnalysis and h5py read them, against its results.json (energy, forces,
# stress, temperature and pressure of every frame and of final.extxyz: tests/regression/md_io_check.py).
if "$py" -c "import h5py, MDAnalysis, ase.io" 2>/dev/null; then
  if "$py" -W ignore "$root/tests/regression/md_io_check.py" "$work/ref/out" $((N + 1)) --results > "$work/md_io_check.log" 2>&1; then
    echo "ok: ASE, MDAnalysis and h5py read the reference run as results.json says"
  else
    grep -v Deprecation "$work/md_io_check.log" >&2
    fail "reference run: md_io_check.py --results"
  fi
  # Velocities set in ASE (atoms.set_velocities: written as momenta, no masses column) start a new run:
  # its step 0 has the temperature of the reference's last step, whose velocities they are.
  mkdir -p "$work/ase-velocities"
  "$py" - "$work/ref/out/final.extxyz" "$work/ase-velocities/start.extxyz" <<'PYEOF' || fail "ASE velocities: writing"
import sys
import ase, ase.io
final = ase.io.read(sys.argv[1])
atoms = ase.Atoms(final.get_chemical_symbols(), positions=final.positions, cell=final.cell, pbc=True)
atoms.set_velocities(final.get_velocities())
ase.io.write(sys.argv[2], atoms, format="extxyz")
assert "momenta" in open(sys.argv[2]).read() and "masses" not in open(sys.argv[2]).read()
PYEOF
  md_restart_input "$work/ase-velocities" 1 nvt
  sed -i -e "s|^file = .*|file = \"start.extxyz\"|" -e 's|^initial_temperature = .*|initial_velocities = "structure"|' \
    "$work/ase-velocities/md.toml"
  if ! (cd "$work/ase-velocities" && "$megabar" run md.toml > run.log 2>&1); then
    tail -5 "$work/ase-velocities/run.log" >&2
    fail "ASE velocities: the run failed"
  elif ! "$py" - "$work/ref/out/results.json" "$work/ase-velocities/out/trajectory.extxyz" <<'PYEOF'; then
import json, sys
t_ref = json.load(open(sys.argv[1]))["md"]["final_temperature_K"]
first = open(sys.argv[2]).readlines()[1]
t0 = float(first.split("temperature_K=")[1].split()[0])
# ASE writes the momenta with 8 decimals (%16.8f, amu A/fs of order 0.01-1): a relative rounding of up to
# ~1e-7 per component, ~1e-9 in T on average (1.05e-9 seen). Reading them as velocities, or without the
# masses, would be off by factors; 1e-7 separates the two.
sys.exit(0 if abs(t0 - t_ref) < 1e-7 * t_ref else f"step 0 at {t0} K, the reference ended at {t_ref} K")
PYEOF
    fail "ASE velocities: another temperature at step 0"
  else
    echo "ok: velocities written by ASE (momenta) start a run at the temperature they had"
  fi
else
  echo "skip: ASE/MDAnalysis checks (no h5py, MDAnalysis and ase in $py)"
fi

# 2. Stopped by md.steps, then continued.
md_restart_input "$work/steps" 3
(cd "$work/steps" && "$megabar" run md.toml > run1.log 2>&1) || fail "first part of the split run"
md_restart_input "$work/steps" $N
(cd "$work/steps" && "$megabar" run md.toml --restart > run2.log 2>&1) || { cat "$work/steps/run2.log" >&2; fail "restart"; }
same_trajectory "$work/steps" "stopped at step 3 by md.steps, continued"

# 3. SIGTERM in the middle of a step: finishes the step, writes a checkpoint, exits 75.
md_restart_input "$work/term" $N
(cd "$work/term" && exec "$megabar" run md.toml > run1.log 2>&1) &
pid=$!
for _ in $(seq 1 200); do  # wait until step 2 is under way
  grep -q "^ *2 " "$work/term/out/md.log" 2>/dev/null && break
  sleep 0.1
done
kill -TERM $pid
wait $pid
status=$?
[[ $status -eq 75 ]] || fail "SIGTERM: exit status $status, expected 75"
grep -q "stopped by signal" "$work/term/run1.log" || fail "SIGTERM: no 'stopped by signal' message"
(cd "$work/term" && "$megabar" run md.toml --restart > run2.log 2>&1) || { cat "$work/term/run2.log" >&2; fail "restart after SIGTERM"; }
same_trajectory "$work/term" "SIGTERM, continued"

# 4. SIGKILL at random moments (the checkpoint may be mid-write), then restarts until finished.
for trial in 1 2 3; do
  d="$work/kill$trial"
  md_restart_input "$d" $N
  (cd "$d" && exec "$megabar" run md.toml > run1.log 2>&1) &
  pid=$!
  sleep "$(python3 -c "import random; random.seed($trial * 7919 + $$); print(round(random.uniform(0.5, 3.0), 2))")"
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  if [[ -f "$d/out/checkpoint.h5" ]]; then
    (cd "$d" && "$megabar" run md.toml --restart > run2.log 2>&1) || { cat "$d/run2.log" >&2; fail "restart after kill -9 (trial $trial)"; continue; }
  else  # killed before the first checkpoint: nothing to continue, a new run
    (cd "$d" && "$megabar" run md.toml > run2.log 2>&1) || fail "rerun after an early kill -9 (trial $trial)"
  fi
  ls "$d/out" | grep -q '\.tmp' && fail "kill -9 (trial $trial): a temporary file was left behind"
  same_trajectory "$d" "kill -9 (trial $trial), continued"
done

# 5. PDOS snapshots (md.pdos_every): cut back with the frames on resume, none lost or doubled.
pdos_input() {  # DIR STEPS
  md_restart_input "$1" "$2" nvt
  sed -i 's/^checkpoint_every = 2$/checkpoint_every = 2\npdos_every = 1/' "$1/md.toml"
  printf '[pdos]\nempty_bands = 4\n' >> "$1/md.toml"
}
P=8
pdos_input "$work/pref" $P
(cd "$work/pref" && "$megabar" run md.toml > run.log 2>&1 && "$megabar" analyze out/trajectory.h5 --output ana > ana.log 2>&1) \
  || { cat "$work/pref/run.log" "$work/pref/ana.log" >&2; fail "pdos reference run"; }
for trial in 1 2; do
  d="$work/pkill$trial"
  pdos_input "$d" $P
  (cd "$d" && exec "$megabar" run md.toml > run1.log 2>&1) &
  pid=$!
  if [[ $trial -eq 1 ]]; then  # once step 3 is logged: its frame and snapshot are past the checkpoint of step 2
    for _ in $(seq 1 600); do
      grep -q "^ *3 " "$d/out/md.log" 2>/dev/null && break
      sleep 0.05
    done
  else
    sleep "$(python3 -c "import random; random.seed($trial * 104729 + $$); print(round(random.uniform(1.0, 6.0), 2))")"
  fi
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  if [[ $trial -eq 1 ]]; then  # /pdos holds snapshots after the checkpoint's count (3: steps 0-2), which the restart must drop
    (cd "$d" && "$megabar" analyze out/trajectory.h5 --output ana-killed > /dev/null 2>&1)
    python3 -c "import json,sys; n=json.load(open(sys.argv[1]))['pdos']['snapshots']; print('  pdos: killed with', n, 'snapshots stored'); sys.exit(0 if n >= 4 else 1)" \
      "$d/ana-killed/analysis.json" || fail "pdos (trial 1): expected at least 4 snapshots before the restart"
  fi
  if [[ -f "$d/out/checkpoint.h5" ]]; then
    (cd "$d" && "$megabar" run md.toml --restart > run2.log 2>&1) || { cat "$d/run2.log" >&2; fail "pdos: restart after kill -9 (trial $trial)"; continue; }
  else
    (cd "$d" && "$megabar" run md.toml > run2.log 2>&1) || fail "pdos: rerun after an early kill -9 (trial $trial)"
  fi
  cmp -s "$work/pref/out/trajectory.extxyz" "$d/out/trajectory.extxyz" || fail "pdos (trial $trial): trajectory.extxyz differs"
  (cd "$d" && "$megabar" analyze out/trajectory.h5 --output ana > ana.log 2>&1) || { cat "$d/ana.log" >&2; fail "pdos: analyze (trial $trial)"; continue; }
  python3 - "$work/pref/ana/analysis.json" "$d/ana/analysis.json" $P <<'PYEOF' && echo "ok: pdos_every, kill -9 (trial $trial), continued" || fail "pdos (trial $trial): /pdos differs from the uninterrupted run"
import json, sys
ref, got, n = json.load(open(sys.argv[1]))["pdos"], json.load(open(sys.argv[2]))["pdos"], int(sys.argv[3])
assert ref["steps"] == list(range(n + 1)), ref["steps"]
assert got["steps"] == ref["steps"], got["steps"]
assert got == ref
assert abs(sum(ref["total"]) * (ref["energies_eV"][1] - ref["energies_eV"][0]) - 2 * ref["n_bands"]) < 1e-6
PYEOF
done

# 6. Clear refusals.
md_restart_input "$work/none" $N
(cd "$work/none" && "$megabar" run md.toml --restart > run.log 2>&1)
[[ $? -ne 0 ]] && grep -q "no checkpoint" "$work/none/run.log" || fail "--restart without a checkpoint must fail clearly"
rm -rf "$work/none/out"
cp -r "$work/ref/out" "$work/none/out"
md_restart_input "$work/none" $N nvt
(cd "$work/none" && "$megabar" run md.toml --restart > run.log 2>&1)
[[ $? -ne 0 ]] && grep -q "was written by" "$work/none/run.log" || fail "--restart with another ensemble must fail clearly"

# A finished run whose results.json is gone (killed between its last checkpoint and its results): --restart
# runs no step, one SCF at the final state, and writes the results again (it used to crash); the trajectory
# stays that of the uninterrupted run. A restart asked to stop before the checkpoint's step is refused.
rm -rf "$work/again" && mkdir -p "$work/again" && cp -r "$work/ref/out" "$work/again/out"
md_restart_input "$work/again" $N
rm -f "$work/again/out/results.json"
(cd "$work/again" && "$megabar" run md.toml --restart > run.log 2>&1)
rc=$?
if [[ $rc -ne 0 ]] || ! grep -q '"completed": true' "$work/again/out/results.json" 2>/dev/null; then
  fail "--restart of a finished run without results.json: exit $rc, no completed results.json"
  tail -5 "$work/again/run.log" >&2
else
  same_trajectory "$work/again" "--restart at the last step rewrites the results"
fi
md_restart_input "$work/again" $((N - 2))
(cd "$work/again" && "$megabar" run md.toml --restart > run.log 2>&1)
rc=$?
[[ $rc -eq 1 ]] && grep -q "beyond md.steps = $((N - 2))" "$work/again/run.log" ||
  fail "--restart with md.steps below the checkpoint's step must fail clearly (exit $rc)"

# --restart with another time step or cutoff would continue a different trajectory: refused, naming the key.
for change in 's/^timestep = .*/timestep = "0.8 fs"/:md.timestep' 's/^ecut = .*/ecut = "26 Ry"/:dft.ecut'; do
  rm -rf "$work/physics" && mkdir -p "$work/physics" && cp -r "$work/ref/out" "$work/physics/out"
  md_restart_input "$work/physics" $((N + 2))
  sed -i "${change%%:*}" "$work/physics/md.toml"
  (cd "$work/physics" && "$megabar" run md.toml --restart > run.log 2>&1)
  rc=$?
  if [[ $rc -eq 1 ]] && grep -q "changes the physics.*${change##*:}" "$work/physics/run.log"; then
    echo "ok: --restart refuses a changed ${change##*:}"
  else
    fail "--restart with a changed ${change##*:}: exit $rc, expected 1 naming the key"
    tail -3 "$work/physics/run.log" >&2
  fi
done

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "md restart: all cases passed"
