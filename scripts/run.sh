#!/usr/bin/env bash
# Installs etiket into .venv and starts the demo: the local messenger emulator with
# its chat web UI, the bot connected to it through the real VK adapter, and the
# administrators' dashboard, on the embedded default (a SQLite file, in-process
# state). It prints where to click and the demo logins. Ctrl-C stops everything.
# Extra arguments go to `etiket demo`, e.g. ./scripts/run.sh --platform max --port 9000
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/etiket demo "$@"
