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

With ``context`` > 0 the best sentences bring their neighbours (``context`` sentences either
side, as the budget allows) and are handed in document order: a sentence read alone loses its
antecedent ("Hewan ini ..." without the sentence naming the animal), and a run of sentences
reads like the passage it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kutip.schema import Article, Sentence
from kutip.store import Store
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
        if vec is None or not any(c.isalnum() for c in sentence.text):
            continue
        sim = float(np.dot(query, np.asarray(vec, dtype=np.float32)))
        rank = chunk_rank.get(sid)
        extra = 0.0 if rank is None else bonus * decay**rank
        scored.append(Scored(sentence, articles[sentence.article_id], sim, sim + extra))
    scored.sort(key=lambda s: -s.score)
    return scored


def focus(scored: list[Scored], margin: float) -> list[Scored]:
    """Only the sentences of articles whose best sentence scores within ``margin`` of the best
    sentence overall (``scored`` is best first).

    A sentence from an unrelated article that shares the question's words is a trap for a
    small reader: asked for Abimanyu's wife, the 1.5B model named "Dewi", the wife in a
    sentence about Asoka, over "Abimanyu menikah dengan Utari" handed as [1].
    """
    if not scored:
        return scored
    best: dict[str, float] = {}
    for s in scored:
        best.setdefault(s.article.id, s.score)
    floor = scored[0].score - margin
    return [s for s in scored if best[s.article.id] >= floor]


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


def with_context(
    store: Store,
    ranked: list[Scored],
    query: Sequence[float],
    context: int,
    budget: int,
    k: int,
) -> list[Scored]:
    """The best sentences of ``ranked``, each with up to ``context`` neighbours either side,
    within ``budget`` tokens (0: no limit) and ``k`` sentences; a better anchor gets its
    neighbours before the next anchor is taken, so windows spend the budget that stray
    lower-ranked sentences would have used. Neighbours are scored by their query similarity.
    """
    docs: dict[str, list[Sentence]] = {}
    by_id = {s.sentence.id: s for s in ranked}
    taken: dict[str, Scored | tuple[Sentence, Article]] = {}
    used = 0

    def take(key: str, item: Scored | tuple[Sentence, Article], text: str) -> bool:
        nonlocal used
        cost = count_tokens(text)
        if len(taken) >= k or (taken and budget > 0 and used + cost > budget):
            return False
        taken[key] = item
        used += cost
        return True

    for anchor in ranked:
        if len(taken) >= k:
            break
        if anchor.sentence.id in taken or not take(
            anchor.sentence.id, anchor, anchor.sentence.text
        ):
            continue
        article = anchor.article
        if article.id not in docs:
            docs[article.id] = store.sentences(article.id)
        doc = docs[article.id]
        for step in range(1, context + 1):
            for index in (anchor.sentence.index - step, anchor.sentence.index + step):
                if not 0 <= index < len(doc) or doc[index].id in taken:
                    continue
                near = doc[index]
                if any(c.isalnum() for c in near.text):
                    take(near.id, by_id.get(near.id) or (near, article), near.text)
    fresh = [sid for sid, item in taken.items() if not isinstance(item, Scored)]
    vectors = store.sentence_vectors(fresh) if fresh else {}
    q = np.asarray(query, dtype=np.float32)
    out: list[Scored] = []
    for sid, item in taken.items():
        if isinstance(item, Scored):
            out.append(item)
            continue
        vec = vectors.get(sid)
        sim = float(np.dot(q, np.asarray(vec, dtype=np.float32))) if vec is not None else 0.0
        out.append(Scored(item[0], item[1], sim, sim))
    return out


def reading_order(scored: list[Scored]) -> list[Scored]:
    """Runs of consecutive sentences in document order, the run holding the best sentence
    first; an article's runs stay together under its title (best article first).

    Document order across a whole article buried the demo's answer: with the article's 13
    sentences handed in order, the 1.5B model replied NOT FOUND to "who denied ground troop
    plans?", and answered it when the Kirby sentence's run came first.
    """
    best = {id(s): r for r, s in enumerate(sorted(scored, key=lambda s: -s.score))}
    runs: list[list[Scored]] = []
    for s in sorted(scored, key=lambda s: (s.article.id, s.sentence.index)):
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.article.id == s.article.id
            and last.sentence.index + 1 == s.sentence.index
        ):
            runs[-1].append(s)
        else:
            runs.append([s])
    run_key = [min(best[id(s)] for s in run) for run in runs]
    article_key: dict[str, int] = {}
    for run, key in zip(runs, run_key, strict=True):
        aid = run[0].article.id
        article_key[aid] = min(article_key.get(aid, key), key)
    order = sorted(range(len(runs)), key=lambda i: (article_key[runs[i][0].article.id], run_key[i]))
    return [s for i in order for s in runs[i]]


def to_evidence(scored: list[Scored], order: list[Scored] | None = None) -> list[Evidence]:
    """Number the selected sentences ``[1]..[n]`` in ``order`` (default: rank order); each
    keeps its rank by score."""
    rank = {id(s): r for r, s in enumerate(sorted(scored, key=lambda s: -s.score), start=1)}
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
            rank=rank[id(s)],
        )
        for i, s in enumerate(scored if order is None else order, start=1)
    ]
