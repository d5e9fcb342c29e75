"""Replaying recorded replies: today's rules, the recorded model output, the same gold."""

from __future__ import annotations

import json
from pathlib import Path

from eval.replay import main, replay

SQUAD = Path(__file__).parent / "fixtures" / "eval" / "tiny-squad.json"
REFUSAL = "The articles do not say."


def _row(question: str, gold: list[str], answer: str, refused: bool, raw: str | None, **kw):
    notes = [] if raw is None else [f"model reply: {raw}"]
    return {
        "system": "kutip",
        "question": question,
        "gold": gold,
        "answer": answer,
        "refused": refused,
        "impossible": False,
        "notes": notes,
        **kw,
    }


ROWS = [
    # Refused when recorded; today's check accepts the same reply: a gain.
    _row(
        "How many residents did the city evacuate after the flood?",
        ["3,500"],
        REFUSAL,
        True,
        "The city evacuated 3,500 residents [1].",
    ),
    # Right when recorded; the reply's number is in no sentence, so today it is refused: a loss.
    _row(
        "How many tonnes of rice will be imported?",
        ["9,999 ton"],
        "9,999 ton [1]",
        False,
        "About 9,999 ton of rice will arrive [1].",
    ),
    # Unanswerable, the model refused: stays refused.
    _row(
        "How much did the flood damage cost the city?",
        [],
        REFUSAL,
        True,
        "NOT FOUND",
        impossible=True,
    ),
    # Refused below the relevance floor, no model reply recorded: unchanged.
    _row("Who won the election?", ["Budi"], REFUSAL, True, None),
    {
        "system": "naive",
        "question": "q",
        "gold": ["x"],
        "answer": "x",
        "refused": False,
        "impossible": False,
        "notes": [],
    },
]


def test_replay_counts_gains_and_losses_against_the_same_gold(make_settings, tmp_path):
    details = tmp_path / "d.jsonl"
    details.write_text("\n".join(json.dumps(r) for r in ROWS))
    settings = make_settings(relevance_floor=0.0, citation_floor=0.0)
    result = replay(SQUAD, details, settings)
    assert result["rows"] == 4  # kutip's rows only
    assert result["answerable"] == 3 and result["correct"] == [1, 1]
    # Refused answerable questions: the flood row answered now, the rice row refused now.
    assert result["false_refusals"] == [2, 2]
    assert result["unanswerable"] == 1 and result["unanswerable_refused"] == [1, 1]
    changed = {c["question"]: c["after"] for c in result["changed"]}
    assert set(changed) == {ROWS[0]["question"], ROWS[1]["question"]}
    assert "3,500" in changed[ROWS[0]["question"]] and "[1]" in changed[ROWS[0]["question"]]


def test_replay_command_prints_the_counts_and_names_a_bad_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KUTIP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KUTIP_EMBEDDING", "hash")
    details = tmp_path / "d.jsonl"
    details.write_text(json.dumps(ROWS[3]) + "\n")
    assert main(["--dataset", str(SQUAD), str(details)]) == 0
    out = capsys.readouterr().out
    assert "correct answers: recorded 0, replayed 0 of 1" in out
    assert "false refusals: recorded 1, replayed 1 of 1" in out
    details.write_text("{broken\n")
    assert main(["--dataset", str(SQUAD), str(details)]) == 1
    assert "d.jsonl: line 1 is not JSON" in capsys.readouterr().err
