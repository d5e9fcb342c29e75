"""Judging handed evidence: which units hold it, and where kutip lost it."""

from eval.baselines import Unit
from eval.evidence import STEPS, holds_evidence, lost_at
from eval.targets import Target


def test_holds_evidence_whole_sentence_or_answer_span():
    target = Target(ranges=[("a", 100, 200)], spans=[("a", 150, 160)])
    assert holds_evidence(Unit("a", 100, 200), target)  # the sentence itself
    assert holds_evidence(Unit("a", 0, 1000), target)  # a chunk around it
    assert holds_evidence(Unit("a", 140, 170), target)  # chunk cut the sentence, not the answer
    assert not holds_evidence(Unit("a", 155, 300), target)  # the answer is cut
    assert not holds_evidence(Unit("b", 0, 1000), target)  # another article


def test_lost_at_names_the_first_step_without_the_evidence():
    target = Target(qrels={"a": 1}, ranges=[("a", 100, 200)])
    gold, same_article, other = Unit("a", 100, 200), Unit("a", 0, 99), Unit("b", 0, 50)
    # Handed: nothing was lost.
    assert lost_at(True, [gold, other], [gold], target) is None
    # Scored and kept by the focus, but not handed: the budget (or evidence_k) cut it.
    assert lost_at(False, [gold, other], [gold, other], target) == "over the budget"
    # Scored, then dropped with its article by the focus.
    assert lost_at(False, [other, gold], [other], target) == "dropped by focus"
    # Its article was scored, the sentence itself never was.
    assert lost_at(False, [other, same_article], [other], target) == "not a candidate"
    # Nothing of its article was scored.
    assert lost_at(False, [other], [other], target) == "not retrieved"
    assert set(STEPS) == {"not retrieved", "not a candidate", "dropped by focus", "over the budget"}
