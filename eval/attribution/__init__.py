"""Precision and recall of the attribution rules on the hand-labelled sentences here.

``labels.jsonl`` holds sentences in article order (``article`` groups them, ``new_paragraph``
marks line breaks), each with ``is_speech`` and the ``speaker`` a reader names ("A | B" when
either is right). The sentences of one article are joined back into one text so the rules see
what they see at ingest: pronoun cues and continuations depend on the sentences around.

The unit is the (sentence, speaker) pair: a prediction is right when its speaker is the same
person as the labelled one by :func:`kutip.text.speakers.same_speaker` (the rule that groups
quotes across articles); ``strict`` also reports exact name equality. Sentences labelled as
speech with no nameable speaker ("laporan itu", an unresolved "Dia") are not gold pairs, so a
name predicted there is a false positive.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kutip.text.attribution import Attribution, attribute
from kutip.text.speakers import name_tokens, same_speaker

LABELS = Path(__file__).with_name("labels.jsonl")


@dataclass(frozen=True)
class Row:
    """One labelled sentence."""

    text: str
    is_speech: bool
    speakers: tuple[str, ...]
    article: str
    new_paragraph: bool


@dataclass
class Result:
    """Counts and the sentences the rules got wrong."""

    tp: int = 0
    tp_strict: int = 0
    predicted: int = 0
    gold: int = 0
    speech_tp: int = 0
    speech_predicted: int = 0
    speech_gold: int = 0
    sentences: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    def summary(self) -> dict[str, float | int]:
        return {
            "sentences": self.sentences,
            "gold_pairs": self.gold,
            "predicted_pairs": self.predicted,
            "precision": round(self._ratio(self.tp, self.predicted), 3),
            "recall": round(self._ratio(self.tp, self.gold), 3),
            "precision_strict": round(self._ratio(self.tp_strict, self.predicted), 3),
            "recall_strict": round(self._ratio(self.tp_strict, self.gold), 3),
            "speech_precision": round(self._ratio(self.speech_tp, self.speech_predicted), 3),
            "speech_recall": round(self._ratio(self.speech_tp, self.speech_gold), 3),
        }


def load(path: Path = LABELS) -> list[Row]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            speakers = tuple(s.strip() for s in (d.get("speaker") or "").split("|") if s.strip())
            rows.append(
                Row(d["text"], bool(d["is_speech"]), speakers, d["article"], d["new_paragraph"])
            )
        except (ValueError, KeyError) as exc:
            msg = f"eval.attribution: error: {path}:{n}: bad label line ({exc})"
            raise SystemExit(msg) from None
    return rows


def _articles(rows: list[Row]) -> Iterator[list[Row]]:
    group: list[Row] = []
    for row in rows:
        if group and row.article != group[-1].article:
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def predict(group: list[Row]) -> list[Attribution | None]:
    """The rules' attribution for each sentence of one labelled article."""
    text = ""
    spans = []
    for i, row in enumerate(group):
        if i:
            text += "\n" if row.new_paragraph else " "
        spans.append((len(text), len(text) + len(row.text)))
        text += row.text
    by_index = {a.sentence_index: a for a in attribute(text, spans)}
    return [by_index.get(i) for i in range(len(group))]


def evaluate(rows: list[Row]) -> Result:
    res = Result()
    for group in _articles(rows):
        for row, pred in zip(group, predict(group), strict=True):
            res.sentences += 1
            res.speech_gold += row.is_speech
            res.speech_predicted += pred is not None
            res.speech_tp += row.is_speech and pred is not None
            name = pred.speaker if pred else None
            if row.is_speech and row.speakers:
                res.gold += 1
            if name is not None:
                res.predicted += 1
            ok = name is not None and any(same_speaker(name, g) for g in row.speakers)
            strict = name is not None and any(
                name_tokens(name) == name_tokens(g) for g in row.speakers
            )
            res.tp += ok
            res.tp_strict += strict
            label = " | ".join(row.speakers) or "-"
            if row.is_speech and row.speakers and not ok:
                res.misses.append(f"[{row.article}] gold {label!r}, got {name!r}: {row.text}")
            if name is not None and not ok:
                res.false_positives.append(
                    f"[{row.article}] got {name!r}, gold {label!r}: {row.text}"
                )
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.attribution", description=__doc__)
    parser.add_argument(
        "--labels",
        type=Path,
        default=LABELS,
        help="labelled sentences to score (default: labels.jsonl; heldout.jsonl is held out)",
    )
    args = parser.parse_args(argv)
    if not args.labels.is_file():
        parser.error(f"no such labels file: {args.labels}")
    res = evaluate(load(args.labels))
    print(json.dumps(res.summary(), indent=2))
    print(f"\nmissed or wrong gold pairs ({len(res.misses)}):")
    for line in res.misses:
        print("  " + line)
    print(f"\nfalse positive pairs ({len(res.false_positives)}):")
    for line in res.false_positives:
        print("  " + line)
    return 0
