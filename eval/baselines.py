"""The systems ``kutip eval`` compares, behind one small interface.

- ``kutip``: the library the chat uses (:class:`qa.assistant.Assistant`), nothing re-implemented.
- ``bm25``: BM25 (bm25s) over whole passages, lowercase ``\\w+`` tokens, no stemming or stop
  words: the keyword baseline of ``BASELINES.md``. It ranks passages only; it has no answerer.
- ``naive``: the common LangChain recipe a user would build instead: RecursiveCharacterTextSplitter
  (1000/200) -> the same embedding model -> Chroma top-4 chunks -> the classic "stuff" prompt ->
  the same chat model, streamed so time to first token is measured the same way as kutip's.

Every system reads the *stored* article text (what ingest kept after cleaning), so all character
offsets (kutip's sentences, the naive recipe's chunks, the gold evidence) share one coordinate
system and the runner can judge "was the evidence handed to the answerer?" uniformly.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from langchain_core.prompts import ChatPromptTemplate

from eval.answer_cache import AnswerCache, prompt_key
from kutip.config import Settings
from kutip.store import Store
from kutip.text.tokens import count_tokens
from qa.assistant import Assistant
from qa.evidence import Scored
from qa.refusal import is_model_refusal
from qa.retriever import search

BASELINES = ("bm25", "naive")

# LangChain's classic "stuff" QA prompt for chat models (langchain.chains.question_answering
# stuff_prompt.CHAT_PROMPT), verbatim: the prompt the common recipe sends.
STUFF_PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "Use the following pieces of context to answer the user's question. \n"
            "If you don't know the answer, just say that you don't know, don't try to make up "
            "an answer.\n----------------\n{context}",
        ),
        ("human", "{question}"),
    ]
)
NAIVE_CHUNK_SIZE, NAIVE_CHUNK_OVERLAP, NAIVE_TOP_K = 1000, 200, 4
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Unit:
    """A piece of stored text handed to the answerer: a sentence (kutip) or a chunk (naive)."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Cited:
    """A citation as the metrics need it: marker number and the stored sentence it names."""

    n: int
    article_id: str
    sentence_index: int


@dataclass
class SystemRetrieval:
    """Ranked article ids (passage metrics) and the units the answerer would read.

    ``handed`` is ``None`` for a system that has no answerer (evidence hit does not apply).
    ``stages``: the sentences kutip scored and those left after its focus, in that order, so
    the runner can tell where a missing evidence sentence was lost (``eval.evidence``).
    """

    articles: list[str]
    handed: list[Unit] | None
    ms: float
    stages: tuple[list[Unit], list[Unit]] | None = None


@dataclass
class SystemAnswer:
    """One answer with what the answer metrics read; ``citations`` is None if it cannot cite."""

    text: str
    refused: bool
    citations: list[Cited] | None
    prompt_tokens: int | None
    ttft_ms: float | None
    total_ms: float
    handed: list[Unit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class System(Protocol):
    """What the runner calls; ``can_answer`` is False for retrieval-only systems."""

    name: str
    can_answer: bool

    def retrieve(self, question: str, k: int) -> SystemRetrieval: ...

    def answer(self, question: str) -> SystemAnswer: ...

    def close(self) -> None: ...


class KutipSystem:
    """kutip through :class:`Assistant`, exactly as the chat calls it.

    Evidence (and its latency) comes from ``Assistant.retrieve`` with the chat's own depth; the
    passage ranking for Recall@100 needs a deeper fused list, so it is a second ``search`` call
    with ``k`` chunks. Without a chat model the answers use the extractive mode.
    """

    name = "kutip"

    def __init__(self, settings: Settings, store: Store, chat_model: Any) -> None:
        self.settings = settings
        self.store = store
        self.assistant = Assistant(settings, store, chat_model=chat_model)
        self.use_llm = chat_model is not None
        self.can_answer = True

    def retrieve(self, question: str, k: int) -> SystemRetrieval:
        started = time.perf_counter()
        found = self.assistant.retrieve(question)
        ms = (time.perf_counter() - started) * 1000
        ranked = found.retrieval
        if k > len(ranked.chunks):
            ranked = search(self.store, self.settings, question, k=k)
        handed = [Unit(e.article_id, e.start, e.end) for e in found.evidence]
        stages = (_units(found.candidates), _units(found.focused))
        return SystemRetrieval([aid for aid, _ in ranked.articles], handed, ms, stages)

    def answer(self, question: str) -> SystemAnswer:
        ans = self.assistant.ask(question, use_llm=self.use_llm)
        return SystemAnswer(
            text=ans.answer,
            refused=ans.refused,
            citations=[Cited(c.n, c.article_id, c.sentence_index) for c in ans.citations],
            prompt_tokens=ans.prompt_tokens,
            ttft_ms=ans.timings_ms.get("first_token"),
            total_ms=float(ans.timings_ms.get("total") or 0.0),
            handed=[Unit(e.article_id, e.start, e.end) for e in ans.evidence],
            notes=list(ans.notes),
        )

    def close(self) -> None:
        pass


def _units(scored: Sequence[Scored]) -> list[Unit]:
    return [Unit(s.article.id, s.sentence.start, s.sentence.end) for s in scored]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower()) or ["\u2400"]


class BM25System:
    """BM25 over every stored article's whole text; retrieval only."""

    name = "bm25"
    can_answer = False

    def __init__(self, store: Store) -> None:
        import bm25s

        articles = store.list_articles()
        self.ids = [a.id for a in articles]
        self.index = bm25s.BM25()
        self.index.index([_tokens(a.text) for a in articles], show_progress=False)

    def retrieve(self, question: str, k: int) -> SystemRetrieval:
        started = time.perf_counter()
        k = min(k, len(self.ids))
        docs, scores = self.index.retrieve([_tokens(question)], k=k, show_progress=False)
        ranked = [self.ids[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
        return SystemRetrieval(ranked, None, (time.perf_counter() - started) * 1000)

    def answer(self, question: str) -> SystemAnswer:
        raise NotImplementedError("bm25 ranks passages only")

    def close(self) -> None:
        pass


class NaiveSystem:
    """The LangChain recipe over the stored articles, with the store's (cached) embedder."""

    name = "naive"

    def __init__(
        self, store: Store, chat_model: Any, workdir: Path, cache: AnswerCache | None = None
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.chat_model = chat_model
        self.can_answer = chat_model is not None
        self.cache = cache
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=NAIVE_CHUNK_SIZE, chunk_overlap=NAIVE_CHUNK_OVERLAP, add_start_index=True
        )
        self._client = chromadb.PersistentClient(
            path=str(workdir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        # The same ef_search as kutip's collections, so neither system's ranking is the
        # luckier approximation.
        self.db = Chroma(
            client=self._client,
            collection_name="naive",
            embedding_function=store.embeddings,
            collection_configuration={"hnsw": {"ef_search": store.settings.search_ef}},
        )
        texts, metas = [], []
        for article in store.list_articles():
            for doc in splitter.create_documents([article.text]):
                start = int(doc.metadata["start_index"])
                texts.append(doc.page_content)
                metas.append(
                    {"article_id": article.id, "start": start, "end": start + len(doc.page_content)}
                )
        self.n_chunks = len(texts)
        for i in range(0, len(texts), 1000):
            ids = [f"c{j}" for j in range(i, min(i + 1000, len(texts)))]
            self.db.add_texts(texts[i : i + 1000], metas[i : i + 1000], ids=ids)

    def _search(self, question: str, k: int) -> list[tuple[str, Unit]]:
        k = max(1, min(k, self.n_chunks))
        docs = self.db.similarity_search(question, k=k)
        return [
            (d.page_content, Unit(d.metadata["article_id"], d.metadata["start"], d.metadata["end"]))
            for d in docs
        ]

    def retrieve(self, question: str, k: int) -> SystemRetrieval:
        started = time.perf_counter()
        found = self._search(question, max(k, NAIVE_TOP_K))
        ms = (time.perf_counter() - started) * 1000
        ranked = list(dict.fromkeys(unit.article_id for _, unit in found))[:k]
        return SystemRetrieval(ranked, [u for _, u in found[:NAIVE_TOP_K]], ms)

    def answer(self, question: str) -> SystemAnswer:
        started = time.perf_counter()
        found = self._search(question, NAIVE_TOP_K)
        messages = stuff_messages(question, [text for text, _ in found])
        key = prompt_key(self.name, self.chat_model, messages) if self.cache else ""
        if self.cache and (hit := self.cache.get(key)) is not None:
            # Recorded timings: what this answer cost when it was generated.
            return SystemAnswer(**hit, citations=None, handed=[u for _, u in found])
        prompt_tokens = sum(count_tokens(str(m.content)) for m in messages)
        first: float | None = None
        pieces: list[str] = []
        for chunk in self.chat_model.stream(messages):
            text = str(chunk.content)
            usage = getattr(chunk, "usage_metadata", None)
            if usage and usage.get("input_tokens"):
                prompt_tokens = int(usage["input_tokens"])
            if text and first is None:
                first = (time.perf_counter() - started) * 1000
            pieces.append(text)
        reply = "".join(pieces).strip()
        record = {
            "text": reply,
            "refused": not reply or is_model_refusal(reply),
            "prompt_tokens": prompt_tokens,
            "ttft_ms": first,
            "total_ms": (time.perf_counter() - started) * 1000,
        }
        if self.cache:
            self.cache.put(key, record)
        return SystemAnswer(**record, citations=None, handed=[u for _, u in found])

    def close(self) -> None:
        # Release this client's Chroma system (files, threads) before its folder is removed.
        self._client.close()  # type: ignore[attr-defined]


def stuff_messages(question: str, contexts: Sequence[str]) -> list[Any]:
    """The "stuff" chain's messages: contexts joined by blank lines (its document separator)."""
    return STUFF_PROMPT.format_messages(context="\n\n".join(contexts), question=question)


def make_systems(
    names: Sequence[str],
    settings: Settings,
    store: Store,
    chat_model: Any,
    workdir: Path,
    cache: AnswerCache | None = None,
) -> list[System]:
    """kutip first, then the named baselines (unknown names are a one-line error)."""
    from kutip.errors import ConfigError

    unknown = [n for n in names if n not in BASELINES]
    if unknown:
        raise ConfigError(
            f"--baseline {','.join(unknown)}: unknown, expected some of {','.join(BASELINES)}"
        )
    systems: list[System] = [KutipSystem(settings, store, chat_model)]
    for name in dict.fromkeys(names):
        if name == "bm25":
            systems.append(BM25System(store))
        else:
            systems.append(NaiveSystem(store, chat_model, workdir / "naive-chroma", cache))
    return systems
