"""Browsing the store a page at a time (issue 30's Articles tab, issue 31's Quotes tab at scale).

The SQL (full-text index, indexes, LIMIT/OFFSET) is checked against the plain-Python reference
in :mod:`kutip.store.browse` on a few hundred articles and many random queries; the full-text
index is checked to follow every write path (ingest, replace, delete, an older catalog
opened); the faster speaker grouping against the former quadratic one.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime
from itertools import combinations, pairwise

import pytest

from eval.browse_bench import sentence_pool, synthetic_articles
from ingest.pipeline import Ingestor
from kutip.schema import SourceDocument
from kutip.store import Store, open_store
from kutip.store.browse import (
    SORTS,
    ArticleQuery,
    page_of,
    quote_page_of,
)
from kutip.store.catalog import Catalog
from kutip.store.summary import summarize
from kutip.text.speakers import _core, group_speakers, name_tokens, same_speaker
from ui.quotes import filter_quotes


def _fill(store: Store, n: int, seed: int = 3) -> None:
    """``n`` synthetic articles straight into the catalog (the bench's builder: no vectors,
    which browsing never reads)."""
    pool, _ = sentence_pool(max_passages=300)
    for article, sentences in synthetic_articles(n, pool, seed):
        store.catalog.insert_pending(article, sentences, [])
        store.catalog.mark_ready(article.id)


@pytest.fixture
def big(store: Store) -> Store:
    _fill(store, 240)
    return store


def _ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.id for r in page.rows]


def test_the_full_text_index_is_there() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a)")  # this Python's SQLite has FTS5


def test_pages_searches_filters_and_sorts_agree_with_the_reference(big: Store) -> None:
    articles = big.list_articles()
    rng = random.Random(5)
    words = [w for a in rng.sample(articles, 20) for w in a.title.split()[:3] if w.isalpha()]
    texts = [
        "",
        "",
        *words,
        *(w[:3] for w in words),
        *(f"{a} {b}" for a, b in pairwise(words)),
    ]
    checked = 0
    for _ in range(120):
        query = ArticleQuery(
            text=rng.choice(texts),
            lang=rng.choice(["", "", "id", "en", "und"]),
            since=rng.choice([None, None, date(2018, 1, 1), date(2020, 6, 15)]),
            until=rng.choice([None, None, date(2021, 12, 31), date(2019, 3, 1)]),
            sort=rng.choice([s for s in SORTS if s != "relevance"]),
            page=rng.choice([1, 1, 2, 3, 99]),
            per_page=rng.choice([7, 50]),
        )
        got, want = big.article_page(query), page_of(articles, query)
        assert (got.total, got.query.page, _ids(got)) == (
            want.total,
            want.query.page,
            _ids(want),
        ), query
        checked += bool(got.rows)
    assert checked > 40  # most queries found something: the comparison is not vacuous


def test_a_search_matches_word_starts_in_title_source_url_and_text(big: Store) -> None:
    some = big.list_articles()[17]
    word = next(w for w in some.text.split() if len(w) > 6 and w.isalpha())
    found = big.article_page(ArticleQuery(text=word[:4].upper()))
    assert some.id in [r.id for r in big.article_page(ArticleQuery(text=word, per_page=500)).rows]
    assert found.total >= 1
    hit = big.article_page(ArticleQuery(text=word, per_page=500)).rows
    assert all("\x02" in r.snippet and "\x03" in r.snippet for r in hit)
    source = big.article_page(ArticleQuery(text="reuters"))
    assert source.total == sum(1 for a in big.list_articles() if a.source == "Reuters")
    assert big.article_page(ArticleQuery(text="news.example")).total == 240
    assert big.article_page(ArticleQuery(text='"; DROP TABLE articles; --')).total >= 0
    assert big.article_page(ArticleQuery(text="zzzqqqxxyy")).total == 0


def test_best_match_ranks_title_hits_first(store: Store, settings) -> None:  # type: ignore[no-untyped-def]
    docs = [
        SourceDocument("a", "Harga beras naik", "Pasar ramai. Harga cabai stabil.", "pasar"),
        SourceDocument("b", "Cuaca cerah", "Harga beras di pasar naik lagi hari ini.", "pasar"),
    ]
    a, b = Ingestor(settings, store).ingest_documents(docs).added
    ranked = store.article_page(ArticleQuery(text="beras", sort="relevance"))
    assert [r.id for r in ranked.rows] == [a, b]


def test_a_page_past_the_end_gives_the_last(big: Store) -> None:
    page = big.article_page(ArticleQuery(page=1000, per_page=50))
    assert (page.query.page, page.pages, len(page.rows)) == (5, 5, 40)
    assert (page.first, page.last) == (201, 240)


def test_the_summary_needs_no_articles_read(big: Store) -> None:
    assert big.article_summary() == summarize(big.list_articles())


def test_the_index_follows_ingest_replace_and_delete(settings, store: Store) -> None:  # type: ignore[no-untyped-def]
    ingestor = Ingestor(settings, store)
    first = SourceDocument("k1", "Gudang beras", "Stok beras di gudang Bulog aman.", "antara")
    (old,) = ingestor.ingest_documents([first]).added
    assert _ids(store.article_page(ArticleQuery(text="bulog"))) == [old]
    changed = SourceDocument("k1", "Gudang beras", "Stok jagung di gudang menipis.", "antara")
    (new,) = ingestor.ingest_documents([changed]).updated
    assert store.article_page(ArticleQuery(text="bulog")).total == 0
    assert _ids(store.article_page(ArticleQuery(text="jagung"))) == [new]
    assert store.delete_article(new)
    assert store.article_page(ArticleQuery(text="jagung")).total == 0
    assert store.article_page(ArticleQuery()).total == 0


def test_an_older_catalog_gets_its_index_on_open(settings, store: Store) -> None:  # type: ignore[no-untyped-def]
    doc = SourceDocument("k1", "Gudang beras", "Stok beras di gudang Bulog aman.", "antara")
    (aid,) = Ingestor(settings, store).ingest_documents([doc]).added
    path = store.catalog.path
    store.close()
    db = sqlite3.connect(path)
    for trigger in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER articles_fts_{trigger}")
    db.execute("DROP TABLE articles_fts")
    db.execute("DELETE FROM meta WHERE key='fts_version'")
    db.commit()
    db.close()
    catalog = Catalog(path)
    try:
        rows, total = catalog.article_page("bulog")
        assert (total, [r[0] for r in rows]) == (1, [aid])
    finally:
        catalog.close()


def test_quote_pages_agree_with_the_list(big: Store) -> None:
    everything = big.quotes()
    page = big.quote_page()
    assert (page.quotes, page.articles) == (
        len(everything),
        len({q.article_id for q in everything}),
    )
    top = page.speakers[0][0]
    rng = random.Random(2)
    for search, speaker, number in [
        ("", "", 1),
        ("", "", 2),
        ("kata", "", 1),
        ("BERAS", "", 1),
        ("", top, 1),
        (top.split()[0].lower(), "", 3),
        (*rng.choice([("rencana", ""), ("said", "")]), 1),
    ]:
        got = big.quote_page(search, speaker, number, per_page=9)
        want = quote_page_of(everything, filter_quotes(everything, search, speaker), number, 9)
        key = [(q.article_id, q.sentence_index, q.group) for q in got.rows]
        assert key == [(q.article_id, q.sentence_index, q.group) for q in want.rows]
        assert (got.total, got.page) == (want.total, want.page)
        assert got.speakers == want.speakers
        assert all(q.sentence == q.sentence.strip() and q.quote in q.sentence for q in got.rows)


def _old_group_speakers(names: list[str]) -> dict[str, str]:
    """The grouping before the speed-up: every name against every head."""
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    ordered = sorted(counts, key=lambda n: (-len(_core(name_tokens(n))), -counts[n], n))
    canon: dict[str, str] = {}
    heads: list[str] = []
    for n in ordered:
        matches = [h for h in heads if same_speaker(n, h)]
        canon[n] = matches[0] if len(matches) == 1 else n
        if len(matches) != 1:
            heads.append(n)
    return canon


def test_speaker_grouping_is_the_same_only_faster() -> None:
    rng = random.Random(11)
    first = ["John", "Jim", "Ni Wayan", "Wayan", "Budi", "Ani", "J.", "John F."]
    last = ["Kirby", "Sutji", "Santoso", "Lestari", "Kirby Jr", ""]
    titles = ["", "", "Dr", "Prof Dr", "Juru Bicara Dewan Keamanan Nasional"]
    for _ in range(30):
        names = [
            " ".join(p for p in (rng.choice(titles), rng.choice(first), rng.choice(last)) if p)
            or "Kirby"
            for _ in range(rng.randint(1, 40))
        ]
        names += rng.sample(["Kirby", "Sutji", "John", "Santoso"], 2)
        assert group_speakers(names) == _old_group_speakers(names), names


def test_browsing_a_store_without_quotes_or_articles(store: Store) -> None:
    assert store.article_page(ArticleQuery()).total == 0
    assert store.article_summary() == summarize([])
    page = store.quote_page()
    assert (page.rows, page.total, page.quotes, page.speakers) == ([], 0, 0, [])


def test_dates_compare_by_day_whatever_the_zone(settings, store: Store) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta, timezone

    wib = timezone(timedelta(hours=7))
    docs = [
        SourceDocument(
            "a", "Pagi", "Berita pagi.", "x", published=datetime(2024, 1, 31, 1, tzinfo=wib)
        ),
        SourceDocument("b", "Malam", "Berita malam.", "x", published=datetime(2024, 1, 31, 23)),
        SourceDocument("c", "Besok", "Berita besok.", "x", published=datetime(2024, 2, 1)),
    ]
    Ingestor(settings, store).ingest_documents(docs)
    day = store.article_page(ArticleQuery(since=date(2024, 1, 31), until=date(2024, 1, 31)))
    assert sorted(r.title for r in day.rows) == ["Malam", "Pagi"]
    assert [r.title for r in store.article_page(ArticleQuery(since=date(2024, 2, 1))).rows] == [
        "Besok"
    ]


def test_every_sort_is_a_total_order(big: Store) -> None:
    for sort in SORTS:
        ids = [r.id for r in big.article_page(ArticleQuery(sort=sort, per_page=500)).rows]
        assert len(ids) == len(set(ids)) == 240
    for a, b in combinations(SORTS[:4], 2):
        first = big.article_page(ArticleQuery(sort=a, per_page=5)).rows
        assert first != big.article_page(ArticleQuery(sort=b, per_page=5)).rows


def test_the_store_reopens_without_rebuilding_the_index(big: Store, settings) -> None:  # type: ignore[no-untyped-def]
    big.close()
    again = open_store(settings)
    try:
        assert again.catalog.get_meta("fts_version") == "1"
        assert again.article_page(ArticleQuery(text="reuters")).total > 0
    finally:
        again.close()
