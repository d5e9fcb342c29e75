"""The hedge replay (``python -m eval.quantities``) on a two-question SQuAD file."""

from __future__ import annotations

import json
from pathlib import Path

from eval.quantities import main, replay


def _squad(tmp_path: Path) -> Path:
    context = "Luasnya sekitar 568.700 hektar. Gunung itu setinggi 3.000 meter."
    qas = [
        {
            "id": "a",
            "question": "Berapa luasnya?",
            "answers": [{"text": "568.700 hektar", "answer_start": 16}],
        },
        {
            "id": "b",
            "question": "Berapa tingginya?",
            "answers": [{"text": "3.000 meter", "answer_start": 52}],
        },
        {
            "id": "c",
            "question": "Berapa luas taman?",
            "answers": [{"text": "sekitar 568.700 hektar", "answer_start": 8}],
        },
    ]
    path = tmp_path / "tiny.json"
    path.write_text(
        json.dumps({"data": [{"title": "t", "paragraphs": [{"context": context, "qas": qas}]}]})
    )
    return path


def test_the_replay_counts_restored_and_added_hedges(tmp_path, capsys):
    counts = replay(str(_squad(tmp_path)))
    assert counts["hedged golds"] == 1 and counts["restored"] == 1
    assert counts["plain golds"] == 2 and counts["added"] == 1 and counts["unchanged"] == 1
    assert main([str(_squad(tmp_path))]) == 0
    assert "1 golds with a hedge, 1 restored" in capsys.readouterr().out


def test_a_missing_file_is_one_line_naming_it(tmp_path, capsys):
    assert main([str(tmp_path / "missing.json")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "missing.json" in err
