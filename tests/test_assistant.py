"""The assistant API: event order, refusal floor, extractive mode, answer language, follow-ups."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from scripted_model import scripted

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


def _assistant(settings, store, replies=None, model=None, **overrides):
    Ingestor(settings, store).ingest_documents([ARTICLE])
    if replies:
        model = GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))
    return Assistant(settings.with_overrides(**overrides), store, chat_model=model)


def test_stream_yields_evidence_then_tokens_then_answer(settings, store):
    model = scripted(judge=0.9, copy="2,000 tonnes")
    weights = (-0.6, 1.0, 0.0, 0.0)  # the scripted judge decides; the test embedder cannot
    assistant = _assistant(
        settings, store, model=model, relevance_floor=0.0, decision_weights=weights
    )
    events = list(assistant.stream("How many tonnes of rice imports did Budi Santoso announce?"))
    assert isinstance(events[0], EvidenceEvent) and events[0].evidence
    assert any(isinstance(e, TokenEvent) for e in events[1:-1])
    final = events[-1]
    assert isinstance(final, AnswerEvent)
    answer = final.answer
    assert not answer.refused
    assert answer.answer == "2,000 tonnes [1]."
    assert "2,000 tonnes" in answer.citations[0].text
    stored = store.get_article(answer.citations[0].article_id)
    c = answer.citations[0]
    assert stored.text[c.start : c.end] == c.text
    data = answer.to_json()
    assert set(data) == {"question", "answer", "refused", "citations", "related", "timings_ms"}
    assert data["timings_ms"]["first_token"] is not None


def test_below_relevance_floor_refuses_without_calling_the_model(settings, store):
    assistant = _assistant(settings, store, ["should never be used"], relevance_floor=0.99)
    answer = assistant.ask("Who won the 2022 World Cup?")
    assert answer.refused and answer.answer == "The articles don't say." and not answer.citations
    assert answer.timings_ms["first_token"] is None


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
