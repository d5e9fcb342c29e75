"""Opening SQLite files that several processes share (kutip/sqlite.py)."""

from __future__ import annotations

import sqlite3

import pytest

from kutip.sqlite import connect_wal, when_unlocked


def test_a_locked_setup_step_is_tried_again_until_it_runs():
    # Two processes switching a new file to WAL together: SQLite says "locked" at once.
    tries = []

    def step() -> None:
        tries.append(1)
        if len(tries) < 3:
            raise sqlite3.OperationalError("database is locked")

    when_unlocked(step, seconds=5)
    assert len(tries) == 3


def test_other_errors_and_a_lock_past_the_deadline_are_raised():
    def broken() -> None:
        raise sqlite3.OperationalError("no such table: x")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        when_unlocked(broken)

    def locked() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        when_unlocked(locked, seconds=0.1)


def test_connect_wal_opens_the_file_in_wal_mode(tmp_path):
    db = connect_wal(tmp_path / "c.sqlite3", 5)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
