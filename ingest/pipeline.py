"""The ingest pipeline: sources -> clean text -> sentences -> chunks -> vectors -> store.

Each article is embedded sentence by sentence (sentences are the unit of evidence and
citation) and chunk by chunk (what retrieval ranks). ``Settings.chunk_vectors = "pooled"``
composes a chunk's vector from its sentences' vectors instead of encoding the chunk: cheaper,
but it cost 0.07 nDCG@10 on xling-en-id.dev (0.796 vs 0.862), so it is not the default.
Identical content is skipped by its content hash before any model time is spent.

Where ingest time goes (issue 30, docs/experiments.md): the encoder. Segmenting and chunking
cost 0.3 s and store writes 0.8 s per 100 passages, against about a minute of encoding, so
reading is not overlapped with embedding (at most 2% to gain). Full chunk vectors encode as
many tokens again as the sentences (14.3k vs 14.0k per 100 passages), which is why the pipeline
runs at about half the raw encoder; each distinct text is encoded once per batch
(:func:`embed_unique`) and the encoder picks its thread count by measured speed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest.chunking import make_chunks
from ingest.clean import clean_text
from kutip.activity import yield_to_chat
from kutip.config import Settings
from kutip.errors import InputError
from kutip.models.embeddings import mean_pool
from kutip.schema import Article, Chunk, Sentence, SourceDocument
from kutip.store import ArticleWrite, Store
from kutip.text.injection import is_instruction
from kutip.text.lang import detect_language
from kutip.text.sentences import split_sentences
from kutip.text.tokens import count_tokens

Progress = Callable[[int, int, str], None]
BATCH_ARTICLES = 16


@dataclass
class IngestReport:
    """What one ingest run did; ``ok`` is False when any input failed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[InputError] = field(default_factory=list)
    sentences: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, skipped {len(self.skipped)}, "
            f"failed {len(self.failed)} ({self.sentences} sentences in {self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class Prepared:
    """An article ready to embed: its record, sentences and chunks."""

    article: Article
    sentences: list[Sentence]
    chunks: list[Chunk]


def article_id_for(title: str, text: str) -> str:
    """Content hash: the same title and text always get the same id, anywhere."""
    return hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()[:20]


def prepare(doc: SourceDocument, settings: Settings) -> Prepared:
    """Clean, segment and chunk one document (no model time); raises InputError if empty."""
    text = clean_text(doc.text)
    if not text.strip():
        raise InputError(doc.key, "no article text left after removing boilerplate")
    title = (doc.title or "").strip() or doc.key
    article_id = article_id_for(title, text)
    spans = split_sentences(text)
    sentences = [
        Sentence(article_id, i, s, e, text[s:e], is_instruction(text[s:e]))
        for i, (s, e) in enumerate(spans)
    ]
    chunks = make_chunks(
        sentences, text, settings.chunk_tokens, settings.chunk_overlap, count_tokens
    )
    article = Article(
        id=article_id,
        key=doc.key,
        title=title,
        text=text,
        source=doc.source,
        url=doc.url,
        published=doc.published,
        lang=doc.lang or detect_language(text),
        ingested_at=datetime.now(UTC),
        n_sentences=len(sentences),
        n_chunks=len(chunks),
    )
    return Prepared(article, sentences, chunks)


def embed_unique(
    embed: Callable[[list[str]], list[list[float]]], *groups: list[str]
) -> list[list[list[float]]]:
    """Vectors for each group of texts from ONE encoder call over their distinct texts.

    A chunk of a single sentence is that sentence's text, and boilerplate sentences repeat
    across a batch; each distinct text is encoded once (with or without the store's embedding
    cache), and one call gives the encoder the whole batch to work on.
    """
    unique = list(dict.fromkeys(t for group in groups for t in group))
    vectors = dict(zip(unique, embed(unique), strict=True)) if unique else {}
    return [[vectors[t] for t in group] for group in groups]


class Ingestor:
    """Adds, updates and skips articles in one store; safe to interrupt at any point."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store

    def ingest(self, inputs: Sequence[str], progress: Progress | None = None) -> IngestReport:
        """Load paths, folders, URLs and feeds, then store every article that loaded."""
        from ingest.sources import load_sources

        loaded = list(
            load_sources(
                inputs,
                max_bytes=self.settings.max_input_bytes,
                timeout=self.settings.fetch_timeout,
            )
        )
        return self.ingest_documents(loaded, progress)

    def ingest_documents(
        self, docs: Iterable[SourceDocument | InputError], progress: Progress | None = None
    ) -> IngestReport:
        """Store documents in small batches; errors are collected, not raised.

        Batching lets the encoder and Chroma work on many sentences per call (the per-call
        overhead dominated article-by-article writes); every article still becomes visible
        atomically, so an interruption loses at most the batch in flight.
        """
        started = time.perf_counter()
        self.store.repair()
        items = list(docs)
        report = IngestReport()
        batch: list[Prepared] = []
        labels: list[str] = []
        done = 0

        def flush() -> None:
            nonlocal done
            yield_to_chat()
            self._write(batch, report)
            # Keyword-searchable as they land, not only at the end (rate-limited: a rebuild
            # costs more as the store grows).
            if batch:
                self.store.refresh_keyword_index(lazy=True)
            for label in labels:
                done += 1
                if progress is not None:
                    progress(done, len(items), label)
            batch.clear()
            labels.clear()

        for item in items:
            yield_to_chat()  # a chat answer in this process goes first (kutip.activity)
            if isinstance(item, InputError):
                report.failed.append(item)
                labels.append(item.source)
                continue
            try:
                prep = prepare(item, self.settings)
            except InputError as err:
                report.failed.append(err)
                labels.append(item.key)
                continue
            if any(p.article.key == prep.article.key for p in batch):
                flush()  # a later version of the same source replaces the earlier one
            batch.append(prep)
            labels.append(item.key)
            if len(batch) >= BATCH_ARTICLES:
                flush()
        flush()
        self.store.refresh_keyword_index()
        report.seconds = time.perf_counter() - started
        return report

    def _write(self, batch: list[Prepared], report: IngestReport) -> None:
        todo: list[Prepared] = []
        for prep in batch:
            if self.store.get_article(prep.article.id) or any(
                t.article.id == prep.article.id for t in todo
            ):
                report.skipped.append(prep.article.id)
            else:
                todo.append(prep)
        if not todo:
            return
        sentence_texts = [s.text for p in todo for s in p.sentences]
        chunk_texts = [c.text for p in todo for c in p.chunks]
        full = self.settings.chunk_vectors == "full"
        sentence_vectors, chunk_vectors = embed_unique(
            self.store.embeddings.embed_documents, sentence_texts, chunk_texts if full else []
        )
        writes: list[ArticleWrite] = []
        s_at = c_at = 0
        for prep in todo:
            svecs = sentence_vectors[s_at : s_at + len(prep.sentences)]
            s_at += len(prep.sentences)
            if full:
                cvecs = chunk_vectors[c_at : c_at + len(prep.chunks)]
                c_at += len(prep.chunks)
            else:
                cvecs = [
                    mean_pool(svecs[c.first_sentence : c.last_sentence + 1]) for c in prep.chunks
                ]
            replaces = [
                a.id for a in self.store.catalog.by_key(prep.article.key) if a.id != prep.article.id
            ]
            writes.append(
                ArticleWrite(prep.article, prep.sentences, prep.chunks, svecs, cvecs, replaces)
            )
            (report.updated if replaces else report.added).append(prep.article.id)
            report.sentences += len(prep.sentences)
        self.store.write_articles(writes)
