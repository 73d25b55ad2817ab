#!/usr/bin/env bash
# Install Debian's strace, which the crash-safety test uses to SIGKILL the manifest write at
# every system call. Idempotent; needs root or sudo. Without strace the test kills at every
# os/fcntl call of the write instead, so this is optional locally.
set -euo pipefail
command -v strace >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq strace >/dev/null
command -v strace >/dev/null
