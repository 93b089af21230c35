# Shared start of the command-line tests (tests/cli/test_*.sh), sourced as
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"; cli_setup NAME "$@"
# cli_setup checks the one argument (the megabar executable) and sets
#   megabar   its absolute path        root   the repository
#   work      a temporary folder, removed on exit (mktemp in $TMPDIR, named megabar-NAME.XXXXXX)
#   failures, passed   counters for fail() and the scripts' own "ok" lines

# cli_setup NAME ARGS...: exits 2 on a wrong call, 1 if the argument is not an executable.
cli_setup() {
  local name="$1"
  shift
  if [[ $# -ne 1 ]]; then
    echo "usage: $0 PATH/TO/megabar" >&2
    exit 2
  fi
  megabar="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  [[ -x "$megabar" ]] || { echo "FAIL: $megabar is not an executable" >&2; exit 1; }
  work="$(mktemp -d "${TMPDIR:-/tmp}/megabar-$name.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  failures=0
  passed=0
}

# cli_need_python: exits 1 unless python3 is on PATH (the JSON checks use it).
cli_need_python() {
  command -v python3 >/dev/null || { echo "FAIL: python3 is needed for the JSON checks" >&2; exit 1; }
}

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# md_restart_input DIR STEPS [ENSEMBLE]: DIR/md.toml, the short MD of the restart tests (tests/cli/test_md_restart.sh,
# tests/robustness/kill_points.sh): the 15-atom B2O3-I cell at 25 Ry, NPT (or NVT) with the stochastic CSVR
# thermostat, 1 fs steps, a checkpoint every 2 steps, output in DIR/out.
md_restart_input() {
  mkdir -p "$1"
  local ensemble="${3:-npt}"
  local extra='temperature = "1200 K"
thermostat = "csvr"
thermostat_time = "20 fs"
pressure = "-200 GPa"
barostat_time = "100 fs"'
  [[ "$ensemble" == nvt ]] && extra='temperature = "1200 K"
thermostat = "csvr"'
  cat > "$1/md.toml" <<EOT
task = "md"
[structure]
file = "$root/inputs/b2o3-I/cell.extxyz"
[dft]
ecut = "25 Ry"
[dft.pseudopotentials]
B = "$root/inputs/pseudopotentials/B-GTH-PBE.gth"
O = "$root/inputs/pseudopotentials/O-GTH-PBE.gth"
[scf]
energy_tolerance = "1e-9 Ha"
[md]
ensemble = "$ensemble"
timestep = "1 fs"
steps = $2
initial_temperature = "1500 K"
$extra
seed = 11
checkpoint_every = 2
[parallel]
threads = 1
[output]
directory = "out"
EOT
}
