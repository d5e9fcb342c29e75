"""The store facade: catalog + Chroma vectors + BM25, kept in step and crash-safe.

Write protocol for one article (see :mod:`kutip.store.catalog`): rows as ``pending`` -> vectors
into Chroma -> one transaction flips the article to ``ready`` and tombstones the version it
replaces -> old vectors deleted -> tombstone cleared. Any crash leaves either the old version or
the new one visible, never half of one; :meth:`Store.repair` finishes the leftovers.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from langchain_core.embeddings import Embeddings

from kutip.config import Settings
from kutip.errors import ConfigError
from kutip.models.embeddings import CachedEmbeddings, make_embeddings, model_id_of
from kutip.schema import Article, Chunk, Filters, Quote, Sentence
from kutip.store.catalog import Catalog
from kutip.store.keyword import KeywordIndex
from kutip.store.quotes import list_quotes
from kutip.store.vectors import VectorCollection, chroma_where, make_client


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

    # -- lazily opened Chroma ---------------------------------------------------------------
    def _open_vectors(self) -> tuple[VectorCollection, VectorCollection]:
        with self._lock:
            if self._chunks is None or self._sentences is None:
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
        chunk_coll, sent_coll = self._open_vectors()
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
        self._purge_tombstones()

    def delete_article(self, article_id: str) -> bool:
        """Remove an article everywhere; returns False when there was no such article."""
        found = self.catalog.retire(article_id)
        self._purge_tombstones()
        self.refresh_keyword_index()
        return found

    def _purge_tombstones(self) -> None:
        chunk_coll, sent_coll = self._open_vectors()
        for article_id in self.catalog.tombstones():
            chunk_coll.delete_article(article_id)
            sent_coll.delete_article(article_id)
            self.catalog.clear_tombstone(article_id)

    def repair(self) -> int:
        """Finish what an interrupted writer left: drop pending articles, purge tombstones,
        rebuild a stale keyword index. Returns how many leftovers were cleaned."""
        pending = self.catalog.pending_ids()
        tomb = self.catalog.tombstones()
        if pending or tomb:
            chunk_coll, sent_coll = self._open_vectors()
            for article_id in pending:
                chunk_coll.delete_article(article_id)
                sent_coll.delete_article(article_id)
                self.catalog.drop_pending(article_id)
            self._purge_tombstones()
        self.refresh_keyword_index()
        return len(pending) + len(tomb)

    def refresh_keyword_index(self, force: bool = False) -> bool:
        """Rebuild BM25 from the catalog if it lags behind; called by writers, never by queries."""
        generation = self.catalog.generation()
        if not force and self.keywords.generation() == generation:
            return False
        rows = self.catalog.all_chunk_rows()
        texts = self.catalog.texts({r[0] for r in rows})
        docs = [(f"{aid}:c{idx}", texts[aid][s:e]) for aid, idx, s, e in rows]
        self.keywords.rebuild(docs, generation)
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
        self, coll: VectorCollection, vector: Sequence[float], k: int, filters: Filters | None
    ) -> list[Hit]:
        allow = self._allowed(filters)
        # Over-fetch a little: vectors of an article being ingested right now are not ready yet.
        hits = coll.search(vector, k + 8, chroma_where(filters))
        out = [Hit(i, m["article_id"], s) for i, m, s in hits if allow(m["article_id"])]
        return out[:k]

    def dense_chunks(self, vector: Sequence[float], k: int, filters: Filters | None) -> list[Hit]:
        return self._dense(self._open_vectors()[0], vector, k, filters)

    def dense_sentences(
        self, vector: Sequence[float], k: int, filters: Filters | None
    ) -> list[Hit]:
        return self._dense(self._open_vectors()[1], vector, k, filters)

    def keyword_chunks(self, query: str, k: int, filters: Filters | None) -> list[Hit]:
        allow = self._allowed(filters)
        hits = self.keywords.search(query, k, lambda cid: allow(cid.split(":", 1)[0]))
        return [Hit(cid, cid.split(":", 1)[0], score) for cid, score in hits]

    def sentence_vectors(self, sentence_ids: Sequence[str]) -> dict[str, list[float]]:
        return self._open_vectors()[1].vectors(sentence_ids)

    def counts(self) -> dict[str, int]:
        chunk_coll, sent_coll = self._open_vectors()
        return {
            "articles": len(self.view().meta),
            "chunks": chunk_coll.count(),
            "sentences": sent_coll.count(),
        }

    def close(self) -> None:
        self.catalog.close()
        if self._client is not None:
            closer = getattr(self._client, "close", None)
            if callable(closer):
                closer()
            self._client = self._chunks = self._sentences = None
        close = getattr(self.embeddings, "close", None)
        if callable(close):
            close()


def open_store(settings: Settings, embeddings: Embeddings | None = None) -> Store:
    """Open (creating if needed) the store of ``settings.collection``; nothing heavy loads yet."""
    return Store(settings, embeddings)


__all__ = ["Hit", "Store", "open_store"]
