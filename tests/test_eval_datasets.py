"""Loaders on tiny fixtures written for these tests (tests/fixtures/eval)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import load_beir, load_dataset, load_jsonl, load_squad
from kutip.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_squad_v2_with_answers_en_and_impossible():
    ds = load_squad(FIXTURES / "tiny-squad.json")
    assert ds.name == "tiny-squad" and ds.kind == "squad"
    # The Merapi context appears under two titles: one passage, both questions point at it.
    assert len(ds.passages) == 3
    by_id = {q.id: q for q in ds.questions}
    assert len(by_id) == 8
    assert by_id["c1"].passage_key == by_id["c2"].passage_key
    a1 = by_id["a1"]
    assert a1.answers == ("2.000 ton",) and a1.answers_alt == ("2,000 tonnes",)
    assert a1.gold_answers == ("2.000 ton", "2,000 tonnes")
    passage = next(p for p in ds.passages if p.key == a1.passage_key)
    assert passage.text[a1.answer_starts[0] :].startswith("2.000 ton")
    assert by_id["b1"].answers == ("3,500", "3,500 residents")
    assert {q.id for q in ds.unanswerable} == {"a3", "b3"}
    assert by_id["b3"].answers == () and by_id["b3"].qrels == {by_id["b3"].passage_key: 1}


def test_beir_prefers_dev_split_and_drops_zero_relevance():
    folder = FIXTURES / "tiny-beir"
    dev = load_beir(folder)
    assert [q.id for q in dev.questions] == ["q2"]
    test = load_beir(folder, split="test")
    by_id = {q.id: q for q in test.questions}
    assert set(by_id) == {"q1", "q2", "q3"}  # q4 has no judgement
    assert by_id["q1"].qrels == {"tiny-beir#d1": 2}  # the grade-0 row is not relevance
    assert by_id["q3"].qrels == {"tiny-beir#d3": 1, "tiny-beir#d1": 1}
    assert {p.key for p in test.passages} == {"tiny-beir#d1", "tiny-beir#d2", "tiny-beir#d3"}
    assert not any(q.answers or q.impossible for q in test.questions)
    with pytest.raises(InputError, match=r"no qrels/train\.tsv"):
        load_beir(folder, split="train")


def test_user_jsonl():
    ds = load_jsonl(FIXTURES / "user-questions.jsonl")
    assert ds.kind == "jsonl" and ds.passages == []
    u1, u2, u3 = ds.questions
    assert u1.evidence == ("impor 2.000 ton beras",) and u1.answers == ("2,000 tonnes", "2.000 ton")
    assert u1.passage_key is None and not u1.impossible
    assert u2.evidence == ("Mayor Rina  Wulandari opened",)
    assert u3.impossible and u3.evidence == () and u3.id == "u3"


def test_load_dataset_dispatches_on_the_path():
    assert load_dataset(FIXTURES / "tiny-squad.json").kind == "squad"
    assert load_dataset(FIXTURES / "tiny-beir").kind == "beir"
    assert load_dataset(FIXTURES / "user-questions.jsonl", name="mine").name == "mine"


def test_errors_name_the_input(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_dataset(tmp_path / "missing.json")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok?", "evidence": null, "answers": []}\n{not json\n')
    with pytest.raises(InputError, match=r"bad.jsonl:2"):
        load_jsonl(bad)
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"question": "ok?", "answers": "2,000"}\n')
    with pytest.raises(InputError, match="'answers' must be a list"):
        load_jsonl(wrong)
    not_squad = tmp_path / "x.json"
    not_squad.write_text('{"rows": []}')
    with pytest.raises(InputError, match="not SQuAD JSON"):
        load_squad(not_squad)
    (tmp_path / "beir").mkdir()
    with pytest.raises(InputError, match=r"corpus\.jsonl is missing"):
        load_beir(tmp_path / "beir")


def test_wikipedia_page_names_become_titles(tmp_path):
    # "European_Union_law" shown as it is made the answer model answer with the title itself.
    data = {
        "version": "v2.0",
        "data": [
            {
                "title": "European_Union_law",
                "paragraphs": [{"context": "Hukum Uni Eropa berlaku.", "qas": []}],
            }
        ],
    }
    path = tmp_path / "wiki.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    ds = load_dataset(path, require_questions=False)
    assert [p.title for p in ds.passages] == ["European Union law"]


def test_our_sample_article_question_set():
    """eval/questions/sample-article.jsonl: the shape its README promises, and every evidence
    string inside one sentence of the bundled article."""
    from eval.metrics import answer_matches
    from kutip.demo import sample_article_path
    from kutip.text.lang import detect_language
    from kutip.text.sentences import split_sentences

    root = Path(__file__).parent.parent
    ds = load_jsonl(root / "eval" / "questions" / "sample-article.jsonl")
    text = sample_article_path().read_text(encoding="utf-8")
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert len(ds.questions) >= 36 and len({q.id for q in ds.questions}) == len(ds.questions)
    assert len(ds.answerable) >= 24 and len(ds.unanswerable) >= 12
    languages = [detect_language(q.text) for q in ds.questions]
    assert abs(languages.count("en") - languages.count("id")) <= 4
    for q in ds.questions:
        assert detect_language(q.text) == ("id" if "id-" in q.id else "en"), q.id
        if q.impossible:
            assert not q.evidence and not q.answers, q.id
            continue
        (sentence,) = [s for s in sentences if q.evidence[0] in s]
        assert answer_matches(sentence, q.answers), q.id  # the source's own form is accepted
