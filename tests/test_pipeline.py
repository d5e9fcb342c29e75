"""Ingest: idempotent, replaces changed articles, never leaves a half-stored article."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Ingestor, prepare
from kutip.errors import InputError
from kutip.schema import SourceDocument
from kutip.store import open_store

TEXT = (
    "Pasukan AS disiagakan di Irak. Sekitar 2.000 personel dikerahkan tahun lalu.\n"
    "Baca Juga : Artikel lain yang tidak boleh dikutip\n"
    "Juru Bicara John Kirby mengatakan tidak ada rencana. Israel membunuh 26.700 warga.\n"
)


def doc(text: str = TEXT, key: str = "mem://one", title: str = "Judul") -> SourceDocument:
    return SourceDocument(key=key, title=title, text=text, source="test")


def test_prepare_keeps_offsets_and_drops_read_also_lines(settings):
    prep = prepare(doc(), settings)
    assert "Baca Juga" not in prep.article.text
    for s in prep.sentences:
        assert prep.article.text[s.start : s.end] == s.text
    assert any("2.000 personel" in s.text for s in prep.sentences)
    assert prep.article.lang == "id"
    assert prep.chunks and prep.chunks[-1].last_sentence == len(prep.sentences) - 1


def test_same_content_twice_adds_nothing(settings, store):
    ingestor = Ingestor(settings, store)
    first = ingestor.ingest_documents([doc()])
    second = ingestor.ingest_documents([doc()])
    assert len(first.added) == 1 and second.skipped == first.added and not second.added
    assert len(store.list_articles()) == 1
    assert store.counts()["sentences"] == len(store.sentences(first.added[0]))


def test_changed_content_replaces_old_sentences_and_chunks(settings, store):
    ingestor = Ingestor(settings, store)
    old = ingestor.ingest_documents([doc()]).added[0]
    new_report = ingestor.ingest_documents([doc(TEXT + "Kalimat baru ditambahkan.\n")])
    assert len(new_report.updated) == 1
    new = new_report.updated[0]
    assert [a.id for a in store.list_articles()] == [new]
    assert store.get_article(old) is None and store.sentences(old) == []
    counts = store.counts()
    assert counts["sentences"] == len(store.sentences(new))
    assert counts["chunks"] == len(store.chunks(new))
    hits = store.keyword_chunks("ditambahkan", 5, None)
    assert hits and all(h.article_id == new for h in hits)


def test_bad_input_is_reported_and_the_rest_goes_on(settings, store):
    report = Ingestor(settings, store).ingest_documents(
        [InputError("bad.xyz", "unsupported file type"), doc(), doc("   \n", key="mem://empty")]
    )
    assert len(report.added) == 1 and len(report.failed) == 2
    assert str(report.failed[0]) == "bad.xyz: unsupported file type"
    assert "mem://empty" in str(report.failed[1])
    assert not report.ok


def test_interrupted_ingest_leaves_nothing_visible_and_is_repaired(settings, store, monkeypatch):
    ingestor = Ingestor(settings, store)
    kept = ingestor.ingest_documents([doc(key="mem://kept", title="Kept")]).added[0]

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    # Die after the rows and vectors are written but before the article becomes visible.
    monkeypatch.setattr(store.catalog, "mark_ready", boom)
    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest_documents([doc(TEXT + "Lagi.\n", key="mem://new", title="New")])
    monkeypatch.undo()
    assert [a.id for a in store.list_articles()] == [kept]
    assert store.catalog.pending_ids()
    # A fresh process: the next run repairs, then completes the article.
    reopened = open_store(settings)
    report = Ingestor(settings, reopened).ingest_documents(
        [doc(TEXT + "Lagi.\n", key="mem://new", title="New")]
    )
    assert len(report.added) == 1 and not reopened.catalog.pending_ids()
    assert reopened.counts()["articles"] == 2
    total = sum(len(reopened.sentences(a.id)) for a in reopened.list_articles())
    assert reopened.counts()["sentences"] == total
    reopened.close()


def test_ingest_files_and_folder(settings, store, tmp_path: Path, sample_article: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Judul Pendek\nIsi artikel pertama. Kalimat kedua.\n")
    (folder / "b.md").write_text("# Judul Kedua\n\nIsi artikel kedua yang lain.\n")
    report = Ingestor(settings, store).ingest([str(folder), str(sample_article)])
    assert report.ok, [str(e) for e in report.failed]
    assert len(report.added) == 3
    titles = sorted(a.title for a in store.list_articles())
    assert "Judul Pendek" in titles and "Judul Kedua" in titles


def test_embed_unique_encodes_each_distinct_text_once_in_one_call():
    from ingest.pipeline import embed_unique

    calls: list[list[str]] = []

    def embed(texts: list[str]) -> list[list[float]]:
        calls.append(list(texts))
        return [[float(len(t))] for t in texts]

    sentences, chunks = embed_unique(embed, ["a", "bb", "a"], ["bb", "a bb"])
    assert calls == [["a", "bb", "a bb"]]
    assert sentences == [[1.0], [2.0], [1.0]] and chunks == [[2.0], [4.0]]
    assert embed_unique(embed, [], []) == [[], []] and len(calls) == 1


def test_ingest_encodes_a_single_sentence_chunk_only_once(settings, store):
    seen: list[str] = []
    inner = store.embeddings.embed_documents

    def counting(texts: list[str]) -> list[list[float]]:
        seen.extend(texts)
        return inner(texts)

    store.embeddings.embed_documents = counting  # type: ignore[method-assign]
    Ingestor(settings, store).ingest_documents([doc("Satu kalimat saja di sini.", key="mem://1")])
    assert seen == ["Satu kalimat saja di sini."]
