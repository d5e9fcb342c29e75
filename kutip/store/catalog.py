"""The article catalog: SQLite rows for articles, sentence offsets and chunk ranges.

The catalog is the store's source of truth and its transaction log. An article is written as
``pending`` first, its vectors are upserted into Chroma, and only then does one transaction flip
it to ``ready`` (and retire the version it replaces). Readers only see ``ready`` articles, so an
ingest killed half-way leaves nothing visible, and ``pending_ids()``/``tombstones()`` tell the
next writer what to clean up.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from kutip.schema import Article, Chunk, Sentence
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
"""

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
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._add_flags()
        self._backfill_quotes()

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
