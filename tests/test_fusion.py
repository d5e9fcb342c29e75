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


def test_fusion_weights_come_from_the_environment_and_are_checked(monkeypatch):
    from kutip.config import load_settings
    from kutip.errors import ConfigError

    monkeypatch.setenv("KUTIP_KEYWORD_WEIGHT", "0.5")
    monkeypatch.setenv("KUTIP_RRF_K", "20")
    settings = load_settings()
    assert (settings.keyword_weight, settings.rrf_k) == (0.5, 20)
    with pytest.raises(ConfigError, match="fusion weights"):
        load_settings(sentence_weight=-1.0)
    with pytest.raises(ConfigError, match="rrf_k"):
        load_settings(rrf_k=0)
