"""Replay :func:`qa.check.whole_quantity` on a dataset's gold answers, without the model.

For every answerable question whose gold answer is a quantity (it starts with a digit once a
leading hedge is set aside), the gold's own sentence is found by its offset and the gold
without its hedge is put through ``whole_quantity``, as if the model had copied just the
number and what follows it. Reported: of the golds that carry a hedge ("sekitar 3.400 ekor"),
how many get it back; of those that do not, how many get one added from their sentence (the
annotator left out a hedge the sentence gives, and a copy would now keep it).

    python -m eval.quantities ../shared/evaldata/facqa-id.train.json
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence

from eval.datasets import load_squad
from kutip.errors import InputError
from kutip.text.sentences import split_sentences
from qa.check import HEDGES, whole_quantity

_HEDGED = re.compile(rf"^(?:{HEDGES}|antara|between)\s+", re.IGNORECASE)


def replay(path: str, show: int = 0) -> Counter[str]:
    """Counts for one dataset; prints up to ``show`` examples of each change."""
    counts: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    evalset = load_squad(path)
    texts = {p.key: p.text for p in evalset.passages}
    spans = {key: split_sentences(text) for key, text in texts.items()}
    for q in evalset.questions:
        if not q.answers or not q.answer_starts or q.passage_key is None:
            continue
        gold, start, text = q.answers[0], q.answer_starts[0], texts[q.passage_key]
        bare = _HEDGED.sub("", gold)
        if not bare[:1].isdigit():
            continue
        sentence = next((text[b:e] for b, e in spans[q.passage_key] if b <= start < e), None)
        if sentence is None:
            continue
        out = whole_quantity(bare, sentence)
        kind = "hedged" if _HEDGED.match(gold) else "plain"
        counts[f"{kind} golds"] += 1
        changed = bool(_HEDGED.match(out))
        label = {("hedged", True): "restored", ("hedged", False): "missed"}.get(
            (kind, changed), "added" if changed else "unchanged"
        )
        counts[label] += 1
        if label in ("missed", "added") and shown[label] < show:
            shown[label] += 1
            print(f"  {label}: {gold!r} -> {out!r}", file=sys.stderr)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.quantities", description=__doc__)
    parser.add_argument("datasets", nargs="+", help="SQuAD-format JSON files")
    parser.add_argument("--show", type=int, default=0, help="examples of each change to print")
    args = parser.parse_args(argv)
    try:
        for path in args.datasets:
            c = replay(path, args.show)
            print(
                f"{path}: {c['hedged golds']} golds with a hedge, {c['restored']} restored, "
                f"{c['missed']} missed; {c['plain golds']} without, {c['added']} given one "
                "from their sentence"
            )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
