#!/usr/bin/env bash
# Command 1: set everything up, ingest the bundled sample article, open the chat.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh app
exec .venv/bin/kutip chat --demo "$@"
