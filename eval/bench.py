"""``run_bench``: how fast kutip ingests, retrieves and answers, and how that grows with the store.

Three parts, each against a reference measured in the same run on the same texts:

- **ingest**: articles/s and sentences/s of the whole pipeline (clean, split, chunk, embed,
  store) against the raw encoder alone (their ratio is the pipeline's overhead) and against the
  naive LangChain recipe (split 1000/200, embed, Chroma). Embeddings are *not* cached here.
- **stores** of growing size, each built the way a user's is (default settings, the store's own
  embedding cache starting empty, so its build time is a real first ingest): build time,
  sentences/s and its ratio to the raw encoder on a seeded sample of the same store's
  sentences, index size on disk, then in a fresh child process (so peak RSS is what a chat
  process needs) evidence latency (``Assistant.retrieve``) p50/p95 and, with the local answer
  model loaded, time to first word p50/p95 and the chat process's peak RSS.
- **answer** (optional, ``answers_vs_naive``): kutip against the naive recipe on the smallest
  store.

Store contents, honestly: every article is one distinct passage of the shared evaluation sets
(dev first, then train), never a synthetic window. Those sets hold about 6.1k distinct
passages, so a requested size beyond that is not built: its record says so and gives the time
the measured rate predicts (``"skipped"``). Each number carries the machine's load average
when it was taken: the 2-core machine is shared, and a loaded run is slower, not different.
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
    """Up to ``size`` distinct passages, dev before train, each shuffled with ``seed``.

    Real articles only: an archive is many different texts, and windows of the same passages
    (near-duplicates) would flatter the cache and mislead the index sizes.
    """
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
        for title, text in passages:
            if len(pool) >= size:
                return pool
            pool.append(PoolItem(f"bench#{len(pool)}", title, text, f"{split} passage"))
    return pool


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


# -- stores ---------------------------------------------------------------------------------


def _load() -> float:
    """1-minute load average: the machine is shared, so every figure says how busy it was."""
    return round(os.getloadavg()[0], 2)


def _measure_queries(settings: Settings, questions: list[str], first_words: int, conn: Any) -> None:
    """Child process: open the store as the chat does, time evidence, then first words.

    With ``first_words`` the local answer model is loaded first, so the reported peak RSS is
    that of a chat process holding this store and the model.
    """
    try:
        from qa.assistant import Assistant

        chat_model = None
        if first_words and settings.llm != "none":
            from kutip.models.chat import make_chat_model

            chat_model = make_chat_model(settings)
        store = open_store(settings)
        assistant = Assistant(settings, store, chat_model=chat_model)
        store.warm_up()
        assistant.retrieve(questions[0])  # first query pays for lazy opens, not counted
        out: dict[str, Any] = {"load_before": _load()}
        times = []
        for q in questions:
            started = time.perf_counter()
            assistant.retrieve(q)
            times.append((time.perf_counter() - started) * 1000)
        out["evidence_ms"] = _stats(times)
        out["rss_without_model_mb"] = _peak_rss_mb()
        if chat_model is not None:
            ttfw, refused = [], 0
            for q in questions[:first_words]:
                ans = assistant.ask(q, use_llm=True)
                refused += ans.refused
                first = ans.timings_ms.get("first_token")
                if first is not None:
                    ttfw.append(float(first))
            out["first_word_ms"] = {**_stats(ttfw), "asked": min(first_words, len(questions))}
            out["refused"] = refused
        out["peak_rss_mb"] = _peak_rss_mb()
        out["model_loaded"] = chat_model is not None
        out["load_after"] = _load()
        store.close()
        conn.send(out)
    except Exception as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


def _query_in_child(settings: Settings, questions: list[str], first_words: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_measure_queries, args=(settings, questions, first_words, child))
    proc.start()
    child.close()
    try:
        result: dict[str, Any] = parent.recv()
    except EOFError:
        result = {"error": f"query process died (exit code {proc.exitcode})"}
    proc.join()
    return result


def raw_encoder_rate(settings: Settings, sentences: Sequence[str], sample: int, seed: int) -> float:
    """Sentences/s of the bare encoder (no cache, no store) on a seeded sample of ``sentences``.

    The same backend and thread policy as the store's, so the pipeline's ratio to it is the
    pipeline's own overhead, not a difference of settings.
    """
    texts = list(sentences)
    if len(texts) > sample:
        texts = random.Random(seed).sample(texts, sample)
    encoder = make_embeddings(settings.embedding)
    encoder.embed_documents(["warm up"])
    started = time.perf_counter()
    encoder.embed_documents(texts)
    return len(texts) / max(time.perf_counter() - started, 1e-9)


def bench_store(
    settings: Settings,
    items: Sequence[PoolItem],
    questions: list[str],
    store_dir: Path,
    progress: bool,
    first_words: int = 0,
    raw_sample: int = 300,
    seed: int = 0,
) -> dict[str, Any]:
    """Build (or top up) a store of exactly ``items`` as a user would, then measure it.

    The store embeds through its own cache (``<store>/cache``), empty for a new store: the build
    time is a first ingest, and a kept ``workdir`` reuses the store on a rerun.
    """
    from eval.runner import progress_bar
    from ingest.clean import clean_text
    from ingest.pipeline import Ingestor

    run_settings = _bench_settings(settings, store_dir)
    store = open_store(run_settings)
    store.warm_up()
    have = {a.key for a in store.list_articles()}
    todo = [i for i in items if i.key not in have]
    load_before = _load()
    started = time.perf_counter()
    sentences = 0
    if todo:
        bar = progress_bar(progress, len(todo), f"building {len(items):,}-article store", "article")

        def tick(done: int, total: int, label: str) -> None:
            bar.update(done - bar.n)

        try:
            docs = [SourceDocument(key=i.key, title=i.title, text=i.text) for i in todo]
            sentences = Ingestor(run_settings, store).ingest_documents(docs, tick).sentences
        finally:
            bar.close()
    build_s = time.perf_counter() - started
    load_after = _load()
    counts = store.counts()
    store.close()
    record: dict[str, Any] = {
        "size": len(items),
        "contents": _contents(items),
        "chunk_vectors": run_settings.chunk_vectors,
        "counts": counts,
        "built_now": len(todo),
        "build_seconds": round(build_s, 1),
        "build_load": [load_before, load_after],
        "index_mb": _du_mb(store_dir),
    }
    if todo and sentences:
        texts = [t[s:e] for i in todo for t in [clean_text(i.text)] for s, e in split_sentences(t)]
        raw = raw_encoder_rate(run_settings, texts, raw_sample, seed)
        rate = sentences / max(build_s, 1e-9)
        record["build_sentences_per_s"] = round(rate, 2)
        record["raw_encoder_sentences_per_s"] = round(raw, 2)
        record["build_vs_raw"] = round(rate / raw, 3)
        record["raw_load"] = _load()
    record.update(_query_in_child(run_settings, questions, first_words))
    return record


def _contents(items: Sequence[PoolItem]) -> dict[str, int]:
    contents: dict[str, int] = {}
    for item in items:
        contents[item.origin] = contents.get(item.origin, 0) + 1
    return contents


def _bench_settings(settings: Settings, store_dir: Path) -> Settings:
    return dataclasses.replace(
        settings, store_dir=store_dir, collection=BENCH_COLLECTION, chroma_url=None
    )


def skipped_size(size: int, available: int, built: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The record of a size the data cannot fill, with the build time the measured rate gives."""
    record: dict[str, Any] = {
        "size": size,
        "skipped": f"only {available:,} distinct passages in the data; no synthetic articles",
    }
    timed = [s for s in built if s.get("built_now") and "build_seconds" in s]
    if timed:
        last = timed[-1]
        record["estimated_build_seconds"] = round(
            last["build_seconds"] / last["built_now"] * size, -1
        )
    return record


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
    answers: int = 20,
    seed: int = 0,
    workdir: str | Path | None = None,
    chat_model: Any = None,
    progress: bool = True,
    answers_vs_naive: int = 0,
) -> dict[str, Any]:
    """Run the parts; ``data``: SQuAD files or folders (default: the shared eval sets).

    ``answers``: questions whose time to first word is measured on every store with the local
    answer model loaded (0 or ``settings.llm == "none"``: no model, evidence latency only).
    ``ingest_articles=0`` skips the pipeline-vs-naive part. ``workdir`` keeps the stores
    between runs (else a temporary folder).
    """
    if not data:
        found = default_data_dir()
        if found is None:
            raise InputError("kutip bench", "no evaluation data: pass --data or set KUTIP_EVALDATA")
        data = [found]
    dev, train = find_sets(data)
    sizes = sorted({int(s) for s in sizes if int(s) > 0}) or [max(ingest_articles, 1)]
    pool = passage_pool(dev, train, max(max(sizes), ingest_articles), seed)
    smallest = {i.text for i in pool[: sizes[0]]}
    questions = _questions(dev or train, smallest, max(queries, answers), seed)
    if not questions:
        raise InputError(", ".join(map(str, data)), "no answerable question for the bench stores")
    first_words = answers if settings.llm != "none" else 0
    if chat_model is None and answers_vs_naive and settings.llm != "none":
        from kutip.models.chat import make_chat_model

        chat_model = make_chat_model(settings)
    result: dict[str, Any] = {
        "config": {
            "embedding": settings.embedding,
            "llm": settings.llm if first_words else model_name(settings, chat_model),
            "chunk_vectors": settings.chunk_vectors,
            "sizes": sizes,
            "seed": seed,
            "data": [str(p) for p in (*dev, *train)],
            "distinct_passages": len(pool),
            "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0],
            "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        }
    }
    with tempfile.TemporaryDirectory(prefix="kutip-bench-") as tmp:
        work = Path(tmp)
        keep = Path(workdir).expanduser() if workdir else work / "stores"
        result["ingest"] = None
        if ingest_articles:
            ingest_items = random.Random(seed).sample(
                pool[: max(ingest_articles, sizes[0])], min(ingest_articles, len(pool))
            )
            result["ingest"] = {**bench_ingest(settings, ingest_items, work), "load": _load()}
        stores: list[dict[str, Any]] = []
        for size in sizes:
            if size > len(pool):
                stores.append(skipped_size(size, len(pool), stores))
                continue
            stores.append(
                bench_store(
                    settings,
                    pool[:size],
                    questions[:queries],
                    keep / f"store-{size}",
                    progress,
                    first_words=first_words,
                    seed=seed,
                )
            )
        result["query"] = {
            "questions": min(queries, len(questions)),
            "first_word_questions": min(first_words, len(questions)),
            "stores": stores,
        }
        result["answer"] = None
        if chat_model is not None and answers_vs_naive:
            smallest_dir = keep / f"store-{sizes[0]}"
            result["answer"] = bench_answers(
                settings, smallest_dir, questions[:answers_vs_naive], chat_model, work
            )
            result["answer"]["store_size"] = stores[0]["size"]
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def format_bench(result: dict[str, Any]) -> str:
    """The bench record as Markdown (also what the terminal shows)."""
    from tabulate import tabulate

    cfg = result["config"]
    lines = [
        "# kutip bench",
        "",
        f"embedding `{cfg['embedding']}`, answer model `{cfg['llm']}`, chunk vectors "
        f"`{cfg.get('chunk_vectors', '-')}`, {cfg['cpu_count']} CPUs, "
        f"{cfg.get('distinct_passages', '-')} distinct passages available, "
        f"started {cfg.get('started', '-')}",
        "",
    ]
    ing = result.get("ingest")
    if ing:
        lines += [
            f"## Ingest ({ing['articles']} articles, {ing['sentences']} sentences, no cache, "
            f"load {ing.get('load', '-')})",
            "",
            tabulate(
                [
                    [
                        name,
                        ing[key]["seconds"],
                        ing[key]["articles_per_s"],
                        ing[key]["sentences_per_s"],
                    ]
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
        ]
    lines += ["## Stores by size", ""]
    rows = []
    for s in result["query"]["stores"]:
        if s.get("skipped"):
            est = s.get("estimated_build_seconds")
            note = s["skipped"] + (
                f"; about {est / 60:.0f} min at the measured rate" if est else ""
            )
            rows.append([f"{s['size']:,}", note, *["-"] * 11])
            continue
        lat = s.get("evidence_ms") or {}
        fw = s.get("first_word_ms") or {}
        rss = s.get("peak_rss_mb", s.get("error", "-"))
        if s.get("model_loaded"):
            rss = f"{rss} (model loaded)"
        rows.append(
            [
                f"{s['size']:,}",
                ", ".join(f"{n:,} {k}s" for k, n in s["contents"].items()),
                s["build_seconds"] if s.get("built_now") else f"{s['build_seconds']} (reused)",
                s.get("build_sentences_per_s", "-"),
                s.get("build_vs_raw", "-"),
                s["index_mb"],
                rss,
                s.get("rss_without_model_mb", "-"),
                _ms(lat.get("p50")),
                _ms(lat.get("p95")),
                _ms(fw.get("p50")) + (f" (n={fw['n']} of {fw['asked']})" if fw else ""),
                _ms(fw.get("p95")),
                "/".join(str(x) for x in (*s.get("build_load", []), s.get("load_after", "-"))),
            ]
        )
    lines.append(
        tabulate(
            rows,
            headers=[
                "articles",
                "contents",
                "ingest s",
                "sentences/s",
                "vs raw encoder",
                "index MB",
                "peak RSS MB",
                "RSS before the first answer MB",
                "evidence p50 ms",
                "evidence p95 ms",
                "first word p50 ms",
                "first word p95 ms",
                "load (build start/end, query end)",
            ],
            tablefmt="github",
        )
    )
    lines += [
        "",
        f"Evidence latency over {result['query']['questions']} questions, first word over "
        f"{result['query'].get('first_word_questions', 0)} (a refusal has no first word, so n "
        "counts the answered ones); peak RSS is the chat process (a fresh child process holding "
        "the store, and the answer model when loaded).",
    ]
    answer = result.get("answer")
    if answer:
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
            "",
            "## Answers against the naive recipe",
            "",
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


PLOTTED = (
    ("build_seconds", "ingest time (s)"),
    ("build_sentences_per_s", "ingest sentences/s"),
    ("index_mb", "index on disk (MB)"),
    ("peak_rss_mb", "chat peak RSS (MB)"),
    ("evidence_ms", "evidence latency (ms, p50 and p95)"),
    ("first_word_ms", "time to first word (ms, p50 and p95)"),
)


def plot_bench(result: dict[str, Any], path: Path) -> Path | None:
    """One small panel per figure against store size (SVG); None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    stores = [s for s in result["query"]["stores"] if not s.get("skipped") and "error" not in s]
    if not stores:
        return None
    fig, axes = plt.subplots(2, 3, figsize=(11, 6))
    sizes = [s["size"] for s in stores]
    for ax, (key, title) in zip(axes.flat, PLOTTED, strict=True):
        values = [s.get(key) for s in stores]
        if values and isinstance(values[0], dict):
            for pct in ("p50", "p95"):
                ax.plot(sizes, [v.get(pct) if v else None for v in values], "o-", label=pct)
            ax.legend(fontsize=8)
        else:
            ax.plot(sizes, [v if isinstance(v, int | float) else None for v in values], "o-")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("articles in the store", fontsize=8)
        if len(set(sizes)) > 1:
            ax.set_xscale("log")
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    fig.savefig(path, format="svg")
    plt.close(fig)
    return path


def write_bench(result: dict[str, Any], out_dir: str | Path) -> tuple[Path, Path]:
    """``bench.json``, ``bench.md`` and (with matplotlib) ``bench.svg`` into ``out_dir``."""
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "bench.json", out / "bench.md"
    json_path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    text = format_bench(result)
    if plot_bench(result, out / "bench.svg"):
        text += "\n![How each figure grows with the store](bench.svg)\n"
    md_path.write_text(text, encoding="utf-8")
    return json_path, md_path
