#!/usr/bin/env bash
# Tests of the shipped MD campaigns and their Slurm scripts (registered with CTest as "campaign_inputs"):
#
#   tests/cli/test_campaign_inputs.sh PATH/TO/megabar
#
# 1. inputs/a-b2o3-ramp-cpu and inputs/a-b2o3-ramp-gpu: `megabar campaign campaign.toml --list` lists
#    the expected stages, in order, all pending (on fresh copies, so a demo run in the tree does not matter).
# 2. The Slurm scripts pass `bash -n` (and shellcheck where installed); submit-campaign chains the
#    stages with afterok (fake sbatch); pressure-array.sbatch writes the right input per array index and
#    chooses --restart when a checkpoint exists (fake megabar); campaign-stage.sbatch passes USR1 on to
#    megabar and requeues on exit 75 (fake megabar, fake scontrol).
# 3. scripts/make-b2o3-cells: its self-test (built-in cell == shared CIF == inputs/b2o3-I), and the
#    shipped structure files are what the commands in the md-base.toml comments produce.
# 4. The CPU campaign for real, shrunk (GTH pair at 20 Ry, 2-6 steps a stage, 1 thread): every stage input is read
#    by megabar, the stages chain; SIGUSR1 stops a stage with a checkpoint (exit 75, "interrupted"),
#    also through campaign-stage.sbatch, and the next call resumes it; at the end every stage is finished
#    and submit-campaign has nothing to submit. Set MEGABAR_TEST_SKIP_RUN=1 to skip this part.
# Everything runs in a temporary folder.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cli_setup campaign "$@"
slurm="$root/scripts/slurm"
export OMP_NUM_THREADS=1 MEGABAR_FFTW_ESTIMATE=1

ok() {
  echo "ok   $*"
  passed=$((passed + 1))
}

# copy_inputs DEST: the two campaigns (without any out/ folder) and the pseudopotentials, as in the tree.
copy_inputs() {
  mkdir -p "$1/inputs"
  cp -r "$root/inputs/pseudopotentials" "$1/inputs/"
  for c in a-b2o3-ramp-cpu a-b2o3-ramp-gpu; do
    mkdir -p "$1/inputs/$c"
    find "$root/inputs/$c" -maxdepth 1 -type f -exec cp {} "$1/inputs/$c/" \;
  done
}

# stage_states FILE: "name state" per stage line of `megabar campaign FILE --list`.
stage_states() {
  "$megabar" campaign "$1" --list | awk '$1 ~ /^[0-9]+$/ { print $2, $3 }'
}

# ---- 1. the campaigns list their stages, all pending -----------------------------------------------
copy_inputs "$work/list"
cpu_stages="melt quench-1500 quench-300 compress-0 compress-5 compress-20 compress-50 compress-100 compress-150 compress-220 anneal sample"
gpu_stages="melt quench-2000 quench-1000 quench-300"
for p in 0 20 60 100 150 220; do gpu_stages="$gpu_stages anneal-$p sample-$p pdos-$p"; done
for c in cpu gpu; do
  file="$work/list/inputs/a-b2o3-ramp-$c/campaign.toml"
  expected=$([[ $c == cpu ]] && echo "$cpu_stages" || echo "$gpu_stages")
  if ! out=$("$megabar" campaign "$file" --list 2>&1); then
    fail "$c: megabar campaign --list failed:"
    echo "$out" >&2
    continue
  fi
  names=$(awk '$1 ~ /^[0-9]+$/ { printf "%s%s", sep, $2; sep = " " }' <<<"$out")
  states=$(awk '$1 ~ /^[0-9]+$/ { print $3 }' <<<"$out" | sort -u | tr '\n' ' ')
  dirs_ok=$(awk -v d="$(dirname "$file")/out/" '$1 ~ /^[0-9]+$/ { if (index($NF, d) != 1 || $NF !~ sprintf("/%02d-%s$", $1, $2)) bad = 1 } END { print bad ? "no" : "yes" }' <<<"$out")
  if [[ $names != "$expected" ]]; then
    fail "$c: stages are '$names', expected '$expected'"
  elif [[ $states != "pending " ]]; then
    fail "$c: stage states are '$states', expected all pending"
  elif [[ $dirs_ok != yes ]]; then
    fail "$c: stage folders are not out/NN-NAME beside the campaign:"
    echo "$out" >&2
  else
    ok "$c campaign: $(wc -w <<<"$names") stages, all pending"
  fi
done

# ---- 2. Slurm scripts ---------------------------------------------------------------------------------
for s in "$slurm"/campaign-stage.sbatch "$slurm"/pressure-array.sbatch "$slurm"/submit-campaign; do
  if bash -n "$s"; then ok "bash -n $(basename "$s")"; else fail "bash -n $s"; fi
  if command -v shellcheck >/dev/null 2>&1; then
    if shellcheck "$s" >"$work/shellcheck.log" 2>&1; then ok "shellcheck $(basename "$s")"
    else fail "shellcheck $s:"; cat "$work/shellcheck.log" >&2; fi
  fi
done

# Fake Slurm commands and a fake megabar for the scripts' logic.
fake="$work/fake"
mkdir -p "$fake"
cat >"$fake/sbatch" <<EOF
#!/usr/bin/env bash
n=\$(( \$(cat "$fake/jobcount" 2>/dev/null || echo 100) + 1 ))
echo "\$n" >"$fake/jobcount"
echo "\$*" >>"$fake/sbatch.log"
echo "\$n;cluster"
EOF
cat >"$fake/scontrol" <<EOF
#!/usr/bin/env bash
echo "\$*" >>"$fake/scontrol.log"
EOF
# fake-megabar: "campaign ..." stops with 75 on USR1/TERM (else exits 0 after 10 s); "run ..." records its call.
cat >"$fake/fake-megabar" <<EOF
#!/usr/bin/env bash
echo "\$PWD: \$*" >>"$fake/megabar.log"
[[ \$1 == run ]] && exit 0
stop=0
trap 'stop=1' USR1 TERM
touch "$fake/started"
for _ in \$(seq 1 100); do sleep 0.1; ((stop)) && exit 75; done
exit 0
EOF
chmod +x "$fake"/*

# submit-campaign: 12 jobs, each after the previous one.
rm -f "$fake/sbatch.log"
if ! out=$(PATH="$fake:$PATH" "$slurm/submit-campaign" --megabar "$megabar" --after 42 --time melt=1:00:00 \
              "$work/list/inputs/a-b2o3-ramp-cpu/campaign.toml" -- --partition=test 2>&1); then
  fail "submit-campaign failed:"
  echo "$out" >&2
elif ! python3 - "$fake/sbatch.log" "$cpu_stages" <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
stages = sys.argv[2].split()
assert len(lines) == len(stages), (len(lines), lines)
for i, (line, name) in enumerate(zip(lines, stages)):
    a = line.split()
    assert a[-1] == name and a[-2].endswith("/campaign.toml") and a[-3].endswith("/campaign-stage.sbatch"), line
    dep = [x for x in a if x.startswith("--dependency=")]
    assert dep == ["--dependency=afterok:%d" % (42 if i == 0 else 100 + i)], (line, dep)
    assert "--partition=test" in a and "--parsable" in a, line
    assert ("--time=1:00:00" in a) == (name == "melt"), line
    assert any(x.startswith("--output=") and x.endswith("-%s.out" % name) for x in a), line
EOF
then
  fail "submit-campaign: wrong sbatch calls:"
  cat "$fake/sbatch.log" >&2
else
  ok "submit-campaign: 12 sbatch calls chained with afterok"
fi
if PATH="$fake:$PATH" "$slurm/submit-campaign" --megabar "$megabar" --time nosuchstage=1:00 \
     "$work/list/inputs/a-b2o3-ramp-cpu/campaign.toml" >/dev/null 2>&1; then
  fail "submit-campaign accepted --time for a stage that does not exist"
else
  ok "submit-campaign refuses --time for an unknown stage"
fi
# A stage running in another job (its stage.lock held by a live process, here this shell as job 4242) is not
# submitted again; the next stage waits for that job.
list_out="$work/list/inputs/a-b2o3-ramp-cpu/out/01-melt"
mkdir -p "$list_out"
echo "pid=$$ host=$(uname -n) job=4242 started=2026-12-05T00:00:00Z" >"$list_out/stage.lock"
rm -f "$fake/sbatch.log"
if ! out=$(PATH="$fake:$PATH" "$slurm/submit-campaign" --megabar "$megabar" \
              "$work/list/inputs/a-b2o3-ramp-cpu/campaign.toml" 2>&1); then
  fail "submit-campaign with a running stage failed:"
  echo "$out" >&2
elif ! grep -q "melt: running in job 4242, not submitted" <<<"$out" ||
  [[ $(wc -l <"$fake/sbatch.log") -ne $(($(wc -w <<<"$cpu_stages") - 1)) ]] ||
  ! head -1 "$fake/sbatch.log" | grep -q -- "--dependency=afterok:4242"; then
  fail "submit-campaign: a running stage was submitted again, or the next stage does not wait for its job:"
  echo "$out" >&2
  cat "$fake/sbatch.log" >&2
else
  ok "submit-campaign skips a stage running in another job and chains the next after it"
fi
rm -rf "$list_out"

# pressure-array.sbatch: index 1 of the GPU list -> p20GPa/npt.toml; a checkpoint -> --restart.
pa="$work/list/inputs/a-b2o3-ramp-gpu"
mkdir -p "$pa/out/09-sample-20" && : >"$pa/out/09-sample-20/final.extxyz"
echo '# made from @TEMPLATE_DIR@' >>"$pa/npt-sample.toml.in"  # the shipped template no longer uses it
rm -f "$fake/megabar.log"
run_array() { (cd "$work" && SLURM_ARRAY_TASK_ID=$1 MEGABAR="$fake/fake-megabar" bash "$slurm/pressure-array.sbatch" \
                 "$pa/npt-sample.toml.in" "$pa/pressures.txt") >"$work/array.log" 2>&1; }
run_array 1
rc=$?
input="$pa/out-pressures/p20GPa/npt.toml"
if [[ $rc -ne 0 || ! -f $input ]]; then
  fail "pressure-array index 1: exit $rc, input $input missing"
  cat "$work/array.log" >&2
elif grep -q '@[A-Z_]*@' "$input" || ! grep -q '^pressure = "20 GPa"$' "$input" ||
     ! grep -q "^file = \"$pa/out/09-sample-20/final.extxyz\"$" "$input" ||
     ! grep -q '^O = "/usr/share/abinit/psp/Pseudodojo_nc_sr_04_pw_standard_psp8/O.psp8"$' "$input" ||
     ! grep -q "^# made from $pa\$" "$input"; then
  fail "pressure-array: wrong input:"
  cat "$input" >&2
elif [[ "$(cat "$fake/megabar.log")" != "$pa/out-pressures/p20GPa: run npt.toml" ]]; then
  fail "pressure-array: megabar called as '$(cat "$fake/megabar.log")'"
else
  : >"$pa/out-pressures/p20GPa/checkpoint.h5"
  rm -f "$fake/megabar.log"
  run_array 1
  if [[ "$(cat "$fake/megabar.log" 2>/dev/null)" != "$pa/out-pressures/p20GPa: run npt.toml --restart" ]]; then
    fail "pressure-array with a checkpoint: megabar called as '$(cat "$fake/megabar.log" 2>/dev/null)'"
  elif run_array 3; then
    fail "pressure-array index 3 ran although its start structure does not exist"
  elif ! grep -q "does not exist" "$work/array.log"; then
    fail "pressure-array index 3: no message about the missing start structure"
  else
    ok "pressure-array: input per index, --restart with a checkpoint, missing start refused"
  fi
fi
# a third column is the barostat target; RUN_ROOT as third argument
printf '# P START TARGET\n20 out/09-sample-20/final.extxyz -21.5\n' >"$pa/corrected.txt"
if ! (cd "$work" && SLURM_ARRAY_TASK_ID=0 MEGABAR="$fake/fake-megabar" bash "$slurm/pressure-array.sbatch" \
        "$pa/npt-sample.toml.in" "$pa/corrected.txt" "$work/corrected") >"$work/array.log" 2>&1; then
  fail "pressure-array with a TARGET column failed:"
  cat "$work/array.log" >&2
elif ! grep -q '^pressure = "-21.5 GPa"$' "$work/corrected/p20GPa/npt.toml"; then
  fail "pressure-array: the TARGET column did not become md.pressure"
else
  ok "pressure-array: TARGET column and RUN_ROOT argument"
fi

# campaign-stage.sbatch with the fake megabar: USR1 to the batch shell reaches megabar; exit 75 -> requeue.
rm -f "$fake/scontrol.log" "$fake/started"
(cd "$work" && PATH="$fake:$PATH" MEGABAR="$fake/fake-megabar" SLURM_JOB_ID=777 \
   exec bash "$slurm/campaign-stage.sbatch" c.toml melt) >"$work/stage.log" 2>&1 &
bpid=$!
for _ in $(seq 1 100); do [[ -f $fake/started ]] && break; sleep 0.05; done
sleep 0.2
kill -USR1 "$bpid"
wait "$bpid"
rc=$?
if [[ $rc -ne 75 ]]; then
  fail "campaign-stage.sbatch: exit $rc after USR1, expected 75 (from megabar)"
  cat "$work/stage.log" >&2
elif [[ "$(cat "$fake/scontrol.log" 2>/dev/null)" != "requeue 777" ]]; then
  fail "campaign-stage.sbatch: no 'scontrol requeue 777' after exit 75"
  cat "$work/stage.log" >&2
else
  ok "campaign-stage.sbatch: USR1 forwarded to megabar, exit 75 requeues the job"
fi

# ---- 3. make-b2o3-cells ---------------------------------------------------------------------------------
if ! "$root/scripts/make-b2o3-cells" --self-test >"$work/cells.log" 2>&1; then
  if grep -q "numpy is missing" "$work/cells.log"; then
    echo "skip make-b2o3-cells (no numpy)"
  else
    fail "make-b2o3-cells --self-test:"
    cat "$work/cells.log" >&2
  fi
else
  ok "make-b2o3-cells --self-test"
  for f in a-b2o3-ramp-cpu/md-base.toml a-b2o3-ramp-gpu/md-base.toml; do
    dir="$root/inputs/$(dirname "$f")"
    cmd=$(sed -n 's/^# *\(scripts\/make-b2o3-cells .*\)$/\1/p' "$dir/md-base.toml")
    shipped="$dir/$(sed -n 's/^file = "\(.*\)"$/\1/p' "$dir/md-base.toml")"
    # the command as written in the comment (quotes included), run from the repository root
    if [[ -z $cmd ]] || ! bash -c "cd \"\$1\" && $cmd -o \"\$2\"" _ "$root" "$work/remade.extxyz" >"$work/cells.log" 2>&1; then
      fail "$f: could not rerun '$cmd'"
      cat "$work/cells.log" >&2
    elif ! python3 - "$shipped" "$work/remade.extxyz" <<'EOF'
import sys
a, b = (open(p).read().split() for p in sys.argv[1:])
def num(x):
    try:
        return float(x.strip('"').split('=')[-1])
    except ValueError:
        return None
assert len(a) == len(b), "different lengths"
for x, y in zip(a, b):
    u, v = num(x), num(y)
    assert (x == y) if u is None or v is None else abs(u - v) < 1e-6, (x, y)
EOF
    then
      fail "$f: $(basename "$shipped") differs from what '$cmd' writes"
    else
      ok "$(basename "$shipped") is reproduced by its command"
    fi
  done
fi

# ---- 4. the CPU campaign for real, shrunk ----------------------------------------------------------------
if [[ ${MEGABAR_TEST_SKIP_RUN:-0} == 1 ]]; then
  echo "skip the shrunk CPU campaign run (MEGABAR_TEST_SKIP_RUN=1)"
else
  copy_inputs "$work/run"
  dir="$work/run/inputs/a-b2o3-ramp-cpu"
  camp="$dir/campaign.toml"
  # mechanics only: the GTH pair at 20 Ry (the ONCV pair of the shipped input costs 8 times more here)
  sed -i -e 's/^ecut = .*/ecut = "20 Ry"\nxc = "PBE"/' -e 's|^B = ".*"|B = "../pseudopotentials/B-GTH-PBE.gth"|' \
      -e 's|^O = ".*"|O = "../pseudopotentials/O-GTH-PBE.gth"|' -e 's/^energy_tolerance = .*/energy_tolerance = "1e-6 Ha"/' -e 's/^threads = .*/threads = 1/' -e 's/^checkpoint_every = .*/checkpoint_every = 1/' \
      -e 's/^steps = .*/steps = 2/' "$dir/md-base.toml"
  sed -i 's/^steps = .*/steps = 2/' "$camp"
  # melt and quench-1500 long enough to be stopped by a signal in the middle
  python3 - "$camp" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
for name in ("melt", "quench-1500"):
    s = re.sub(r'(name = "%s"\n\[stage\.md\](?:\n[^\n\[]*)*?\n)steps = 2' % name, r'\1steps = 6', s, count=1)
open(p, "w").write(s)
EOF
  t0=$SECONDS
  # a) SIGUSR1 during the first stage: exit 75, checkpoint, state "interrupted".
  "$megabar" campaign "$camp" >"$work/run1.log" 2>&1 &
  mpid=$!
  # after the first checkpoint (a stop during a stage's first SCF leaves nothing to continue: still pending)
  for _ in $(seq 1 3000); do [[ -f $dir/out/01-melt/checkpoint.h5 ]] && break; sleep 0.05; done
  # While it runs: --list says so (with the process), and a second process refuses the stage.
  if ! "$megabar" campaign "$camp" --list 2>&1 | grep -Eq "melt +running \(pid $mpid on "; then
    fail "campaign --list does not show stage melt as running in pid $mpid"
    "$megabar" campaign "$camp" --list >&2
  else
    ok "campaign --list: a running stage is 'running (pid ... on HOST since ...)', from its stage.lock"
  fi
  if "$megabar" campaign "$camp" --stage melt >"$work/second.log" 2>&1 || ! grep -q "is running in pid $mpid" "$work/second.log"; then
    fail "a second process did not refuse the running stage melt"
    cat "$work/second.log" >&2
  else
    ok "a second process refuses a running stage (exit 1, naming the process and stage.lock)"
  fi
  kill -USR1 "$mpid"
  wait "$mpid"
  rc=$?
  if [[ $rc -ne 75 ]]; then
    fail "campaign: exit $rc after SIGUSR1 in stage melt, expected 75"
    tail -20 "$work/run1.log" >&2
  elif [[ "$(stage_states "$camp" | head -2 | tr '\n' ' ')" != "melt interrupted quench-1500 pending " ]]; then
    fail "campaign: states after the signal: $(stage_states "$camp" | head -2 | tr '\n' ' ')"
  else
    ok "campaign: SIGUSR1 stops stage melt with a checkpoint (exit 75, interrupted)"
  fi
  [[ -e $dir/out/01-melt/stage.lock ]] && fail "the stopped stage left its stage.lock behind"
  # b) --stage melt resumes it (replacing the stale lock of a process that no longer exists, as after a
  # kill -9); quench-1500 through campaign-stage.sbatch, stopped by USR1 to the batch shell.
  dead=$(sh -c 'echo $$')  # a process that has ended (a killed background job would run this shell's EXIT trap)
  echo "pid=$dead host=$(uname -n) job=- started=2026-01-01T00:00:00Z" >"$dir/out/01-melt/stage.lock"
  [[ "$(stage_states "$camp" | head -1)" == "melt interrupted" ]] || fail "a stale lock makes the stage look running"
  if ! "$megabar" campaign "$camp" --stage melt >"$work/run2.log" 2>&1 || ! grep -q "resuming" "$work/run2.log" ||
    ! grep -q "removing the stale lock" "$work/run2.log"; then
    fail "campaign --stage melt did not resume and finish melt"
    tail -20 "$work/run2.log" >&2
  else
    ok "campaign --stage melt resumes the interrupted stage"
  fi
  (cd "$work" && MEGABAR="$megabar" MEGABAR_REQUEUE=0 exec bash "$slurm/campaign-stage.sbatch" "$camp" quench-1500) \
    >"$work/run3.log" 2>&1 &
  bpid=$!
  for _ in $(seq 1 3000); do [[ -f $dir/out/02-quench-1500/checkpoint.h5 ]] && break; sleep 0.05; done
  kill -USR1 "$bpid"
  wait "$bpid"
  rc=$?
  if [[ $rc -ne 75 ]] || ! grep -q "passing it to megabar" "$work/run3.log"; then
    fail "campaign-stage.sbatch with megabar: exit $rc after USR1, expected 75"
    tail -20 "$work/run3.log" >&2
  elif [[ "$(stage_states "$camp" | sed -n 2p)" != "quench-1500 interrupted" ]]; then
    fail "campaign-stage.sbatch: quench-1500 is '$(stage_states "$camp" | sed -n 2p)', expected interrupted"
  elif ! "$megabar" campaign "$camp" --list | grep -Eq "quench-1500 +interrupted \(will resume\) +[1-5] of 6 steps"; then
    fail "campaign --list does not give the steps done of an interrupted stage:"
    "$megabar" campaign "$camp" --list >&2
  else
    ok "campaign-stage.sbatch: USR1 reaches megabar, stage checkpointed (exit 75)"
  fi
  # c) the rest of the campaign: every stage finished, with a final structure for the next one.
  if ! "$megabar" campaign "$camp" >"$work/run4.log" 2>&1; then
    fail "campaign: the remaining stages failed:"
    tail -30 "$work/run4.log" >&2
  else
    states=$(stage_states "$camp" | awk '{ print $2 }' | sort -u | tr '\n' ' ')
    missing=$(for d in "$dir"/out/*/; do [[ -f $d/final.extxyz && -f $d/results.json ]] || echo "$d"; done)
    nstages=$(find "$dir/out" -mindepth 1 -maxdepth 1 -type d | wc -l)
    if [[ $states != "finished " || -n $missing || $nstages -ne 12 ]]; then
      fail "campaign: states '$states', $nstages stage folders, missing files in: $missing"
    elif ! grep -Eq "^pressure = [\"']220 GPa[\"']$" "$dir/out/12-sample/stage.toml" ||
         ! grep -Eq "^file = [\"']$dir/out/11-anneal/final.extxyz[\"']$" "$dir/out/12-sample/stage.toml" ||
         ! grep -Eq "^initial_velocities = [\"']structure[\"']$" "$dir/out/12-sample/stage.toml"; then
      fail "campaign: stage sample's input does not start from anneal's final state at 220 GPa:"
      cat "$dir/out/12-sample/stage.toml" >&2
    else
      ok "campaign: all 12 stages finished and chained ($((SECONDS - t0)) s)"
      grep -Eq "campaign .*: all 12 stages finished \([0-9]+ run now, [0-9]+ finished before\) in [0-9.]+ h" \
        "$work/run4.log" || fail "campaign: no final summary line"
    fi
    if out=$(PATH="$fake:$PATH" "$slurm/submit-campaign" --megabar "$megabar" "$camp" 2>&1) && grep -q "nothing submitted" <<<"$out"; then
      ok "submit-campaign: nothing to submit for a finished campaign"
    else
      fail "submit-campaign on a finished campaign: $out"
    fi
  fi
fi

echo
echo "campaign_inputs: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
