"""Who is using the CPU right now: a process-wide "a chat answer is being generated" flag.

The chat's time to first word is what a person waits for; a batch ingest in the same process
(an upload in the UI) is not. On two cores the encoder and the answer model slow each other
down, so while a question is in flight the ingest steps aside between its units of work.

The flag lives in the core package because both sides need it and ``qa`` and ``ingest`` may not
import each other: ``qa`` marks a turn with :func:`chat_turn`, ``ingest`` (or the embedder)
calls :func:`yield_to_chat` between batches, and anything may ask :func:`chat_active`, e.g. to
pick fewer encoder threads. It is per process: a separate ``kutip ingest`` process is slowed
with ``nice`` instead (see docs/scaling.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_cond = threading.Condition()
_active = 0
_expected = False

MAX_PAUSE_S = 30.0
"""Longest one pause waits: a chat that never ends (or a leaked turn) cannot stall an ingest."""


def expect_chats() -> None:
    """Say that this process answers questions (an Assistant exists): ingest work is then cut
    into short slices it can pause between. A plain ``kutip ingest`` never calls this and
    keeps its encoder calls whole."""
    global _expected
    _expected = True


def chats_expected() -> bool:
    """True once :func:`expect_chats` or :func:`chat_turn` was called in this process."""
    return _expected


@contextmanager
def chat_turn() -> Iterator[None]:
    """Mark a chat answer as in flight for the ``with`` block (nesting and threads add up)."""
    global _active, _expected
    _expected = True
    with _cond:
        _active += 1
    try:
        yield
    finally:
        with _cond:
            _active -= 1
            if _active == 0:
                _cond.notify_all()


def chat_active() -> bool:
    """True while at least one chat answer is being generated in this process."""
    return _active > 0


def yield_to_chat(max_wait: float = MAX_PAUSE_S) -> float:
    """Wait (up to ``max_wait`` seconds) until no chat answer is in flight; returns the
    seconds waited (0.0 when idle: one integer read, cheap enough to call per article)."""
    if _active == 0:
        return 0.0
    started = time.monotonic()
    with _cond:
        _cond.wait_for(lambda: _active == 0, timeout=max_wait)
    return time.monotonic() - started


__all__ = [
    "MAX_PAUSE_S",
    "chat_active",
    "chat_turn",
    "chats_expected",
    "expect_chats",
    "yield_to_chat",
]
