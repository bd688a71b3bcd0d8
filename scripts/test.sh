#!/usr/bin/env bash
# The project's one test command:
#
#   bash scripts/test.sh [PYTEST ARGS...]      e.g. bash scripts/test.sh -k calendar -x
#
# 1. creates .venv with the python3 on PATH (>= 3.11) when it is missing, and installs the
#    project with its dev extra when pyproject.toml changed since the last install;
# 2. starts throwaway PostgreSQL + pgvector and Redis (scripts/services.sh) and stops them on
#    exit, unless they were already running;
# 3. runs pytest (with the arguments given), ruff check, mypy and lint-imports. All four always
#    run; the exit status is 1 when any of them failed.
#
# Environment:
#   AURELIUS_SKIP_SERVICES=1   do not start PostgreSQL/Redis: database tests run on SQLite only
#   PYTHON=/path/to/python     the interpreter for a new .venv (default: python3)
#   AURELIUS_TEST_WORKERS=N    pytest-xdist workers (default: auto = one per core; 0 = serial).
#                              Each worker gets its own PostgreSQL database and Redis db.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
REPO=$PWD
VENV=$REPO/.venv
T0=${EPOCHREALTIME/./}

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'test.sh: error: %s\n' "$*" >&2; exit 1; }

secs_since() {  # secs_since START_US: "12.3s"
  local us=$(( ${EPOCHREALTIME/./} - $1 ))
  printf '%d.%ds' $(( us / 1000000 )) $(( us / 100000 % 10 ))
}

# --- Python environment ----------------------------------------------------------------------

new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

make_venv() {
  local py=${PYTHON:-python3}
  command -v "$py" >/dev/null || die "$py not found on PATH (Python >= 3.11 is required)"
  new_enough "$py" || die "Python >= 3.11 is required; $py is $("$py" --version 2>&1)"
  say "creating .venv with $("$py" --version 2>&1) ($(command -v "$py"))"
  local ver
  ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  if ! "$py" -c 'import ensurepip' 2>/dev/null; then
    # Debian's own python3 has no ensurepip (so no venv) until python3.X-venv is installed.
    if (( EUID == 0 )) && command -v apt-get >/dev/null; then
      echo "apt-get install python$ver-venv"
      mkdir -p .ci/state
      { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
          --no-install-recommends "python$ver-venv"; } </dev/null >.ci/state/apt-venv.log 2>&1 \
        || { tail -n 20 .ci/state/apt-venv.log; die "could not install python$ver-venv"; }
    else
      die "$py cannot create a venv (no ensurepip): install python$ver-venv, or set PYTHON"
    fi
  fi
  rm -rf "$VENV"
  "$py" -m venv "$VENV" || die "could not create .venv"
}

pip_quiet() {  # pip install -q, without the harmless "Location ... is ignored" warnings
  local log=$VENV/pip-install.log rc
  rm -f "$log"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --log "$log" "$@" 2>&1 \
    | grep -v "^WARNING: Location 'file://.*' is ignored"
  rc=${PIPESTATUS[0]}
  if (( rc != 0 )); then
    echo "--- errors from $log ---"
    grep -E 'ERROR|Could not|WARNING: Retrying' "$log" | tail -n 20 || tail -n 40 "$log"
  fi
  return "$rc"
}

install_project() {
  # Reinstall only when pyproject.toml or the interpreter changed, or a tool is missing.
  local stamp=$VENV/.aurelius-dev-install want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1) $("$VENV/bin/python" -VV 2>&1 | head -n 1)"
  if [[ -f $stamp && $(<"$stamp") == "$want" ]] \
    && [[ -x $VENV/bin/pytest && -x $VENV/bin/ruff && -x $VENV/bin/mypy && -x $VENV/bin/lint-imports ]] \
    && "$VENV/bin/python" -c 'import importlib.metadata as m; m.distribution("aurelius")' 2>/dev/null
  then
    return 0
  fi
  say "pip install -e .[dev]"
  local t=${EPOCHREALTIME/./}
  rm -f "$stamp"
  pip_quiet -e ".[dev]" || die "pip install -e .[dev] failed"
  echo "$want" >"$stamp"
  echo "installed in $(secs_since "$t")"
}

new_enough "$VENV/bin/python" || make_venv
install_project
export VIRTUAL_ENV=$VENV
export PATH=$VENV/bin:$PATH

# --- services --------------------------------------------------------------------------------

stop_services_on_exit() {
  trap '' HUP INT PIPE TERM  # finish stopping even if the output is gone or Ctrl-C is pressed again
  say "stopping services" 2>/dev/null || true
  bash scripts/services.sh stop
}

STARTED_SERVICES=0
if [[ ${AURELIUS_SKIP_SERVICES:-} == 1 ]]; then
  say "AURELIUS_SKIP_SERVICES=1: not starting PostgreSQL/Redis"
  if [[ -z ${AURELIUS_TEST_DATABASE_URL:-} ]]; then
    echo "database tests run on SQLite only"
  else
    echo "using AURELIUS_TEST_DATABASE_URL from the environment"
  fi
else
  say "services"
  if ! bash scripts/services.sh status >/dev/null 2>&1; then
    # Started here, so stopped here: on success, failure and Ctrl-C alike.
    STARTED_SERVICES=1
    trap stop_services_on_exit EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 141' PIPE
    trap 'exit 143' TERM
  else
    echo "already running: leaving them running afterwards"
  fi
  bash scripts/services.sh start || die "could not start PostgreSQL/Redis (AURELIUS_SKIP_SERVICES=1 runs without them)"
  eval "$(bash scripts/services.sh env)"
  echo "AURELIUS_TEST_DATABASE_URL=$AURELIUS_TEST_DATABASE_URL"
  echo "AURELIUS_TEST_REDIS_URL=$AURELIUS_TEST_REDIS_URL"
fi

# --- checks ----------------------------------------------------------------------------------

FAILED=()
RESULTS=()

check() {  # check NAME COMMAND...: run it, record the outcome, never stop the script
  local name=$1 t=${EPOCHREALTIME/./} rc
  shift
  say "$name"
  "$@" </dev/null
  rc=$?
  if [[ $name == pytest && $rc == 5 ]]; then
    echo "pytest: no tests were collected (exit 5); this counts as a failure"
  fi
  if (( rc == 0 )); then
    RESULTS+=("$name ok $(secs_since "$t")")
  else
    RESULTS+=("$name FAILED (exit $rc) $(secs_since "$t")")
    FAILED+=("$name")
  fi
}

check pytest python -m pytest -n "${AURELIUS_TEST_WORKERS:-auto}" --dist loadgroup "$@"
check ruff ruff check .
check mypy mypy
check lint-imports lint-imports

if (( STARTED_SERVICES )); then  # stop now, so that the summary is the last thing printed
  trap - EXIT
  stop_services_on_exit || true
  trap - HUP INT PIPE TERM
fi

say "summary"
printf '  %s\n' "${RESULTS[@]}"
if (( ${#FAILED[@]} )); then
  echo "test.sh: FAILED: ${FAILED[*]} (total $(secs_since "$T0"))"
  exit 1
fi
echo "test.sh: all passed: pytest, ruff, mypy, lint-imports (total $(secs_since "$T0"))"
