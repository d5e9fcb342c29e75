"""Arguments and printing for ``kutip eval`` and ``kutip bench`` (``cli/main.py`` wires them in).

Kept beside the evaluation code so the flags and the library signatures change together;
``cli/main.py`` adds the common store/model flags and builds the settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kutip.config import Settings


def _ints(text: str) -> list[int]:
    try:
        values = [int(x.replace("_", "")) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected numbers like 1000,10000: {text!r}") from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive numbers: {text!r}")
    return values


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a share like 0.25: {text!r}") from exc
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1: {text!r}")
    return value


def _names(text: str) -> list[str]:
    return [] if text.strip().lower() in ("", "none") else [x.strip() for x in text.split(",")]


def add_eval_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """Flags of ``kutip eval`` or ``kutip bench`` (``command`` says which)."""
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument("--no-llm", action="store_true", help="no answer model")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    if command == "eval":
        parser.add_argument(
            "--dataset", required=True, help="SQuAD v2 JSON, BEIR folder, or questions JSONL"
        )
        parser.add_argument(
            "--answers", type=int, default=60, help="questions answered in full (default 60)"
        )
        parser.add_argument(
            "--unanswerable-share",
            type=_share,
            help="share of unanswerable questions in the answer sample (default 1/6); when "
            "they run out answerable ones fill it, so 1 with --answers 300+U takes all U "
            "unanswerable and 300 answerable",
        )
        parser.add_argument(
            "--baseline",
            type=_names,
            default=["bm25", "naive"],
            help="baselines to run beside kutip: bm25,naive (default) or none",
        )
        parser.add_argument("--json", dest="json_out", help="write the results JSON here")
        parser.add_argument("--report", help="write a Markdown report with plots into this folder")
        parser.add_argument(
            "--details",
            help="write every answered question (reply, gold, verdict, model notes) as JSONL "
            "here, to read the failures; it quotes the dataset, so keep it out of commits",
        )
        parser.add_argument(
            "--articles", action="append", help="articles to ingest for a JSONL set (repeatable)"
        )
        parser.add_argument(
            "--distractors",
            action="append",
            help="a dataset whose passages join the index as articles no question is about, "
            "for archive-scale retrieval (repeatable)",
        )
        parser.add_argument(
            "--distractor-limit",
            type=int,
            help="only the first N passages of the distractor datasets (the mission store: 400)",
        )
        parser.add_argument(
            "--no-answer-cache",
            action="store_true",
            help="ask the baselines' model again instead of reusing answers to the same prompt",
        )
        parser.add_argument("--split", help="BEIR qrels split (default: dev, else test)")
        parser.add_argument("--limit", type=int, help="evaluate a seeded sample of N questions")
    else:
        parser.add_argument(
            "--data",
            action="append",
            help="SQuAD JSON files or folders (default: $KUTIP_EVALDATA or ../shared/evaldata)",
        )
        parser.add_argument(
            "--sizes",
            type=_ints,
            default=[1000, 10000, 50000],
            help="store sizes in articles (default 1000,10000,50000; about an hour on 2 cores "
            "the first time, see eval/bench.py)",
        )
        parser.add_argument(
            "--ingest-articles",
            type=int,
            default=100,
            help="articles of the pipeline vs raw encoder vs naive part (0: skip it)",
        )
        parser.add_argument("--queries", type=int, default=50)
        parser.add_argument(
            "--answers",
            type=int,
            default=20,
            help="questions timed to the first word on every store, answer model loaded "
            "(0: no model; default 20)",
        )
        parser.add_argument(
            "--answers-vs-naive",
            type=int,
            default=0,
            help="questions answered by kutip and the naive recipe on the smallest store",
        )
        parser.add_argument("--workdir", help="keep the bench stores here for reruns")
        parser.add_argument(
            "--out", default="kutip-bench", help="folder for bench.json and bench.md"
        )


def run_eval_command(args: argparse.Namespace, settings: Settings) -> int:
    from eval.report import (
        format_lost,
        format_sample,
        format_significance,
        format_table,
        write_report,
    )
    from eval.runner import run_eval
    from eval.summary import run_info

    result = run_eval(
        args.dataset,
        settings,
        answers=args.answers,
        unanswerable_share=args.unanswerable_share,
        baselines=args.baseline,
        seed=args.seed,
        limit=args.limit,
        collection=args.collection,
        articles=args.articles or (),
        distractors=args.distractors or (),
        distractor_limit=args.distractor_limit,
        answer_cache=not args.no_answer_cache,
        split=args.split,
        progress=not args.quiet,
    )
    result["run"] = run_info()  # when and where: the published summary is labelled with it
    rows = {name: d.pop("per_question", []) for name, d in result["details"].items()}
    if args.details:
        write_details(rows, args.details)
    print(f"{result['dataset']}: {result['dataset_info']['retrieval_questions']} questions")
    print(format_table(result))
    if sample := format_sample(result):
        print(sample)
    counts = result.get("baseline_answer_cache")
    if counts and counts["hits"] + counts["misses"]:  # silent when no baseline answered
        print(f"baseline answers from the cache: {counts['hits']}, generated: {counts['misses']}")
    if lost := format_lost(result):
        print(lost)
    if result["significance"]:
        print()
        print(format_significance(result))
    # Flushed now: a native library crashing at interpreter exit once lost a redirected table.
    sys.stdout.flush()
    if args.json_out:
        out = Path(args.json_out).expanduser()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        print(f"JSON: {out}", file=sys.stderr)
    if args.report:
        print(f"report: {write_report(result, args.report)}", file=sys.stderr)
    return 0


def write_details(rows: dict[str, list[dict[str, object]]], path: str) -> Path:
    """One JSON line per (system, answered question)."""
    out = Path(path).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for system, items in rows.items():
            for item in items:
                fh.write(json.dumps({"system": system, **item}, ensure_ascii=False) + "\n")
    print(f"details: {out}", file=sys.stderr)
    return out


def run_bench_command(args: argparse.Namespace, settings: Settings) -> int:
    from eval.bench import format_bench, run_bench, write_bench

    result = run_bench(
        settings,
        data=args.data or (),
        sizes=args.sizes,
        ingest_articles=args.ingest_articles,
        queries=args.queries,
        answers=args.answers,
        seed=args.seed,
        workdir=args.workdir,
        progress=not args.quiet,
        answers_vs_naive=args.answers_vs_naive,
    )
    print(format_bench(result))
    json_path, md_path = write_bench(result, args.out)
    print(f"written: {json_path}, {md_path}", file=sys.stderr)
    return 0
