#!/usr/bin/env bash
# Archive-scale retrieval, as BASELINES.md's second table: each dev set's passages plus every
# tydiqa-id.train passage as distractors (~4.2k articles), kutip against bm25 and naive in the
# same run, retrieval only. docs/evaluation.md quotes the reports this writes to
# docs/eval/archive/<set>/.
#   scripts/archive-eval.sh [SET...]   (default: xling-en-id.dev xling-id-id.dev tydiqa-id.valid)
set -euo pipefail
cd "$(dirname "$0")/.."
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(xling-en-id.dev xling-id-id.dev tydiqa-id.valid)
data="${KUTIP_EVALDATA:-../shared/evaldata}"
export KUTIP_STORE="${KUTIP_STORE:-.kutip/eval-store}"
for name in "${sets[@]}"; do
  out="docs/eval/archive/$name"
  mkdir -p "$out"
  .venv/bin/kutip eval -q --no-llm --answers 0 --dataset "$data/$name.json" \
    --distractors "$data/tydiqa-id.train.json" --report "$out" > "$out/summary.txt"
done
grep -H "ndcg@10 " docs/eval/archive/*/summary.txt
