"""Sweep the retrieval fusion weights on a dataset: search once per question, fuse many times.

kutip fuses three rankings (dense chunks, dense sentences, BM25 chunks) by weighted RRF
(``qa.fusion``). Which weights suit an archive depends on its language mix and on how much
its questions share words with its articles, so this measures each combination on a question
set instead of guessing. The legs do not depend on the weights, so they are computed once per
question (``qa.retriever.gather_legs``) and only the fusion is repeated; a grid of dozens of
combinations costs one retrieval pass. With ``--baseline naive`` the LangChain recipe is
scored on the same index, and each row shows its paired difference from it. A chosen row is
applied with ``KUTIP_DENSE_WEIGHT``, ``KUTIP_SENTENCE_WEIGHT``, ``KUTIP_KEYWORD_WEIGHT`` and
``KUTIP_RRF_K``.

    python -m eval.sweep --dataset ../shared/evaldata/tydiqa-id.valid.json \\
        --sentence 0,0.5,1 --keyword 0,0.5,1 --baseline naive
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections.abc import Sequence
from typing import Any

from eval import metrics as M
from eval.baselines import NaiveSystem
from eval.runner import FUSION_SETTINGS, RETRIEVE_DEPTH, dataset_index
from eval.targets import Resolver
from kutip.config import Settings, load_settings
from kutip.errors import ConfigError, KutipError
from qa.retriever import fuse, gather_legs, rank_articles

SHOWN = ("ndcg@10", "recall@1", "recall@5", "mrr@10")


def grid(settings: Settings, choices: dict[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of ``choices`` (field -> values); unswept fields keep ``settings``'."""
    names = list(FUSION_SETTINGS)
    values = [choices.get(n) or [getattr(settings, n)] for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def sweep(
    dataset_path: str,
    settings: Settings,
    choices: dict[str, Sequence[float]],
    baseline: bool = False,
    distractors: Sequence[str] = (),
) -> dict[str, Any]:
    """Score every weight combination (and optionally naive) on the dataset's answerable
    questions; rows best nDCG@10 first, each with its paired tests against the defaults."""
    combos = grid(settings, choices)
    default = {n: getattr(settings, n) for n in FUSION_SETTINGS}
    if default not in combos:
        combos.append(default)
    with dataset_index(dataset_path, settings, distractors) as (evalset, store, run, work):
        questions = [q for q in evalset.questions if not q.impossible]
        targets = Resolver(store).resolve_all(evalset, questions)
        questions = [q for q in questions if targets[q.id].qrels]
        qrels = {q.id: targets[q.id].qrels for q in questions}
        legs = [gather_legs(store, q.text, RETRIEVE_DEPTH) for q in questions]
        scored: list[tuple[dict[str, float], dict[str, list[float]]]] = []
        for combo in combos:
            fused_settings = dataclasses.replace(run, **_typed(combo))
            ranking = {
                q.id: [aid for aid, _ in rank_articles(fuse(store, fused_settings, found))]
                for q, found in zip(questions, legs, strict=True)
            }
            scored.append((combo, M.retrieval_scores(qrels, ranking, SHOWN)))
        naive_scores = None
        if baseline:
            naive = NaiveSystem(store, None, work / "naive-chroma")
            try:
                ranking = {q.id: naive.retrieve(q.text, RETRIEVE_DEPTH).articles for q in questions}
            finally:
                naive.close()
            naive_scores = M.retrieval_scores(qrels, ranking, SHOWN)
    base = next(s for c, s in scored if c == default)
    rows = []
    for combo, scores in scored:
        row: dict[str, Any] = {**combo, "default": combo == default}
        row.update({m: M.mean(v) for m, v in scores.items()})
        row["vs_default"] = M.paired_tests(scores["ndcg@10"], base["ndcg@10"])
        if naive_scores is not None:
            row["vs_naive"] = M.paired_tests(scores["ndcg@10"], naive_scores["ndcg@10"])
        rows.append(row)
    rows.sort(key=lambda r: -(r["ndcg@10"] or 0.0))
    out: dict[str, Any] = {"dataset": evalset.name, "questions": len(questions), "rows": rows}
    if naive_scores is not None:
        out["naive"] = {m: M.mean(v) for m, v in naive_scores.items()}
    return out


def _typed(combo: dict[str, float]) -> dict[str, Any]:
    return {k: int(v) if k == "rrf_k" else float(v) for k, v in combo.items()}


def _values(text: str, flag: str, most: float | None = None) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"{flag} {text!r}: expected comma-separated numbers") from None
    if not values or any(v < 0 for v in values):
        raise ConfigError(f"{flag} {text!r}: expected one or more numbers >= 0")
    if most is not None and any(v > most for v in values):
        raise ConfigError(f"{flag} {text!r}: expected numbers from 0 to {most:g}")
    return values


def format_table(result: dict[str, Any]) -> str:
    """The rows as a terminal table; the default row is marked with ``*``."""
    head = ["dense", "mix", "sentence", "keyword", "rrf_k", *SHOWN, "vs default p"]
    if "naive" in result:
        head.append("vs naive (diff, p)")
    lines = [f"{result['dataset']}: {result['questions']} questions", "  ".join(head)]
    for r in result["rows"]:
        cells = [
            f"{r['dense_weight']:g}",
            f"{r['sentence_mix']:g}",
            f"{r['sentence_weight']:g}",
            f"{r['keyword_weight']:g}",
            f"{r['rrf_k']:g}",
            *(f"{r[m]:.3f}" for m in SHOWN),
            "*" if r["default"] else _p(r["vs_default"]["t_test_p"]),
        ]
        if "vs_naive" in r:
            cells.append(f"{r['vs_naive']['mean_diff']:+.3f} {_p(r['vs_naive']['t_test_p'])}")
        lines.append("  ".join(cells))
    if "naive" in result:
        naive = result["naive"]
        lines.append("naive: " + "  ".join(f"{m} {naive[m]:.3f}" for m in SHOWN))
    return "\n".join(lines)


def _p(value: float | None) -> str:
    return "-" if value is None else f"{value:.2g}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.sweep", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dataset", required=True, help="a SQuAD v2 JSON or BEIR folder")
    parser.add_argument("--dense", default="", help="dense chunk weights, e.g. 1")
    parser.add_argument(
        "--mix", default="", help="share of the best sentence cosine in the dense leg, e.g. 0,0.5"
    )
    parser.add_argument("--sentence", default="", help="dense sentence weights, e.g. 0,0.5,1")
    parser.add_argument("--keyword", default="", help="BM25 weights (same language), e.g. 0,1")
    parser.add_argument("--rrf-k", default="", help="RRF k values, e.g. 20,60")
    parser.add_argument("--baseline", choices=["naive"], help="also score the naive recipe")
    parser.add_argument(
        "--distractors", action="append", default=[], help="datasets whose passages join"
    )
    args = parser.parse_args(argv)
    try:
        flags = {
            "dense_weight": ("--dense", args.dense),
            "sentence_mix": ("--mix", args.mix),
            "sentence_weight": ("--sentence", args.sentence),
            "keyword_weight": ("--keyword", args.keyword),
            "rrf_k": ("--rrf-k", args.rrf_k),
        }
        choices = {
            name: _values(text, flag, 1.0 if name == "sentence_mix" else None)
            for name, (flag, text) in flags.items()
            if text
        }
        result = sweep(
            args.dataset, load_settings(), choices, args.baseline == "naive", args.distractors
        )
    except KutipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
