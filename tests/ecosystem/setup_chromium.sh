#!/usr/bin/env bash
# Install Debian's Chromium for the HTML report test, with a font for Chinese text (the
# seeds' titles; without one the screenshot shows empty boxes). Idempotent; needs root or
# sudo. The test skips with a reason when no browser is found, so this is optional locally.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  need+=(fonts-wqy-zenhei)
fi
if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
command -v chromium
