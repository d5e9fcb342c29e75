"""Fitting the answer decision (eval.decide): the replay of the assistant's policy over
collected signals, and the two objectives of the grid fit."""

from __future__ import annotations

import json
from pathlib import Path

from eval.decide import fit, load, main, replay


def _row(qid: str, n: int, sim: float, p_yes: float, p_not: float, **kw: object) -> dict:
    row = {
        "dataset": "t",
        "qid": qid,
        "impossible": False,
        "n": n,
        "similarity": sim,
        "p_yes": p_yes,
        "p_not_found": p_not,
        "copy": "",
        "gold_piece": False,
    }
    row.update(kw)
    return row


# Two answerable questions (one clear, one the judge doubts) and two unanswerable ones (one
# clearly off, one tempting): no weights answer the doubted one and refuse the tempting one.
ROWS = [
    _row("a1", 1, 0.9, 0.95, 0.05, gold_piece=True),
    _row("a2", 1, 0.8, 0.55, 0.80, gold_piece=True),
    _row("u1", 1, 0.8, 0.05, 0.95, impossible=True),
    _row("u2", 1, 0.8, 0.60, 0.70, impossible=True),
]


def _grouped(tmp_path: Path) -> dict:
    path = tmp_path / "signals.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    return load([path])


def test_replay_takes_the_first_piece_that_answers(tmp_path: Path) -> None:
    grouped = _grouped(tmp_path)
    answers_all = replay(grouped, [-0.5, 1.0, 0.0, 0.0])
    assert answers_all["answered_from_evidence"] == 1.0
    assert answers_all["unanswerable_refused"] == 0.5  # u2's p_yes 0.60 clears -0.5
    strict = replay(grouped, [-0.9, 1.0, 0.0, 0.0])
    assert strict["false_refusals"] == 0.5 and strict["unanswerable_refused"] == 1.0


def test_fit_by_default_handles_the_most_questions(tmp_path: Path) -> None:
    weights, scores = fit(_grouped(tmp_path))
    assert scores["handled"] == 0.75
    assert replay(_grouped(tmp_path), weights) == scores


def test_the_false_refusal_bound_keeps_answerable_questions_answered(tmp_path: Path) -> None:
    """With at most 0 % false refusals the fit must answer a2, so it cannot refuse u2."""
    _, scores = fit(_grouped(tmp_path), max_false_refusals=0.0)
    assert scores["false_refusals"] == 0.0
    assert scores["unanswerable_refused"] == 0.5
    _, unbounded = fit(_grouped(tmp_path))
    assert unbounded["false_refusals"] == 0.5  # the same score bought by refusing a2


def test_fit_command_prints_the_weights_and_the_check(tmp_path: Path, capsys) -> None:
    path = tmp_path / "signals.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    assert main(["fit", str(path), "--max-false-refusals", "0", "--check", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["fit"]["false_refusals"] == 0.0
    assert lines[1]["check"] == str(path) and lines[1]["questions"] == 4


def test_a_recorded_judge_wording_is_scored_in_place_of_todays(tmp_path):
    path = tmp_path / "signals.jsonl"
    rows = [
        _row("a", 1, 0.8, 0.4, 0.0, gold_piece=True, p_yes_variants=[0.9]),
        _row("u", 1, 0.8, 0.8, 0.0, impossible=True, p_yes_variants=[0.3]),
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    today = replay(load([path]), [-0.7, 1.0, 0.0, 0.0])
    variant = replay(load([path], variant=0), [-0.7, 1.0, 0.0, 0.0])
    assert today["handled"] == 0.0  # refuses the answerable one, answers the other
    assert variant["handled"] == 1.0
