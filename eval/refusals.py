"""How sure the model was of each ``NOT FOUND`` in a run, and what it answers without it.

``refusal_confidence`` (:mod:`qa.second_look`) is a threshold on the model's first-token
probability of ``NOT``; this measures where to put it for a model and a kind of question. For
every kutip row of ``kutip eval --details`` whose reply began ``NOT FOUND`` (before any second
look), it rebuilds the question's prompt, asks the model for that probability and for its reply
with ``NOT`` banned, checks the reply with today's rules, and tables, per threshold, the
answerable questions that would be answered right or wrong and the unanswerable ones that
would be answered instead of refused.

    python -m eval.refusals --dataset ../shared/evaldata/squad2-en.dev.json \\
        .kutip/details/squad2-en.dev.jsonl

Needs the answer model: about 5 s a row on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.failures import read_details
from eval.metrics import answer_matches
from eval.replay import dataset_assistant, recorded_reply
from kutip.config import Settings, load_settings
from kutip.errors import KutipError
from kutip.models.chat import make_chat_model
from qa.prompt import answer_messages
from qa.second_look import (
    ASKED_AGAIN,
    answer_without_not_found,
    is_bare_not_found,
    not_found_probability,
)

THRESHOLDS = (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def said_not_found(row: dict[str, Any]) -> bool:
    """Whether the model's first reply on this row was a bare ``NOT FOUND``."""
    if any(str(n).startswith(ASKED_AGAIN) for n in row.get("notes", [])):
        return True
    reply = recorded_reply(row)
    return reply is not None and is_bare_not_found(reply)


def probe(
    dataset_path: str | Path, details_path: str | Path, settings: Settings, model: Any
) -> list[dict[str, Any]]:
    """One record per ``NOT FOUND`` row: its probability and the checked reply without it."""
    rows = [
        r
        for r in read_details(details_path)
        if r.get("system", "kutip") == "kutip" and said_not_found(r)
    ]
    out: list[dict[str, Any]] = []
    with dataset_assistant(dataset_path, settings, chat_model=model) as assistant:
        for row in rows:
            question = row["question"]
            found = assistant.retrieve(question)
            language = assistant.answer_language(question)
            messages = answer_messages(question, found.evidence, language)
            p = not_found_probability(model, messages)
            reply = answer_without_not_found(model, messages, question, found.evidence) or ""
            answer = assistant.recheck(question, reply, language)
            answered = not answer.refused
            out.append(
                {
                    "question": question,
                    "impossible": bool(row.get("impossible")),
                    "p_not_found": None if p is None else round(p, 3),
                    "reply": reply,
                    "answered": answered,
                    "correct": answered and answer_matches(answer.answer, row.get("gold", [])),
                }
            )
    return out


def by_threshold(
    records: Sequence[dict[str, Any]], thresholds: Sequence[float] = THRESHOLDS
) -> list[dict[str, Any]]:
    """What asking again below each threshold changes, against trusting every NOT FOUND."""
    table = []
    for t in thresholds:
        below = [r for r in records if r["p_not_found"] is not None and r["p_not_found"] < t]
        table.append(
            {
                "threshold": t,
                "answerable_right": sum(1 for r in below if not r["impossible"] and r["correct"]),
                "answerable_wrong": sum(
                    1 for r in below if not r["impossible"] and r["answered"] and not r["correct"]
                ),
                "unanswerable_answered": sum(1 for r in below if r["impossible"] and r["answered"]),
            }
        )
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.refusals", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dataset", required=True, help="the dataset the details came from")
    parser.add_argument("--json", help="write the per-row records and the table here")
    parser.add_argument("details", help="a JSONL written by kutip eval --details")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        model = make_chat_model(settings)
        if model is None:
            raise KutipError("eval.refusals needs the answer model (KUTIP_LLM is 'none')")
        records = probe(args.dataset, args.details, settings, model)
    except KutipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    table = by_threshold(records)
    answerable = sorted(r["p_not_found"] or 0 for r in records if not r["impossible"])
    unanswerable = sorted(r["p_not_found"] or 0 for r in records if r["impossible"])
    print(f"NOT FOUND replies: {len(answerable)} answerable, {len(unanswerable)} unanswerable")
    print(f"p(NOT) answerable:   {' '.join(f'{p:.2f}' for p in answerable)}")
    print(f"p(NOT) unanswerable: {' '.join(f'{p:.2f}' for p in unanswerable)}")
    print("asked again below | answerable right | answerable wrong | unanswerable answered")
    for row in table:
        print(
            f"{row['threshold']:>17} | {row['answerable_right']:>16} | "
            f"{row['answerable_wrong']:>16} | {row['unanswerable_answered']:>21}"
        )
    if args.json:
        data = {"records": records, "table": table}
        Path(args.json).write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
