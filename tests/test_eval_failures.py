"""Miss causes from details rows: each answerable question falls in exactly one cause."""

from __future__ import annotations

import json

import pytest

from eval.failures import main, miss_causes, read_details, summarize
from eval.report import write_report
from kutip.errors import InputError


def _row(system: str, correct: bool | None, refused: bool, handed: bool | None, **extra):
    return {
        "system": system,
        "impossible": False,
        "correct": correct,
        "refused": refused,
        "evidence_handed": handed,
        **extra,
    }


ROWS = [
    _row("kutip", True, False, True),
    _row("kutip", False, False, True),
    _row("kutip", False, True, True),
    _row("kutip", False, True, False),
    _row("kutip", False, False, None),  # evidence unknown counts as not handed
    {"system": "kutip", "impossible": True, "correct": None, "refused": True},
    {"system": "kutip", "impossible": True, "correct": None, "refused": False},
    _row("naive", True, False, True),
    _row("naive", True, False, False),
    _row("naive", None, False, True),  # no gold answer: not graded
]


def test_each_answerable_row_has_one_cause_and_reading_accuracy_counts_handed_only():
    out = miss_causes(ROWS)
    kutip = out["kutip"]
    assert kutip["causes"] == {
        "correct": 1,
        "wrong answer, evidence handed": 1,
        "wrong answer, evidence not handed": 1,
        "refused, evidence handed": 1,
        "refused, evidence not handed": 1,
    }
    assert kutip["graded"] == 5
    assert kutip["evidence_handed"] == 3
    assert kutip["accuracy_when_evidence_handed"] == pytest.approx(1 / 3)
    assert (kutip["unanswerable_refused"], kutip["unanswerable"]) == (1, 2)
    naive = out["naive"]
    assert naive["graded"] == 2 and naive["accuracy_when_evidence_handed"] == 1.0


def test_no_graded_rows_gives_no_reading_accuracy():
    assert summarize([])["accuracy_when_evidence_handed"] is None


def test_cli_prints_a_table_per_file_and_names_a_broken_line(tmp_path, capsys):
    good = tmp_path / "d.jsonl"
    good.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    assert main([str(good)]) == 0
    text = capsys.readouterr().out
    assert "| | kutip | naive |" in text
    assert "| accuracy when the evidence was handed | 0.333 | 1.000 |" in text
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(ROWS[0]) + "\n{oops\n")
    with pytest.raises(InputError, match=r"bad\.jsonl: line 2 is not JSON"):
        read_details(bad)
    assert main([str(bad)]) == 1
    assert "bad.jsonl: line 2" in capsys.readouterr().err


def test_report_shows_why_answers_missed(tmp_path):
    result = {
        "dataset": "tiny",
        "systems": {"kutip": {}},
        "details": {"kutip": {"misses": summarize([r for r in ROWS if r["system"] == "kutip"])}},
    }
    text = write_report(result, tmp_path).read_text()
    assert "## Why answers missed" in text
    assert "| refused, evidence handed | 1 |" in text


def test_discordant_pairs_and_the_sign_test_by_hand():
    from eval.failures import discordant, sign_test

    rows = [
        _row(system, correct, False, True, id=qid)
        for qid, (k, n) in enumerate([(True, False), (True, False), (False, True), (True, True)])
        for system, correct in (("kutip", k), ("naive", n))
    ]
    rows.append(_row("naive", True, False, True, id=99))  # kutip has no row for it: unpaired
    rows.append(_row("kutip", True, False, True, id=7, impossible=True))  # not answerable
    d = discordant(rows)["naive"]
    assert (d["paired"], d["only_kutip"], d["only_other"]) == (4, 2, 1)
    assert d["sign_test_p"] == pytest.approx(1.0)  # 2 vs 1: P(X <= 1 | n=3) * 2 = 1.0
    assert sign_test(0, 0) == 1.0
    assert sign_test(13, 9) == pytest.approx(0.5235, abs=1e-4)  # scipy binomtest(13, 22)
    assert sign_test(10, 0) == pytest.approx(2 / 2**10)
