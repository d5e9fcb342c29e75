"""Browsing a collection a page at a time: the Articles and Quotes tabs at archive size.

A news archive holds thousands of articles and tens of thousands of quotes; a tab that reads
them all to show fifty is slow to open and slower on every keystroke. Here each request is a
couple of SQL queries over the catalog (:meth:`Catalog.article_page`,
:meth:`Catalog.quote_page`: indexes, and the full-text index for words), returning one page
and the number of matches, plus aggregate queries for the summary lines and the speaker list.

:func:`page_of` and :func:`quote_page_of` do the same over plain lists. They are the reference
the SQL is tested against, and what the UI uses over a store that has no catalog (the tests'
fakes), so both kinds of store page, search and sort alike.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from kutip.schema import Article, Quote
from kutip.store.catalog import ARTICLE_SORTS, Catalog, search_words
from kutip.store.quotes import quote_of
from kutip.store.summary import StoreSummary
from kutip.text.speakers import group_speakers

PER_PAGE = 50
"""Rows a page: a screenful, and small enough that a page renders in milliseconds."""

TIMELINE_MAX = 200
"""Quotes a speaker's timeline shows at most (oldest first); the table pages past that."""

SORTS = ("newest", "oldest", "title", "sentences", "relevance")
"""The article orders; ``relevance`` (best full-text match) means ``newest`` without words."""


@dataclass(frozen=True)
class ArticleQuery:
    """What the Articles tab asks for: a search, filters, an order and a page (from 1)."""

    text: str = ""
    lang: str = ""
    """A language code; "" for all, "und" for articles whose language was not detected."""
    since: date | None = None
    until: date | None = None
    """Inclusive published dates; either one set leaves undated articles out."""
    sort: str = "newest"
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (max(1, self.page) - 1) * self.per_page

    def at(self, page: int) -> ArticleQuery:
        """The same query on another page (at least the first)."""
        return replace(self, page=max(1, page))


@dataclass(frozen=True)
class ArticleRow:
    """One article as a list shows it: metadata, no text (``snippet``: where a search hit,
    its matched words between ``MARK_ON`` and ``MARK_OFF``)."""

    id: str
    title: str
    source: str | None
    url: str | None
    published: datetime | None
    lang: str | None
    n_sentences: int
    snippet: str = ""


MARK_ON, MARK_OFF = "\x02", "\x03"
"""Around the matched words of :attr:`ArticleRow.snippet` (escaped text cannot hold them)."""


@dataclass(frozen=True)
class ArticlePage:
    """One page of matching articles, the number matching in all, and the query it answers
    (its page clamped to the last one when the list shrank under the reader)."""

    rows: list[ArticleRow]
    total: int
    query: ArticleQuery

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))

    @property
    def first(self) -> int:
        """1-based position of the page's first row (0 on an empty page)."""
        return self.query.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.query.offset + len(self.rows)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def article_page(catalog: Catalog, query: ArticleQuery) -> ArticlePage:
    """The page ``query`` asks for, from the catalog; a page past the end gives the last."""

    def fetch(q: ArticleQuery) -> tuple[list[tuple], int]:  # type: ignore[type-arg]
        return catalog.article_page(
            q.text, q.lang or None, q.since, q.until, q.sort, q.offset, q.per_page
        )

    query = query.at(query.page)
    rows, total = fetch(query)
    if not rows and total and query.offset >= total:
        query = query.at(math.ceil(total / query.per_page))
        rows, total = fetch(query)
    return ArticlePage(
        [ArticleRow(r[0], r[1], r[2], r[3], _dt(r[4]), r[5], r[7], r[8] or "") for r in rows],
        total,
        query,
    )


def article_summary(catalog: Catalog) -> StoreSummary:
    """The collection's summary line (:func:`kutip.store.summary.summarize`) from aggregate
    queries, without reading the articles."""
    n, sentences, first, last, undated, langs = catalog.article_stats()
    return StoreSummary(
        articles=n,
        sentences=sentences,
        languages=dict(sorted(langs, key=lambda kv: (-kv[1], kv[0]))),
        earliest=_dt(first),
        latest=_dt(last),
        undated=undated,
    )


# -- the reference over a list ------------------------------------------------------------------


def _fold(text: str | None) -> str:
    """Case and diacritics folded, as the full-text index folds them."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _matches(article: Article, words: Sequence[str]) -> bool:
    tokens = search_words(
        " ".join(_fold(v) for v in (article.title, article.source, article.url, article.text))
    )
    return all(any(t.startswith(_fold(w)) for t in tokens) for w in words)


def _nocase(title: str) -> str:
    """SQLite's NOCASE: only ASCII letters fold."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in title)


def _stamp(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _ordered(articles: list[Article], sort: str) -> list[Article]:
    if sort not in ARTICLE_SORTS:
        sort = "newest"
    items = sorted(articles, key=lambda a: a.id)
    if sort == "title":
        return sorted(items, key=lambda a: _nocase(a.title))
    if sort == "sentences":
        return sorted(items, key=lambda a: -a.n_sentences)
    newest = sort == "newest"
    items.sort(key=lambda a: _stamp(a.ingested_at), reverse=newest)
    items.sort(key=lambda a: _stamp(a.published), reverse=newest)
    return sorted(items, key=lambda a: a.published is None)


def page_of(articles: Iterable[Article], query: ArticleQuery) -> ArticlePage:
    """:func:`article_page` over a list (``relevance`` is ``newest`` here: no index)."""
    words = search_words(query.text)
    since = query.since.isoformat()[:10] if query.since else None
    until = query.until.isoformat()[:10] if query.until else None
    kept = [
        a
        for a in articles
        if (not words or _matches(a, words))
        and (
            not query.lang
            or (a.lang or "und") == query.lang
            or (query.lang == "und" and a.lang is None)
        )
        and (since is None or (a.published is not None and _stamp(a.published)[:10] >= since))
        and (until is None or (a.published is not None and _stamp(a.published)[:10] <= until))
    ]
    ordered = _ordered(kept, query.sort)
    query = query.at(query.page)
    if ordered and query.offset >= len(ordered):
        query = query.at(math.ceil(len(ordered) / query.per_page))
    rows = [
        ArticleRow(a.id, a.title, a.source, a.url, a.published, a.lang, a.n_sentences)
        for a in ordered[query.offset : query.offset + query.per_page]
    ]
    return ArticlePage(rows, len(ordered), query)


# -- quotes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotePage:
    """One page of quotes (date order) with what the Quotes tab shows around it: the number
    matching, every quote and quoting article of the collection, and each speaker group with
    its number of quotes, most quoted first."""

    rows: list[Quote]
    total: int
    page: int
    per_page: int
    quotes: int
    articles: int
    speakers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def speaker_groups(
    counts: Iterable[tuple[str, int]],
) -> tuple[dict[str, str], list[tuple[str, int]]]:
    """``(name -> group, [(group, quotes), ...])`` from each speaker name's number of quotes,
    groups most quoted first (then by name)."""
    counted = list(counts)
    groups = group_speakers(name for name, n in counted for _ in range(n))
    totals: dict[str, int] = {}
    for name, n in counted:
        totals[groups[name]] = totals.get(groups[name], 0) + n
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    return groups, ordered


_GROUPS: dict[str, tuple[int, tuple[dict[str, str], list[tuple[str, int]]]]] = {}
_GROUPS_LOCK = threading.Lock()


def _groups_of(catalog: Catalog) -> tuple[dict[str, str], list[tuple[str, int]]]:
    """:func:`speaker_groups` of the catalog, kept until its generation moves: the grouping
    and its GROUP BY cost tens of milliseconds over an archive, on every keystroke of a
    search that changes neither."""
    key = str(catalog.path)
    generation = catalog.generation()
    with _GROUPS_LOCK:
        cached = _GROUPS.get(key)
    if cached is not None and cached[0] == generation:
        return cached[1]
    found = speaker_groups(catalog.quote_speaker_counts())
    with _GROUPS_LOCK:
        _GROUPS[key] = (generation, found)
    return found


def quote_page(
    catalog: Catalog,
    search: str = "",
    speaker: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> QuotePage:
    """The quotes of speaker group ``speaker`` ("" for all) matching every word of
    ``search`` (in the speaker's name or group, role, sentence, article title or source), one
    page of them; a page past the end gives the last."""
    groups, speakers = _groups_of(catalog)
    names = [n for n, g in groups.items() if g == speaker] if speaker else None
    words = [
        (w, [n for n, g in groups.items() if w in g.casefold() and w not in n.casefold()])
        for w in (search or "").casefold().split()
    ]
    page = max(1, page)
    rows, total = catalog.quote_page(names, words, (page - 1) * per_page, per_page)
    if not rows and total and (page - 1) * per_page >= total:
        page = math.ceil(total / per_page)
        rows, total = catalog.quote_page(names, words, (page - 1) * per_page, per_page)
    n_quotes, n_articles = catalog.quote_totals()
    quotes = [quote_of(r, groups.get(r[1]) if r[1] else None) for r in rows]
    return QuotePage(quotes, total, page, per_page, n_quotes, n_articles, speakers)


def quote_page_of(
    quotes: Sequence[Quote],
    kept: Sequence[Quote],
    page: int = 1,
    per_page: int = PER_PAGE,
    speakers: Mapping[str, int] | None = None,
) -> QuotePage:
    """:func:`quote_page` over lists: ``kept`` (already filtered and in date order) out of
    all ``quotes``; ``speakers`` are the group counts (computed from ``quotes`` if not given)."""
    if speakers is None:
        counts: dict[str, int] = {}
        for q in quotes:
            name = q.group or q.speaker
            if name:
                counts[name] = counts.get(name, 0) + 1
        speakers = counts
    ordered = sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    pages = max(1, math.ceil(len(kept) / per_page))
    page = min(max(1, page), pages)
    rows = list(kept[(page - 1) * per_page : page * per_page])
    articles = len({q.article_id for q in quotes})
    return QuotePage(rows, len(kept), page, per_page, len(quotes), articles, ordered)
