"""The collection summary the Articles tab shows, over a real store and over plain records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest.pipeline import Ingestor
from kutip.config import Settings
from kutip.schema import Article
from kutip.store import Store
from kutip.store.summary import StoreSummary, summarize


def test_summary_of_a_real_store_counts_its_stored_sentences(
    settings: Settings, store: Store, sample_article: Path, tmp_path: Path
) -> None:
    assert summarize(store.list_articles()) == StoreSummary()
    english = tmp_path / "rice.en.txt"
    english.write_text(
        "Rice prices rose sharply in Jakarta this week. Imports arrive in March.\n",
        encoding="utf-8",
    )
    report = Ingestor(settings, store).ingest([str(sample_article), str(english)])
    assert len(report.added) == 2, report.summary()
    summary = summarize(store.list_articles())
    stored = sum(len(store.sentences(a.id)) for a in store.list_articles())
    assert summary.articles == 2
    assert summary.sentences == stored > 10
    assert summary.languages == {"en": 1, "id": 1}


def article(n: int, lang: str | None, published: datetime | None) -> Article:
    return Article(
        id=f"a{n}", key=f"k{n}", title="t", text="x", lang=lang, published=published, n_sentences=n
    )


def test_summary_spans_dates_across_time_zones_and_counts_undated() -> None:
    summary = summarize(
        [
            article(1, "id", datetime(2024, 3, 1, tzinfo=UTC)),
            article(2, "id", datetime(2023, 12, 31)),
            article(3, None, None),
            article(4, "en", datetime(2024, 1, 15, 8, 0, tzinfo=UTC)),
        ]
    )
    assert (summary.articles, summary.sentences, summary.undated) == (4, 10, 1)
    assert list(summary.languages.items()) == [("id", 2), ("en", 1), ("und", 1)]
    assert summary.earliest == datetime(2023, 12, 31)
    assert summary.latest == datetime(2024, 3, 1, tzinfo=UTC)
