"""Reading a model reply as a refusal, and refusals in the reader's language."""

from __future__ import annotations

import pytest

from qa.refusal import is_model_refusal, refusal_text


@pytest.mark.parametrize(
    "reply",
    ["NOT FOUND", "Not found.", "The sentences do not mention it.", "Tidak disebutkan."],
)
def test_replies_that_give_up_are_refusals(reply):
    assert is_model_refusal(reply)


def test_an_answer_is_not_a_refusal():
    assert not is_model_refusal("John Kirby denied ground troop plans [1].")


def test_refusal_text_is_in_the_answer_language():
    assert refusal_text("id") != refusal_text("en") == refusal_text("fr")
