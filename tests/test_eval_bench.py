"""``kutip bench`` on the tiny SQuAD fixture: pool construction and the record's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench import find_sets, format_bench, passage_pool, run_bench, write_bench
from kutip.errors import InputError

SQUAD = Path(__file__).parent / "fixtures" / "eval" / "tiny-squad.json"


def test_pool_is_passages_first_then_windows_labelled():
    dev, train = find_sets([SQUAD])
    assert dev == [SQUAD] and train == []
    pool = passage_pool(dev, train, size=100, seed=0)
    origins = [p.origin for p in pool]
    assert origins[:3] == ["dev passage"] * 3  # the 3 distinct contexts
    assert set(origins[3:]) == {"dev window"}
    # Windows are consecutive sentences, never a whole passage again, never twice.
    assert len({p.text for p in pool}) == len(pool)
    # Sentences per passage: 3, 3, 2 -> windows of 2 and 1 sentences: (2 + 3) + (2 + 3) + 2 = 12
    assert len(pool) == 3 + 12
    assert passage_pool(dev, train, size=5, seed=0) == pool[:5]
    assert [p.key for p in pool] == [f"bench#{i}" for i in range(len(pool))]


def test_find_sets_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        find_sets([tmp_path / "missing"])
    with pytest.raises(InputError, match="no SQuAD JSON"):
        find_sets([tmp_path])


@pytest.mark.slow
def test_run_bench_tiny(make_settings, tmp_path):
    result = run_bench(
        make_settings(),
        data=[SQUAD],
        sizes=(3, 8),
        ingest_articles=3,
        queries=4,
        answers=0,
        workdir=tmp_path / "keep",
        progress=False,
    )
    ingest = result["ingest"]
    assert ingest["articles"] == 3 and ingest["sentences"] == 8 and ingest["failed"] == 0
    for part in ("raw_encoder", "pipeline", "naive"):
        assert ingest[part]["articles_per_s"] > 0
    assert ingest["pipeline_vs_raw"] > 0
    stores = result["query"]["stores"]
    assert [s["size"] for s in stores] == [3, 8]
    assert stores[0]["contents"] == {"dev passage": 3}
    assert stores[1]["contents"] == {"dev passage": 3, "dev window": 5}
    # The smallest store as configured; larger ones reuse sentence vectors (labelled).
    assert [s["chunk_vectors"] for s in stores] == ["full", "pooled"]
    for s in stores:
        assert "error" not in s, s.get("error")
        assert s["counts"]["articles"] == s["size"]
        assert s["evidence_ms"]["n"] == 4 and s["evidence_ms"]["p50"] > 0
        assert s["peak_rss_mb"] > 0 and s["index_mb"] > 0
    assert result["answer"] is None
    json_path, md_path = write_bench(result, tmp_path / "out")
    assert json.loads(json_path.read_text())["query"]["stores"][1]["size"] == 8
    assert "Evidence latency by store size" in md_path.read_text()
    assert format_bench(result) == md_path.read_text()
    # A kept workdir is reused: nothing is built again.
    again = run_bench(
        make_settings(),
        data=[SQUAD],
        sizes=(3,),
        ingest_articles=3,
        queries=2,
        answers=0,
        workdir=tmp_path / "keep",
        progress=False,
    )
    assert again["query"]["stores"][0]["built_now"] == 0
