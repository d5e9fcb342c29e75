"""Reading a model reply as a refusal, and the cited claims a refusing reply still makes."""

from __future__ import annotations

import pytest

from qa.refusal import claims_beside_refusal, is_model_refusal, refusal_text


@pytest.mark.parametrize(
    "reply",
    ["NOT FOUND", "Not found.", "The sentences do not mention it.", "Tidak disebutkan."],
)
def test_replies_that_give_up_are_refusals(reply):
    assert is_model_refusal(reply)


def test_an_answer_is_not_a_refusal():
    assert not is_model_refusal("John Kirby denied ground troop plans [1].")


@pytest.mark.parametrize(
    ("reply", "claims"),
    [
        ("NOT FOUND", ""),
        ("NOT FOUND [6]", ""),
        ("[1] Not FOUND", ""),
        ("Kirby spoke. NOT FOUND", ""),  # uncited: not a claim
        ("The sentences do not mention it [2].", ""),
        ("[1] 1977 [2] Not FOUND", "[1] 1977 [2]"),
        ("Harga turun sejak 1 Oktober [4]. Not FOUND", "Harga turun sejak 1 Oktober [4]."),
        ("Kirby denied it [1]. The articles don't say who else.", "Kirby denied it [1]."),
    ],
)
def test_claims_beside_refusal_keeps_only_cited_claims(reply, claims):
    assert claims_beside_refusal(reply) == claims


def test_refusal_text_is_in_the_answer_language():
    assert refusal_text("id") != refusal_text("en") == refusal_text("fr")
