"""Replay recorded model replies through today's answer rules, without the model.

A change to the citation check or the refusal rules needs no new LLM answers to be measured:
``kutip eval --details`` recorded every raw reply, so this rebuilds the dataset's index (the
embedding cache makes that fast), retrieves each question again and hands the recorded reply to
:meth:`qa.assistant.Assistant.recheck`. Both sides are scored against the same gold answers
(the details row's), so the difference is the rules' alone. Replies are recorded cut at 300
characters; a reply cut before its markers replays as unsupported. Only kutip's rows replay.

    python -m eval.replay --dataset ../shared/evaldata/xling-en-id.dev.json \\
        .kutip/details/xling-en-id.dev.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from eval.failures import read_details
from eval.metrics import answer_matches
from eval.runner import dataset_index
from kutip.config import Settings, load_settings
from kutip.errors import KutipError
from qa.assistant import Assistant

_REPLY = "model reply: "


def recorded_reply(row: dict[str, Any]) -> str | None:
    """The model's reply as ``kutip eval --details`` recorded it (cut at 300 characters)."""
    return next((n[len(_REPLY) :] for n in row.get("notes", []) if n.startswith(_REPLY)), None)


def _correct(row: dict[str, Any], answer: str, refused: bool) -> bool:
    return not refused and answer_matches(answer, row.get("gold", []))


def replay(
    dataset_path: str | Path, details_path: str | Path, settings: Settings
) -> dict[str, Any]:
    """Recorded vs replayed: correct answers, refused unanswerable questions and refused
    answerable ones (false refusals), with the rows whose outcome changed."""
    rows = [r for r in read_details(details_path) if r.get("system", "kutip") == "kutip"]
    out: dict[str, Any] = {
        "rows": len(rows),
        "correct": [0, 0],
        "false_refusals": [0, 0],
        "answerable": 0,
        "unanswerable_refused": [0, 0],
        "unanswerable": 0,
        "changed": [],
    }
    with dataset_assistant(dataset_path, settings, chat_model=None) as assistant:
        for row in rows:
            before_refused = bool(row.get("refused"))
            before = _correct(row, row.get("answer", ""), before_refused)
            raw = recorded_reply(row)
            if raw is None:  # refused before the model ran (relevance floor): unchanged
                after_refused, after, text = before_refused, before, row.get("answer", "")
            else:
                answer = assistant.recheck(row["question"], raw)
                after_refused, text = answer.refused, answer.answer
                after = _correct(row, text, after_refused)
            if row.get("impossible"):
                out["unanswerable"] += 1
                out["unanswerable_refused"][0] += before_refused
                out["unanswerable_refused"][1] += after_refused
                changed = before_refused != after_refused
            else:
                out["answerable"] += 1
                out["correct"][0] += before
                out["correct"][1] += after
                out["false_refusals"][0] += before_refused
                out["false_refusals"][1] += after_refused
                changed = before != after
            if changed:
                out["changed"].append(
                    {
                        "question": row["question"],
                        "before": row.get("answer", ""),
                        "after": text,
                    }
                )
    return out


@contextlib.contextmanager
def dataset_assistant(
    dataset_path: str | Path, settings: Settings, chat_model: Any = None
) -> Iterator[Assistant]:
    """An :class:`Assistant` over a throwaway index of the dataset's articles, built as
    ``kutip eval`` builds it."""
    with dataset_index(dataset_path, settings) as (_, store, run, _):
        yield Assistant(run, store, chat_model=chat_model)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.replay", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dataset", required=True, help="the dataset the details came from")
    parser.add_argument("details", help="a JSONL written by kutip eval --details")
    args = parser.parse_args(argv)
    try:
        result = replay(args.dataset, args.details, load_settings())
    except KutipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    c, u = result["correct"], result["unanswerable_refused"]
    print(f"correct answers: recorded {c[0]}, replayed {c[1]} of {result['answerable']}")
    print(f"unanswerable refused: recorded {u[0]}, replayed {u[1]} of {result['unanswerable']}")
    f = result["false_refusals"]
    print(f"false refusals: recorded {f[0]}, replayed {f[1]} of {result['answerable']}")
    for change in result["changed"]:
        print(f"- {change['question']}\n    before: {change['before'][:160]}")
        print(f"    after:  {change['after'][:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
