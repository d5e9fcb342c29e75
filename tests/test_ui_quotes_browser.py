"""The Quotes tab in a real headless browser (issue 31's browser target): open the tab, filter
by Kirby, click his row, and his sentence is marked in the article, as a citation marks it.

It reuses the browser, the page and the real-library server of :mod:`test_ui_browser`; hash
embeddings are enough here, since quotes are attributed at ingest without any model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_ui_browser import browser, page, serve_real  # noqa: F401 - fixtures used by name
from ui_fixtures import ARTIFACTS, fast_settings

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.slow

KIRBY_SAID = "Tidak ada rencana atau niat"
KIRBY_ADDED = "kami mempunyai kepentingan keamanan nasional"


@pytest.fixture
def quotes_url(tmp_path: Path) -> Iterator[str]:
    """The real library over the sample article (its own store: the test deletes it)."""
    for url, _ in serve_real(fast_settings(tmp_path, relevance_floor=0.0)):
        yield url


def test_filter_by_kirby_click_his_row_and_the_sentence_is_marked(
    page: Any,  # noqa: F811 - the fixture imported above
    quotes_url: str,
) -> None:
    page.goto(quotes_url)
    page.get_by_role("tab", name="Quotes").click()
    table = page.locator("#kutip-quote-table")
    expect(table).to_contain_text("John Kirby")
    expect(page.locator("#kutip-quote-timeline")).to_contain_text("Choose a speaker")

    page.locator("#kutip-quote-speaker input").click()
    page.get_by_role("option", name="John Kirby (2)").click()
    expect(page.locator("#kutip-quote-summary")).to_contain_text("2 of ")
    rows = table.locator("[role=row].virtual-row")  # Gradio 6's table: one div per row
    expect(rows).to_have_count(2)
    timeline = page.locator("#kutip-quote-timeline")
    expect(timeline).to_contain_text("John Kirby over time")
    items = timeline.locator("li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(KIRBY_SAID)
    expect(items.nth(1)).to_contain_text(KIRBY_ADDED)

    rows.filter(has_text=KIRBY_SAID).locator("[role=gridcell]").nth(1).click()
    view = page.locator("#kutip-quote-view")
    hit = view.locator(".kutip-card mark.kutip-hit")
    expect(hit).to_contain_text("John Kirby")
    expect(hit).to_contain_text(KIRBY_SAID)
    expect(hit).to_be_in_viewport()
    expect(view.locator(".kutip-whole mark.kutip-hit")).to_contain_text(KIRBY_SAID)
    expect(view.locator(".kutip-quote-who")).to_contain_text("Juru Bicara Dewan Keamanan Nasional")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-quotes-kirby.png"))

    # The second row opens the "tambahnya" sentence instead.
    rows.filter(has_text=KIRBY_ADDED).locator("[role=gridcell]").nth(1).click()
    expect(hit).to_contain_text(KIRBY_ADDED)
    expect(hit).not_to_contain_text(KIRBY_SAID)

    # Deleting the article empties the tab: it follows the article list.
    page.get_by_role("tab", name="Articles").click()
    page.locator("#kutip-article-pick input").click()
    page.get_by_role("option").first.click()
    page.locator("#kutip-delete").click()
    expect(page.locator("#kutip-articles-status")).to_contain_text("Deleted")
    page.get_by_role("tab", name="Quotes").click()
    expect(page.locator("#kutip-quote-summary")).to_contain_text("No quotes yet")
    expect(view).to_contain_text("Click a quote in the table")
    assert page.kutip_errors == []
