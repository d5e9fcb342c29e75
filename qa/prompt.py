"""The answer prompt: numbered evidence sentences and the question, nothing else.

Every prompt token costs the user ~15 ms before the first word on 2 cores, so the template is
short and the evidence is sentences, not chunks. The instructions ask for the question's
language and a ``[n]`` after every claim; whether the model complied is checked afterwards
(:mod:`qa.citations`), never trusted.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from qa.types import Evidence

LANGUAGE_NAMES = {"en": "English", "id": "Indonesian"}
NOT_FOUND = "NOT FOUND"

ANSWER_PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "Answer the question using only the numbered sentences. Reply in {language}, in "
            "one or two short complete sentences, translating names of things into {language}. "
            "End every claim with the number of the sentence it comes from, like [1]. If the "
            "sentences do not answer the question, reply only: " + NOT_FOUND,
        ),
        ("human", "{evidence}\n\nQuestion: {question}"),
    ]
)

REWRITE_PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "Rewrite the last question so it can be understood without the conversation. "
            "Keep its language. Reply with the rewritten question only.",
        ),
        ("human", "{history}\n\nLast question: {question}"),
    ]
)


def format_evidence(evidence: Sequence[Evidence]) -> str:
    return "\n".join(f"[{e.n}] {e.text}" for e in evidence)


def answer_messages(
    question: str, evidence: Sequence[Evidence], language: str
) -> list[BaseMessage]:
    return ANSWER_PROMPT.format_messages(
        language=LANGUAGE_NAMES.get(language, "English"),
        evidence=format_evidence(evidence),
        question=question,
    )


def rewrite_messages(question: str, history: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    turns = "\n".join(f"User: {q}\nAssistant: {a}" for q, a in history[-2:])
    return REWRITE_PROMPT.format_messages(history=turns, question=question)
