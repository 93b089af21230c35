#!/usr/bin/env bash
# Regenerate every Quantum ESPRESSO reference in this folder (CI cases) and the megabar inputs for the
# two big shared references (../shared/reference/qe, not run in CI).
#
# Needs: Debian's quantum-espresso 6.7 (pw.x), mpirun, python3-ase, numpy.
# usage: tests/regression/qe/make_references.sh [CASE ...]     (default: all)
#
# Per CI case: case.in (make_case.py, positions then synced with cell.extxyz), B.gth/O.gth (the QE layout
# of inputs/pseudopotentials, cp2k_to_qe_gth.py), case.out (pw.x), case.json (qe2json.py), cell.extxyz,
# megabar.toml (fft_grid = QE's grid), tolerances.json.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
STRUCT="$SHARED/reference/structures"
PSEUDO="$ROOT/inputs/pseudopotentials"
PY=/usr/bin/python3          # Debian's python3: the one that has python3-ase
NP="${NP:-2}"

command -v pw.x >/dev/null || { echo "make_references.sh: pw.x not found (apt-get install quantum-espresso)" >&2; exit 1; }
"$PY" -c 'import ase, numpy' || { echo "make_references.sh: $PY lacks ase (apt-get install python3-ase)" >&2; exit 1; }

run_pw() {  # in the case directory
    local t0 t1
    t0=$(date +%s.%N)
    OMP_NUM_THREADS=1 mpirun --allow-run-as-root -np "$NP" pw.x -in case.in > case.out 2> pw.stderr || {
        echo "pw.x failed in $PWD:" >&2; tail -20 case.out pw.stderr >&2; exit 1; }
    t1=$(date +%s.%N)
    rm -rf tmp pw.stderr
    grep -q "convergence has been achieved" case.out || { echo "pw.x did not converge in $PWD" >&2; exit 1; }
    printf '  pw.x wall %.1f s, %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" \
        "$(grep -E 'convergence has been achieved' case.out | sed 's/^ *//')"
}

# make_case CASE XC KIND STRUCTURE REPEAT STRAIN RATTLE SEED ECUT
#   XC: PBE | LDA (megabar's name), KIND: PBE | PADE (GTH family; PADE files carry pspxc=1, which
#   pw.x 6.7 reads as 'PZ' = Slater exchange + Perdew-Zunger 81 correlation, i.e. megabar's LDA)
make_case() {
    local name=$1 xc=$2 kind=$3 structure=$4 repeat=$5 strain=$6 rattle=$7 seed=$8 ecut=$9
    echo "== $name"
    local dir="$HERE/$name"
    mkdir -p "$dir"
    (
        cd "$dir"
        rm -rf case.in case.out case.json cell.extxyz megabar.toml tolerances.json B.gth O.gth tmp out
        for el in B O; do "$PY" "$HERE/cp2k_to_qe_gth.py" "$PSEUDO/$el-GTH-$kind.gth" > "$el.gth"; done
        "$PY" "$HERE/make_case.py" "$structure" "$repeat" "$strain" "$rattle" "$seed" "$ecut" scf > case.in
        "$PY" "$HERE/case_tools.py" sync .
        run_pw
        local want; want=$([ "$xc" = LDA ] && echo "PZ" || echo "PBE")
        grep -qE "Exchange-correlation= *$want *$" case.out || {
            echo "unexpected functional in $dir/case.out:" >&2; grep -A1 "Exchange-correlation" case.out >&2; exit 1; }
        "$PY" "$HERE/qe2json.py" case.out > case.json
        "$PY" "$HERE/case_tools.py" megabar . "$xc" "$kind" case.json
        echo "  grid $(tr -d ' \n' < case.json | grep -o '"fft_grid":\[[0-9,]*\]'), E = $(grep -o '"total_energy_Ha": [^,]*' case.json)"
    )
}

# shared_case NAME: megabar inputs only, for ../shared/reference/qe/NAME.{in,json} (GTH-PBE)
shared_case() {
    local name=$1 dir="$HERE/shared-$1" ref="$SHARED/reference/qe/$1"
    echo "== shared-$name (inputs only)"
    mkdir -p "$dir"
    (
        cd "$dir"
        "$PY" "$HERE/case_tools.py" extxyz "$ref.in" cell.extxyz
        "$PY" "$HERE/case_tools.py" megabar . PBE PBE "$ref.json" "$ref.in"
    )
}

PRIM_II="$(mktemp -d)/B2O3-II_primitive.extxyz"
trap 'rm -rf "$(dirname "$PRIM_II")"' EXIT
"$PY" "$HERE/case_tools.py" primitive-c "$STRUCT/B2O3-II_Cmc21_phonondb-mp717_DFT.cif" "$PRIM_II"
CIF_I="$STRUCT/B2O3-I_P3121_phonondb-mp306_DFT.cif"

all_cases="b2o3-I_rattled_35Ry_PBE b2o3-II_prim_strain0.90_35Ry_PBE b2o3-I_rattled_35Ry_LDA
           b2o3-II_prim_strain0.90_35Ry_LDA shared-b2o3-I_80Ry shared-b2o3-I_rattled_60Ry"
cases="${*:-$all_cases}"
for c in $cases; do
    case $c in
        # (a) B2O3-I (15 atoms), Gaussian rattle sigma 0.05 A seed 3, 35 Ry, PBE
        b2o3-I_rattled_35Ry_PBE)          make_case "$c" PBE PBE  "$CIF_I"   1,1,1 1.0  0.05 3 35 ;;
        # (b) B2O3-II primitive cell (10 atoms; the CIF's C-centred cell has 20), cell x 0.9, 35 Ry, PBE
        b2o3-II_prim_strain0.90_35Ry_PBE) make_case "$c" PBE PBE  "$PRIM_II" 1,1,1 0.90 0.0  0 35 ;;
        # (c) as (a), LDA (GTH-PADE files, pw.x: PZ)
        b2o3-I_rattled_35Ry_LDA)          make_case "$c" LDA PADE "$CIF_I"   1,1,1 1.0  0.05 3 35 ;;
        # (d) as (b), LDA
        b2o3-II_prim_strain0.90_35Ry_LDA) make_case "$c" LDA PADE "$PRIM_II" 1,1,1 0.90 0.0  0 35 ;;
        shared-*)                          shared_case "${c#shared-}" ;;
        *) echo "make_references.sh: unknown case $c" >&2; exit 1 ;;
    esac
done
