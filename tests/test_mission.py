"""The product's promise on the bundled article, with the real offline models, via the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kutip.text.lang import detect_language

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ask(tmp_path_factory: pytest.TempPathFactory, sample_article: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "KUTIP_STORE": str(tmp_path_factory.mktemp("mission") / "store")}
    for var in ("KUTIP_EMBEDDING", "KUTIP_LLM", "KUTIP_RELEVANCE_FLOOR"):
        env.pop(var, None)
    cmd = [sys.executable, "-m", "cli.main"]
    ingest = subprocess.run(
        [*cmd, "ingest", "-q", str(sample_article)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ingest.returncode == 0, ingest.stderr

    def ask(question: str) -> dict:  # type: ignore[type-arg]
        result = subprocess.run(
            [*cmd, "ask", "--json", question], env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    return ask


def test_who_denied_ground_troop_plans(ask):
    data = ask("who denied ground troop plans?")
    assert not data["refused"], data
    assert "Kirby" in data["answer"]
    assert "[1]" in data["answer"]
    assert detect_language(data["answer"]) in ("en", "und")
    first = data["citations"][0]
    assert first["n"] == 1
    assert first["text"].startswith("Pada bulan Oktober, Juru Bicara Dewan Keamanan Nasional John")
    assert data["timings_ms"]["first_token"] is not None


def test_refuses_what_the_article_does_not_say(ask):
    data = ask("who won the 2022 World Cup?")
    assert data["refused"] and data["citations"] == []
    assert data["answer"] == "The articles don't say."
