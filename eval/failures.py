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


def discordant(rows: Iterable[Mapping[str, Any]], ours: str = "kutip") -> dict[str, Any]:
    """Per other system: answerable questions only ``ours`` got right, only the other got
    right, and the exact two-sided sign test on those pairs (McNemar's exact form).

    At 100 questions a 4-answer lead is noise; this says how much, from the same rows.
    """
    right: dict[str, dict[str, bool]] = defaultdict(dict)
    for row in rows:
        if not row.get("impossible") and row.get("correct") is not None:
            right[str(row.get("system", ours))][str(row.get("id", row.get("question")))] = bool(
                row["correct"]
            )
    out: dict[str, Any] = {}
    for system, theirs in right.items():
        if system == ours:
            continue
        both = set(theirs) & set(right.get(ours, {}))
        only_ours = sum(right[ours][q] and not theirs[q] for q in both)
        only_theirs = sum(theirs[q] and not right[ours][q] for q in both)
        out[system] = {
            "paired": len(both),
            f"only_{ours}": only_ours,
            "only_other": only_theirs,
            "sign_test_p": sign_test(only_ours, only_theirs),
        }
    return out


def sign_test(a: int, b: int) -> float:
    """Two-sided exact binomial p of ``a`` vs ``b`` wins at even odds (1.0 when no wins)."""
    if a + b == 0:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(a, a + b).pvalue)


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
            rows = read_details(path)
            print(f"## {path}\n\n{format_table(miss_causes(rows))}\n")
            for system, d in discordant(rows).items():
                print(
                    f"kutip vs {system}: {d['only_kutip']} right only for kutip, "
                    f"{d['only_other']} only for {system} (of {d['paired']} paired; "
                    f"sign test p = {d['sign_test_p']:.2f})\n"
                )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
