#!/usr/bin/env bash
# Faults at chosen moments of a short MD run, each followed by what a user would do next (registered with
# CTest as "robustness_kill_points"):
#
#   tests/robustness/kill_points.sh PATH/TO/megabar
#
# The moments are exact, not timed: MEGABAR_FAULT="POINT:N" makes megabar kill itself with SIGKILL the N-th
# time it passes POINT (core/fault.hpp). On the 15-atom B2O3-I cell at 25 Ry, NPT with the CSVR thermostat,
# 4 steps, a checkpoint every 2:
#   1. kill -9 inside the SCF of a step (twice, at different iterations), inside the write of a checkpoint
#      (its temporary written, before the rename; the 2nd and the last checkpoint), between the last
#      checkpoint and results.json, and inside the write of results.json and of final.extxyz; then
#      `--restart` (or a new run when no checkpoint was left). trajectory.extxyz and final.extxyz must equal
#      the uninterrupted run's byte for byte, results.json must report the same final state, and no
#      temporary file may be left behind.
#   2. A new run in the directory of a finished one, killed (-9) or stopped (SIGTERM, exit 75) during its
#      first SCF: the earlier run's results.json, checkpoint and trajectory are untouched.
#   3. An SCF task stopped by SIGTERM: exit 75, no results.json, the earlier one untouched; a relaxation
#      stopped by SIGTERM: exit 75, its last structure in final.extxyz.
#   4. A full disk while a continued run writes (a 'file too large' limit, and a small tmpfs when this
#      machine lets the test mount one; skipped with the reason otherwise): exit 1 naming the file and the
#      reason, the last good checkpoint intact, no temporary left, and a later --restart with room again
#      reproduces the uninterrupted run.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../cli/common.sh"
cli_setup kill-points "$@"
cli_need_python
export OMP_NUM_THREADS=1 MEGABAR_FFTW_ESTIMATE=1  # estimated FFT plans: the same in every process
unset MEGABAR_FAULT

N=4

# The final state results.json reports, for comparison across runs: its md section without this session's
# timing, and the energies of the last structure.
final_state() {
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
md = {k: v for k, v in j["md"].items() if k != "seconds_per_step_this_session"}
keys = ("total_energy_Ha", "energy_terms_Ha", "scf", "n_bands", "forces_Ha_per_bohr", "forces_terms_Ha_per_bohr",
        "stress_GPa", "stress_terms_GPa", "eigenvalues_eV")
print(repr(md), *(repr(j[k]) for k in keys))' "$1"
}

no_temporaries() {  # DIR LABEL
  if ls -a "$1/out" | grep -q '\.tmp'; then
    fail "$2: a temporary file was left behind: $(ls -a "$1/out" | grep '\.tmp' | tr '\n' ' ')"
    return 1
  fi
}

same_as_reference() {  # DIR LABEL
  local ok=1
  cmp -s "$work/ref/out/trajectory.extxyz" "$1/out/trajectory.extxyz" || { fail "$2: trajectory.extxyz differs"; ok=0; }
  cmp -s "$work/ref/out/final.extxyz" "$1/out/final.extxyz" || { fail "$2: final.extxyz differs"; ok=0; }
  [[ "$(final_state "$work/ref/out/results.json")" == "$(final_state "$1/out/results.json" 2>/dev/null)" ]] ||
    { fail "$2: results.json reports another final state"; ok=0; }
  no_temporaries "$1" "$2" || ok=0
  [[ $ok -eq 1 ]] && { echo "ok: $2"; passed=$((passed + 1)); }
}

# 0. The uninterrupted run.
md_restart_input "$work/ref" $N
(cd "$work/ref" && "$megabar" run md.toml > run.log 2>&1) || { cat "$work/ref/run.log" >&2; fail "reference run"; exit 1; }
python3 -c 'import json,sys; md=json.load(open(sys.argv[1]))["md"]; assert md["completed"] and md["steps"] == int(sys.argv[2])' \
  "$work/ref/out/results.json" $N || { fail "reference run: results.json does not report $N completed steps"; exit 1; }

# 1. kill -9 at exact moments, then continue.
# With scf-iteration:K the K-th SCF iteration of the run (the start's first); the others count their own files.
for fault in scf-iteration:20 scf-iteration:33 before-rename:checkpoint.h5:2 before-rename:checkpoint.h5:3 \
  md-before-results:1 before-rename:results.json:1 before-rename:final.extxyz:1; do
  d="$work/kill-${fault//[:.]/-}"
  md_restart_input "$d" $N
  (cd "$d" && MEGABAR_FAULT="$fault" exec "$megabar" run md.toml > run1.log 2>&1)
  rc=$?
  if [[ $rc -ne 137 ]]; then
    fail "$fault: expected death by SIGKILL (137), got exit status $rc"
    continue
  fi
  if [[ -e "$d/out/checkpoint.h5" ]]; then
    (cd "$d" && "$megabar" run md.toml --restart > run2.log 2>&1) || { cat "$d/run2.log" >&2; fail "$fault: --restart failed"; continue; }
  else
    (cd "$d" && "$megabar" run md.toml > run2.log 2>&1) || { fail "$fault: a new run after the kill failed"; continue; }
  fi
  same_as_reference "$d" "kill -9 at $fault, then continued"
done

# 2. A new run in a finished run's directory that dies or is stopped during its first SCF.
snapshot() {  # DIR -> checksums of the earlier run's outputs
  (cd "$1/out" && md5sum results.json checkpoint.h5 trajectory.extxyz trajectory.h5 final.extxyz md.log)
}
d="$work/rerun-killed"
cp -r "$work/ref" "$d"
before="$(snapshot "$d")"
(cd "$d" && MEGABAR_FAULT=scf-iteration:3 exec "$megabar" run md.toml > run1.log 2>&1)
rc=$?
[[ $rc -eq 137 ]] || fail "new run killed in its first SCF: exit status $rc, expected 137"
if [[ "$(snapshot "$d")" == "$before" ]] && no_temporaries "$d" "new run killed in its first SCF"; then
  echo "ok: a new run killed (-9) in its first SCF leaves the earlier run's outputs untouched"
  passed=$((passed + 1))
else
  fail "a new run killed in its first SCF changed the earlier run's outputs"
fi

# wait_for FILE PATTERN PID: until FILE holds PATTERN (or the process is gone).
wait_for() {
  for _ in $(seq 1 600); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

d="$work/rerun-stopped"
cp -r "$work/ref" "$d"
before="$(snapshot "$d")"
(cd "$d" && MEGABAR_SCF_LOG=1 exec "$megabar" run md.toml > run1.log 2>&1) &
pid=$!
wait_for "$d/run1.log" "scf   1" $pid  # the first SCF iteration of the start is done: the SCF is under way
kill -TERM $pid
wait $pid
rc=$?
if [[ $rc -eq 75 ]] && grep -q "before the first step" "$d/run1.log" && [[ "$(snapshot "$d")" == "$before" ]]; then
  echo "ok: a new run stopped by SIGTERM in its first SCF exits 75 and leaves the earlier run's outputs untouched"
  passed=$((passed + 1))
else
  fail "new run stopped in its first SCF: exit status $rc (expected 75), outputs $([[ "$(snapshot "$d")" == "$before" ]] && echo kept || echo CHANGED)"
  tail -3 "$d/run1.log" >&2
fi

# 3. An SCF task stopped by SIGTERM.
d="$work/scf-stopped"
mkdir -p "$d/out"
sed -e 's/^task = "md"/task = "scf"/' -e '/^\[md\]/,/^checkpoint_every/d' -e 's/1e-9 Ha/1e-12 Ha/' "$work/ref/md.toml" > "$d/scf.toml"
echo '{"earlier": "result"}' > "$d/out/results.json"
(cd "$d" && exec "$megabar" run scf.toml > run.log 2>&1) &
pid=$!
wait_for "$d/run.log" "^ *2 " $pid  # iteration 2 printed
kill -TERM $pid
wait $pid
rc=$?
if [[ $rc -eq 75 ]] && grep -q "no results written" "$d/run.log" && grep -q earlier "$d/out/results.json"; then
  echo "ok: an SCF task stopped by SIGTERM exits 75 and keeps the earlier results.json"
  passed=$((passed + 1))
else
  fail "SCF task stopped by SIGTERM: exit status $rc (expected 75)"
  tail -3 "$d/run.log" >&2
fi

# 3b. A relaxation stopped by SIGTERM after its first steps: exit 75, the last structure in final.extxyz and
# results.json saying so.
d="$work/relax-stopped"
mkdir -p "$d"
sed -e 's/^task = "md"/task = "relax"/' -e '/^\[md\]/,/^checkpoint_every/d' "$work/ref/md.toml" > "$d/relax.toml"
printf '[relax]\nforce_tolerance = "1e-9 Ha/bohr"\nmax_steps = 50\n' >> "$d/relax.toml"
(cd "$d" && exec "$megabar" run relax.toml > run.log 2>&1) &
pid=$!
wait_for "$d/out/relax.log" "^ *1 " $pid  # step 1 logged
kill -TERM $pid
wait $pid
rc=$?
if [[ $rc -eq 75 ]] && [[ -s "$d/out/final.extxyz" ]] &&
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["relax"]; sys.exit(0 if r["stopped_by_signal"] and not r["converged"] else 1)' "$d/out/results.json" &&
  no_temporaries "$d" "relaxation stopped by SIGTERM"; then
  echo "ok: a relaxation stopped by SIGTERM exits 75 with its last structure in final.extxyz"
  passed=$((passed + 1))
else
  fail "relaxation stopped by SIGTERM: exit status $rc (expected 75) or final.extxyz/results.json missing"
  tail -3 "$d/run.log" >&2
fi

# 4. A full disk while a continued run writes. The run is stopped at step 2 by md.steps, then continued to
# N with too little room for the next checkpoint; then continued again with room.
# full_disk_case DIR LABEL RUNNER...: RUNNER runs the continuation with too little room; then the function
# named by $make_room (if set) gives room again before the last --restart.
make_room=""
full_disk_case() {
  local d="$1" label="$2"
  shift 2
  local ck_before
  ck_before="$(md5sum < "$d/out/checkpoint.h5")"
  "$@" > "$d/full.log" 2>&1
  local rc=$?
  local ok=1
  [[ $rc -eq 1 ]] || { fail "$label: exit status $rc, expected 1"; ok=0; }
  grep -q -i -E "too large|no space" "$d/full.log" || { fail "$label: the message does not give the reason"; ok=0; }
  grep -q -E "checkpoint.h5|trajectory" "$d/full.log" || { fail "$label: the message does not name the file"; ok=0; }
  [[ "$(md5sum < "$d/out/checkpoint.h5")" == "$ck_before" ]] || { fail "$label: the last good checkpoint changed"; ok=0; }
  no_temporaries "$d" "$label" || ok=0
  [[ $ok -eq 1 ]] || { tail -5 "$d/full.log" >&2; [[ -n $make_room ]] && $make_room; return; }
  [[ -n $make_room ]] && $make_room
  (cd "$d" && "$megabar" run md.toml --restart > run3.log 2>&1) || { cat "$d/run3.log" >&2; fail "$label: --restart with room again failed"; return; }
  same_as_reference "$d" "$label: exit 1 naming the file and reason, checkpoint kept, then continued"
}

checkpoint_kb() {  # DIR: the checkpoint's size in KiB, rounded up
  echo $(( ($(stat -c %s "$1/out/checkpoint.h5") + 1023) / 1024 ))
}

d="$work/fsize"
md_restart_input "$d" 2
(cd "$d" && "$megabar" run md.toml > run1.log 2>&1) || fail "file-size limit: first part"
md_restart_input "$d" $N
# No file may grow beyond half a checkpoint (SIGXFSZ ignored, so writes fail with EFBIG instead of killing).
limit=$(( $(checkpoint_kb "$d") / 2 ))
full_disk_case "$d" "file size limit (EFBIG)" \
  bash -c 'trap "" XFSZ; ulimit -f '"$limit"'; cd "$1" && exec "$2" run md.toml --restart' _ "$d" "$megabar"

d="$work/tmpfs"
md_restart_input "$d" 2
(cd "$d" && "$megabar" run md.toml > run1.log 2>&1) || fail "tmpfs: first part"
md_restart_input "$d" $N
mnt="$work/tmpfs-mount"
mkdir -p "$mnt"
# Room for the outputs so far and a bit more, not for the temporary of the next checkpoint beside the old one.
used_kb=$(du -sk "$d/out" | cut -f1)
size_kb=$(( used_kb + $(checkpoint_kb "$d") / 2 ))
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=${size_kb}k tmpfs "$mnt" 2>/dev/null; then
  trap 'umount "$mnt" 2>/dev/null; rm -rf "$work"' EXIT
  cp -a "$d/out/." "$mnt/"
  rm -rf "$d/out"
  ln -s "$mnt" "$d/out"
  # Room again: the files back onto the disk, the tmpfs unmounted.
  tmpfs_room() {
    rm "$d/out"
    mkdir "$d/out"
    cp -a "$mnt/." "$d/out/"
    umount "$mnt"
  }
  make_room=tmpfs_room
  full_disk_case "$d" "full tmpfs (ENOSPC)" bash -c 'cd "$1" && exec "$2" run md.toml --restart' _ "$d" "$megabar"
  make_room=""
else
  echo "skipped: full tmpfs case (mounting a tmpfs needs root with CAP_SYS_ADMIN here; the file-size limit case above covers the same code paths)"
fi

echo "robustness kill points: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
