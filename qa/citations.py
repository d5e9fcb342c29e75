"""Check every citation after generation; move or drop the ones the cited sentence doesn't support.

A claim (one sentence of the answer) is supported by evidence sentence ``[n]`` when
1. every number in the claim appears in the sentence (``2,000`` = ``2.000`` = ``2000``; a
   decimal the model spaced out, ``32, 58``, also reads as ``32,58``; the sentence may spell
   it out, ``4`` = ``empat`` = ``four``),
2. the names in the claim that occur somewhere in the evidence occur in *this* sentence: a
   lone name must, of two or more at least half must (the 1.5B model adds an abbreviation
   or a capitalised common word, "(TPT)", "Provinsi", to right answers; names it translated,
   and so occur nowhere, are not held against it), and
   numbers and names the claim repeats from the question are exempt from 1 and 2: restating
   the question ("Samuel Webber succeeded *Joseph Willard*") claims nothing new, and
   holding it against the sentence dropped right answers, and
3. the claim (read with its question) and the sentence are close in the multilingual
   embedding space: above ``floor`` (``anchored_floor`` when the claim carries a number or
   name of its own that the sentence holds) and within ``margin`` of the best evidence
   sentence that also passes 1 and 2.
4. when the claim adds words of its own to the question ("... adalah putih halus"), the cited
   sentences hold at least one of them if another sentence passing 1 to 3 holds half of
   them: the 1.5B model cites the wrong number under a claim that restates the question, and
   closeness in meaning alone let "[2]", a sentence about turtles on the same beach, stand
   for "the sand is fine and white" (facqa).
An interjection ("Tentu saja!", "Sure.") is no claim and is dropped with its citations.
A failed citation moves to the best sentence that passes all of them, or is dropped; a claim the
model left uncited takes the best one it shares a word with; a claim left without support is
removed, and an answer with no supported claim becomes a refusal.
Citations are then renumbered in order of first use, so ``[1]`` is the first cited sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kutip.text.sentences import split_sentences
from qa.facts import added_words, names_in, numbers_held, numbers_in
from qa.quoting import in_source_words
from qa.types import Evidence

__all__ = ["CheckResult", "check_citations", "names_in", "numbers_in", "split_claims"]

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# The model sometimes writes the decimal "32,58" as "32, 58": read both ways.
_SPACED_SEPARATOR = re.compile(r"(?<=\d)([.,])\s+(?=\d)")
# ... and "60.600" as "60. 600", which also split the claim in two at the full stop.
_SPACED_THOUSANDS = re.compile(r"(?<=\d)([.,])\s+(?=\d{3}(?!\d))")
# "1. Selama masa itu ..." : the 1.5B model sometimes numbers its reply like a list.
_ENUMERATOR = re.compile(r"^\d{1,2}[.)]\s+(?=\S)")


@dataclass
class CheckedClaim:
    text: str
    cited: list[int]  # evidence numbers (original numbering) that support the claim
    notes: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    answer: str
    cited: list[Evidence]  # in new numbering order: cited[0] is [1]
    refused: bool
    notes: list[str]


_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")
# "Tentu saja! [1]" ("of course!"): the 1.5B model opens with an interjection and cites it.
# Read with its question it embeds close to the question's best sentence, and in another
# language it shares no word with a right answer either ("Chemotaxis." over "Kemotaksis ..."),
# so neither test tells it from an answer; it is no claim, whatever it cites.
# A list the model left unfinished ("... the same size. [2], [3], and") leaves ", , and" as a
# sentence: connectives alone are no claim either (squad2 showed it kept, cited to [2][3]).
_FILLER = re.compile(
    r"^\W*(?:(?:tentu(?:\s+saja)?|tentunya|baiklah|sure|of\s+course|certainly|okay)\W*"
    r"|(?:(?:and|or|dan|atau|serta)\W*)+)$",
    re.IGNORECASE,
)


def _words(text: str) -> set[str]:
    """Words of three letters or more, acronyms of any length ("NP", "EU") and numbers."""
    words = {w.lower() for w in re.findall(r"\w{3,}", text)}
    return words | {a.lower() for a in _ACRONYM.findall(text)} | numbers_in(text)


def _shares_word(claim: str, evidence: Evidence | None) -> bool:
    return evidence is not None and bool(_words(claim) & _words(evidence.text))


def _restates_question(claim: str, question: str) -> bool:
    """Whether the claim repeats a content word of the question (five letters or more, or an
    acronym or number): it is about what was asked, not filler such as "Sure." or "Tentu saja!".

    An English claim over Indonesian evidence rarely shares a word with its sentence ("the
    term ... is computational problem" and "Masalah komputasi ..."), so the shared-word test
    alone refused right cross-lingual answers the model left uncited.
    """
    content = {w for w in _words(claim) if len(w) >= 5 or not w.isalpha()}
    content |= {a.lower() for a in _ACRONYM.findall(claim)}
    return bool(content & _words(question))


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """Answer sentences without markers, each with the numbers it cited (in order)."""
    claims: list[tuple[str, list[int]]] = []
    for start, end in split_sentences(answer):
        piece = answer[start:end]
        cited = [int(n) for m in _MARKER.finditer(piece) for n in re.split(r"[,;]", m.group(1))]
        text = _ENUMERATOR.sub("", _MARKER.sub("", piece).strip())
        if not re.search(r"\w", text):
            if claims:  # a lone "[2]" after a full stop belongs to the claim before it
                claims[-1][1].extend(cited)
            continue
        claims.append((text, cited))
    return claims


def _holding_own_words(
    claim: str,
    question: str,
    good: list[int],
    sims: dict[int, float],
    by_n: dict[int, Evidence],
    supports: Callable[[int], bool],
    notes: list[str],
) -> list[int]:
    """Rule 4: ``good``, or the supporting sentence holding most of the words the claim adds
    to its question when none of ``good`` holds any of them (see the module docstring)."""
    own = added_words(claim, question)
    if not good or not own or any(own & _words(by_n[n].text) for n in good):
        return good
    held = {n: len(own & _words(by_n[n].text)) for n in sims if n in by_n}
    holders = [n for n, k in held.items() if 2 * k >= len(own) and supports(n)]
    if not holders:
        return good
    moved = max(holders, key=lambda n: (held[n], sims[n]))
    notes.append(f"moved citation to sentence {moved}, which holds the claim's words: {claim[:60]}")
    return [moved]


def _quote_restated(
    kept: list[CheckedClaim],
    by_n: dict[int, Evidence],
    language: str | None,
    question: str,
    notes: list[str],
) -> list[CheckedClaim]:
    """Claims that restate their one sentence in the reader's language become that sentence
    (:mod:`qa.quoting`); a sentence quoted twice in a row is shown once."""
    out: list[CheckedClaim] = []
    for claim in kept:
        quote = in_source_words(claim.text, [by_n[n] for n in claim.cited], language, question)
        if quote is not None:
            notes.append(f"quoted sentence {claim.cited[0]} for: {claim.text[:60]}")
            claim = CheckedClaim(quote, claim.cited)
        if out and out[-1].text == claim.text and out[-1].cited == claim.cited:
            continue
        out.append(claim)
    return out


def check_citations(
    answer: str,
    evidence: Sequence[Evidence],
    evidence_vectors: dict[int, np.ndarray],
    embed: Callable[[list[str]], list[list[float]]],
    floor: float,
    margin: float = 0.05,
    question: str = "",
    anchored_floor: float | None = None,
    language: str | None = None,
) -> CheckResult:
    """Verify, move or drop citations; see the module docstring for the rules."""
    by_n = {e.n: e for e in evidence}
    claims = split_claims(_SPACED_THOUSANDS.sub(r"\1", answer))
    if not claims:
        return CheckResult("", [], True, ["empty answer"])
    # A terse claim ("2000", "John Kirby") means little alone: it is compared in the context of
    # the question it answers, as the sentence it cites was retrieved for that question.
    claim_vectors = np.asarray(
        embed([f"{question} {c}".strip() for c, _ in claims]), dtype=np.float32
    )
    all_names = set().union(*(names_in(e.text) for e in evidence)) if evidence else set()
    # Users type names in lower case ("kapankah perum PNRI didirikan?"): any word of the
    # question counts as asked, whatever its case.
    asked_numbers = numbers_in(question)
    asked_names = names_in(question) | {w.lower() for w in re.findall(r"[\w'’-]+", question)}
    notes: list[str] = []
    kept: list[CheckedClaim] = []
    for (text, cited), vector in zip(claims, claim_vectors, strict=True):
        if _FILLER.match(text):
            notes.append(f"dropped filler: {text[:60]}")
            continue
        sims = {n: float(np.dot(vector, v)) for n, v in evidence_vectors.items()}
        best = max(sims.values(), default=0.0)
        numbers = numbers_in(text) - asked_numbers
        glued = numbers_in(_SPACED_SEPARATOR.sub(r"\1", text)) - asked_numbers
        names = (names_in(text) & all_names) - asked_names

        def holds(
            n: int, numbers: set[str] = numbers, glued: set[str] = glued, names: set[str] = names
        ) -> bool:
            ev = by_n.get(n)
            held = numbers_held(ev.text) if ev is not None else set()
            if ev is None or not (numbers <= held or glued <= held):
                return False
            words = names_in(ev.text) | {w.lower() for w in re.findall(r"\w+", ev.text)}
            return 2 * len(names - words) <= len(names) if len(names) > 1 else names <= words

        # The margin compares a sentence only with rivals that could support the claim too: a
        # closer sentence lacking the claim's number ("35 tahun") is no reason to drop the one
        # that has it.
        rivals = [sims[n] for n in sims if holds(n)]
        best = max(rivals, default=best)

        # A claim that carries its own number or name, held by the sentence, is tied to it by
        # more than meaning: it may clear the lower ``anchored_floor``. A cross-lingual claim
        # ("Denmark joined the EU in 1972" on an Indonesian list of accessions) reads a little
        # further from its sentence than a same-language one.
        low = floor if anchored_floor is None or not (numbers or names) else anchored_floor

        def supports(
            n: int, sims: dict[int, float] = sims, best: float = best, low: float = low
        ) -> bool:
            if n not in sims or not holds(n):
                return False
            return sims[n] >= low and sims[n] >= best - margin

        good = [n for n in dict.fromkeys(cited) if supports(n)]
        for n in dict.fromkeys(cited):
            if n not in good:
                notes.append(f"dropped [{n}] from: {text[:60]}")
        if not good:
            candidates = sorted(sims, key=lambda n: -sims[n])
            # An uncited claim is read with its question, so filler ("Tentu saja!", "Sure.")
            # lands near the question's best sentence; unless it restates the question, it
            # may only take a citation from a sentence it shares a word with.
            if not cited and not _restates_question(text, question):
                candidates = [n for n in candidates if _shares_word(text, by_n.get(n))]
            moved = next((n for n in candidates if supports(n)), None)
            if moved is not None:
                good = [moved]
                if cited:
                    notes.append(f"moved citation to sentence {moved}: {text[:60]}")
        good = _holding_own_words(text, question, good, sims, by_n, supports, notes)
        if good:
            kept.append(CheckedClaim(text, good))
        else:
            notes.append(f"removed unsupported claim: {text[:60]}")
    if not kept:
        return CheckResult("", [], True, notes)
    kept = _quote_restated(kept, by_n, language, question, notes)
    order: list[int] = []
    for claim in kept:
        for n in claim.cited:
            if n not in order:
                order.append(n)
    renumber = {old: new for new, old in enumerate(order, start=1)}
    parts = []
    for claim in kept:
        marks = "".join(f"[{renumber[n]}]" for n in claim.cited)
        # A quoted sentence can read as several (a page's "Georgia.[1] Saat ini ..." is one
        # stored sentence): every piece carries the marker, so every claim shows its source.
        for start, stop in split_sentences(claim.text) or [(0, len(claim.text))]:
            body = claim.text[start:stop].strip()
            end = ""
            if body and body[-1] in ".!?":
                body, end = body[:-1], body[-1]
            parts.append(f"{body} {marks}{end}")
    return CheckResult(" ".join(parts), [by_n[n] for n in order], False, notes)
