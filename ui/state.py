"""What the UI keeps between events: shared per-collection services and per-session turns.

Two kinds of state live here, and keeping them apart is what lets several people use one server:

- :class:`Workspace` is shared by every session of the process. It owns the stores, assistants
  and ingestors (one per collection, opened lazily) so the heavy models load once, and it hands
  them out under a lock so two sessions switching collections at once cannot open one twice.
- :class:`Session` is a plain value copied into each browser session by ``gr.State``. It holds
  the conversation (the plain answer texts the assistant needs for follow-ups, and the
  citations the sources panel needs), never a model or a connection, so one session's failure
  cannot leave shared objects half-updated.

The ``*Like`` protocols name exactly the library surface the UI touches, which keeps ``ui/`` a
thin front and lets tests pass small fakes of the same shape.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kutip.config import Settings, check_collection_name
from kutip.errors import ConfigError
from kutip.schema import Article, Filters, Sentence
from qa.types import Answer, Citation, Event, Evidence


class StoreLike(Protocol):
    """The part of :class:`kutip.store.Store` the UI reads and the article list deletes from."""

    def list_articles(self) -> Sequence[Article]: ...
    def get_article(self, article_id: str) -> Article | None: ...
    def sentences(self, article_id: str) -> list[Sentence]: ...
    def delete_article(self, article_id: str) -> bool: ...
    def list_collections(self) -> list[str]: ...


class ReportLike(Protocol):
    """The part of :class:`ingest.pipeline.IngestReport` the UI shows."""

    added: list[str]
    updated: list[str]
    skipped: list[str]
    failed: Sequence[Exception]

    def summary(self) -> str: ...


class IngestorLike(Protocol):
    """:class:`ingest.pipeline.Ingestor`: load inputs, report progress, never raise per input."""

    def ingest(
        self, inputs: Sequence[str], progress: Callable[[int, int, str], None] | None = None
    ) -> ReportLike: ...


class AssistantLike(Protocol):
    """:class:`qa.assistant.Assistant`: the event stream the chat renders."""

    def stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: Filters | None = None,
        use_llm: bool | None = None,
        evidence_k: int | None = None,
        answer_language: str | None = None,
    ) -> Iterator[Event]: ...


IngestorFactory = Callable[[Settings, Any], IngestorLike]
"""``(settings, store) -> Ingestor``; a factory because each collection has its own store."""

CollectionOpener = Callable[[str], tuple[StoreLike, AssistantLike]]
"""``collection name -> (store, assistant)`` for collections other than the initial one."""


@dataclass
class Services:
    """One collection's store and assistant (the ingestor is cheap and made per run)."""

    collection: str
    store: StoreLike
    assistant: AssistantLike


class Workspace:
    """The process-wide services, one :class:`Services` per collection, opened on first use."""

    def __init__(
        self,
        settings: Settings,
        store: StoreLike,
        assistant: AssistantLike,
        ingestor_factory: IngestorFactory,
        open_collection: CollectionOpener | None = None,
    ) -> None:
        self.settings = settings
        self.default_collection = settings.collection
        self._ingestor_factory = ingestor_factory
        self._open_collection = open_collection
        self._services: dict[str, Services] = {
            settings.collection: Services(settings.collection, store, assistant)
        }
        self._lock = threading.Lock()

    @property
    def can_switch(self) -> bool:
        """Whether other collections can be opened (the app was given an opener)."""
        return self._open_collection is not None

    def services(self, collection: str | None) -> Services:
        """The services of ``collection`` (the default one when empty), opening them once."""
        name = (collection or "").strip() or self.default_collection
        with self._lock:
            found = self._services.get(name)
            if found is not None:
                return found
            name = check_collection_name(name)
            if self._open_collection is None:
                raise ConfigError(
                    f"collection {name!r}: this server serves only {self.default_collection!r}"
                )
            store, assistant = self._open_collection(name)
            found = self._services[name] = Services(name, store, assistant)
            return found

    def ingestor(self, collection: str | None) -> IngestorLike:
        """A fresh ingestor bound to the collection's store."""
        services = self.services(collection)
        settings = self.settings.with_overrides(collection=services.collection)
        return self._ingestor_factory(settings, services.store)

    def collections(self) -> list[str]:
        """Collections on disk plus the ones opened in this process, default first."""
        names = set(self._services)
        with contextlib.suppress(Exception):  # a listing failure must not break the page
            names.update(self._services[self.default_collection].store.list_collections())
        if not self.can_switch:
            names = {self.default_collection}
        rest = sorted(names - {self.default_collection})
        return [self.default_collection, *rest]


@dataclass
class Turn:
    """One question and what came back; everything the chat and sources panel redraw from."""

    question: str
    standalone: str | None = None
    answer: str = ""
    refused: bool = False
    done: bool = False
    stopped: bool = False
    error: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    retrieve_ms: float | None = None
    collection: str = ""
    sources_html: str = ""
    final: Answer | None = None
    """The checked answer as the library returned it: what "Copy with sources" and the
    conversation download export, so they carry exactly the citations the chat shows."""


@dataclass
class Session:
    """One browser session's conversation (copied per session by ``gr.State``)."""

    turns: list[Turn] = field(default_factory=list)

    def history(self) -> list[tuple[str, str]]:
        """Finished, successful turns as ``(question, answer)`` pairs for follow-up rewriting."""
        return [
            (t.question, t.answer) for t in self.turns if t.done and not t.error and not t.stopped
        ]

    def answers(self) -> list[Answer]:
        """The checked answers of the conversation, oldest first (what a download exports);
        a stopped or failed turn has none."""
        return [t.final for t in self.turns if t.final is not None and not t.stopped]

    def stop_open_turns(self) -> bool:
        """Mark turns whose stream was cancelled as stopped; True if there was one."""
        found = False
        for turn in self.turns:
            if not turn.done and not turn.error:
                turn.done = turn.stopped = True
                found = True
        return found
