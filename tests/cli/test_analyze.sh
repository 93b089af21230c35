#!/usr/bin/env bash
# End-to-end tests of `megabar analyze` (registered with CTest as "analyze"):
#
#   tests/cli/test_analyze.sh PATH/TO/megabar
#
# 1. The B2O3-I and B2O3-II crystals (tests/data/analysis, from ../shared/reference/structures): the known
#    coordination, mean B-O, polyhedral O-O edge and density of ../shared/science-b2o3.md at a 1.9 A cutoff,
#    checked in analysis.json with python3; the CSV tables exist.
# 2. The default cutoff (first minimum of g_BO) gives the same fractions on the crystals.
# 3. Bad inputs (missing file, unknown format, files with different atoms, a bad --cutoff, --every 0, no B
#    atoms): exit non-zero, a message naming the problem, and no output directory.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cli_setup analyze "$@"
data="$root/tests/data/analysis"
crystal_1="$data/B2O3-I_P3121_phonondb-mp306_DFT.extxyz"
crystal_2="$data/B2O3-II_Cmc21_phonondb-mp717_DFT.extxyz"
cli_need_python



# check NAME CODE: runs the python statements CODE with d = $work/NAME/analysis.json, c = d["coordination"]
# and near(x, y, tol); any failed assertion fails NAME.
prelude='import json, sys
d = json.load(open(sys.argv[1]))
c = d["coordination"]
def near(x, y, tol):
    assert x is not None and abs(x - y) <= tol, f"{x} is not {y} +- {tol}"
'
check() {
  local name="$1" code="$2"
  if python3 -c "$prelude$code" "$work/$name/analysis.json"; then
    passed=$((passed + 1))
  else
    fail "$name: analysis.json check"
  fi
}

# analyze NAME ARGS...: runs megabar analyze ARGS --output $work/NAME; sets $rc; output in $work/NAME.log.
analyze() {
  local name="$1"
  shift
  "$megabar" analyze "$@" --output "$work/$name" >"$work/$name.log" 2>&1
  rc=$?
  if [[ $rc -ne 0 && "$name" != bad-* ]]; then fail "$name: exit status $rc"; cat "$work/$name.log" >&2; fi
}

# expect_failure NAME KEYWORD: after analyze, the run must have failed, named KEYWORD and written nothing.
expect_failure() {
  local name="$1" keyword="$2" ok=1
  if [[ $rc -eq 0 ]]; then fail "$name: exit status 0, expected a failure"; ok=0; fi
  if ! grep -qiF -- "$keyword" "$work/$name.log"; then
    fail "$name: the message does not name '$keyword':"
    cat "$work/$name.log" >&2
    ok=0
  fi
  if [[ -e "$work/$name" ]]; then fail "$name: wrote $work/$name"; ok=0; fi
  if [[ $ok -eq 1 ]]; then passed=$((passed + 1)); fi
}

# ---- 1. known answers --------------------------------------------------------------------------------
analyze b2o3-I "$crystal_1" --cutoff B-O=1.9
check b2o3-I '
assert d["frames_used"] == 1 and d["atoms"] == {"total": 15, "B": 6, "O": 9}, d["atoms"]
assert c["cutoff_A"] == 1.9 and d["cutoff"]["rule"] == "command line"
assert c["B"] == {"3": 1.0}, c["B"]
assert c["O"] == {"2": 1.0}, c["O"]
near(d["mean_bond_length_A"]["B-O"], 1.379, 5e-4)
near(d["O-O_distance_A"]["polyhedral_edge"]["value"], 2.384, 1e-3)
near(d["density_g_cm3"], 2.537, 5e-4)
assert d["standard_error"]["density_g_cm3"] is None     # one frame
assert c["sensitivity"]["cutoff_minus_0.1_A"]["B"] == {"3": 1.0}
assert c["sensitivity"]["cutoff_plus_0.1_A"]["B"] == {"3": 1.0}
'
for f in analysis.json rdf_B-B.csv rdf_B-O.csv rdf_O-O.csv angles_O-B-O.csv angles_B-O-B.csv frames.csv; do
  if [[ -s "$work/b2o3-I/$f" ]]; then passed=$((passed + 1)); else fail "b2o3-I: $f missing"; fi
done

analyze b2o3-II "$crystal_2" --cutoff B-O=1.9
check b2o3-II '
assert c["B"] == {"4": 1.0}, c["B"]
assert set(c["O"]) == {"2", "3"}, c["O"]
near(c["O"]["2"], 1 / 3, 1e-12)
near(c["O"]["3"], 2 / 3, 1e-12)
near(d["mean_bond_length_A"]["B-O"], 1.479, 5e-4)
near(d["O-O_distance_A"]["polyhedral_edge"]["value"], 2.410, 3e-3)
near(d["density_g_cm3"], 3.078, 5e-4)
'

# ---- 2. default cutoff: first minimum of g_BO ---------------------------------------------------------
analyze rule-I "$crystal_1"
check rule-I '
assert d["cutoff"]["rule"] == "first minimum of g_BO", d["cutoff"]
assert 1.85 < d["cutoff"]["B-O_A"] < 2.2, d["cutoff"]
assert c["B"] == {"3": 1.0} and c["O"] == {"2": 1.0}
assert d["warnings"] == []
'
analyze rule-II "$crystal_2"
check rule-II '
assert d["cutoff"]["rule"] == "first minimum of g_BO", d["cutoff"]
assert c["B"] == {"4": 1.0}
near(c["O"]["3"], 2 / 3, 1e-12)
'

# ---- 3. bad inputs -----------------------------------------------------------------------------------
analyze bad-missing "$work/no-such-file.h5"
expect_failure bad-missing "no-such-file.h5"
printf 'not a trajectory\n' >"$work/notes.txt"
analyze bad-unknown "$work/notes.txt"
expect_failure bad-unknown "unknown format"
analyze bad-different "$crystal_1" "$crystal_2"
expect_failure bad-different "B2O3-II_Cmc21_phonondb-mp717_DFT.extxyz"
analyze bad-cutoff "$crystal_1" --cutoff B-B=1.9
expect_failure bad-cutoff "--cutoff"
analyze bad-every "$crystal_1" --every 0
expect_failure bad-every "every"
printf '3\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3\nSi 0 0 0\nO 1.6 0 0\nO 0 1.6 0\n' >"$work/silica.extxyz"
analyze bad-no-boron "$work/silica.extxyz"
expect_failure bad-no-boron "silica.extxyz"

# sizes that would run for hours or exhaust memory are refused before any work (they used to hang or crash)
analyze bad-rmax "$crystal_1" --rmax 1e6
expect_failure bad-rmax "--rmax"
analyze bad-bins "$crystal_1" --bin-width 1e-12
expect_failure bad-bins "--bin-width"
# a frame with an absurd coordinate (a damaged file) is named, not analysed into NaNs or a crash
printf '2\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3\nB 0 0 0\nO 1e300 0 0\n' >"$work/huge.extxyz"
analyze bad-huge "$work/huge.extxyz"
expect_failure bad-huge "huge.extxyz:4: position '1e300' is more than a million cell lengths"

echo "test_analyze: $passed checks passed, $failures failed"
[[ $failures -eq 0 ]]
