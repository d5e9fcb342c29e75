"""Measuring refusal_confidence: the NOT FOUND rows of a run, probed and asked again."""

from __future__ import annotations

import json

from eval.refusals import by_threshold, probe, said_not_found
from tests.test_eval_replay import SQUAD, _row
from tests.test_second_look import UnsureModel

EVACUATED = "How many residents did the city evacuate after the flood?"
DAMAGE = "How much did the flood damage cost the city?"


def test_rows_that_said_not_found_first_are_the_ones_probed():
    assert said_not_found(_row("q", [], "", True, "NOT FOUND"))
    assert not said_not_found(_row("q", [], "", True, "[1] Not FOUND"))
    assert not said_not_found(_row("q", [], "", True, None))
    asked_again = _row("q", [], "x", False, "x [1]")
    asked_again["notes"].insert(0, "first reply 'NOT FOUND' had probability 0.20 < 0.3")
    assert said_not_found(asked_again)


def test_probe_asks_again_and_tables_what_each_threshold_changes(make_settings, tmp_path):
    rows = [
        _row(EVACUATED, ["3,500"], "refused", True, "NOT FOUND"),
        _row(DAMAGE, [], "refused", True, "NOT FOUND", impossible=True),
        _row("Who opened twelve shelters?", ["Rina"], "Rina [1]", False, "Rina [1]"),
    ]
    details = tmp_path / "d.jsonl"
    details.write_text("\n".join(json.dumps(r) for r in rows))
    settings = make_settings(relevance_floor=0.0, citation_floor=0.0)
    model = UnsureModel(p_not=0.2, forced="The city evacuated 3,500 residents [1].")

    records = probe(SQUAD, details, settings, model)

    assert [r["question"] for r in records] == [EVACUATED, DAMAGE]
    assert all(abs(r["p_not_found"] - 0.25) < 1e-6 for r in records)
    assert records[0]["correct"] and records[1]["answered"] and not records[1]["correct"]
    table = {t["threshold"]: t for t in by_threshold(records, (0.2, 0.3))}
    assert table[0.2] == {
        "threshold": 0.2,
        "answerable_right": 0,
        "answerable_wrong": 0,
        "unanswerable_answered": 0,
    }
    assert table[0.3]["answerable_right"] == 1 and table[0.3]["unanswerable_answered"] == 1
