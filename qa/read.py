"""Read: the model's two small jobs on one piece of evidence, with how sure it was.

A *piece* is one evidence sentence, plus the sentence before it when that one carries its
subject ("... tambahnya", "he added": the speaker is named a sentence earlier). For each piece
the model is asked

1. whether the piece states the answer to the question (one token: the probability of
   ``yes`` is the judgment, not the greedy word), and
2. to copy the words that answer it, in the piece's own language, or ``NOT FOUND`` (and the
   probability it gave ``NOT`` as its first token). Told not to translate, the 1.5B model
   still answered English questions over Indonesian sentences in English ("Under the unfair
   commercial practices directive"), words no sentence holds. So where the backend takes a
   grammar (llama.cpp's GBNF), the copy *can only* be a run of the piece's own words or
   ``NOT FOUND``: :func:`copy_grammar`. The first-token probabilities llama.cpp reports are
   the model's own, before the grammar, so ``NOT`` still says how unsure the model was.

Both prompts start with the piece and the question, so the second pays only for its last line
(llama.cpp's prompt cache). Every prompt token costs the user time (60 to 80 a second on 2
cores), so no prompt may pass ``max_prompt_tokens``: a piece that would drops its context
sentence first, and a sentence still too long is read in parts cut at clause edges, each its
own piece (a copy from a part still cites the whole sentence).

The reader does not decide anything: :mod:`qa.decide` weighs these signals with the retrieval
score, and :mod:`qa.check` holds the copy against the sentence.

Probabilities come from the standard ``logprobs``/``top_logprobs`` arguments (ChatOpenAI's
names, which :class:`kutip.models.llamacpp.ChatLlamaCpp` also reads); a backend without them
gives ``None`` and the decision falls back on the copy alone.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from langchain_core.messages import BaseMessage

from kutip.schema import Sentence
from kutip.text.tokens import count_tokens, split_to_fit
from qa.prompt import (
    NOT_FOUND,
    confirm_messages,
    extract_messages,
    judge_messages,
    piece_text,
    topic_messages,
)
from qa.types import Evidence

__all__ = ["Copy", "Judgment", "Piece", "Reader", "needs_context", "piece_budget", "pieces"]

# A sentence whose speaker or subject is only a pronoun or a "-nya" cue: the sentence before
# names them. Indonesian reporting verbs with -nya ("tambahnya", "katanya") and English ones
# after a pronoun ("he added"), or a sentence opening with a pronoun.
_ANAPHORA = re.compile(
    r"\b(?:tambah|kata|ujar|ungkap|tutur|tegas|jelas|imbuh|lanjut|sebut|pungkas)nya\b|"
    r"\b(?:he|she|they|it)\s+(?:said|added|told|stated|noted|explained|continued)\b|"
    r"^\W*(?:he|she|they|it|his|her|their|its|this|these|dia|ia|beliau|mereka|hal ini)\b",
    re.IGNORECASE,
)
# The first token of the instructed refusal, in the forms the tokenizer may start it with.
_NOT = NOT_FOUND.split()[0]
BAN_NOT_FOUND = [[form, False] for form in (_NOT, " " + _NOT, "Not", " Not")]


def needs_context(sentence: str) -> bool:
    """Whether a sentence leans on the one before it for its subject or speaker."""
    return bool(_ANAPHORA.search(sentence))


@dataclass(frozen=True)
class Piece:
    """One evidence sentence as the model reads it; ``context`` is the sentence before it
    when it carries the subject (it can be cited too: the copy may come from it), ``part``
    the words shown instead of the whole sentence when it is too long for one prompt."""

    evidence: Evidence
    context: Evidence | None = None
    part: str | None = None

    @property
    def text(self) -> str:
        shown = self.part if self.part is not None else self.evidence.text
        return piece_text(shown, self.context.text if self.context else None)

    @property
    def shown(self) -> list[str]:
        """What the model sees of each sentence (the copy grammar's words)."""
        first = self.part if self.part is not None else self.evidence.text
        return [first] + ([self.context.text] if self.context else [])

    @property
    def sentences(self) -> list[Evidence]:
        """The cited sentence first, then its context."""
        return [self.evidence] + ([self.context] if self.context else [])


# What a prompt holds besides the piece and the question, in tokens: the chat template (about
# 30 on Qwen2.5, which adds its default system line), "Sentence:"/"Question:" and the copy
# job's instruction, the longest of the jobs (measured: llama.cpp's count of the copy prompt
# minus the cl100k count of the piece and question was 59 to 60 on three pieces, with a copy
# instruction two tokens shorter than today's when it may refuse).
PROMPT_OVERHEAD = 64


def piece_budget(question: str, max_prompt_tokens: int) -> int:
    """Tokens left for a piece's text once the question and the job are in the prompt."""
    return max(8, max_prompt_tokens - PROMPT_OVERHEAD - count_tokens(question))


def pieces(
    evidence: Sequence[Evidence],
    sentences_of: Callable[[str], list[Sentence]],
    limit: int,
    budget: int | None = None,
) -> list[Piece]:
    """The first ``limit`` evidence sentences (best first) as pieces, each with the sentence
    before it when it needs one; with ``budget`` (tokens of piece text), a piece over it
    loses its context, and a sentence alone over it is read in parts."""
    out: list[Piece] = []
    for e in evidence[:limit]:
        context = None
        if needs_context(e.text) and e.sentence_index > 0:
            before = sentences_of(e.article_id)
            if e.sentence_index - 1 < len(before):
                s = before[e.sentence_index - 1]
                context = replace(
                    e, n=0, sentence_index=s.index, start=s.start, end=s.end, text=s.text
                )
        piece = Piece(e, context)
        if budget is None or count_tokens(piece.text) <= budget:
            out.append(piece)
            continue
        alone = Piece(e)
        if count_tokens(alone.text) <= budget:
            out.append(alone)
            continue
        room = budget - count_tokens(piece_text(""))
        out.extend(Piece(e, part=part) for part in split_to_fit(e.text, max(1, room)))
    return out


@dataclass(frozen=True)
class Judgment:
    """The model's probability that the piece states the answer (None: not reported)."""

    p_yes: float | None
    prompt_tokens: int
    ms: float


@dataclass(frozen=True)
class Copy:
    """The words the model copied ("" for its ``NOT FOUND``), and the probability it gave
    ``NOT`` as its first token (None: not reported, or the option was banned)."""

    span: str
    p_not_found: float | None
    prompt_tokens: int
    ms: float


class Reader:
    """Runs the judge and copy jobs on a chat model (any LangChain chat model)."""

    def __init__(self, model: Any, max_tokens: int = 48) -> None:
        self.model = model
        self.max_tokens = max_tokens

    def judge(self, question: str, piece: Piece) -> Judgment:
        started = time.perf_counter()
        messages = judge_messages(piece.text, question)
        reply = self._one_token(messages)
        return Judgment(yes_probability(reply), _prompt_tokens(reply, messages), _ms(started))

    def confirms(self, question: str, piece: Piece, answer: str) -> float | None:
        """The probability that ``piece`` states ``answer`` as the answer (None: not reported)."""
        return yes_probability(self._one_token(confirm_messages(piece.text, question, answer)))

    def about(self, sentence: str, topic: str) -> float | None:
        """The probability that ``sentence`` talks about ``topic`` (None: not reported)."""
        return yes_probability(self._one_token(topic_messages(sentence, topic)))

    def _one_token(self, messages: list[BaseMessage]) -> Any:
        """A yes/no job: one token, with its alternatives' probabilities."""
        return self._invoke(messages, max_tokens=1, logprobs=True, top_logprobs=10)

    def copy(self, question: str, piece: Piece, allow_not_found: bool = True) -> Copy:
        """The copied words; with ``allow_not_found=False`` the model may not refuse (used
        when the other signals say the piece answers and the model's ``NOT`` was unsure)."""
        started = time.perf_counter()
        kwargs: dict[str, Any] = {"max_tokens": self.max_tokens}
        if allow_not_found:
            kwargs.update(logprobs=True, top_logprobs=10)
        else:
            kwargs["logit_bias"] = BAN_NOT_FOUND
        grammar = copy_grammar(piece.shown, allow_not_found)
        messages = extract_messages(piece.text, question, allow_not_found)
        try:
            reply = self._invoke(messages, grammar=grammar, **kwargs)
        except Exception:  # a backend without grammars: the copy is checked afterwards anyway
            reply = self._invoke(messages, **kwargs)
        text = clean_copy(str(reply.content))
        probs = first_token_probs(reply) if allow_not_found else None
        p_not = None
        if probs is not None:
            p_not = sum(p for token, p in probs.items() if token.strip().upper().startswith(_NOT))
        if text.upper().startswith(NOT_FOUND):
            text = ""
        return Copy(text, p_not, _prompt_tokens(reply, messages), _ms(started))

    def _invoke(self, messages: list[BaseMessage], **kwargs: Any) -> Any:
        # Copying must not be penalised for repeating the sentence's own words: the default
        # repeat penalty (which stops the model looping in free answers) turned a copied
        # "26.700" into NOT FOUND.
        try:
            return self.model.invoke(messages, repeat_penalty=1.0, **kwargs)
        except TypeError:  # a backend that takes no sampling arguments (test fakes)
            return self.model.invoke(messages)


_EDGE = "\"'“”‘’«»()[].,;:!?"


def copy_grammar(sentences: Sequence[str], allow_not_found: bool = True) -> str:
    """A GBNF grammar whose strings are the runs of consecutive words of ``sentences`` (edge
    punctuation dropped), or ``NOT FOUND``: a copy that cannot be anything but the source's
    words. Linear in the words: rule ``wN`` is word N, then optionally the rest from N+1."""
    rules: list[str] = []
    starts: list[str] = []
    for k, sentence in enumerate(sentences):
        words = [w.strip(_EDGE) for w in sentence.split()]
        words = [w for w in words if w]
        for i, word in enumerate(words):
            name = f"s{k}w{i}"
            literal = json.dumps(word, ensure_ascii=False)
            rest = f' (" " s{k}w{i + 1})?' if i + 1 < len(words) else ""
            rules.append(f"{name} ::= {literal}{rest}")
            starts.append(name)
    alternatives = ([json.dumps(NOT_FOUND)] if allow_not_found else []) + starts
    return "\n".join([f"root ::= {' | '.join(alternatives)}", *rules])


_REFERENCE_MARK = re.compile(r"\[\d{1,3}\]|\[\d{0,3}$")


def clean_copy(text: str) -> str:
    """The copied words without the wrapping a small model adds: quotes, a label, a full stop,
    and an encyclopedia's reference marks ("2017.[1]", "Ortodoks".[3][4"), which the reply's
    own ``[n]`` citation would turn into a broken one ("2017.[1 [1].")."""
    text = text.strip().splitlines()[0].strip() if text.strip() else ""
    text = " ".join(_REFERENCE_MARK.sub(" ", text).split())
    text = re.sub(r"^(?:answer|jawaban|the answer is)\s*:\s*", "", text, flags=re.IGNORECASE)
    text = text.rstrip(" .;:,")
    if len(text) > 1 and text[0] in "\"'“‘«" and text[-1] in "\"'”’»":
        text = text[1:-1].strip()
    elif text[-1:] in ('"', "”") and text.count(text[-1]) + text.count("“") == 1:
        text = text[:-1]  # the close of a quote the copy began inside
    return text.rstrip(" .;:,")


def yes_probability(reply: Any, words: tuple[str, ...] = ("yes",)) -> float | None:
    """The probability that a one-token reply is one of ``words`` (its first token's
    alternatives); a backend without probabilities gives its word as 1.0 or 0.0, and None
    when it said nothing."""
    probs = first_token_probs(reply)
    if probs is not None:
        return sum(p for token, p in probs.items() if token.strip().lower() in words)
    word = str(reply.content).strip().lower()
    return (1.0 if word.startswith(words) else 0.0) if word else None


def first_token_probs(reply: Any) -> dict[str, float] | None:
    """``{token: probability}`` of the reply's first token's alternatives, or None."""
    try:
        content = reply.response_metadata["logprobs"]["content"]
        top = content[0]["top_logprobs"]
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    probs: dict[str, float] = {}
    for t in top:
        token = str(t.get("token", ""))
        probs[token] = probs.get(token, 0.0) + math.exp(float(t["logprob"]))
    return probs


def _prompt_tokens(reply: Any, messages: Sequence[BaseMessage]) -> int:
    """The model's own count of the prompt, or tiktoken's when the backend reports none."""
    usage = getattr(reply, "usage_metadata", None) or {}
    reported = int(usage.get("input_tokens") or 0)
    return reported or sum(count_tokens(str(m.content)) for m in messages)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
