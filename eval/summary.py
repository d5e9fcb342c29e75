"""The machine-readable summary of one ``kutip eval`` run: ``summary.json`` beside ``report.md``.

``result.json`` holds everything a run measured, in the shape the runner builds it; a reader who
wants "how good is kutip" should not have to know that shape, and the published results table
(``eval.publish``) must not be copied by hand from it, or it drifts. The summary picks the
headline numbers per system, each rate with its 95% Wilson interval as the runner computed it,
and says when, on what machine and on how many questions they were measured. It only reads the
result: no metric is computed here.

``python -m eval.summary docs/eval/<set>/result.json ...`` derives a summary from a result
written before runs recorded their date and machine (see ``convert``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.runner import CI_SUFFIX

SUMMARY_NAME = "summary.json"
SCHEMA = 1
# The rates of the answer sample: summary name -> the runner's metric (its interval is the
# metric's ``_ci`` entry in ``details``). Refusal accuracy is the share of unanswerable
# questions refused, so the summary calls it that.
RATES = {
    "answer_accuracy": "answer_accuracy",
    "unanswerable_refused": "refusal_accuracy",
    "false_refusals": "false_refusal_rate",
    "citation_precision": "citation_precision",
    "language_purity": "language_purity",
}
PLAIN = {
    "answer_f1": "answer_f1",
    "ndcg@10": "ndcg@10",
    "first_word_ms_p50": "ttft_ms_p50",
    "first_word_ms_p95": "ttft_ms_p95",
    "prompt_tokens_mean": "prompt_tokens_mean",
}


def machine_info() -> dict[str, Any]:
    """CPU count and model name: latencies only compare between runs on the same machine."""
    return {"cpus": os.cpu_count(), "cpu": _cpu_model(), "system": platform.system()}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def run_info(now: datetime | None = None) -> dict[str, Any]:
    """What ``kutip eval`` adds to its result as ``run``: the finish time and the machine."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "date": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "machine": {**machine_info(), "recorded": "run", "load_15min": _load()},
    }


def _load() -> float | None:
    """The 15-minute load average when the run ended: on 2 cores, other work running beside
    an evaluation stretches its latencies, and the published table says so."""
    try:
        return round(os.getloadavg()[2], 2)
    except (OSError, AttributeError):
        return None


def build_summary(result: dict[str, Any], run: dict[str, Any] | None = None) -> dict[str, Any]:
    """The summary of ``result``; ``run`` (date, machine) defaults to ``result["run"]``."""
    run = run or result.get("run")
    if not run:
        raise ValueError("the result records no date and machine; pass run=run_info(...)")
    info, config = result.get("dataset_info", {}), result.get("config", {})
    sample = info.get("answer_sample", {})
    return {
        "schema": SCHEMA,
        "dataset": result["dataset"],
        "date": run["date"],
        "machine": run["machine"],
        "sample": {
            "answerable": sample.get("answerable", 0),
            "unanswerable": sample.get("unanswerable", 0),
            "retrieval_questions": info.get("retrieval_questions"),
            "seed": config.get("seed"),
        },
        "index": {
            "articles": result.get("index", {}).get("articles"),
            "distractor_passages": result.get("index", {}).get("distractor_passages") or 0,
        },
        "models": {"embedding": config.get("embedding"), "llm": config.get("llm")},
        "systems": {
            name: _system(metrics, result.get("details", {}).get(name, {}))
            for name, metrics in result["systems"].items()
        },
    }


def _system(metrics: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "answerable": details.get("answerable"),
        "unanswerable": details.get("unanswerable"),
    }
    for name, metric in RATES.items():
        row[name] = {"value": metrics.get(metric), "ci": details.get(f"{metric}{CI_SUFFIX}")}
    for name, metric in PLAIN.items():
        row[name] = metrics.get(metric)
    return row


def write_summary(result: dict[str, Any], out_dir: str | Path) -> Path:
    """Write ``summary.json`` into ``out_dir`` (the report folder)."""
    path = Path(out_dir).expanduser() / SUMMARY_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build_summary(result), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def committed_date(path: Path) -> str | None:
    """When git last committed ``path`` (ISO, UTC), or None outside a repository."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cI", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    if not out:
        return None
    return datetime.fromisoformat(out).astimezone(UTC).isoformat().replace("+00:00", "Z")


def convert(result_path: Path, date: str | None = None) -> Path:
    """Write ``summary.json`` beside a ``result.json`` that recorded no ``run``.

    Such a result says neither when nor where it ran, so the date is the one given, else the
    date git committed the result, else the file's modification time; the machine is the one
    converting, marked ``"recorded": "conversion"`` so the published table can say so.
    """
    result = json.loads(result_path.read_text(encoding="utf-8"))
    if not result.get("run"):
        if date is None:
            date = committed_date(result_path) or datetime.fromtimestamp(
                result_path.stat().st_mtime, UTC
            ).isoformat(timespec="seconds").replace("+00:00", "Z")
        result["run"] = {"date": date, "machine": {**machine_info(), "recorded": "conversion"}}
    return write_summary(result, result_path.parent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.summary",
        description="Write summary.json beside each result.json (from an existing report).",
    )
    parser.add_argument("results", nargs="+", type=Path, help="result.json files")
    parser.add_argument("--date", help="the run's date when the result does not record it")
    args = parser.parse_args(argv)
    for path in args.results:
        print(convert(path, args.date))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
