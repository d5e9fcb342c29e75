"""Why answers missed: split a ``--details`` file's answerable questions by cause.

Answer accuracy alone cannot tell a retrieval miss from a reading miss. Every row of a details
file says whether the gold evidence was in what the answer model read (``evidence_handed``),
whether the system refused and whether the reply held a gold answer, so each miss falls into
one cause, and "accuracy when the evidence was handed" measures the reader alone (BASELINES.md
quotes it for the naive recipe). Run it on what ``kutip eval --details`` wrote::

    python -m eval.failures .kutip/details/tydiqa-id.valid.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kutip.errors import InputError

CAUSES = (
    "correct",
    "wrong answer, evidence handed",
    "wrong answer, evidence not handed",
    "refused, evidence handed",
    "refused, evidence not handed",
)


def cause(row: Mapping[str, Any]) -> str | None:
    """The cause of one answerable row (``None`` for unanswerable or ungraded rows)."""
    if row.get("impossible") or row.get("correct") is None:
        return None
    if row["correct"]:
        return "correct"
    handed = "evidence handed" if row.get("evidence_handed") else "evidence not handed"
    return f"{'refused' if row.get('refused') else 'wrong answer'}, {handed}"


def summarize(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One system's rows: counts per cause, unanswerable refused, accuracy given evidence."""
    items = list(rows)
    counts = Counter(c for c in map(cause, items) if c is not None)
    handed = [r for r in items if cause(r) is not None and r.get("evidence_handed")]
    unanswerable = [r for r in items if r.get("impossible")]
    return {
        "causes": {c: counts.get(c, 0) for c in CAUSES},
        "graded": sum(counts.values()),
        "accuracy_when_evidence_handed": (
            sum(bool(r["correct"]) for r in handed) / len(handed) if handed else None
        ),
        "evidence_handed": len(handed),
        "unanswerable_refused": sum(bool(r.get("refused")) for r in unanswerable),
        "unanswerable": len(unanswerable),
    }


def miss_causes(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`summarize` per system of a details file (rows carry a ``system`` key)."""
    by_system: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_system[str(row.get("system", "kutip"))].append(row)
    return {system: summarize(items) for system, items in by_system.items()}


def read_details(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a details JSONL; a broken line is an error naming the file and line."""
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"line {number} is not JSON: {exc.msg}") from exc
    return rows


def format_table(summary: Mapping[str, Mapping[str, Any]]) -> str:
    """A Markdown table, one column per system."""
    systems = list(summary)
    lines = ["| | " + " | ".join(systems) + " |", "|---" * (len(systems) + 1) + "|"]
    for c in CAUSES:
        lines.append(f"| {c} | " + " | ".join(str(summary[s]["causes"][c]) for s in systems) + " |")
    acc = [summary[s]["accuracy_when_evidence_handed"] for s in systems]
    lines.append(
        "| accuracy when the evidence was handed | "
        + " | ".join("-" if a is None else f"{a:.3f}" for a in acc)
        + " |"
    )
    lines.append(
        "| unanswerable refused | "
        + " | ".join(
            f"{summary[s]['unanswerable_refused']}/{summary[s]['unanswerable']}" for s in systems
        )
        + " |"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.failures", description=__doc__.split("\n")[0]
    )
    parser.add_argument("details", nargs="+", help="JSONL files written by kutip eval --details")
    args = parser.parse_args(argv)
    try:
        for path in args.details:
            print(f"## {path}\n\n{format_table(miss_causes(read_details(path)))}\n")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
