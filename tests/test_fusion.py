import pytest

from qa.fusion import weighted_rrf


def test_rrf_matches_hand_computed_scores():
    fused = dict(weighted_rrf([(["a", "b"], 1.0), (["b", "c"], 1.0)], k=60))
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)
    assert next(iter(fused)) == "b"


def test_zero_weight_leg_cannot_vote():
    fused = weighted_rrf([(["a"], 1.0), (["z", "a"], 0.0)])
    assert [k for k, _ in fused] == ["a"]


def test_per_item_weight():
    fused = dict(weighted_rrf([(["x", "y"], lambda item: 1.0 if item == "y" else 0.0)], k=0))
    assert fused == {"y": 0.5}


def test_fusion_weights_come_from_the_environment_and_are_checked(monkeypatch):
    from kutip.config import load_settings
    from kutip.errors import ConfigError

    monkeypatch.setenv("KUTIP_KEYWORD_WEIGHT", "0.5")
    monkeypatch.setenv("KUTIP_RRF_K", "20")
    settings = load_settings()
    assert (settings.keyword_weight, settings.rrf_k) == (0.5, 20)
    with pytest.raises(ConfigError, match="fusion weights"):
        load_settings(sentence_weight=-1.0)
    with pytest.raises(ConfigError, match="rrf_k"):
        load_settings(rrf_k=0)


def _legs(dense, sentence_scores):
    from kutip.store import Hit
    from qa.retriever import Legs

    return Legs(
        query="q",
        lang="id",
        vector=[],
        dense=[Hit(cid, cid.split(":")[0], score) for cid, score in dense],
        sentences=[],
        keyword=[],
        sentence_chunk_scores=dict(sentence_scores),
    )


def test_mixed_dense_adds_the_two_cosines_with_floors_by_hand():
    from qa.retriever import mixed_dense

    legs = _legs([("a:c1", 0.80), ("b:c2", 0.78)], [("b:c2", 0.90), ("c:c3", 0.85)])
    # a:c1 = .5*.80 + .5*.85 (no sentence hit: the lowest found) = .825
    # b:c2 = .5*.78 + .5*.90 = .840;  c:c3 = .5*.78 (not a dense hit) + .5*.85 = .815
    assert mixed_dense(legs, 0.5) == ["b:c2", "a:c1", "c:c3"]
    assert mixed_dense(legs, 0.0) == ["a:c1", "b:c2"]  # off: the dense chunk leg as it was
    assert mixed_dense(legs, 1.0)[0] == "b:c2"


def test_sentence_chunk_scores_are_the_best_sentence_inside_each_chunk(settings, store):
    from ingest.pipeline import Ingestor
    from kutip.schema import SourceDocument
    from qa.retriever import gather_legs

    text = " ".join(f"Kalimat nomor {i} tentang harga beras di pasar Jakarta." for i in range(40))
    Ingestor(settings, store).ingest_documents([SourceDocument("k", "Pasar", text)])
    legs = gather_legs(store, "harga beras Jakarta", 10)
    assert len(legs.sentence_chunks) > 1
    (aid,) = {h.article_id for h in legs.sentences}
    for chunk in store.chunks(aid):
        inside = [
            h.score
            for h in legs.sentences
            if chunk.first_sentence <= int(h.id.rsplit(":s", 1)[1]) <= chunk.last_sentence
        ]
        if inside:
            assert legs.sentence_chunk_scores[chunk.id] == max(inside)
        else:
            assert chunk.id not in legs.sentence_chunk_scores


def test_sentence_mix_comes_from_the_environment_and_is_checked(monkeypatch):
    from kutip.config import load_settings
    from kutip.errors import ConfigError

    monkeypatch.setenv("KUTIP_SENTENCE_MIX", "0.5")
    assert load_settings().sentence_mix == 0.5
    with pytest.raises(ConfigError, match="sentence_mix"):
        load_settings(sentence_mix=1.5)
