"""Chroma collections for chunk and sentence vectors, embedded or on a ``chroma run`` server.

Two collections per kutip collection: ``<name>-chunks`` (what retrieval ranks) and
``<name>-sentences`` (what evidence selection and citation checks compare against). Writes go
through the Chroma client with vectors ingest computed once; searches go through
``langchain_chroma.Chroma`` so filters and result documents follow LangChain's conventions.
Each collection records the embedding model that filled it; opening it with another model is a
one-line error instead of silently meaningless similarities.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from langchain_core.embeddings import Embeddings

from kutip.errors import ConfigError, KutipError
from kutip.schema import Filters

_BATCH = 2000


def make_client(chroma_url: str | None, path: Path) -> Any:
    """An HTTP client for ``chroma_url``, else a persistent embedded client in ``path``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise KutipError(f"--chroma-url {chroma_url}: cannot reach Chroma ({exc})") from exc
        return client
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def chroma_where(filters: Filters | None, extra_ids: Sequence[str] = ()) -> dict[str, Any] | None:
    """Translate :class:`Filters` into a Chroma ``where`` clause (None when unrestricted)."""
    clauses: list[dict[str, Any]] = []
    if filters is not None:
        if filters.article_ids:
            clauses.append({"article_id": {"$in": list(filters.article_ids)}})
        if filters.sources:
            clauses.append({"source": {"$in": list(filters.sources)}})
        if filters.langs:
            clauses.append({"lang": {"$in": list(filters.langs)}})
        if filters.since:
            clauses.append({"published_ts": {"$gte": int(filters.since.timestamp())}})
        if filters.until:
            clauses.append({"published_ts": {"$lte": int(filters.until.timestamp())}})
    if extra_ids:
        clauses.append({"article_id": {"$in": list(extra_ids)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class VectorCollection:
    """One Chroma collection: upsert with given vectors, search by vector, delete by article."""

    def __init__(
        self,
        client: Any,
        name: str,
        embeddings: Embeddings,
        model_id: str,
        search_ef: int | None = None,
    ) -> None:
        from langchain_chroma import Chroma

        self.name = name
        self.model_id = model_id
        hnsw: dict[str, Any] = {"space": "cosine"}
        if search_ef:
            hnsw["ef_search"] = search_ef
        self._collection = client.get_or_create_collection(
            name, metadata={"embedding_model": model_id}, configuration={"hnsw": hnsw}
        )
        if search_ef:
            self._set_search_ef(search_ef)
        recorded = (self._collection.metadata or {}).get("embedding_model")
        if recorded and recorded != model_id:
            raise ConfigError(
                f"collection {name!r} was built with embedding model {recorded!r}, "
                f"not {model_id!r}: use that model or another --collection"
            )
        self.store = Chroma(client=client, collection_name=name, embedding_function=embeddings)

    def _set_search_ef(self, search_ef: int) -> None:
        """Apply ``search_ef`` to a collection opened again: Chroma keeps the configuration a
        collection was created with, and ef_search is the one HNSW setting it lets change."""
        hnsw = (self._collection.configuration or {}).get("hnsw") or {}
        if hnsw and hnsw.get("ef_search") != search_ef:
            self._collection.modify(configuration={"hnsw": {"ef_search": search_ef}})

    def upsert(
        self,
        ids: Sequence[str],
        vectors: Sequence[Sequence[float]],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        for i in range(0, len(ids), _BATCH):
            sl = slice(i, i + _BATCH)
            self._collection.upsert(
                ids=list(ids[sl]),
                embeddings=[list(v) for v in vectors[sl]],
                documents=list(texts[sl]),
                metadatas=list(metadatas[sl]),
            )

    def delete_article(self, article_id: str) -> None:
        self._collection.delete(where={"article_id": article_id})

    def search(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None
    ) -> list[tuple[str, dict[str, Any], float]]:
        """``(id, metadata, cosine similarity)`` best first (fewer when the collection is small)."""
        hits = self.store.similarity_search_by_vector_with_relevance_scores(
            list(vector), k=k, filter=where
        )
        return [(str(doc.id), dict(doc.metadata), 1.0 - float(dist)) for doc, dist in hits]

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        return {i: list(v) for i, v in zip(got["ids"], got["embeddings"], strict=True)}

    def count(self) -> int:
        return int(self._collection.count())

    def ids(self) -> set[str]:
        """Every id in the collection (paged): what :meth:`Store.audit` compares."""
        out: set[str] = set()
        while True:
            got = self._collection.get(include=[], limit=_BATCH, offset=len(out))
            out.update(got["ids"])
            if len(got["ids"]) < _BATCH:
                return out
