"""Judging the evidence a system hands its answerer: does a unit hold the evidence sentence,
and if none does, at which step of kutip's selection was it lost.

kutip hands the answerer a few sentences, not whole chunks, so "the evidence was not in the
prompt" has four causes, and each is answered by a different setting:

- ``not retrieved``: no sentence of an article holding the evidence was scored at all; the
  fusion weights or the embedding model decide that (``python -m eval.sweep``).
- ``not a candidate``: its article was retrieved, but the sentence sits in a chunk ranked
  below those whose sentences are scored, and no sentence hit named it.
- ``dropped by focus``: it was scored, but its article's best sentence fell more than
  ``evidence_focus`` below the best one.
- ``over the budget``: it survived the focus but ranked below what fits in
  ``evidence_tokens`` and ``evidence_k``.

On TyDi at archive scale, 28 of the 47 questions whose sentence was not handed over were lost
before any of it was scored (docs/evaluation.md), so the settings to try there are the
retrieval ones, not the budget.
"""

from __future__ import annotations

from collections.abc import Sequence

from eval.baselines import Unit
from eval.targets import Target

STEPS = ("not retrieved", "not a candidate", "dropped by focus", "over the budget")


def holds_evidence(unit: Unit, target: Target) -> bool:
    """A handed unit holds the evidence if it contains a whole evidence sentence, or the whole
    answer span when a chunk boundary cut that sentence (the answerer could still read it)."""
    return any(
        aid == unit.article_id and unit.start <= start and end <= unit.end
        for aid, start, end in (*target.ranges, *target.spans)
    )


def lost_at(
    handed: bool, candidates: Sequence[Unit], focused: Sequence[Unit], target: Target
) -> str | None:
    """The step (one of :data:`STEPS`) where the evidence left kutip's selection, or ``None``
    when it was handed over (``handed``: the runner has already judged the handed units)."""
    if handed:
        return None
    if any(holds_evidence(u, target) for u in focused):
        return "over the budget"
    if any(holds_evidence(u, target) for u in candidates):
        return "dropped by focus"
    if {u.article_id for u in candidates} & set(target.qrels):
        return "not a candidate"
    return "not retrieved"
