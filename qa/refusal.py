"""Refusal texts in the reader's language, and recognising a model reply that gave up.

The 1.5B model never refuses on its own (BASELINES.md), so kutip's refusals come from the
relevance floor and the answer decision (:mod:`qa.decide`); this module only words them. The
naive baseline's replies are read with :func:`is_model_refusal`.
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
