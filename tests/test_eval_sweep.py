"""The fusion-weight sweep: one search per question, the same scores as ``kutip eval``."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.runner import run_eval
from eval.sweep import grid, main, sweep

SQUAD = Path(__file__).parent / "fixtures" / "eval" / "tiny-squad.json"


def test_grid_crosses_the_choices_and_keeps_unswept_defaults(settings):
    combos = grid(settings, {"sentence_weight": [0.0, 1.0], "keyword_weight": [0.5, 2.0]})
    assert len(combos) == 4
    assert {(c["sentence_weight"], c["keyword_weight"]) for c in combos} == {
        (0.0, 0.5),
        (0.0, 2.0),
        (1.0, 0.5),
        (1.0, 2.0),
    }
    assert all(c["dense_weight"] == settings.dense_weight for c in combos)
    assert all(c["rrf_k"] == settings.rrf_k for c in combos)


def test_sweep_default_row_matches_kutip_eval_and_naive(make_settings):
    settings = make_settings()
    result = sweep(
        str(SQUAD), settings, {"keyword_weight": [0.0, 1.0], "dense_weight": [0.0]}, baseline=True
    )
    evaluated = run_eval(
        SQUAD, settings, answers=0, baselines=("naive",), progress=False, metrics_engine="python"
    )
    rows = result["rows"]
    # Two swept combinations plus the defaults (dense 1 is not in the grid), best first.
    assert len(rows) == 3 and sum(r["default"] for r in rows) == 1
    assert [r["ndcg@10"] for r in rows] == sorted((r["ndcg@10"] for r in rows), reverse=True)
    default = next(r for r in rows if r["default"])
    assert default["vs_default"]["t_test_p"] == 1.0
    for metric in ("ndcg@10", "recall@1", "recall@5", "mrr@10"):
        assert default[metric] == pytest.approx(evaluated["systems"]["kutip"][metric])
        assert result["naive"][metric] == pytest.approx(evaluated["systems"]["naive"][metric])
    assert result["questions"] == evaluated["details"]["kutip"]["retrieval_questions"]


def test_sweep_with_every_leg_silenced_ranks_nothing(make_settings):
    result = sweep(
        str(SQUAD),
        make_settings(),
        {"dense_weight": [0.0], "sentence_weight": [0.0], "keyword_weight": [0.0]},
    )
    silent = next(r for r in result["rows"] if not r["default"])
    assert silent["ndcg@10"] == 0.0 and silent["recall@5"] == 0.0
    assert next(r for r in result["rows"] if r["default"])["ndcg@10"] > 0.5


def test_main_prints_the_table_and_rejects_bad_weights(make_settings, monkeypatch, capsys):
    settings = make_settings()
    monkeypatch.setenv("KUTIP_STORE", str(settings.store_dir))
    monkeypatch.setenv("KUTIP_EMBEDDING", "hash")
    assert main(["--dataset", str(SQUAD), "--keyword", "0,1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tiny-squad: ") and out.count("\n") >= 3 and "*" in out
    assert main(["--dataset", str(SQUAD), "--keyword", "a"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: --keyword 'a': expected comma-separated numbers"
    assert main(["--dataset", str(SQUAD), "--sentence", "-1"]) == 1
    assert "--sentence '-1'" in capsys.readouterr().err
    assert main(["--dataset", str(SQUAD), "--mix", "0,1.5"]) == 1
    assert "--mix '0,1.5': expected numbers from 0 to 1" in capsys.readouterr().err
