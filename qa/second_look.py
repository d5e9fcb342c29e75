"""A second look at an unsure ``NOT FOUND``: how sure the model was, and its answer without it.

The 1.5B model's ``NOT FOUND`` is close to a coin toss on questions whose evidence is in its
prompt: on the published runs it refused about as many answerable questions (8 of 83 on squad2,
10 of 83 on xling) as unanswerable ones (7 and 8 of 17). How sure it was tells them apart
better than the greedy reply: asked again for its first token, it put 0.12 to 0.89 of its
probability on ``NOT`` for the answerable ones and 0.29 to 0.77 for the unanswerable ones, and
below 0.3 were 6 answerable questions, 5 answered right when asked again, and 1 unanswerable
one, whose reply then said nothing the evidence holds.
So below ``refusal_confidence`` (0.3) the reply is generated again with ``NOT`` banned, on the
same prompt (its prefix is cached: this costs the generation only), and checked like any
other reply. ``python -m eval.refusals`` measures it on a run's details (docs/evaluation.md).

Both steps use standard chat-model arguments: ``logprobs``/``top_logprobs`` as ChatOpenAI
reads them, and llama.cpp's text form of ``logit_bias``. A backend that cannot do either
raises or returns nothing, and the refusal stands as the model gave it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage

from qa.facts import added_words, numbers_held, numbers_in
from qa.prompt import NOT_FOUND
from qa.types import Evidence

_FIRST_WORD = NOT_FOUND.split()[0]
ASKED_AGAIN = "first reply "
"""How the note of a second look starts (``Answer.notes``; eval.refusals finds those rows)."""
# Every way the tokenizer may start the word; llama.cpp bans each string's tokens.
BAN_NOT_FOUND = [[form, False] for form in (_FIRST_WORD, " " + _FIRST_WORD, "Not", " Not")]


def is_bare_not_found(raw: str) -> bool:
    """A reply that starts with the instructed refusal (``NOT FOUND``, ``Not found.``)."""
    return raw.strip().upper().startswith(NOT_FOUND)


def not_found_probability(model: Any, messages: Sequence[BaseMessage]) -> float | None:
    """The probability the model gives to starting its reply with ``NOT``; None if the backend
    does not report first-token probabilities."""
    try:
        reply = model.invoke(list(messages), max_tokens=1, logprobs=True, top_logprobs=8)
        content = reply.response_metadata["logprobs"]["content"]
        top = content[0]["top_logprobs"]
    except Exception:
        return None
    return sum(
        math.exp(float(t["logprob"]))
        for t in top
        if str(t.get("token", "")).strip().upper().startswith(_FIRST_WORD)
    )


def answer_without_not_found(
    model: Any, messages: Sequence[BaseMessage], question: str, evidence: Sequence[Evidence]
) -> str | None:
    """The model's reply when it may not say ``NOT FOUND``, if it says something the evidence
    holds; None otherwise, or if the backend refused the ban (the refusal then stands)."""
    try:
        reply = model.invoke(list(messages), logit_bias=BAN_NOT_FOUND)
    except Exception:
        return None
    text = str(getattr(reply, "content", "")).strip()
    return text if text and says_something(text, question, evidence) else None


def says_something(reply: str, question: str, evidence: Sequence[Evidence]) -> bool:
    """Whether the reply holds a number or a word of its own (not the question's) that occurs
    in the evidence.

    Barred from its refusal, the model can answer with nothing: "Tentu saja! [1]" ("of
    course!") for when Saddam Hussein was tried (facqa) passed the citation check, whose
    embedding test reads a claim with its question. A refusal says more than that.
    """
    text = " ".join(e.text for e in evidence)
    if numbers_in(reply) & numbers_held(text):
        return True
    words = {w.lower() for w in re.findall(r"\w+", text)}
    return bool(added_words(reply, question) & words)
