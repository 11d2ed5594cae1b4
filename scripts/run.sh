#!/usr/bin/env bash
# Installs etiket into .venv and runs the bot on the embedded default (SQLite file,
# in-process state) against the local VK emulator. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .

PORT=${ETIKET_EMULATOR_PORT:-8081}
TOKEN=${ETIKET_EMULATOR_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(16))')}
.venv/bin/etiket emulator --platform vk --port "$PORT" --token "$TOKEN" &
EMULATOR=$!
trap 'kill $EMULATOR 2>/dev/null; wait $EMULATOR 2>/dev/null' EXIT
for _ in $(seq 1 50); do
  (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
  sleep 0.2
done
echo "emulator control API: http://127.0.0.1:$PORT/emulator/  (token $TOKEN)"
ETIKET_DATABASE_URL=${ETIKET_DATABASE_URL:-sqlite:///etiket.sqlite3} \
  .venv/bin/etiket run --platform vk --api-url "http://127.0.0.1:$PORT/method/" --token "$TOKEN"
