"""``run_eval``: build an index of the dataset, run every system on it, return one JSON record.

The record's ``systems`` part is the schema of ``kutip eval --json`` (every metric present, null
when it does not apply); everything else (counts, significance, latencies, settings) sits under
other keys for the report. The index is a fresh temporary collection unless ``collection`` names
an existing one; embeddings go through the user's embedding cache, so a rerun on the same
dataset costs lookups instead of model time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from eval import metrics as M
from eval.answer_cache import AnswerCache
from eval.baselines import System, SystemAnswer, make_systems
from eval.datasets import EvalSet, Question, load_dataset
from eval.evidence import STEPS, holds_evidence, lost_at
from eval.failures import summarize
from eval.targets import Resolver, Target
from kutip.config import Settings
from kutip.errors import InputError
from kutip.models.embeddings import CachedEmbeddings, make_embeddings
from kutip.schema import SourceDocument
from kutip.store import Store, open_store
from kutip.text.lang import detect_language
from kutip.text.purity import foreign_words

SYSTEM_METRICS = (
    *M.RETRIEVAL_METRICS,
    "evidence_hit@1",
    "evidence_hit@5",
    "answer_accuracy",
    "answer_f1",
    "citation_precision",
    "citation_recall",
    "refusal_accuracy",
    "false_refusal_rate",
    "language_purity",
    "prompt_tokens_mean",
    "ttft_ms_p50",
    "ttft_ms_p95",
)
FUSION_SETTINGS = ("dense_weight", "sentence_mix", "sentence_weight", "keyword_weight", "rrf_k")
EVAL_COLLECTION = "kutip-eval"
RETRIEVE_DEPTH = 100
# HNSW ef_search of the eval's own index. At Chroma's 100 a depth-100 search (200 sentences) is
# approximate, and two builds of the TyDi index scored nDCG@10 0.9592 and 0.9600; at 1000 two
# builds give identical metrics (docs/evaluation.md).
EVAL_SEARCH_EF = 1000
UNANSWERABLE_SHARE = 1 / 6  # BASELINES.md's 50 answerable + 10 unanswerable mix
CI_SUFFIX = "_ci"  # details[system]["answer_accuracy_ci"] = [lo, hi], the 95% Wilson interval


def embedding_cache_path(settings: Settings) -> Path:
    """The user's embedding cache (the one their store uses), shared by every eval run."""
    return settings.store_dir / "cache" / "embeddings.sqlite"


def answer_cache_path(settings: Settings) -> Path:
    """Where baseline answers are cached (``eval.answer_cache``), beside the embeddings."""
    return settings.store_dir / "cache" / "baseline-answers.sqlite"


def eval_index_settings(settings: Settings, folder: Path) -> Settings:
    """Settings for a throwaway eval index in ``folder``: embedded Chroma, the eval
    collection, and an ef_search at which a rebuild ranks the same (``EVAL_SEARCH_EF``)."""
    return dataclasses.replace(
        settings,
        store_dir=folder,
        collection=EVAL_COLLECTION,
        chroma_url=None,
        search_ef=max(settings.search_ef, EVAL_SEARCH_EF),
    )


def run_eval(
    dataset_path: str | Path,
    settings: Settings,
    answers: int = 0,
    baselines: Sequence[str] = ("bm25", "naive"),
    seed: int = 0,
    limit: int | None = None,
    collection: str | None = None,
    articles: Sequence[str] = (),
    split: str | None = None,
    progress: bool = True,
    chat_model: Any = None,
    metrics_engine: str = "auto",
    distractors: Sequence[str | Path] = (),
    distractor_limit: int | None = None,
    answer_cache: bool = True,
    unanswerable_share: float | None = None,
) -> dict[str, Any]:
    """Evaluate kutip (and ``baselines``) on a dataset; see the module docstring for the shape.

    ``answers``: how many questions (seeded sample, answerable and unanswerable mixed) get full
    answers; ``unanswerable_share`` of them unanswerable (``None``: ``UNANSWERABLE_SHARE``), as
    far as there are (``1``: every unanswerable question, the rest answerable). ``limit``:
    evaluate only a seeded sample of that many questions (the index still holds every passage).
    ``articles``: paths/URLs to ingest for a JSONL set. ``chat_model``: use this model instead
    of building one from ``settings.llm`` (tests pass a fake). ``distractors``: datasets whose
    passages join the index as articles no question asks about, so questions must be found in
    an archive they were not written for (BASELINES.md's second table); every system searches
    the same enlarged index; ``distractor_limit`` keeps the first N of their passages.
    ``answer_cache``: reuse baseline answers to the same prompt and model (``eval.answer_cache``).
    """
    evalset = load_dataset(dataset_path, split=split)
    if evalset.kind == "jsonl" and not collection and not articles:
        raise InputError(str(dataset_path), "a JSONL question set needs --articles or --collection")
    if distractors and collection:
        raise InputError(
            str(distractors[0]), "distractors go into a fresh index; drop --collection to use them"
        )
    extra = distractor_passages(evalset, distractors)[:distractor_limit]
    if chat_model is None and answers > 0 and settings.llm != "none":
        from kutip.models.chat import make_chat_model

        chat_model = make_chat_model(settings)
    questions = _limit(evalset.questions, limit, seed)
    if unanswerable_share is None:
        unanswerable_share = UNANSWERABLE_SHARE
    sample = sample_questions(questions, answers, seed, unanswerable_share)
    cache_counts: dict[str, int] | None = None
    embeddings = CachedEmbeddings(
        make_embeddings(settings.embedding), embedding_cache_path(settings)
    )
    with tempfile.TemporaryDirectory(prefix="kutip-eval-") as tmp:
        work = Path(tmp)
        if collection:
            run_settings = settings.with_overrides(collection=collection)
        else:
            run_settings = eval_index_settings(settings, work / "store")
        store = open_store(run_settings, embeddings)
        try:
            started = time.perf_counter()
            build = build_index(evalset, store, run_settings, articles, collection, progress, extra)
            build["seconds"] = round(time.perf_counter() - started, 1)
            build["embedding_cache"] = {"hits": embeddings.hits, "misses": embeddings.misses}
            targets = Resolver(store).resolve_all(evalset, questions)
            cache = AnswerCache(answer_cache_path(settings)) if answer_cache else None
            systems = make_systems(baselines, run_settings, store, chat_model, work, cache)
            try:
                result = _evaluate(
                    evalset, questions, targets, systems, sample, progress, metrics_engine
                )
            finally:
                for system in systems:
                    system.close()
                if cache is not None:
                    cache_counts = {"hits": cache.hits, "misses": cache.misses}
                    cache.close()
        finally:
            store.close()
    result["index"] = build
    result["baseline_answer_cache"] = cache_counts
    result["config"] = {
        "embedding": settings.embedding,
        "llm": model_name(settings, chat_model),
        "evidence_k": settings.evidence_k,
        "evidence_tokens": settings.evidence_tokens,
        "chunk_bonus": [settings.chunk_bonus, settings.chunk_bonus_decay],
        "evidence_focus": settings.evidence_focus,
        "relevance_floor": settings.relevance_floor,
        "fusion": {f: getattr(settings, f) for f in FUSION_SETTINGS},
        "retrieve_k": settings.retrieve_k,
        "depth": RETRIEVE_DEPTH,
        "search_ef": run_settings.search_ef,
        "answers": answers,
        "unanswerable_share": unanswerable_share,
        "seed": seed,
        "limit": limit,
        "collection": collection,
        "distractors": [str(p) for p in distractors],
        "distractor_limit": distractor_limit,
    }
    return result


def model_name(settings: Settings, chat_model: Any) -> str:
    """What answered: the configured backend, or the class of a model passed in directly."""
    if chat_model is None:
        return "none"
    return settings.llm if settings.llm != "none" else type(chat_model).__name__


def _limit(questions: list[Question], limit: int | None, seed: int) -> list[Question]:
    if not limit or limit >= len(questions):
        return list(questions)
    chosen = set(random.Random(seed).sample(range(len(questions)), limit))
    return [q for i, q in enumerate(questions) if i in chosen]


def progress_bar(progress: bool, total: int, desc: str, unit: str) -> Any:
    """A tqdm bar on stderr that disappears when done (or a silent one)."""
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=unit, disable=not progress, file=sys.stderr, leave=False
    )


def build_index(
    evalset: EvalSet,
    store: Store,
    settings: Settings,
    articles: Sequence[str],
    collection: str | None,
    progress: bool,
    distractors: Sequence[SourceDocument] = (),
) -> dict[str, Any]:
    """Ingest the dataset's passages (or the user's articles) unless a collection is given,
    and the distractor passages."""
    from ingest.pipeline import Ingestor

    info: dict[str, Any] = {"collection": collection or "temporary"}
    ingestor = Ingestor(settings, store)
    docs: list[SourceDocument] = []
    if not collection:
        docs = [
            SourceDocument(key=p.key, title=p.title, text=p.text, source=evalset.name)
            for p in evalset.passages
        ]
        docs += distractors
        info["distractor_passages"] = len(distractors)
    bar = progress_bar(progress, len(docs), f"indexing {evalset.name}", "article")

    def tick(done: int, total: int, label: str) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        report = ingestor.ingest_documents(docs, tick) if docs else None
        if articles:
            extra = ingestor.ingest(list(articles), tick)
            info["articles_failed"] = [str(e) for e in extra.failed]
    finally:
        bar.close()
    if report is not None:
        info["failed"] = [str(e) for e in report.failed]
    info["articles"] = len(store.list_articles())
    missing = [p.key for p in evalset.passages if store.find_by_key(p.key) is None]
    info["passages_missing"] = len(missing)
    if evalset.passages and len(missing) == len(evalset.passages):
        raise InputError(
            str(evalset.path),
            f"none of the dataset's passages is in collection {settings.collection!r}",
        )
    return info


@contextlib.contextmanager
def dataset_index(
    dataset_path: str | Path,
    settings: Settings,
    distractors: Sequence[str | Path] = (),
    articles: Sequence[str] = (),
    distractor_limit: int | None = None,
) -> Iterator[tuple[EvalSet, Store, Settings, Path]]:
    """A throwaway index of the dataset's passages (plus ``distractors``), built as
    ``kutip eval`` builds it; the embedding cache makes this fast after the first run.

    Yields the dataset, the open store, the settings that point at it and a scratch folder
    that lives as long as the index (for a baseline's own index).
    """
    evalset = load_dataset(dataset_path)
    extra = distractor_passages(evalset, distractors)[:distractor_limit]
    embeddings = CachedEmbeddings(
        make_embeddings(settings.embedding), embedding_cache_path(settings)
    )
    with tempfile.TemporaryDirectory(prefix="kutip-index-") as tmp:
        run = eval_index_settings(settings, Path(tmp) / "store")
        store = open_store(run, embeddings)
        try:
            build_index(evalset, store, run, articles, None, progress=False, distractors=extra)
            yield evalset, store, run, Path(tmp)
        finally:
            store.close()


def distractor_passages(evalset: EvalSet, paths: Sequence[str | Path]) -> list[SourceDocument]:
    """Passages of ``paths`` as documents, minus any the dataset itself holds (same key or
    text): a passage cannot be both relevant and a distractor."""
    seen_keys = {p.key for p in evalset.passages}
    seen_texts = {p.text for p in evalset.passages}
    docs: list[SourceDocument] = []
    for path in paths:
        other = load_dataset(path, require_questions=False)
        if not other.passages:
            raise InputError(str(path), "has no passages to use as distractors")
        for p in other.passages:
            if p.key in seen_keys or p.text in seen_texts:
                continue
            seen_keys.add(p.key)
            seen_texts.add(p.text)
            docs.append(SourceDocument(key=p.key, title=p.title, text=p.text, source=other.name))
    return docs


def _evaluate(
    evalset: EvalSet,
    questions: list[Question],
    targets: dict[str, Target],
    systems: list[System],
    sample: list[Question],
    progress: bool,
    engine: str,
) -> dict[str, Any]:
    retrieval_qs = [q for q in questions if not q.impossible and targets[q.id].qrels]
    out: dict[str, Any] = {
        "dataset": evalset.name,
        "systems": {},
        "dataset_info": {
            "kind": evalset.kind,
            "passages": len(evalset.passages),
            "questions": len(questions),
            "answerable": sum(not q.impossible for q in questions),
            "unanswerable": sum(q.impossible for q in questions),
            "retrieval_questions": len(retrieval_qs),
            "evidence_questions": sum(bool(targets[q.id].sentences) for q in retrieval_qs),
            "evidence_by_text_search": sum(targets[q.id].fallback for q in retrieval_qs),
            "answer_sample": {
                "answerable": sum(not q.impossible for q in sample),
                "unanswerable": sum(q.impossible for q in sample),
            },
        },
        "details": {},
        "significance": {},
        "latency_ms": {},
    }
    qrels = {q.id: targets[q.id].qrels for q in retrieval_qs}
    per_query: dict[str, dict[str, list[float]]] = {}
    for system in systems:
        row, detail, latency, scores = _run_system(
            system, retrieval_qs, sample, targets, qrels, progress, engine
        )
        out["systems"][system.name] = row
        out["details"][system.name] = detail
        out["latency_ms"][system.name] = latency
        per_query[system.name] = scores
    if "kutip" in per_query:
        for name, scores in per_query.items():
            if name != "kutip":
                out["significance"][name] = {
                    m: M.paired_tests(per_query["kutip"][m], scores[m]) for m in M.RETRIEVAL_METRICS
                }
    return out


def sample_questions(
    questions: Sequence[Question], n: int, seed: int, unanswerable_share: float = UNANSWERABLE_SHARE
) -> list[Question]:
    """A seeded sample of ``n`` questions, ``unanswerable_share`` of them unanswerable (one in
    six by default); when one kind runs out the other fills the sample, so a share of 1 takes
    every unanswerable question and answerable ones for the rest (300 + all: ``n = 300 + U``).
    """
    if n <= 0:
        return []
    if not 0.0 <= unanswerable_share <= 1.0:
        raise ValueError(f"unanswerable share must be within 0..1, not {unanswerable_share}")
    answerable = [q for q in questions if not q.impossible]
    unanswerable = [q for q in questions if q.impossible]
    n_unans = min(len(unanswerable), round(n * unanswerable_share) if answerable else n)
    n_ans = min(len(answerable), n - n_unans)
    n_unans = min(len(unanswerable), n - n_ans)
    rng = random.Random(seed)
    return rng.sample(answerable, n_ans) + rng.sample(unanswerable, n_unans)


def _run_system(
    system: System,
    retrieval_qs: list[Question],
    sample: list[Question],
    targets: dict[str, Target],
    qrels: dict[str, dict[str, int]],
    progress: bool,
    engine: str,
) -> tuple[dict[str, float | None], dict[str, Any], dict[str, list[float]], dict[str, list[float]]]:
    row: dict[str, float | None] = dict.fromkeys(SYSTEM_METRICS)
    run: dict[str, list[str]] = {}
    hits: dict[int, list[bool]] = {1: [], 5: []}
    hit_all: list[bool] = []  # anywhere in what is handed over (kutip hands up to 10 sentences)
    handed_sizes: list[int] = []
    lost = dict.fromkeys(STEPS, 0)  # kutip only: where a missing evidence sentence was lost
    staged = False
    retrieve_ms: list[float] = []
    bar = progress_bar(progress, len(retrieval_qs), f"{system.name}: retrieval", "q")
    try:
        for q in retrieval_qs:
            result = system.retrieve(q.text, RETRIEVE_DEPTH)
            run[q.id] = result.articles
            retrieve_ms.append(result.ms)
            target = targets[q.id]
            if result.handed is not None and target.sentences:
                flags = [holds_evidence(u, target) for u in result.handed]
                for k in hits:
                    hits[k].append(M.hit_at_k(flags, k))
                hit_all.append(any(flags))
                handed_sizes.append(len(flags))
                if result.stages is not None:
                    staged = True
                    step = lost_at(any(flags), *result.stages, target)
                    if step is not None:
                        lost[step] += 1
            bar.update()
    finally:
        bar.close()
    scores = M.retrieval_scores(qrels, run, engine=engine)
    for metric, values in scores.items():
        row[metric] = M.mean(values)
    for k, flags in hits.items():
        row[f"evidence_hit@{k}"] = M.mean(flags)
    detail: dict[str, Any] = {
        "retrieval_questions": len(run),
        "evidence_questions": len(hits[1]),
        "evidence_hit_handed": M.mean(hit_all),
        "handed_units_mean": M.mean(handed_sizes),
        "evidence_lost": lost if staged else None,
        "retrieve_ms_p50": M.percentile(retrieve_ms, 50),
        "retrieve_ms_p95": M.percentile(retrieve_ms, 95),
    }
    latency: dict[str, list[float]] = {"retrieve": [round(x, 2) for x in retrieve_ms]}
    if system.can_answer and sample:
        replies = _answer_all(system, sample, progress)
        answer_row, answer_detail = answer_metrics(sample, replies, targets)
        row.update(answer_row)
        detail.update(answer_detail)
        latency["first_token"] = [r.ttft_ms for r in replies if r.ttft_ms is not None]
        latency["total"] = [round(r.total_ms, 1) for r in replies]
    return row, detail, latency, scores


def _answer_all(system: System, sample: list[Question], progress: bool) -> list[SystemAnswer]:
    replies = []
    bar = progress_bar(progress, len(sample), f"{system.name}: answers", "q")
    try:
        for q in sample:
            replies.append(system.answer(q.text))
            bar.update()
    finally:
        bar.close()
    return replies


def answer_metrics(
    sample: Sequence[Question], replies: Sequence[SystemAnswer], targets: dict[str, Target]
) -> tuple[dict[str, float | None], dict[str, Any]]:
    """Answer, citation and refusal metrics over the answered sample.

    A citation is on evidence when it names a gold evidence sentence; an answer's claims are all
    supported when each carries a marker of such a citation (no NLI model exists offline, so
    "supporting" is judged against the gold evidence). Citation metrics count only answered
    (not refused) answerable questions whose evidence sentence is known.
    """
    correct: list[bool] = []
    f1: list[float] = []
    correct_spans: list[bool] = []
    correct_alt: list[bool] = []
    refused_answerable: list[bool] = []
    refused_unanswerable: list[bool] = []
    cited_total = cited_ok = 0
    supported: list[bool] = []
    pure: list[bool] = []
    rows: list[dict[str, Any]] = []
    can_cite = any(r.citations is not None for r in replies)
    for q, reply in zip(sample, replies, strict=True):
        rows.append(_row(q, reply, targets[q.id]))
        if not reply.refused and reply.text.strip():
            foreign = answer_foreign_words(q, reply.text)
            rows[-1]["foreign_words"] = foreign
            pure.append(not foreign)
        if q.impossible:
            refused_unanswerable.append(reply.refused)
            continue
        refused_answerable.append(reply.refused)
        target = targets[q.id]
        if q.gold_answers:
            text = "" if reply.refused else reply.text
            spans = (*q.answers, *target.answers)
            correct.append(M.answer_matches(text, (*spans, *q.answers_alt)))
            rows[-1]["correct"] = correct[-1]
            f1.append(M.answer_f1(text, (*spans, *q.answers_alt)))
            rows[-1]["f1"] = round(f1[-1], 4)
            if q.answers:
                correct_spans.append(M.answer_matches(text, spans))
            if q.answers_alt:
                correct_alt.append(M.answer_matches(text, q.answers_alt))
        if reply.refused or reply.citations is None or not target.sentences:
            continue
        good = {
            c.n for c in reply.citations if (c.article_id, c.sentence_index) in target.sentences
        }
        cited_total += len(reply.citations)
        cited_ok += len(good)
        supported.append(M.claims_supported(reply.text, good, {c.n for c in reply.citations}))
    row: dict[str, float | None] = {
        "answer_accuracy": M.mean(correct),
        "answer_f1": M.mean(f1),
        "citation_precision": M.ratio(cited_ok, cited_total) if can_cite else None,
        "citation_recall": M.mean(supported) if can_cite else None,
        "refusal_accuracy": M.mean(refused_unanswerable),
        "false_refusal_rate": M.mean(refused_answerable),
        "language_purity": M.mean(pure),
        "prompt_tokens_mean": M.mean(r.prompt_tokens for r in replies),
        "ttft_ms_p50": M.percentile((r.ttft_ms for r in replies), 50),
        "ttft_ms_p95": M.percentile((r.ttft_ms for r in replies), 95),
    }
    intervals = {
        "answer_accuracy": M.wilson(sum(correct), len(correct)),
        "refusal_accuracy": M.wilson(sum(refused_unanswerable), len(refused_unanswerable)),
        "false_refusal_rate": M.wilson(sum(refused_answerable), len(refused_answerable)),
        "citation_precision": M.wilson(cited_ok, cited_total) if can_cite else None,
        "language_purity": M.wilson(sum(pure), len(pure)),
    }
    detail = {
        "answer_questions": len(replies),
        "answerable": len(refused_answerable),
        "unanswerable": len(refused_unanswerable),
        # 95% Wilson intervals, beside each rate in the table and the report.
        **{f"{metric}{CI_SUFFIX}": list(ci) if ci else None for metric, ci in intervals.items()},
        "answer_accuracy_spans": M.mean(correct_spans),
        "answer_accuracy_alt": M.mean(correct_alt),
        "citations": cited_total,
        "citations_on_evidence": cited_ok,
        "cited_answers": len(supported),
        "prompt_tokens_max": max(
            (r.prompt_tokens for r in replies if r.prompt_tokens), default=None
        ),
        "total_ms_p50": M.percentile((r.total_ms for r in replies), 50),
        "total_ms_p95": M.percentile((r.total_ms for r in replies), 95),
        "examples": [
            {
                "question": q.text,
                "answer": r.text[:300],
                "refused": r.refused,
                "gold": list(q.gold_answers[:3]),
                "impossible": q.impossible,
            }
            for q, r in list(zip(sample, replies, strict=True))[:5]
        ],
        "misses": summarize(rows),
        "per_question": rows,
    }
    return row, detail


def answer_foreign_words(q: Question, answer: str) -> list[str]:
    """The words of an answer that belong to the other language than the question's (English
    unless the question is Indonesian); the question's and the gold answers' own words count
    as the reader's, so a name the reader wrote is never foreign."""
    language = "id" if detect_language(q.text) == "id" else "en"
    return foreign_words(answer, language, [q.text, *q.answers_alt])


def _row(q: Question, reply: SystemAnswer, target: Target) -> dict[str, Any]:
    """One answered question as ``kutip eval --details`` writes it, for reading failures."""
    handed = [holds_evidence(u, target) for u in reply.handed]
    return {
        "id": q.id,
        "question": q.text,
        "impossible": q.impossible,
        "gold": list(q.gold_answers),
        "answer": reply.text,
        "refused": reply.refused,
        "correct": None,
        "evidence_handed": any(handed) if handed else None,
        "cited": [
            {"n": c.n, "on_evidence": (c.article_id, c.sentence_index) in target.sentences}
            for c in reply.citations or []
        ],
        "prompt_tokens": reply.prompt_tokens,
        "ttft_ms": reply.ttft_ms,
        "notes": reply.notes,
    }
