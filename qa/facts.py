"""The facts a claim can be held to: its numbers, its names and the words it adds to its
question, as the citation check and the quoting rule both read them.

A number is compared without its digit-group separators (``2,000`` = ``2.000`` = ``2000``), a
name is a capitalised word that is not a sentence-opening function word ("The", "Pada").
A source sentence also states the small numbers it spells out ("empat katup", "four
valves"), so an English claim's "4" holds against an Indonesian sentence's "empat".
"""

from __future__ import annotations

import re

from kutip.text.stopwords import STOPWORDS

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


_UNITS = {
    **dict.fromkeys(["zero", "nol"], 0),
    **dict.fromkeys(["one", "satu"], 1),
    **dict.fromkeys(["two", "dua"], 2),
    **dict.fromkeys(["three", "tiga"], 3),
    **dict.fromkeys(["four", "empat"], 4),
    **dict.fromkeys(["five", "lima"], 5),
    **dict.fromkeys(["six", "enam"], 6),
    **dict.fromkeys(["seven", "tujuh"], 7),
    **dict.fromkeys(["eight", "delapan"], 8),
    **dict.fromkeys(["nine", "sembilan"], 9),
}
_WORDS = {
    **_UNITS,
    **dict.fromkeys(["ten", "sepuluh"], 10),
    **dict.fromkeys(["eleven", "sebelas"], 11),
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    **dict.fromkeys(["hundred", "seratus"], 100),
    **dict.fromkeys(["thousand", "seribu"], 1000),
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_UNIT = "|".join(_UNITS)
# "dua belas" = 12, "dua puluh lima" = 25, "twenty-five" = 25.
_ID_COMPOUND = re.compile(
    rf"\b({_UNIT})\s+(belas|puluh)(?:(?<=puluh)\s+({_UNIT})\b)?", re.IGNORECASE
)
_EN_COMPOUND = re.compile(rf"\b({'|'.join(_TENS)})[- ]({_UNIT})\b", re.IGNORECASE)
_WORD_NUMBER = re.compile(rf"\b({'|'.join(_WORDS)})\b", re.IGNORECASE)


def numbers_in(text: str) -> set[str]:
    """The numbers written in digits, without their separators."""
    return {re.sub(r"[.,]", "", m) for m in _NUMBER.findall(text)}


def numbers_held(text: str) -> set[str]:
    """The numbers a source sentence states, in digits or in English or Indonesian words.

    Only the sentence side reads words: "one" in a claim ("one of the ...") is seldom a
    figure the claim asserts, while a sentence that spells "empat" does state a 4. Reading it
    turned a right cross-lingual answer ("Corliss used 4 valves [2]" on "... empat katup")
    from a refusal back into an answer (xling).
    """
    held = numbers_in(text)

    def indonesian(m: re.Match[str]) -> str:
        base = _UNITS[m[1].lower()]
        value = 10 + base if m[2].lower() == "belas" else 10 * base
        held.add(str(value + (_UNITS[m[3].lower()] if m[3] else 0)))
        return " "

    def english(m: re.Match[str]) -> str:
        held.add(str(_TENS[m[1].lower()] + _UNITS[m[2].lower()]))
        return " "

    # Compounds first, and out of the text, so "dua belas" does not also state a 2.
    rest = _EN_COMPOUND.sub(english, _ID_COMPOUND.sub(indonesian, text))
    return held | {str(_WORDS[w.lower()]) for w in _WORD_NUMBER.findall(rest)}


def names_in(text: str) -> set[str]:
    return {m.lower() for m in _NAME.findall(text) if m not in _NOT_NAMES}


_RUN = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*")


def name_runs(text: str) -> list[str]:
    """Runs of consecutive names ("Bahasa Inggris Australia", "John Kirby"), each without a
    leading sentence-opening function word ("Pada Oktober" is the name "Oktober")."""
    runs = []
    for run in _RUN.findall(text):
        words = run.split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if words:
            runs.append(" ".join(words))
    return runs


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
