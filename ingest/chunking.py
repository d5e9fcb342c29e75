"""Pack consecutive sentences into chunks under a token budget, overlapping by whole sentences.

Chunks are what retrieval ranks; sentences are what the answerer sees. Packing whole sentences
(never cutting one) keeps every chunk's sentence range exact, so evidence selection can map a
retrieved chunk back to the sentences inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kutip.schema import Chunk, Sentence


def make_chunks(
    sentences: Sequence[Sentence],
    text: str,
    budget: int,
    overlap: int,
    count_tokens: Callable[[str], int],
) -> list[Chunk]:
    """Greedy packing: add sentences while the chunk stays within ``budget`` tokens.

    A sentence longer than the budget becomes a chunk of its own (it is never split, because a
    citation must point at a whole sentence). The next chunk restarts ``overlap`` sentences
    before the end of the previous one, so a fact straddling a boundary is whole in one chunk.
    """
    if not sentences:
        return []
    sizes = [count_tokens(s.text) for s in sentences]
    chunks: list[Chunk] = []
    first = 0
    n = len(sentences)
    while first < n:
        last = first
        total = sizes[first]
        while last + 1 < n and total + sizes[last + 1] <= budget:
            last += 1
            total += sizes[last]
        start, end = sentences[first].start, sentences[last].end
        chunks.append(
            Chunk(
                article_id=sentences[first].article_id,
                index=len(chunks),
                first_sentence=first,
                last_sentence=last,
                start=start,
                end=end,
                text=text[start:end],
                n_tokens=count_tokens(text[start:end]),
            )
        )
        if last + 1 >= n:
            break
        first = max(last + 1 - overlap, first + 1)
    return chunks
