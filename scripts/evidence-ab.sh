#!/usr/bin/env bash
# Evidence selection, former settings (exactly 5 sentences, flat chunk bonus 0.05) against the
# current defaults (280-token budget, at most 10 sentences, bonus 0.1 * 0.8^rank), retrieval
# only (no answer model): docs/evaluation.md quotes the "evidence anywhere in the handed units"
# lines of the reports this writes to docs/eval/evidence-ab/<set>-{former,current}/, and the
# current run's naive baseline (its four chunks) and "lost the evidence sentence" line.
#   scripts/evidence-ab.sh [SET...]   (default: the four dev sets; tydiqa-id.train is the
#   held-out check: no setting was chosen on it)
set -euo pipefail
cd "$(dirname "$0")/.."
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(xling-en-id.dev tydiqa-id.valid facqa-id.valid squad2-en.dev)
data="${KUTIP_EVALDATA:-../shared/evaldata}"
export KUTIP_STORE="${KUTIP_STORE:-.kutip/eval-store}"
for name in "${sets[@]}"; do
  for variant in former current; do
    out="docs/eval/evidence-ab/$name-$variant"
    mkdir -p "$out"
    if [ "$variant" = former ]; then
      env KUTIP_EVIDENCE_K=5 KUTIP_EVIDENCE_TOKENS=0 KUTIP_CHUNK_BONUS=0.05 \
        KUTIP_CHUNK_BONUS_DECAY=1 .venv/bin/kutip eval -q --no-llm --answers 0 \
        --baseline none --dataset "$data/$name.json" --report "$out" > "$out/summary.txt"
    else
      .venv/bin/kutip eval -q --no-llm --answers 0 --baseline naive \
        --dataset "$data/$name.json" --report "$out" > "$out/summary.txt"
    fi
  done
done
grep -H -e "units handed" -e "lost the evidence" docs/eval/evidence-ab/*/report.md
