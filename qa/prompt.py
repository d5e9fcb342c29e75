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

from kutip.text.sentences import without_markers
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
        # Moving the language instruction out of the system message (so one cached prefix
        # serves every language) made the 1.5B model answer NOT FOUND to the Kirby question.
        ("human", "{evidence}\n\nQuestion: {question}"),
    ]
)

# The 1.5B model tends to *answer* a follow-up instead of rewriting it; one worked example in
# the prompt keeps it on task, and the assistant still validates the reply (see qa.assistant).
REWRITE_PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "Rewrite the last question so it can be understood without the conversation: "
            "replace pronouns with the names they refer to. Do not answer it. Keep its "
            "language. Reply with the rewritten question only.",
        ),
        (
            "human",
            "User: Who is the new CEO of Acme?\nAssistant: Jane Doe became CEO in May.\n\n"
            "Last question: and what did she say about layoffs?",
        ),
        ("ai", "What did Jane Doe say about layoffs at Acme?"),
        ("human", "{history}\n\nLast question: {question}"),
    ]
)


def system_prefix(language: str = "en") -> list[BaseMessage]:
    """The system message of answer prompts in ``language``, for warming the prompt cache."""
    name = LANGUAGE_NAMES.get(language, "English")
    return ANSWER_PROMPT.format_messages(language=name, evidence="", question="")[:1]


def format_evidence(evidence: Sequence[Evidence]) -> str:
    """Evidence as numbered sentences, best first, one a line.

    Grouping them per article under its title (bb302c7, 48 vs 45 of 100 TyDi answers, within
    noise) made the 1.5B model answer ``NOT FOUND`` to 17 of 83 answerable squad2 questions
    with the evidence in front of it; one flat list answered 67 of the same 83 instead of 55
    (docs/evaluation.md).

    A page's own reference marks ("Georgia.[1]", 296 of them in TyDi's passages) are left out:
    in the prompt they look like evidence numbers, which are the only marks the model should copy.
    """
    return "\n".join(f"[{e.n}] {without_markers(e.text)}" for e in evidence)


def answer_messages(
    question: str, evidence: Sequence[Evidence], language: str
) -> list[BaseMessage]:
    return ANSWER_PROMPT.format_messages(
        language=LANGUAGE_NAMES.get(language, "English"),
        evidence=format_evidence(evidence),
        question=question,
    )


def rewrite_messages(question: str, history: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    turns = "\n".join(f"User: {q}\nAssistant: {without_markers(a)}" for q, a in history[-2:])
    return REWRITE_PROMPT.format_messages(history=turns, question=question)
