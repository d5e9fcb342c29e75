"""Fit and check the answer decision (:mod:`qa.decide`) on real questions.

``collect`` reads the best pieces of a seeded sample of a dataset's questions exactly as the
assistant does (the same retrieval, pieces, judge and copy prompts, the same model) but reads
every piece instead of stopping at the first that answers, and writes one JSON line per piece:
its signals (similarity, ``p_yes``, ``p_not_found``), the copy, whether the copy is the
sentence's own words, whether the piece holds the gold evidence sentence and whether the copy
holds a gold answer. ``fit`` replays the assistant's policy (the first piece in rank order whose
weighted signals clear zero) over such files for a grid of weights,
picks the weights with the most questions handled right (answerable: answered from an
evidence piece; unanswerable: refused), and reports them on the files given with ``--check``,
which were not used for fitting.

    python -m eval.decide collect --dataset ../shared/evaldata/xling-en-id.dev.json \\
        --answerable 40 --unanswerable 20 --out .kutip/signals/xling.jsonl
    python -m eval.decide fit .kutip/signals/xling.jsonl .kutip/signals/idk.jsonl \\
        --check .kutip/signals/squad2.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eval import metrics as M
from eval.evidence import holds_evidence
from eval.prompts import judge_p_yes
from eval.runner import dataset_index
from eval.targets import Resolver
from kutip.config import load_settings
from kutip.text.lang import detect_language
from qa.assistant import Assistant
from qa.check import copied_from
from qa.decide import Decider, Signals
from qa.read import Copy, Reader, piece_budget, pieces


def collect(
    dataset: str,
    answerable: int,
    unanswerable: int,
    seed: int,
    out: Path,
    limit_pieces: int,
    articles: Sequence[str] = (),
    distractors: Sequence[str] = (),
    distractor_limit: int | None = None,
    judge_only: bool = False,
    judge_variants: Sequence[str] = (),
) -> int:
    """Write the signals of every piece of the sampled questions to ``out``; returns rows.

    ``judge_only`` skips the copy jobs (a third of the time: enough to fit a decision on
    the judge alone); each of ``judge_variants`` (another wording of the judge's last line)
    adds its p(yes or ya) to the row, at the cost of that line only (the prompt cache)."""
    settings = load_settings()
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    index = dataset_index(dataset, settings, distractors, articles, distractor_limit)
    with index as (evalset, store, run, _), out.open("w") as fh:
        rng = random.Random(seed)
        ans = [q for q in evalset.questions if not q.impossible]
        una = [q for q in evalset.questions if q.impossible]
        sample = rng.sample(ans, min(answerable, len(ans))) + rng.sample(
            una, min(unanswerable, len(una))
        )
        targets = Resolver(store).resolve_all(evalset, sample)
        assistant = Assistant(run, store)
        reader = Reader(assistant.chat_model)
        for i, q in enumerate(sample):
            found = assistant.retrieve(q.text)
            ranked = [e for e in found.evidence if e.score >= run.relevance_floor]
            target = targets[q.id]
            budget = piece_budget(q.text, run.max_prompt_tokens)
            for piece in pieces(ranked, store.sentences, limit_pieces, budget):
                judgment = reader.judge(q.text, piece)
                variants = [judge_p_yes(reader.model, piece, q.text, v) for v in judge_variants]
                if judge_only:
                    copy = forced = Copy("", None, 0, 0.0)
                else:
                    copy = reader.copy(q.text, piece)
                    forced = copy
                    if not copy.span:
                        forced = reader.copy(q.text, piece, allow_not_found=False)
                e = piece.evidence
                row = {
                    "dataset": evalset.name,
                    "qid": q.id,
                    "impossible": q.impossible,
                    "n": e.n,
                    "similarity": e.score,
                    "p_yes": judgment.p_yes,
                    "p_not_found": copy.p_not_found,
                    "p_yes_variants": variants,
                    "question_lang": detect_language(q.text),
                    "copy": copy.span,
                    "forced_copy": forced.span,
                    "copy_held": copied_from(forced.span, piece.sentences) is not None,
                    "gold_piece": any(holds_evidence(s, target) for s in piece.sentences),
                    "copy_right": bool(q.gold_answers)
                    and M.answer_matches(forced.span, (*q.gold_answers, *target.answers)),
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                rows += 1
            print(f"{i + 1}/{len(sample)}", file=sys.stderr, flush=True)
    return rows


def load(
    paths: Iterable[str | Path], variant: int | None = None
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Rows grouped per question, pieces in rank order; with ``variant``, the judge's p(yes)
    is that recorded wording's (``collect --judge-variant``) instead of today's."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            row = json.loads(line)
            if variant is not None:
                row["p_yes"] = row["p_yes_variants"][variant]
            grouped.setdefault((row["dataset"], row["qid"]), []).append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: r["n"])
    return grouped


def replay(
    grouped: dict[tuple[str, str], list[dict[str, Any]]],
    weights: Sequence[float],
    policy: str = "first",
) -> dict[str, float]:
    """What the assistant's policy does with these signals and ``weights``: ``first`` takes
    the first piece that answers (the assistant's), ``best`` the best-scoring of all pieces
    that answer (it must judge every piece before it can say a word)."""
    decider = Decider(weights)
    right = refused_ok = answered_wrong = false_refusals = 0
    n_ans = n_una = 0
    for rows in grouped.values():
        chosen = None
        best = 0.0
        for r in rows:
            copied = bool(r["copy"])
            verdict = decider.decide(Signals(r["similarity"], r["p_yes"], r["p_not_found"], copied))
            # The copy is held by construction (qa.read.copy_grammar), so the decision alone
            # picks the piece; ``copy_held`` is kept in the rows to show that it holds.
            if verdict.answers and (chosen is None or verdict.score > best):
                chosen, best = r, verdict.score
                if policy == "first":
                    break
        if rows[0]["impossible"]:
            n_una += 1
            refused_ok += chosen is None
            continue
        n_ans += 1
        if chosen is None:
            false_refusals += 1
        elif chosen["gold_piece"]:
            right += 1
        else:
            answered_wrong += 1
    total = n_ans + n_una
    return {
        "questions": total,
        "handled": (right + refused_ok) / total if total else 0.0,
        "answered_from_evidence": right / n_ans if n_ans else 0.0,
        "false_refusals": false_refusals / n_ans if n_ans else 0.0,
        "unanswerable_refused": refused_ok / n_una if n_una else 0.0,
        "answered_elsewhere": answered_wrong / n_ans if n_ans else 0.0,
    }


GRID = {
    "bias": [x / 20 for x in range(-30, 1)],
    "w_yes": [0.0, 0.5, 1.0],
    "w_copy": [0.0, 0.25, 0.5, 1.0],
    "w_sim": [0.0, 1.0],
}


def fit(
    grouped: dict[tuple[str, str], list[dict[str, Any]]],
    max_false_refusals: float | None = None,
) -> tuple[list[float], dict[str, float]]:
    """The grid weights that handle the most fitting questions right (ties: fewer signals).

    With ``max_false_refusals``, the weights that refuse the most unanswerable questions while
    refusing at most that share of answerable ones (then the most handled): a refused answer
    the articles hold costs the user more than a cited sentence that does not quite answer."""
    best: tuple[tuple[float, ...], list[float]] | None = None
    for bias, w_yes, w_copy, w_sim in itertools.product(*GRID.values()):
        if w_yes == w_copy == w_sim == 0:
            continue
        weights = [bias, w_yes, w_copy, w_sim]
        r = replay(grouped, weights)
        if max_false_refusals is None:
            key: tuple[float, ...] = (r["handled"],)
        else:
            within = r["false_refusals"] <= max_false_refusals + 1e-9
            key = (within, r["unanswerable_refused"] if within else 0.0, r["handled"])
        # Ties go to the model with fewer signals: what it does not use it cannot overfit.
        key = (*(round(k, 9) for k in key), -sum(w != 0 for w in weights[1:]))
        if best is None or key > best[0]:
            best = (key, weights)
    assert best is not None
    return best[1], replay(grouped, best[1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.decide", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="read every piece of sampled questions, write signals")
    c.add_argument("--dataset", required=True)
    c.add_argument("--answerable", type=int, default=40)
    c.add_argument("--unanswerable", type=int, default=20)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--pieces", type=int, default=3)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--articles", action="append", default=[], help="for a JSONL question set")
    c.add_argument("--distractors", action="append", default=[])
    c.add_argument("--distractor-limit", type=int)
    c.add_argument("--judge-only", action="store_true", help="skip the copy jobs")
    c.add_argument(
        "--judge-variant", action="append", default=[], help="another judge wording to record"
    )
    f = sub.add_parser("fit", help="fit the decision weights on signal files")
    f.add_argument("files", nargs="+")
    f.add_argument("--check", nargs="*", default=[], help="signal files not used for fitting")
    f.add_argument(
        "--weights", help="score these weights instead of fitting (b,w_yes,w_copy,w_sim)"
    )
    f.add_argument(
        "--variant", type=int, help="score the Nth recorded judge wording (0 = the first)"
    )
    f.add_argument(
        "--max-false-refusals",
        type=float,
        help="refuse the most unanswerable questions with at most this share of answerable "
        "ones refused (default: the most questions handled right)",
    )
    args = parser.parse_args(argv)
    if args.command == "collect":
        rows = collect(
            args.dataset,
            args.answerable,
            args.unanswerable,
            args.seed,
            args.out,
            args.pieces,
            args.articles,
            args.distractors,
            args.distractor_limit,
            args.judge_only,
            args.judge_variant,
        )
        print(f"{rows} pieces -> {args.out}")
        return 0
    grouped = load(args.files, args.variant)
    if args.weights:
        weights = [float(x) for x in args.weights.split(",")]
        print(json.dumps({"weights": weights, "fit": replay(grouped, weights)}))
    else:
        weights, scores = fit(grouped, args.max_false_refusals)
        print(json.dumps({"weights": weights, "fit": scores}))
    for path in args.check:
        print(json.dumps({"check": path, **replay(load([path], args.variant), weights)}))
    print(json.dumps({"policy": "best", **replay(grouped, weights, "best")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
