#!/usr/bin/env bash
# Command 2: set everything up (Python packages, the model, a headless browser) and run all tests.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
scripts/install-browser.sh
exec .venv/bin/python -m pytest "$@"
