"""Metric functions, each small enough to check against a hand computation.

Retrieval metrics go through ranx (the reference implementation the issue asks for) with a
hand-written fallback that computes the same numbers, so a missing or broken ranx never silently
changes results, and the tests can hold both to the same hand-computed values. Per-query scores
are always returned in sorted query-id order (ranx's order), which is what paired tests need.

Answer normalisation follows SQuAD's (lowercase, no punctuation, no English articles) plus rules
for how the same fact is written across the two languages: digit-group separators go, so
``2.000`` = ``2,000`` = ``2000``; ordinals lose their suffix (``12th`` = ``12``); month names
become one English word and a day written before or after the month reads day first, so
``May 18, 1756`` = ``18 Mei 1756`` = ``18 May 1756``. Without these a correct translated
date (kutip answers English questions over Indonesian articles) scored as wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from kutip.text.sentences import split_sentences

RETRIEVAL_METRICS = ("ndcg@10", "recall@1", "recall@5", "recall@10", "recall@100", "mrr@10")

_ARTICLES = frozenset({"a", "an", "the"})
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)")
_MARKER = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_DAY = re.compile(r"^\d{1,2}$")
_EN_MONTHS = "january february march april may june july august september october november december"
_ID_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember"
)
_MONTHS = {m: m for m in _EN_MONTHS.split()} | dict(
    zip(_ID_MONTHS.split(), _EN_MONTHS.split(), strict=True)
)


# --- answers ---------------------------------------------------------------------------------


def normalize_answer(text: str) -> str:
    """Lowercase, drop punctuation/symbols and English articles, join digit groups."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DIGIT_SEPARATOR.sub("", text)
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    tokens = [_ORDINAL.sub(r"\1", t) for t in text.split() if t not in _ARTICLES]
    return " ".join(_day_first(tokens))


def _day_first(tokens: list[str]) -> list[str]:
    """One spelling for dates: ``december 12`` and ``12 desember`` both become ``12 december``."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        month = _MONTHS.get(tokens[i])
        if month and i + 1 < len(tokens) and _DAY.match(tokens[i + 1]):
            out += [tokens[i + 1], month]
            i += 2
            continue
        out.append(month or tokens[i])
        i += 1
    return out


def answer_matches(reply: str, golds: Iterable[str]) -> bool:
    """True when some gold answer's tokens appear contiguously in the reply (or they are equal).

    Token containment rather than substring, so the gold ``1`` does not match a reply ``10``;
    citation markers are removed first, so ``[1]`` is not an answer ``1``.
    """
    reply_tokens = normalize_answer(_MARKER.sub(" ", reply)).split()
    for gold in golds:
        gold_tokens = normalize_answer(gold).split()
        if gold_tokens and _contains(reply_tokens, gold_tokens):
            return True
    return False


def answer_f1(reply: str, golds: Iterable[str]) -> float:
    """SQuAD's token F1 of the reply against its best gold answer (0.0 for an empty reply).

    Containment (:func:`answer_matches`) rewards length: a reply that quotes a whole sentence
    holds the gold answer, while the exact "10" for the gold "10 orang" does not. F1 weighs
    both sides, so a verbose reply pays for its extra words and a short one keeps the credit
    for the words it got right; it is the metric the SQuAD, TyDi QA and FacQA papers report.
    """
    reply_tokens = normalize_answer(_MARKER.sub(" ", reply)).split()
    best = 0.0
    for gold in golds:
        gold_tokens = normalize_answer(gold).split()
        if not reply_tokens or not gold_tokens:
            continue
        common = Counter(reply_tokens) & Counter(gold_tokens)
        overlap = sum(common.values())
        if overlap:
            precision, recall = overlap / len(reply_tokens), overlap / len(gold_tokens)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return any(list(haystack[i : i + n]) == list(needle) for i in range(len(haystack) - n + 1))


# --- citations -------------------------------------------------------------------------------


_CLAIM_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_ENUMERATOR = re.compile(r"^\d{1,2}[.)]\s+(?=\S)")


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """Answer sentences without markers, each with the numbers it cited (in order); a lone
    ``[2]`` after a full stop belongs to the claim before it."""
    claims: list[tuple[str, list[int]]] = []
    for start, end in split_sentences(answer):
        piece = answer[start:end]
        cited = [
            int(n) for m in _CLAIM_MARKER.finditer(piece) for n in re.split(r"[,;]", m.group(1))
        ]
        text = _ENUMERATOR.sub("", _CLAIM_MARKER.sub("", piece).strip())
        if not re.search(r"\w", text):
            if claims:
                claims[-1][1].extend(cited)
            continue
        claims.append((text, cited))
    return claims


def claims_supported(answer: str, supporting: set[int], cited: set[int]) -> bool:
    """Whether every claim (answer sentence, split as kutip's citation check splits it) carries
    at least one marker that ``supporting`` holds.

    ``cited`` are the numbers the answer's citations use: an answer whose text has no marker at
    all but which has citations and a single claim counts its citations for that claim.
    """
    claims = split_claims(answer)
    if not claims:
        return False
    if len(claims) == 1 and not claims[0][1]:
        return bool(cited & supporting)
    return all(set(numbers) & supporting for _, numbers in claims)


# --- retrieval -------------------------------------------------------------------------------


def retrieval_scores(
    qrels: Mapping[str, Mapping[str, int]],
    run: Mapping[str, Sequence[str]],
    metrics: Sequence[str] = RETRIEVAL_METRICS,
    engine: str = "auto",
) -> dict[str, list[float]]:
    """Per-query scores (sorted query ids) for ``metrics``; ``run`` lists doc ids best first.

    ``engine``: ``"ranx"``, ``"python"`` or ``"auto"`` (ranx when importable). Queries without a
    relevant document are dropped (they have no defined nDCG); queries missing from ``run``
    count as empty rankings.
    """
    qids = sorted(q for q, rels in qrels.items() if any(g > 0 for g in rels.values()))
    if not qids:
        return {m: [] for m in metrics}
    if engine in ("auto", "ranx"):
        try:
            return _ranx_scores(qrels, run, qids, metrics)
        except ImportError:
            if engine == "ranx":
                raise
    return {m: [_python_metric(m, qrels[q], run.get(q, ())) for q in qids] for m in metrics}


def _ranx_scores(
    qrels: Mapping[str, Mapping[str, int]],
    run: Mapping[str, Sequence[str]],
    qids: list[str],
    metrics: Sequence[str],
) -> dict[str, list[float]]:
    from ranx import Qrels, Run, evaluate

    ranx_qrels = Qrels({q: {d: int(g) for d, g in qrels[q].items() if g > 0} for q in qids})
    ranked: dict[str, dict[str, float]] = {}
    for q in qids:
        docs = list(dict.fromkeys(run.get(q, ())))
        # Scores from ranks, so ranx's sort reproduces the system's order exactly (no ties).
        ranked[q] = {d: float(len(docs) - i) for i, d in enumerate(docs)} or {"\0none": 0.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba type-safety chatter
        scores = evaluate(ranx_qrels, Run(ranked), list(metrics), return_mean=False)
    if len(metrics) == 1:
        scores = {metrics[0]: scores}
    return {m: [float(x) for x in np.atleast_1d(scores[m])] for m in metrics}


def _python_metric(metric: str, rels: Mapping[str, int], ranking: Sequence[str]) -> float:
    name, _, k_text = metric.partition("@")
    docs = list(dict.fromkeys(ranking))
    k = int(k_text) if k_text else len(docs)
    if name == "ndcg":
        return ndcg_at_k(docs, rels, k)
    if name == "recall":
        return recall_at_k(docs, rels, k)
    if name == "mrr":
        return mrr_at_k(docs, rels, k)
    raise ValueError(f"unknown metric {metric!r}")


def ndcg_at_k(ranking: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    """nDCG with linear gains ``rel`` and ``log2(rank + 1)`` discounts (ranx's and trec_eval's
    ``ndcg``; identical to the exponential form for binary relevance)."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted((g for g in rels.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranking: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    relevant = {d for d, g in rels.items() if g > 0}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def mrr_at_k(ranking: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    for i, doc in enumerate(ranking[:k]):
        if rels.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def hit_at_k(flags: Sequence[bool], k: int) -> bool:
    """Whether any of the first ``k`` handed units holds the evidence."""
    return any(flags[:k])


def paired_tests(ours: Sequence[float], theirs: Sequence[float]) -> dict[str, float | None]:
    """Paired t-test and Wilcoxon signed-rank p-values on per-query scores (two-sided).

    Identical score lists give p = 1 (no evidence of a difference) instead of scipy's NaN/error.
    """
    a, b = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    if a.shape != b.shape:
        raise ValueError("paired tests need scores for the same queries")
    result: dict[str, float | None] = {
        "n": float(len(a)),
        "mean_diff": float(np.mean(a - b)) if len(a) else None,
        "t_test_p": None,
        "wilcoxon_p": None,
    }
    if len(a) < 2:
        return result
    if np.allclose(a, b):
        result["t_test_p"] = result["wilcoxon_p"] = 1.0
        return result
    from scipy import stats

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_p = float(stats.ttest_rel(a, b).pvalue)
        result["t_test_p"] = t_p if math.isfinite(t_p) else None
        w_p = float(stats.wilcoxon(a, b).pvalue)
        result["wilcoxon_p"] = w_p if math.isfinite(w_p) else None
    return result


# --- aggregation -----------------------------------------------------------------------------


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the non-null values; ``None`` when there are none (a metric that did not apply)."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a rate ``successes / n`` (None for ``n == 0``).

    Unlike the normal approximation it stays inside [0, 1] and is honest at the small counts
    an answer run has (17 unanswerable questions, a rate near 0 or 1).
    """
    if n <= 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def percentile(values: Iterable[float | None], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default) of the non-null values, or ``None``."""
    kept = [float(v) for v in values if v is not None]
    return float(np.percentile(kept, q)) if kept else None
