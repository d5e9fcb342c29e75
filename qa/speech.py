"""Speech: "who said X?" and "what did NAME say about Y?" answered from the quote index.

News is mostly reported speech, and ingest already attributed every quote by rules
(:mod:`kutip.text.attribution`, read through :meth:`kutip.store.Store.quotes`): the sentence,
its speaker and the quoted words. Asking the 1.5B model whether "Pada bulan Oktober, Juru
Bicara … John Kirby mengatakan “Tidak ada rencana …”" answers "Siapa yang membantah rencana
pasukan darat?" gave p(yes) 0.49, under the 0.7 the decision asks, and the question was refused
(issue 31). Who said it is not the model's to guess: the index knows. So for questions of these
two forms the index is consulted first, and the model only phrases the answer:

- *who said X* (:data:`WHO`; "siapa yang membantah …", "who denied …"): the best-ranked
  evidence sentence that is an attributed quote with a named speaker gives the speaker, cited.
  The evidence is retrieval's own ranking for this question; nothing here matches text. The
  guards against answering what the articles do not say: the sentence must be among the first
  :data:`TOP` ranked, over the relevance floor, and its similarity within :data:`MARGIN` of the
  best; and a question that asks for a denial ("who denied …", "… tidak …") takes only a quote
  that denies (the cue "membantah", a negation in the quoted words), and the other way round,
  because similarity cannot tell "who denied X" from "who said X" (eval/questions/README.md
  measures both). A quote whose speaker is only inherited from an earlier sentence ("…,
  tambahnya") is passed over: the sentence it would cite does not name anyone.
- *what did NAME say (about Y)* (:data:`WHAT`): NAME's quotes (the speaker group, so "Kirby"
  finds "John Kirby") whose sentences are in that same top of the evidence; the best-ranked one's
  quoted words are the answer, in the reader's language through :class:`qa.phrase.Phraser`.
  Retrieval ranks NAME's quotes first whatever Y is ("What did Kirby say about Ukraine?" found
  his only quote, about Israel), so with the model loaded the quote must also talk about Y: the
  model's p(yes) to "Does the sentence talk about Y?" at least :data:`TOPIC_BAR`
  (:meth:`qa.read.Reader.about`, one short call). With the model off Y is not checked.

Anything else, or no match, returns nothing and the question goes the normal way
(:mod:`qa.read`, :mod:`qa.decide`). A speaker's name needs no translation (names stay): it is
shown as the article wrote it, with no model call, unless it names an organisation or a role
in the other language ("Kementerian Kesehatan Gaza" for an English reader), which is phrased
like any copy (:func:`needs_phrasing`).

Inputs: the question, the evidence (``found.evidence`` and which one ranked first), the store's
quotes, the relevance floor. Output: a :class:`QuoteMatch` (:func:`match_quote`), or the events
of the answer (:func:`answer_from_quotes`, which fills the :class:`~qa.types.Answer`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kutip.schema import Quote
from kutip.store import Store
from kutip.text.attribution import ORG_WORDS, ROLE_WORDS
from kutip.text.purity import foreign_words
from kutip.text.tokens import count_tokens
from qa.facts import numbers_in
from qa.phrase import Phraser, as_quote, stream_answer
from qa.read import Reader
from qa.types import Answer, Event, Evidence, ReadingEvent

__all__ = [
    "MARGIN",
    "TOP",
    "TOPIC_BAR",
    "QuoteMatch",
    "SpeechQuestion",
    "answer_from_quotes",
    "denies",
    "match_quote",
    "needs_phrasing",
    "speech_question",
]

#: A who-said answer's sentence must be among the first TOP ranked evidence sentences …
TOP = 2
#: … and its similarity within MARGIN of the best evidence sentence's (measured on
#: eval/questions/who-said.jsonl, see eval/questions/README.md).
MARGIN = 0.03
#: A what-said quote must talk about the question's topic: p(yes) at least this (yes more
#: likely than no; not fitted).
TOPIC_BAR = 0.5
# The topic of "what did NAME say about Y" / "apa kata NAME tentang Y": what follows the
# speaker and the verb.
_TOPIC = re.compile(
    r"^\W*(?:about|on|regarding|concerning|tentang|soal|mengenai|terkait(?:\s+dengan)?|"
    r"perihal)\s+(.+?)[\s?.!]*$",
    re.IGNORECASE,
)

# Reporting verbs: the English past and present forms, the Indonesian active (me-/ber-) and
# passive (di-) forms. General speech verbs only, none picked for one question.
_EN_VERBS = (
    "said says say told tells tell stated states state denied denies deny claimed claims claim "
    "announced announces announce warned warns warn added adds add explained explains explain "
    "insisted insists insist confirmed confirms confirm admitted admits admit acknowledged "
    "acknowledges acknowledge argued argues argue noted notes note reported reports report "
    "estimated estimates estimate declared declares declare revealed reveals reveal disclosed "
    "discloses disclose suggested suggests suggest stressed stresses stress emphasized "
    "emphasised emphasizes emphasises asserted asserts assert predicted predicts predict "
    "criticized criticised criticizes criticises mentioned mentions mention quoted"
)
_ID_VERBS = (
    "mengatakan menyatakan menegaskan menambahkan menjelaskan mengungkapkan membantah "
    "menuturkan menyebutkan menyebut mengemukakan memaparkan menilai mengakui menekankan "
    "melaporkan menuliskan mengklaim menyampaikan mengumumkan menerangkan menandaskan berkata "
    "mengingatkan memperingatkan mengaku membenarkan memperkirakan berpendapat menanggapi "
    "mengkritik menduga bilang dikatakan disampaikan diungkapkan ditegaskan dinyatakan "
    "diumumkan dilaporkan dikemukakan dibantah"
)
_EN_VERB = "|".join(_EN_VERBS.split())
_ID_VERB = "|".join(_ID_VERBS.split())
_AUX_EN = r"(?:(?:has|have|had|did|does|was|is|were|first|publicly|officially|also)\s+)*"
_AUX_ID = r"(?:(?:telah|sudah|pernah|secara\s+resmi|juga)\s+)*"

WHO = re.compile(
    # who (has|did|…) denied …; which (US) official reported …; according to whom …
    rf"^\W*(?:(?:who|which(?:\s+\w+){{1,3}}?)\s+{_AUX_EN}(?:{_EN_VERB})\b|according\s+to\s+whom\b)"
    # siapa(kah) (juru bicara) yang (telah) membantah …; media apa yang …; menurut siapa …
    rf"|^\W*(?:(?:siapa(?:kah)?(?:\s+\w+){{0,3}}?|\w+(?:\s+\w+)?\s+(?:apa|mana))\s+"
    rf"(?:yang\s+)?{_AUX_ID}(?:{_ID_VERB})\b|menurut\s+siapa\b)",
    re.IGNORECASE,
)
# NAME: one to four capitalised words, after the verb's subject slot ("what did Kirby say",
# "apa kata Juru Bicara John Kirby", "apa yang dikatakan oleh Kirby").
_NAME = r"((?:[A-Z][\w'.-]*\s+){0,3}[A-Z][\w'.-]*)"
WHAT = [
    # English: any words between the auxiliary and the verb ("the Gaza health ministry"); a
    # name the index does not know finds no quotes and the question goes the normal way.
    re.compile(
        r"^\W*what\s+(?:did|does|has|had|do)\s+(?:the\s+)?(\S.{0,60}?)\s+(?:say|said|tell|told|"
        r"state|stated|claim|claimed|announce|announced|add|added|deny|denied|think)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^\W*(?i:apa(?:kah)?)\s+(?i:kata|ucapan|pernyataan|tanggapan|pendapat|komentar)\s+{_NAME}"
    ),
    re.compile(
        rf"^\W*(?i:apa(?:kah)?\s+yang\s+(?:(?:telah|sudah|pernah)\s+)?(?:dikatakan|disampaikan|"
        rf"diungkapkan|dinyatakan|ditegaskan|diumumkan|dibantah|dikemukakan)\s+(?:oleh\s+)?){_NAME}"
    ),
]


# A denial, in the question ("who denied …", "siapa yang mengatakan … tidak …") or in the
# quote (the cue "membantah", or a negation in the quoted words). Similarity cannot tell "who
# denied X" from "who said X": both find the same sentence. Polarity can.
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied)|reject(?:s|ed)?|refut(?:e|es|ed)|dismiss(?:es|ed)?|not|no|never|"
    r"nothing|none|n't|membantah|dibantah|menyangkal|disangkal|menampik|ditampik|tidak|tak|"
    r"bukan|belum|tiada|jangan|enggan)\b",
    re.IGNORECASE,
)


def denies(text: str) -> bool:
    """Whether ``text`` holds a denial or a negation (English or Indonesian)."""
    return bool(_DENIAL.search(text.replace("n't", " n't")))


@dataclass(frozen=True)
class SpeechQuestion:
    """A question about reported speech: ``who`` said it, or ``what`` ``speaker`` said."""

    kind: Literal["who", "what"]
    speaker: str | None = None
    denies: bool = False
    """The question asks for a denial or negation: only a quote that denies answers it."""
    numbers: frozenset[str] = frozenset()
    """The numbers the question states: the quote's sentence must state them too."""
    topic: str | None = None
    """What a what-said question asks about ("Ukraine" in "what did Kirby say about Ukraine?")."""


def speech_question(question: str) -> SpeechQuestion | None:
    """The question's speech form, or None for any other question."""
    text = " ".join(question.split())
    for pattern in WHAT:
        m = pattern.search(text)
        if m:
            about = _TOPIC.match(text[m.end() :])
            return SpeechQuestion(
                "what",
                m.group(1).strip(),
                numbers=frozenset(numbers_in(text)),
                topic=about.group(1).strip() if about else None,
            )
    if WHO.search(text):
        return SpeechQuestion("who", None, denies(text), frozenset(numbers_in(text)))
    return None


@dataclass(frozen=True)
class QuoteMatch:
    """What the index answers: ``copy`` (the speaker's name, or the quoted words) from the
    evidence sentence ``evidence``, which is attributed as ``quote``."""

    kind: Literal["who", "what"]
    evidence: Evidence
    quote: Quote
    copy: str
    why: str


def _ranked(evidence: Sequence[Evidence], best: int) -> list[Evidence]:
    """Best-ranked first, then the rest in retrieval's order (as the reader takes them)."""
    if not evidence:
        return []
    return [evidence[best]] + [e for i, e in enumerate(evidence) if i != best]


def match_quote(
    asked: SpeechQuestion,
    evidence: Sequence[Evidence],
    best: int,
    quotes: Callable[[str | None, set[tuple[str, int]]], list[Quote]],
    floor: float,
    top: int = TOP,
    margin: float = MARGIN,
    polarity: bool = True,
    notes: list[str] | None = None,
    about: Callable[[str, str], float | None] | None = None,
) -> QuoteMatch | None:
    """The quote that answers ``asked`` among the first ``top`` ranked evidence sentences, or
    None. ``quotes(speaker, at)`` lists the index's quotes of ``speaker`` (anyone's for
    ``None``) at those (article id, sentence index) pairs, as :meth:`kutip.store.Store.quotes`
    does: only the few evidence sentences are read, never the whole store. A who-said quote
    must deny when the question asks for a denial and only then (``polarity``); a what-said
    quote must talk about the question's topic when ``about(sentence, topic)`` (a probability)
    is given; ``notes`` collects why a quote was passed over.
    """
    ranked = _ranked(evidence, best)
    if not ranked:
        return None
    high = max(e.score for e in ranked)
    near = [e for e in ranked[:top] if e.score >= floor and e.score >= high - margin]
    wanted = {(e.article_id, e.sentence_index) for e in near}
    by_sentence: dict[tuple[str, int], Quote] = {}
    for q in quotes(asked.speaker, wanted) if near else []:
        key = (q.article_id, q.sentence_index)
        if key in wanted:
            by_sentence.setdefault(key, q)
    for rank, e in enumerate(near, start=1):
        q = by_sentence.get((e.article_id, e.sentence_index))
        if q is None:
            continue
        where = (
            f"quote index: [{e.n}] (rank {rank}, similarity {e.score:.3f}, best {high:.3f}) "
            f"is {q.speaker or 'an unnamed source'}'s ({q.cue})"
        )
        if not asked.numbers <= numbers_in(e.text):
            # "Who said 3,000 troops …?" over a sentence with 2,000: the claim is not this one.
            if notes is not None:
                notes.append(f"{where}, without the question's numbers {sorted(asked.numbers)}")
            continue
        if asked.kind == "what":
            if not q.quote.strip():
                continue
            p = about(e.text, asked.topic) if about and asked.topic else None
            if p is not None and p < TOPIC_BAR:
                if notes is not None:
                    notes.append(f"{where}, not about {asked.topic!r} (p(yes) {p:.2f})")
                continue
            topic = "" if p is None else f", about {asked.topic!r} (p(yes) {p:.2f})"
            return QuoteMatch("what", e, q, q.quote.strip(), f"{where}{topic}: the quote answers")
        if not q.speaker or q.inherited:
            continue  # the sentence itself does not name who said it
        said = denies(f"{q.cue} {q.quote}")
        if polarity and said != asked.denies:
            if notes is not None:
                wants = "a denial" if asked.denies else "no denial"
                notes.append(f"{where}, {'a denial' if said else 'no denial'}: {wants} asked")
            continue
        return QuoteMatch("who", e, q, q.speaker, f"{where}: the speaker answers")
    return None


def needs_phrasing(speaker: str, language: str, question: str = "") -> bool:
    """Whether a speaker must be phrased for a ``language`` reader: a person's name stays as
    written ("Rachmat" is not an Indonesian word to translate, whatever the language check
    says), an organisation or a role named in the other language ("Kementerian Kesehatan
    Gaza", "Pemerintah Uzbekistan": words of the attribution rules' lists) is phrased."""
    words = {w.casefold() for w in re.findall(r"\w+", speaker)}
    if not words & (ORG_WORDS | ROLE_WORDS):
        return False
    return bool(foreign_words(speaker, language, [question]))


def answer_from_quotes(
    question: str,
    evidence: Sequence[Evidence],
    best: int,
    store: Store,
    floor: float,
    model: Any,
    answer: Answer,
    started: float,
) -> Generator[Event, None, bool]:
    """Answer a speech question from the index: yields the reading and the answer's pieces,
    fills ``answer`` (text, citation, first-token time, notes) and returns True; returns False
    with nothing done when the question is not one or the index has no match."""
    asked = speech_question(question)
    if asked is None:
        return False
    try:
        match = match_quote(
            asked,
            evidence,
            best,
            lambda name, at: store.quotes(speaker=name, at=at),
            floor,
            notes=answer.notes,
            about=None if model is None else Reader(model).about,
        )
    except Exception as exc:  # the index is a shortcut: never the reason a question fails
        answer.notes.append(f"quote index not consulted: {exc!r}")
        return False
    if match is None:
        answer.notes.append(f"quote index: no {asked.kind}-said match in the top {TOP}")
        return False
    answer.notes.append(match.why)
    yield ReadingEvent(match.evidence.n)
    source, copy = match.evidence.lang, match.copy
    if match.kind == "who" and not needs_phrasing(copy, answer.language, question):
        source = answer.language  # a name stays as it is written: nothing to translate
        if foreign_words(copy, answer.language, [question]):
            copy = as_quote(copy)  # the language check's rule: the source's words, marked
    budget = min(160, 2 * count_tokens(copy) + 16)
    phraser = Phraser(model, max_tokens=budget)
    yield from stream_answer(phraser, answer, copy, source, match.evidence, started)
    return True
