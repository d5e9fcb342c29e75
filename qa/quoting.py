"""Answer in the source's own words: a claim that restates one sentence in the reader's
language becomes that sentence, verbatim.

The 1.5B model copies a definition and drops half of it ("Meningitis disebabkan oleh virus,
bakteri, atau mikroorganisme lain" for a sentence that goes on "... dan walaupun jarang dapat
disebabkan oleh obat tertentu"), cuts a list of seven names to one, or drops the unit
glued to a number ("297,007 km²" for "297,007km²").
When the claim is already a restatement of the sentence it cites, nothing is gained by the
model's wording and something is lost, so kutip shows what the source says: an exact quote
is the one answer that can be neither misread nor mis-cited. Claims in another language than
their sentence (an English answer over an Indonesian article) keep the model's translation,
and a claim that adds a name or number the sentence lacks (the subject from the title:
"Coto makassar adalah ...") keeps its own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kutip.text.sentences import without_markers
from qa.facts import added_words, name_runs, names_in, numbers_held, numbers_in
from qa.types import Evidence

RESTATES = 0.6
"""Share of the claim's distinct words that must occur in the sentence or the question."""

_WORD = re.compile(r"\w+")


def restates(claim: str, sentence: str, question: str = "") -> bool:
    """Whether ``claim`` is a rewording of ``sentence``: at least ``RESTATES`` of its distinct
    words occur in the sentence or the question, and every number and capitalised name the
    claim adds to the question occurs in the sentence."""
    words = {w.lower() for w in _WORD.findall(claim)}
    if not words:
        return False
    held = {w.lower() for w in _WORD.findall(sentence)}
    asked = {w.lower() for w in _WORD.findall(question)}
    if not numbers_in(claim) - numbers_in(question) <= numbers_held(sentence):
        return False
    if not names_in(claim) - asked <= held | names_in(sentence):
        return False
    if not _phrases_held(claim, sentence, question):
        return False
    own = added_words(claim, question)
    if 2 * len(own & held) < len(own):
        return False
    return len(words & (held | asked)) >= RESTATES * len(words)


def _phrases_held(claim: str, sentence: str, question: str) -> bool:
    """Whether each run of two or more names in ``claim`` ("Bahasa Inggris Australia") occurs
    as one phrase in the sentence or the question.

    Each of its words can occur apart ("bahasa Inggris ... penduduk Australia") while the
    phrase, which is the answer, does not: shown as the sentence, the right reply to "what is
    the majority language of Australia?" lost its "Australia" (TyDi).
    """
    where = (_flat(sentence), _flat(question))
    return all(
        any(_flat(run) in text for text in where) for run in name_runs(claim) if run.count(" ")
    )


def _flat(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def in_source_words(
    claim: str, cited: Sequence[Evidence], language: str | None, question: str = ""
) -> str | None:
    """The sentence to show instead of ``claim``, or ``None`` to keep the model's words.

    Only a claim citing exactly one sentence whose article is in ``language`` is replaced.
    """
    if language is None or len(cited) != 1:
        return None
    evidence = cited[0]
    if evidence.lang != language or not restates(claim, evidence.text, question):
        return None
    # A scraped page's own reference marks ("meningen.[1] Radang") would read as kutip's.
    return " ".join(without_markers(evidence.text).split())
