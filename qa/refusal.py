"""Refusal texts and detection, in the question's language.

The 1.5B model never refuses on its own (BASELINES.md), so refusals come from the relevance
floor and the citation check; this module only words them, recognises a model that did say
it cannot answer, and keeps the cited claims of a reply that answered before giving up.
"""

from __future__ import annotations

import re

REFUSALS = {
    "en": "The articles don't say.",
    "id": "Artikel-artikel ini tidak menyebutkannya.",
}

_MODEL_REFUSAL = re.compile(
    r"not found|not (?:mentioned|stated|specified|provided)|no information|"
    r"(?:do(?:es)?n'?t|do(?:es)? not|cannot|can't) (?:say|know|answer|mention|specify|provide)|"
    r"tidak (?:ada informasi|disebutkan|diketahui|ditemukan)|tidak menyebutkan",
    re.IGNORECASE,
)


def refusal_text(language: str) -> str:
    return REFUSALS.get(language, REFUSALS["en"])


def is_model_refusal(text: str) -> bool:
    """True when the model's reply says it cannot answer rather than answering."""
    return bool(_MODEL_REFUSAL.search(text))


_NOT_FOUND = re.compile(r"\bnot\s+found\b[.!]?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_MARKER = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")


def claims_beside_refusal(text: str) -> str:
    """The cited claims a reply makes beside its refusal ("" when it makes none).

    The 1.5B model sometimes answers and then gives up anyway: "Harga pertamax plus turun sejak
    1 Oktober [4]. Not FOUND", "[1] 1977 [2] Not FOUND". Reading the whole reply as a refusal
    threw the answer away; the claims it cites are an answer for the citation check to judge,
    like any other. Only cited sentences count (an uncited remnant of a refusal is not a claim),
    and a sentence that says the evidence does not answer stays out, so nothing a plain
    ``NOT FOUND`` refused is answered now.
    """
    rest = _NOT_FOUND.sub(" ", text)
    kept = [
        s.strip()
        for s in _SENTENCE_END.split(rest)
        if s.strip() and not _MODEL_REFUSAL.search(s) and _MARKER.search(s)
    ]
    claims = " ".join(kept)
    words = _MARKER.sub(" ", claims)
    return claims if any(c.isalnum() for c in words) else ""
