#!/usr/bin/env bash
# Robustness corpus of bad inputs (registered with CTest as "robustness_corpus"):
#
#   tests/robustness/bad_inputs.sh PATH/TO/megabar
#
# Runs every case of tests/robustness/cases.txt (TOML syntax, units, values, structures, pseudopotentials,
# checkpoints, trajectories, campaigns), each in its own folder under a temporary directory, and checks:
#   - the exit status is exactly the expected one (1: bad input); never a signal (>= 128), never a hang
#     (each call runs under `timeout 60`; a timeout is a failure);
#   - the error output (stderr, where megabar and CLI11 print their messages) contains the expected fragment
#     (grep -i -F), the part of the message that names the file, the key or the line (stdout is not searched:
#     progress lines there name files too and would hide a message that names nothing);
#   - no results.json is written, and a results.json that was there before the run (a good 20 Ry SCF's, or
#     the checkpoint run's) is still there byte-identical; `megabar analyze` does not create its --output;
#   - no *.tmp* file is left anywhere in the case's folder.
# Two real runs are made once at the start (a 20 Ry SCF of inputs/b2o3-I, ~1 s, and a 2-step 20 Ry NVT MD
# with a checkpoint every step, ~2 s); the checkpoint and trajectory cases use copies of their outputs.
#
# Adding a case: one line in cases.txt,
#   CATEGORY | NAME | STATUS | FRAGMENT | BASE | SETUP
# BASE is the starting point copied into the case's folder (see `new_case` below):
#   scf       tests/robustness/data/scf.toml (20 Ry SCF of inputs/b2o3-I/cell.extxyz, GTH-PBE pair); runs `run scf.toml`
#   md        data/md.toml (2-step NVT); runs `run md.toml`
#   restart   data/md.toml plus the checkpoint run's out/ (checkpoint.h5, trajectory files, results.json);
#             runs `run md.toml --restart`
#   campaign  data/campaign.toml (3 stages) with md.toml as its base input; runs `campaign campaign.toml`
#   analyze   the checkpoint run's trajectory as traj.extxyz and traj.h5; runs `analyze traj.extxyz --output ana`
# Every base folder also holds cell.extxyz, B-GTH-PBE.gth, O-GTH-PBE.gth and the files of data/.
# SETUP is bash run in the case's folder ($input is the base's input file) before megabar; helpers:
#   set_key KEY VALUE [FILE]   set the TOML key (dotted, e.g. dft.ecut or md.masses.B) to the raw TOML VALUE
#   del_key KEY [FILE]         remove the key's line
#   append TEXT [FILE]         append TEXT (printf %b: \n is a newline) to the input
#   edit SED-EXPR [FILE]       sed -i on the input (or FILE)
#   put FILE TEXT              write TEXT (printf %b) to FILE
#   cmd ARGS...                run `megabar ARGS...` instead of the base's command
#   keep_results               copy the good SCF's results.json into out/ first (it must survive unchanged)
#   cut_to FILE N              keep the first N bytes of FILE (N < 0: all but the last -N; N%: a fraction)
#   zero_bytes FILE OFFSET N   overwrite N bytes from OFFSET (< 0: from the end) with zeros
#   damage FILE DATASET [BYTE] overwrite the stored bytes of an HDF5 dataset (default 0xff: NaN doubles);
#                              needs h5py (h5_damage.py), else the case is skipped
# STATUS is the expected exit status. "1 KNOWN" marks a case where megabar is known to behave wrongly: it is
# still checked against the correct expectation, but a failure prints KNOWN and does not fail the test.
# Set ROBUSTNESS_ONLY=REGEX to run only the cases whose CATEGORY/NAME matches, ROBUSTNESS_SHOW=1 to print every output,
# ROBUSTNESS_CASES=FILE to read another table.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../cli/common.sh"
cli_setup robustness "$@"
here="$root/tests/robustness"
cases_file="${ROBUSTNESS_CASES:-$here/cases.txt}"
export OMP_NUM_THREADS=1 MEGABAR_FFTW_ESTIMATE=1
export MEGABAR_FFT_PLAN_CACHE="$work/fft-plan-cache"
command -v timeout >/dev/null || { echo "FAIL: timeout (coreutils) is needed" >&2; exit 1; }
t_start=$SECONDS
# h5py (for `damage`): Debian's python3 has it (scripts/setup installs it); a python3 earlier on PATH may not.
h5py_python=python3
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c "import h5py" 2>/dev/null && h5py_python=/usr/bin/python3

# ---- base folders ---------------------------------------------------------------------------------------
base="$work/base"
mkdir -p "$base"
cp "$root/inputs/b2o3-I/cell.extxyz" "$root/inputs/pseudopotentials/B-GTH-PBE.gth" \
   "$root/inputs/pseudopotentials/O-GTH-PBE.gth" "$base/"
cp -r "$here/data/." "$base/"

# The good SCF: its results.json is what keep_results puts into a case's out/.
mkdir -p "$work/good" && cp -r "$base/." "$work/good/"
if ! (cd "$work/good" && timeout 120 "$megabar" run scf.toml) >"$work/good/log" 2>&1 ||
   [[ ! -s "$work/good/out/results.json" ]]; then
  cat "$work/good/log" >&2
  echo "FAIL: the good 20 Ry SCF run failed; no case can be checked" >&2
  exit 1
fi
good_results="$work/good/out/results.json"

# The checkpoint run: 2 NVT steps, a checkpoint at every step.
ckpt="$work/ckpt"
mkdir -p "$ckpt" && cp -r "$base/." "$ckpt/"
if ! (cd "$ckpt" && timeout 120 "$megabar" run md.toml) >"$ckpt/log" 2>&1 ||
   [[ ! -s "$ckpt/out/checkpoint.h5" || ! -s "$ckpt/out/trajectory.h5" ]]; then
  cat "$ckpt/log" >&2
  echo "FAIL: the 2-step checkpoint run failed; no case can be checked" >&2
  exit 1
fi
echo "good SCF and checkpoint runs done in $((SECONDS - t_start)) s"

# ---- helpers for SETUP ----------------------------------------------------------------------------------
# set_key KEY VALUE [FILE]: replaces the key's line in its table, or adds it at the end of the table, or
# adds the table at the end of the file. VALUE is raw TOML (quote strings: '"80 Ry"').
set_key() {
  local key="$1" file="${3:-$input}" table="" name="$1"
  if [[ $key == *.* ]]; then table="${key%.*}"; name="${key##*.}"; fi
  T="$table" K="$name" V="$2" awk '
    BEGIN { table = ENVIRON["T"]; name = ENVIRON["K"]; line = name " = " ENVIRON["V"]; cur = "" }
    /^[[:space:]]*\[/ {
      if (cur == table && !done) { print line; done = 1 }
      h = $0; sub(/^[[:space:]]*\[+[[:space:]]*/, "", h); sub(/[[:space:]]*\]+[[:space:]]*(#.*)?$/, "", h); cur = h
    }
    cur == table && !done && $0 ~ "^[[:space:]]*" name "[[:space:]]*=" { print line; done = 1; next }
    { print }
    END { if (!done) { if (cur != table) print "\n[" table "]"; print line } }
  ' "$file" >"$file.new" && mv "$file.new" "$file"
}
# del_key KEY [FILE]: removes the key's line from its table.
del_key() {
  local key="$1" file="${2:-$input}" table="" name="$1"
  if [[ $key == *.* ]]; then table="${key%.*}"; name="${key##*.}"; fi
  T="$table" K="$name" awk '
    BEGIN { table = ENVIRON["T"]; name = ENVIRON["K"]; cur = "" }
    /^[[:space:]]*\[/ { h = $0; sub(/^[[:space:]]*\[+[[:space:]]*/, "", h); sub(/[[:space:]]*\]+[[:space:]]*(#.*)?$/, "", h); cur = h }
    cur == table && $0 ~ "^[[:space:]]*" name "[[:space:]]*=" { next }
    { print }
  ' "$file" >"$file.new" && mv "$file.new" "$file"
}
append() { printf '%b\n' "$1" >>"${2:-$input}"; }
edit() { sed -i -e "$1" "${2:-$input}"; }
put() { printf '%b' "$2" >"$1"; }
cmd() { args=("$@"); }
keep_results() { mkdir -p out && cp "$good_results" out/results.json; }
# damage FILE DATASET [BYTE]: overwrites the dataset's stored bytes (0xff: NaN); skips the case without h5py.
damage() {
  "$h5py_python" "$here/h5_damage.py" "$@"
  local rc=$?
  [[ $rc -eq 77 ]] && skip_case=1
  return $rc
}
# zero_bytes FILE OFFSET COUNT: overwrites COUNT bytes from OFFSET (negative: from the end) with zeros.
zero_bytes() {
  local size offset="$2"
  size=$(stat -c %s "$1")
  ((offset < 0)) && offset=$((size + offset))
  dd if=/dev/zero of="$1" bs=1 seek="$offset" count="$3" conv=notrunc status=none
}
# cut_to FILE BYTES: keeps the first BYTES bytes (negative: all but the last -BYTES; P%: P percent).
cut_to() {
  local size n="$2"
  size=$(stat -c %s "$1")
  [[ $n == *% ]] && n=$((size * ${n%\%} / 100))
  ((n < 0)) && n=$((size + n))
  head -c "$n" "$1" >"$1.cut" && mv "$1.cut" "$1"
}

# new_case CATEGORY/NAME BASE: the case's folder $work/cases/CATEGORY/NAME with the base's files; sets d, input, args.
new_case() {
  local name="$1" kind="$2"
  d="$work/cases/$name"
  mkdir -p "$d"
  cp -r "$base/." "$d/"
  case "$kind" in
    scf) input=scf.toml; args=(run scf.toml) ;;
    md) input=md.toml; args=(run md.toml) ;;
    restart) input=md.toml; args=(run md.toml --restart); cp -r "$ckpt/out" "$d/out" ;;
    campaign) input=campaign.toml; args=(campaign campaign.toml) ;;
    analyze)
      input=traj.extxyz; args=(analyze traj.extxyz --output ana)
      cp "$ckpt/out/trajectory.extxyz" "$d/traj.extxyz"
      cp "$ckpt/out/trajectory.h5" "$d/traj.h5"
      ;;
    *) return 1 ;;
  esac
}

# results_state DIR: "checksum path" of every results.json under DIR.
results_state() { (cd "$1" && find . -name results.json -type f -exec md5sum {} + | sort -k2); }

trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; s="${s%"${s##*[![:space:]]}"}"; printf '%s' "$s"; }

# ---- the corpus -----------------------------------------------------------------------------------------
declare -A per_category=() seen=()
categories=()
total=0 skipped=0 known_failures=0 known_fixed=0 slow=()
while IFS= read -r raw || [[ -n $raw ]]; do
  [[ -z "$(trim "$raw")" || "$(trim "$raw")" == \#* ]] && continue
  IFS='|' read -r f_cat f_name f_status f_fragment f_base f_setup <<<"$raw"
  category=$(trim "$f_cat"); name=$(trim "$f_name"); status_spec=$(trim "$f_status")
  fragment=$(trim "$f_fragment"); kind=$(trim "$f_base"); setup=$(trim "${f_setup:-}")
  if [[ -n ${ROBUSTNESS_ONLY:-} && ! $category/$name =~ $ROBUSTNESS_ONLY ]]; then continue; fi
  expected=${status_spec%% *}
  is_known=0
  [[ $status_spec == *KNOWN* ]] && is_known=1
  if [[ -z $name || -z $fragment || ! $expected =~ ^[0-9]+$ ]]; then
    fail "cases.txt: malformed line: $raw"
    continue
  fi
  if [[ -n ${seen[$category/$name]+x} ]]; then
    fail "cases.txt: two cases are named '$category/$name'"
    continue
  fi
  seen[$category/$name]=1
  if [[ -z ${per_category[$category]+x} ]]; then categories+=("$category"); per_category[$category]=0; fi
  per_category[$category]=$((per_category[$category] + 1))
  total=$((total + 1))

  if ! new_case "$category/$name" "$kind"; then fail "$category/$name: unknown base '$kind'"; continue; fi
  # SETUP runs in this shell (cmd sets args), in the case's folder
  skip_case=0
  cd "$d" || exit 1
  eval "$setup" >"$d/setup.log" 2>&1 </dev/null
  setup_rc=$?
  cd "$work" || exit 1
  if [[ $skip_case -eq 1 ]]; then
    skipped=$((skipped + 1))
    echo "skip $category/$name: $(head -n1 "$d/setup.log")"
    continue
  fi
  if [[ $setup_rc -ne 0 ]]; then
    fail "$category/$name: the setup failed: $(cat "$d/setup.log")"
    continue
  fi
  before=$(results_state "$d")
  t0=$SECONDS
  (cd "$d" && exec timeout 60 "$megabar" "${args[@]}") >"$d/stdout" 2>"$d/stderr" </dev/null
  rc=$?
  cat "$d/stderr" "$d/stdout" >"$d/log"
  elapsed=$((SECONDS - t0))
  ((elapsed > 10)) && slow+=("$category/$name (${elapsed} s)")

  problems=()
  if [[ $rc -eq 124 ]]; then
    problems+=("did not finish within 60 s (hang)")
  elif [[ $rc -ge 128 ]]; then
    problems+=("killed by signal $((rc - 128)) (exit $rc), expected exit $expected")
  elif [[ $rc -ne $expected ]]; then
    problems+=("exit status $rc, expected $expected")
  fi
  grep -q -i -F -- "$fragment" "$d/stderr" || problems+=("the error output (stderr) does not contain '$fragment'")
  after=$(results_state "$d")
  if [[ "$after" != "$before" ]]; then
    if [[ -z "$before" ]]; then
      problems+=("results.json written: $(tr '\n' ' ' <<<"$after")")
    else
      problems+=("results.json changed or lost: before [$(tr '\n' ' ' <<<"$before")] after [$(tr '\n' ' ' <<<"$after")]")
    fi
  fi
  leftovers=$(cd "$d" && find . -name '*.tmp*' | tr '\n' ' ')
  [[ -n $leftovers ]] && problems+=("temporary files left behind: $leftovers")
  [[ $kind == analyze && -e "$d/ana" ]] && problems+=("analyze created its --output directory")

  first=$(grep -i -m1 -F -- "$fragment" "$d/stderr" || grep -i -m1 error "$d/log" || head -n1 "$d/log")
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
    if [[ $is_known -eq 1 ]]; then
      known_fixed=$((known_fixed + 1))
      echo "ok   $category/$name (exit $rc) passes now: remove KNOWN from cases.txt"
    else
      echo "ok   $category/$name (exit $rc): ${first:0:160}"
    fi
  elif [[ $is_known -eq 1 ]]; then
    known_failures=$((known_failures + 1))
    echo "KNOWN $category/$name: $(IFS=';'; echo "${problems[*]}")"
    echo "      megabar ${args[*]}: ${first:0:200}"
  else
    fail "$category/$name: $(IFS=';'; echo "${problems[*]}")"
    echo "---- megabar ${args[*]} in $d; setup: $setup; output:" >&2
    head -c 3000 "$d/log" >&2
    echo >&2
  fi
  if [[ -n ${ROBUSTNESS_SHOW:-} ]]; then
    echo "     [$category/$name] exit $rc, megabar ${args[*]}"
    head -n 8 "$d/log" | cut -c1-300 | sed 's/^/     | /'
  fi
done <"$cases_file"

summary=""
for c in "${categories[@]}"; do summary+="${summary:+, }$c ${per_category[$c]}"; done
echo
((${#slow[@]} > 0)) && echo "slow cases (over 10 s): ${slow[*]}"
echo "robustness corpus: $total cases (categories: $summary), $passed passed, $failures failed," \
     "$known_failures known issues, $skipped skipped, $((SECONDS - t_start)) s"
((known_fixed > 0)) && echo "$known_fixed case(s) marked KNOWN pass now"
[[ $failures -eq 0 ]]
