"""Fakes and helpers for the UI tests (kept out of the shared ``conftest.py`` on purpose).

The fakes have the shapes of the library objects the UI uses (``Store``, ``Assistant``,
``Ingestor``) and nothing more, so the fast tests exercise the page and its handlers without
models, while the e2e tests swap in the real library through :func:`real_app`.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from kutip.config import Settings, load_settings
from kutip.errors import InputError
from kutip.schema import Article, Filters, Sentence
from kutip.text.injection import is_instruction
from qa.types import (
    Answer,
    AnswerEvent,
    Citation,
    Event,
    Evidence,
    EvidenceEvent,
    ReadingEvent,
    TokenEvent,
)

SHARED_SAMPLE = Path("/work/shared/corpus/purnawarta-us-troops-iraq-gaza.id.txt")
KIRBY_QUESTION = "who denied ground troop plans?"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

EVIL_TEXT = (
    "Judul berita palsu <script>window.__pwned=1</script> di paragraf pertama.\n"
    'Gambar rusak <img src=x onerror="window.__pwned=1"> di paragraf kedua.\n'
    "Template ${window.__pwned=1} dan {{window.__pwned}} tetap teks biasa."
)
"""An article whose text tries every way we know to run script in the page."""


def sample_article_path() -> Path:
    """The bundled demo article (``kutip.demo``), or the shared copy it was made from."""
    try:
        from kutip.demo import sample_article_path as find
    except ImportError:
        return SHARED_SAMPLE
    path = Path(find())
    return path if path.exists() else SHARED_SAMPLE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fast_settings(tmp: Path, **overrides: Any) -> Settings:
    """Real settings on a private store: hash embeddings and extractive answers (no models)."""
    values: dict[str, Any] = {"store_dir": tmp / "store", "embedding": "hash", "llm": "none"}
    values.update(overrides)
    return load_settings(**values)


# -- fakes ----------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?\n]+[.!?”\"]*")


def split(article_id: str, text: str) -> list[Sentence]:
    """Sentences with exact offsets (a crude splitter is enough for fakes)."""
    out: list[Sentence] = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            # Flagged as ingest flags it, so the UI's marking is tested against the real rule.
            out.append(Sentence(article_id, len(out), s, e, text[s:e], is_instruction(text[s:e])))
    return out


def make_article(title: str, text: str, **extra: Any) -> Article:
    aid = hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()[:20]
    return Article(
        id=aid,
        key=extra.pop("key", title),
        title=title,
        text=text,
        n_sentences=len(split(aid, text)),
        **extra,
    )


class FakeStore:
    """In-memory articles with the ``Store`` read/delete surface the UI uses."""

    def __init__(self, articles: Sequence[Article] = (), collections: Sequence[str] = ()) -> None:
        self.articles: dict[str, Article] = {a.id: a for a in articles}
        self.collections = list(collections)
        self.lock = threading.Lock()

    def list_articles(self) -> list[Article]:
        return list(self.articles.values())

    def get_article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def delete_article(self, article_id: str) -> bool:
        with self.lock:
            return self.articles.pop(article_id, None) is not None

    def list_collections(self) -> list[str]:
        return list(self.collections)

    def sentences(self, article_id: str) -> list[Sentence]:
        article = self.articles.get(article_id)
        return split(article.id, article.text) if article else []

    def add(self, article: Article) -> None:
        with self.lock:
            self.articles[article.id] = article


@dataclass
class FakeReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[InputError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)}"
        )


class FakeIngestor:
    """Reads text files into the fake store (title = file stem); URLs fail like offline ones."""

    calls: ClassVar[list[list[str]]] = []

    def __init__(self, settings: Settings, store: FakeStore) -> None:
        self.settings = settings
        self.store = store

    def ingest(
        self, inputs: Sequence[str], progress: Callable[[int, int, str], None] | None = None
    ) -> FakeReport:
        FakeIngestor.calls.append(list(inputs))
        report = FakeReport()
        for i, item in enumerate(inputs, start=1):
            if item.startswith(("http://", "https://")):
                report.failed.append(InputError(item, "network unreachable"))
            else:
                path = Path(item)
                text = path.read_text(encoding="utf-8")
                article = make_article(path.stem, text, key=str(path), source=path.name)
                if article.id in self.store.articles:
                    report.skipped.append(article.id)
                else:
                    self.store.add(article)
                    report.added.append(article.id)
            if progress:
                progress(i, len(inputs), item)
        return report


@dataclass
class Call:
    question: str
    history: list[tuple[str, str]]
    use_llm: bool | None
    evidence_k: int | None
    answer_language: str | None


class FakeAssistant:
    """Keyword-overlap "retrieval" over a :class:`FakeStore`, streaming a templated answer.

    Questions steer it: ``boom`` raises after the evidence, ``slow`` sleeps between tokens,
    ``nothing`` (or no overlap at all) refuses with the closest passages, ``reading`` says the
    model is reading evidence [1] before it answers.
    """

    def __init__(self, store: FakeStore, token_delay: float = 0.0) -> None:
        self.store = store
        self.token_delay = token_delay
        self.calls: list[Call] = []
        self.events_seen: list[str] = []

    GLOSSARY: ClassVar[dict[str, list[str]]] = {
        "denied": ["tidak", "kirby"],
        "troop": ["pasukan"],
        "troops": ["pasukan"],
        "plans": ["rencana"],
        "said": ["mengatakan"],
        "memo": ["memo"],
    }

    def _evidence(self, question: str, k: int) -> list[Evidence]:
        words = {w for w in re.findall(r"\w+", question.casefold()) if len(w) > 3}
        words |= {t for w in list(words) for t in self.GLOSSARY.get(w, [])}
        scored: list[tuple[float, Article, Sentence]] = []
        for article in self.store.list_articles():
            for s in split(article.id, article.text):
                if s.flagged:  # never evidence, as in qa.evidence
                    continue
                overlap = len(words & set(re.findall(r"\w+", s.text.casefold())))
                scored.append((overlap, article, s))
        scored.sort(key=lambda x: -x[0])
        return [
            Evidence(
                n=i,
                article_id=a.id,
                title=a.title,
                source=a.source,
                url=a.url,
                published=a.published,
                sentence_index=s.index,
                start=s.start,
                end=s.end,
                text=s.text,
                score=float(score),
            )
            for i, (score, a, s) in enumerate(scored[:k], start=1)
        ]

    def stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: Filters | None = None,
        use_llm: bool | None = None,
        evidence_k: int | None = None,
        answer_language: str | None = None,
    ) -> Iterator[Event]:
        self.calls.append(Call(question, list(history), use_llm, evidence_k, answer_language))
        standalone = f"{history[-1][0]} {question}" if history else question
        evidence = self._evidence(standalone, evidence_k or 3)
        yield EvidenceEvent(evidence, standalone, 12.0)
        if "boom" in question:
            raise RuntimeError("the fake model exploded")
        refused = "nothing" in question or not evidence or evidence[0].score == 0
        if refused:
            text = "The articles don't say."
            yield AnswerEvent(Answer(question, text, True, [], evidence, standalone))
            return
        best = evidence[0]
        pieces = ["According to the article, ", best.text, " [1]"]
        if "reading" in question:
            yield ReadingEvent(1)
        for piece in pieces:
            if self.token_delay or "slow" in question:
                time.sleep(self.token_delay or 0.3)
            yield TokenEvent(piece)
        answer = Answer(
            question,
            "".join(pieces),
            False,
            [Citation.of(1, best)],
            evidence,
            standalone,
            notes=["fake answer"],
        )
        yield AnswerEvent(answer)


def fake_services(
    tmp: Path, articles: Sequence[Article] = (), **settings_overrides: Any
) -> tuple[Settings, FakeStore, FakeAssistant]:
    settings = fast_settings(tmp, **settings_overrides)
    store = FakeStore(articles)
    return settings, store, FakeAssistant(store)


def fake_app(
    tmp: Path, articles: Sequence[Article] = (), **settings_overrides: Any
) -> tuple[Any, FakeStore, FakeAssistant]:
    """``build_app`` over fakes, with a collection opener that makes empty fake collections."""
    from ui.app import build_app

    settings, store, assistant = fake_services(tmp, articles, **settings_overrides)
    opened: dict[str, tuple[FakeStore, FakeAssistant]] = {}

    def open_collection(name: str) -> tuple[FakeStore, FakeAssistant]:
        other = FakeStore()
        opened[name] = (other, FakeAssistant(other))
        return opened[name]

    app = build_app(
        settings,
        store,
        assistant,
        FakeIngestor,
        open_collection=open_collection,
        upload_dir=tmp / "uploads",
    )
    return app, store, assistant


def sample_articles() -> list[Article]:
    path = sample_article_path()
    text = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("Baca Juga")
    )
    return [
        make_article(
            "Pasukan AS di Irak siaga",
            text,
            url="https://purnawarta.com/x",
            source="Purna Warta",
            published=datetime(2024, 1, 31),
            lang="id",
        )
    ]


@contextlib.contextmanager
def served(app: Any, auth: tuple[str, str] | None = None) -> Iterator[str]:
    """Serve a built app on 127.0.0.1:<free port> in this process; yields its URL."""
    from ui.app import serve

    url = serve(app, host="127.0.0.1", port=free_port(), auth=auth, block=False, quiet=True)
    try:
        yield url.rstrip("/") + "/"
    finally:
        app.close()


def have_chromium() -> bool:
    return CHROMIUM.exists()
