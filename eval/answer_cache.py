"""A disk cache of baseline answers, keyed by the exact prompt and the model that answers it.

The naive baseline costs 12 s a question on 2 cores, and its code does not change between
kutip's runs: at temperature 0 the same model given the same messages gives the same reply.
So its answers are stored under a hash of the model's identifying parameters and the whole
prompt (retrieved chunks included). A rerun pays only kutip's time, and any change that could
change a reply (another chunking, prompt, model or sampling setting) misses the cache by
construction instead of by a version number someone must remember to bump.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["AnswerCache", "prompt_key"]


def prompt_key(system: str, model: Any, messages: Sequence[Any]) -> str:
    """The cache key of one baseline call: system name, model identity, every message."""
    identity = getattr(model, "_identifying_params", None) or {}
    payload = {
        "system": system,
        "model": type(model).__name__,
        "params": {k: str(v) for k, v in sorted(dict(identity).items())},
        "messages": [[type(m).__name__, str(getattr(m, "content", m))] for m in messages],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class AnswerCache:
    """``get``/``put`` of JSON records in one SQLite file; counts hits and misses."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT)")
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM answers WHERE key=?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        value: dict[str, Any] = json.loads(row[0])
        return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?)", (key, json.dumps(value))
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
