import pytest

from qa.fusion import weighted_rrf


def test_rrf_matches_hand_computed_scores():
    fused = dict(weighted_rrf([(["a", "b"], 1.0), (["b", "c"], 1.0)], k=60))
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)
    assert next(iter(fused)) == "b"


def test_zero_weight_leg_cannot_vote():
    fused = weighted_rrf([(["a"], 1.0), (["z", "a"], 0.0)])
    assert [k for k, _ in fused] == ["a"]


def test_per_item_weight():
    fused = dict(weighted_rrf([(["x", "y"], lambda item: 1.0 if item == "y" else 0.0)], k=0))
    assert fused == {"y": 0.5}
