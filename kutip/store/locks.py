"""A lock shared by threads and processes on one machine: ``flock`` on a file, re-entrant.

Several ``kutip`` processes may write one collection (a chat server taking uploads, a
``kutip ingest`` in a terminal, ingest workers sharing a Chroma server). SQLite serialises
their catalog transactions, but a store write spans the catalog *and* the vectors, and the
repair step must be able to tell a dead writer's leftovers from a live writer's half-written
batch. Holding this lock for every store write makes the answer simple: whoever holds it is
the only writer, so any ``pending`` row it sees belongs to a writer that died.

``flock`` is released by the kernel when a process dies (even by SIGKILL), so a crashed writer
never leaves the store locked. It is advisory and local: processes on different machines need
a lock in the shared database instead (docs/scaling.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: threads are still serialised
    fcntl = None  # type: ignore[assignment]


class FileLock:
    """Exclusive, re-entrant within a thread, shared across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @property
    def held_here(self) -> bool:
        """True while a thread of this process holds the lock (a hint, read without locking)."""
        return self._depth > 0

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the lock for the ``with`` block, waiting for other holders to finish."""
        with self._thread_lock:
            if self._depth == 0:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                if fcntl is not None:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX)
                    except BaseException:
                        os.close(fd)
                        raise
                self._fd = fd
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fd, self._fd = self._fd, None
                    if fcntl is not None:
                        fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)


__all__ = ["FileLock"]
