#!/usr/bin/env bash
# ABINIT 9.6 (Debian) references for B2O3 with the PseudoDojo NC-SR v0.4 LDA (PW92) psp8 files of Debian's
# abinit-data, used from the package path; optionally pw.x (QE 6.7) on the same problem with UPF files made
# by scripts/psp8-to-upf. Resumable: a case whose case.json exists is skipped (FORCE=1 redoes it).
#
# Needs: abinit, abinit-data, python3-ase, numpy; for qe.json also pw.x, mpirun and scripts/psp8-to-upf.
# usage: tests/regression/abinit-oncv/make_references.sh [CASE ...]     (default: all, in the order below)
#
# Per case: cell.extxyz (ASE, Angstrom), case.abi (ABINIT input), case.abo (ABINIT main output), case.log
# (ABINIT log, stdout), case.json (abinit_case.py json: Ha, Ha/bohr, stress positive under compression);
# with QE: qe.in (pw.x input; B.upf, O.upf from psp8-to-upf are made beside it for the run, then removed),
# qe.out, qe.json (qe2json's keys plus wall time, functional, UPF md5 sums).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
[ -d "$SHARED/reference/structures" ] || SHARED=/work/shared
STRUCT="$SHARED/reference/structures"
PY=/usr/bin/python3          # Debian's python3: the one that has python3-ase
TOOL="$HERE/abinit_case.py"
NICE="${NICE:-nice -n 5}"
PSP2UPF="${PSP2UPF:-$ROOT/scripts/psp8-to-upf}"
QE="${QE:-auto}"             # auto: run pw.x when $PSP2UPF exists; 0: never; 1: always

command -v abinit >/dev/null || { echo "make_references.sh: abinit not found (apt-get install abinit abinit-data)" >&2; exit 1; }
"$PY" -c 'import ase, numpy' || { echo "make_references.sh: $PY lacks ase (apt-get install python3-ase)" >&2; exit 1; }
PSPDIR="$(dirname "$(dpkg -L abinit-data | grep -i 'Pseudodojo_nc_sr_04_pw_standard_psp8/B.psp8$')")"
[ -f "$PSPDIR/O.psp8" ] || { echo "make_references.sh: PseudoDojo psp8 files not found in abinit-data" >&2; exit 1; }
PKG="Debian abinit $(dpkg-query -W -f='${Version}' abinit), abinit-data $(dpkg-query -W -f='${Version}' abinit-data)"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }

run_abinit() {  # in the case directory
    local t0 t1
    t0=$(now)
    OMP_NUM_THREADS=1 $NICE abinit case.abi > case.log 2> abinit.stderr || {
        echo "abinit failed in $PWD:" >&2; tail -20 case.log abinit.stderr >&2; exit 1; }
    t1=$(now)
    rm -f abinit.stderr caseo_DDB caseo_OUT.nc caseo_* case.abo[0-9]* 2>/dev/null || true
    WALL=$(elapsed "$t0" "$t1")
    grep -q "converged" case.abo || { echo "abinit did not converge in $PWD" >&2; exit 1; }
}

run_qe() {  # in the case directory; B.upf, O.upf are made here by psp8-to-upf and removed afterwards
    local ecut=$1 t0 t1
    for el in B O; do "$PY" "$PSP2UPF" "$PSPDIR/$el.psp8" "$el.upf"; done
    "$PY" "$TOOL" qe cell.extxyz "$ecut" > qe.in
    t0=$(now)
    OMP_NUM_THREADS=1 $NICE mpirun --allow-run-as-root -np "${NP:-2}" pw.x -in qe.in > qe.out 2> pw.stderr || {
        echo "pw.x failed in $PWD:" >&2; tail -20 qe.out pw.stderr >&2; exit 1; }
    t1=$(now)
    rm -rf tmp pw.stderr
    "$PY" "$TOOL" qejson qe.out cell.extxyz . "$(elapsed "$t0" "$t1")" > qe.json
    rm -f B.upf O.upf
    echo "  pw.x $(elapsed "$t0" "$t1") s, E = $(grep -o '"total_energy_Ha": [^,]*' qe.json), P = $(grep -o '"pressure_GPa": [^,]*' qe.json)"
}

# make_case NAME STRUCTURE STRAIN RATTLE SEED ECUT_RY
make_case() {
    local name=$1 structure=$2 strain=$3 rattle=$4 seed=$5 ecut=$6
    local dir="$HERE/$name"
    echo "== $name"
    mkdir -p "$dir"
    (
        cd "$dir"
        if [ -f case.json ] && [ "${FORCE:-0}" != 1 ]; then
            echo "  case.json exists, ABINIT skipped"
        else
            rm -f case.abi case.abo case.log case.json cell.extxyz
            "$PY" "$TOOL" structure "$structure" "$strain" "$rattle" "$seed" cell.extxyz
            "$PY" "$TOOL" abinit cell.extxyz "$ecut" "$PSPDIR" > case.abi
            run_abinit
            "$PY" "$TOOL" json case.abo case.log cell.extxyz "$PSPDIR" "$PKG" "$WALL" > case.json
            echo "  abinit ${WALL} s, grid $(tr -d ' \n' < case.json | grep -o '"fft_grid":\[[0-9,]*\]'), E = $(grep -o '"total_energy_Ha": [^,]*' case.json | head -1), P = $(grep -o '"pressure_GPa": [^,]*' case.json)"
        fi
        if { [ "$QE" = auto ] && [ -f "$PSP2UPF" ]; } || [ "$QE" = 1 ]; then
            if [ -f qe.json ] && [ "${FORCE:-0}" != 1 ]; then echo "  qe.json exists, pw.x skipped"; else run_qe "$ecut"; fi
        fi
    )
}

PRIM_II="$(mktemp -d)/B2O3-II_primitive.extxyz"
trap 'rm -rf "$(dirname "$PRIM_II")"' EXIT
"$PY" "$ROOT/tests/regression/qe/case_tools.py" primitive-c "$STRUCT/B2O3-II_Cmc21_phonondb-mp717_DFT.cif" "$PRIM_II" 2>/dev/null
CIF_I="$STRUCT/B2O3-I_P3121_phonondb-mp306_DFT.cif"

all_cases="b2o3-II_prim_rattled_strain0.90_40Ry
           b2o3-II_prim_rattled_strain1.00_60Ry b2o3-II_prim_rattled_strain0.90_60Ry
           b2o3-II_prim_rattled_strain0.80_60Ry b2o3-II_prim_rattled_strain0.72_60Ry
           b2o3-I_rattled_strain1.00_60Ry b2o3-I_rattled_strain0.90_60Ry
           b2o3-II_prim_rattled_strain0.90_80Ry b2o3-II_prim_rattled_strain0.90_100Ry
           b2o3-II_prim_rattled_strain0.85_60Ry b2o3-I_rattled_strain1.05_60Ry"
cases="${*:-$all_cases}"
for c in $cases; do
    case $c in
        # B2O3-II primitive cell (10 atoms; the CIF's C-centred cell has 20), cell x STRAIN, rattle 0.05 A seed 5
        b2o3-II_prim_rattled_strain*_*Ry)
            s=${c#b2o3-II_prim_rattled_strain}; make_case "$c" "$PRIM_II" "${s%%_*}" 0.05 5 "$(r=${s#*_}; echo ${r%Ry})" ;;
        # B2O3-I (15 atoms), cell x STRAIN, rattle 0.05 A seed 3 (at strain 1.00 the structure of ../qe's b2o3-I_rattled_35Ry_*)
        b2o3-I_rattled_strain*_*Ry)
            s=${c#b2o3-I_rattled_strain}; make_case "$c" "$CIF_I" "${s%%_*}" 0.05 3 "$(r=${s#*_}; echo ${r%Ry})" ;;
        *) echo "make_references.sh: unknown case $c" >&2; exit 1 ;;
    esac
done
