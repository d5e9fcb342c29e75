"""The question-answering API every front uses: retrieve, select evidence, answer, check.

``Assistant.stream`` yields an :class:`~qa.types.EvidenceEvent` as soon as retrieval is done
(before the model reads a token), then :class:`~qa.types.TokenEvent` pieces, then one
:class:`~qa.types.AnswerEvent` with the checked answer. ``ask`` is the same, collected.

Refusals do not depend on the model's cooperation: below the relevance floor the model is not
even called, and an answer whose claims no evidence supports becomes a refusal.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kutip.config import Settings
from kutip.schema import Filters
from kutip.store import Store
from kutip.text.lang import detect_language
from kutip.text.tokens import count_tokens
from qa.evidence import (
    Scored,
    focus,
    in_document_order,
    score_candidates,
    select,
    to_evidence,
)
from qa.prompt import answer_messages, rewrite_messages, system_prefix
from qa.refusal import refusal_text
from qa.reply import quote, settle
from qa.retriever import Retrieval, search
from qa.second_look import (
    ASKED_AGAIN,
    answer_without_not_found,
    is_bare_not_found,
    not_found_probability,
)
from qa.types import (
    Answer,
    AnswerEvent,
    Event,
    Evidence,
    EvidenceEvent,
    SecondLookEvent,
    TokenEvent,
)

_FOLLOW_UP = re.compile(
    r"^(and|but|so|what about|how about|dan|lalu|kemudian|terus)\b|"
    r"\b(he|she|him|her|his|they|them|their|it|its|that|this|those|these|"
    r"dia|ia|beliau|mereka|itu|tersebut|nya)\b",
    re.IGNORECASE,
)
_AUTO: Any = object()


@dataclass
class EvidenceSet:
    """What retrieval hands to the answerer, with the signals the refusal floor uses."""

    retrieval: Retrieval
    evidence: list[Evidence]
    top_similarity: float
    best: int = 0
    """Where the best-ranked sentence sits in ``evidence`` (not first in document order)."""
    candidates: list[Scored] = field(default_factory=list)
    """Every sentence scored, best first, and those left after ``evidence_focus``: what the
    evaluation reads to tell at which step a missing evidence sentence was lost."""
    focused: list[Scored] = field(default_factory=list)


class Assistant:
    """Answers questions over one store; share one instance across threads and sessions."""

    def __init__(self, settings: Settings, store: Store, chat_model: Any = _AUTO) -> None:
        self.settings = settings
        self.store = store
        self._chat_model = chat_model
        self._lock = threading.Lock()

    # -- model access -----------------------------------------------------------------------
    @property
    def chat_model(self) -> Any:
        """The answer model, built on first use from settings (None means extractive only)."""
        if self._chat_model is _AUTO:
            with self._lock:
                if self._chat_model is _AUTO:
                    from kutip.models.chat import make_chat_model

                    self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    def warm_up(self) -> None:
        """Load the store, embedder and answer model now rather than on the first question."""
        self.store.warm_up()
        model = self.chat_model
        warm = getattr(model, "warm_up", None)
        if callable(warm):
            try:
                warm(system_prefix())  # evaluates the constant system prompt once
            except TypeError:  # a backend whose warm_up takes no prefix
                warm()

    # -- retrieval --------------------------------------------------------------------------
    def retrieve(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        evidence_k: int | None = None,
    ) -> EvidenceSet:
        """Fused chunk ranking and the top evidence sentences for ``question``."""
        retrieval = search(self.store, self.settings, question, k=k, filters=filters)
        settings = self.settings
        candidates = score_candidates(
            self.store, retrieval, bonus=settings.chunk_bonus, decay=settings.chunk_bonus_decay
        )
        focused = focus(candidates, settings.evidence_focus)
        chosen = select(focused, evidence_k or settings.evidence_k, settings.evidence_tokens)
        top = chosen[0].similarity if chosen else 0.0
        ranked_first = chosen[0] if chosen else None
        if settings.evidence_order == "document":
            chosen = in_document_order(chosen)
        best = chosen.index(ranked_first) if ranked_first else 0
        return EvidenceSet(retrieval, to_evidence(chosen), top, best, candidates, focused)

    # -- follow-ups -------------------------------------------------------------------------
    def standalone_question(
        self, question: str, history: Sequence[tuple[str, str]], use_llm: bool
    ) -> str:
        """Rewrite a follow-up ("and what did he say next?") into a standalone question."""
        if not history or not _FOLLOW_UP.search(question):
            return question
        model = self.chat_model if use_llm else None
        if model is not None:
            try:
                reply = model.invoke(rewrite_messages(question, history))
                text = str(getattr(reply, "content", reply)).strip().strip('"').splitlines()[0]
                # Accept only something shaped like a question, not an answer or a quote.
                if text.endswith("?") and "[" not in text and len(text) < 2 * len(question) + 120:
                    return text
            except Exception:
                pass
        return f"{history[-1][0]} {question}"

    # -- answering --------------------------------------------------------------------------
    def stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: Filters | None = None,
        use_llm: bool | None = None,
        evidence_k: int | None = None,
        answer_language: str | None = None,
    ) -> Iterator[Event]:
        """Evidence first, then answer tokens, then the checked :class:`Answer`."""
        started = time.perf_counter()
        question = question.strip()
        use_llm = self.chat_model is not None if use_llm is None else use_llm
        language = self.answer_language(question, answer_language)
        standalone = self.standalone_question(question, history, use_llm)
        found = self.retrieve(standalone, filters=filters, evidence_k=evidence_k)
        retrieve_ms = (time.perf_counter() - started) * 1000
        yield EvidenceEvent(found.evidence, standalone, retrieve_ms)

        answer, grounded = self._open(question, standalone, language, found)
        answer.timings_ms["retrieve"] = round(retrieve_ms, 1)
        if grounded and use_llm and self.chat_model is not None:
            yield from self._generate(answer, found, started)
        elif grounded:
            self._extractive(answer, found)
        self._close(answer)
        answer.timings_ms["total"] = round((time.perf_counter() - started) * 1000, 1)
        yield AnswerEvent(answer)

    def ask(self, question: str, **kwargs: Any) -> Answer:
        """Blocking form of :meth:`stream`: the final answer only."""
        final: Answer | None = None
        for event in self.stream(question, **kwargs):
            if isinstance(event, AnswerEvent):
                final = event.answer
        assert final is not None
        return final

    def _generate(self, answer: Answer, found: EvidenceSet, started: float) -> Iterator[Event]:
        messages = answer_messages(
            answer.standalone_question or answer.question, found.evidence, answer.language
        )
        answer.prompt_tokens = sum(count_tokens(str(m.content)) for m in messages)
        pieces: list[str] = []
        for chunk in self.chat_model.stream(messages):
            text = str(chunk.content)
            if not text:
                usage = getattr(chunk, "usage_metadata", None)
                if usage and usage.get("input_tokens"):
                    answer.prompt_tokens = int(usage["input_tokens"])
                continue
            if answer.timings_ms["first_token"] is None:
                answer.timings_ms["first_token"] = round((time.perf_counter() - started) * 1000, 1)
            pieces.append(text)
            yield TokenEvent(text)
        raw = "".join(pieces).strip()
        looked = time.perf_counter()
        p = self._unsure_refusal(raw, messages)
        if p is not None:
            # What streamed was a refusal the model was unsure of: the front ends drop it and
            # say the model is asked again, instead of showing "NOT FOUND" for seconds.
            yield SecondLookEvent(p)
            raw = self._answer_again(answer, messages, raw, p, found)
            answer.timings_ms["second_look"] = round((time.perf_counter() - looked) * 1000, 1)
        self._finish(answer, raw, found)

    def _unsure_refusal(self, raw: str, messages: list[Any]) -> float | None:
        """The probability the model gave its ``NOT FOUND`` when that is below
        ``refusal_confidence`` (:mod:`qa.second_look`); None when the reply stands as it is."""
        floor = self.settings.refusal_confidence
        if floor <= 0 or not is_bare_not_found(raw):
            return None
        p = not_found_probability(self.chat_model, messages)
        return p if p is not None and p < floor else None

    def _answer_again(
        self, answer: Answer, messages: list[Any], raw: str, p: float, found: EvidenceSet
    ) -> str:
        """The model's answer when it may not say ``NOT FOUND``, if it says something the
        evidence holds; else its refusal."""
        question = answer.standalone_question or answer.question
        forced = answer_without_not_found(self.chat_model, messages, question, found.evidence)
        if forced is None:
            return raw
        answer.notes.append(
            f"{ASKED_AGAIN}{raw[:40]!r} had probability {p:.2f} < refusal_confidence "
            f"{self.settings.refusal_confidence}; asked again without NOT FOUND"
        )
        return forced

    def answer_language(self, question: str, requested: str | None = None) -> str:
        """The language to answer in: the one asked for, else the setting, where ``auto``
        means the question's own (English or Indonesian, English otherwise)."""
        language = requested or self.settings.answer_language
        if language == "auto":
            language = detect_language(question)
            language = language if language in ("en", "id") else "en"
        return language

    def recheck(self, question: str, raw: str, language: str | None = None) -> Answer:
        """The answer a recorded model reply gets from today's code: retrieval and every rule
        after the model (refusal, quoting, citation check) run again, the model does not.

        Replaying recorded replies (``python -m eval.replay``) measures a change to those rules
        in seconds instead of an hour of LLM time on 2 cores.
        """
        found = self.retrieve(question)
        language = self.answer_language(question, language)
        answer, grounded = self._open(question, question, language, found)
        if grounded:
            self._finish(answer, raw, found)
        self._close(answer)
        return answer

    def _open(
        self, question: str, standalone: str, language: str, found: EvidenceSet
    ) -> tuple[Answer, bool]:
        """A refusal carrying the evidence, and whether the evidence clears the relevance
        floor (only then may a model reply or a quote turn the refusal into an answer)."""
        answer = Answer(
            question=question,
            answer="",
            refused=True,
            evidence=found.evidence,
            standalone_question=standalone,
            language=language,
        )
        if found.evidence and found.top_similarity >= self.settings.relevance_floor:
            return answer, True
        answer.notes.append(
            f"best evidence similarity {found.top_similarity:.3f} is below the relevance "
            f"floor {self.settings.relevance_floor}"
        )
        return answer, False

    @staticmethod
    def _close(answer: Answer) -> None:
        """A refused answer says so in its language and cites nothing."""
        if answer.refused:
            answer.answer = refusal_text(answer.language)
            answer.citations = []

    def _finish(self, answer: Answer, raw: str, found: EvidenceSet) -> None:
        """The model's whole reply becomes a refusal, a quote or checked claims
        (:mod:`qa.reply`)."""
        settle(answer, raw, found.evidence, found.best, self.settings, self.store)

    @staticmethod
    def _extractive(answer: Answer, found: EvidenceSet) -> None:
        """No model: the best evidence sentence is the answer, cited as [1]."""
        quote(answer, found.evidence[found.best])
