"""What the question-answering API hands to its fronts (CLI, UI, evaluation).

The stream is a sequence of events so a front can show evidence before the first token, then
tokens as they come, then the checked final answer (which may differ from the streamed text
when a citation was dropped or moved).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A stored sentence handed to the answerer as ``[n]``."""

    n: int
    article_id: str
    title: str
    source: str | None
    url: str | None
    published: datetime | None
    sentence_index: int
    start: int
    end: int
    text: str
    score: float
    lang: str | None = None
    """The article's language (detected at ingest): whether a reply can quote it verbatim."""


@dataclass(frozen=True)
class Citation:
    """A checked citation: ``[n]`` in the answer refers to this exact stored sentence."""

    n: int
    article_id: str
    title: str
    source: str | None
    sentence_index: int
    start: int
    end: int
    text: str
    url: str | None = None
    published: datetime | None = None

    @classmethod
    def of(cls, n: int, e: Evidence) -> Citation:
        """``[n]`` citing the evidence sentence ``e``: its article and exact offsets."""
        return cls(
            n=n,
            article_id=e.article_id,
            title=e.title,
            source=e.source,
            sentence_index=e.sentence_index,
            start=e.start,
            end=e.end,
            text=e.text,
            url=e.url,
            published=e.published,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "sentence_index": self.sentence_index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


RELATED = 3
"""How many related sentences a refusal shows outside the chat (the chat shows them all)."""


@dataclass
class Answer:
    """The final, citation-checked answer."""

    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    standalone_question: str | None = None
    language: str = "en"
    prompt_tokens: int | None = None
    timings_ms: dict[str, float | None] = field(
        default_factory=lambda: {"retrieve": 0.0, "first_token": None, "total": 0.0}
    )
    notes: list[str] = field(default_factory=list)

    def related(self, k: int = RELATED) -> list[Citation]:
        """A refusal's best-scoring evidence sentences (at most ``k``), "related, but not an
        answer": the model read them and none answered, yet a reader may still find what they
        need there, and a refusal that shows nothing leaves them with nothing. Empty for an
        answer (its citations are its sources)."""
        if not self.refused:
            return []
        best = sorted(self.evidence, key=lambda e: -e.score)[:k]
        return [Citation.of(e.n, e) for e in sorted(best, key=lambda e: e.n)]

    def to_json(self) -> dict[str, Any]:
        """The ``kutip ask --json`` schema."""
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_json() for c in self.citations],
            "related": [c.to_json() for c in self.related()],
            "timings_ms": dict(self.timings_ms),
        }

    def debug_json(self) -> dict[str, Any]:
        data = self.to_json()
        data["standalone_question"] = self.standalone_question
        data["evidence"] = [asdict(e) for e in self.evidence]
        data["prompt_tokens"] = self.prompt_tokens
        data["notes"] = self.notes
        return data


@dataclass(frozen=True)
class EvidenceEvent:
    """Retrieval is done: these sentences go to the answerer (shown before the first token)."""

    evidence: list[Evidence]
    standalone_question: str
    retrieve_ms: float


@dataclass(frozen=True)
class TokenEvent:
    """A piece of the answer text as the model produces it."""

    text: str


@dataclass(frozen=True)
class ReadingEvent:
    """The model starts reading evidence sentence ``n`` (one at a time, best first): a front
    end can say so while the reader waits for the first word."""

    n: int


@dataclass(frozen=True)
class AnswerEvent:
    """The final checked answer; always the last event of a stream."""

    answer: Answer


Event = EvidenceEvent | ReadingEvent | TokenEvent | AnswerEvent
