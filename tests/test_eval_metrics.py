"""Metric functions against values computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from eval import metrics as M

# Ranking d2, d1, d4, d3 with d1 and d3 relevant (grade 1):
#   DCG  = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677 = 1.061606
#   IDCG = 1/log2(2) + 1/log2(3) = 1 + 0.630930        = 1.630930
#   nDCG = 0.650921; Recall@1 = 0, @2 = 1/2, @5 = 1; MRR = 1/2 (first hit at rank 2)
RANKING = ["d2", "d1", "d4", "d3"]
RELS = {"d1": 1, "d3": 1}


def test_normalize_answer_joins_digit_groups_and_drops_articles():
    assert M.normalize_answer("2.000") == M.normalize_answer("2,000") == "2000"
    assert M.normalize_answer("The Jakarta Post!") == "jakarta post"
    assert M.normalize_answer("US$ 1,5 juta") == "us 15 juta"
    assert M.normalize_answer("“Budi Santoso,” katanya.") == "budi santoso katanya"


def test_dates_and_ordinals_have_one_spelling_across_languages():
    same = {"May 18, 1756", "18 Mei 1756", "18 May 1756", "18th May 1756"}
    assert {M.normalize_answer(d) for d in same} == {"18 may 1756"}
    assert M.answer_matches("Washington reached it on December 12th [1].", ["December 12"])
    assert M.answer_matches("pada 12 Desember [1].", ["December 12"])
    assert not M.answer_matches("December 13th", ["December 12"])
    assert M.normalize_answer("in May 2005") == "in may 2005"  # a year is not a day


def test_answer_matches_gold_contained_or_equal():
    assert M.answer_matches("Imports of 2,000 tonnes arrive in March [1].", ["2.000 tonnes"])
    assert M.answer_matches("2000", ["2.000"])
    assert not M.answer_matches("10 people", ["1"])  # tokens, not substrings
    assert not M.answer_matches("See sentence [1].", ["1"])  # a marker is not an answer
    assert not M.answer_matches("anything", ["the", ""])  # empty after normalisation
    assert not M.answer_matches("2,000 ton", ["2,000 tonnes"])  # the gold must be whole


def test_ndcg_recall_mrr_by_hand():
    assert M.ndcg_at_k(RANKING, RELS, 10) == pytest.approx(0.650921, abs=1e-6)
    assert M.recall_at_k(RANKING, RELS, 1) == 0.0
    assert M.recall_at_k(RANKING, RELS, 2) == 0.5
    assert M.recall_at_k(RANKING, RELS, 5) == 1.0
    assert M.mrr_at_k(RANKING, RELS, 10) == 0.5
    assert M.mrr_at_k(RANKING, RELS, 1) == 0.0


def test_graded_ndcg_by_hand():
    # Ranking b, a with a=2, b=1, linear gains: DCG = 1/1 + 2/log2(3) = 1 + 1.261860 = 2.261860;
    # IDCG = 2/1 + 1/log2(3) = 2.630930; nDCG = 0.859719
    assert M.ndcg_at_k(["b", "a"], {"a": 2, "b": 1}, 10) == pytest.approx(0.859719, abs=1e-6)


def _retrieval_case() -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    qrels = {"q2": RELS, "q1": {"x": 1}, "q3": {"a": 2, "b": 1}, "q4": {"z": 0}}
    run = {"q2": RANKING, "q1": ["x"], "q3": ["b", "a"]}  # q4 has no relevant doc: dropped
    return qrels, run


def test_retrieval_scores_python_engine_in_sorted_query_order():
    qrels, run = _retrieval_case()
    scores = M.retrieval_scores(qrels, run, engine="python")
    assert scores["ndcg@10"] == pytest.approx([1.0, 0.650921, 0.859719], abs=1e-6)
    assert scores["recall@1"] == [1.0, 0.0, 0.5]
    assert scores["mrr@10"] == [1.0, 0.5, 1.0]


def test_missing_run_counts_as_empty_ranking():
    scores = M.retrieval_scores({"q": {"d": 1}}, {}, engine="python")
    assert scores["ndcg@10"] == [0.0] and scores["recall@100"] == [0.0]


@pytest.mark.slow
def test_ranx_engine_agrees_with_hand_values():
    qrels, run = _retrieval_case()
    run["q1"] = []  # an empty ranking must not break ranx
    ranx = M.retrieval_scores(qrels, run, engine="ranx")
    python = M.retrieval_scores(qrels, run, engine="python")
    for metric in M.RETRIEVAL_METRICS:
        assert ranx[metric] == pytest.approx(python[metric], abs=1e-9), metric
    assert ranx["ndcg@10"] == pytest.approx([0.0, 0.650921, 0.859719], abs=1e-6)


def test_paired_tests_by_hand():
    # d = 0.1, 0.2, 0.3, 0.4: mean 0.25, sd sqrt(0.05/3) = 0.129099, t = 0.25/(0.129099/2) = 3.873
    # with 3 df: two-sided p = 0.0305. Wilcoxon (exact, n = 4, all positive): p = 2/16 = 0.125.
    result = M.paired_tests([0.5, 0.7, 0.9, 1.0], [0.4, 0.5, 0.6, 0.6])
    assert result["mean_diff"] == pytest.approx(0.25)
    assert result["t_test_p"] == pytest.approx(0.0305, abs=5e-4)
    assert result["wilcoxon_p"] == pytest.approx(0.125)


def test_paired_tests_identical_and_tiny_inputs():
    same = M.paired_tests([0.5, 1.0, 0.0], [0.5, 1.0, 0.0])
    assert same["t_test_p"] == same["wilcoxon_p"] == 1.0 and same["mean_diff"] == 0.0
    one = M.paired_tests([1.0], [0.0])
    assert one["t_test_p"] is None and one["mean_diff"] == 1.0
    with pytest.raises(ValueError):
        M.paired_tests([1.0, 0.0], [1.0])


def test_claims_supported():
    # Two claims, the marker after the full stop belongs to the first one.
    two = "Budi Santoso announced it. [1] The rice arrives in March [2]."
    assert M.claims_supported(two, supporting={1, 2}, cited={1, 2})
    assert not M.claims_supported(two, supporting={1}, cited={1, 2})
    assert not M.claims_supported("He said so [1]. It arrives in March.", {1}, {1})
    # No marker in the text, one claim: its citations count for it.
    assert M.claims_supported("Budi Santoso announced it.", {1}, {1})
    assert not M.claims_supported("Budi Santoso announced it.", set(), {1})
    assert not M.claims_supported("", {1}, {1})


def test_hit_mean_ratio_percentile():
    assert M.hit_at_k([False, False, True], 2) is False
    assert M.hit_at_k([False, False, True], 5) is True
    assert M.mean([True, False, None, True]) == pytest.approx(2 / 3)
    assert M.mean([None]) is None
    assert M.ratio(3, 4) == 0.75 and M.ratio(1, 0) is None
    # numpy linear interpolation: p50 of 10, 20, 30, 40 = 25; p95 = 30 + 0.85 * 10 = 38.5
    assert M.percentile([40, 10, None, 30, 20], 50) == 25.0
    assert M.percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert M.percentile([], 50) is None
    assert not math.isnan(M.percentile([1.0], 95) or 0.0)


def test_wilson_interval_by_hand():
    # 8 of 10: centre 0.7603, half-width 0.2167 (Wilson, z = 1.96)
    assert M.wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert M.wilson(0, 17)[0] == 0.0 and M.wilson(17, 17)[1] == 1.0
    assert M.wilson(0, 0) is None


def test_answer_f1_gives_a_short_exact_answer_partial_credit_and_a_long_reply_less():
    assert M.answer_f1("10 [1].", ["10 orang"]) == pytest.approx(2 / 3)
    assert M.answer_f1("213.491 jiwa", ["213.491 jiwa"]) == 1.0
    long = "Topan Wilma menewaskan 10 orang di Haiti menurut laporan resmi pemerintah [1]."
    assert M.answer_matches(long, ["10 orang"]) and M.answer_f1(long, ["10 orang"]) < 0.4
    assert M.answer_f1("", ["10 orang"]) == 0.0
    assert M.answer_f1("Paris", ["London", "the Paris"]) == 1.0  # best gold, articles dropped
