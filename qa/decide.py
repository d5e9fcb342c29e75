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
not used for fitting, docs/evaluation.md). A copy the model refused to give is asked for
again, with the refusal banned, only when the weights say the piece answers.
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

    ``skip_below``: a judgment under this is not worth a copy call (saves about a second per
    hopeless piece on 2 cores).
    """

    def __init__(self, weights: Sequence[float], skip_below: float = 0.0) -> None:
        if len(weights) != 4:
            raise ValueError("decision weights are (bias, w_yes, w_copy, w_sim)")
        self.bias, self.w_yes, self.w_copy, self.w_sim = (float(w) for w in weights)
        self.skip_below = skip_below

    def worth_copying(self, judgment: Judgment) -> bool:
        return judgment.p_yes is None or judgment.p_yes >= self.skip_below

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
