"""Human-readable output of ``run_eval``: a terminal table and a Markdown report with plots.

The table puts systems side by side (one column each) because the point of ``kutip eval`` is
the comparison; the report adds what a reader needs to trust the numbers: the setup, paired
significance tests, and latency distributions rather than single percentiles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.failures import format_table as format_misses
from eval.runner import CI_SUFFIX, SYSTEM_METRICS
from eval.summary import write_summary

_FRACTIONS = frozenset(SYSTEM_METRICS) - {"prompt_tokens_mean", "ttft_ms_p50", "ttft_ms_p95"}
_RETRIEVAL_PLOT = ("ndcg@10", "recall@1", "recall@5", "mrr@10", "evidence_hit@1", "evidence_hit@5")
_ANSWER_PLOT = (
    "answer_accuracy",
    "answer_f1",
    "citation_precision",
    "citation_recall",
    "refusal_accuracy",
    "false_refusal_rate",
    "language_purity",
)


def _cell(metric: str, value: float | None, interval: Any = None) -> str:
    """``0.62 [0.56, 0.67]`` for a rate with its 95% interval (two decimals: the interval is
    wider than the third), ``0.625`` for other fractions, ``4,210`` for tokens and ms."""
    if value is None:
        return "-"
    if interval:
        return f"{value:.2f} [{interval[0]:.2f}, {interval[1]:.2f}]"
    return f"{value:.3f}" if metric in _FRACTIONS else f"{value:,.0f}"


def format_table(result: dict[str, Any], tablefmt: str = "simple") -> str:
    """Metrics as rows, systems as columns; ``-`` where a metric does not apply; a rate of
    the answer sample carries its 95% Wilson interval."""
    from tabulate import tabulate

    systems = list(result["systems"])
    details = result.get("details", {})

    def interval(system: str, metric: str) -> Any:
        return details.get(system, {}).get(f"{metric}{CI_SUFFIX}")

    rows = [
        [
            metric,
            *(
                _cell(metric, result["systems"][s].get(metric), interval(s, metric))
                for s in systems
            ),
        ]
        for metric in SYSTEM_METRICS
    ]
    return tabulate(rows, headers=["metric", *systems], tablefmt=tablefmt, disable_numparse=True)


def format_sample(result: dict[str, Any]) -> str:
    """The answer sample's two parts, said apart: answer accuracy and false refusals are over
    the answerable questions, refusal accuracy over the unanswerable ones ("" without one)."""
    sample = result.get("dataset_info", {}).get("answer_sample", {})
    answerable, unanswerable = sample.get("answerable", 0), sample.get("unanswerable", 0)
    if not answerable and not unanswerable:
        return ""
    return (
        f"answer sample: {answerable} answerable (answer_accuracy, false_refusal_rate), "
        f"{unanswerable} unanswerable (refusal_accuracy); rates with 95% Wilson intervals"
    )


def format_significance(result: dict[str, Any], tablefmt: str = "simple") -> str:
    """kutip minus each baseline per retrieval metric, with paired t-test and Wilcoxon p."""
    from tabulate import tabulate

    rows = []
    for baseline, tests in result.get("significance", {}).items():
        for metric, t in tests.items():
            rows.append(
                [
                    f"kutip vs {baseline}",
                    metric,
                    "-" if t["mean_diff"] is None else f"{t['mean_diff']:+.3f}",
                    "-" if t["t_test_p"] is None else f"{t['t_test_p']:.3g}",
                    "-" if t["wilcoxon_p"] is None else f"{t['wilcoxon_p']:.3g}",
                ]
            )
    headers = ["comparison", "metric", "mean diff", "t-test p", "Wilcoxon p"]
    return tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)


def write_report(result: dict[str, Any], out_dir: str | Path) -> Path:
    """Write ``report.md``, ``metrics.png``, ``latency.png`` and ``result.json`` to ``out_dir``,
    and ``summary.json`` (``eval.summary``) when the result records its date and machine."""
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    if result.get("run"):
        write_summary(result, out)
    plots = [p for p in (_plot_metrics(result, out), _plot_latency(result, out)) if p]
    info, config = result.get("dataset_info", {}), result.get("config", {})
    sample = info.get("answer_sample", {})
    lines = [
        f"# kutip eval: {result['dataset']}",
        "",
        f"- dataset: {info.get('kind', '?')}, {info.get('passages', '?')} passages, "
        f"{info.get('questions', '?')} questions ({info.get('answerable', '?')} answerable, "
        f"{info.get('unanswerable', '?')} unanswerable)",
        *_distractor_lines(result),
        f"- retrieval judged on {info.get('retrieval_questions', '?')} answerable questions "
        f"(evidence sentence known for {info.get('evidence_questions', '?')})",
        f"- answers: {sample.get('answerable', 0)} answerable questions (answer accuracy, false "
        f"refusals) + {sample.get('unanswerable', 0)} unanswerable ones (refusal accuracy), "
        f"seed {config.get('seed')}; rates carry their 95% Wilson interval `[lo, hi]`",
        f"- embedding `{config.get('embedding')}`, answer model `{config.get('llm')}`, "
        f"evidence_k {config.get('evidence_k')}, evidence_tokens "
        f"{config.get('evidence_tokens') or 'off'}, chunk bonus (value, decay) "
        f"{config.get('chunk_bonus')}, evidence focus {config.get('evidence_focus', 'off')}, "
        f"ranking depth {config.get('depth')}",
        "",
        "## Metrics",
        "",
        format_table(result, "github"),
        "",
        "`-`: does not apply (bm25 has no answerer; the naive recipe does not cite; answer "
        "metrics need an answer model except kutip's extractive mode). Evidence hit@k: the gold "
        "evidence sentence is among the first k units handed to the answerer (kutip: sentences; "
        "naive: its 4 chunks, so hit@5 means inside any of them). Recall@100 counts the "
        "articles of the top 100 chunks for kutip and naive, the top 100 passages for bm25.",
        "",
        *_handed_lines(result),
        *_lost_lines(result),
        *_miss_lines(result),
    ]
    if result.get("significance"):
        lines += [
            "## Paired significance (retrieval, per question)",
            "",
            format_significance(result, "github"),
            "",
        ]
    for plot in plots:
        lines += [f"![{plot.stem}]({plot.name})", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _handed_lines(result: dict[str, Any]) -> list[str]:
    """Evidence anywhere in what each system hands its answerer (kutip's count varies)."""
    rows = [
        f"- {name}: {d['evidence_hit_handed']:.3f} of questions, "
        f"{d.get('handed_units_mean') or 0:.1f} units handed on average"
        for name, d in result.get("details", {}).items()
        if d.get("evidence_hit_handed") is not None
    ]
    return ["Evidence anywhere in the handed units:", "", *rows, ""] if rows else []


def format_lost(result: dict[str, Any]) -> str:
    """Where kutip lost the evidence sentences it did not hand over, as one line ("" when it
    lost none): each step has its own setting to try (``eval.evidence``)."""
    lost = result.get("details", {}).get("kutip", {}).get("evidence_lost")
    if not lost or not any(lost.values()):
        return ""
    steps = ", ".join(f"{step} {n}" for step, n in lost.items())
    total = sum(lost.values())
    return f"kutip lost the evidence sentence of {total} question{'s' * (total != 1)}: {steps}"


def _lost_lines(result: dict[str, Any]) -> list[str]:
    line = format_lost(result)
    return [line, ""] if line else []


def _distractor_lines(result: dict[str, Any]) -> list[str]:
    """Say when the index held more than the dataset: archive-scale numbers are not comparable
    with the plain ones."""
    extra = result.get("index", {}).get("distractor_passages")
    if not extra:
        return []
    sources = ", ".join(result.get("config", {}).get("distractors", []))
    return [f"- index: plus {extra} distractor passages no question is about ({sources})"]


def _miss_lines(result: dict[str, Any]) -> list[str]:
    """Answerable questions of the answer sample by cause, so a reader can tell a retrieval
    miss (evidence not handed) from a reading miss (handed, still wrong or refused)."""
    misses = {
        name: d["misses"]
        for name, d in result.get("details", {}).items()
        if d.get("misses", {}).get("graded")
    }
    if not misses:
        return []
    return ["## Why answers missed (answer sample)", "", format_misses(misses), ""]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def _plot_metrics(result: dict[str, Any], out: Path) -> Path | None:
    plt = _pyplot()
    systems = result["systems"]
    groups = [
        (title, [m for m in metrics if any(systems[s].get(m) is not None for s in systems)])
        for title, metrics in (
            ("retrieval and evidence", _RETRIEVAL_PLOT),
            ("answers", _ANSWER_PLOT),
        )
    ]
    groups = [(t, ms) for t, ms in groups if ms]
    if not groups:
        return None
    fig, axes = plt.subplots(1, len(groups), figsize=(6 * len(groups), 4), squeeze=False)
    width = 0.8 / max(1, len(systems))
    for ax, (title, metrics) in zip(axes[0], groups, strict=True):
        for i, name in enumerate(systems):
            values = [systems[name].get(m) for m in metrics]
            xs = [j + i * width for j in range(len(metrics))]
            ax.bar(xs, [v or 0.0 for v in values], width, label=name)
        ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(metrics))])
        ax.set_xticklabels(metrics, rotation=30, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
        ax.legend()
    fig.tight_layout()
    path = out / "metrics.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plot_latency(result: dict[str, Any], out: Path) -> Path | None:
    plt = _pyplot()
    kinds = [
        (kind, {s: v[kind] for s, v in result.get("latency_ms", {}).items() if v.get(kind)})
        for kind in ("retrieve", "first_token", "total")
    ]
    kinds = [(k, data) for k, data in kinds if data]
    if not kinds:
        return None
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 4), squeeze=False)
    for ax, (kind, data) in zip(axes[0], kinds, strict=True):
        ax.boxplot(list(data.values()), tick_labels=list(data))
        ax.set_title(f"{kind.replace('_', ' ')} (ms)")
        ax.set_yscale("log")
    fig.tight_layout()
    path = out / "latency.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
