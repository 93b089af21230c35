#!/usr/bin/env bash
# scripts/device-check without a GPU: (1) it must say so and exit 3 within seconds; (2) its whole flow,
# rehearsed with the CPU build standing in for the CUDA one (small sizes), must pass and write a report
# whose CPU-vs-"GPU" comparisons are within the tolerances. Argument: the megabar executable (its folder
# holds megabar_tests).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cli_setup device-check "$@"

if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  echo "a GPU is present: the no-GPU check does not apply here"
else
  t0=$SECONDS
  PATH="/usr/bin:/bin" "$root/scripts/device-check" "$work/nogpu" >"$work/nogpu.log" 2>&1
  rc=$?
  [[ $rc -eq 3 ]] || fail "without a GPU: exit $rc, expected 3"
  (( SECONDS - t0 <= 10 )) || fail "without a GPU: took $((SECONDS - t0)) s"
  grep -q "no NVIDIA GPU" "$work/nogpu.log" || fail "without a GPU: the message does not say so: $(cat "$work/nogpu.log")"
  [[ $failures -eq 0 ]] && echo "ok   no GPU: exit 3 in $((SECONDS - t0)) s"
fi

# The rehearsal uses build/megabar and build/megabar_tests: point it at the build under test.
bdir="$(cd "$(dirname "$megabar")" && pwd)"
if [[ "$bdir" != "$root/build" ]]; then
  echo "the rehearsal needs the build in $root/build (got $bdir); skipped"
  exit $((failures > 0))
fi
"$root/scripts/device-check" "$work/rehearsal" --rehearse-on-cpu --no-bundle --skip cli,profile --sizes 15 \
  --time-limit 400 >"$work/rehearsal.log" 2>&1
rc=$?
[[ $rc -eq 0 ]] || { fail "rehearsal: exit $rc"; tail -40 "$work/rehearsal.log" >&2; }
for f in device-check.json device-check.md gtest.json bench-gpu.json; do
  [[ -s "$work/rehearsal/$f" ]] || fail "rehearsal: no $f"
done
python3 - "$work/rehearsal/device-check.json" <<'PY' || fail "rehearsal: report incomplete"
import json, sys
r = json.load(open(sys.argv[1]))
ph = r["phases"]
assert r["passed"] is True, "not passed"
assert ph["tests"]["tests"] > 0 and ph["tests"]["failures"] == 0, ph["tests"]
cases = ph["compare"]["cases"]
assert len(cases) == 5 and all(c["passed"] for c in cases), cases
assert all(c["dE_Ha"] <= 1e-8 and c["max_dF_Ha_per_bohr"] <= 1e-7 for c in cases)
b = ph["bench"]["cases"]
assert b and b[0]["ok"] and b[0]["md_step_s"] > 0 and b[0]["predicted_peak_bytes"] >= b[0]["measured_peak_bytes"] > 0, b
print(f"ok   rehearsal: {ph['tests']['tests']} tests, 5 comparisons (max |dE| {max(c['dE_Ha'] for c in cases):.1e} Ha), "
      f"bench 15 atoms {b[0]['md_step_s']:.2f} s/step")
PY
exit $((failures > 0))
