"""The BM25 keyword index over chunks (bm25s), persisted beside the catalog.

It is rebuilt when ingest or delete changes the catalog (bm25s has no incremental add, and a
rebuild of 10k chunks takes well under a second), saved atomically with the catalog generation
it reflects, and only loaded, never rebuilt, on the query path. A stale index (a writer died
before rebuilding) is detected by its generation and rebuilt by the next writer or opener.
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

    def _load(self) -> None:
        import bm25s

        meta_path = self.folder / "meta.json"
        if not meta_path.exists():
            self._bm25, self._ids, self._generation = None, [], -1
            return
        meta = json.loads(meta_path.read_text())
        self._ids = list(meta["ids"])
        self._generation = int(meta["generation"])
        self._bm25 = bm25s.BM25.load(str(self.folder / "bm25")) if self._ids else None

    def generation(self) -> int:
        with self._lock:
            if self._generation < 0:
                self._load()
            return self._generation

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
            old = self.folder.with_name(self.folder.name + ".old")
            if self.folder.exists():
                os.replace(self.folder, old)
            os.replace(tmp, self.folder)
            shutil.rmtree(old, ignore_errors=True)
            self._bm25, self._ids, self._generation = bm25, ids, generation

    def search(
        self, query: str, k: int, allow: Callable[[str], bool] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` chunk ids with positive BM25 score, restricted by ``allow`` when given."""
        with self._lock:
            if self._generation < 0:
                self._load()
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
