"""The facts a claim can be held to: its numbers, its names and the words it adds to its
question, as the citation check and the quoting rule both read them.

A number is compared without its digit-group separators (``2,000`` = ``2.000`` = ``2000``), a
name is a capitalised word that is not a sentence-opening function word ("The", "Pada").
"""

from __future__ import annotations

import re

from kutip.text.stopwords import STOPWORDS

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][\w'’-]*[a-zA-Z]")
_NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "He",
        "She",
        "It",
        "They",
        "This",
        "That",
        "These",
        "Those",
        "According",
        "There",
        "His",
        "Her",
        "Their",
        "Its",
        "As",
        "After",
        "Before",
        "During",
        "When",
        "While",
        "Yes",
        "No",
        "And",
        "But",
        "Or",
        "If",
        "For",
        "To",
        "By",
        "With",
        "From",
        "Of",
        "We",
        "I",
        "You",
        "Who",
        "What",
        "Which",
        "Where",
        "Why",
        "How",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "However",
        "Also",
        "Although",
        "Because",
        "Since",
        "Then",
        "Yang",
        "Dan",
        "Di",
        "Pada",
        "Menurut",
        "Dia",
        "Ia",
        "Mereka",
        "Namun",
        "Sejak",
        "Dalam",
    ]
)


def numbers_in(text: str) -> set[str]:
    return {re.sub(r"[.,]", "", m) for m in _NUMBER.findall(text)}


def names_in(text: str) -> set[str]:
    return {m.lower() for m in _NAME.findall(text) if m not in _NOT_NAMES}


def added_words(claim: str, question: str) -> set[str]:
    """The claim's own content words: four letters or more, not a function word, not in the
    question. For "Warna pasir pada pantai Warmamedi ... adalah putih halus" asked as "Apakah
    warna pasir pada pantai Warmamedi ...", they are ``{"putih", "halus"}``: the answer."""
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    return {
        w
        for w in (m.lower() for m in re.findall(r"[^\W\d_]{4,}", claim))
        if w not in asked and w not in STOPWORDS
    }
