#!/usr/bin/env bash
# The restore drill: back up a live database under write load, restore it into a fresh one,
# compare row counts and checksums per table, and print how long each step took.
#
#   scripts/restore-drill.sh                      # on SQLite files in a temporary folder
#   scripts/restore-drill.sh postgresql+psycopg://user@host/db
#                                                 # two scratch databases beside db's
#                                                 # (db_drill_live, db_drill_restored; dropped after)
# Exit status 0 when every restored row matches the live one, 1 otherwise.
# AURELIUS_PYTHON names the interpreter with Aurelius installed (default: .venv's, then python3).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${AURELIUS_PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=python3
exec "$python" -m aurelius.backup.drill "$@"
