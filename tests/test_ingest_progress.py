"""Ingest progress shows count, rate and time left: the meter, the terminal, the upload flow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingest.progress import Meter, human_duration
from tests.test_ingest_concurrency import write_articles
from ui.uploads import upload_progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_meter_reports_count_rate_and_time_left() -> None:
    clock = Clock()
    meter = Meter(clock)
    clock.now += 10
    snap = meter.update(20, 500)
    assert snap.rate == 2.0
    assert snap.eta_s == 240.0
    assert snap.describe() == "20/500 articles, 2.0/s, about 4 min 00 s left"
    clock.now += 230
    assert meter.update(500, 500).describe() == "500/500 articles, 2.1/s, done in 4 min 00 s"


def test_the_rate_follows_the_recent_pace_not_the_average_since_the_start() -> None:
    clock = Clock()
    meter = Meter(clock, window_s=30)
    done = 0
    for _ in range(10):  # 1 article/s for 100 s
        clock.now += 10
        done += 10
        meter.update(done, 1000)
    for _ in range(6):  # then 4 articles/s (a chat ended, shorter articles...)
        clock.now += 10
        done += 40
        snap = meter.update(done, 1000)
    assert snap.rate is not None and 3.5 <= snap.rate <= 4.0


def test_nothing_is_promised_before_the_first_batch() -> None:
    snap = Meter(Clock()).update(0, 500)
    assert snap.rate is None and snap.eta_s is None
    assert snap.describe() == "0/500 articles"


def test_durations_read_like_a_person_would_say_them() -> None:
    assert human_duration(44.6) == "45 s"
    assert human_duration(185) == "3 min 05 s"
    assert human_duration(7800) == "2 h 10 min"


def test_the_upload_flow_reports_rate_and_time_left() -> None:
    seen: list[tuple[object, str]] = []
    report = upload_progress(lambda value, desc="": seen.append((value, desc)))
    report(16, 64, "/tmp/uploads/abc/one.txt")
    assert seen[-1][0] == (16, 64)
    assert seen[-1][1].startswith("Stored 16/64 articles, ")
    assert "left (last: one.txt)" in seen[-1][1]


def test_kutip_ingest_prints_rate_and_time_left_into_a_log(tmp_path: Path) -> None:
    """Not a terminal (a log, a job runner): full lines with count, rate and time left."""
    write_articles(tmp_path / "in", 40, "kappa")
    cmd = [sys.executable, "-m", "cli.main", "ingest", str(tmp_path / "in")]
    cmd += ["--store", str(tmp_path / "store"), "--embedding", "hash"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "articles" in line]
    assert lines[0].startswith("1/40 articles, ") and "/s, about " in lines[0]
    assert lines[-1].startswith("40/40 articles, ") and "done in " in lines[-1]
    assert "added 40," in done.stdout
