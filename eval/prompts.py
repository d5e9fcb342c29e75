"""Compare wordings of the answer step's jobs on real questions, one piece at a time.

A prompt change moves every answer, and a replay of the whole evaluation costs 10 to 20 minutes
a set. The jobs are small and their inputs fixed (one piece, one question), so a wording can be
scored on its own job: ``copy`` asks each wording for a forced copy (no ``NOT FOUND``, the
default path) on every piece that holds the gold evidence and counts copies holding a gold
answer; ``judge`` asks each wording's p(yes) on every piece (gold or not, answerable and
unanswerable questions) and reports how well it separates gold pieces from the rest (AUC) and
what the first-piece-over-a-bar policy handles right at its best bar. Wordings of the same job
share the piece and question as their prefix, so each extra wording costs only its own line.

    python -m eval.prompts copy --dataset ../shared/evaldata/squad2-en.dev.json \\
        --variant "Copy the words ..." --variant "Copy from the sentence the full answer ..."
    python -m eval.prompts judge --dataset ../shared/evaldata/xling-en-id.dev.json \\
        --unanswerable 20 --variant "Is the answer to the question in the sentence? ..."

The first variant is always the current wording (``qa.prompt``); ``--out`` keeps every row.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage

from eval import metrics as M
from eval.evidence import holds_evidence
from eval.runner import dataset_index
from eval.targets import Resolver
from kutip.config import load_settings
from qa.assistant import Assistant
from qa.prompt import EXTRACT, JUDGE, about_piece
from qa.read import (
    BAN_NOT_FOUND,
    Piece,
    clean_copy,
    copy_grammar,
    piece_budget,
    pieces,
    yes_probability,
)


def _ask(piece: Piece, question: str, task: str) -> list[BaseMessage]:
    return about_piece(piece.text, question, task)


def copy_row(model: Any, piece: Piece, question: str, task: str, golds: Sequence[str]) -> dict:
    """One wording's forced copy of ``piece`` and whether it holds a gold answer."""
    reply = model.invoke(
        _ask(piece, question, task),
        grammar=copy_grammar(piece.shown, False),
        max_tokens=48,
        logit_bias=BAN_NOT_FOUND,
        repeat_penalty=1.0,
    )
    span = clean_copy(str(reply.content))
    return {"copy": span, "right": M.answer_matches(span, golds)}


def judge_p_yes(model: Any, piece: Piece, question: str, task: str) -> float:
    """One wording's probability of ``yes`` (or Indonesian ``ya``) as the first token."""
    reply = model.invoke(_ask(piece, question, task), max_tokens=1, logprobs=True, top_logprobs=10)
    return yes_probability(reply, ("yes", "ya")) or 0.0


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Probability that a random positive scores above a random negative (ties half)."""
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def best_bar(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    """The bar on ``key`` at which "answer from the first piece over it" handles the most
    questions right (answerable: a gold piece chosen; unanswerable: none chosen)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault(r["qid"], []).append(r)
    best = {"bar": 0.0, "handled": -1.0}
    for bar in [x / 20 for x in range(6, 19)]:
        right = 0
        for rs in grouped.values():
            chosen = next((r for r in rs if r[key] >= bar), None)
            right += chosen is None if rs[0]["impossible"] else bool(chosen and chosen["gold"])
        handled = right / len(grouped)
        if handled > best["handled"]:
            best = {"bar": bar, "handled": round(handled, 3)}
    return best


def run(args: argparse.Namespace) -> dict[str, Any]:
    current = EXTRACT if args.job == "copy" else JUDGE
    variants = [current, *args.variant]
    settings = load_settings()
    rows: list[dict[str, Any]] = []
    index = dataset_index(
        args.dataset, settings, args.distractors, args.articles, args.distractor_limit
    )
    with index as (evalset, store, settings_run, _):
        rng = random.Random(args.seed)
        ans = [q for q in evalset.questions if not q.impossible]
        una = [q for q in evalset.questions if q.impossible]
        sample = rng.sample(ans, min(args.answerable, len(ans)))
        if args.job == "judge":
            sample += rng.sample(una, min(args.unanswerable, len(una)))
        targets = Resolver(store).resolve_all(evalset, sample)
        assistant = Assistant(settings_run, store)
        model = assistant.chat_model
        for i, q in enumerate(sample):
            found = assistant.retrieve(q.text)
            ranked = [e for e in found.evidence if e.score >= settings_run.relevance_floor]
            target = targets[q.id]
            golds = (*q.gold_answers, *target.answers)
            budget = piece_budget(q.text, settings_run.max_prompt_tokens)
            for piece in pieces(ranked, store.sentences, args.pieces, budget):
                gold = any(holds_evidence(s, target) for s in piece.sentences)
                if args.job == "copy" and not gold:
                    continue
                row: dict[str, Any] = {"qid": q.id, "impossible": q.impossible, "gold": gold}
                for k, task in enumerate(variants):
                    if args.job == "copy":
                        out = copy_row(model, piece, q.text, task, golds)
                        row[f"v{k}"], row[f"v{k}_right"] = out["copy"], out["right"]
                    else:
                        row[f"v{k}"] = judge_p_yes(model, piece, q.text, task)
                rows.append(row)
            print(f"{i + 1}/{len(sample)}", file=sys.stderr, flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return summarize(rows, variants, args.job)


def summarize(rows: list[dict[str, Any]], variants: Sequence[str], job: str) -> dict[str, Any]:
    """Per wording: right copies (and wins/losses against the current one), or AUC and the
    best bar's share handled right."""
    report: dict[str, Any] = {"pieces": len(rows), "variants": []}
    for k, task in enumerate(variants):
        entry: dict[str, Any] = {"variant": task}
        if job == "copy":
            entry["right"] = sum(r[f"v{k}_right"] for r in rows)
            entry["wins"] = sum(r[f"v{k}_right"] and not r["v0_right"] for r in rows)
            entry["losses"] = sum(r["v0_right"] and not r[f"v{k}_right"] for r in rows)
        else:
            pos = [r[f"v{k}"] for r in rows if r["gold"] and not r["impossible"]]
            neg = [r[f"v{k}"] for r in rows if r["impossible"] or not r["gold"]]
            entry["auc"] = auc(pos, neg)
            entry.update(best_bar(rows, f"v{k}"))
        report["variants"].append(entry)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.prompts", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("job", choices=("copy", "judge"))
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--variant", action="append", default=[], help="a wording to compare")
    parser.add_argument("--answerable", type=int, default=40)
    parser.add_argument("--unanswerable", type=int, default=20, help="judge only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pieces", type=int, default=3)
    parser.add_argument("--articles", action="append", default=[])
    parser.add_argument("--distractors", action="append", default=[])
    parser.add_argument("--distractor-limit", type=int)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(run(args), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
