"""The one-time load of the models (embedder, indexes, answer model), watched by the page.

Loading the local model takes tens of seconds on a laptop, once per server start. ``launch``
starts it in the background as soon as the server is up; meanwhile the page says so and a
question asked early waits for it with a running count instead of a silent spinner. This
object is shared by all sessions (one load per process) and only ever runs ``load`` once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("kutip.ui")


class ModelLoading:
    """Runs ``load`` once in a background thread and reports whether it has finished.

    ``load=None`` means there is nothing to load (fakes, or an app built without one): the
    loading counts as done from the start. A failed load also counts as done, logged; the next
    question then reports the real error in its own bubble.
    """

    def __init__(self, load: Callable[[], None] | None) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._started: float | None = None
        self.failed: str | None = None
        if load is None:
            self._done.set()

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    def start(self) -> None:
        """Begin loading in the background (again: nothing happens)."""
        with self._lock:
            if self._started is not None or self.ready:
                return
            self._started = time.monotonic()
        threading.Thread(target=self._run, name="kutip-warm-up", daemon=True).start()

    def _run(self) -> None:
        try:
            assert self._load is not None
            self._load()
            log.info("models loaded in %.1f s", self.elapsed())
        except Exception as error:  # the first question reports it properly
            log.exception("loading the models failed")
            self.failed = f"{type(error).__name__}: {error}"
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Start if needed, then wait up to ``timeout`` seconds; True once loading is over."""
        self.start()
        return self._done.wait(timeout)

    def elapsed(self) -> float:
        """Seconds since loading started (0 before it starts)."""
        return 0.0 if self._started is None else time.monotonic() - self._started

    def message(self) -> str:
        """The status line while loading; empty once done."""
        if self.ready:
            return ""
        return (
            "Loading the embedder and the local answer model (once per start): "
            f"{self.elapsed():.0f} s so far…"
        )
