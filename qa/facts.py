"""The facts a phrasing is held to: the numbers and names of the copy it stands for.

A number is compared without its digit-group separators (``2,000`` = ``2.000`` = ``2000``), a
name is a capitalised word that is not a sentence-opening function word ("The", "Pada").
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME_WORD = r"[A-Z][\w'’-]*[a-zA-Z]"
_NAME = re.compile(rf"\b{_NAME_WORD}")
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
    """The numbers written in digits, without their separators."""
    return {re.sub(r"[.,]", "", m) for m in _NUMBER.findall(text)}


def names_in(text: str) -> set[str]:
    return {m.lower() for m in _NAME.findall(text) if m not in _NOT_NAMES}
