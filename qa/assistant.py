"""The question-answering API every front uses: retrieve, read, decide, phrase, check.

``Assistant.stream`` yields an :class:`~qa.types.EvidenceEvent` as soon as retrieval is done
(before the model reads a token), then :class:`~qa.types.TokenEvent` pieces of the answer,
then one :class:`~qa.types.AnswerEvent` with the checked answer. ``ask`` is the same, collected.

This module only wires the components, each in its own file with declared inputs and outputs:
:mod:`qa.retriever` and :mod:`qa.evidence` (the ranked sentences), :mod:`qa.read` (the model's
judgment and copy on one piece at a time, best-ranked first), :mod:`qa.decide` (answer or not,
from the model's probabilities and the retrieval score), :mod:`qa.check` (the copy is the
sentence's own words; the phrasing keeps its numbers, names and language) and :mod:`qa.phrase`
(the copy in the reader's language). The first piece that answers ends the reading; when none
does, the reply is a refusal that still carries the sentences it read, "related, but not an
answer". Below the relevance floor the model is not even called.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kutip.activity import chat_turn, expect_chats
from kutip.config import Settings
from kutip.schema import Filters
from kutip.store import Store
from kutip.text.lang import detect_language
from qa.check import copied_from, echoes_question, whole_quantity
from qa.decide import Decider, Signals
from qa.evidence import (
    Scored,
    focus,
    in_document_order,
    score_candidates,
    select,
    to_evidence,
)
from qa.phrase import Phraser, stream_answer
from qa.prompt import rewrite_messages, warm_prefix
from qa.read import Copy, Piece, Reader, piece_budget, pieces
from qa.refusal import refusal_text
from qa.retriever import Retrieval, search
from qa.speech import answer_from_quotes
from qa.types import (
    Answer,
    AnswerEvent,
    Citation,
    Event,
    Evidence,
    EvidenceEvent,
    ReadingEvent,
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
        expect_chats()  # ingest in this process now works in slices it can pause between

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
                warm(warm_prefix())  # evaluates the constant translation prompt once
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
        """Evidence first, then answer tokens, then the checked :class:`Answer`.

        The whole turn is marked in :mod:`kutip.activity`, so an ingest in this process steps
        aside until the answer is done (its time to first word is what someone waits for).
        """
        with chat_turn():
            yield from self._stream(
                question, history, filters, use_llm, evidence_k, answer_language
            )

    def _stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]],
        filters: Filters | None,
        use_llm: bool | None,
        evidence_k: int | None,
        answer_language: str | None,
    ) -> Iterator[Event]:
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
        model = self.chat_model if use_llm else None
        if grounded and (yield from self._from_quotes(answer, found, model, started)):
            pass  # answered from the quote index, with or without the model
        elif grounded and model is not None:
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

    def _from_quotes(
        self, answer: Answer, found: EvidenceSet, model: Any, started: float
    ) -> Generator[Event, None, bool]:
        """ "Who said X?" from the quote index (:mod:`qa.speech`), before any reading: a
        speaker's name needs no model, so this also answers with the model off."""
        if not self.settings.quote_index:
            return False
        question = answer.standalone_question or answer.question
        args = (found.evidence, found.best, self.store, self.settings.relevance_floor)
        return (yield from answer_from_quotes(question, *args, model, answer, started))

    def _generate(self, answer: Answer, found: EvidenceSet, started: float) -> Iterator[Event]:
        """Read the best pieces one at a time until one answers; phrase and check its copy.

        Only the first piece the judge is unsure about (:meth:`Decider.unsure`) gets a second
        look, right away, while its prompt is still in the model's cache: one look bounds the
        wait to one copy and one check, and each further look would be one more chance to
        confirm a number or name the article gives for something else.
        """
        settings = self.settings
        question = answer.standalone_question or answer.question
        reader = Reader(self.chat_model)
        decider = Decider(settings.decision_weights, settings.decision_unsure, settings.confirm_bar)
        ranked = [found.evidence[found.best]] + [
            e for i, e in enumerate(found.evidence) if i != found.best
        ]
        ranked = [e for e in ranked if e.score >= settings.relevance_floor] or ranked[:1]
        budget = piece_budget(question, settings.max_prompt_tokens)
        may_look = True  # one second look per question
        for piece in pieces(ranked, self.store.sentences, settings.read_pieces, budget):
            yield ReadingEvent(piece.evidence.n)
            copy, looked = self._read(reader, decider, question, piece, answer, may_look)
            may_look = may_look and not looked
            if copy is None:
                continue
            cited = copied_from(copy.span, piece.sentences)
            if cited is None:
                answer.notes.append(f"[{piece.evidence.n}] copy not in the sentence: {copy.span!r}")
                continue
            span = whole_quantity(copy.span, cited.text)
            if echoes_question(span, question):
                answer.notes.append(f"[{cited.n}] copy {span!r} only repeats the question")
                span = cited.text.strip()
            phraser = Phraser(self.chat_model)
            yield from stream_answer(phraser, answer, span, cited.lang, cited, started)
            return
        answer.notes.append("no piece answers the question: refused")

    def _read(
        self,
        reader: Reader,
        decider: Decider,
        question: str,
        piece: Piece,
        answer: Answer,
        may_look: bool,
    ) -> tuple[Copy | None, bool]:
        """The copy of ``piece`` when the decision is that it answers, else None; and whether
        the piece took the second look (an unsure piece does, when ``may_look``)."""
        e = piece.evidence
        judgment = reader.judge(question, piece)
        self._count(answer, judgment.prompt_tokens)
        if not decider.worth_copying(judgment, e.score):
            verdict = decider.decide(Signals.of(e.score, judgment))
            if may_look and decider.unsure(judgment, e.score):
                # The second look: copy the answer, then ask whether the piece states it.
                copy = reader.copy(question, piece, allow_not_found=False)
                self._count(answer, copy.prompt_tokens)
                p = reader.confirms(question, piece, copy.span) if copy.span else None
                looked = "answers on a second look" if decider.confirmed(p) else "does not answer"
                shown = "none" if p is None else f"{p:.3f}"
                answer.notes.append(
                    f"read [{e.n}] {looked}: {verdict.why} copy={copy.span!r} confirmed={shown}"
                )
                return (copy if decider.confirmed(p) else None), True
            answer.notes.append(f"read [{e.n}] does not answer: {verdict.why}")
            return None, False
        if not decider.uses_copy and judgment.p_yes is not None:
            # The judge decided; the copy is the answer and may not be NOT FOUND.
            verdict = decider.decide(Signals.of(e.score, judgment))
            copy = reader.copy(question, piece, allow_not_found=False)
            self._count(answer, copy.prompt_tokens)
            answer.notes.append(f"read [{e.n}] answers: {verdict.why} copy={copy.span!r}")
            return (copy if copy.span else None), False
        copy = reader.copy(question, piece)
        self._count(answer, copy.prompt_tokens)
        verdict = decider.decide(Signals.of(e.score, judgment, copy))
        answer.notes.append(
            f"read [{e.n}] {'answers' if verdict.answers else 'does not answer'}: "
            f"{verdict.why} copy={copy.span!r}"
        )
        if not verdict.answers:
            return None, False
        if not copy.span:
            copy = reader.copy(question, piece, allow_not_found=False)
            answer.notes.append(f"read [{e.n}] copied again without NOT FOUND: {copy.span!r}")
        return (copy if copy.span else None), False

    @staticmethod
    def _count(answer: Answer, tokens: int) -> None:
        """``prompt_tokens`` is the largest single prompt: what one call makes the user wait."""
        if tokens:
            answer.prompt_tokens = max(answer.prompt_tokens or 0, tokens)

    def answer_language(self, question: str, requested: str | None = None) -> str:
        """The language to answer in: the one asked for, else the setting, where ``auto``
        means the question's own (English or Indonesian, English otherwise)."""
        language = requested or self.settings.answer_language
        if language == "auto":
            language = detect_language(question)
            language = language if language in ("en", "id") else "en"
        return language

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

    @staticmethod
    def _extractive(answer: Answer, found: EvidenceSet) -> None:
        """No model: the best evidence sentence is the answer, cited as [1]."""
        quote(answer, found.evidence[found.best])


def quote(answer: Answer, evidence: Evidence) -> None:
    """The sentence itself is the answer, cited as [1]: a quote supports itself."""
    answer.answer = f"{evidence.text} [1]"
    answer.refused = False
    answer.citations = [Citation.of(1, evidence)]
