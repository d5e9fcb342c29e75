"""``run_eval`` end to end on tiny fixtures (hash embedder), plus its pieces by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripted_model import scripted

from eval import metrics as M
from eval.baselines import Cited, SystemAnswer
from eval.datasets import Question, load_squad
from eval.evidence import STEPS
from eval.runner import (
    EVAL_SEARCH_EF,
    SYSTEM_METRICS,
    answer_metrics,
    run_eval,
    sample_questions,
)
from eval.targets import Target
from ingest.pipeline import Ingestor
from kutip.errors import InputError
from kutip.schema import SourceDocument

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
SQUAD = FIXTURES / "tiny-squad.json"


def _check_shape(result: dict) -> None:
    json.dumps(result)  # serialisable as is
    assert set(result["systems"]) == {"kutip", "bm25", "naive"}
    for name, row in result["systems"].items():
        assert list(row) == list(SYSTEM_METRICS), name
        for metric, value in row.items():
            assert value is None or isinstance(value, float), (name, metric)
            if value is not None and not metric.startswith(("prompt", "ttft")):
                assert 0.0 <= value <= 1.0, (name, metric, value)
        if row["recall@1"] is not None:
            assert row["recall@1"] <= row["recall@5"] <= row["recall@10"] <= row["recall@100"]


def test_run_eval_squad_without_llm(make_settings):
    settings = make_settings(relevance_floor=0.0)
    result = run_eval(SQUAD, settings, answers=8, progress=False, metrics_engine="python")
    _check_shape(result)
    assert result["dataset"] == "tiny-squad"
    info = result["dataset_info"]
    assert info["passages"] == 3 and info["questions"] == 8
    assert info["retrieval_questions"] == 6 and info["evidence_questions"] == 6
    assert info["answer_sample"] == {"answerable": 6, "unanswerable": 2}
    kutip, bm25, naive = (result["systems"][s] for s in ("kutip", "bm25", "naive"))
    # Three distinct passages: every system finds the right one within the top 5.
    for row in (kutip, bm25, naive):
        assert row["recall@5"] >= 0.8 and row["ndcg@10"] >= 0.8
    # bm25 has no answerer; the naive recipe needs a model; kutip answers extractively.
    assert bm25["evidence_hit@1"] is None and bm25["answer_accuracy"] is None
    assert naive["evidence_hit@5"] is not None and naive["answer_accuracy"] is None
    assert kutip["evidence_hit@5"] is not None and kutip["answer_accuracy"] is not None
    assert kutip["citation_precision"] is not None and kutip["refusal_accuracy"] is not None
    assert kutip["ttft_ms_p50"] is None and kutip["prompt_tokens_mean"] is None  # no model
    details = result["details"]
    # Anywhere in the handed units is at least as often as within the first five of them.
    assert details["kutip"]["evidence_hit_handed"] >= kutip["evidence_hit@5"]
    assert details["naive"]["handed_units_mean"] <= 4
    assert details["bm25"]["evidence_hit_handed"] is None  # no answerer, nothing handed
    # Every question whose evidence kutip did not hand over is lost at exactly one step.
    lost = details["kutip"]["evidence_lost"]
    assert list(lost) == list(STEPS)
    missed = (1 - details["kutip"]["evidence_hit_handed"]) * info["evidence_questions"]
    assert sum(lost.values()) == round(missed)
    assert details["naive"]["evidence_lost"] is None  # whole chunks: no selection steps
    # Floor 0: the extractive mode never refuses, and always cites.
    assert kutip["false_refusal_rate"] == 0.0 and kutip["refusal_accuracy"] == 0.0
    assert set(result["significance"]) == {"bm25", "naive"}
    assert result["index"]["embedding_cache"]["misses"] > 0
    # The throwaway index searches near exactly, so a rebuild ranks the same.
    assert result["config"]["search_ef"] == EVAL_SEARCH_EF > settings.search_ef

    again = run_eval(SQUAD, settings, answers=0, baselines=(), progress=False)
    assert again["index"]["embedding_cache"]["misses"] == 0  # a rerun only looks vectors up
    assert set(again["systems"]) == {"kutip"} and again["significance"] == {}
    assert again["systems"]["kutip"]["ndcg@10"] == pytest.approx(kutip["ndcg@10"])


def test_a_one_sentence_budget_loses_evidence_over_the_budget(make_settings):
    # One sentence handed: a question whose best-scored sentence is not its evidence loses it
    # to the budget, and the report says so, where the default budget loses none.
    settings = make_settings(relevance_floor=0.0, evidence_k=1, evidence_tokens=0)
    result = run_eval(SQUAD, settings, answers=0, baselines=(), progress=False)
    details = result["details"]["kutip"]
    lost = details["evidence_lost"]
    assert lost["over the budget"] >= 1
    assert details["handed_units_mean"] == 1
    roomy = run_eval(SQUAD, make_settings(), answers=0, baselines=(), progress=False)
    assert roomy["details"]["kutip"]["evidence_lost"]["over the budget"] == 0


def test_run_eval_with_a_chat_model(make_settings):
    # kutip's jobs (judge, copy) get scripted probabilities; naive's one prompt gets the reply.
    reply = "Rina Wulandari opened twelve shelters [1]."
    model = scripted(judge=0.9, copy="Rina Wulandari", translate=lambda prompt: reply)
    settings = make_settings(relevance_floor=0.0)
    result = run_eval(
        SQUAD, settings, answers=8, progress=False, chat_model=model, metrics_engine="python"
    )
    _check_shape(result)
    naive = result["systems"]["naive"]
    # The same reply to every question: only b2 ("Rina Wuland", clipped) is answered right.
    assert naive["answer_accuracy"] == pytest.approx(1 / 6)
    assert naive["refusal_accuracy"] == 0.0 and naive["false_refusal_rate"] == 0.0
    assert naive["citation_precision"] is None and naive["citation_recall"] is None
    assert naive["prompt_tokens_mean"] > 0 and naive["ttft_ms_p50"] is not None
    kutip = result["systems"]["kutip"]
    assert kutip["prompt_tokens_mean"] > 0 and kutip["ttft_ms_p50"] is not None
    assert result["config"]["llm"] == "ScriptedChat"
    fusion = result["config"]["fusion"]  # a report says which weights it ran
    assert (fusion["rrf_k"], fusion["sentence_mix"]) == (settings.rrf_k, settings.sentence_mix)
    assert len(result["latency_ms"]["naive"]["total"]) == 8
    misses = result["details"]["naive"]["misses"]
    assert misses["graded"] == 6 and misses["causes"]["correct"] == 1
    assert misses["unanswerable"] == 2 and misses["unanswerable_refused"] == 0
    # Purity: the English reply holds "Wulandari", a word Indonesian text uses often (the
    # metric cannot tell an Indonesian name from an Indonesian word unless the question
    # names it), and to the Indonesian question it is all English. Each rate has its interval.
    assert naive["language_purity"] == 0.0
    rows = result["details"]["naive"]["per_question"]
    assert {tuple(r["foreign_words"]) for r in rows if not r["impossible"]} >= {("Wulandari",)}
    details = result["details"]["naive"]
    lo, hi = details["answer_accuracy_ci"]
    assert lo < 1 / 6 < hi
    assert details["refusal_accuracy_ci"] == [0.0, pytest.approx(0.6576, abs=1e-3)]
    assert details["language_purity_ci"][0] == 0.0 and details["citation_precision_ci"] is None
    # Unanswerable questions apart: accuracy over the 6 answerable, refusals over the 2 others.
    assert (details["answerable"], details["unanswerable"]) == (6, 2)


def test_run_eval_user_jsonl_with_articles(make_settings):
    result = run_eval(
        FIXTURES / "user-questions.jsonl",
        make_settings(),
        articles=[str(FIXTURES / "user-articles")],
        baselines=("bm25",),
        progress=False,
        metrics_engine="python",
    )
    info = result["dataset_info"]
    assert info["kind"] == "jsonl" and info["passages"] == 0
    assert info["retrieval_questions"] == 2 and info["evidence_questions"] == 2
    assert result["index"]["articles"] == 2
    # English words cannot match the Indonesian rice article: BM25 finds only the flood one.
    assert result["systems"]["bm25"]["recall@5"] == 0.5
    with pytest.raises(InputError, match="needs --articles or --collection"):
        run_eval(FIXTURES / "user-questions.jsonl", make_settings(), progress=False)


def test_a_jsonl_set_over_articles_with_distractors(make_settings, tmp_path):
    # The mission store: the user's articles among the first N passages of another dataset.
    paragraphs = [
        {"context": "Timnas Indonesia menang 2-0 atas Vietnam di Hanoi.", "qas": []},
        {"context": "The central bank held its rate at six percent.", "qas": []},
        {"context": "Harga cabai naik dua kali lipat di Medan.", "qas": []},
    ]
    extra = tmp_path / "news.json"
    extra.write_text(json.dumps({"data": [{"title": "news", "paragraphs": paragraphs}]}))
    result = run_eval(
        FIXTURES / "user-questions.jsonl",
        make_settings(),
        articles=[str(FIXTURES / "user-articles")],
        distractors=[extra],
        distractor_limit=2,
        baselines=("bm25",),
        progress=False,
        metrics_engine="python",
    )
    assert result["index"]["distractor_passages"] == 2
    assert result["index"]["articles"] == 2 + 2  # the two articles and two distractors
    info = result["dataset_info"]
    assert info["retrieval_questions"] == 2 and info["evidence_questions"] == 2
    assert result["systems"]["kutip"]["recall@5"] == 1.0


def test_run_eval_beir_has_passage_metrics_only(make_settings):
    result = run_eval(
        FIXTURES / "tiny-beir",
        make_settings(),
        split="test",
        answers=2,
        baselines=("bm25",),
        progress=False,
        metrics_engine="python",
    )
    assert result["dataset_info"]["retrieval_questions"] == 3
    kutip, bm25 = result["systems"]["kutip"], result["systems"]["bm25"]
    assert kutip["ndcg@10"] is not None and bm25["mrr@10"] == 1.0
    # No evidence sentences and no answers in BEIR: those metrics do not apply.
    assert kutip["evidence_hit@1"] is None and kutip["answer_accuracy"] is None
    assert kutip["citation_precision"] is None and kutip["false_refusal_rate"] is not None


def test_run_eval_on_an_existing_collection(make_settings):
    settings = make_settings(collection="mine")
    with pytest.raises(InputError, match="none of the dataset's passages"):
        run_eval(SQUAD, settings, collection="mine", baselines=(), progress=False)
    from kutip.store import open_store

    ds = load_squad(SQUAD)
    store = open_store(settings)
    Ingestor(settings, store).ingest_documents(
        [SourceDocument(p.key, p.title, p.text) for p in ds.passages]
    )
    store.close()
    result = run_eval(
        SQUAD, settings, collection="mine", baselines=(), progress=False, metrics_engine="python"
    )
    assert result["index"]["collection"] == "mine" and result["index"]["passages_missing"] == 0
    assert result["config"]["search_ef"] == settings.search_ef  # the user's index as it is
    assert result["systems"]["kutip"]["recall@100"] == 1.0


def test_distractor_passages_join_the_index_for_every_system(make_settings, tmp_path):
    ds = load_squad(SQUAD)
    paragraphs = [
        {"context": "Timnas Indonesia menang 2-0 atas Vietnam di Hanoi.", "qas": []},
        {"context": "The central bank held its rate at six percent.", "qas": []},
        {"context": ds.passages[0].text, "qas": []},  # the dataset's own passage: skipped
    ]
    extra = tmp_path / "news.json"
    extra.write_text(json.dumps({"data": [{"title": "news", "paragraphs": paragraphs}]}))
    settings = make_settings(relevance_floor=0.0)
    result = run_eval(SQUAD, settings, distractors=[extra], progress=False, metrics_engine="python")
    _check_shape(result)
    assert result["index"]["distractor_passages"] == 2
    assert result["index"]["articles"] == len(ds.passages) + 2
    assert result["dataset_info"]["passages"] == len(ds.passages)  # judged as before
    assert result["config"]["distractors"] == [str(extra)]
    for row in result["systems"].values():
        assert row["recall@5"] >= 0.8
    first = run_eval(
        SQUAD, settings, distractors=[extra], distractor_limit=1, baselines=(), progress=False
    )
    assert first["index"]["distractor_passages"] == 1  # the mission store takes the first 400
    with pytest.raises(InputError, match="drop --collection"):
        run_eval(SQUAD, settings, collection="mine", distractors=[extra], progress=False)
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"data": []}))
    with pytest.raises(InputError, match="no passages"):
        run_eval(SQUAD, settings, distractors=[empty], progress=False)


def _q(qid: str, impossible: bool = False, answers=("2,000 tonnes",)) -> Question:
    return Question(qid, "q?", "k", answers=() if impossible else answers, impossible=impossible)


def test_sample_questions_mixes_and_is_seeded():
    pool = [_q(f"a{i}") for i in range(10)] + [_q(f"u{i}", impossible=True) for i in range(5)]
    sample = sample_questions(pool, 12, seed=0)
    assert sum(q.impossible for q in sample) == 2 and len(sample) == 12  # round(12 / 6) = 2
    assert sample == sample_questions(pool, 12, seed=0)
    assert sample != sample_questions(pool, 12, seed=1)
    assert len(sample_questions(pool, 100, seed=0)) == 15  # everything, no duplicates
    assert sample_questions(pool, 0, seed=0) == []
    only = sample_questions(pool[:3], 6, seed=0)
    assert len(only) == 3 and not any(q.impossible for q in only)


def test_the_unanswerable_share_of_the_answer_sample():
    pool = [_q(f"a{i}") for i in range(10)] + [_q(f"u{i}", impossible=True) for i in range(5)]
    half = sample_questions(pool, 8, seed=0, unanswerable_share=0.5)
    assert sum(q.impossible for q in half) == 4 and len(half) == 8
    # 1: every unanswerable question, answerable ones for the rest (300 + all, in small).
    every = sample_questions(pool, 8, seed=0, unanswerable_share=1.0)
    assert sum(q.impossible for q in every) == 5 and len(every) == 8
    assert not any(q.impossible for q in sample_questions(pool, 8, 0, unanswerable_share=0.0))
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        sample_questions(pool, 8, seed=0, unanswerable_share=1.5)


def test_run_eval_takes_the_unanswerable_share(make_settings):
    result = run_eval(
        SQUAD,
        make_settings(relevance_floor=0.0),
        answers=4,
        unanswerable_share=0.5,
        baselines=(),
        progress=False,
        metrics_engine="python",
    )
    assert result["dataset_info"]["answer_sample"] == {"answerable": 2, "unanswerable": 2}
    assert result["config"]["unanswerable_share"] == 0.5
    assert result["details"]["kutip"]["unanswerable"] == 2


def test_answer_metrics_by_hand():
    ev = {("a", 1)}
    sample = [_q("q1"), _q("q2"), _q("q3"), _q("u1", impossible=True), _q("u2", impossible=True)]
    targets = {q.id: Target(sentences=set(ev) if not q.impossible else set()) for q in sample}

    def reply(text, refused=False, cites=(), tokens=None, ttft=None):
        cited = [Cited(n, aid, idx) for n, aid, idx in cites]
        return SystemAnswer(text, refused, cited, tokens, ttft, 100.0)

    replies = [
        # right answer, two citations of which one is on the evidence, both claims marked [1]
        reply(
            "It is 2.000 tonnes [1]. Imports come in March [1].",
            cites=[(1, "a", 1)],
            tokens=100,
            ttft=10.0,
        ),
        # wrong answer with one off-evidence citation
        reply("Ten tonnes [1].", cites=[(1, "a", 5)], tokens=200, ttft=30.0),
        # refused although answerable
        reply("The articles don't say.", refused=True, tokens=None, ttft=None),
        reply("The articles don't say.", refused=True),  # right refusal
        reply("Some answer [1].", cites=[(1, "b", 0)], tokens=300, ttft=20.0),  # wrong answer
    ]
    row, detail = answer_metrics(sample, replies, targets)
    assert row["answer_accuracy"] == pytest.approx(1 / 3)  # q1 of q1..q3
    assert row["citation_precision"] == pytest.approx(1 / 2)  # q1's [1] on, q2's [1] off
    assert row["citation_recall"] == pytest.approx(1 / 2)  # q1 yes, q2 no (q3 refused)
    assert row["refusal_accuracy"] == pytest.approx(1 / 2)  # u1 refused, u2 answered
    assert row["false_refusal_rate"] == pytest.approx(1 / 3)  # q3
    assert row["prompt_tokens_mean"] == pytest.approx(200.0)  # 100, 200, 300
    assert row["ttft_ms_p50"] == pytest.approx(20.0)  # 10, 30, 20
    assert detail["citations"] == 2 and detail["citations_on_evidence"] == 1
    assert detail["answer_accuracy_ci"] == list(M.wilson(1, 3))
    assert detail["refusal_accuracy_ci"] == list(M.wilson(1, 2))
    assert detail["false_refusal_rate_ci"] == list(M.wilson(1, 3))
    assert detail["citation_precision_ci"] == list(M.wilson(1, 2))
    rows = detail["per_question"]
    assert [r["correct"] for r in rows] == [True, False, False, None, None]
    assert rows[0]["cited"] == [{"n": 1, "on_evidence": True}]
    assert rows[3]["impossible"] and rows[3]["refused"]

    uncited = [
        SystemAnswer(r.text, r.refused, None, r.prompt_tokens, r.ttft_ms, 1.0) for r in replies
    ]
    row, _ = answer_metrics(sample, uncited, targets)
    assert row["citation_precision"] is None and row["citation_recall"] is None
    assert row["answer_accuracy"] == pytest.approx(1 / 3)


@pytest.mark.slow
def test_kutip_eval_command_end_to_end(tmp_path, monkeypatch, capsys):
    """The CLI path CI runs: ranx metrics, JSON file, Markdown report with plots."""
    from cli.main import main

    # One sentence handed, so some evidence is lost and the table is followed by where.
    monkeypatch.setenv("KUTIP_EVIDENCE_K", "1")
    monkeypatch.setenv("KUTIP_EVIDENCE_TOKENS", "0")

    out, report = tmp_path / "out.json", tmp_path / "report"
    details = tmp_path / "details.jsonl"
    extra = tmp_path / "extra.json"
    paragraph = {"context": "The central bank held its rate at six percent.", "qas": []}
    extra.write_text(json.dumps({"data": [{"title": "bank", "paragraphs": [paragraph]}]}))
    code = main(
        [
            "eval",
            "--dataset",
            str(SQUAD),
            "--store",
            str(tmp_path / "store"),
            "--embedding",
            "hash",
            "--no-llm",
            "--answers",
            "4",
            "-q",
            "--json",
            str(out),
            "--report",
            str(report),
            "--details",
            str(details),
            "--distractors",
            str(extra),
        ]
    )
    assert code == 0
    result = json.loads(out.read_text())
    assert "per_question" not in result["details"]["kutip"]  # the dataset stays out of JSON
    lost = result["details"]["kutip"]["evidence_lost"]
    printed = capsys.readouterr().out
    assert f"kutip lost the evidence sentence of {sum(lost.values())} question" in printed
    assert f"over the budget {lost['over the budget']}" in printed
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert len(rows) == 4 and {r["system"] for r in rows} == {"kutip"}
    assert all(r["answer"] and r["question"] for r in rows)
    _check_shape(result)
    assert {"report.md", "metrics.png", "latency.png", "result.json"} <= {
        p.name for p in report.iterdir()
    }
    text = (report / "report.md").read_text()
    assert "| ndcg@10" in text and "plus 1 distractor passages" in text
    assert "## Why answers missed" in text


def test_baseline_answers_are_cached_by_prompt_and_model(make_settings):
    calls = []

    def counted(prompt: str) -> str:
        calls.append(prompt)
        return "Rina Wulandari opened twelve shelters [1]."

    settings = make_settings(relevance_floor=0.0)

    def run(model):
        return run_eval(
            SQUAD, settings, answers=6, baselines=("naive",), progress=False, chat_model=model
        )

    first = run(scripted(judge=0.9, copy="x", translate=counted))
    generated = len(calls)
    assert generated == 6 and first["baseline_answer_cache"] == {"hits": 0, "misses": 6}
    second = run(scripted(judge=0.9, copy="x", translate=counted))
    assert len(calls) == generated  # the naive model was not asked again
    assert second["baseline_answer_cache"] == {"hits": 6, "misses": 0}
    # Identical metrics, timings included: a cached answer keeps what it cost when generated.
    assert second["systems"]["naive"] == first["systems"]["naive"]
    assert second["latency_ms"]["naive"]["total"] == first["latency_ms"]["naive"]["total"]
    # With the cache off (--no-answer-cache) the model is asked again.
    model = scripted(judge=0.9, copy="x", translate=counted)
    third = run_eval(
        SQUAD,
        settings,
        answers=6,
        baselines=("naive",),
        progress=False,
        chat_model=model,
        answer_cache=False,
    )
    assert len(calls) == generated + 6 and third["baseline_answer_cache"] is None


def test_a_changed_baseline_configuration_misses_the_cache(make_settings, monkeypatch):
    from langchain_core.prompts import ChatPromptTemplate
    from scripted_model import ScriptedChat

    import eval.baselines as baselines

    calls = []

    def counted(prompt: str) -> str:
        calls.append(prompt)
        return "Rina Wulandari [1]."

    class PathChat(ScriptedChat):
        model_path: str = "a.gguf"

        @property
        def _identifying_params(self) -> dict[str, str]:
            return {"model_path": self.model_path}

    def model(path: str) -> PathChat:
        base = scripted(judge=0.9, copy="x", translate=counted)
        return PathChat(script=base.script, model_path=path)

    settings = make_settings(relevance_floor=0.0)

    def run(chat: PathChat) -> dict:
        return run_eval(
            SQUAD, settings, answers=3, baselines=("naive",), progress=False, chat_model=chat
        )

    assert run(model("a.gguf"))["baseline_answer_cache"] == {"hits": 0, "misses": 3}
    assert run(model("a.gguf"))["baseline_answer_cache"] == {"hits": 3, "misses": 0}
    # Another model file: asked again.
    assert run(model("b.gguf"))["baseline_answer_cache"] == {"hits": 0, "misses": 3}
    # Another prompt template: asked again.
    template = ChatPromptTemplate.from_messages(
        [("system", "Answer from this context only.\n{context}"), ("human", "{question}")]
    )
    monkeypatch.setattr(baselines, "STUFF_PROMPT", template)
    assert run(model("a.gguf"))["baseline_answer_cache"] == {"hits": 0, "misses": 3}
    assert len(calls) == 9


def test_the_cache_key_is_the_model_and_every_message():
    from langchain_core.messages import HumanMessage

    from eval.answer_cache import prompt_key

    class Model:
        def __init__(self, temperature: float) -> None:
            self._identifying_params = {"model_path": "q.gguf", "temperature": temperature}

    question = [HumanMessage("ctx\n\nQuestion: who?")]
    assert prompt_key("naive", Model(0.0), question) == prompt_key("naive", Model(0.0), question)
    assert prompt_key("naive", Model(0.0), question) != prompt_key("naive", Model(0.7), question)
    other = [HumanMessage("other ctx\n\nQuestion: who?")]
    assert prompt_key("naive", Model(0.0), question) != prompt_key("naive", Model(0.0), other)
