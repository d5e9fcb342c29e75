"""The prompts of the answer step: small jobs the 1.5B model does well, one sentence at a time.

The model reads many sentences at once badly and answers badly across languages in one step
(issue 28's probe: 5 of 16 right from ten numbered sentences, 8 of 16 from copy-then-translate).
So each prompt is one job on one piece of evidence, and every prompt about a piece starts with
the same words (the piece, then the question): llama.cpp keeps that prefix in its prompt cache,
so the second job on a piece (judge, then copy) pays only for its own last line.

Every prompt token costs the user about 15 ms before the first word on 2 cores: the jobs are a
line each, and no prompt holds more than one or two sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate

from kutip.text.sentences import without_markers

LANGUAGE_NAMES = {"en": "English", "id": "Indonesian"}
NOT_FOUND = "NOT FOUND"

# The judge and the copy job share everything up to their last line (the prompt cache).
JUDGE = "Does the sentence state the answer to this question? Reply yes or no."
# "The whole phrase, not one word": told only to copy "the words that answer", the model
# copied "model" for "model mesin yang dipilih" and "14" for "antara 3 dan 14 jam seminggu";
# asked for the full answer it copied the whole phrase 8 times more and a worse one once in 73
# gold sentences of xling-en-id.dev and squad2-en.dev (docs/experiments.md).
EXTRACT = (
    "Copy from the sentence the full answer to the question (the whole phrase, not one word), "
    "without translating."
)
# A second opinion when the judge is unsure: the copied answer, checked against the sentence.
# As the judge's p(yes) 0.5 to 0.7 band's second look it answered more questions from the
# right sentence with fewer false refusals than a lower bar (docs/experiments.md).
CONFIRM = (
    "Answer: {answer}\n"
    "Does the sentence state that this is the answer to the question? Reply yes or no."
)
# Added only when the copy may refuse (a decision that weighs the copy's NOT FOUND).
MAY_REFUSE = " Else reply " + NOT_FOUND + "."
# "What did NAME say about Y?": whether NAME's quote is about Y at all. Asked of the quote
# index's match only (qa.speech); on 11 pairs of the who-said set and the sample article this
# wording gave p(yes) 0.67 to 0.99 to quotes about the topic and 0.03 to 0.38 to the others
# ("Is the sentence about …?" 0.45 to 0.96 and 0.02 to 0.23: less apart). The piece comes
# first, as in the other jobs, so the prompt cache holds it.
TOPIC = "Does the sentence talk about {topic}? Reply yes or no."
TRANSLATE = (
    "Translate the text into {language}. Keep names and numbers as they are. "
    "Reply with the translation only."
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


def piece_text(sentence: str, context: str | None = None) -> str:
    """The evidence of one call: the sentence, after the one before it when that one carries
    its subject. A page's own reference marks ("Georgia.[1]") are left out."""
    lines = [] if context is None else [f"Before it: {without_markers(context)}"]
    lines.append(f"Sentence: {without_markers(sentence)}")
    return "\n".join(lines)


def as_asked(question: str) -> str:
    """``question`` as a question is written: a capital first letter and a question mark.

    People type "kapan film Ibunda dibuat" (a third of FacQA's questions lack the mark, a
    quarter of TyDi's start in lowercase), and the 1.5B judge reads such a line as less of a
    question: on 60 facqa-id.train questions without the mark, adding it answered 5 more from
    the right sentence and none fewer, and idk-mrc questions typed without it refused as many
    unanswerable ones once it was added back (docs/experiments.md). A line that ends in other
    punctuation ("Tell me who said it.") is left as it is.
    """
    text = question.strip()
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    if text and (text[-1].isalnum() or text[-1] in ")\"'”’"):
        text += "?"
    return text


def about_piece(piece: str, question: str, task: str) -> list[BaseMessage]:
    """One job on one piece: the piece, the question, the job's line (every job's layout, so
    the piece and question are the prompt cache's shared prefix)."""
    return [HumanMessage(f"{piece}\nQuestion: {as_asked(question)}\n{task}")]


def judge_messages(piece: str, question: str) -> list[BaseMessage]:
    """Ask whether the piece states the answer (read as the probability of ``yes``)."""
    return about_piece(piece, question, JUDGE)


def extract_messages(piece: str, question: str, may_refuse: bool = True) -> list[BaseMessage]:
    """Ask for the answering words, copied in the source's own language (or ``NOT FOUND``
    when ``may_refuse``)."""
    return about_piece(piece, question, EXTRACT + (MAY_REFUSE if may_refuse else ""))


def confirm_messages(piece: str, question: str, answer: str) -> list[BaseMessage]:
    """Ask whether the piece states ``answer`` as the answer (read as the probability of yes)."""
    return about_piece(piece, question, CONFIRM.format(answer=answer))


def topic_messages(sentence: str, topic: str) -> list[BaseMessage]:
    """Ask whether ``sentence`` talks about ``topic`` (read as the probability of ``yes``)."""
    return [HumanMessage(f"{piece_text(sentence)}\n{TOPIC.format(topic=topic)}")]


def translate_messages(text: str, language: str) -> list[BaseMessage]:
    """Ask for ``text`` in ``language`` (a short copied phrase, not a sentence to answer)."""
    name = LANGUAGE_NAMES.get(language, "English")
    return [SystemMessage(TRANSLATE.format(language=name)), HumanMessage(text)]


def warm_prefix() -> list[BaseMessage]:
    """What every translation starts with, for warming the prompt cache."""
    return translate_messages("", "en")[:1]


def rewrite_messages(question: str, history: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    turns = "\n".join(f"User: {q}\nAssistant: {without_markers(a)}" for q, a in history[-2:])
    return REWRITE_PROMPT.format_messages(history=turns, question=question)
