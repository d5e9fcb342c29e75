"""Gold targets in the coordinates of the built index: article ids, evidence sentences, spans.

Datasets name passages by key and answers by offsets into the *raw* context; ingest stores a
cleaned text (whitespace normalised, invisible characters dropped) under a content-hash id. This
module maps one to the other:

1. passage key -> article id through ``Store.find_by_key`` (or an article id the user gave);
2. answer offset -> stored offset by counting the characters cleaning keeps (neither whitespace
   nor invisible), then checking that the answer text really starts there;
3. if it does not, the first stored occurrence of the answer text (whitespace-insensitive);
4. if the text is nowhere, the sentence at the mapped offset still is the evidence: judged at
   sentence level, as the data's README says of the ~2% clipped projected spans in the xling
   sets. A clipped span found at its offset ("Rina Wuland") also adds its whole words ("Rina
   Wulandari") as an accepted answer, so a correct reply is not scored wrong for the clipping.

User JSONL evidence is a substring of the supporting sentence: every stored sentence range it
matches (in the named article, else anywhere in the collection) is evidence, and the articles
holding it are the relevant passages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from eval.datasets import EvalSet, Question
from kutip.schema import Article, Sentence
from kutip.store import Store

Range = tuple[str, int, int]  # (article_id, start, end) in stored text


@dataclass
class Target:
    """What a question's retrieval and evidence are judged against."""

    qrels: dict[str, int] = field(default_factory=dict)  # article id -> grade
    sentences: set[tuple[str, int]] = field(default_factory=set)  # (article id, sentence index)
    ranges: list[Range] = field(default_factory=list)  # the evidence sentences' ranges
    spans: list[Range] = field(default_factory=list)  # answer / evidence spans
    answers: list[str] = field(default_factory=list)  # located spans widened to whole words
    fallback: bool = False  # located by text search, not by offset


class Resolver:
    """Caches articles and sentences while resolving a dataset's questions against one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._articles: dict[str, Article | None] = {}
        self._sentences: dict[str, list[Sentence]] = {}
        self._all: list[Article] | None = None

    def article(self, key_or_id: str) -> Article | None:
        if key_or_id not in self._articles:
            found = self.store.find_by_key(key_or_id) or self.store.get_article(key_or_id)
            self._articles[key_or_id] = found
        return self._articles[key_or_id]

    def sentences(self, article_id: str) -> list[Sentence]:
        if article_id not in self._sentences:
            self._sentences[article_id] = self.store.sentences(article_id)
        return self._sentences[article_id]

    def resolve_all(self, evalset: EvalSet, questions: Iterable[Question]) -> dict[str, Target]:
        raw = {p.key: p.text for p in evalset.passages}
        return {q.id: self._resolve(q, raw) for q in questions}

    def _resolve(self, question: Question, raw: dict[str, str]) -> Target:
        target = Target()
        for key, grade in question.qrels.items():
            article = self.article(key)
            if article is not None:
                target.qrels[article.id] = max(grade, target.qrels.get(article.id, 0))
        if question.impossible:
            return target
        if question.answer_starts and question.passage_key in raw:
            article = self.article(question.passage_key)
            if article is not None:
                for text, start in zip(question.answers, question.answer_starts, strict=False):
                    self._locate_span(target, article, raw[question.passage_key], text, start)
        for evidence in question.evidence:
            self._locate_evidence(target, question, evidence)
        return target

    def _add(self, target: Target, article_id: str, start: int, end: int) -> None:
        target.spans.append((article_id, start, end))
        end = max(end, start + 1)
        for s in self.sentences(article_id):
            if s.start < end and start < s.end and (article_id, s.index) not in target.sentences:
                target.sentences.add((article_id, s.index))
                target.ranges.append((article_id, s.start, s.end))

    def _locate_span(
        self, target: Target, article: Article, context: str, answer: str, start: int
    ) -> None:
        stored = map_offset(context, article.text, start) if start >= 0 else None
        if stored is not None:
            match = flexible_pattern(answer).match(article.text, stored)
            if match:
                self._add(target, article.id, match.start(), match.end())
                # A clipped span ("Rina Wuland") is judged by the words it sits in.
                target.answers.append(whole_words(article.text, match.start(), match.end()))
                return
        found = flexible_pattern(answer).search(article.text)
        if found:
            target.fallback = True
            self._add(target, article.id, found.start(), found.end())
        elif stored is not None:  # clipped span: the sentence at the offset is the evidence
            self._add(target, article.id, stored, min(len(article.text), stored + len(answer)))

    def _locate_evidence(self, target: Target, question: Question, evidence: str) -> None:
        pattern = flexible_pattern(evidence)
        named = self.article(question.passage_key) if question.passage_key else None
        if named is None and self._all is None:
            self._all = self.store.list_articles()
        candidates = [named] if named else self._all or []
        for article in candidates:
            for match in pattern.finditer(article.text):
                self._add(target, article.id, match.start(), match.end())
                target.qrels.setdefault(article.id, 1)


def _kept(ch: str) -> bool:
    """Characters cleaning never removes: not whitespace, not invisible or control."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc")


def map_offset(raw: str, stored: str, offset: int) -> int | None:
    """The stored offset of ``raw[offset]``: the position after as many kept characters."""
    if offset > len(raw):
        return None
    want = sum(1 for ch in raw[:offset] if _kept(ch))
    seen = 0
    for i, ch in enumerate(stored):
        if _kept(ch):
            if seen == want:
                return i
            seen += 1
    return len(stored) if seen == want else None


def whole_words(text: str, start: int, end: int) -> str:
    """``text[start:end]`` widened to the word boundaries on both sides."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end]


def flexible_pattern(text: str) -> re.Pattern[str]:
    """A case-insensitive pattern for ``text`` where any whitespace run matches any other."""
    words = [re.escape(w) for w in text.split()]
    return re.compile(r"\s+".join(words) if words else r"(?!)", re.IGNORECASE)
