"""A LangChain chat model that answers each job of the answer step from a script.

The answer step asks the model small jobs (judge, copy, translate) and reads the probabilities
of its first token; this fake says the same things with the same ``response_metadata`` shape
as ChatOpenAI and ChatLlamaCpp, so the components' logic is tested without a model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from qa.prompt import CONFIRM, EXTRACT, JUDGE, MAY_REFUSE, TOPIC

# A scripted job: (reply text, {first token: probability}) for the prompt's text.
Script = Callable[[str], tuple[str, dict[str, float]]]


def job_of(prompt: str) -> str:
    """Which job a prompt asks for: ``judge``, ``confirm``, ``topic``, ``copy`` or
    ``translate``."""
    if prompt.endswith(JUDGE):
        return "judge"
    if prompt.endswith(CONFIRM.split("\n")[-1]):
        return "confirm"
    if prompt.splitlines()[-1].startswith(TOPIC.split("{")[0]):
        return "topic"
    if prompt.endswith((EXTRACT, EXTRACT + MAY_REFUSE)):
        return "copy"
    return "translate"


class ScriptedChat(BaseChatModel):
    """Replies from ``script(job, prompt)``; records each call's job and keyword arguments."""

    script: Callable[[str, str], tuple[str, dict[str, float]]]
    calls: list[tuple[str, dict[str, Any]]] = Field(default_factory=list)
    prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        job = job_of(prompt)
        self.calls.append((job, dict(kwargs)))
        self.prompts.append(prompt)
        text, probs = self.script(job, prompt)
        if job == "copy" and "logit_bias" in kwargs and text.startswith("NOT"):
            text = "banned"  # a script that only refuses has nothing else to say
        metadata: dict[str, Any] = {}
        if kwargs.get("logprobs") and probs:
            top = [{"token": t, "logprob": math.log(p)} for t, p in probs.items()]
            metadata["logprobs"] = {"content": [{"token": text[:1], "top_logprobs": top}]}
        message = AIMessage(
            content=text,
            response_metadata=metadata,
            usage_metadata={
                "input_tokens": len(prompt.split()),
                "output_tokens": 1,
                "total_tokens": len(prompt.split()) + 1,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


def scripted(
    judge: float | Callable[[str], float],
    copy: str | Callable[[str], str],
    p_not: float = 0.1,
    translate: Callable[[str], str] = lambda text: text,
    topic: float | Callable[[str], float] = 0.9,
    confirm: float | Callable[[str], float] = 0.0,
) -> ScriptedChat:
    """A model whose judge says ``yes`` with ``judge``, copies ``copy``, translates with
    ``translate`` and finds a quote on the asked topic with ``topic`` (each may depend on the
    prompt)."""

    def script(job: str, prompt: str) -> tuple[str, dict[str, float]]:
        if job in ("judge", "topic", "confirm"):
            chance = {"judge": judge, "topic": topic, "confirm": confirm}[job]
            p = chance(prompt) if callable(chance) else chance
            return ("Yes" if p >= 0.5 else "No"), {"Yes": p, "No": 1 - p}
        if job == "copy":
            text = copy(prompt) if callable(copy) else copy
            return text, {"NOT": p_not, "other": 1 - p_not}
        return translate(prompt.splitlines()[-1]), {}

    return ScriptedChat(script=script)
