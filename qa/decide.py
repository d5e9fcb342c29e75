"""Decide: whether a piece of evidence answers the question, from several signals at once.

The 1.5B model's own word is a poor judge either way: asked to answer from ten sentences it
never refused an unanswerable question (BASELINES.md), and asked to copy from one Indonesian
sentence for an English question it said ``NOT FOUND`` to the Kirby sentence with 0.74 of its
probability. Its *probabilities* separate better than its greedy words, and the retrieval
score says something neither of them does. So a piece answers when a weighted sum of

- ``p_yes``: the judge's probability of "yes, the sentence states the answer",
- ``1 - p_not_found``: how little the copy job leaned to ``NOT FOUND``,
- ``similarity``: the piece's cosine with the question,

clears zero (a logistic model's decision boundary; the weights are fitted on the dev sets'
answerable and unanswerable questions by ``python -m eval.decide`` and checked on questions
not used for fitting, docs/evaluation.md). The fit found the judge alone (``p_yes >= 0.7``) as
good as all three signals together on 169 questions, so that simpler rule is the default; the
other signals stay available to a refit on other models or data. A copy the model refused to
give is asked for again, with the refusal banned, only when the weights say the piece answers.

A piece that falls short by less than ``unsure`` (p(yes) 0.5 to 0.7) is a second signal's
business: its copied answer is checked against it ("does the sentence state that this is the
answer?") and it answers when that check clears ``confirm_bar``. As a second opinion inside the
judge's unsure band it beat a lower bar on held-apart questions (more answers from the right
sentence, fewer false refusals); the assistant gives each question one such look.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.read import Copy, Judgment

__all__ = ["Decider", "Signals", "Verdict"]


@dataclass(frozen=True)
class Signals:
    """What is known about one piece when the decision is made."""

    similarity: float
    p_yes: float | None
    p_not_found: float | None = None
    copied: bool = True
    """Whether the copy job gave words (False: it said ``NOT FOUND``)."""

    @staticmethod
    def of(similarity: float, judgment: Judgment, copy: Copy | None = None) -> Signals:
        return Signals(
            similarity,
            judgment.p_yes,
            None if copy is None else copy.p_not_found,
            True if copy is None else bool(copy.span),
        )


@dataclass(frozen=True)
class Verdict:
    answers: bool
    score: float
    why: str


class Decider:
    """A linear decision over the signals: ``bias + w_yes*p_yes + w_copy*(1 - p_not_found)
    + w_sim*similarity >= 0``.

    The copy job is asked only when its result can still change the decision, so a piece
    that cannot answer costs one judge call (about a second on 2 cores), and with ``w_copy``
    0 (the fitted default: the judge alone decides) the copy is asked once, for the answer.
    """

    def __init__(
        self, weights: Sequence[float], unsure: float = 0.0, confirm_bar: float = 0.8
    ) -> None:
        if len(weights) != 4:
            raise ValueError("decision weights are (bias, w_yes, w_copy, w_sim)")
        self.bias, self.w_yes, self.w_copy, self.w_sim = (float(w) for w in weights)
        self.unsure_margin = float(unsure)
        self.confirm_bar = float(confirm_bar)

    def unsure(self, judgment: Judgment, similarity: float) -> bool:
        """Whether a piece the judge turned down came within ``unsure`` of answering: then the
        copied answer is checked against it (:meth:`confirmed`) before it is refused."""
        if judgment.p_yes is None or self.unsure_margin <= 0.0:
            return False
        verdict = self.decide(Signals(similarity, judgment.p_yes, 0.0))
        return -self.unsure_margin <= verdict.score < 0.0

    def confirmed(self, p_confirm: float | None) -> bool:
        """Whether the check of the copied answer clears its bar."""
        return p_confirm is not None and p_confirm >= self.confirm_bar

    @property
    def uses_copy(self) -> bool:
        """Whether the copy job's ``NOT FOUND`` probability is a signal at all."""
        return self.w_copy != 0.0

    def worth_copying(self, judgment: Judgment, similarity: float) -> bool:
        """Whether the piece can still answer once the copy is known: with the best copy
        signal (no lean to ``NOT FOUND``) the score must be able to reach zero."""
        if judgment.p_yes is None:
            return True
        best = Signals(similarity, judgment.p_yes, 0.0 if self.w_copy >= 0 else 1.0)
        return self.decide(best).answers

    def decide(self, signals: Signals) -> Verdict:
        if signals.p_yes is None:
            # A backend without probabilities: the model's own words are all there is.
            return Verdict(signals.copied, 0.0, "no probabilities; the copy job's word")
        p_not = signals.p_not_found if signals.p_not_found is not None else 0.0
        if signals.p_not_found is None and not signals.copied:
            p_not = 1.0
        score = (
            self.bias
            + self.w_yes * signals.p_yes
            + self.w_copy * (1.0 - p_not)
            + self.w_sim * signals.similarity
        )
        why = (
            f"p_yes={signals.p_yes:.3f} p_not_found={p_not:.3f} "
            f"similarity={signals.similarity:.3f} score={score:+.3f}"
        )
        return Verdict(score >= 0.0, round(score, 4), why)
