#!/usr/bin/env bash
# Reproduce the published evaluation in docs/eval/: every number there comes from this script,
# and the README table and docs/results.md are regenerated from its summaries at the end.
#   scripts/publish-eval.sh [--no-llm] [ANSWERS] [SET...]   (default: 100 answers, four dev sets)
# With --no-llm, kutip answers extractively and the LLM baselines' answer metrics are null.
# Reads the shared dev sets by path (they are never copied into the project). The embedding
# cache lives in $KUTIP_STORE (default .kutip/eval-store), so a rerun skips re-embedding.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=()
if [ "${1:-}" = "--no-llm" ]; then flags+=(--no-llm); shift; fi
answers="${1:-100}"
shift || true
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(xling-en-id.dev tydiqa-id.valid facqa-id.valid squad2-en.dev)
data="${KUTIP_EVALDATA:-../shared/evaldata}"
export KUTIP_STORE="${KUTIP_STORE:-.kutip/eval-store}"
for name in "${sets[@]}"; do
  out="docs/eval/$name"
  mkdir -p "$out"
  # Per-question replies go to .kutip/details/ (gitignored): they quote the dataset.
  .venv/bin/kutip eval -q --dataset "$data/$name.json" --answers "$answers" \
    --baseline bm25,naive --report "$out" --details ".kutip/details/$name.jsonl" \
    "${flags[@]}" > "$out/summary.txt"
  # The dev sets stay in shared/: drop the example questions and answers from what we commit.
  .venv/bin/python - "$out/result.json" <<'PY'
import json, sys
path = sys.argv[1]
data = json.load(open(path))
for system in data.get("details", {}).values():
    system.pop("examples", None)
json.dump(data, open(path, "w"), indent=2, ensure_ascii=False)
PY
done
# The README's table and docs/results.md, from every set's summary.json (this run's included).
.venv/bin/python -m eval.publish
