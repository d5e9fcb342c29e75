"""Opening SQLite files that several kutip processes share (catalog, embedding cache)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["connect_wal", "when_unlocked"]


def when_unlocked(step: Callable[[], object], seconds: float = 60.0) -> None:
    """Run a setup ``step``, again while another process holds the database.

    Switching a new database to WAL takes an exclusive lock, and SQLite answers "database is
    locked" at once instead of waiting out the busy timeout when two processes open a new
    file together (two ``kutip ingest`` runs started at the same moment did).
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def connect_wal(path: Path, timeout: float, **kwargs: Any) -> sqlite3.Connection:
    """A connection to ``path`` in WAL mode (readers never block the writer)."""
    db = sqlite3.connect(path, check_same_thread=False, timeout=timeout, **kwargs)
    when_unlocked(lambda: db.execute("PRAGMA journal_mode=WAL"), timeout)
    return db
