"""Chat while ingesting, and several processes on one store (issue 30, items 3 and 6).

- Articles become answerable (dense and keyword) while an ingest runs, also in another process.
- A real ``kutip ingest`` killed with SIGKILL or interrupted with SIGINT mid-run leaves a
  consistent store (:meth:`Store.audit`), and the next run stores every article exactly once.
- A chat answer in flight pauses an ingest in the same process (:mod:`kutip.activity`).
- Two ingest processes on one Chroma server and one catalog, then a third process asks
  (integration: needs ``chroma run``).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kutip.store.store as store_module
from ingest.pipeline import Ingestor
from kutip.activity import chat_active, chat_turn, yield_to_chat
from kutip.config import Settings
from kutip.schema import SourceDocument
from kutip.store import open_store

CITIES = ["Bandung", "Surabaya", "Medan", "Makassar", "Padang", "Malang", "Bogor", "Solo"]


def write_articles(folder: Path, n: int, tag: str) -> list[Path]:
    """``n`` small distinct articles, each with a unique keyword ``<tag>word<i>``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        city = CITIES[i % len(CITIES)]
        path = folder / f"{tag}-{i:04d}.txt"
        path.write_text(
            f"{tag.title()} report {i} from {city}\n\n"
            f"Officials in {city} said {tag}word{i} rose by {i} percent on Monday. "
            f"Mayor {tag.title()} Number{i} said the city would respond quickly. "
            f"Residents were told to stay calm.",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def _cli(store_dir: Path, *args: str, chroma_url: str | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "cli.main", *args, "--store", str(store_dir)]
    cmd += ["--embedding", "hash", "--llm", "none"]
    if chroma_url:
        cmd += ["--chroma-url", chroma_url]
    return cmd


def _ready_count(store_dir: Path) -> int:
    path = store_dir / "collections" / "kutip" / "catalog.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return int(
                db.execute("SELECT count(*) FROM articles WHERE state='ready'").fetchone()[0]
            )
    except sqlite3.OperationalError:
        return 0


def _exactly_once(settings: Settings, paths: list[Path]) -> None:
    store = open_store(settings)
    try:
        assert store.audit() == []
        articles = store.list_articles()
        keys = [a.key for a in articles]
        assert len(keys) == len(set(keys)), "an article stored twice"
        assert {Path(k).name for k in keys} == {p.name for p in paths}
        # The HNSW index (not only Chroma's id table) finds the vectors: each sampled
        # sentence's own vector brings it back among the exact matches (the hashing test
        # embedder gives a few sentences identical vectors, hence "among").
        for article in articles[:: max(1, len(articles) // 20)]:
            sid = store.sentences(article.id)[0].id
            vector = store.sentence_vectors([sid])[sid]
            hits = store.dense_sentences(vector, 5, None)
            assert sid in {h.id for h in hits if h.score > 0.9999}
    finally:
        store.close()


# -- in one process ------------------------------------------------------------------------
def test_keyword_index_follows_the_ingest_batch_by_batch(make_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "KEYWORD_REFRESH_EVERY_S", 0.0)
    paths = write_articles(tmp_path / "in", 40, "alpha")
    settings = make_settings()
    store = open_store(settings)
    seen: list[int] = []

    def progress(done: int, total: int, label: str) -> None:
        if done == 16:  # the first batch is stored and the run is far from over
            seen.append(len(store.keyword_chunks("alphaword3", 5, None)))
            seen.append(len(store.keyword_chunks("alphaword39", 5, None)))

    Ingestor(settings, store).ingest([str(tmp_path / "in")], progress)
    assert seen == [1, 0]
    assert store.keyword_chunks("alphaword39", 5, None)
    assert store.audit() == []
    assert len(store.list_articles()) == len(paths)
    store.close()


def test_a_chat_process_sees_what_another_process_ingested(make_settings, tmp_path, monkeypatch):
    """The chat's store stays open while a ``kutip ingest`` process adds articles: the keyword
    index reloads what that process saved, and the embedded Chroma client is reopened (it
    would otherwise keep searching its own in-memory HNSW index, without the new vectors)."""
    monkeypatch.setattr(store_module, "REOPEN_EVERY_S", 0.0)
    settings = make_settings()
    write_articles(tmp_path / "first", 3, "beta")
    write_articles(tmp_path / "later", 3, "omega")
    subprocess.run(_cli(settings.store_dir, "ingest", "-q", str(tmp_path / "first")), check=True)
    chat = open_store(settings)
    vector = chat.embeddings.embed_query("omegaword2 rose by 2 percent")
    assert chat.keyword_chunks("omegaword2", 5, None) == []
    subprocess.run(_cli(settings.store_dir, "ingest", "-q", str(tmp_path / "later")), check=True)
    hits = chat.keyword_chunks("omegaword2", 5, None)
    assert len(hits) == 1
    dense = chat.dense_sentences(vector, 3, None)
    assert hits[0].article_id in {h.article_id for h in dense}
    assert chat.counts()["articles"] == 6
    chat.close()


def test_a_chat_turn_pauses_an_ingest_in_the_same_process(make_settings, tmp_path):
    write_articles(tmp_path / "in", 20, "gamma")
    settings = make_settings()
    store = open_store(settings)
    done: list[int] = []
    turn = chat_turn()
    turn.__enter__()
    assert chat_active()
    worker = threading.Thread(
        target=lambda: Ingestor(settings, store).ingest(
            [str(tmp_path / "in")], lambda d, t, label: done.append(d)
        )
    )
    worker.start()
    time.sleep(1.0)
    assert done == []  # held while the answer is generated
    turn.__exit__(None, None, None)
    worker.join(timeout=60)
    assert done[-1] == 20
    assert not chat_active()
    assert yield_to_chat() == 0.0
    store.close()


def test_yield_to_chat_gives_up_after_max_wait() -> None:
    with chat_turn():
        started = time.monotonic()
        waited = yield_to_chat(max_wait=0.2)
    assert 0.15 <= waited < 2.0
    assert time.monotonic() - started < 2.0


def test_repair_leaves_a_live_writers_batch_alone(make_settings):
    """A batch another writer is storing right now (pending rows, write lock held) is not a
    leftover: repair waits for the lock instead of deleting it."""
    settings = make_settings()
    writer = open_store(settings)
    other = open_store(settings)
    doc = SourceDocument(key="k1", text="Alice said the zebras escaped on Monday.", title="Zoo")
    from ingest.pipeline import prepare

    prep = prepare(doc, settings)
    vectors = writer.embeddings.embed_documents([s.text for s in prep.sentences])
    cvecs = writer.embeddings.embed_documents([c.text for c in prep.chunks])
    repaired: list[int] = []
    with writer._write_lock.hold():
        writer.catalog.insert_pending(prep.article, prep.sentences, prep.chunks)
        thread = threading.Thread(target=lambda: repaired.append(other.repair()))
        thread.start()
        time.sleep(0.5)
        assert repaired == []  # waiting for the live writer
        writer.write_article(prep.article, prep.sentences, prep.chunks, vectors, cvecs)
    thread.join(timeout=30)
    assert repaired == [0]
    assert [a.id for a in other.list_articles()] == [prep.article.id]
    assert other.audit() == []
    writer.close()
    other.close()


# -- real processes, killed mid-run ------------------------------------------------------------
@pytest.fixture
def many_articles(tmp_path: Path) -> list[Path]:
    return write_articles(tmp_path / "archive", 400, "delta")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_an_ingest_killed_mid_run_loses_nothing_committed_and_the_rerun_finishes(
    make_settings, tmp_path, many_articles, sig
):
    settings = make_settings()
    store_dir = settings.store_dir
    proc = subprocess.Popen(
        _cli(store_dir, "ingest", "-q", str(tmp_path / "archive")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal delivers it: a shell starts a background job (`./test.sh &`)
        # with SIGINT ignored, children inherit that, and the ingest then ran to its end.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while _ready_count(store_dir) < 40 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    expected = -signal.SIGKILL if sig == signal.SIGKILL else 130
    # What the run printed and how much it stored tell a Ctrl-C that came too late from one
    # that was lost.
    assert proc.returncode == expected, f"{out}\n{err}\ncommitted: {_ready_count(store_dir)}"
    if sig == signal.SIGINT:
        assert "interrupted" in err
    committed = _ready_count(store_dir)
    assert 40 <= committed < len(many_articles)

    store = open_store(settings)
    store.repair()
    assert store.audit() == []  # catalog, vectors, keyword index and quotes agree
    before = {a.id for a in store.list_articles()}
    assert len(before) >= committed  # nothing committed was lost
    store.close()

    rerun = subprocess.run(
        _cli(store_dir, "ingest", "-q", str(tmp_path / "archive")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped {len(before)}," in rerun.stdout  # content hashes skip what is stored
    _exactly_once(settings, many_articles)


# -- several processes on one Chroma server and one catalog -----------------------------------
@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real ``chroma run`` on a free port (as tests/test_chroma_server.py starts it)."""
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    chroma = Path(sys.executable).with_name("chroma")
    log = (tmp_path / "chroma.log").open("w")
    args = ["run", "--path", str(tmp_path / "chroma-db"), "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [str(chroma), *args, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.integration
def test_two_ingest_processes_share_one_store_and_a_third_answers_from_both(
    make_settings, tmp_path, chroma_server
):
    settings = make_settings(chroma_url=chroma_server)
    a = write_articles(tmp_path / "a", 150, "north")
    b = write_articles(tmp_path / "b", 150, "south")
    procs = [
        subprocess.Popen(
            _cli(settings.store_dir, "ingest", "-q", str(folder), chroma_url=chroma_server),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (tmp_path / "a", tmp_path / "b")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "added 150," in out

    asked = subprocess.run(
        _cli(
            settings.store_dir,
            "ask",
            "--json",
            "--debug",
            "--no-llm",
            "what did northword7 and southword9 do?",
            chroma_url=chroma_server,
        ),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KUTIP_EVIDENCE_FOCUS": "1.0"},
    )
    assert asked.returncode == 0, asked.stderr
    result = json.loads(asked.stdout)
    texts = " ".join(e["text"] for e in result["evidence"])
    assert "northword7" in texts and "southword9" in texts
    _exactly_once(settings, a + b)


def test_two_ingest_processes_share_one_embedded_store(make_settings, tmp_path):
    """The same without a server: writes take turns under the write lock, and each writer
    reopens its embedded Chroma client when the other one has written."""
    settings = make_settings()
    a = write_articles(tmp_path / "a", 120, "east")
    b = write_articles(tmp_path / "b", 120, "west")
    procs = [
        subprocess.Popen(
            _cli(settings.store_dir, "ingest", "-q", str(folder)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (tmp_path / "a", tmp_path / "b")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    _exactly_once(settings, a + b)
    store = open_store(settings)
    try:
        # Every sentence of both writers has its vector (an exact lookup: the approximate
        # HNSW search over the test embedder's many identical vectors is checked above on
        # each sentence's own vector instead of on a query).
        ids = [s.id for art in store.list_articles() for s in store.sentences(art.id)]
        assert len(ids) >= 240 * 3 and len(store.sentence_vectors(ids)) == len(ids)
    finally:
        store.close()


class _CountingEmbedder:
    """Records the size of every encoder call."""

    model_id = "test/counting"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        time.sleep(0.01 * len(texts))
        return [[1.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0]


def test_encoder_work_is_sliced_only_in_a_process_that_answers(monkeypatch) -> None:
    import kutip.activity as activity

    inner = _CountingEmbedder()
    sliced = store_module.YieldingEmbeddings(inner)  # type: ignore[arg-type]
    monkeypatch.setattr(activity, "_expected", False)
    assert len(sliced.embed_documents(["x"] * 100)) == 100
    assert inner.calls == [100]  # kutip ingest: whole calls, as before

    inner.calls.clear()
    activity.expect_chats()
    monkeypatch.setattr(store_module.YieldingEmbeddings, "SLICE_S", 0.1)
    assert len(sliced.embed_documents(["x"] * 100)) == 100
    assert inner.calls[0] == 32 and max(inner.calls[1:]) <= 10  # ~0.1 s of work per call
    assert sum(inner.calls) == 100
