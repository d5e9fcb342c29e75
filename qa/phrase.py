"""Phrase: the copied words in the reader's language.

In one step the 1.5B model answers badly across languages: English answers kept Indonesian
words ("would not include dukungan at the battlefield") and quoted whole Indonesian sentences.
Translating a short copied phrase is a job it does well. So the copy is phrased, never the
question answered again:

- same language: the copy is the answer, numbers as they were written;
- another language: numbers are first written the reader's way (``26.700`` -> ``26,700``),
  then the model translates the phrase, streaming. :func:`qa.check.phrase_problems` holds the
  result to the copy's numbers and names and to the reader's language; when it fails, the copy
  is shown as a marked quote instead, which is exact by construction.

A translation that passes those checks can still be the wrong word: the 1.5B model knows
names and numbers, not a dictionary ("Peradangan" came back as "Dispute", "Mesin uap" as
"UAV" on xling-en-id.dev). So a short phrase whose words were translated carries the source's
own words after it, as a marked quote: "Inflammation (“Peradangan”) [1]". The reader can
check the term against the cited sentence, and the answer still holds no foreign word outside
a quote.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from qa.check import localize_numbers, phrase_problems, translated_words
from qa.prompt import translate_messages
from qa.types import Answer, Citation, Evidence, TokenEvent

__all__ = [
    "GLOSS_WORDS",
    "Phraser",
    "as_quote",
    "finish",
    "glossed",
    "rejoin_numbers",
    "stream_answer",
]

# A copy of up to this many words is glossed with its own words when translated; a longer one
# is a clause, and its translation is read as a whole against the highlighted sentence.
GLOSS_WORDS = 6


def as_quote(copy: str) -> str:
    """The copy as a marked quote (allowed in any language: it is the source's own words)."""
    return f"“{copy}”"


def glossed(phrase: str, copy: str, limit: int = GLOSS_WORDS) -> str:
    """``phrase`` followed by the source's words it translates, when there are few of them and
    some were translated (a name kept as it is needs no gloss, nor a count: its number is held
    to the copy's, and the word it counts is a common one)."""
    words = copy.split()
    if not words or len(words) > limit or not translated_words(copy, phrase):
        return phrase
    if any(ch.isdigit() for ch in copy):
        return phrase  # its number is checked exactly; the word it counts is a common one
    return f"{phrase} ({as_quote(copy)})"


_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def rejoin_numbers(phrase: str, copy: str) -> str:
    """``phrase`` with the copy's grouped numbers rejoined where the model wrote a space after
    a separator: it translated "lebih dari 26.700 warga" as "More than 26, 700 people", and
    the number check would then lose the copy's own 26,700. Only the copy's numbers are put
    back, and only with the digits they had."""
    for number in set(_GROUPED.findall(copy)):
        spaced = r"\s*".join(re.escape(part) for part in re.split(r"(?<=[.,])", number))
        phrase = re.sub(rf"(?<![\d.,]){spaced}(?![\d])", number, phrase)
    return phrase


def finish(phrase: str, marker: str = "[1]") -> str:
    """A phrase as an answer: first letter up, one citation marker, a full stop."""
    phrase = phrase.strip().rstrip(" .;:,")
    if phrase and phrase[0].islower():
        phrase = phrase[0].upper() + phrase[1:]
    return f"{phrase} {marker}."


class Phraser:
    """Streams the copy in the reader's language; :meth:`settle` says what is shown."""

    def __init__(self, model: Any, max_tokens: int = 64) -> None:
        self.model = model
        self.max_tokens = max_tokens

    def needs_model(self, source: str | None, language: str) -> bool:
        return source is not None and source != language and self.model is not None

    def stream(self, copy: str, source: str | None, language: str) -> Iterator[str]:
        """Pieces of the phrase as they come (the copy itself when no translation is due)."""
        text = localize_numbers(copy, source, language)
        if not self.needs_model(source, language):
            yield text
            return
        for chunk in self.model.stream(
            translate_messages(text, language), max_tokens=self.max_tokens, repeat_penalty=1.0
        ):
            piece = str(chunk.content)
            if piece:
                yield piece

    def settle(
        self, phrase: str, copy: str, source: str | None, language: str, question: str = ""
    ) -> tuple[str, list[str]]:
        """What is shown for ``phrase``, and why it was not shown as it is (or ``[]``)."""
        phrase = " ".join(phrase.strip().splitlines()[0].split()) if phrase.strip() else ""
        phrase = phrase.strip().strip('"').strip()
        local = localize_numbers(copy, source, language)
        if not self.needs_model(source, language):
            return local, []
        phrase = rejoin_numbers(phrase, local)
        problems = phrase_problems(phrase, local, language, question)
        if problems:
            return as_quote(copy), problems
        return glossed(phrase, copy), []


def stream_answer(
    phraser: Phraser,
    answer: Answer,
    copy: str,
    source: str | None,
    cited: Evidence,
    started: float,
) -> Iterator[TokenEvent]:
    """Stream ``copy`` phrased in ``answer``'s language, then settle ``answer`` on what is
    shown, cited as [1] on ``cited``: the one ending of every answer, from a piece the model
    read or from the quote index."""
    streamed: list[str] = []
    for text in phraser.stream(copy, source, answer.language):
        if answer.timings_ms["first_token"] is None:
            answer.timings_ms["first_token"] = round((time.perf_counter() - started) * 1000, 1)
        streamed.append(text)
        yield TokenEvent(text)
    phrase, problems = phraser.settle(
        "".join(streamed), copy, source, answer.language, answer.question
    )
    if problems:
        answer.notes.append(f"phrasing {''.join(streamed)[:80]!r} not shown: {problems}")
    answer.answer = finish(phrase)
    answer.refused = False
    answer.citations = [Citation.of(1, cited)]
