"""Ingest progress as a person reads it: count, rate and time left.

The pipeline reports ``(done, total, label)`` after every stored batch; :class:`Meter` turns that
stream into "120/500 articles, 3.4/s, about 1 min 52 s left" for the terminal and the UI
alike. The rate is measured over a sliding window of recent reports rather than from the
start: an ingest that pauses while someone chats, or that reaches bigger articles, should
show the pace it has now, not its average since the beginning.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_S = 30.0
"""How far back the rate looks: long enough to span a few batches, short enough to follow a
change of pace within a minute."""


def human_duration(seconds: float) -> str:
    """``45 s``, ``3 min 05 s``, ``2 h 10 min``: precise enough to plan by, short to read."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


@dataclass(frozen=True)
class Snapshot:
    """One progress reading."""

    done: int
    total: int
    rate: float | None  # items per second, None until two readings exist
    eta_s: float | None  # seconds left at that rate, None when unknown
    elapsed_s: float

    def describe(self, unit: str = "articles") -> str:
        """``12/500 articles, 3.4/s, about 2 min 23 s left`` (parts only once known)."""
        parts = [f"{self.done}/{self.total} {unit}"]
        if self.rate is not None:
            parts.append(f"{self.rate:.1f}/s")
        if self.done >= self.total and self.total:
            parts.append(f"done in {human_duration(self.elapsed_s)}")
        elif self.eta_s is not None:
            parts.append(f"about {human_duration(self.eta_s)} left")
        return ", ".join(parts)


class Meter:
    """Rate and time left from ``(done, total)`` readings (a monotonic clock by default)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, window_s: float = WINDOW_S
    ) -> None:
        self._clock = clock
        self._window = window_s
        self._start = clock()
        self._readings: deque[tuple[float, int]] = deque([(self._start, 0)])

    def update(self, done: int, total: int) -> Snapshot:
        now = self._clock()
        self._readings.append((now, done))
        while len(self._readings) > 2 and now - self._readings[1][0] >= self._window:
            self._readings.popleft()
        t0, d0 = self._readings[0]
        rate = (done - d0) / (now - t0) if now > t0 and done > d0 else None
        eta = (total - done) / rate if rate else None
        return Snapshot(done, total, rate, eta, now - self._start)


__all__ = ["Meter", "Snapshot", "human_duration"]
