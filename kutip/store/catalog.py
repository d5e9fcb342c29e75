"""The article catalog: SQLite rows for articles, sentence offsets and chunk ranges.

The catalog is the store's source of truth and its transaction log. An article is written as
``pending`` first, its vectors are upserted into Chroma, and only then does one transaction flip
it to ``ready`` (and retire the version it replaces). Readers only see ``ready`` articles, so an
ingest killed half-way leaves nothing visible, and ``pending_ids()``/``tombstones()`` tell the
next writer what to clean up.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kutip.schema import Article, Chunk, Sentence
from kutip.sqlite import connect_wal, when_unlocked
from kutip.text.attribution import RULES_VERSION, attribute
from kutip.text.injection import is_instruction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, key TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    source TEXT, url TEXT, published TEXT, lang TEXT, ingested_at TEXT NOT NULL,
    state TEXT NOT NULL, n_sentences INTEGER NOT NULL, n_chunks INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_key ON articles(key);
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    flagged INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS chunks (
    article_id TEXT NOT NULL, idx INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, n_tokens INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS tombstones (article_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS quotes (
    article_id TEXT NOT NULL, idx INTEGER NOT NULL, speaker TEXT, role TEXT, cue TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, direct INTEGER NOT NULL,
    inherited INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);
CREATE INDEX IF NOT EXISTS articles_live ON articles(id, state, published, ingested_at);
CREATE INDEX IF NOT EXISTS articles_newest
    ON articles(state, published IS NULL, published DESC, ingested_at DESC, id);
CREATE INDEX IF NOT EXISTS articles_oldest
    ON articles(state, published IS NULL, published, ingested_at, id);
CREATE INDEX IF NOT EXISTS articles_title ON articles(state, title COLLATE NOCASE, id);
CREATE INDEX IF NOT EXISTS articles_sentences ON articles(state, n_sentences DESC, id);
CREATE INDEX IF NOT EXISTS articles_stats ON articles(state, lang, published, n_sentences);
"""
"""The indexes after ``quotes_speaker`` serve the Articles and Quotes tabs, one per order a page
can be asked in (so a page is read off an index, never sorted) plus two covering ones: an
article row holds its text before ``state`` and the dates, so any query that had to read the
row for them would read every article's text (most of what the summary line and a quote
page cost before these indexes: ``python -m eval.browse_bench`` times both)."""

_FTS_VERSION = "1"
"""Bumped when the full-text table's definition changes: the next open rebuilds it."""

_FTS_SCHEMA = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
        title, source, url, text, content='articles', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, source, url, text)
        VALUES (new.rowid, new.title, new.source, new.url, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, source, url, text)
        VALUES ('delete', old.rowid, old.title, old.source, old.url, old.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_update
    AFTER UPDATE OF title, source, url, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, source, url, text)
        VALUES ('delete', old.rowid, old.title, old.source, old.url, old.text);
        INSERT INTO articles_fts(rowid, title, source, url, text)
        VALUES (new.rowid, new.title, new.source, new.url, new.text);
    END""",
)
"""Full-text search over the articles' title, source, URL and text (the Articles tab).

External content (the text is not stored twice) kept in step by triggers, so every write or
delete of an article row updates the index in the same transaction, whichever code path (or
process) writes it. It is keyed by the articles' implicit rowid, which SQLite keeps stable
except through ``VACUUM``; kutip never vacuums the catalog, and whoever does must rebuild the
index (``INSERT INTO articles_fts(articles_fts) VALUES('rebuild')``, or delete the
``fts_version`` meta row and reopen)."""

ARTICLE_SORTS = {
    "newest": "a.published IS NULL, a.published DESC, a.ingested_at DESC, a.id",
    "oldest": "a.published IS NULL, a.published, a.ingested_at, a.id",
    "title": "a.title COLLATE NOCASE, a.id",
    "sentences": "a.n_sentences DESC, a.id",
}
"""The orders :meth:`Catalog.article_page` offers (undated articles last in both date orders);
``relevance`` (best full-text match first) is added when a search is given."""

_ROW_COLUMNS = "a.id, a.title, a.source, a.url, a.published, a.lang, a.ingested_at, a.n_sentences"

_COLUMNS = "id, key, title, text, source, url, published, lang, ingested_at, n_sentences, n_chunks"


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _article(row: tuple) -> Article:  # type: ignore[type-arg]
    return Article(
        id=row[0],
        key=row[1],
        title=row[2],
        text=row[3],
        source=row[4],
        url=row[5],
        published=_dt(row[6]),
        lang=row[7],
        ingested_at=_dt(row[8]),
        n_sentences=row[9],
        n_chunks=row[10],
    )


class Catalog:
    """SQLite catalog of one collection (WAL mode: readers never block the ingesting writer)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = connect_wal(path, 60, isolation_level=None)
        self._db.execute("PRAGMA synchronous=NORMAL")
        when_unlocked(lambda: self._db.executescript(_SCHEMA))
        self._add_flags()
        self._backfill_quotes()
        self.fts = self._add_fts()

    def _add_flags(self) -> None:
        """Catalogs written before sentences were flagged get the column, and their sentences
        are flagged once now (a regex over the stored text, no model time)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(sentences)")}
        if "flagged" in columns:
            return
        with self._tx() as db:
            db.execute("ALTER TABLE sentences ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0")
            rows = db.execute(
                "SELECT s.article_id, s.idx, substr(a.text, s.start + 1, s.end - s.start) "
                "FROM sentences s JOIN articles a ON a.id = s.article_id"
            ).fetchall()
            flagged = [(aid, idx) for aid, idx, text in rows if is_instruction(text)]
            db.executemany("UPDATE sentences SET flagged=1 WHERE article_id=? AND idx=?", flagged)

    def _backfill_quotes(self) -> None:
        """Catalogs written before quotes were attributed, or by older rules, get their quotes
        (re)computed once on open: rules over the stored text, no model time."""
        if self.get_meta("quotes_rules") == RULES_VERSION:
            return
        with self._tx() as db:
            db.execute("DELETE FROM quotes")
            for aid, text in db.execute("SELECT id, text FROM articles").fetchall():
                spans = db.execute(
                    "SELECT start, end FROM sentences WHERE article_id=? ORDER BY idx", (aid,)
                ).fetchall()
                self._write_quotes(db, aid, text, spans)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('quotes_rules', ?)", (RULES_VERSION,))

    def _add_fts(self) -> bool:
        """Create the articles' full-text index (and fill it once from the rows already
        there); False when this Python's SQLite has no FTS5, and searches fall back to LIKE.
        A catalog already set up is only read: no write lock is taken on every open."""
        if self.get_meta("fts_version") == _FTS_VERSION:
            return True
        try:
            with self._tx() as db:
                for statement in _FTS_SCHEMA:
                    db.execute(statement)
                row = db.execute("SELECT value FROM meta WHERE key='fts_version'").fetchone()
                if (row[0] if row else None) != _FTS_VERSION:
                    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('fts_version', ?)", (_FTS_VERSION,)
                    )
        except sqlite3.OperationalError as error:
            if "fts5" not in str(error):
                raise
            return False
        return True

    @staticmethod
    def _write_quotes(
        db: sqlite3.Connection, article_id: str, text: str, spans: list[tuple[int, int]]
    ) -> None:
        """Attribute the article's sentences (who said what) and store one row per quote."""
        rows = [
            (
                *(article_id, a.sentence_index, a.speaker, a.role, a.cue),
                *(a.quote_start, a.quote_end, int(a.direct), int(a.inherited)),
            )
            for a in attribute(text, spans)
        ]
        db.executemany("INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?)", rows)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        """Bumped by every visible change, so caches (BM25, id sets) know when to reload."""
        return int(self.get_meta("generation") or 0)

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE "
            "SET value = CAST(value AS INTEGER) + 1"
        )

    # -- writes -----------------------------------------------------------------------------
    def insert_pending(
        self, article: Article, sentences: Iterable[Sentence], chunks: Iterable[Chunk]
    ) -> None:
        """Write the article, its sentences and chunks invisibly (state ``pending``)."""
        now = (article.ingested_at or datetime.now(UTC)).isoformat()
        sents = [(s.article_id, s.index, s.start, s.end, int(s.flagged)) for s in sentences]
        chs = [
            (c.article_id, c.index, c.first_sentence, c.last_sentence, c.start, c.end, c.n_tokens)
            for c in chunks
        ]
        with self._tx() as db:
            self._delete_rows(db, article.id)
            db.execute(
                f"INSERT INTO articles ({_COLUMNS}, state) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,'pending')",
                (
                    article.id,
                    article.key,
                    article.title,
                    article.text,
                    article.source,
                    article.url,
                    article.published.isoformat() if article.published else None,
                    article.lang,
                    now,
                    len(sents),
                    len(chs),
                ),
            )
            db.executemany(
                "INSERT INTO sentences (article_id, idx, start, end, flagged) VALUES (?,?,?,?,?)",
                sents,
            )
            db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?)", chs)
            self._write_quotes(db, article.id, article.text, [(s[2], s[3]) for s in sents])

    def mark_ready(self, article_id: str, replaces: Iterable[str] = ()) -> None:
        """Make the article visible and retire the versions it replaces, in one transaction."""
        with self._tx() as db:
            db.execute("UPDATE articles SET state='ready' WHERE id=?", (article_id,))
            for old in replaces:
                if old != article_id:
                    self._delete_rows(db, old)
                    db.execute("INSERT OR IGNORE INTO tombstones VALUES (?)", (old,))
            self._bump(db)

    def retire(self, article_id: str) -> bool:
        """Hide and forget an article; its vectors are removed by the caller (tombstone)."""
        with self._tx() as db:
            found = db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone()
            self._delete_rows(db, article_id)
            db.execute("INSERT OR IGNORE INTO tombstones VALUES (?)", (article_id,))
            self._bump(db)
        return found is not None

    def drop_pending(self, article_id: str) -> None:
        with self._tx() as db:
            self._delete_rows(db, article_id)

    def clear_tombstone(self, article_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM tombstones WHERE article_id=?", (article_id,))

    @staticmethod
    def _delete_rows(db: sqlite3.Connection, article_id: str) -> None:
        for table, col in (
            ("articles", "id"),
            ("sentences", "article_id"),
            ("chunks", "article_id"),
            ("quotes", "article_id"),
        ):
            db.execute(f"DELETE FROM {table} WHERE {col}=?", (article_id,))

    # -- reads ------------------------------------------------------------------------------
    def pending_ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM articles WHERE state='pending'")]

    def tombstones(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT article_id FROM tombstones")]

    def ready_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT id FROM articles WHERE state='ready'")}

    def get(self, article_id: str, *, include_pending: bool = False) -> Article | None:
        cond = "" if include_pending else " AND state='ready'"
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE id=?{cond}", (article_id,)
            ).fetchone()
        return _article(row) if row else None

    def by_key(self, key: str) -> list[Article]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE key=? AND state='ready'", (key,)
            ).fetchall()
        return [_article(r) for r in rows]

    def ready_articles(self) -> list[Article]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE state='ready' ORDER BY ingested_at, id"
            ).fetchall()
        return [_article(r) for r in rows]

    def sentences(self, article: Article) -> list[Sentence]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx, start, end, flagged FROM sentences WHERE article_id=? ORDER BY idx",
                (article.id,),
            ).fetchall()
        return [Sentence(article.id, i, s, e, article.text[s:e], bool(f)) for i, s, e, f in rows]

    def flagged(self) -> list[tuple[str, int, int, int]]:
        """(article_id, idx, start, end) of every flagged sentence of a ready article."""
        with self._lock:
            return self._db.execute(
                "SELECT s.article_id, s.idx, s.start, s.end FROM sentences s "
                "JOIN articles a ON a.id = s.article_id "
                "WHERE s.flagged=1 AND a.state='ready' ORDER BY s.article_id, s.idx"
            ).fetchall()

    def quote_rows(self, at: Collection[tuple[str, int]] | None = None) -> list[tuple]:  # type: ignore[type-arg]
        """Quotes of ready articles with their articles' columns, in date then article then
        sentence order (undated articles last): (quote columns..., article columns...). With
        ``at``, only the quotes of those (article id, sentence index) pairs: what an answer
        asks about its few evidence sentences, without reading every article of the store."""
        where, params = "a.state='ready'", []
        if at is not None:
            if not at:
                return []
            pairs = " OR ".join("(q.article_id=? AND q.idx=?)" for _ in at)
            where += f" AND ({pairs})"
            params = [v for pair in at for v in pair]
        with self._lock:
            return self._db.execute(
                "SELECT q.idx, q.speaker, q.role, q.cue, q.start, q.end, q.direct, q.inherited, "
                "s.start, s.end, "
                + ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(","))
                + " FROM quotes q JOIN articles a ON a.id = q.article_id "
                "JOIN sentences s ON s.article_id = q.article_id AND s.idx = q.idx "
                f"WHERE {where} "
                "ORDER BY a.published IS NULL, a.published, a.ingested_at, a.id, q.idx",
                params,
            ).fetchall()

    def quote_speakers(self) -> list[str]:
        """The named speaker of every quote of a ready article (repeats count: the grouping
        picks each group's most frequent variant)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT q.speaker FROM quotes q JOIN articles a ON a.id = q.article_id "
                "WHERE a.state='ready' AND q.speaker IS NOT NULL"
            ).fetchall()
        return [r[0] for r in rows]

    def chunks(self, article: Article) -> list[Chunk]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx, first, last, start, end, n_tokens FROM chunks "
                "WHERE article_id=? ORDER BY idx",
                (article.id,),
            ).fetchall()
        return [
            Chunk(article.id, i, f, la, s, e, article.text[s:e], n) for i, f, la, s, e, n in rows
        ]

    def all_chunk_rows(self) -> list[tuple[str, int, int, int]]:
        """(article_id, idx, start, end) of every ready chunk, for rebuilding the keyword index."""
        with self._lock:
            return self._db.execute(
                "SELECT c.article_id, c.idx, c.start, c.end FROM chunks c "
                "JOIN articles a ON a.id = c.article_id WHERE a.state='ready' "
                "ORDER BY c.article_id, c.idx"
            ).fetchall()

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        ids = list(ids)
        out: dict[str, str] = {}
        with self._lock:
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                marks = ",".join("?" * len(part))
                for aid, text in self._db.execute(
                    f"SELECT id, text FROM articles WHERE id IN ({marks})", part
                ):
                    out[aid] = text
        return out

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- browsing: the Articles and Quotes tabs, a page at a time -------------------------------
    def article_page(
        self,
        query: str = "",
        lang: str | None = None,
        since: date | None = None,
        until: date | None = None,
        sort: str = "newest",
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[tuple], int]:  # type: ignore[type-arg]
        """One page of the ready articles and how many match in all: ``(rows, total)``.

        Rows are ``(id, title, source, url, published, lang, ingested_at, n_sentences,
        snippet)`` (no article text: a page of a 10k-article store must not read 10k texts).
        ``query`` words must all occur, each as the start of a word of the title, source, URL
        or text (full-text index; ``snippet`` shows where, the hits between ``\\x02`` and
        ``\\x03``); ``lang`` "und" means not detected; ``since``/``until`` are inclusive
        published dates (undated articles drop out); ``sort`` is a key of
        :data:`ARTICLE_SORTS` or ``relevance``.
        """
        words = search_words(query)
        where, params = ["a.state='ready'"], []  # type: ignore[var-annotated]
        source, source_params = "articles a", []
        ranked = sort == "relevance" and bool(words) and self.fts
        if ranked:
            # The matches first, each with its score, then their rows: joined the other way
            # round, SQLite walks every article and probes the index once per row.
            source = (
                "(SELECT rowid AS hit, bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS score "
                "FROM articles_fts WHERE articles_fts MATCH ?) f JOIN articles a ON a.rowid = f.hit"
            )
            source_params.append(fts_match(words))
        if words and self.fts:
            where.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(fts_match(words))
        for word in words if not self.fts else []:
            where.append("(a.title LIKE ? OR a.source LIKE ? OR a.url LIKE ? OR a.text LIKE ?)")
            params.extend([f"%{word}%"] * 4)
        if lang == "und":
            where.append("(a.lang IS NULL OR a.lang = 'und')")
        elif lang:
            where.append("a.lang = ?")
            params.append(lang)
        if since is not None:
            where.append("a.published >= ?")
            params.append(since.isoformat()[:10])
        if until is not None:
            # Stored dates are ISO strings: everything of ``until`` sorts before the next day.
            where.append("a.published < ?")
            params.append((date.fromisoformat(until.isoformat()[:10]) + timedelta(1)).isoformat())
        order = "f.score, a.id" if ranked else ARTICLE_SORTS.get(sort, ARTICLE_SORTS["newest"])
        condition = " AND ".join(where)
        with self._lock:
            # Counted without the scores (the count needs no order, and scoring costs).
            total = self._db.execute(
                f"SELECT count(*) FROM articles a WHERE {condition}", params
            ).fetchone()[0]
            rows = self._db.execute(
                f"SELECT {_ROW_COLUMNS}, a.rowid FROM {source} WHERE {condition} "
                f"ORDER BY {order} LIMIT ? OFFSET ?",
                [*source_params, *params, max(0, limit), max(0, offset)],
            ).fetchall()
            snippets: dict[int, str] = {}
            if words and self.fts and rows:
                # Apart from the page query: a snippet in a sorted query is computed for every
                # match before the sort, not only for the page's rows.
                marks = ",".join("?" * len(rows))
                snippets = dict(
                    self._db.execute(
                        "SELECT rowid, snippet(articles_fts, 3, char(2), char(3), '…', 14) "
                        f"FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({marks})",
                        [fts_match(words), *(r[-1] for r in rows)],
                    ).fetchall()
                )
        return [(*r[:-1], snippets.get(r[-1], "")) for r in rows], total

    def article_stats(self) -> tuple[int, int, str | None, str | None, int, list[tuple[str, int]]]:
        """``(articles, sentences, earliest, latest, undated, [(lang, articles), ...])`` over
        the ready articles, by aggregate queries: the Articles tab's summary line without
        reading every article (dates are the stored ISO strings)."""
        with self._lock:
            n, sentences, first, last, undated = self._db.execute(
                "SELECT count(*), coalesce(sum(n_sentences), 0), min(published), "
                "max(published), coalesce(sum(published IS NULL), 0) "
                "FROM articles WHERE state='ready'"
            ).fetchone()
            langs = self._db.execute(
                "SELECT coalesce(lang, 'und'), count(*) FROM articles WHERE state='ready' "
                "GROUP BY 1"
            ).fetchall()
        return n, sentences, first, last, undated, [(code, count) for code, count in langs]

    def quote_speaker_counts(self) -> list[tuple[str, int]]:
        """``(speaker, quotes)`` for every named speaker of a ready article, one GROUP BY:
        what the speaker grouping needs, without reading the quotes themselves."""
        with self._lock:
            return self._db.execute(
                "SELECT q.speaker, count(*) FROM quotes q JOIN articles a ON a.id = q.article_id "
                "WHERE a.state='ready' AND q.speaker IS NOT NULL GROUP BY q.speaker"
            ).fetchall()

    def quote_totals(self) -> tuple[int, int]:
        """``(quotes, articles with a quote)`` over the ready articles."""
        with self._lock:
            n, articles = self._db.execute(
                "SELECT count(*), count(DISTINCT q.article_id) FROM quotes q "
                "JOIN articles a ON a.id = q.article_id WHERE a.state='ready'"
            ).fetchone()
        return n, articles

    def quote_page(
        self,
        speakers: Collection[str] | None = None,
        words: Sequence[tuple[str, Collection[str]]] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[tuple], int]:  # type: ignore[type-arg]
        """One page of quotes in :meth:`quote_rows` order and layout, and how many match.

        ``speakers``: only quotes of these speaker names (None: all; empty: none). ``words``:
        each must occur (case-insensitive for ASCII, SQLite's LIKE) in the quote's speaker,
        role, sentence, article title or source, or the quote's speaker be one of the names
        given with the word (those whose group name holds it: "John" finds a "Kirby" grouped
        under "John Kirby").
        """
        if speakers is not None and not speakers:
            return [], 0
        where, params = ["a.state='ready'"], []  # type: ignore[var-annotated]
        if speakers is not None:
            where.append(f"q.speaker IN ({','.join('?' * len(speakers))})")
            params.extend(speakers)
        sentence = "substr(a.text, s.start + 1, s.end - s.start)"
        for word, also in words:
            like = f"%{_like_escape(word)}%"
            fields = ["q.speaker", "q.role", sentence, "a.title", "a.source"]
            parts = [f"{f} LIKE ? ESCAPE '\\'" for f in fields]
            params.extend([like] * len(fields))
            if also:
                parts.append(f"q.speaker IN ({','.join('?' * len(also))})")
                params.extend(also)
            where.append(f"({' OR '.join(parts)})")
        condition = " AND ".join(where)
        # Driven from the quotes (CROSS JOIN keeps that order): left to itself SQLite walks
        # every article, then its sentences. The sentence text is joined only for a search.
        joins = "FROM quotes q CROSS JOIN articles a ON a.id = q.article_id"
        if words:
            joins += " CROSS JOIN sentences s ON s.article_id = q.article_id AND s.idx = q.idx"
        with self._lock:
            total = self._db.execute(
                f"SELECT count(*) {joins} WHERE {condition}", params
            ).fetchone()[0]
            # The page's keys first, then their rows: sorting whole rows would carry every
            # matching quote's article text through the sort.
            keys = self._db.execute(
                f"SELECT q.article_id, q.idx {joins} WHERE {condition} "
                "ORDER BY a.published IS NULL, a.published, a.ingested_at, a.id, q.idx "
                "LIMIT ? OFFSET ?",
                [*params, max(0, limit), max(0, offset)],
            ).fetchall()
        return self.quote_rows([(aid, idx) for aid, idx in keys]) if keys else [], total


def search_words(query: str | None) -> list[str]:
    """The words of a search, case-folded, as the full-text index splits them (letters and
    digits; anything else separates)."""
    return _WORD.findall((query or "").casefold())


def fts_match(words: Sequence[str]) -> str:
    """An FTS5 query: every word, each as a prefix ("kirb" finds "Kirby"); words hold only
    letters and digits, so quoting them is enough to keep FTS5 syntax out."""
    return " ".join(f'"{w}"*' for w in words)


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_WORD = re.compile(r"[^\W_]+")
