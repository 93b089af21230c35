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
