"""Evidence selection: chunk-rank bonus, a fixed count, or a token budget."""

from __future__ import annotations

import pytest

from ingest.pipeline import Ingestor
from kutip.config import load_settings
from kutip.errors import ConfigError
from kutip.schema import Article, Sentence, SourceDocument
from kutip.text.tokens import count_tokens
from qa.assistant import Assistant
from qa.evidence import Scored, focus, in_document_order, score_candidates, select
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
    with pytest.raises(ConfigError, match="evidence_focus"):
        load_settings(store_dir=tmp_path, evidence_focus=-0.1)
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


def _in(article: str, score: float, title: str | None = None) -> Scored:
    sentence = Sentence(article_id=article, index=0, start=0, end=1, text=f"{article} {score}")
    title = article if title is None else title
    return Scored(sentence, Article(id=article, key=article, title=title, text=""), score, score)


def test_focus_keeps_only_articles_whose_best_sentence_is_near_the_best():
    # Best first: a (0.90), b (0.86) is within 0.05, c (0.80) is not, though one of a's own
    # sentences scores lower than c's: a sentence is kept or dropped with its article.
    scored = [_in("a", 0.90), _in("b", 0.86), _in("c", 0.80), _in("a", 0.70)]
    kept = focus(scored, 0.05)
    assert [(s.article.id, s.score) for s in kept] == [("a", 0.90), ("b", 0.86), ("a", 0.70)]
    assert [s.article.id for s in focus(scored, 0.0)] == ["a", "a"]
    assert focus(scored, 1.0) == scored
    assert focus([], 0.05) == []


def test_focus_keeps_every_passage_of_the_best_document():
    # A document stored as several passages (one title, e.g. a Wikipedia article split into
    # paragraphs) is one subject: its weaker passage stays, an unrelated title does not.
    scored = [
        _in("p1", 0.90, "Steam_engine"),
        _in("x", 0.84, "Film"),
        _in("p2", 0.75, "steam engine"),
    ]
    assert [s.article.id for s in focus(scored, 0.05)] == ["p1", "p2"]
    untitled = [_in("u1", 0.90, ""), _in("u2", 0.70, "")]
    assert [s.article.id for s in focus(untitled, 0.05)] == ["u1"]


def test_assistant_hands_no_evidence_from_an_article_far_below_the_best(settings, store):
    docs = [
        SourceDocument(key="mem://rice", title="Rice", text="Rice shipment reached Jakarta port."),
        SourceDocument(key="mem://film", title="Film", text="The film premiered in Paris."),
    ]
    Ingestor(settings, store).ingest_documents(docs)
    question = "rice shipment Jakarta port"
    wide = Assistant(settings.with_overrides(evidence_focus=1.0), store, chat_model=None)
    assert {e.title for e in wide.retrieve(question).evidence} == {"Rice", "Film"}
    narrow = Assistant(settings.with_overrides(evidence_focus=0.0), store, chat_model=None)
    assert {e.title for e in narrow.retrieve(question).evidence} == {"Rice"}


def _at(article: str, index: int, score: float) -> Scored:
    sentence = Sentence(article_id=article, index=index, start=0, end=1, text=f"{article}{index}")
    return Scored(sentence, Article(id=article, key=article, title=article, text=""), score, score)


def test_document_order_reads_each_article_in_order_articles_by_their_best_sentence():
    chosen = [_at("b", 7, 0.9), _at("a", 3, 0.8), _at("b", 2, 0.7), _at("a", 1, 0.6)]
    ordered = in_document_order(chosen)
    assert [(s.article.id, s.sentence.index) for s in ordered] == [
        ("b", 2),
        ("b", 7),
        ("a", 1),
        ("a", 3),
    ]
    assert in_document_order([]) == []


def test_assistant_numbers_the_evidence_in_the_configured_order(settings, store, tmp_path):
    text = (
        "The port of Jakarta opened a new terminal.\n"
        "Its rice shipment from Vietnam reached Jakarta on Monday.\n"
        "Officials expect more ships next year."
    )
    Ingestor(settings, store).ingest_documents([SourceDocument("mem://p", "P", text)])
    question = "rice shipment Vietnam Jakarta"
    ranked = Assistant(settings, store, chat_model=None).retrieve(question)
    assert ranked.evidence[0].sentence_index == 1  # the best sentence first
    ordered = Assistant(
        settings.with_overrides(evidence_order="document"), store, chat_model=None
    ).retrieve(question)
    indexes = [e.sentence_index for e in ordered.evidence]
    assert indexes == sorted(indexes) and len(indexes) == len(ranked.evidence) > 1
    assert [e.n for e in ordered.evidence] == list(range(1, len(indexes) + 1))
    assert ordered.top_similarity == ranked.top_similarity  # the best sentence counts either way
    assert ordered.evidence[ordered.best].sentence_index == 1
    floorless = settings.with_overrides(evidence_order="document", relevance_floor=0.0)
    quoted = Assistant(floorless, store, chat_model=None).ask(question)
    assert quoted.citations[0].sentence_index == 1  # without a model: the best sentence
    with pytest.raises(ConfigError, match="evidence_order"):
        load_settings(store_dir=tmp_path, evidence_order="random")
