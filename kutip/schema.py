"""Plain data records shared by ingest, the store and question answering.

They are frozen dataclasses rather than LangChain ``Document`` objects because offsets and
sentence ranges are the product's core promise (every citation points at exact characters), and
a typed record keeps those fields from drifting into an untyped metadata dict. Conversion to
LangChain documents happens at the store boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SourceDocument:
    """One article as a source loader produced it, before segmentation.

    ``key`` is the stable identity of the *place* the article came from (absolute path, URL,
    or ``path#record-id``): the same key with new text means the article changed and its old
    version is replaced. The article id itself is a content hash computed by ingest.
    """

    key: str
    title: str
    text: str
    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence of a stored article: ``text == article.text[start:end]``."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    flagged: bool = False
    """Instruction-like text addressed to an AI assistant (``kutip.text.injection``): kept in
    the article, marked, and never handed to the model as evidence."""

    @property
    def id(self) -> str:
        return f"{self.article_id}:s{self.index}"


@dataclass(frozen=True)
class Chunk:
    """Consecutive sentences ``[first, last]`` (inclusive) packed under a token budget."""

    article_id: str
    index: int
    first_sentence: int
    last_sentence: int
    start: int
    end: int
    text: str
    n_tokens: int

    @property
    def id(self) -> str:
        return f"{self.article_id}:c{self.index}"


@dataclass(frozen=True)
class Article:
    """A stored article with its metadata; ``text`` is the cleaned text offsets refer to."""

    id: str
    key: str
    title: str
    text: str
    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    lang: str | None = None
    ingested_at: datetime | None = None
    n_sentences: int = 0
    n_chunks: int = 0
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    """Metadata restrictions applied in the store (dense and keyword legs alike)."""

    article_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    @property
    def empty(self) -> bool:
        return not (self.article_ids or self.sources or self.langs or self.since or self.until)


@dataclass(frozen=True)
class Quote:
    """One attributed sentence with its citation (``kutip.text.attribution`` at ingest).

    ``sentence`` is ``article.text[sentence_start:sentence_end]`` and ``quote`` the span the
    speaker's words occupy inside it; ``group`` is the speaker's name shared by all variants
    of it across articles (``kutip.text.speakers``).
    """

    article_id: str
    sentence_index: int
    sentence_start: int
    sentence_end: int
    sentence: str
    speaker: str | None
    role: str | None
    cue: str
    quote_start: int
    quote_end: int
    quote: str
    direct: bool
    inherited: bool
    title: str
    source: str | None
    url: str | None
    published: datetime | None
    group: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "speaker": self.speaker,
            "speaker_group": self.group,
            "role": self.role,
            "cue": self.cue,
            "quote": self.quote,
            "quote_start": self.quote_start,
            "quote_end": self.quote_end,
            "direct": self.direct,
            "inherited": self.inherited,
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "sentence_index": self.sentence_index,
            "start": self.sentence_start,
            "end": self.sentence_end,
            "text": self.sentence,
        }
