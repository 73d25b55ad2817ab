#!/usr/bin/env bash
# Install pywb in its own virtualenv (.venv-pywb in the repository root) and print the
# path of its `wayback` script. pywb pins old dependencies, so it never shares our venv.
# Idempotent: an existing, working install is reused.
# Usage: export PROVENANCE_PYWB="$(bash tests/probe/setup_pywb.sh)"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv-pywb"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/wayback" ] || ! "$venv/bin/python" -c "import pywb" >/dev/null 2>&1; then
    "$python" -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pywb==2.10.*" >&2 \
        || "$venv/bin/pip" install --quiet --disable-pip-version-check pywb >&2
fi
echo "$venv/bin/wayback"
