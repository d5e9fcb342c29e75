"""Gold targets: raw dataset offsets and evidence substrings mapped onto stored sentences."""

from __future__ import annotations

from pathlib import Path

from eval.datasets import EvalSet, Passage, Question, load_jsonl, load_squad
from eval.targets import Resolver, flexible_pattern, map_offset, whole_words
from ingest.pipeline import Ingestor
from kutip.schema import SourceDocument

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_map_offset_skips_whitespace_and_invisible_characters():
    raw = "Heavy rain.  The\u200b city\n\nevacuated 3,500."
    stored = "Heavy rain. The city\nevacuated 3,500."
    for word in ("The", "city", "evacuated", "3,500"):
        assert stored[map_offset(raw, stored, raw.index(word)) :].startswith(word)
    assert map_offset(raw, stored, len(raw)) == len(stored)
    assert map_offset("abc", "ab", 3) is None


def test_flexible_pattern_and_whole_words():
    text = "Mayor Rina\nWulandari opened shelters."
    match = flexible_pattern("rina  wulandari").search(text)
    assert match and match.group() == "Rina\nWulandari"
    assert flexible_pattern("(a+b)").search("x (a+b) y")  # escaped, not a regex
    assert flexible_pattern("   ").search("anything") is None
    assert whole_words(text, text.index("Rina"), text.index("Rina") + 11) == "Rina\nWulandari"


def _ingest(store, settings, docs):
    report = Ingestor(settings, store).ingest_documents(docs)
    assert report.ok, report.summary()


def test_squad_targets_in_stored_coordinates(settings, store):
    ds = load_squad(FIXTURES / "tiny-squad.json")
    _ingest(store, settings, [SourceDocument(p.key, p.title, p.text) for p in ds.passages])
    targets = Resolver(store).resolve_all(ds, ds.questions)
    flood = store.find_by_key(next(p.key for p in ds.passages if p.title == "Flood"))
    sentences = store.sentences(flood.id)
    assert flood.text != next(p.text for p in ds.passages if p.title == "Flood")  # cleaned

    b1 = targets["b1"]  # "3,500" and "3,500 residents", both in the second sentence
    assert b1.qrels == {flood.id: 1}
    assert b1.sentences == {(flood.id, 1)}
    assert "3,500 residents" in sentences[1].text
    assert all(flood.text[s:e].startswith("3,500") for _, s, e in b1.spans)
    assert not b1.fallback

    b2 = targets["b2"]  # the clipped span "Rina Wuland" still finds its sentence and word
    assert b2.sentences == {(flood.id, 2)} and b2.answers == ["Rina Wulandari"]

    c1, c2 = targets["c1"], targets["c2"]  # one passage under two titles
    assert c1.qrels == c2.qrels and len(c1.qrels) == 1
    assert targets["a3"].qrels and not targets["a3"].sentences  # impossible: no evidence


def test_span_found_by_text_when_offset_is_wrong(settings, store):
    text = "First sentence here. The answer is Jakarta today."
    _ingest(store, settings, [SourceDocument("k", "T", text)])
    q = Question("q", "where?", "k", answers=("Jakarta",), answer_starts=(3,))
    evalset = EvalSet("x", "squad", Path("x.json"), [Passage("k", "T", text)], [q])
    target = Resolver(store).resolve_all(evalset, [q])["q"]
    article = store.find_by_key("k")
    assert target.fallback and target.sentences == {(article.id, 1)}


def test_jsonl_evidence_anywhere_in_the_collection(settings, store):
    Ingestor(settings, store).ingest([str(FIXTURES / "user-articles")])
    ds = load_jsonl(FIXTURES / "user-questions.jsonl")
    targets = Resolver(store).resolve_all(ds, ds.questions)
    rice = next(a for a in store.list_articles() if "beras" in a.text)
    assert "Baca Juga" not in rice.text  # boilerplate dropped by ingest
    u1 = targets["u1"]
    assert u1.qrels == {rice.id: 1} and u1.sentences == {(rice.id, 1)}
    u2 = targets["u2"]  # "Mayor Rina  Wulandari opened": whitespace-insensitive
    assert len(u2.sentences) == 1 and len(u2.qrels) == 1
    assert targets["u3"].qrels == {} and not targets["u3"].sentences
