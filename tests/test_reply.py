"""What a model's reply becomes (qa.reply): markers, quotes, answers from a distractor article."""

from __future__ import annotations

import pytest

from ingest.pipeline import Ingestor
from kutip.schema import SourceDocument
from tests.test_assistant import _assistant


def test_reply_of_only_markers_quotes_the_cited_sentence(settings, store):
    assistant = _assistant(settings, store, ["[2]"], relevance_floor=0.0)
    answer = assistant.ask("What did Budi Santoso say about imports?")
    assert not answer.refused
    cited = answer.evidence[1]
    assert answer.answer == f"{cited.text} [1]"
    assert answer.citations[0].text == cited.text and answer.citations[0].n == 1


def test_a_run_of_markers_quotes_the_best_ranked_sentence(settings, store):
    # "[2] [3]" is the model counting, not choosing: quote what extractive mode would.
    assistant = _assistant(settings, store, ["[2] [3]"], relevance_floor=0.0)
    answer = assistant.ask("What did Budi Santoso say about imports?")
    extractive = _assistant(settings, store, relevance_floor=0.0).ask(
        "What did Budi Santoso say about imports?", use_llm=False
    )
    assert not answer.refused and answer.answer == extractive.answer
    assert answer.citations[0].text not in {e.text for e in answer.evidence[1:3]}


def test_a_number_answer_is_not_read_as_a_pick_of_sentences(settings, store):
    # "3.600 [1]" answers with a number and cites [1]; it was quoted as if it picked sentence 3.
    assistant = _assistant(settings, store, ["3.600 [1]"], relevance_floor=0.0)
    answer = assistant.ask("What did Budi Santoso say about imports?")
    assert not any("only cited" in n for n in answer.notes)
    assert answer.answer != f"{answer.evidence[2].text} [1]"


def test_a_reply_that_only_points_at_a_sentence_quotes_it(settings, store):
    question = "What did Budi Santoso say about imports?"
    reply = "What Budi Santoso did say about imports is found in sentence [2]."
    answer = _assistant(settings, store, [reply], relevance_floor=0.0).ask(question)
    assert not answer.refused
    assert answer.answer == f"{answer.evidence[1].text} [1]"
    assert any("pointed at sentences" in n for n in answer.notes)


def test_a_pointer_after_a_claim_cites_the_claim_and_adds_nothing(settings, store):
    question = "What did Budi Santoso say about imports?"
    claim = "Budi Santoso said 2,000 tonnes of imports would arrive in March."
    run = {"relevance_floor": 0.0, "citation_floor": 0.0}
    pointed = _assistant(settings, store, [f"{claim} This is reflected in sentence [1]."], **run)
    cited = _assistant(settings, store, [f"{claim} [1]"], **run)
    answer = pointed.ask(question).answer
    assert answer == cited.ask(question).answer and "reflected" not in answer


def test_a_pointer_inside_an_answer_leaves_the_answer_and_its_marker(settings, store):
    # "4% from sentence [2]." must keep its number: only the pointer goes.
    question = "How many tonnes of rice imports did Budi Santoso announce?"
    reply = "Budi Santoso announced 2,000 tonnes, as stated in sentence [1]."
    run = {"relevance_floor": 0.0, "citation_floor": 0.0}
    answer = _assistant(settings, store, [reply], **run).ask(question)
    assert answer.answer == "Budi Santoso announced 2,000 tonnes [1]."
    assert "2,000 tonnes" in answer.citations[0].text


def test_out_of_range_markers_only_is_a_refusal(settings, store):
    assistant = _assistant(settings, store, ["[9]"], relevance_floor=0.0)
    assert assistant.ask("What did Budi Santoso say about imports?").refused


COFFEE = SourceDocument(
    key="mem://coffee",
    title="Coffee",
    text=(
        "Coffee exporters in Lampung shipped 5,000 tonnes to Europe in March.\n"
        "Farmers said the harvest was late because of the rains.\n"
    ),
    source="wire",
)
IMPORTS = "How many tonnes of rice imports did Budi Santoso say would arrive in March?"


def _distracted(settings, store, **overrides):
    """An assistant whose model answers from the coffee article, not the best-ranked sentence;
    with the reply it gives and the best-ranked sentence."""
    Ingestor(settings, store).ingest_documents([COFFEE])
    run = {"relevance_floor": 0.0, "citation_floor": 0.0, "evidence_focus": 1.0, **overrides}
    probe = _assistant(settings, store, **run)
    found = probe.retrieve(IMPORTS)
    best = found.evidence[found.best]
    other = next(e for e in found.evidence if e.article_id != best.article_id)
    reply = f"{other.text} [{other.n}]"
    return _assistant(settings, store, [reply], **run), best, other


def test_an_answer_from_another_article_below_the_best_quotes_the_best(settings, store):
    assistant, best, other = _distracted(settings, store, distractor_margin=0.0)
    answer = assistant.ask(IMPORTS)
    assert other.text not in answer.answer
    assert answer.answer == f"{best.text} [1]" and answer.citations[0].text == best.text
    assert any("another article" in n for n in answer.notes)


def test_the_distractor_rule_can_be_turned_off(settings, store):
    assistant, _, other = _distracted(settings, store, distractor_margin=1.0)
    answer = assistant.ask(IMPORTS)
    assert [c.text for c in answer.citations] == [other.text], answer.notes


def test_a_quote_in_another_language_than_the_readers_is_not_an_answer(settings, store):
    # An Indonesian answer is asked for; the best sentence is English: the model is kept.
    assistant, _, other = _distracted(settings, store, distractor_margin=0.0)
    answer = assistant.ask(IMPORTS, answer_language="id")
    assert not any("another article" in n for n in answer.notes)
    assert [c.text for c in answer.citations] == [other.text], answer.notes


def test_distractor_margin_is_checked(monkeypatch):
    from kutip.config import load_settings
    from kutip.errors import ConfigError

    monkeypatch.setenv("KUTIP_DISTRACTOR_MARGIN", "0.05")
    assert load_settings().distractor_margin == 0.05
    with pytest.raises(ConfigError, match="distractor_margin"):
        load_settings(distractor_margin=1.5)
