#!/usr/bin/env bash
# End-to-end test of scripts/campaign-report (docs/campaign-report.md):
#
#   tests/cli/test_campaign_report.sh PATH/TO/megabar
#
# A fake campaign folder is built from the reference crystals of tests/data/analysis: 01-low = B2O3-I (one
# frame, pressure from an md.log), 02-high = B2O3-II (one frame, pressure_GPa in the extxyz comment line,
# target 0.5 Mbar in stage.toml), 03-pending = a stage folder without a trajectory. Checked: the fractions
# ([3]B = 1 for B2O3-I, [4]B = 1 and [3]O = 2/3 for B2O3-II), the d_OO of docs/analysis.md, the E_c line
# value and shift, the pressures and their sources, the PNGs, re-use of a current analysis.json, a "pdos"
# section when analysis.json has one (faked here), and the error messages. Skips (exit 0) without
# python3's numpy or matplotlib.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cli_setup campaign-report "$@"
script="$root/scripts/campaign-report"
data="$root/tests/data/analysis"
py=/usr/bin/python3
[[ -x "$py" ]] || py="$(command -v python3 || true)"
if [[ -z "$py" ]] || ! "$py" -c "import numpy, matplotlib" 2>/dev/null; then
  echo "SKIP: python3 with numpy and matplotlib is needed (Debian: python3-numpy python3-matplotlib; scripts/setup)"
  exit 0
fi

check() {  # check NAME COMMAND...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $name" >&2; failures=$((failures + 1)); fi
}

camp="$work/camp"
mkdir -p "$camp/01-low" "$camp/02-high" "$camp/03-pending"
cp "$data/B2O3-I_P3121_phonondb-mp306_DFT.extxyz" "$camp/01-low/trajectory.extxyz"
# 02-high: the B2O3-II frame with step and pressure keys in its comment line, as megabar's MD writes them
sed '2s/$/ step=0 pressure_GPa=48.5 temperature_K=300/' "$data/B2O3-II_Cmc21_phonondb-mp717_DFT.extxyz" \
  > "$camp/02-high/trajectory.extxyz"
printf "task = 'md'\n[md]\nensemble = 'npt'\npressure = '0 GPa'\ntemperature = '300 K'\n" > "$camp/01-low/stage.toml"
printf "task = 'md'\n[md]\nensemble = 'npt'\npressure = '0.5 Mbar'\ntemperature = '300 K'\n" > "$camp/02-high/stage.toml"
printf "task = 'md'\n[md]\nensemble = 'npt'\npressure = '1 Mbar'\n" > "$camp/03-pending/stage.toml"
cat > "$camp/01-low/md.log" <<'EOF'
# megabar md log (npt); drift = (E_conserved - E_conserved(0)) / atoms
    step    time_fs           E_pot_Ha       E_kin_Ha     E_conserved_Ha drift_Ha/at       T_K     P_GPa      V_A^3  scf  s/step      ETA
       0      0.000    -155.0000000000     0.01000000    -154.9900000000   0.000e+00    300.00     1.250   135.0000   11    1.00        -
EOF

out="$work/report"
"$py" "$script" "$camp" --output "$out" --megabar "$megabar" > "$work/run1.out" 2> "$work/run1.err"
rc=$?
check "first run exits 0 (got $rc; $(tail -3 "$work/run1.err"))" test "$rc" -eq 0
for f in summary.csv summary.md summary.json coordination_vs_pressure.png rdf_stacked.png ec_vs_pressure.png \
         01-low/analysis.json 02-high/analysis.json; do
  check "$f written" test -s "$out/$f"
done
check "no PDOS plot without a pdos section" test ! -e "$out/pdos_stacked.png"
check "the pending stage is reported" grep -q "03-pending: no trajectory" "$work/run1.err"

"$py" - "$out/summary.json" <<'EOF' || { echo "FAIL: summary.json checks" >&2; failures=$((failures + 1)); }
import json, sys
j = json.load(open(sys.argv[1]))
st = {s["stage"]: s for s in j["stages"]}
assert list(st) == ["01-low", "02-high"], list(st)
lo, hi = st["01-low"], st["02-high"]
near = lambda a, b, tol: abs(a - b) <= tol
# known answers at the 1.9 A cutoff (docs/analysis.md, ../shared/science-b2o3.md)
assert near(lo["coordination"]["B"]["3"], 1.0, 1e-12), lo["coordination"]
assert near(lo["coordination"]["O"]["2"], 1.0, 1e-12), lo["coordination"]
assert near(hi["coordination"]["B"]["4"], 1.0, 1e-12), hi["coordination"]
assert near(hi["coordination"]["O"]["3"], 2 / 3, 1e-6), hi["coordination"]
assert near(lo["density_g_cm3"], 2.5369, 1e-3) and near(hi["density_g_cm3"], 3.0782, 1e-3)
assert near(lo["d_OO_A"]["mean_within_cutoff"]["value"], 2.5071, 1e-3), lo["d_OO_A"]
assert near(lo["d_OO_A"]["polyhedral_edge"]["value"], 2.3849, 1e-3), lo["d_OO_A"]
assert near(lo["d_OO_A"]["g_OO_first_peak"]["value"], 2.387, 2e-3), lo["d_OO_A"]
assert near(hi["d_OO_A"]["mean_within_cutoff"]["value"], 2.4891, 1e-3), hi["d_OO_A"]
assert j["E_c_line"]["d_OO"] == "mean_within_cutoff"
for s in (lo, hi):
    d = s["d_OO_A"]["mean_within_cutoff"]["value"]
    assert near(s["E_c_predicted_eV"], -11.1 * d + 569.48, 1e-9), s["E_c_predicted_eV"]
assert near(lo["E_c_predicted_eV"], 541.652, 0.015), lo["E_c_predicted_eV"]
assert j["reference_stage"] == "01-low"
assert lo["E_c_shift_eV"] == 0.0
assert near(hi["E_c_shift_eV"], 11.1 * (2.5071 - 2.4891), 0.02), hi["E_c_shift_eV"]
# pressures: md.log for 01-low, the extxyz comment for 02-high; targets from stage.toml
assert near(lo["pressure_GPa"], 1.25, 1e-9) and lo["pressure_source"] == "md.log P_GPa", lo
assert near(hi["pressure_GPa"], 48.5, 1e-9) and hi["pressure_source"].startswith("trajectory.extxyz"), hi
assert near(lo["target_pressure_GPa"], 0.0, 1e-12) and near(hi["target_pressure_GPa"], 50.0, 1e-9)
assert lo["pdos"] is None and hi["pdos"] is None
assert set(j["figures"]) == {"coordination_vs_pressure.png", "rdf_stacked.png", "ec_vs_pressure.png"}
rows = {r["quantity"]: r for r in j["comparison"]}
assert any(q.startswith("O K-edge E_c") and r["measured_value"] == 542.4 for q, r in rows.items()), rows
assert any(q.startswith("[5]B fraction") and r["measured_value"] == 0.15 for q, r in rows.items()), rows
assert "Phys. Rev. Research 6, L022051 (2024)" in j["measurements"]["source"]
EOF
passed=$((passed + 1))
check "summary.md cites the measurements" grep -q "Phys. Rev. Research 6, L022051 (2024)" "$out/summary.md"
check "summary.csv has a header and two stages" test "$(wc -l < "$out/summary.csv")" -eq 3

# A second run re-uses the analyses; a faked "pdos" section is picked up (E_c of O p, the PDOS plot).
"$py" - "$out" <<'EOF'
import json, os, sys, time
for k, (stage, ec) in enumerate((("01-low", 6.0), ("02-high", 7.5))):
    p = os.path.join(sys.argv[1], stage, "analysis.json")
    a = json.load(open(p))
    e = [-10 + 0.1 * i for i in range(300)]
    a["pdos"] = {"snapshots": 1, "E_c_window_eV": 10.0, "gap_eV": {"mean": 5.0, "standard_error": None},
                 "energies_eV": e,
                 "species": {"O": {"E_c_eV": {"s": None, "p": ec}, "E_c_minus_cbm_eV": {"s": None, "p": ec - 5},
                                   "p": [1.0 if 5 < x < 9 else 0.2 for x in e]},
                             "B": {"E_c_eV": {"p": ec}, "p": [0.5] * len(e)}}}
    json.dump(a, open(p, "w"))
EOF
"$py" "$script" "$camp" --output "$out" --megabar "$megabar" > "$work/run2.out" 2> "$work/run2.err"
rc=$?
check "second run exits 0 (got $rc)" test "$rc" -eq 0
check "second run re-uses both analyses" test "$(grep -c 'not analysed again' "$work/run2.err")" -eq 2
check "PDOS plot written with a pdos section" test -s "$out/pdos_stacked.png"
check "PDOS E_c shift in summary.json" "$py" -c "
import json, sys
s = json.load(open('$out/summary.json'))['stages']
assert s[0]['pdos']['E_c_O_p_eV_rel_VBM'] == 6.0 and abs(s[1]['E_c_O_p_pdos_shift_eV'] - 1.5) < 1e-12, s[1]
"
# --pressure-axis target: the stages sit at their stage.toml pressures
"$py" "$script" "$camp" --output "$out" --megabar "$megabar" --pressure-axis target > /dev/null 2>&1
check "--pressure-axis target" "$py" -c "
import json
j = json.load(open('$out/summary.json'))
assert j['pressure_axis'] == 'target' and j['reference_stage'] == '01-low', j['pressure_axis']
"
# --from-step changes the analysis options: analysed again
"$py" "$script" "$camp" --output "$out" --megabar "$megabar" --from-step 0 > /dev/null 2> "$work/run3.err"
check "changed options analyse again" test "$(grep -c 'not analysed again' "$work/run3.err")" -eq 0
# The reference is named by its rule; a stage far from its target (01-low: 1.25 GPa against 0, tolerance
# 0.5 GPa) is warned about, one within 10 % of its target (02-high: 48.5 against 50) is not; the default
# B-O cutoff is megabar analyze's (first minimum of g_BO).
"$py" "$script" "$camp" --output "$out" --megabar "$megabar" --pressure-tolerance 0.5 > /dev/null 2> "$work/run4.err"
check "reference rule, pressure warnings, cutoff rule" "$py" -c "
import json
j = json.load(open('$out/summary.json'))
assert j['reference_stage'] == '01-low' and j['reference_rule'] == 'lowest target pressure', j['reference_rule']
w = [x for x in j['warnings'] if 'from its target' in x]
assert len(w) == 1 and w[0].startswith('01-low: mean pressure 1.2') and 'target 0 GPa' in w[0], w
assert j['options']['B-O_cutoff_A'] is None and 'first minimum of g_BO' in j['options']['B-O_cutoff_rule'], j['options']
"
check "the warning is on stderr too" grep -q "01-low: mean pressure" "$work/run4.err"

# Errors
expect_error() {  # expect_error NAME PATTERN ARGS...
  local name="$1" pattern="$2"; shift 2
  "$py" "$script" --megabar "$megabar" "$@" > /dev/null 2> "$work/err"
  local rc=$?
  if [[ $rc -ne 1 ]] || ! grep -q -- "$pattern" "$work/err"; then
    echo "FAIL: $name (status $rc): $(cat "$work/err")" >&2; failures=$((failures + 1))
  else passed=$((passed + 1)); fi
}
expect_error "missing folder" "no such file or folder" "$work/nothing-here"
mkdir -p "$work/empty"
expect_error "folder without stages" "no stage folders" "$work/empty"
mkdir -p "$work/notrun/01-melt"
expect_error "stages without trajectories" "no stage folder holds a trajectory" "$work/notrun"
expect_error "missing megabar" "megabar executable not found" "$camp" --output "$work/r2" --megabar "$work/none"
printf '[campaign]\ninput = "x.toml"\ndirectory = "nowhere"\n[[stage]]\nname = "melt"\n' > "$work/c.toml"
expect_error "campaign file whose folder is missing" "does not exist" "$work/c.toml"

echo "campaign-report: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
