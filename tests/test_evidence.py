"""Evidence selection: chunk-rank bonus, a fixed count, or a token budget."""

from __future__ import annotations

import pytest

from ingest.pipeline import Ingestor
from kutip.config import load_settings
from kutip.errors import ConfigError
from kutip.schema import Article, Sentence, SourceDocument
from kutip.text.tokens import count_tokens
from qa.assistant import Assistant
from qa.evidence import (
    Scored,
    reading_order,
    score_candidates,
    select,
    to_evidence,
    with_context,
)
from qa.retriever import search

ARTICLE = Article(id="a", key="k", title="T", text="")


def _scored(*texts: str) -> list[Scored]:
    """Candidates already in rank order (scores descending)."""
    out = []
    for i, text in enumerate(texts):
        sentence = Sentence(article_id="a", index=i, start=0, end=len(text), text=text)
        out.append(Scored(sentence, ARTICLE, 1.0 - i / 10, 1.0 - i / 10))
    return out


SHORT = "Kirby denied it."
LONG = " ".join(["The minister said the plan would be announced later this year."] * 4)


def test_select_without_budget_is_the_best_k():
    scored = _scored(SHORT, LONG, SHORT, SHORT)
    assert [s.sentence.index for s in select(scored, 2)] == [0, 1]


def test_budget_skips_a_sentence_that_does_not_fit_for_shorter_ones_after_it():
    scored = _scored(SHORT, LONG, SHORT, SHORT)
    budget = 3 * count_tokens(SHORT)  # room for the three short ones, not the long one
    chosen = select(scored, 10, budget)
    assert [s.sentence.index for s in chosen] == [0, 2, 3]
    assert sum(count_tokens(s.sentence.text) for s in chosen) <= budget


def test_budget_still_caps_the_count_and_always_takes_the_best_sentence():
    scored = _scored(SHORT, SHORT, SHORT)
    assert len(select(scored, 2, 10_000)) == 2
    only = select(_scored(LONG, SHORT), 5, 1)  # the best sentence alone exceeds the budget
    assert [s.sentence.index for s in only] == [0]


def test_chunk_bonus_decays_with_the_chunk_rank(settings, store):
    docs = [
        SourceDocument(key=f"mem://{i}", title=f"T{i}", text=f"Rice harvest {i} was large.")
        for i in range(3)
    ]
    Ingestor(settings, store).ingest_documents(docs)
    retrieval = search(store, settings, "rice harvest")
    flat = score_candidates(store, retrieval, bonus=0.1, decay=1.0)
    decayed = score_candidates(store, retrieval, bonus=0.1, decay=0.5)
    extra = {s.sentence.article_id: s.score - s.similarity for s in flat}
    assert list(extra.values()) == pytest.approx([0.1] * 3)  # every top chunk, the same bonus
    ranked = [cid.split(":", 1)[0] for cid, _ in retrieval.chunks]
    got = {s.sentence.article_id: s.score - s.similarity for s in decayed}
    assert [got[aid] for aid in ranked] == pytest.approx([0.1, 0.05, 0.025])


def test_assistant_uses_the_token_budget(settings, store):
    line = "Rice shipment number {} reached the port of Jakarta today."
    text = "\n".join(line.format(i) for i in range(8))
    doc = SourceDocument(key="mem://r", title="R", text=text)
    Ingestor(settings, store).ingest_documents([doc])
    per_sentence = count_tokens(line.format(1))
    budgeted = settings.with_overrides(evidence_k=8, evidence_tokens=3 * per_sentence)
    found = Assistant(budgeted, store, chat_model=None).retrieve("rice shipment Jakarta")
    assert len(found.evidence) == 3
    counted = Assistant(
        settings.with_overrides(evidence_k=4, evidence_tokens=0), store, chat_model=None
    )
    assert len(counted.retrieve("rice shipment Jakarta").evidence) == 4


def test_settings_reject_a_negative_budget_and_a_bad_decay(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="evidence_tokens"):
        load_settings(store_dir=tmp_path, evidence_tokens=-1)
    monkeypatch.setenv("KUTIP_CHUNK_BONUS_DECAY", "1.5")
    with pytest.raises(ConfigError, match="chunk_bonus_decay"):
        load_settings(store_dir=tmp_path)
    monkeypatch.setenv("KUTIP_CHUNK_BONUS_DECAY", "0.8")
    monkeypatch.setenv("KUTIP_EVIDENCE_TOKENS", "280")
    loaded = load_settings(store_dir=tmp_path)
    assert (loaded.chunk_bonus_decay, loaded.evidence_tokens) == (0.8, 280)


def test_a_sentence_without_letters_or_digits_is_never_evidence(settings, store):
    text = "Rice harvest in Java was large this year.\n* * *\nRice prices fell in Jakarta."
    Ingestor(settings, store).ingest_documents([SourceDocument("mem://s", "S", text)])
    assert "* * *" in [s.text for s in store.sentences(store.list_articles()[0].id)]
    scored = score_candidates(store, search(store, settings, "rice harvest"), bonus=0.1)
    texts = [s.sentence.text for s in scored]
    assert len(texts) == 2 and "* * *" not in texts


def _scored_at(indexes_scores: list[tuple[str, int, float]]) -> list[Scored]:
    """Candidates given as (article id, sentence index, score), best first."""
    out = []
    for aid, index, score in indexes_scores:
        article = Article(id=aid, key=aid, title=aid.upper(), text="")
        sentence = Sentence(article_id=aid, index=index, start=0, end=1, text=f"{aid}{index}")
        out.append(Scored(sentence, article, score, score))
    return out


def test_reading_order_puts_the_best_run_first_and_keeps_runs_in_document_order():
    # b:4 is best; its neighbours b:3 and b:5 form one run; article a comes after b.
    scored = _scored_at([("b", 4, 0.9), ("a", 7, 0.8), ("b", 1, 0.7), ("b", 5, 0.6), ("b", 3, 0.5)])
    order = [(s.article.id, s.sentence.index) for s in reading_order(scored)]
    assert order == [("b", 3), ("b", 4), ("b", 5), ("b", 1), ("a", 7)]


def test_context_brings_neighbours_within_the_budget_and_numbers_in_reading_order(settings, store):
    lines = [f"Sentence {w} of the harbour report mentions cargo." for w in "ABCDEFGH"]
    lines[5] = "Rice shipment reached the port of Jakarta on Monday."
    doc = SourceDocument(key="mem://h", title="Harbour", text="\n".join(lines))
    Ingestor(settings, store).ingest_documents([doc])
    retrieval = search(store, settings, "rice shipment Jakarta port")
    ranked = score_candidates(store, retrieval, bonus=0.0)
    assert ranked[0].sentence.index == 5
    per = max(count_tokens(line) for line in lines)
    chosen = with_context(store, ranked, retrieval.vector, 1, 3 * per, 10)
    assert {s.sentence.index for s in chosen} == {4, 5, 6}
    evidence = to_evidence(chosen, reading_order(chosen))
    assert [(e.n, e.sentence_index) for e in evidence] == [(1, 4), (2, 5), (3, 6)]
    assert next(e.rank for e in evidence if e.sentence_index == 5) == 1
    # Without a budget the count still caps it; context 0 is the plain best-first selection.
    assert len(with_context(store, ranked, retrieval.vector, 3, 0, 4)) == 4


def test_assistant_with_context_quotes_the_best_sentence_without_a_model(settings, store):
    lines = [f"Sentence {w} of the harbour report mentions cargo." for w in "ABCDE"]
    lines[3] = "Rice shipment reached the port of Jakarta on Monday."
    doc = SourceDocument(key="mem://h2", title="Harbour", text="\n".join(lines))
    Ingestor(settings, store).ingest_documents([doc])
    assistant = Assistant(
        settings.with_overrides(evidence_context=1, relevance_floor=0.0), store, chat_model=None
    )
    answer = assistant.ask("rice shipment Jakarta port", use_llm=False)
    assert answer.citations[0].sentence_index == 3
    # One run of the whole short article, in document order; the quote is still the best one.
    assert [e.sentence_index for e in answer.evidence] == [0, 1, 2, 3, 4]
