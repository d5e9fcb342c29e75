"""The quotes table: written with the article, rebuilt when it changes, deleted with it;
backfilled for older stores; and ``kutip quotes`` listing a speaker's quotes in order."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from cli.main import main
from ingest.pipeline import Ingestor
from kutip.schema import SourceDocument
from kutip.store import open_store


def _doc(key: str, text: str, published: datetime | None = None) -> SourceDocument:
    return SourceDocument(key, f"Judul {key}", text, "wire", published=published)


def _rows(store, article_id: str) -> int:
    db = sqlite3.connect(store.catalog.path)
    try:
        return db.execute(
            "SELECT COUNT(*) FROM quotes WHERE article_id=?", (article_id,)
        ).fetchone()[0]
    finally:
        db.close()


def test_quotes_are_stored_with_the_article(settings, store, sample_article) -> None:
    report = Ingestor(settings, store).ingest([str(sample_article)])
    (article_id,) = report.added
    article = store.get_article(article_id)
    quotes = store.quotes(speaker="Kirby")
    assert [q.speaker for q in quotes] == ["John Kirby", "John Kirby"]
    said, added = quotes
    assert added.sentence_index == said.sentence_index + 1 and added.cue == "tambahnya"
    for q in quotes:
        assert article.text[q.sentence_start : q.sentence_end] == q.sentence
        assert q.sentence in sample_article.read_text(encoding="utf-8")
        assert q.quote in q.sentence and q.title == article.title
    assert store.quotes(speaker="Jim Kirby") == []


def test_quotes_are_rebuilt_when_the_article_changes(settings, store) -> None:
    ingest = Ingestor(settings, store).ingest_documents
    (old,) = ingest([_doc("k1", "Harga naik tajam pekan ini, kata Budi Santoso.")]).added
    assert [q.speaker for q in store.quotes()] == ["Budi Santoso"]
    (new,) = ingest([_doc("k1", "Harga turun tajam pekan ini, kata Ani Lestari.")]).updated
    assert [q.speaker for q in store.quotes()] == ["Ani Lestari"]
    assert _rows(store, old) == 0 and _rows(store, new) == 1


def test_quotes_are_deleted_with_the_article(settings, store) -> None:
    report = Ingestor(settings, store).ingest_documents(
        [_doc("k1", "Harga naik tajam pekan ini, kata Budi Santoso.")]
    )
    (article_id,) = report.added
    assert store.delete_article(article_id)
    assert store.quotes() == [] and _rows(store, article_id) == 0


def test_older_stores_are_backfilled_on_open(settings, store, sample_article) -> None:
    (article_id,) = Ingestor(settings, store).ingest([str(sample_article)]).added
    store.close()
    db = sqlite3.connect(
        settings.store_dir / "collections" / settings.collection / "catalog.sqlite"
    )
    db.execute("DROP TABLE quotes")
    db.execute("DELETE FROM meta WHERE key='quotes_rules'")
    db.commit()
    db.close()
    reopened = open_store(settings)
    try:
        assert len(reopened.quotes(speaker="John Kirby")) == 2
        assert _rows(reopened, article_id) > 0
    finally:
        reopened.close()


def test_date_order_grouping_and_filters(settings, store) -> None:
    ingest = Ingestor(settings, store).ingest_documents
    ingest(
        [
            _doc(
                "late", "Pasukan tidak akan dikirim ke Gaza, kata John Kirby.", datetime(2024, 3, 1)
            ),
            _doc("early", "Tidak ada rencana pasukan darat, kata Kirby.", datetime(2023, 10, 20)),
        ]
    )
    quotes = store.quotes(speaker="John Kirby")
    assert [q.published.year for q in quotes] == [2023, 2024]
    assert [q.speaker for q in quotes] == ["Kirby", "John Kirby"]
    assert {q.group for q in quotes} == {"John Kirby"}
    assert len(store.quotes(speaker="John Kirby", about="gaza")) == 1
    assert len(store.quotes(since=datetime(2024, 1, 1))) == 1
    assert len(store.quotes(until=datetime(2023, 12, 31))) == 1

    # Another Kirby arrives: the bare surname is no longer anyone's for sure.
    ingest([_doc("other", "Harga minyak akan turun, kata Jim Kirby.", datetime(2024, 1, 5))])
    assert [q.speaker for q in store.quotes(speaker="John Kirby")] == ["John Kirby"]
    assert [q.speaker for q in store.quotes(speaker="Jim Kirby")] == ["Jim Kirby"]
    assert len(store.quotes(speaker="Kirby")) == 3
    # Read by key (what an answer does with its evidence): the same quote, the same group.
    first = store.quotes()[0]
    (only,) = store.quotes(at={(first.article_id, first.sentence_index)})
    assert only == first
    assert store.quotes(at=set()) == []


def test_cli_quotes_lists_kirby_in_order(settings, store, sample_article, monkeypatch, capsys):
    Ingestor(settings, store).ingest([str(sample_article)])
    store.close()
    monkeypatch.setenv("KUTIP_STORE", str(settings.store_dir))
    monkeypatch.setenv("KUTIP_EMBEDDING", "hash")
    monkeypatch.setenv("KUTIP_LLM", "none")
    assert main(["quotes", "--speaker", "Kirby", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["speaker"] for r in rows] == ["John Kirby", "John Kirby"]
    assert rows[0]["sentence_index"] < rows[1]["sentence_index"]
    assert rows[0]["text"].startswith("Pada bulan Oktober") and rows[1]["cue"] == "tambahnya"
    assert main(["quotes", "--speaker", "Kirby", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.count("**John Kirby**") == 2 and "tambahnya" in out
    assert main(["quotes", "--speaker", "  "]) == 1
    assert main(["quotes", "--since", "2024-02-01", "--until", "2024-01-01"]) == 1
    err = capsys.readouterr().err
    assert err.count("kutip: error:") == 2
