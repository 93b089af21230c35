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
"$root/scripts/device-check" "$work/rehearsal" --work "$work/scratch" --rehearse-on-cpu --no-bundle --skip cli,profile \
  --sizes 15 --time-limit 400 >"$work/rehearsal.log" 2>&1
rc=$?
[[ $rc -eq 0 ]] || { fail "rehearsal: exit $rc"; tail -40 "$work/rehearsal.log" >&2; }
# What comes back from a device machine: at most 8 plain files, none over 16 MiB, no folders.
python3 - "$work/rehearsal" <<'PY' || fail "rehearsal: OUT_DIR holds more than a device machine returns"
import os, sys
out = sys.argv[1]
entries = os.listdir(out)
assert sorted(entries) == ["device-check.json", "device-check.md", "logs.tar.xz"], entries
for e in entries:
    p = os.path.join(out, e)
    assert os.path.isfile(p) and not os.path.islink(p) and 0 < os.path.getsize(p) < 16 << 20, p
PY
grep -q "^| smoke | \*\*passed\*\*" "$work/rehearsal/device-check.md" || fail "rehearsal: report lacks the smoke row"
for p in tests compare bench; do
  grep -Eq "^\| $p \| \*\*passed\*\* \| [0-9]+ passed, 0 failed, [0-9]+ skipped" "$work/rehearsal/device-check.md" ||
    fail "rehearsal: report row for $p missing or without passed/failed/skipped counts"
done
tar -tJf "$work/rehearsal/logs.tar.xz" >"$work/logs.list" || fail "rehearsal: logs.tar.xz unreadable"
grep -qx "gtest-0.json" "$work/logs.list" || fail "rehearsal: logs.tar.xz lacks the gtest JSON: $(head -c 300 "$work/logs.list")"
grep -q "^# megabar device check" "$work/rehearsal.log" || fail "rehearsal: the report was not printed on stdout"
python3 - "$work/rehearsal/device-check.json" <<'PY' || fail "rehearsal: report incomplete"
import json, sys
r = json.load(open(sys.argv[1]))
ph = r["phases"]
assert r["passed"] is True, "not passed"
assert ph["smoke"]["passed"] and len(ph["smoke"]["checks"]) >= 4, ph["smoke"]
t = ph["tests"]
assert t["tests"] > 0 and t["failures"] == 0 and t["passed_count"] + t["skipped_count"] == t["tests"], t
assert len(t["shards"]) == 2 and not t["unfinished"] and t["not_started"] == 0, t
cases = ph["compare"]["cases"]
# four QE cases, the ONCV cell (abinit-data's psp8 files, which scripts/setup installs) and the MD
assert len(cases) == 6 and all(c["passed"] for c in cases), cases
assert sum(c["case"].startswith("oncv-") for c in cases) == 1, [c["case"] for c in cases]
assert all(c["dE_Ha"] <= 1e-8 and c["max_dF_Ha_per_bohr"] <= 1e-7 for c in cases)
assert ph["cli"] == {"skipped": "--skip"} and ph["profile"] == {"skipped": "--skip"}, (ph["cli"], ph["profile"])
b = ph["bench"]["cases"]
assert b and b[0]["ok"] and b[0]["md_step_s"] > 0 and b[0]["predicted_peak_bytes"] >= b[0]["measured_peak_bytes"] > 0, b
print(f"ok   rehearsal: {t['tests']} tests in 2 shards, 6 comparisons (max |dE| {max(c['dE_Ha'] for c in cases):.1e} Ha), "
      f"bench 15 atoms {b[0]['md_step_s']:.2f} s/step")
PY

# The verdict logic on its own: gtest console output without JSON (a crashed or timed-out shard).
python3 - "$root/scripts/device-check" <<'PY' || fail "gtest log parsing"
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("device_check", sys.argv[1])
spec = importlib.util.spec_from_loader("device_check", loader)
dc = importlib.util.module_from_spec(spec)
loader.exec_module(dc)
log = """[ RUN      ] A.one
[       OK ] A.one (3 ms)
[ RUN      ] A.two
x.cpp:3: Failure
[  FAILED  ] A.two (1 ms)
[ RUN      ] B.skip
[  SKIPPED ] B.skip (0 ms)
[ RUN      ] B.hang
"""
got = dc.parse_gtest_log(log)
assert got == {"A.one": "passed", "A.two": "failed", "B.skip": "skipped", "B.hang": "unfinished"}, got
assert dc.verdict({"skipped": "time limit", "passed": False}) == "skipped"
assert dc.verdict({"passed": False}) == "failed" and dc.verdict({"passed": True}) == "passed"
# A timed-out command loses its whole process group (a grandchild too).
import time
t0 = time.time()
rc, secs, text = dc.run(["bash", "-c", "sleep 30 & sleep 30; wait"], 1)
assert rc == "timeout" and time.time() - t0 < 15, (rc, secs)
print("ok   verdict logic: gtest log parsing, skipped vs failed, process-group time-out")
PY
# scripts/check-cuda-arch on synthetic fatbin containers (the layout it reads; no nvcc needed): one with sm_80
# and sm_90 machine code, one with sm_80 code and compute_80 PTX only.
python3 - "$root/scripts/check-cuda-arch" "$work" <<'PY' || fail "check-cuda-arch"
import os, struct, subprocess, sys
tool, work = sys.argv[1:3]
def entry(kind, arch, payload=b"\0" * 40):
    head = struct.pack("<HHIQII HHI", kind, 0x101, 64, len(payload), 0, 0, 0, arch // 10, arch)
    return head + b"\0" * (64 - len(head)) + payload
def container(*entries):
    body = b"".join(entries)
    return struct.pack("<IHHQ", 0xBA55ED50, 1, 16, len(body)) + body
both = container(entry(2, 80), entry(2, 90), entry(1, 80))
old = container(entry(2, 80), entry(1, 80))
def check(name, data, want):
    path = os.path.join(work, name)
    open(path, "wb").write(b"\x7fELF junk" + data + b"tail")
    r = subprocess.run([sys.executable, tool, "sm_90", path], capture_output=True, text=True)
    assert r.returncode == want, (name, r.returncode, r.stderr)
    return r.stderr
check("good.o", both + both, 0)
err = check("mixed.o", both + old, 1)
assert "1 of 2 fatbin(s) hold no sm_90" in err and "sm_80" in err and "compute_80" in err, err
check("none.o", b"no device code here", 2)
print("ok   check-cuda-arch: sm_90 present, missing in one container, no container")
PY
exit $((failures > 0))
