#!/usr/bin/env bash
# Install Debian's Chromium for the HTML report test (idempotent; needs root or sudo).
# The test skips with a reason when no browser is found, so this is optional locally.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium
