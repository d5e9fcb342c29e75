#!/usr/bin/env bash
# Install the headless browser the UI tests drive (Debian's chromium + its driver + a font).
#
# Why Debian's package and not `playwright install`: the test machines reach only package
# registries, and a distro browser is reproducible and patched by the OS. Idempotent: it does
# nothing when /usr/bin/chromium is already there, so CI can call it on every run.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-browser.sh: run as root (or install sudo) to apt-get install chromium" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium chromium-driver fonts-dejavu-core
/usr/bin/chromium --version
