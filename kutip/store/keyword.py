"""The BM25 keyword index over chunks (bm25s), persisted beside the catalog.

It is rebuilt when ingest or delete changes the catalog (bm25s has no incremental add, and a
rebuild of 10k chunks takes well under a second), saved atomically with the catalog generation
it reflects, and only loaded, never rebuilt, on the query path. A stale index (a writer died
before rebuilding) is detected by its generation and rebuilt by the next writer or opener.

Another process (``kutip ingest`` beside a chat server) may replace the saved index at any
time, so a query compares the saved ``meta.json``'s identity (inode, mtime, size) with what it
loaded and reloads when it changed: one ``stat`` per query. A load that raced a replacement (the
meta and the matrix from different versions) is detected the same way and retried; while the
folder is being swapped the index already in memory keeps answering.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from kutip.text.stopwords import STOPWORDS

_WORD = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens without function words (``2.000`` gives ``2`` and ``000``)."""
    return [t for t in _WORD.findall(text.lower()) if t not in STOPWORDS]


class KeywordIndex:
    """BM25 over chunk texts; ``ids[i]`` is the chunk id of document ``i``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._bm25: object | None = None
        self._ids: list[str] = []
        self._generation = -1
        self._stamp: tuple[int, int, int] | None = None

    def _saved_stamp(self) -> tuple[int, int, int] | None:
        """Identity of the saved index: a rebuild always writes a new ``meta.json`` inode."""
        try:
            st = os.stat(self.folder / "meta.json")
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load(self) -> None:
        import bm25s

        for _ in range(5):
            stamp = self._saved_stamp()
            if stamp is None:
                if self._stamp is None:  # never saved: an empty index
                    self._bm25, self._ids, self._generation = None, [], 0
                return  # mid-swap by another writer: keep what is loaded, look again next time
            try:
                meta = json.loads((self.folder / "meta.json").read_text())
                ids = list(meta["ids"])
                bm25 = bm25s.BM25.load(str(self.folder / "bm25")) if ids else None
            except (OSError, ValueError, KeyError):
                continue  # replaced while reading
            if self._saved_stamp() == stamp:
                self._bm25, self._ids = bm25, ids
                self._generation, self._stamp = int(meta["generation"]), stamp
                return

    def _current(self) -> None:
        """Load the saved index if it is not the one in memory (caller holds ``_lock``)."""
        stamp = self._saved_stamp()
        if self._generation < 0 or (stamp is not None and stamp != self._stamp):
            self._load()

    def generation(self) -> int:
        """The catalog generation the saved index reflects (0: nothing saved yet)."""
        with self._lock:
            self._current()
            return max(self._generation, 0)

    def ids(self) -> list[str]:
        """The chunk ids the saved index holds, in document order."""
        with self._lock:
            self._current()
            return list(self._ids)

    def rebuild(self, docs: Sequence[tuple[str, str]], generation: int) -> None:
        """Index ``(chunk_id, text)`` pairs and atomically replace the saved index."""
        import bm25s

        self.folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=self.folder.parent))
        ids = [cid for cid, _ in docs]
        bm25 = None
        if docs:
            bm25 = bm25s.BM25()
            bm25.index([tokenize(text) or ["\u2400"] for _, text in docs], show_progress=False)
            bm25.save(str(tmp / "bm25"))
        (tmp / "meta.json").write_text(json.dumps({"ids": ids, "generation": generation}))
        with self._lock:
            old = Path(tempfile.mkdtemp(prefix=".bm25-old-", dir=self.folder.parent)) / "bm25"
            if self.folder.exists():
                os.replace(self.folder, old)
            os.replace(tmp, self.folder)
            shutil.rmtree(old.parent, ignore_errors=True)
            self._bm25, self._ids, self._generation = bm25, ids, generation
            self._stamp = self._saved_stamp()

    def search(
        self, query: str, k: int, allow: Callable[[str], bool] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` chunk ids with positive BM25 score, restricted by ``allow`` when given."""
        with self._lock:
            self._current()
            bm25, ids = self._bm25, self._ids
        terms = tokenize(query)
        if bm25 is None or not terms:
            return []
        scores = np.asarray(bm25.get_scores(terms))  # type: ignore[attr-defined]
        order = np.argsort(-scores)
        out: list[tuple[str, float]] = []
        for i in order:
            if scores[i] <= 0:
                break
            if allow is None or allow(ids[i]):
                out.append((ids[i], float(scores[i])))
                if len(out) >= k:
                    break
        return out
