"""Hybrid retrieval: dense chunks + dense sentences + BM25 chunks, fused into one chunk ranking.

The three legs see different things: chunk vectors capture topic, sentence vectors catch the
one sentence a factoid question targets, BM25 catches exact names and numbers when the
question and article share a language. The two dense legs come from one model, so their
cosines are mixed per chunk (``sentence_mix``, :func:`mixed_dense`); that ranking and BM25
are then fused by weighted RRF, whose ranks do not care that BM25 scores are on another scale.
The keyword leg votes only for articles in the question's language
(``keyword_weight_crosslingual`` otherwise, 0 by default), because BM25 over Indonesian text
cannot match English question words.

:class:`HybridRetriever` is the same search as a LangChain ``BaseRetriever`` (chunk documents),
so it composes with runnables; :func:`search` returns the richer :class:`Retrieval` the
assistant and the evaluation need.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from kutip.config import Settings
from kutip.schema import Filters
from kutip.store import Hit, Store
from kutip.text.lang import detect_language
from qa.fusion import weighted_rrf


@dataclass
class Retrieval:
    """Fused chunk ranking for one query, plus what later stages reuse (vector, legs)."""

    query: str
    lang: str
    vector: list[float]
    chunks: list[tuple[str, float]]
    sentence_hits: list[Hit]
    ms: float = 0.0
    legs: dict[str, list[Hit]] = field(default_factory=dict)

    @property
    def articles(self) -> list[tuple[str, float]]:
        """Articles ranked by their best chunk (passage-level ranking for evaluation)."""
        return rank_articles(self.chunks)


@dataclass
class Legs:
    """The three rankings for one query before fusion.

    Kept apart from the fusion so a weight sweep (``eval.sweep``) searches once per question
    and re-fuses many times. ``sentence_chunk_scores`` holds, for each chunk that contains a
    sentence hit, the best such hit's cosine, in the order of the sentence hits.
    """

    query: str
    lang: str
    vector: list[float]
    dense: list[Hit]
    sentences: list[Hit]
    keyword: list[Hit]
    sentence_chunk_scores: dict[str, float] = field(default_factory=dict)

    @property
    def sentence_chunks(self) -> list[str]:
        """The chunks the sentence hits vote for, best hit first."""
        return list(self.sentence_chunk_scores)


def rank_articles(chunks: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Articles ranked by their best chunk, from a fused chunk ranking."""
    best: dict[str, float] = {}
    for cid, score in chunks:
        best.setdefault(cid.split(":", 1)[0], score)
    return list(best.items())


def search(
    store: Store,
    settings: Settings,
    query: str,
    k: int | None = None,
    filters: Filters | None = None,
) -> Retrieval:
    """Run the three legs and fuse them into a chunk ranking of length ``k``."""
    started = time.perf_counter()
    k = k or settings.retrieve_k
    legs = gather_legs(store, query, max(k, 20), filters)
    return Retrieval(
        query=query,
        lang=legs.lang,
        vector=legs.vector,
        chunks=fuse(store, settings, legs)[:k],
        sentence_hits=legs.sentences,
        ms=(time.perf_counter() - started) * 1000,
        legs={"dense": legs.dense, "sentences": legs.sentences, "keyword": legs.keyword},
    )


def gather_legs(store: Store, query: str, depth: int, filters: Filters | None = None) -> Legs:
    """Embed the query once and run the dense chunk, dense sentence and keyword searches."""
    vector = store.embeddings.embed_query(query)
    sentences = store.dense_sentences(vector, depth * 2, filters)
    # A sentence votes for the chunks that contain it (chunks overlap by whole sentences).
    best: dict[str, float] = {}
    ranges = _chunk_ranges(store, {h.article_id for h in sentences})
    for hit in sentences:
        index = int(hit.id.rsplit(":s", 1)[1])
        for cid, first, last in ranges.get(hit.article_id, ()):
            if first <= index <= last:
                best.setdefault(cid, hit.score)
    return Legs(
        query=query,
        lang=detect_language(query),
        vector=vector,
        dense=store.dense_chunks(vector, depth, filters),
        sentences=sentences,
        keyword=store.keyword_chunks(query, depth, filters),
        sentence_chunk_scores=best,
    )


def fuse(store: Store, settings: Settings, legs: Legs) -> list[tuple[str, float]]:
    """Weighted RRF of the legs with ``settings``' weights; the keyword leg votes at
    ``keyword_weight`` only for chunks of articles in the query's language."""
    view = store.view()

    def keyword_weight(cid: str) -> float:
        meta = view.meta.get(cid.split(":", 1)[0])
        same = meta is not None and (meta[1] == legs.lang or legs.lang == "und")
        return settings.keyword_weight if same else settings.keyword_weight_crosslingual

    return weighted_rrf(
        [
            (mixed_dense(legs, settings.sentence_mix), settings.dense_weight),
            (legs.sentence_chunks, settings.sentence_weight),
            ([h.id for h in legs.keyword], keyword_weight),
        ],
        k=settings.rrf_k,
    )


def mixed_dense(legs: Legs, mix: float) -> list[str]:
    """The dense chunk leg re-ranked by ``(1 - mix) * chunk cosine + mix * the best cosine of
    a sentence inside the chunk``, over the chunks either dense search found.

    Both cosines come from one model, so they can be added where ranks cannot: a chunk about
    the topic that also holds the one sentence the question targets beats a chunk that only
    matches the topic. A chunk missing from one search gets that search's lowest score found.
    ``mix`` 0 is the plain dense chunk ranking.
    """
    if not mix:
        return [h.id for h in legs.dense]
    chunk = {h.id: h.score for h in legs.dense}
    sentence = legs.sentence_chunk_scores
    floor_c = min(chunk.values(), default=0.0)
    floor_s = min(sentence.values(), default=0.0)
    ids = list(dict.fromkeys([*chunk, *sentence]))
    score = {
        cid: (1 - mix) * chunk.get(cid, floor_c) + mix * sentence.get(cid, floor_s) for cid in ids
    }
    return sorted(ids, key=lambda cid: -score[cid])


def _chunk_ranges(store: Store, article_ids: set[str]) -> dict[str, list[tuple[str, int, int]]]:
    return {
        aid: [(c.id, c.first_sentence, c.last_sentence) for c in store.chunks(aid)]
        for aid in article_ids
    }


class HybridRetriever(BaseRetriever):
    """LangChain retriever over a kutip store: returns the top ``k`` chunks as documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    settings: Any
    k: int = 4
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        k = int(kwargs.get("k", self.k))
        result = search(self.store, self.settings, query, k=k, filters=self.filters)
        docs: list[Document] = []
        for cid, score in result.chunks[:k]:
            aid, _, idx = cid.partition(":c")
            article = self.store.get_article(aid)
            if article is None:
                continue
            chunk = next((c for c in self.store.chunks(aid) if c.index == int(idx)), None)
            if chunk is None:
                continue
            docs.append(
                Document(
                    id=cid,
                    page_content=chunk.text,
                    metadata={
                        "article_id": aid,
                        "title": article.title,
                        "source": article.source or "",
                        "first_sentence": chunk.first_sentence,
                        "last_sentence": chunk.last_sentence,
                        "score": score,
                    },
                )
            )
        return docs
