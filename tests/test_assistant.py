"""The assistant API: event order, refusal floor, extractive mode, citation checks, follow-ups."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from ingest.pipeline import Ingestor
from kutip.schema import SourceDocument
from qa.assistant import Assistant
from qa.types import AnswerEvent, EvidenceEvent, TokenEvent

ARTICLE = SourceDocument(
    key="mem://rice",
    title="Rice",
    text=(
        "Rice prices rose sharply in Jakarta this week.\n"
        "Trade minister Budi Santoso said imports of 2,000 tonnes would arrive in March.\n"
        "Traders at the Cipinang market complained about thin margins.\n"
    ),
    source="wire",
)


def _assistant(settings, store, replies=None, **overrides):
    Ingestor(settings, store).ingest_documents([ARTICLE])
    model = (
        GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies])) if replies else None
    )
    return Assistant(settings.with_overrides(**overrides), store, chat_model=model)


def test_stream_yields_evidence_then_tokens_then_answer(settings, store):
    assistant = _assistant(
        settings,
        store,
        ["Budi Santoso said 2,000 tonnes of imports would arrive in March [1]."],
        relevance_floor=0.0,
        citation_floor=0.0,
    )
    events = list(assistant.stream("How many tonnes of rice imports did Budi Santoso announce?"))
    assert isinstance(events[0], EvidenceEvent) and events[0].evidence
    assert any(isinstance(e, TokenEvent) for e in events[1:-1])
    final = events[-1]
    assert isinstance(final, AnswerEvent)
    answer = final.answer
    assert not answer.refused
    assert answer.answer.endswith("[1].")
    assert "2,000 tonnes" in answer.citations[0].text
    stored = store.get_article(answer.citations[0].article_id)
    c = answer.citations[0]
    assert stored.text[c.start : c.end] == c.text
    data = answer.to_json()
    assert set(data) == {"question", "answer", "refused", "citations", "timings_ms"}
    assert data["timings_ms"]["first_token"] is not None


def test_below_relevance_floor_refuses_without_calling_the_model(settings, store):
    assistant = _assistant(settings, store, ["should never be used"], relevance_floor=0.99)
    answer = assistant.ask("Who won the 2022 World Cup?")
    assert answer.refused and answer.answer == "The articles don't say." and not answer.citations
    assert answer.timings_ms["first_token"] is None


def test_model_refusal_and_unsupported_claims_become_refusals(settings, store):
    refusing = _assistant(settings, store, ["NOT FOUND"], relevance_floor=0.0)
    assert refusing.ask("Who won the match?").refused
    inventing = _assistant(
        settings,
        store,
        ["The minister resigned in 1999 [1]."],
        relevance_floor=0.0,
        citation_floor=0.0,
    )
    answer = inventing.ask("What did the minister do?")
    assert answer.refused, answer.notes


def test_extractive_mode_cites_best_sentence(settings, store):
    assistant = _assistant(settings, store, relevance_floor=0.0)
    answer = assistant.ask("rice imports tonnes March", use_llm=False)
    assert not answer.refused and answer.answer.endswith("[1]")
    assert "2,000 tonnes" in answer.citations[0].text


def test_answer_in_indonesian_when_asked_in_indonesian(settings, store):
    assistant = _assistant(settings, store, relevance_floor=0.99)
    answer = assistant.ask("Siapa yang memenangkan Piala Dunia 2022?")
    assert answer.language == "id" and answer.answer == "Artikel-artikel ini tidak menyebutkannya."


def test_follow_up_is_rewritten_with_history(settings, store):
    assistant = _assistant(settings, store, relevance_floor=0.0)
    history = [("What did Budi Santoso say about imports?", "2,000 tonnes in March [1].")]
    standalone = assistant.standalone_question("and what did he say next?", history, False)
    assert "Budi Santoso" in standalone
    assert assistant.standalone_question("Rice prices?", history, False) == "Rice prices?"


def test_a_claim_anchored_by_its_own_number_needs_only_the_relevance_floor(settings, store):
    """The assistant hands ``check_citations`` the lower of the two floors as anchored floor."""
    import numpy as np

    question = "What did the trade minister announce?"
    claim = "Imports of 2,000 tonnes [1]."
    probe = _assistant(settings, store, relevance_floor=0.0)
    found = probe.retrieve(question)
    target = next(e for e in found.evidence if "2,000 tonnes" in e.text)
    vector = store.sentence_vectors([f"{target.article_id}:s{target.sentence_index}"])
    sentence = np.asarray(next(iter(vector.values())), dtype=np.float32)
    claim_vector = store.embeddings.embed_documents([f"{question} Imports of 2,000 tonnes"])[0]
    sim = float(np.dot(np.asarray(claim_vector, dtype=np.float32), sentence))
    floors = {
        "citation_floor": sim + 0.01,  # the claim misses the citation floor ...
        "relevance_floor": min(sim, found.top_similarity) - 0.01,  # ... but clears this one
    }
    answer = _assistant(settings, store, [claim, claim], **floors).ask(question)
    assert not answer.refused, answer.notes
    assert "2,000 tonnes" in answer.citations[0].text


def test_a_reply_restating_a_same_language_sentence_is_answered_with_that_sentence(settings, store):
    reply = "Budi Santoso said 2,000 tonnes of imports arrive in March [1]."
    assistant = _assistant(settings, store, [reply, reply], relevance_floor=0.0)
    question = "What did Budi Santoso say about imports?"
    answer = assistant.ask(question)
    sentence = "Trade minister Budi Santoso said imports of 2,000 tonnes would arrive in March."
    assert answer.answer == sentence.removesuffix(".") + " [1]."
    assert answer.citations[0].text == sentence
    # Asked for an Indonesian answer, the English sentence is not quoted: the reply stays.
    translated = assistant.ask(question, answer_language="id")
    assert translated.answer == reply


def test_cited_claims_before_a_trailing_not_found_are_checked(settings, store):
    # "... [1]. Not FOUND" (facqa): the claim is an answer for the citation check to judge.
    reply = "Budi Santoso said 2,000 tonnes of imports would arrive in March [2]. Not FOUND"
    assistant = _assistant(settings, store, [reply], relevance_floor=0.0, citation_floor=0.0)
    answer = assistant.ask("How many tonnes of rice imports did Budi Santoso announce?")
    assert not answer.refused, answer.notes
    assert "NOT FOUND" not in answer.answer.upper() and "2,000 tonnes" in answer.answer
    assert "2,000 tonnes" in answer.citations[0].text


def test_a_refusal_with_only_markers_or_uncited_words_stays_a_refusal(settings, store):
    for reply in ["NOT FOUND [2]", "[1] Not FOUND", "Budi Santoso spoke. NOT FOUND"]:
        assistant = _assistant(settings, store, [reply], relevance_floor=0.0, citation_floor=0.0)
        answer = assistant.ask("How many tonnes of rice imports did Budi Santoso announce?")
        assert answer.refused, (reply, answer.notes)
