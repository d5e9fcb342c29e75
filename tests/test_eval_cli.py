"""``kutip eval``'s own flags, parsed and handed to ``run_eval`` (no index is built)."""

from __future__ import annotations

import argparse

import pytest

import eval.runner
from eval.cli import add_eval_arguments, run_eval_command
from eval.runner import SYSTEM_METRICS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("--collection")
    add_eval_arguments("eval", parser)
    return parser


def test_the_unanswerable_share_and_distractor_flags_reach_run_eval(monkeypatch, capsys):
    seen = {}

    def fake_run_eval(dataset, settings, **kwargs):
        seen.update(kwargs, dataset=dataset)
        row = dict.fromkeys(SYSTEM_METRICS)
        row["refusal_accuracy"] = 0.75
        return {
            "dataset": "set",
            "dataset_info": {
                "retrieval_questions": 3,
                "answer_sample": {"answerable": 3, "unanswerable": 4},
            },
            "systems": {"kutip": row},
            "details": {"kutip": {"refusal_accuracy_ci": [0.3, 0.95]}},
            "significance": {},
            "baseline_answer_cache": {"hits": 2, "misses": 1},
        }

    monkeypatch.setattr(eval.runner, "run_eval", fake_run_eval)
    args = _parser().parse_args(
        [
            "--dataset",
            "q.jsonl",
            "--unanswerable-share",
            "1",
            "--distractors",
            "d.json",
            "--distractor-limit",
            "400",
            "--no-answer-cache",
        ]
    )
    assert run_eval_command(args, settings=None) == 0  # type: ignore[arg-type]
    assert seen["unanswerable_share"] == 1.0 and seen["answer_cache"] is False
    assert seen["distractors"] == ["d.json"] and seen["distractor_limit"] == 400
    out = capsys.readouterr().out
    assert "0.75 [0.30, 0.95]" in out
    assert "answer sample: 3 answerable (answer_accuracy, false_refusal_rate), 4 unanswer" in out
    assert "baseline answers from the cache: 2, generated: 1" in out


def test_no_cache_line_when_no_baseline_answered(monkeypatch, capsys):
    row = dict.fromkeys(SYSTEM_METRICS)
    result = {
        "dataset": "set",
        "dataset_info": {"retrieval_questions": 3, "answer_sample": {}},
        "systems": {"kutip": row},
        "details": {"kutip": {}},
        "significance": {},
        "baseline_answer_cache": {"hits": 0, "misses": 0},
    }
    monkeypatch.setattr(eval.runner, "run_eval", lambda *a, **k: result)
    assert run_eval_command(_parser().parse_args(["--dataset", "q.jsonl"]), None) == 0  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "from the cache" not in out and "answer sample" not in out


def test_the_default_share_is_run_evals_and_a_bad_share_is_refused(capsys):
    assert _parser().parse_args(["--dataset", "q.jsonl"]).unanswerable_share is None
    for bad in ("1.5", "-0.1", "half"):
        with pytest.raises(SystemExit):
            _parser().parse_args(["--dataset", "q.jsonl", "--unanswerable-share", bad])
    assert "share" in capsys.readouterr().err
