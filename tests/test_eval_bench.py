"""``kutip bench`` on the tiny SQuAD fixture: pool construction and the record's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench import (
    find_sets,
    format_bench,
    passage_pool,
    run_bench,
    skipped_size,
    write_bench,
)
from kutip.errors import InputError

SQUAD = Path(__file__).parent / "fixtures" / "eval" / "tiny-squad.json"


def test_pool_is_distinct_real_passages_only():
    dev, train = find_sets([SQUAD])
    assert dev == [SQUAD] and train == []
    pool = passage_pool(dev, train, size=100, seed=0)
    assert [p.origin for p in pool] == ["dev passage"] * 3  # the 3 distinct contexts, no windows
    assert len({p.text for p in pool}) == len(pool)
    assert passage_pool(dev, train, size=2, seed=0) == pool[:2]
    assert [p.key for p in pool] == [f"bench#{i}" for i in range(len(pool))]


def test_a_size_beyond_the_data_is_skipped_with_an_estimate():
    built = [{"size": 3, "built_now": 3, "build_seconds": 6.0}]
    record = skipped_size(1000, 3, built)
    assert "only 3 distinct passages" in record["skipped"]
    assert record["estimated_build_seconds"] == 2000.0
    assert "estimated_build_seconds" not in skipped_size(10, 3, [])


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
        sizes=(2, 3, 8),
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
    assert [s["size"] for s in stores] == [2, 3, 8]
    assert stores[1]["contents"] == {"dev passage": 3}
    # Every built store has the user's settings; a size the data cannot fill is not faked.
    assert [s.get("chunk_vectors") for s in stores[:2]] == ["full", "full"]
    assert "only 3 distinct passages" in stores[2]["skipped"]
    assert stores[2]["estimated_build_seconds"] >= 0
    for s in stores[:2]:
        assert "error" not in s, s.get("error")
        assert s["counts"]["articles"] == s["size"]
        assert s["evidence_ms"]["n"] == 4 and s["evidence_ms"]["p50"] > 0
        assert s["peak_rss_mb"] > 0 and s["index_mb"] > 0
        assert s["build_sentences_per_s"] > 0 and s["build_vs_raw"] > 0
        assert len(s["build_load"]) == 2 and s["model_loaded"] is False
    assert result["answer"] is None
    json_path, md_path = write_bench(result, tmp_path / "out")
    assert json.loads(json_path.read_text())["query"]["stores"][1]["size"] == 3
    text = md_path.read_text()
    assert "Stores by size" in text and "no synthetic articles" in text
    assert text.startswith(format_bench(result))
    assert (tmp_path / "out" / "bench.svg").read_text().lstrip().startswith("<?xml")
    # A kept workdir is reused: nothing is built again.
    again = run_bench(
        make_settings(),
        data=[SQUAD],
        sizes=(3,),
        ingest_articles=0,
        queries=2,
        answers=0,
        workdir=tmp_path / "keep",
        progress=False,
    )
    assert again["query"]["stores"][0]["built_now"] == 0 and again["ingest"] is None
