#!/usr/bin/env bash
# Regenerate the README's results table and docs/results.md from docs/eval/<set>/summary.json.
#   scripts/publish-results.sh [--check]   (--check: change nothing, exit 1 if either is stale)
# The summaries come from `kutip eval --report` (scripts/publish-eval.sh); this script only
# renders them, so it takes a second and never runs a model.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m eval.publish "$@"
