"""Terminal table and Markdown report from a hand-made result record."""

from __future__ import annotations

import json

from eval.report import format_sample, format_significance, format_table, write_report
from eval.runner import SYSTEM_METRICS


def _result() -> dict:
    kutip = dict.fromkeys(SYSTEM_METRICS, 0.5)
    kutip.update(prompt_tokens_mean=231.4, ttft_ms_p50=4210.0, ttft_ms_p95=6020.0)
    bm25 = dict.fromkeys(SYSTEM_METRICS)
    bm25.update({"ndcg@10": 0.25, "recall@1": 0.125})
    return {
        "dataset": "tiny",
        "systems": {"kutip": kutip, "bm25": bm25},
        "significance": {
            "bm25": {
                "ndcg@10": {"n": 4.0, "mean_diff": 0.25, "t_test_p": 0.0305, "wilcoxon_p": 0.125}
            }
        },
        "latency_ms": {
            "kutip": {"retrieve": [20.0, 30.0], "first_token": [4000.0], "total": [5000.0]},
            "bm25": {"retrieve": [0.1, 0.2]},
        },
        "dataset_info": {
            "kind": "squad",
            "passages": 3,
            "questions": 8,
            "answer_sample": {"answerable": 6, "unanswerable": 2},
        },
        "config": {"seed": 0, "embedding": "hash", "llm": "none"},
        "details": {
            "kutip": {
                "evidence_hit_handed": 0.875,
                "handed_units_mean": 7.25,
                "evidence_lost": {"not retrieved": 0, "dropped by focus": 1},
                "answer_accuracy_ci": [0.4, 0.6],
                "language_purity_ci": None,
            },
            "bm25": {"evidence_hit_handed": None},
        },
    }


def test_table_has_a_column_per_system_and_dashes_for_null():
    table = format_table(_result())
    lines = table.splitlines()
    assert lines[0].split() == ["metric", "kutip", "bm25"]
    row = next(line for line in lines if line.startswith("ndcg@10"))
    assert row.split() == ["ndcg@10", "0.500", "0.250"]
    tokens = next(line for line in lines if line.startswith("prompt_tokens_mean"))
    assert tokens.split() == ["prompt_tokens_mean", "231", "-"]
    ttft = next(line for line in lines if line.startswith("ttft_ms_p50"))
    assert ttft.split() == ["ttft_ms_p50", "4,210", "-"]
    assert "kutip vs bm25" in format_significance(_result())
    # A rate with its 95% interval; without one (or without a value) as before.
    accuracy = next(line for line in lines if line.startswith("answer_accuracy"))
    assert accuracy.split(maxsplit=1)[1].rstrip().startswith("0.50 [0.40, 0.60]")
    purity = next(line for line in lines if line.startswith("language_purity"))
    assert purity.split()[1:] == ["0.500", "-"]


def test_the_answer_sample_is_said_apart():
    line = format_sample(_result())
    assert line.startswith("answer sample: 6 answerable (answer_accuracy, false_refusal_rate)")
    assert "2 unanswerable (refusal_accuracy)" in line
    assert format_sample({"dataset_info": {"answer_sample": {}}}) == ""


def test_write_report(tmp_path):
    path = write_report(_result(), tmp_path / "out")
    text = path.read_text()
    assert text.startswith("# kutip eval: tiny")
    assert "| ndcg@10" in text and "kutip vs bm25" in text
    assert "0.50 [0.40, 0.60]" in text
    assert "6 answerable questions (answer accuracy" in text
    assert "2 unanswerable ones (refusal accuracy)" in text
    assert "- kutip: 0.875 of questions, 7.2 units handed" in text and "- bm25" not in text
    lost = "kutip lost the evidence sentence of 1 question: not retrieved 0, dropped by focus 1"
    assert lost in text
    assert "![metrics](metrics.png)" in text and "![latency](latency.png)" in text
    for name in ("metrics.png", "latency.png"):
        data = (tmp_path / "out" / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 1000
    assert json.loads((tmp_path / "out" / "result.json").read_text())["dataset"] == "tiny"
