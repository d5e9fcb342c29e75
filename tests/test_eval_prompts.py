"""The prompt-wording comparison's scoring (no model): AUC, the best bar, the summary."""

from eval.prompts import auc, best_bar, summarize


def test_auc_counts_positives_above_negatives_and_ties_half():
    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auc([0.5], [0.5]) == 0.5
    assert auc([0.1], [0.9]) == 0.0
    assert auc([], [0.3]) is None


def test_the_best_bar_handles_answerable_and_unanswerable_questions():
    rows = [
        {"qid": "a", "impossible": False, "gold": False, "v0": 0.6},
        {"qid": "a", "impossible": False, "gold": True, "v0": 0.8},
        {"qid": "u", "impossible": True, "gold": False, "v0": 0.65},
    ]
    # Under 0.6 "a" is answered from its non-gold first piece; over 0.8 nothing answers.
    best = best_bar(rows, "v0")
    assert 0.65 < best["bar"] <= 0.8 and best["handled"] == 1.0


def test_copy_summary_counts_wins_and_losses_against_the_current_wording():
    rows = [
        {"v0_right": True, "v1_right": False},
        {"v0_right": False, "v1_right": True},
        {"v0_right": False, "v1_right": True},
    ]
    (current, other) = summarize(rows, ["now", "new"], "copy")["variants"]
    assert current["right"] == 1 and other["right"] == 2
    assert other["wins"] == 2 and other["losses"] == 1
