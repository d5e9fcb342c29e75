"""``python -m eval.attribution --labels``: score another labelled file (no models)."""

from __future__ import annotations

import json

import pytest

from eval.attribution import main


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_labels_option_scores_the_given_file(tmp_path, capsys):
    labels = tmp_path / "mine.jsonl"
    _write(
        labels,
        [
            {"text": "Harga beras naik.", "is_speech": False, "speaker": None,
             "article": "a", "new_paragraph": True},
            {"text": "Stok aman, kata Budi.", "is_speech": True, "speaker": "Budi",
             "article": "a", "new_paragraph": False},
            {"text": "Pasar ramai.", "is_speech": False, "speaker": None,
             "article": "b", "new_paragraph": True},
        ],
    )  # fmt: skip
    assert main(["--labels", str(labels)]) == 0
    summary = json.loads(capsys.readouterr().out.split("\n\n")[0])
    assert summary["sentences"] == 3
    assert summary["gold_pairs"] == 1


def test_missing_labels_file_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--labels", str(tmp_path / "none.jsonl")])
    assert exc.value.code == 2
    assert "no such labels file" in capsys.readouterr().err
