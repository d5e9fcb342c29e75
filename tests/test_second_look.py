"""The second look at an unsure NOT FOUND: probe, ban, and what the assistant does with them."""

from __future__ import annotations

import math
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from ingest.pipeline import Ingestor
from kutip.config import load_settings
from kutip.errors import ConfigError
from qa.assistant import Assistant
from qa.second_look import (
    BAN_NOT_FOUND,
    answer_without_not_found,
    is_bare_not_found,
    not_found_probability,
    says_something,
)
from qa.types import Evidence, SecondLookEvent
from tests.test_assistant import ARTICLE

QUESTION = "How many tonnes of rice imports did Budi Santoso announce?"
ANSWER = "Budi Santoso said imports of 2,000 tonnes would arrive in March [1]."


class UnsureModel(BaseChatModel):
    """Says NOT FOUND, reports ``p_not`` for it when asked for logprobs, and answers ``forced``
    when NOT is banned; records every call's arguments."""

    p_not: float = 0.2
    forced: str = ANSWER
    calls: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "unsure-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(kwargs)
        metadata: dict[str, Any] = {}
        if kwargs.get("logprobs"):
            top = [
                {"token": "NOT", "logprob": math.log(self.p_not)},
                {"token": " NOT", "logprob": math.log(0.05)},
                {"token": "Bud", "logprob": math.log(0.9 - self.p_not)},
            ]
            metadata["logprobs"] = {"content": [{**top[0], "top_logprobs": top}]}
            text = "NOT"
        elif kwargs.get("logit_bias") == BAN_NOT_FOUND:
            text = self.forced
        else:
            text = "NOT FOUND"
        message = AIMessage(text, response_metadata=metadata)
        return ChatResult(generations=[ChatGeneration(message=message)])


def _assistant(settings, store, model, **overrides):
    Ingestor(settings, store).ingest_documents([ARTICLE])
    run = settings.with_overrides(**{"relevance_floor": 0.0, "citation_floor": 0.0, **overrides})
    return Assistant(run, store, chat_model=model)


@pytest.mark.parametrize(
    ("reply", "bare"),
    [
        ("NOT FOUND", True),
        ("Not found.", True),
        ("not found [2]", True),
        ("[1] Not FOUND", False),
        ("The sentences do not say.", False),
        ("Budi [1]", False),
    ],
)
def test_only_a_reply_that_starts_with_not_found_gets_a_second_look(reply, bare):
    assert is_bare_not_found(reply) is bare


def test_probability_sums_every_form_of_the_first_word():
    p = not_found_probability(UnsureModel(p_not=0.2), [HumanMessage("q")])
    assert p == pytest.approx(0.25)


def test_backends_without_logprobs_or_bans_leave_the_refusal_alone():
    plain = GenericFakeChatModel(messages=iter([AIMessage("NOT")]))
    assert not_found_probability(plain, [HumanMessage("q")]) is None
    empty = GenericFakeChatModel(messages=iter([]))
    assert answer_without_not_found(empty, [HumanMessage("q")], "q", []) is None


def _evidence(text: str) -> Evidence:
    return Evidence(
        n=1,
        article_id="a",
        title="t",
        source=None,
        url=None,
        published=None,
        sentence_index=0,
        start=0,
        end=len(text),
        text=text,
        score=0.9,
    )


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ("Tentu saja! [1]", False),  # "of course!": nothing the evidence holds
        ("Saddam Hussein diadili [1].", False),  # only the question's own words
        ("Pada 19 Oktober 2005 [1].", True),
        ("Badai Katrina [1].", True),
    ],
)
def test_a_reply_without_not_found_must_say_something_the_evidence_holds(reply, says):
    evidence = [_evidence("Florida dilanda badai Katrina pada 19 Oktober 2005.")]
    question = "Kapan Saddam Hussein diadili?"
    assert says_something(reply, question, evidence) is says


def test_an_empty_second_answer_leaves_the_refusal(settings, store):
    model = UnsureModel(p_not=0.2, forced="Of course! [1]")
    answer = _assistant(settings, store, model).ask(QUESTION)
    assert answer.refused and not any("asked again" in n for n in answer.notes)


def test_an_unsure_not_found_becomes_the_checked_answer(settings, store):
    model = UnsureModel(p_not=0.2)
    answer = _assistant(settings, store, model).ask(QUESTION)

    assert not answer.refused, answer.notes
    assert "2,000 tonnes" in answer.answer and "2,000 tonnes" in answer.citations[0].text
    assert any("asked again without NOT FOUND" in n for n in answer.notes)
    # The probe reads one token; the ban reuses the same prompt (cached prefix).
    assert model.calls[1] == {"max_tokens": 1, "logprobs": True, "top_logprobs": 8}
    assert model.calls[2]["logit_bias"] == BAN_NOT_FOUND
    assert answer.timings_ms["second_look"] is not None


def test_the_stream_says_when_the_streamed_refusal_is_dropped(settings, store):
    unsure = _assistant(settings, store, UnsureModel(p_not=0.2))
    kinds = [type(e).__name__ for e in unsure.stream(QUESTION)]
    assert kinds[-2:] == ["SecondLookEvent", "AnswerEvent"], kinds
    assert kinds.index("TokenEvent") < kinds.index("SecondLookEvent")
    sure = _assistant(settings, store, UnsureModel(p_not=0.6))
    assert not any(isinstance(e, SecondLookEvent) for e in sure.stream(QUESTION))


def test_a_sure_not_found_stays_a_refusal(settings, store):
    model = UnsureModel(p_not=0.6)
    answer = _assistant(settings, store, model).ask(QUESTION)

    assert answer.refused and answer.answer == "The articles don't say."
    assert not any("logit_bias" in c for c in model.calls)


def test_the_forced_answer_is_checked_like_any_other(settings, store):
    model = UnsureModel(p_not=0.2, forced="The minister resigned in 1999 [1].")
    answer = _assistant(settings, store, model, citation_floor=0.8).ask(QUESTION)
    assert answer.refused, answer.notes


def test_zero_turns_the_second_look_off(settings, store):
    model = UnsureModel(p_not=0.01)
    answer = _assistant(settings, store, model, refusal_confidence=0.0).ask(QUESTION)
    assert answer.refused and len(model.calls) == 1


def test_refusal_confidence_is_checked(monkeypatch):
    monkeypatch.setenv("KUTIP_REFUSAL_CONFIDENCE", "0.5")
    assert load_settings().refusal_confidence == 0.5
    with pytest.raises(ConfigError, match="refusal_confidence"):
        load_settings(refusal_confidence=1.5)
