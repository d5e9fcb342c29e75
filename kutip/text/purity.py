"""Language purity: the words of an answer that belong to the other language.

English answers over Indonesian articles kept Indonesian words ("would not include dukungan
at the battlefield", "a significant keamanan national concern"). A function-word list cannot
see those: they are content words. ``wordfreq`` ships word frequencies of both languages in
its wheel (offline), and a word the other language uses often while the answer's language
hardly knows it is that language's word.

Allowed: numbers, citation markers, text inside quotation marks (a marked quote is the
source's own words) and names. A capitalised word inside the text that is rare in both
languages is a name ("Kirby", "Biak"); a capitalised common word of the other language
("Dewan", "Keamanan", "Inggris") is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["foreign_words", "is_pure"]

OTHER = {"en": "id", "id": "en"}
# Zipf frequencies (log10 per billion words): 3 is a word seen once per million words. A word
# is the other language's when that language uses it commonly, this one does not, and it is at
# least a hundred times more frequent there ("dewan" 4.9 in Indonesian, 2.5 in English).
COMMON = 3.0
GAP = 2.0
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘[^’]*’")
_MARKER = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


@lru_cache(maxsize=65536)
def _zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, language))


def _foreign(word: str, language: str, other: str) -> bool:
    w = word.casefold()
    there, here = _zipf(w, other), _zipf(w, language)
    return there >= COMMON and here < COMMON and there - here >= GAP


def _name(word: str, language: str, other: str) -> bool:
    w = word.casefold()
    return max(_zipf(w, other), _zipf(w, language)) < COMMON


def foreign_words(text: str, language: str, allowed: Iterable[str] = ()) -> list[str]:
    """The words of ``text`` (written in ``language``, ``"en"`` or ``"id"``) that belong to
    the other language, in order; ``[]`` for another language.

    ``allowed``: texts whose words count as the reader's own, such as the question ("What did
    Joko Widodo say?": frequency cannot tell an Indonesian name from an Indonesian word).
    """
    other = OTHER.get(language)
    if other is None:
        return []
    known = {w.casefold() for text_ in allowed for w in _WORD.findall(text_)}
    plain = _MARKER.sub(" ", _QUOTED.sub(" ", text))
    found = []
    for m in _WORD.finditer(plain):
        word = m.group(0)
        inside = plain[: m.start()].strip() != ""
        if word.casefold() in known:
            continue
        if word[0].isupper() and inside and _name(word, language, other):
            continue
        if _foreign(word, language, other):
            found.append(word)
    return found


def is_pure(text: str, language: str, allowed: Iterable[str] = ()) -> bool:
    """Whether ``text`` holds no word of the other language outside names and quotes."""
    return not foreign_words(text, language, allowed)
