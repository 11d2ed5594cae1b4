#!/usr/bin/env bash
# Installs etiket and its test tools into .venv, then runs every check CI runs:
# ruff (lint and format), mypy (strict) and the whole pytest suite against real
# PostgreSQL and Redis as well as SQLite and in-memory state.
# Extra arguments go to pytest, e.g. ./scripts/test.sh -k dispatcher
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'

bash scripts/services.sh

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== chromium (browser tests of the dashboard)"
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends chromium \
    || { apt-get update && apt-get install -y --no-install-recommends chromium; } \
    || { echo "cannot install Debian's chromium (needed by tests/web); run as root with apt" >&2; exit 1; }
fi

echo "== pytest"
.venv/bin/pytest "$@"
