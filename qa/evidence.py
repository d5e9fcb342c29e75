"""Sentence-level evidence selection inside the retrieved chunks.

The answerer gets the few best sentences, not whole chunks: BASELINES.md shows that ~950-token
prompts of whole chunks cost 12 s before the first word and bury the evidence. Candidates are
the sentences of the top fused chunks plus the best dense sentence hits; each is scored by its
cosine with the query (vectors stored at ingest, nothing is embedded here) with a small bonus
for sitting in a top-ranked chunk (shrinking with the chunk's rank), so topic and sentence
signals both count.

Selection takes the best sentences that fit in a token budget, skipping a long one that does
not fit for shorter ones after it: sentences run from 10 to 80 tokens, and a budget buys more
coverage per prompt token than a fixed count (docs/evaluation.md, scripts/evidence-ab.sh).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kutip.schema import Article, Sentence
from kutip.store import Store
from kutip.text.sentences import is_dateline
from kutip.text.tokens import count_tokens
from qa.retriever import Retrieval
from qa.types import Evidence


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    article: Article
    similarity: float
    score: float


def score_candidates(
    store: Store,
    retrieval: Retrieval,
    bonus: float,
    decay: float = 1.0,
    top_chunks: int = 6,
    top_sentences: int = 10,
) -> list[Scored]:
    """Every candidate sentence with its query similarity, best first.

    A sentence in the fused chunk of rank ``r`` (0 = best) gets ``bonus * decay**r``.
    """
    articles: dict[str, Article] = {}
    sentences: dict[str, Sentence] = {}
    chunk_rank: dict[str, int] = {}

    def article(aid: str) -> Article | None:
        if aid not in articles:
            found = store.get_article(aid)
            if found is None:
                return None
            articles[aid] = found
        return articles[aid]

    sentence_cache: dict[str, list[Sentence]] = {}

    def sentences_of(aid: str) -> list[Sentence]:
        if aid not in sentence_cache:
            sentence_cache[aid] = store.sentences(aid)
        return sentence_cache[aid]

    for rank, (cid, _) in enumerate(retrieval.chunks[:top_chunks]):
        aid, _, idx = cid.partition(":c")
        if article(aid) is None:
            continue
        chunk = next((c for c in store.chunks(aid) if c.index == int(idx)), None)
        if chunk is None:
            continue
        for s in sentences_of(aid)[chunk.first_sentence : chunk.last_sentence + 1]:
            sentences[s.id] = s
            chunk_rank.setdefault(s.id, rank)
    for hit in retrieval.sentence_hits[:top_sentences]:
        if article(hit.article_id) is None:
            continue
        index = int(hit.id.rsplit(":s", 1)[1])
        all_sentences = sentences_of(hit.article_id)
        if index < len(all_sentences):
            sentences[hit.id] = all_sentences[index]
    if not sentences:
        return []
    vectors = store.sentence_vectors(list(sentences))
    query = np.asarray(retrieval.vector, dtype=np.float32)
    scored: list[Scored] = []
    for sid, sentence in sentences.items():
        vec = vectors.get(sid)
        # A line of only "---" or "* * *" says nothing, yet its vector is close to every query.
        # A sentence addressed to an AI assistant is data, never an instruction the model reads
        # (kutip.text.injection): flagged at ingest, it is never evidence. Nor is a dateline
        # alone ("Baghdad, Purna Warta –"): a place and a source, read with the sentence after it.
        if (
            vec is None
            or sentence.flagged
            or not any(c.isalnum() for c in sentence.text)
            or is_dateline(sentence.text)
        ):
            continue
        sim = float(np.dot(query, np.asarray(vec, dtype=np.float32)))
        rank = chunk_rank.get(sid)
        extra = 0.0 if rank is None else bonus * decay**rank
        scored.append(Scored(sentence, articles[sentence.article_id], sim, sim + extra))
    scored.sort(key=lambda s: -s.score)
    return scored


def focus(scored: list[Scored], margin: float) -> list[Scored]:
    """Only the sentences of articles whose best sentence scores within ``margin`` of the best
    sentence overall (``scored`` is best first), and of articles sharing the best one's title.

    A sentence from an unrelated article that shares the question's words is a trap for a
    small reader: asked when Monsters, Inc. came out, the 1.5B model answered with the release
    date of another film handed beside it. With a margin of 0.08 the same 100 TyDi questions
    were answered right 59 times instead of 50 (14 gained, 5 lost) from 314 prompt tokens
    instead of 419.

    Passages with one title are one document split up (a Wikipedia article's paragraphs, a
    story's pages): judging each on its own dropped the paragraph holding the answer and cost
    6 of 37 right xling answers; kept together the cost was 3, none gained
    (docs/evaluation.md). A margin of 1.0 or more is off.
    """
    if not scored or margin >= 1.0:  # 1.0 or more: off (scores are cosines plus a bonus)
        return scored
    best: dict[str, float] = {}
    for s in scored:
        best.setdefault(s.article.id, s.score)
    floor = scored[0].score - margin
    title = _title_key(scored[0].article.title)
    return [
        s
        for s in scored
        if best[s.article.id] >= floor or (title and _title_key(s.article.title) == title)
    ]


def _title_key(title: str) -> str:
    """A title compared loosely: ``Steam_engine`` and ``steam engine`` name one document."""
    return " ".join(title.replace("_", " ").casefold().split())


def select(scored: list[Scored], k: int, budget: int = 0) -> list[Scored]:
    """The best ``k`` sentences; with ``budget`` > 0, only those that fit in that many tokens.

    The best sentence is always taken, even when it alone exceeds the budget.
    """
    if budget <= 0:
        return scored[:k]
    chosen: list[Scored] = []
    used = 0
    for s in scored:
        if len(chosen) >= k:
            break
        cost = count_tokens(s.sentence.text)
        if chosen and used + cost > budget:
            continue
        chosen.append(s)
        used += cost
    return chosen


def in_document_order(chosen: list[Scored]) -> list[Scored]:
    """Each article's sentences in reading order, articles in the order of their best sentence.

    Sentences handed best first are scrambled fragments of a few articles; read in order, a
    sentence's "he" or "the company" follows the sentence that names them.
    """
    first: dict[str, int] = {}
    for i, s in enumerate(chosen):
        first.setdefault(s.article.id, i)
    return sorted(chosen, key=lambda s: (first[s.article.id], s.sentence.index))


def to_evidence(scored: list[Scored]) -> list[Evidence]:
    """Number the selected sentences ``[1]..[n]`` in rank order."""
    return [
        Evidence(
            n=i,
            article_id=s.article.id,
            title=s.article.title,
            source=s.article.source,
            url=s.article.url,
            published=s.article.published,
            sentence_index=s.sentence.index,
            start=s.sentence.start,
            end=s.sentence.end,
            text=s.sentence.text,
            score=round(s.similarity, 4),
            lang=s.article.lang,
        )
        for i, s in enumerate(scored, start=1)
    ]
