"""Render the published results from the run summaries, so no number is copied by hand.

``python -m eval.publish`` (``scripts/publish-results.sh``) reads ``docs/eval/<set>/summary.json``
(written by ``kutip eval --report``, see ``eval.summary``) and rewrites two things: the README's
compact table between ``<!-- results:start -->`` and ``<!-- results:end -->``, and the whole of
``docs/results.md``. ``tests/test_eval_publish.py`` renders both again and fails when either
differs from what is committed, so a table cannot drift from the runs it reports.

A set is published from the folder named after it (what ``scripts/publish-eval.sh`` writes);
reports written elsewhere (kutip-only experiments, archive runs) stay out of the tables.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eval.summary import SUMMARY_NAME

START, END = "<!-- results:start -->", "<!-- results:end -->"
COMMAND = "scripts/publish-results.sh"
# What each set asks, for a reader who does not know the data set names.
DESCRIPTIONS = {
    "sample-article": "our questions on the bundled Indonesian article",
    "xling-en-id.dev": "English questions, Indonesian articles",
    "squad2-en.dev": "English questions, English articles",
    "tydiqa-id.valid": "Indonesian questions, Indonesian Wikipedia",
    "facqa-id.valid": "Indonesian questions, Indonesian news",
}
_FIRST = {"kutip": 0, "naive": 1}  # column order: kutip, then the recipe it is compared with
_RATE_ROWS = (
    ("answer accuracy", "answer_accuracy"),
    ("unanswerable refused", "unanswerable_refused"),
    ("false refusals", "false_refusals"),
    ("citation precision", "citation_precision"),
    ("language purity", "language_purity"),
)


def load_summaries(eval_dir: Path) -> list[dict[str, Any]]:
    """The published summaries, one per set, ordered by set name; each gets ``folder``."""
    found = []
    for path in sorted(eval_dir.glob(f"*/{SUMMARY_NAME}")):
        summary = json.loads(path.read_text(encoding="utf-8"))
        if summary.get("dataset") == path.parent.name:
            found.append({**summary, "folder": path.parent.name})
    return sorted(found, key=lambda s: s["dataset"])


# --- cells -----------------------------------------------------------------------------------


def rate(cell: dict[str, Any] | None) -> str:
    """``0.33 [0.23, 0.43]``: a rate with its 95% Wilson interval; ``-`` when it does not apply."""
    if not cell or cell.get("value") is None:
        return "-"
    ci = cell.get("ci")
    text = f"{cell['value']:.2f}"
    return f"{text} [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else text


def seconds(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.1f} s"


def score(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def day(summary: dict[str, Any]) -> str:
    return str(summary["date"])[:10]


def machine(summary: dict[str, Any]) -> str:
    """``2 CPUs, Intel Xeon Processor``, starred when the run did not record it itself."""
    info = summary.get("machine", {})
    cpu = str(info.get("cpu") or "unknown CPU").replace("(R)", "").replace("(TM)", "")
    star = "*" if info.get("recorded") != "run" else ""
    load = info.get("load_15min")
    busy = f", load {load:.1f}" if load is not None else ""
    return f"{info.get('cpus') or '?'} CPUs, {' '.join(cpu.split())}{star}{busy}"


def sample(summary: dict[str, Any]) -> str:
    """``83 + 17``: answerable and unanswerable questions of the answer sample."""
    s = summary.get("sample", {})
    return f"{s.get('answerable', 0)} + {s.get('unanswerable', 0)}"


def _system(summary: dict[str, Any], name: str) -> dict[str, Any]:
    return summary.get("systems", {}).get(name, {})


def _described(summary: dict[str, Any]) -> str:
    """What the set asks, and the archive it is asked in when distractors joined the index."""
    text = DESCRIPTIONS.get(summary["dataset"], "")
    extra = summary.get("index", {}).get("distractor_passages") or 0
    return f"{text}, among {extra:,} other passages" if extra else text


def _pair(summary: dict[str, Any], cell: Any) -> str:
    kutip, naive = _system(summary, "kutip"), _system(summary, "naive")
    return f"{cell(kutip)} / {cell(naive)}"


def _stars(summaries: Iterable[dict[str, Any]]) -> list[str]:
    if any(s.get("machine", {}).get("recorded") != "run" for s in summaries):
        return [
            "",
            "\\* The run did not record its machine; this is the machine that converted its "
            "report (`python -m eval.summary`).",
        ]
    return []


# --- the README table ------------------------------------------------------------------------


def readme_table(summaries: list[dict[str, Any]]) -> str:
    """kutip / naive per set: the five numbers a user weighs, each labelled with its run."""
    header = (
        "| set (answerable + unanswerable questions) | answer accuracy | answer F1 "
        "| unanswerable refused | false refusals | citation precision | retrieval nDCG@10 "
        "| first word p50 | measured |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|---|"]
    for s in summaries:
        kutip = _system(s, "kutip")
        cells = [
            f"{s['dataset']}{': ' * bool(_described(s))}{_described(s)} ({sample(s)})",
            _pair(s, lambda x: rate(x.get("answer_accuracy"))),
            _pair(s, lambda x: score(x.get("answer_f1"))),
            _pair(s, lambda x: rate(x.get("unanswerable_refused"))),
            _pair(s, lambda x: rate(x.get("false_refusals"))),
            rate(kutip.get("citation_precision")),
            _pair(s, lambda x: score(x.get("ndcg@10"))),
            _pair(s, lambda x: seconds(x.get("first_word_ms_p50"))),
            f"{day(s)}, {machine(s)}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "kutip / naive; rates with their 95% Wilson interval; answer accuracy counts a reply "
        "that holds a gold answer, answer F1 is SQuAD's token overlap with it (a long reply "
        "pays for its extra words); citation precision is kutip's (the naive recipe does not "
        "cite).",
        *_stars(summaries),
    ]
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with everything between the result markers replaced by ``block``."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"expected one {START} before one {END}")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{block}\n{END}{tail}"


def block_of(text: str) -> str:
    """What sits between the result markers (the inverse of ``replace_block``)."""
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n")


# --- docs/results.md -------------------------------------------------------------------------


def results_page(summaries: list[dict[str, Any]]) -> str:
    """The full page: per set, every system's headline numbers and how the run was made."""
    lines = [
        "# Results",
        "",
        f"Generated by `{COMMAND}` from `docs/eval/<set>/summary.json`; do not edit by hand. "
        "How the numbers are measured: [evaluation.md](evaluation.md). Full tables, paired "
        "tests and plots: each set's `report.md`.",
        "",
        "Rates carry their 95% Wilson interval `[lo, hi]`: with 7 to 17 unanswerable questions "
        "a set, a refusal rate is known only to within a few tenths.",
        "",
        "| set | measured | machine | answer sample | ranked questions |",
        "|---|---|---|---|---|",
    ]
    for s in summaries:
        lines.append(
            f"| [{s['dataset']}](#{_anchor(s['dataset'])}) | {day(s)} | {machine(s)} "
            f"| {sample(s)} | {_count(s.get('sample', {}).get('retrieval_questions'))} |"
        )
    lines += _stars(summaries)
    for s in summaries:
        lines += ["", *_section(s)]
    lines += [
        "",
        "## Reproduce",
        "",
        "`scripts/publish-eval.sh N SET` runs kutip, naive and bm25 on a set of "
        "`../shared/evaldata/` and writes `docs/eval/SET/` (report, `result.json`, "
        "`summary.json`); the sample-article command is in "
        "[evaluation.md](evaluation.md#reproduce-the-published-results). "
        f"Then `{COMMAND}` rewrites this page and the README's table from the summaries.",
    ]
    return "\n".join(lines) + "\n"


def _anchor(name: str) -> str:
    return name.replace(".", "")


def _count(n: Any) -> str:
    return "-" if n is None else f"{n:,}"


def _section(s: dict[str, Any]) -> list[str]:
    systems = sorted(s.get("systems", {}), key=lambda n: (n not in _FIRST, _FIRST.get(n, 0), n))
    smp, index, models = s.get("sample", {}), s.get("index", {}), s.get("models", {})
    extra = index.get("distractor_passages") or 0
    articles = f"{_count(index.get('articles'))} articles"
    if extra:
        articles += f", {extra:,} of them distractor passages no question is about"
    rows = [(label, [rate(_system(s, n).get(key)) for n in systems]) for label, key in _RATE_ROWS]
    rows.insert(1, ("answer F1", [score(_system(s, n).get("answer_f1")) for n in systems]))
    rows += [
        ("retrieval nDCG@10", [score(_system(s, n).get("ndcg@10")) for n in systems]),
        ("first word p50", [seconds(_system(s, n).get("first_word_ms_p50")) for n in systems]),
        ("first word p95", [seconds(_system(s, n).get("first_word_ms_p95")) for n in systems]),
        (
            "prompt tokens, mean",
            [_tokens(_system(s, n).get("prompt_tokens_mean")) for n in systems],
        ),
    ]
    return [
        f"## {s['dataset']}",
        "",
        f"{_sentence(DESCRIPTIONS.get(s['dataset'], 'questions'))}. Measured "
        f"{day(s)} on {machine(s)}; answers on {smp.get('answerable', 0)} answerable and "
        f"{smp.get('unanswerable', 0)} unanswerable questions (seed {smp.get('seed')}), "
        f"retrieval on {_count(smp.get('retrieval_questions'))}; index: {articles}; "
        f"embedding `{models.get('embedding')}`, answer model `{models.get('llm')}`. "
        f"Report: [eval/{s['folder']}/report.md](eval/{s['folder']}/report.md).",
        "",
        "| metric | " + " | ".join(systems) + " |",
        "|---|" + "---|" * len(systems),
        *("| " + " | ".join([label, *cells]) + " |" for label, cells in rows),
    ]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tokens(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


# --- writing ---------------------------------------------------------------------------------


def publish(eval_dir: Path, readme: Path, results: Path, check: bool = False) -> list[Path]:
    """Rewrite ``readme``'s table and ``results``; return the files that were (or, with
    ``check``, would be) changed."""
    summaries = load_summaries(eval_dir)
    if not summaries:
        raise ValueError(f"no {SUMMARY_NAME} under {eval_dir}/<set>/")
    wanted = {
        readme: replace_block(readme.read_text(encoding="utf-8"), readme_table(summaries)),
        results: results_page(summaries),
    }
    changed = []
    for path, text in wanted.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            changed.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.publish",
        description="Regenerate the README results table and docs/results.md from the summaries.",
    )
    parser.add_argument("--eval-dir", type=Path, default=Path("docs/eval"))
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    parser.add_argument("--results", type=Path, default=Path("docs/results.md"))
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a file is out of date"
    )
    args = parser.parse_args(argv)
    changed = publish(args.eval_dir, args.readme, args.results, check=args.check)
    for path in changed:
        print(f"{'out of date' if args.check else 'written'}: {path}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
